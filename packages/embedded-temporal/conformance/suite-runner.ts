/**
 * Runs one SDK test file with ava against the server under test and reads ava's TAP report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface TestResult {
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** ava's message and assertion for a failure (the YAML block of the TAP report). */
  assertion?: string;
}

export interface SuiteResult {
  suite: string;
  tests: TestResult[];
  /** ava runs: more than one when a test hit ava's inactivity timeout and the tests after it were re-run. */
  rounds: number;
  durationMs: number;
  /** Tests ava reported as remaining after a failed hook: they never ran. */
  notRun: number;
  /** Problems outside the tests: a server that did not start, a file that timed out, ... */
  notes: string[];
}

export interface RunOptions {
  testDir: string;
  avaCli: string;
  /** Executable for the server on the default address (127.0.0.1:7233) and `createLocal()`. */
  devServer: string;
  /** Executable for `createTimeSkipping()`. */
  testServer: string;
  outDir: string;
  /** ava `--match` patterns. */
  match: string[];
}

// The search attributes and dynamic config the SDK's test helpers give the servers they launch;
// the server on the default address gets the same, for the files that use `new Client()`.
const SEARCH_ATTRIBUTES = ['Int', 'Bool', 'Keyword', 'Text', 'Datetime', 'Double'].map(
  (type) => `Custom${type}Field=${type}`,
);
const DYNAMIC_CONFIG = [
  'system.enableActivityEagerExecution=true',
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
];
const DEFAULT_PORT = 7233;
/** Bounds a file whose test never returns even after ava's own timeout. */
const ROUND_LIMIT_MS = 10 * 60_000;
/** How long ava may take to exit once its report is complete. */
const EXIT_GRACE_MS = 30_000;
const MAX_ROUNDS = 10;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startDefaultServer(executable: string, logFile: string): Promise<ChildProcess> {
  if (await portOpen(DEFAULT_PORT)) throw new Error(`port ${DEFAULT_PORT} is already in use`);
  const args = ['server', 'start-dev', '--port', String(DEFAULT_PORT), '--ip', '127.0.0.1', '--namespace', 'default'];
  args.push('--headless', '--log-level', 'warn');
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', sa);
  for (const dc of DYNAMIC_CONFIG) args.push('--dynamic-config-value', dc);
  const log = createWriteStream(logFile);
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(DEFAULT_PORT))) {
    if (exited) throw new Error(`the server exited before listening (see ${logFile})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not listen on ${DEFAULT_PORT} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Round {
  tests: TestResult[];
  /** Tests ava gave up on at its inactivity timeout, in report order (a serial file's first one hung). */
  pending: TestResult[];
  /** The report is incomplete: ava or its test process died, or the round limit killed it. */
  incomplete: boolean;
  /** `# N tests remaining`: ava's count of tests a failed hook kept from running. */
  remaining: number;
  exitCode: number | null;
}

const INACTIVITY = /Exited because no new tests completed/;
const INACTIVITY_FAILURE = "no result within ava's inactivity timeout";

/** ava's TAP: `ok N - title`, `not ok N - title` and an indented YAML block with the failure. */
export function parseTap(tap: string): Omit<Round, 'exitCode'> {
  const tests: TestResult[] = [];
  const pending: TestResult[] = [];
  const lines = tap.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO).*)?$/.exec(lines[i]);
    if (!m) continue;
    const title = m[2];
    let assertion: string | undefined;
    if (lines[i + 1]?.trim() === '---') {
      const block: string[] = [];
      let j = i + 2;
      for (; j < lines.length && lines[j].trim() !== '...'; j++) block.push(lines[j].replace(/^ {4}/, ''));
      assertion = block.join('\n').trim();
      i = j;
    }
    if (m[3]) tests.push({ title, status: 'skip' });
    else if (m[1] === 'ok') tests.push({ title, status: 'pass' });
    else if (assertion && INACTIVITY.test(assertion)) pending.push({ title, status: 'fail', assertion });
    else tests.push({ title, status: 'fail', assertion: assertion ?? '' });
  }
  const remaining = Number(/^# (\d+) tests? remaining in /m.exec(tap)?.[1] ?? 0);
  return { tests, pending, incomplete: !/^1\.\.\d+/m.test(tap), remaining };
}

