/**
 * The ingress's HTTP edge: accepted onboarding events per second and latency,
 * `npx tsx bench/ingress.ts [requests=5000] [concurrency=50]`.
 *
 * Temporal is replaced by an in-memory `BackgroundChecks` that accepts at once, so the figure is
 * the cost of the HTTP layer (parsing, validation, auth, logging at info level into a discarded
 * stream); the Temporal call it would make costs the same before and after the move to Fastify.
 * Prints figures only; nothing here asserts a target.
 *
 * Before and after the move from hand-written node:http to Fastify, side by side: the old
 * ingress is the tree of the commit that added this file (check it out in a second worktree and
 * run the same command there). Six interleaved runs each, 5,000 events at concurrency 50, on the
 * 2-core machine shared with other jobs (load average 13-25, so single runs vary by 2x):
 *
 *   |                         | accepted/s (median, range) | p50 ms (median) | p95 ms (median) | RSS MiB |
 *   | node:http (before)      | 520 (318-762)              | 69              | 225             | 140     |
 *   | Fastify + strict + auth | 476 (359-592)              | 71              | 203             | 152     |
 *
 * On a quieter machine the node:http ingress did 768-1,396/s (p50 23-52 ms). The difference is
 * within the noise here; the new edge does more per request (bearer-token digest, strict schema,
 * JSON depth scan, response schema), and the Temporal start it fronts costs far more than either.
 */
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { BackgroundChecks } from '../src/ingress/background-checks';
import { closeServer, createIngress, listen } from '../src/ingress';
import { createLogger } from '../src/logger';
import { Secret } from '../src/secret';

const TOKEN = 'bench-token-0123456789abcdef';

async function main() {
  const total = Number(process.argv[2] ?? 5000);
  const concurrency = Number(process.argv[3] ?? 50);
  let accepted = 0;
  const checks: BackgroundChecks = {
    start: async (event) => ({ workflowId: `bgcheck-${event.profileId}`, runId: 'run', started: true }),
    sendAsyncRequest: async (profileId) => ({ outcome: 'delivered', workflowId: `bgcheck-${profileId}` }),
    sendVerificationStatus: async () => ({ outcome: 'unknown' }),
    ping: async () => undefined,
  };
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const server = createIngress({
    checks,
    config: {
      TEMPORAL_TASK_QUEUE: 'background-checks',
      PERCENT_WEBHOOK_SECRET: new Secret('bench'),
      INGRESS_AUTH_TOKENS: [new Secret(TOKEN)],
    },
    logger: createLogger({ level: 'info', stream: discard }),
  } as Parameters<typeof createIngress>[0]);
  const port = await listen(server, 0, '127.0.0.1');
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency });

  const send = async (i: number) => {
    const body = JSON.stringify({
      eventId: `evt-${i}`,
      profileId: `profile-${i}`,
      agent: { firstName: 'Bench', lastName: `Agent${i}`, email: `bench${i}@example.org`, organisationId: 'org_1' },
    });
    const res = await pool.request({
      method: 'POST',
      path: '/onboarding-events',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    await res.body.text();
    if (res.statusCode === 202) accepted++;
  };

  // Warm-up (JIT, connections), not measured.
  for (let i = 0; i < 200; i++) await send(i);
  accepted = 0;

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await send(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2));
  console.log(
    JSON.stringify({
      requests: total,
      concurrency,
      accepted,
      seconds: Number(seconds.toFixed(2)),
      acceptedPerSecond: Math.round(accepted / seconds),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: pct(100) },
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    }),
  );
  await pool.close();
  await closeServer(server);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
