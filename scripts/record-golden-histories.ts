/**
 * `npm run golden:record [-- [--force] <scenario>...]`: records one history per lifecycle
 * scenario into test/fixtures/histories/<scenario>.json (the SDK's history JSON, as `temporal
 * workflow show --output json` writes it), on the embedded Temporal service with the vendor
 * simulators.
 *
 * Only scenarios without a file are recorded: existing files are what checks already running
 * look like, and replaying them is the point of the test. `--force` replaces them (before the
 * first release, or once no check of that shape can still be open).
 * Payloads are recorded in clear: the scenarios use synthetic agents only.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { bundleWorkflows } from '../src/worker';
import { createTimeSkippingEnv } from '../test/helpers/temporal-env';
import { recordScenario, SCENARIOS, startRecording } from '../test/replay/golden/scenarios';

export const GOLDEN_DIR = path.resolve(__dirname, '../test/fixtures/histories');
const fileOf = (scenario: string) => path.join(GOLDEN_DIR, `${scenario}.json`);

async function main(argv: string[]): Promise<number> {
  const force = argv.includes('--force');
  const names = argv.filter((a) => a !== '--force');
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown scenario(s): ${unknown.join(', ')}\nKnown: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const named = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  const chosen = [];
  for (const scenario of named) {
    const exists = await access(fileOf(scenario.name)).then(
      () => true,
      () => false,
    );
    if (exists && !force) process.stdout.write(`kept ${scenario.name} (exists; --force to record it again)\n`);
    else chosen.push(scenario);
  }
  if (chosen.length === 0) return 0;
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
      await writeFile(fileOf(scenario.name), `${historyToJSON(history)}\n`);
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
