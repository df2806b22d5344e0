/**
 * The same lifecycle workload on the embedded service and on Temporal's own dev server
 * (`temporal server start-dev`, from scripts/install-official-temporal.sh), side by side:
 * `npx tsx bench/servers.ts [checks=300]`.
 *
 * Each server is launched in dev-server mode as the SDK launches it, then bench/lifecycle.ts's
 * throughput phase runs on it (ingress, production workers, instant vendor simulators). Printed
 * per server: checks per second; CPU per check of this process (workers, ingress, simulators and
 * client); CPU per check (= per workflow) of the whole server process; the server's RSS after.
 * Prints figures only.
 */
import { EMBEDDED_TEMPORAL_PATH } from '@bgcheck/embedded-temporal';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { bundleWorkflows } from '../src/worker';
import { searchAttributes } from '../src/workflows/definitions';
import { officialTemporal } from '../scripts/official-temporal';
import { runPhase } from './lifecycle';
import { cpuMs, rssMiB, serverPid } from './process-stats';

async function main() {
  const checks = Number(process.argv[2] ?? 300);
  if (!Number.isInteger(checks) || checks < 1 || checks > 10_000) throw new Error('checks: expected 1..10000');
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const workflowBundle = await bundleWorkflows();
  const servers = [
    { name: 'embedded service', executable: EMBEDDED_TEMPORAL_PATH },
    { name: 'official dev server', executable: officialTemporal().cli },
  ];
  const rows: Record<string, Record<string, number | string>> = {};
  for (const server of servers) {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: server.executable },
        ip: '127.0.0.1',
        // The official dev server logs every slow persistence call at warn on a busy machine.
        log: { format: 'pretty', level: 'error' },
        searchAttributes: Object.values(searchAttributes),
      },
    });
    try {
      const pid = serverPid(server.executable);
      // A short warm-up (JIT, connections, caches), not counted.
      await runPhase(env, workflowBundle, {
        name: 'warm-up',
        checks: 20,
        limits: { percentPerSecond: 100_000, attestrPerSecond: 100_000 },
      });
      const serverCpu0 = cpuMs(pid);
      const ownCpu0 = process.cpuUsage();
      const result = await runPhase(env, workflowBundle, {
        name: 'throughput',
        checks,
        limits: { percentPerSecond: 100_000, attestrPerSecond: 100_000 },
      });
      const ownCpu = process.cpuUsage(ownCpu0);
      rows[server.name] = {
        approved: result.approved,
        failed: result.failed,
        seconds: Number(result.seconds.toFixed(2)),
        checksPerSecond: Number((checks / result.seconds).toFixed(1)),
        'worker process CPU ms per check': Number(((ownCpu.user + ownCpu.system) / 1000 / checks).toFixed(1)),
        'server process CPU ms per check (workflow)': Number(((cpuMs(pid) - serverCpu0) / checks).toFixed(1)),
        'server RSS MiB after': rssMiB(pid),
      };
    } finally {
      await env.teardown();
    }
  }
  console.log(`${checks} checks end to end (ingress, production workers, instant simulators), per server:`);
  console.table(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
