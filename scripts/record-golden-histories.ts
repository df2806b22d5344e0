/**
 * `npm run golden:record [-- <scenario>...]`: records one history per lifecycle scenario into
 * test/fixtures/histories/<scenario>.json (the SDK's history JSON, as `temporal workflow show
 * --output json` writes it), on the embedded Temporal service with the vendor simulators.
 *
 * Run it when a scenario is added, or after a deliberate, patched change to the workflow: the
 * old files stay (they are what running checks look like) unless you replace them on purpose.
 * Payloads are recorded in clear: the scenarios use synthetic agents only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { bundleWorkflows } from '../src/worker';
import { createTimeSkippingEnv } from '../test/helpers/temporal-env';
import { recordScenario, SCENARIOS, startRecording } from '../test/replay/golden/scenarios';

export const GOLDEN_DIR = path.resolve(__dirname, '../test/fixtures/histories');

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown scenario(s): ${unknown.join(', ')}\nKnown: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const chosen = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
  await mkdir(GOLDEN_DIR, { recursive: true });
  const [env, workflowBundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  const recording = await startRecording(env, { name: 'golden', workflowBundle }).catch(async (error: unknown) => {
    await env.teardown();
    throw error;
  });
  try {
    for (const scenario of chosen) {
      const history = await recordScenario(recording.recorder, scenario);
      const file = path.join(GOLDEN_DIR, `${scenario.name}.json`);
      await writeFile(file, `${historyToJSON(history)}\n`);
      process.stdout.write(
        `recorded ${scenario.name}: ${history.events?.length ?? 0} events (${scenario.description})\n`,
      );
    }
    return 0;
  } finally {
    await recording.stop();
    await env.teardown();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `golden:record failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
