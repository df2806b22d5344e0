/**
 * Differential check of the embedded Temporal service against Temporal's own time-skipping test
 * server: `npm run differential [-- <scenario>...]`.
 *
 * Runs each golden lifecycle scenario (test/replay/golden/scenarios.ts) on both servers, with the
 * same workers, simulators and steps, and compares the two histories event by event: event types,
 * order and attributes. What legitimately differs between two runs is normalised first (see
 * `normalise`). Prints one report (Markdown) of every difference; exit code 0 when there is none,
 * 1 when there are differences, 2 when a scenario could not run.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { compareHistories, type Difference } from '@bgcheck/embedded-temporal';
import { bundleWorkflows } from '../../src/worker';
import type { History } from '../../src/replay/history-file';
import { createTimeSkippingEnv } from '../../test/helpers/temporal-env';
import { recordScenario, SCENARIOS, startRecording, type Scenario } from '../../test/replay/golden/scenarios';

async function recordAll(server: 'embedded' | 'official', scenarios: Scenario[], workflowBundle: WorkflowBundle) {
  // Not in parallel with bundling: the SDK gives a server 5 s to answer, on a busy machine too.
  const env = await createTimeSkippingEnv(server);
  const histories = new Map<string, unknown>();
  try {
    const recording = await startRecording(env, { name: 'differential', workflowBundle });
    try {
      for (const scenario of scenarios) {
        const history: History = await recordScenario(recording.recorder, scenario);
        // The history JSON of `temporal workflow show --output json`: what both servers store.
        histories.set(scenario.name, JSON.parse(historyToJSON(history)));
      }
    } finally {
      await recording.stop();
    }
  } finally {
    await env.teardown();
  }
  return histories;
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown scenario(s): ${unknown.join(', ')}\nKnown: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const scenarios = argv.length > 0 ? SCENARIOS.filter((s) => argv.includes(s.name)) : SCENARIOS;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
  const workflowBundle = await bundleWorkflows();
  const embedded = await recordAll('embedded', scenarios, workflowBundle);
  const official = await recordAll('official', scenarios, workflowBundle);

  const lines = [
    '# Differential report: embedded service vs Temporal time-skipping test server',
    '',
    'Normalised before comparing: event times, workflow and run ids, request ids, identities, sticky task queue names, payload data and history sizes, the order of SDK flags; workflow tasks without commands are counted, then left out (event ids renumbered).',
    '',
  ];
  let total = 0;
  for (const scenario of scenarios) {
    const differences: Difference[] = compareHistories(embedded.get(scenario.name), official.get(scenario.name));
    total += differences.length;
    lines.push(`## ${scenario.name} (${scenario.description}): ${differences.length} difference(s)`);
    for (const d of differences) {
      lines.push(
        `- event ${d.event} ${d.eventType}, \`${d.path}\`: embedded ${JSON.stringify(d.embedded)}, official ${JSON.stringify(d.official)}`,
      );
    }
    lines.push('');
  }
  lines.push(`${scenarios.length} scenarios compared, ${total} difference(s).`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return total === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `differential failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
