/** Small HTTP helpers for the simulator tests (real HTTP through undici). */
import { Agent, request } from 'undici';
import type { VendorSimulators } from '../../src/simulators';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

// One agent per test file; no keep-alive reuse across tests that destroy sockets.
export const agent = new Agent({ keepAliveTimeout: 1000 });

export async function call(
  url: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  options: { headers?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {},
): Promise<Answer> {
  const response = await request(url, {
    method,
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...options.headers },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    signal: options.signal,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

export const validAgent = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.org',
  organisationId: 'organisation_123',
};

export function percent(sim: VendorSimulators) {
  const auth = { authorization: sim.percentApiKey };
  return {
    create: (body: unknown, idempotencyKey?: string, headers: Record<string, string> = auth) =>
      call(`${sim.url}/v1/agent-verifications`, 'POST', {
        headers: idempotencyKey === undefined ? headers : { ...headers, 'idempotency-key': idempotencyKey },
        body,
      }),
    get: (id: string, headers: Record<string, string> = auth) =>
      call(`${sim.url}/v1/agent-verifications/${encodeURIComponent(id)}`, 'GET', { headers }),
    list: (query: string, headers: Record<string, string> = auth) =>
      call(`${sim.url}/v1/agent-verifications${query}`, 'GET', { headers }),
    listUrl: (url: string) => call(url, 'GET', { headers: auth }),
  };
}

export function attestr(sim: VendorSimulators, version = 'v1') {
  const auth = { authorization: `Basic ${sim.attestrAuthToken}` };
  const base = `${sim.url}/api/${version}/public/factx`;
  return {
    createProfile: (body: unknown, headers: Record<string, string> = auth) =>
      call(`${base}/`, 'POST', { headers, body }),
    getProfile: (profileId: string, headers: Record<string, string> = auth) =>
      call(`${base}/${profileId}`, 'GET', { headers }),
    archive: (profileId: string, headers: Record<string, string> = auth) =>
      call(`${base}/${profileId}/archive`, 'PUT', { headers }),
    associate: (profileId: string, asyncRequest: unknown, headers: Record<string, string> = auth) =>
      call(`${base}/${profileId}/associate`, 'PUT', { headers, body: { asyncRequest } }),
    createAsyncRequest: (type: string, body: unknown = {}, headers: Record<string, string> = auth) =>
      call(`${base}/async/${type}`, 'POST', { headers, body }),
  };
}
