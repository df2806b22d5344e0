/**
 * The namespace a request names is resolved first, before anything else in it is looked at (an
 * async completion's task token, a workflow id): an unknown one is NOT_FOUND with the
 * `NamespaceNotFoundFailure` detail, which the client reports as `NamespaceNotFoundError`.
 */
import type { Namespaces } from '../namespaces';
import { handlerFor, type UntypedHandler } from './handler';

/**
 * `handlers` with each one (but those in `unchecked`) resolving its request's `namespace` first.
 * An empty namespace is left to the handler (the engine reads it as `default`).
 */
export function namespaceChecked<Handlers extends object>(
  namespaces: Namespaces,
  handlers: Handlers,
  unchecked: readonly (keyof Handlers & string)[] = [],
): Handlers {
  const checked: Record<string, UntypedHandler> = {};
  for (const method of Object.keys(handlers)) {
    const handler = handlerFor(handlers, method) as UntypedHandler;
    checked[method] = (unchecked as readonly string[]).includes(method)
      ? handler
      : (request, ctx) => {
          const namespace = (request as { namespace?: unknown } | null)?.namespace;
          if (typeof namespace === 'string' && namespace) namespaces.get(namespace);
          return handler(request, ctx);
        };
  }
  return checked as Handlers;
}
