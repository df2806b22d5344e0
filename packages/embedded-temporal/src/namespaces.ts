/** Namespaces, each with its own search attribute registry. */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { RpcError } from './errors';
import { SearchAttributeRegistry } from './visibility';

/** Custom attributes the dev server and the test server register out of the box (SDK tests use them). */
const DEFAULT_CUSTOM_SEARCH_ATTRIBUTES = {
  CustomKeywordField: 'Keyword',
  CustomStringField: 'Text',
  CustomTextField: 'Text',
  CustomIntField: 'Int',
  CustomDoubleField: 'Double',
  CustomBoolField: 'Bool',
  CustomDatetimeField: 'Datetime',
} as const;

/** Every namespace's retention (the dev server's default, one day); reset points of a closed run expire after it. */
export const NAMESPACE_RETENTION_MS = 86_400_000;

export class Namespace {
  readonly id = randomUUID();
  readonly searchAttributes = new SearchAttributeRegistry(DEFAULT_CUSTOM_SEARCH_ATTRIBUTES);

  constructor(readonly name: string) {}
}

export class Namespaces {
  private readonly byName = new Map<string, Namespace>();

  register(name: string): Namespace {
    let ns = this.byName.get(name);
    if (!ns) {
      ns = new Namespace(name);
      this.byName.set(name, ns);
    }
    return ns;
  }

  get(name: string | null | undefined): Namespace {
    const ns = this.byName.get(name || 'default');
    if (!ns) throw namespaceNotFound(name ?? '');
    return ns;
  }

  all(): Namespace[] {
    return [...this.byName.values()];
  }
}

/** NOT_FOUND with the NamespaceNotFoundFailure detail the client turns into NamespaceNotFoundError. */
export function namespaceNotFound(namespace: string): RpcError {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK proto module is loaded only when needed
  const { temporal } = require('@temporalio/proto') as typeof import('@temporalio/proto');
  const failure = temporal.api.errordetails.v1.NamespaceNotFoundFailure.encode({ namespace }).finish();
  return new RpcError(status.NOT_FOUND, `Namespace ${namespace} is not found.`, [
    { type: 'temporal.api.errordetails.v1.NamespaceNotFoundFailure', value: failure },
  ]);
}
