/** OperatorService: search attribute registration and listing. */
import { temporal } from '@temporalio/proto';
import type { Engine } from '../engine';
import { SYSTEM_SEARCH_ATTRIBUTES } from '../namespaces';
import type { Handlers } from './handler';

export function operatorServiceHandlers(engine: Engine): Handlers {
  return {
    AddSearchAttributes: (r: temporal.api.operatorservice.v1.IAddSearchAttributesRequest) => {
      const ns = engine.namespace(r.namespace);
      for (const [name, type] of Object.entries(r.searchAttributes ?? {})) ns.addSearchAttribute(name, type);
      return {};
    },
    ListSearchAttributes: (r: temporal.api.operatorservice.v1.IListSearchAttributesRequest) => {
      const ns = engine.namespace(r.namespace);
      return {
        customAttributes: Object.fromEntries(ns.customSearchAttributes),
        systemAttributes: { ...SYSTEM_SEARCH_ATTRIBUTES },
        storageSchema: {},
      };
    },
  };
}
