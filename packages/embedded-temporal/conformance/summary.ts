/**
 * The run's summary: `summary.json` (every test with its outcome) and `summary.md` (per-suite
 * counts, then each failing test with its assertion).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { classify, type Classification } from './suites';
import type { SuiteResult, TestResult } from './suite-runner';

export interface RunInfo {
  startedAt: string;
  command: string;
  sdkRef: string;
  sdkRefNote: string;
  sdkVersion: string;
  server: string;
  serviceCommit: string;
  typeErrors: number;
}

type Outcome = TestResult & { classification?: Classification };

interface SuiteSummary {
  suite: string;
  pass: number;
  fail: number;
  outOfScope: number;
  harness: number;
  skip: number;
  notRun: number;
  durationMs: number;
  rounds: number;
  notes: string[];
  tests: Outcome[];
}

function summarize(result: SuiteResult): SuiteSummary {
  const tests: Outcome[] = result.tests.map((t) => ({ ...t, classification: classify(result.suite, t.title) }));
  const count = (pred: (t: Outcome) => boolean) => tests.filter(pred).length;
  return {
    suite: result.suite,
    pass: count((t) => !t.classification && t.status === 'pass'),
    fail: count((t) => !t.classification && t.status === 'fail'),
    outOfScope: count((t) => t.classification?.kind === 'out-of-scope'),
    harness: count((t) => t.classification?.kind === 'harness'),
    skip: count((t) => !t.classification && t.status === 'skip'),
    notRun: result.notRun,
    durationMs: result.durationMs,
    rounds: result.rounds,
    notes: result.notes,
    tests,
  };
}

function fence(text: string): string {
  return ['```', text.replace(/```/g, "'''"), '```'].join('\n');
}

/**
 * How another run (`summary.json`, e.g. of the official dev server through `--server`) did on
 * a test: lets a failure read "fails on both" or "this server only".
 */
function otherOutcome(other: SummaryFile | undefined, suite: string, title: string): string {
  if (!other) return '';
  const test = other.suites.find((s) => s.suite === suite)?.tests.find((t) => t.title === title);
  if (!test) return ` (not run by ${other.server})`;
  return test.status === 'fail'
    ? ` (fails on both; ${other.server} too)`
    : ` (this server only; ${test.status} on ${other.server})`;
}

interface SummaryFile {
  server: string;
  suites: { suite: string; tests: { title: string; status: string }[] }[];
}

/** A finished run's `summary.json`, whole (what `writeSummary` wrote). */
type FullSummaryFile = RunInfo & { suites: SuiteSummary[] };

export function readSummary(file: string): SummaryFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SummaryFile>;
  if (!parsed.server || !Array.isArray(parsed.suites)) throw new Error(`--compare: ${file} is not a summary.json`);
  return parsed as SummaryFile;
}

export function writeSummary(
  outDir: string,
  info: RunInfo,
  results: SuiteResult[],
  compareWith?: SummaryFile,
): { pass: number; fail: number } {
  const suites = results.map(summarize);
  const total = (key: 'pass' | 'fail' | 'outOfScope' | 'harness' | 'skip' | 'notRun') =>
    suites.reduce((n, s) => n + s[key], 0);
  const totals = {
    pass: total('pass'),
    fail: total('fail'),
    outOfScope: total('outOfScope'),
    harness: total('harness'),
    skip: total('skip'),
    notRun: total('notRun'),
  };
  writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({ ...info, totals, suites }, null, 2));

  const md: string[] = [
    `# SDK integration tests against ${info.server}`,
    '',
    `- started ${info.startedAt}; \`${info.command}\``,
    `- tests: sdk-typescript ${info.sdkRef} (${info.sdkRefNote}); packages: @temporalio/* ${info.sdkVersion}`,
    `- embedded service at commit ${info.serviceCommit}; ${info.typeErrors} type errors while compiling the tests (listed in .work/sdk/build.log)`,
    '',
    `**${totals.pass} pass, ${totals.fail} fail** over ${suites.length} suites` +
      (totals.notRun ? `, **${totals.notRun} did not run** (a hook failed)` : '') +
      `; not counted: ${totals.outOfScope} out of scope, ${totals.harness} harness differences, ${totals.skip} skipped by the SDK.`,
    '',
    '| suite | pass | fail | not run | out of scope | harness | time (s) | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...suites.map(
      (s) =>
        `| ${s.suite} | ${s.pass} | ${s.fail} | ${s.notRun} | ${s.outOfScope} | ${s.harness} | ${Math.round(s.durationMs / 1000)} | ${s.notes.join('; ').replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  const failing = suites.flatMap((s) =>
    s.tests.filter((t) => !t.classification && t.status === 'fail').map((t) => ({ s, t })),
  );
  if (failing.length > 0) {
    md.push('## Failing tests', '');
    for (const { s, t } of failing) {
      md.push(
        `### ${s.suite} › ${t.title}${otherOutcome(compareWith, s.suite, t.title)}`,
        '',
        fence(t.assertion ?? ''),
        '',
      );
    }
  }
  const apart = suites.flatMap((s) => s.tests.filter((t) => t.classification).map((t) => ({ s, t })));
  if (apart.length > 0) {
    md.push('## Not counted', '');
    for (const { s, t } of apart) {
      md.push(`- ${s.suite} › ${t.title}: ${t.status}, ${t.classification!.kind} (${t.classification!.reason})`);
    }
    md.push('');
  }
  writeFileSync(path.join(outDir, 'summary.md'), md.join('\n'));
  return totals;
}

/**
 * Writes a finished run's summary again, marking each failure against another run: two runs made
 * one after the other can then annotate each other without running either again.
 */
export function rewriteSummary(file: string, compareWith: SummaryFile): { pass: number; fail: number } {
  readSummary(file);
  const { suites, ...info } = JSON.parse(readFileSync(file, 'utf8')) as FullSummaryFile & { totals?: unknown };
  delete (info as { totals?: unknown }).totals;
  const results: SuiteResult[] = suites.map((s) => ({
    suite: s.suite,
    tests: s.tests.map(({ title, status, assertion }) => ({ title, status, assertion })),
    rounds: s.rounds,
    durationMs: s.durationMs,
    notRun: s.notRun,
    notes: s.notes,
  }));
  return writeSummary(path.dirname(file), info, results, compareWith);
}
