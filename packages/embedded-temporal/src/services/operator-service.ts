/** OperatorService: search attribute registration and listing. */
import type { temporal } from '@temporalio/proto';
import type { Engine } from '../engine';
import { invalidArgument } from '../errors';
import { SearchAttributeError } from '../visibility';
import type { Handlers } from './handler';

export function operatorServiceHandlers(engine: Engine): Handlers {
  return {
    AddSearchAttributes: (r: temporal.api.operatorservice.v1.IAddSearchAttributesRequest) => {
      const ns = engine.namespace(r.namespace);
      try {
        for (const [name, type] of Object.entries(r.searchAttributes ?? {})) ns.searchAttributes.add(name, type);
      } catch (err) {
        if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
        throw err;
      }
      return {};
    },
    RemoveSearchAttributes: (r: temporal.api.operatorservice.v1.IRemoveSearchAttributesRequest) => {
      const ns = engine.namespace(r.namespace);
      try {
        for (const name of r.searchAttributes ?? []) ns.searchAttributes.remove(name);
      } catch (err) {
        if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
        throw err;
      }
      return {};
    },
    ListSearchAttributes: (r: temporal.api.operatorservice.v1.IListSearchAttributesRequest) =>
      engine.namespace(r.namespace).searchAttributes.list(),
  };
}
