/** The shape of an RPC implementation, independent of grpc-js. */
export interface CallContext {
  /** Wall-clock epoch ms by which a long poll must answer (before the caller's deadline). */
  answerBy(maxWaitMs: number): number;
  readonly isCancelled: () => boolean;
  /** `grpc-encoding` of the request (`identity` when uncompressed or unknown). */
  readonly requestEncoding: string;
  readonly onCancel: (listener: () => void) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- requests are decoded protobuf objects
export type Handler = (request: any, ctx: CallContext) => unknown;
export type Handlers = Record<string, Handler>;
