/**
 * With the payload codec on, the histories of real background checks on the embedded service
 * hold no personal data in clear: not in inputs, activity arguments and results, signals,
 * failures, or anything else Temporal stores. And they replay with the keys.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDataConverter } from '../../src/codec';
import { runReplayCli } from '../../src/replay/cli';
import type { History } from '../../src/replay/history-file';
import { installQuietRuntime } from '../../src/replay/quiet-runtime';
import { codecEnv } from '../helpers/codec-keys';
import { createTimeSkippingEnv } from '../helpers/temporal-env';
import { appWorkflowBundle } from '../helpers/workflow-bundle';
import { recordScenario, SCENARIOS, startRecording, SYNTHETIC_AGENT } from './golden/scenarios';

let env: TestWorkflowEnvironment;
let dir: string;
const keys = codecEnv('2026-11');

beforeAll(async () => {
  installQuietRuntime();
  [env, dir] = await Promise.all([createTimeSkippingEnv(), mkdtemp(path.join(os.tmpdir(), 'personal-data-'))]);
});

afterAll(async () => {
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every string and byte string of a stored history, as text to search. */
function storedText(history: History): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('latin1'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(history);
  return parts.join('\n');
}

const PERSONAL = [SYNTHETIC_AGENT.firstName, SYNTHETIC_AGENT.lastName, 'w.quarrington'];

it('every lifecycle scenario stores no clear personal data and replays with the keys', async () => {
  const dataConverter = createDataConverter(keys);
  const recording = await startRecording(env, {
    name: 'personal',
    workflowBundle: await appWorkflowBundle(),
    dataConverter,
  });
  try {
    for (const scenario of SCENARIOS) {
      const history = await recordScenario(recording.recorder, scenario);
      const stored = storedText(history);
      for (const personal of PERSONAL) {
        expect({ scenario: scenario.name, found: stored.includes(personal) }).toEqual({
          scenario: scenario.name,
          found: false,
        });
      }
      await writeFile(path.join(dir, `${scenario.name}.json`), historyToJSON(history));
    }
  } finally {
    await recording.stop();
  }

  let stdout = '';
  const io = { env: keys, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } };
  expect(await runReplayCli([dir], io)).toBe(0);
  expect(stdout).toContain(`${SCENARIOS.length} histories checked: ${SCENARIOS.length} OK, 0 failed.`);
});

it('the search above finds the personal data when the codec is off', async () => {
  const recording = await startRecording(env, { name: 'personal-clear', workflowBundle: await appWorkflowBundle() });
  try {
    const history = await recordScenario(recording.recorder, SCENARIOS[0]);
    for (const personal of PERSONAL) expect(storedText(history)).toContain(personal);
  } finally {
    await recording.stop();
  }
});
