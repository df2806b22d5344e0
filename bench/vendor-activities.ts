/**
 * Throughput and latency of the vendor activities' HTTP path against the local simulators:
 * `npx tsx bench/vendor-activities.ts [requests=2000] [concurrency=50]`.
 * Prints figures only; nothing here asserts a target.
 */
import { performance } from 'node:perf_hooks';
import { Secret } from '../src/secret';
import { startVendorSimulators } from '../src/simulators';
import { PercentClient } from '../src/vendors/percent/client';

async function main() {
  const total = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 50);
  const sims = await startVendorSimulators();
  const percent = new PercentClient(
    {
      vendor: 'percent',
      baseUrl: sims.percentBaseUrl,
      connectTimeoutMs: 5_000,
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 15_000,
    },
    new Secret(sims.percentApiKey),
  );
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await percent.createAgentVerification(
          {
            firstName: 'Bench',
            lastName: `Agent${i}`,
            email: `bench${i}@example.org`,
            organisationId: 'organisation_1',
          },
          `bench-${i}`,
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(
    JSON.stringify({
      requests: total,
      concurrency,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(total / seconds),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: pct(100) },
      verifications: sims.percent.verifications().length,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    }),
  );
  await percent.close();
  await sims.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
