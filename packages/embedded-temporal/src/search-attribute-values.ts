/** A run's search attribute values: typed from the namespace registry, merged on upsert, and the BuildIds the service keeps. */
import type { temporal } from '@temporalio/proto';
import { invalidArgument } from './errors';
import type { Namespace } from './namespaces';
import type { WorkflowRun } from './state/workflow-run';
import type { SearchAttributes } from './types';
import { SearchAttributeError } from './visibility';

/** Search attributes validated and with `metadata.type` filled from the namespace registry (INVALID_ARGUMENT otherwise). */
export function typedSearchAttributes(
  ns: Namespace,
  attributes: SearchAttributes | null | undefined,
): SearchAttributes | null {
  const fields = attributes?.indexedFields;
  if (!fields) return null;
  const registry = ns.searchAttributes;
  try {
    registry.validateUpsert(fields);
    const typed: Record<string, temporal.api.common.v1.IPayload> = {};
    for (const [name, payload] of Object.entries(fields)) {
      typed[name] = registry.withTypeMetadata(name, payload) as temporal.api.common.v1.IPayload;
    }
    return { indexedFields: typed };
  } catch (err) {
    if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
    throw err;
  }
}

/** Applies an upsert: set values replace, unset values (null, empty list) remove. */
export function mergeSearchAttributes(run: WorkflowRun, upsert: SearchAttributes | null): void {
  const merged = { ...(run.searchAttributes?.indexedFields ?? {}) };
  for (const [name, payload] of Object.entries(upsert?.indexedFields ?? {})) {
    if (run.namespace.searchAttributes.decode(name, payload) === null) delete merged[name];
    else merged[name] = payload;
  }
  run.searchAttributes = { indexedFields: merged };
  run.visibilityCache = undefined;
}

/**
 * The server keeps the build ids of the workers that completed workflow tasks in the `BuildIds`
 * search attribute (`unversioned`, `unversioned:<id>` for unversioned workers), with no event.
 */
export function recordBuildId(run: WorkflowRun, buildId: string): void {
  if (!buildId) return;
  const existing = run.searchAttributes?.indexedFields?.BuildIds;
  const current: string[] = existing?.data ? (JSON.parse(Buffer.from(existing.data).toString('utf8')) as string[]) : [];
  const wanted = ['unversioned', `unversioned:${buildId}`];
  if (wanted.every((id) => current.includes(id))) return;
  const merged = [...new Set([...current, ...wanted])];
  run.searchAttributes = {
    indexedFields: {
      ...(run.searchAttributes?.indexedFields ?? {}),
      BuildIds: {
        metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('KeywordList') },
        data: Buffer.from(JSON.stringify(merged)),
      },
    },
  };
  run.visibilityCache = undefined;
}