function escapeMatch(title: string): string {
  // ava's --match treats `*` as a wildcard and a leading `!` as negation.
  return title.replace(/\*/g, '?');
}

async function avaRound(suite: string, opts: RunOptions, match: string[], round: number): Promise<Round> {
  const base = path.join(opts.outDir, round === 1 ? suite : `${suite}.round${round}`);
  const args = [opts.avaCli, '--tap', ...match.flatMap((m) => ['--match', m]), `lib/${suite}.js`];
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The helpers would use an existing server or download one given these; the harness decides.
  for (const key of Object.keys(env)) if (key.startsWith('TEMPORAL_') || key.startsWith('TESTS_')) delete env[key];
  env.CONFORMANCE_DEV_SERVER = opts.devServer;
  env.CONFORMANCE_TEST_SERVER = opts.testServer;
  // Its own process group: ava, its test process and the servers the preload launched end together.
  const child = spawn(process.execPath, args, {
    cwd: opts.testDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let tap = '';
  let reported: NodeJS.Timeout | undefined;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    tap += d;
    // A test process whose core panicked can keep ava from exiting after its report is complete.
    if (!reported && /^1\.\.\d+/m.test(tap)) reported = setTimeout(killGroup, EXIT_GRACE_MS);
  });
  child.stderr.pipe(createWriteStream(`${base}.stderr.log`));
  const limit = setTimeout(killGroup, ROUND_LIMIT_MS);
  const exitCode = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  clearTimeout(limit);
  clearTimeout(reported);
  killGroup();
  writeFileSync(`${base}.tap`, tap);
  return { ...parseTap(tap), exitCode };
}

/**
 * One server on the default address for the whole file, then ava. When a test hangs, ava stops
 * the file at its inactivity timeout and reports every unfinished test as failed; the first of
 * them (in a serial file, the one that hung) is counted as failed and the others get another
 * round, so one hung test does not take the rest of the file with it.
 */
export async function runSuite(suite: string, opts: RunOptions): Promise<SuiteResult> {
  const started = Date.now();
  const notes: string[] = [];
  const tests: TestResult[] = [];
  let server: ChildProcess;
  try {
    server = await startDefaultServer(opts.devServer, path.join(opts.outDir, `${suite}.server.log`));
  } catch (err) {
    const notes = [`server: ${(err as Error).message}`];
    return { suite, tests, rounds: 0, notRun: 0, durationMs: Date.now() - started, notes };
  }
  let rounds = 0;
  let notRun = 0;
  try {
    for (;;) {
      rounds++;
      const done = tests.map((t) => `!${escapeMatch(t.title)}`);
      const match = opts.match.length > 0 ? [...opts.match, ...done] : done;
      const round = await avaRound(suite, opts, match, rounds);
      tests.push(...round.tests);
      if (round.pending.length === 0 && round.remaining > 0) {
        notRun += round.remaining;
        notes.push(`${round.remaining} tests did not run (a hook failed)`);
      }
      if (round.incomplete) {
        notes.push(`round ${rounds}: ava's report is incomplete, exit ${round.exitCode} (see ${suite}.stderr.log)`);
        for (const t of round.pending) {
          if (!tests.some((d) => d.title === t.title)) tests.push({ ...t, assertion: INACTIVITY_FAILURE });
        }
        break;
      }
      if (round.pending.length === 0) break;
      const [hung, ...rest] = round.pending;
      tests.push({ title: hung.title, status: 'fail', assertion: INACTIVITY_FAILURE });
      notes.push(`round ${rounds}: \`${hung.title}\` hit ava's inactivity timeout`);
      if (rest.length === 0 || rounds >= MAX_ROUNDS) {
        tests.push(...rest);
        break;
      }
    }
  } finally {
    await stopServer(server);
  }
  return { suite, tests, rounds, notRun, durationMs: Date.now() - started, notes };
}
