/**
 * The replay CLI, offline: hand-built histories of the test workflow `greetAgent` replayed
 * against three versions of its code (original, reordered without a patch, reordered with
 * `patched()`), in the file formats the Temporal CLI and UI produce.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { EncryptionCodec, parseKeyRing } from '../../src/codec';
import { runReplayCli } from '../../src/replay/cli';
import { installQuietRuntime } from '../../src/replay/quiet-runtime';
import { codecKeysValue, randomKey } from '../helpers/codec-keys';
import { AGENT, patchedHistory, v1History } from './greet-histories';

const VERSIONS = ['greet-v1', 'greet-reordered', 'greet-patched'] as const;
type Version = (typeof VERSIONS)[number];

let dir: string;
const bundles = {} as Record<Version, string>;

beforeAll(async () => {
  installQuietRuntime();
  dir = await mkdtemp(path.join(os.tmpdir(), 'replay-test-'));
  // Bundled once here, then passed as --bundle: the worker's prebuilt-bundle path.
  for (const version of VERSIONS) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'workflows', `${version}.ts`),
      logger: new DefaultLogger('ERROR'),
    });
    bundles[version] = path.join(dir, `${version}.js`);
    await writeFile(bundles[version], code);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function historyFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

async function replay(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runReplayCli(args, {
    env,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

describe('npm run replay', () => {
  it('reports OK and exits 0 when the code matches the history', async () => {
    const file = await historyFile('bgcheck-good.json', await v1History());
    const { code, stdout } = await replay(['--bundle', bundles['greet-v1'], file]);
    expect(stdout).toContain(`OK    bgcheck-good (run 7d3c0a4e-1f3b-4c1e-9a52-7f0c2b1e0001) from ${file}`);
    expect(stdout).toContain('1 history checked: 1 OK, 0 failed.');
    expect(code).toBe(0);
  });

  it('explains a non-deterministic change: the event, what the history had, what the code did', async () => {
    const file = await historyFile('bgcheck-reordered.json', await v1History());
    const { code, stdout } = await replay(['--bundle', bundles['greet-reordered'], file]);
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  bgcheck-reordered');
    expect(stdout).toContain('Nondeterminism at event 5:');
    expect(stdout).toContain('The history has an activity scheduled (type "lookUpAgent", activity id "1")');
    expect(stdout).toContain('but the current code started a timer');
    expect(stdout).toMatch(/What to do: .*patched\(/);
    expect(stdout).toContain('SDK said: [TMPRL1100] Nondeterminism error');
    expect(stdout).toContain('1 history checked: 0 OK, 1 failed.');
  });

  it('replays histories of before and after a patched() change against the patched code', async () => {
    const old = await historyFile('bgcheck-before-patch.json', await v1History());
    const recent = await historyFile('bgcheck-after-patch.json', await patchedHistory());
    const patchedRun = await replay(['--bundle', bundles['greet-patched'], old, recent]);
    expect(patchedRun.stdout).toContain('2 histories checked: 2 OK, 0 failed.');
    expect(patchedRun.code).toBe(0);

    // Rolling the patch back is caught too: new histories carry the marker.
    const rolledBack = await replay(['--bundle', bundles['greet-v1'], recent]);
    expect(rolledBack.code).toBe(1);
    expect(rolledBack.stdout).toContain(
      'The history recorded patch "wait-before-lookup", but the current code no longer calls patched("wait-before-lookup")',
    );
  });

  it('accepts the variants the Temporal UI and older tools write', async () => {
    const { events } = await v1History();
    const pascal = events.map((e) => ({
      ...e,
      eventType: e.eventType
        .replace(/^EVENT_TYPE_/, '')
        .toLowerCase()
        .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    }));
    const files = [
      await historyFile('newest-first.json', { events: [...events].reverse() }),
      await historyFile('bare-array.json', events),
      await historyFile('response.json', { history: { events } }),
      await historyFile('pascal-case.json', { events: pascal }),
    ];
    const { code, stdout } = await replay(['--bundle', bundles['greet-v1'], ...files]);
    expect(stdout).toContain('4 histories checked: 4 OK, 0 failed.');
    expect(code).toBe(0);
  });

  it('replays every history in a directory and reports unreadable files without stopping', async () => {
    const sub = path.join(dir, 'incidents');
    await mkdir(sub);
    await historyFile('incidents/a-good.json', await v1History());
    await historyFile('incidents/b-not-json.json', '{ "events": [');
    await historyFile('incidents/c-not-history.json', { workflowId: 'x' });
    await historyFile('incidents/d-good.json', await v1History());
    const { code, stdout } = await replay(['--bundle', bundles['greet-v1'], sub]);
    expect(stdout).toMatch(/OK {4}a-good/);
    expect(stdout).toMatch(/OK {4}d-good/);
    expect(stdout).toContain(`FAIL  ${path.join(sub, 'b-not-json.json')}`);
    expect(stdout).toMatch(/c-not-history\.json: not a workflow history: expected \{ "events": \[\.\.\.\] \}/);
    expect(stdout).toContain('4 histories checked: 2 OK, 2 failed.');
    expect(code).toBe(1);
  });

  it('refuses a history downloaded with decoded payloads, saying how to get a replayable one', async () => {
    const { events } = await v1History();
    const decoded = events.map((e) =>
      e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED'
        ? { ...e, workflowExecutionStartedEventAttributes: { input: { payloads: [AGENT] } } }
        : e,
    );
    const file = await historyFile('decoded.json', { events: decoded });
    const { code, stdout } = await replay(['--bundle', bundles['greet-v1'], file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/event 1 holds decoded payloads, which cannot be replayed\. Download the history again/);
  });

  describe('encrypted histories', () => {
    const key = randomKey('2026-01');
    const codec = new EncryptionCodec(parseKeyRing(codecKeysValue(key)));

    it('replay with PAYLOAD_CODEC_KEYS, the workflow receiving the decrypted input', async () => {
      const history = await v1History((p) => codec.encode(p));
      const encodings = JSON.stringify(history)
        .match(/"encoding":"[^"]*"/g)
        ?.map((m) => Buffer.from(m.slice(12, -1), 'base64').toString());
      expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
      const file = await historyFile('encrypted.json', history);
      // A newer key in front: rotation does not stop old histories from replaying.
      const keys = codecKeysValue(randomKey('2026-06'), key);
      const { code, stdout } = await replay(['--bundle', bundles['greet-v1'], file], { PAYLOAD_CODEC_KEYS: keys });
      expect(stdout).toContain('1 history checked: 1 OK, 0 failed.');
      expect(code).toBe(0);
    });

    it('fail with a hint when the keys are missing or wrong', async () => {
      const file = await historyFile('encrypted-2.json', await v1History((p) => codec.encode(p)));
      const missing = await replay(['--bundle', bundles['greet-v1'], file]);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toContain('Workflow code failed during replay');
      expect(missing.stdout).toMatch(/What to do: The history holds encrypted payloads: set PAYLOAD_CODEC_KEYS/);

      const wrong = await replay(['--bundle', bundles['greet-v1'], file], {
        PAYLOAD_CODEC_KEYS: codecKeysValue(randomKey('2026-01')),
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain('Encrypted payload (key id "2026-01") failed authentication');
      expect(wrong.stdout).not.toContain(key.base64);
    });
  });

  it.each([
    [[], /exactly one of: history files, --workflow-id, or --query/],
    [['a.json', '--query', 'WorkflowType="x"'], /exactly one of/],
    [['--run-id', 'r1', 'a.json'], /--run-id needs --workflow-id/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('exits 2 with the usage on bad arguments %j', async (args, message) => {
    const { code, stderr } = await replay(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage:');
  });

  it('exits 2 naming the variable when PAYLOAD_CODEC_KEYS is invalid', async () => {
    const file = await historyFile('any.json', await v1History());
    const { code, stderr } = await replay(['--bundle', bundles['greet-v1'], file], { PAYLOAD_CODEC_KEYS: 'k1:short' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/PAYLOAD_CODEC_KEYS: key 1 \("k1"\)/);
  });
});
