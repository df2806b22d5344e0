/**
 * Figures for the embedded Temporal service (dev-server mode, launched as the SDK launches it):
 *   - time from launch to the first answered RPC;
 *   - workflows completed per second (three activities and one signal, one worker);
 *   - the service's RSS with N open workflows waiting on a signal.
 * `npx tsx bench/throughput.ts [workflows=1000] [open=10000]`. Prints figures only.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { launch, stop } from './launch';
import { goSignal, threeActivitiesAndSignal, waitForSignal } from './workflows';

async function main() {
  const workflows = Number(process.argv[2] ?? 1000);
  const open = Number(process.argv[3] ?? 10_000);
  Runtime.install({ logger: new DefaultLogger('ERROR') });

  const startTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const service = await launch();
    startTimes.push(service.startMs);
    await stop(service.process);
  }
  console.log(`time to first RPC: ${startTimes.map((t) => `${t.toFixed(0)} ms`).join(', ')}`);

  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: new DefaultLogger('ERROR'),
  });

  await withService(workflowBundle, async (client, service) => {
    await runBatch(client, 50, 'warm');
    const serviceCpu0 = cpuMs(service);
    const ownCpu0 = process.cpuUsage();
    const t0 = performance.now();
    await runBatch(client, workflows, 'bench');
    const seconds = (performance.now() - t0) / 1000;
    const ownCpu = process.cpuUsage(ownCpu0);
    console.log(
      `throughput: ${workflows} workflows (3 activities + 1 signal) in ${seconds.toFixed(1)} s = ${(workflows / seconds).toFixed(0)} workflows/s`,
    );
    console.log(
      `CPU per workflow: service ${((cpuMs(service) - serviceCpu0) / workflows).toFixed(1)} ms, worker + client ${((ownCpu.user + ownCpu.system) / 1000 / workflows).toFixed(1)} ms`,
    );
  });

  // A fresh service for the memory figure, so the throughput run's garbage does not count.
  await withService(workflowBundle, async (client, process) => {
    const idle = rssMb(process);
    for (let i = 0; i < open; i += 500) {
      const batch = Array.from({ length: Math.min(500, open - i) }, (_, j) =>
        client.workflow.start(waitForSignal, { taskQueue: 'bench', workflowId: `open-${i + j}` }),
      );
      await Promise.all(batch);
    }
    await waitUntilIdle(client);
    console.log(
      `RSS: ${idle.toFixed(0)} MB idle, ${rssMb(process).toFixed(0)} MB with ${open} open workflows waiting on a signal`,
    );
  });
}

/** Runs `fn` against a freshly launched service with one worker on task queue `bench`. */
async function withService(
  workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>,
  fn: (client: Client, process: ChildProcess) => Promise<void>,
) {
  const service = await launch();
  const connection = await Connection.connect({ address: service.address });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: service.address }),
    taskQueue: 'bench',
    workflowBundle,
    activities: { step: async (n: number) => n },
    maxConcurrentWorkflowTaskExecutions: 200,
    maxConcurrentActivityTaskExecutions: 200,
  });
  await worker.runUntil(() => fn(new Client({ connection }), service.process));
  await connection.close();
  await stop(service.process);
}

async function runBatch(client: Client, count: number, prefix: string) {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const handle = await client.workflow.start(threeActivitiesAndSignal, {
        taskQueue: 'bench',
        workflowId: `${prefix}-${i}`,
      });
      await handle.signal(goSignal);
      await handle.result();
    }),
  );
}

/** Waits until every open workflow has completed its first task (it is parked on its signal). */
async function waitUntilIdle(client: Client) {
  for (;;) {
    let pending = 0;
    for await (const execution of client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
      if (execution.historyLength < 4) pending++;
    }
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** CPU time (user + system) a child process has used so far. */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based), in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
