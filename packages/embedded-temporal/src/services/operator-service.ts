/** OperatorService: search attribute registration and listing. */
import type { Engine } from '../engine';
import { invalidArgument } from '../errors';
import { SearchAttributeError } from '../visibility';
import type { OperatorServiceHandlers } from './handler';
import { namespaceChecked } from './namespace-check';

export function operatorServiceHandlers(engine: Engine): OperatorServiceHandlers {
  const handlers: OperatorServiceHandlers = {
    AddSearchAttributes: (r) => {
      const ns = engine.namespace(r.namespace);
      try {
        for (const [name, type] of Object.entries(r.searchAttributes ?? {})) ns.searchAttributes.add(name, type);
      } catch (err) {
        if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
        throw err;
      }
      return {};
    },
    RemoveSearchAttributes: (r) => {
      const ns = engine.namespace(r.namespace);
      try {
        for (const name of r.searchAttributes ?? []) ns.searchAttributes.remove(name);
      } catch (err) {
        if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
        throw err;
      }
      return {};
    },
    ListSearchAttributes: (r) => engine.namespace(r.namespace).searchAttributes.list(),
  };
  return namespaceChecked(engine.namespaces, handlers);
}
