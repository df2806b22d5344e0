/**
 * The shape of an RPC implementation, independent of grpc-js. Handler tables are typed by the
 * SDK's generated service classes (`@temporalio/proto`): a misspelled RPC name, or a handler
 * whose request or response is not that RPC's, fails to compile. No table needs every RPC: the
 * server answers the missing ones UNIMPLEMENTED.
 */
import type { grpc, temporal } from '@temporalio/proto';

export interface CallContext {
  /** Wall-clock epoch ms by which a long poll must answer (before the caller's deadline). */
  answerBy(maxWaitMs: number): number;
  readonly isCancelled: () => boolean;
  /** `grpc-encoding` of the request (`identity` when uncompressed or unknown). */
  readonly requestEncoding: string;
  readonly onCancel: (listener: () => void) => void;
}

/** A unary RPC as a generated service class declares it (a callable with these fields). */
interface UnaryRpc<Name extends string = string> {
  readonly name: Name;
  readonly responseType: string;
  readonly requestStream: undefined;
  readonly responseStream: undefined;
}

/** The plain-object shape of a message class (`IFooResponse`): what its `encode` takes. */
type Properties<MessageClass> = MessageClass extends { encode(message: infer P, ...rest: never[]): unknown }
  ? P
  : never;

/**
 * The handler of one RPC. The request type is the one the generated method takes; the response
 * is looked up by the method's `responseType` in `Messages`, the proto package of the service.
 */
type RpcHandler<Rpc, Messages> = Rpc extends {
  (request: infer Request): Promise<unknown>;
  readonly responseType: infer Response extends keyof Messages;
}
  ? (request: Request, ctx: CallContext) => Properties<Messages[Response]> | Promise<Properties<Messages[Response]>>
  : never;

/** RPC name (as on the wire, `StartWorkflowExecution`) → its handler, for each unary RPC of `Service`. */
export type ServiceHandlers<Service, Messages> = {
  [Method in keyof Service as Service[Method] extends UnaryRpc<infer Name> ? Name : never]?: RpcHandler<
    Service[Method],
    Messages
  >;
};

export type WorkflowServiceHandlers = ServiceHandlers<
  temporal.api.workflowservice.v1.WorkflowService,
  typeof temporal.api.workflowservice.v1
>;
export type OperatorServiceHandlers = ServiceHandlers<
  temporal.api.operatorservice.v1.OperatorService,
  typeof temporal.api.operatorservice.v1
>;
export type TestServiceHandlers = ServiceHandlers<
  temporal.api.testservice.v1.TestService,
  typeof temporal.api.testservice.v1
>;
export type HealthHandlers = ServiceHandlers<grpc.health.v1.Health, typeof grpc.health.v1>;

/**
 * A handler as the server calls it, by name. Its request is what grpc-js decoded with the same
 * service's definition (loaded from the same protos, see `proto.ts`), so it has the handler's
 * request type; int64 fields are numbers there although the types say `Long` (see `proto.ts`).
 */
export type UntypedHandler = (request: unknown, ctx: CallContext) => unknown;

export function handlerFor(handlers: object, method: string): UntypedHandler | undefined {
  return Object.hasOwn(handlers, method) ? (handlers as Record<string, UntypedHandler>)[method] : undefined;
}
