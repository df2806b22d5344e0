/**
 * Golden histories (test/fixtures/histories/, one per lifecycle scenario, recorded by
 * `npm run golden:record`) replay against the current workflow code; a change that is not
 * deterministic is caught, and the same change guarded by `patched()` replays old and new
 * histories alike.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { runReplayCli } from '../../src/replay/cli';
import { installQuietRuntime } from '../../src/replay/quiet-runtime';
import { createTimeSkippingEnv } from '../helpers/temporal-env';
import { recordScenario, SCENARIOS, startRecording } from './golden/scenarios';

const GOLDEN_DIR = path.resolve(__dirname, '../fixtures/histories');
const TIMER_FIRST = path.join(__dirname, 'workflows', 'lifecycle-timer-first.ts');
const PATCHED = path.join(__dirname, 'workflows', 'lifecycle-patched.ts');

beforeAll(() => {
  installQuietRuntime();
});

async function replay(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runReplayCli(args, {
    env: {},
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

it('has a golden history for every lifecycle scenario', async () => {
  const files = (await readdir(GOLDEN_DIR)).filter((f) => f.endsWith('.json'));
  expect(files).toEqual(expect.arrayContaining(SCENARIOS.map((s) => `${s.name}.json`)));
});

it('replays every golden history against the current workflow code', async () => {
  const files = (await readdir(GOLDEN_DIR)).filter((f) => f.endsWith('.json'));
  const { code, stdout } = await replay([GOLDEN_DIR]);
  for (const file of files) expect(stdout).toContain(`OK    ${file.replace(/\.json$/, '')} `);
  expect(stdout).toContain(`${files.length} histories checked: ${files.length} OK, 0 failed.`);
  expect(code).toBe(0);
});

it('catches a change that is not deterministic, in every golden history, at the event it breaks', async () => {
  const { code, stdout } = await replay(['--workflows', TIMER_FIRST, GOLDEN_DIR]);
  expect(code).toBe(1);
  expect(stdout).toMatch(/ 0 OK, \d+ failed\./);
  // The first thing a check records is its search attributes (event 5); the changed code starts a timer there.
  const failures = stdout.split('\n').filter((l) => l.startsWith('FAIL'));
  const nondeterminism = stdout.match(
    /Nondeterminism at event 5: The history has search attributes updated \([^)]*\), recorded at [^,]+, but the current code started a timer/g,
  );
  expect(nondeterminism).toHaveLength(failures.length);
});

describe('a patched() change', () => {
  let env: TestWorkflowEnvironment;
  let dir: string;

  beforeAll(async () => {
    [env, dir] = await Promise.all([createTimeSkippingEnv(), mkdtemp(path.join(os.tmpdir(), 'golden-patched-'))]);
  });
  afterAll(async () => {
    await env?.teardown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('replays the old golden histories and histories recorded by the patched code alike', async () => {
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: PATCHED, logger: new DefaultLogger('ERROR') });
    const recording = await startRecording(env, { name: 'patched', workflowBundle });
    try {
      for (const name of ['approved-by-webhook', 'blocked-then-resumed']) {
        const scenario = SCENARIOS.find((s) => s.name === name)!;
        const history = await recordScenario(recording.recorder, scenario);
        await writeFile(path.join(dir, `patched-${name}.json`), historyToJSON(history));
      }
    } finally {
      await recording.stop();
    }

    const both = await replay(['--workflows', PATCHED, GOLDEN_DIR, dir]);
    const goldens = (await readdir(GOLDEN_DIR)).filter((f) => f.endsWith('.json')).length;
    expect(both.stdout).toContain(`${goldens + 2} histories checked: ${goldens + 2} OK, 0 failed.`);
    expect(both.code).toBe(0);

    // The new histories carry the patch marker: code without the patch cannot replay them.
    const withoutPatch = await replay([dir]);
    expect(withoutPatch.code).toBe(1);
    expect(withoutPatch.stdout).toContain(
      'The history recorded patch "pause-before-creating-verification", but the current code no longer calls patched(',
    );
  });
});
