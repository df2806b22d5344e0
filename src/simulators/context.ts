/** What a route handler gets from the server for one request. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Outcome } from './faults';
import type { SimResponse } from './http-io';

export interface RequestContext {
  /** The raw request and response under Fastify (headers; the response a hang waits on). */
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly rawBody: string;
  /** Runs the vendor's work under the route's injected faults. */
  readonly runWithFaults: (process: () => SimResponse | Promise<SimResponse>) => Promise<Outcome>;
}

/** Wall-clock timers that `close()` clears (auto-advance schedules). */
export interface Timers {
  schedule(ms: number, callback: () => void): void;
}
