/**
 * Fault injection per route.
 *
 * Faults are evaluated in the order they were injected: every applicable `latency` adds its
 * delay, the first applicable other fault decides the answer. Limiters (`rateLimit`,
 * `dailyLimit`) count the requests they let through and answer 429 beyond their budget.
 */
import type { ServerResponse } from 'node:http';
import { attestrError, isAttestrErrorCode } from './attestr-errors';
import { json, type SimResponse } from './http-io';
import { percentError } from './percent-errors';
import { seededRandom } from './random';
import { routeKeys, type Fault, type FaultOptions, type RouteKey } from './types';

export type Vendor = 'percent' | 'attestr';

/** An answer to write, a socket to destroy, or nothing (hung until the client or simulator closed). */
export type Outcome = SimResponse | 'drop' | 'none';

/** What the fault stage needs from the server: timers and hangs that `close()` can release. */
export interface Lifecycle {
  sleep(ms: number): Promise<void>;
  /** Resolves when the client goes away or the simulator closes. */
  hang(res: ServerResponse): Promise<void>;
}

interface ActiveFault {
  readonly fault: Fault;
  remaining: number;
  readonly probability: number;
  readonly random: () => number;
  // Limiter state: the current window and how many requests it let through.
  windowStart: number;
  used: number;
}

const oneSecond = 1000;
const oneDay = 24 * 60 * 60 * 1000;

export const vendorOf = (route: RouteKey): Vendor => (route.startsWith('percent.') ? 'percent' : 'attestr');

export class FaultInjector {
  private readonly faults = new Map<RouteKey, ActiveFault[]>();
  private readonly seeds: () => number;

  constructor(seed: number) {
    this.seeds = seededRandom(seed);
  }

  inject(route: RouteKey, fault: Fault, options: FaultOptions = {}): void {
    if (!routeKeys.includes(route)) throw new TypeError(`injectFault: unknown route "${route}"`);
    validateFault(route, fault, options);
    const list = this.faults.get(route) ?? [];
    list.push({
      fault,
      remaining: options.times ?? Infinity,
      probability: options.probability ?? 1,
      random: seededRandom(options.seed ?? Math.floor(this.seeds() * 2 ** 32)),
      windowStart: 0,
      used: 0,
    });
    this.faults.set(route, list);
  }

  clear(route?: RouteKey): void {
    if (route === undefined) this.faults.clear();
    else this.faults.delete(route);
  }

  /**
   * Runs `process` (the vendor doing the work) under the route's faults and returns what to
   * answer. Without faults this costs one map lookup.
   */
  async run(
    route: RouteKey,
    res: ServerResponse,
    lifecycle: Lifecycle,
    process: () => SimResponse | Promise<SimResponse>,
  ): Promise<Outcome> {
    const list = this.faults.get(route);
    if (list === undefined || list.length === 0) return process();

    const now = Date.now();
    let latencyMs = 0;
    let terminal: { fault: Fault; limiterRetryAfterMs: number } | undefined;
    for (let i = 0; i < list.length && terminal === undefined; i++) {
      const active = list[i];
      const fault = active.fault;
      if (fault.kind === 'rateLimit' || fault.kind === 'dailyLimit') {
        const windowMs = fault.kind === 'rateLimit' ? oneSecond : oneDay;
        const budget = fault.kind === 'rateLimit' ? fault.perSecond : fault.perDay;
        if (now - active.windowStart >= windowMs) {
          active.windowStart = now;
          active.used = 0;
        }
        if (active.used < budget) {
          active.used += 1;
          continue;
        }
        terminal = { fault, limiterRetryAfterMs: active.windowStart + windowMs - now };
      } else {
        if (active.probability < 1 && active.random() >= active.probability) continue;
        if (fault.kind === 'latency') latencyMs += fault.ms;
        else terminal = { fault, limiterRetryAfterMs: 0 };
      }
      active.remaining -= 1;
      if (active.remaining <= 0) {
        list.splice(i, 1);
        i -= 1;
      }
    }

    if (latencyMs > 0) await lifecycle.sleep(latencyMs);
    if (terminal === undefined) return process();

    const { fault } = terminal;
    if (carriesOut(fault)) await process();
    switch (fault.kind) {
      case 'hang':
        await lifecycle.hang(res);
        return 'none';
      case 'dropConnection':
        return 'drop';
      default:
        return faultResponse(vendorOf(route), fault, terminal.limiterRetryAfterMs);
    }
  }
}

