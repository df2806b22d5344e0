/**
 * The conformance summary: counts, failures with their assertions, and a finished run's failures
 * marked against another run's without running either again.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rewriteSummary, readSummary, writeSummary, type RunInfo } from '../../conformance/summary';
import type { SuiteResult } from '../../conformance/suite-runner';

const info = (server: string): RunInfo => ({
  startedAt: '2026-11-30T00:00:00.000Z',
  command: 'conformance',
  sdkRef: 'v1.22.0',
  sdkRefNote: 'chosen with --ref',
  sdkVersion: '1.24.0',
  server,
  serviceCommit: 'abc1234',
  typeErrors: 0,
});

const suite = (outcomes: Record<string, 'pass' | 'fail'>): SuiteResult => ({
  suite: 'test-integration-update',
  tests: Object.entries(outcomes).map(([title, status]) => ({
    title,
    status,
    assertion: status === 'fail' ? `${title} failed` : undefined,
  })),
  rounds: 1,
  durationMs: 1000,
  notRun: 0,
  notes: [],
});

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'conformance-summary-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a finished run is marked against another: fails on both, this server only', () => {
  const ours = path.join(dir, 'ours');
  const theirs = path.join(dir, 'theirs');
  mkdirSync(ours);
  mkdirSync(theirs);
  writeSummary(ours, info('the embedded service'), [suite({ a: 'fail', b: 'fail', c: 'pass' })]);
  writeSummary(theirs, info('temporal'), [suite({ a: 'fail', b: 'pass', c: 'pass' })]);
  const before = readFileSync(path.join(ours, 'summary.json'), 'utf8');

  const totals = rewriteSummary(path.join(ours, 'summary.json'), readSummary(path.join(theirs, 'summary.json')));

  expect(totals).toMatchObject({ pass: 1, fail: 2 });
  const md = readFileSync(path.join(ours, 'summary.md'), 'utf8');
  expect(md).toContain('### test-integration-update › a (fails on both; temporal too)');
  expect(md).toContain('### test-integration-update › b (this server only; pass on temporal)');
  expect(md).toContain('b failed');
  expect(md).toContain('# SDK integration tests against the embedded service');
  expect(readFileSync(path.join(ours, 'summary.json'), 'utf8')).toBe(before);
});

test('a file that is not a summary is refused', () => {
  const file = path.join(dir, 'summary.json');
  writeFileSync(file, '{"suites": 1}');
  expect(() => rewriteSummary(file, { server: 'temporal', suites: [] })).toThrow(/not a summary\.json/);
});