/**
 * Whether the vendor does the work before the fault spoils the answer. A garbled 200 is a
 * success whose body broke on the way, so `malformedBody` carries the request out by default.
 */
function carriesOut(fault: Fault): boolean {
  if (fault.kind === 'malformedBody') return fault.afterProcessing ?? true;
  return 'afterProcessing' in fault && fault.afterProcessing === true;
}

function faultResponse(vendor: Vendor, fault: Fault, limiterRetryAfterMs: number): SimResponse {
  switch (fault.kind) {
    case 'status': {
      const hasJson = fault.rawBody === undefined && fault.body !== undefined;
      const body = fault.rawBody ?? (fault.body === undefined ? '' : JSON.stringify(fault.body));
      const contentType = hasJson ? 'application/json' : 'text/plain';
      return { status: fault.status, headers: { 'content-type': contentType, ...fault.headers }, body };
    }
    case 'attestrError':
      return attestrError(fault.code, { retryAfter: fault.retryAfter });
    case 'percentError':
      return percentError(fault.status, fault.code, { retryAfter: fault.retryAfter });
    case 'rateLimit': {
      // Whole seconds, at least 1: what a client may wait before the next window opens.
      const retryAfter = fault.retryAfter ? String(Math.max(1, Math.ceil(limiterRetryAfterMs / 1000))) : undefined;
      return vendor === 'attestr'
        ? attestrError(4291, { retryAfter })
        : percentError(429, 'rate_limited', { message: 'Too many requests', retryAfter });
    }
    case 'dailyLimit':
      return vendor === 'attestr'
        ? attestrError(4293)
        : percentError(429, 'rate_limited', { message: 'Daily request limit reached' });
    case 'lowCredits':
      return attestrError(4005);
    case 'malformedBody':
      return fault.variant === 'wrongSchema'
        ? json(200, { data: 42, items: 'none', _id: 42 })
        : { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data": {"id": "' };
    default:
      throw new Error(`fault ${fault.kind} has no response`);
  }
}

function validateFault(route: RouteKey, fault: Fault, options: FaultOptions): void {
  const where = `injectFault(${route}, ${fault.kind})`;
  const vendor = vendorOf(route);
  if (options.times !== undefined && !(Number.isInteger(options.times) && options.times > 0))
    throw new TypeError(`${where}: times must be a positive integer`);
  if (options.probability !== undefined && !(options.probability >= 0 && options.probability <= 1))
    throw new TypeError(`${where}: probability must be between 0 and 1`);
  switch (fault.kind) {
    case 'status':
      if (!(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599))
        throw new TypeError(`${where}: status must be an HTTP status code`);
      break;
    case 'attestrError':
      if (vendor !== 'attestr') throw new TypeError(`${where}: only on attestr routes`);
      if (!isAttestrErrorCode(fault.code))
        throw new TypeError(`${where}: code ${fault.code} is not in Attestr's table`);
      break;
    case 'percentError':
      if (vendor !== 'percent') throw new TypeError(`${where}: only on percent routes`);
      if (!(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599))
        throw new TypeError(`${where}: status must be an HTTP error status`);
      break;
    case 'lowCredits':
      if (vendor !== 'attestr') throw new TypeError(`${where}: Percent has no credit balance`);
      break;
    case 'rateLimit':
      if (!(Number.isInteger(fault.perSecond) && fault.perSecond >= 0))
        throw new TypeError(`${where}: perSecond must be a non-negative integer`);
      break;
    case 'dailyLimit':
      if (!(Number.isInteger(fault.perDay) && fault.perDay >= 0))
        throw new TypeError(`${where}: perDay must be a non-negative integer`);
      break;
    case 'latency':
      if (!(Number.isFinite(fault.ms) && fault.ms >= 0)) throw new TypeError(`${where}: ms must be >= 0`);
      break;
  }
}
