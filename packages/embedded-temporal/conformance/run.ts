/**
 * The conformance command: builds the TypeScript SDK's integration tests from a checkout of
 * temporalio/sdk-typescript and runs them, one file at a time, against the embedded service (or
 * another server executable), then writes summary.md and summary.json. See README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildPreload, buildTests, installDependencies, installedSdkVersion } from './build';
import { locateSdk } from './sdk-source';
import { DEFAULT_SUITES } from './suites';
import { runSuite, type SuiteResult } from './suite-runner';
import { readSummary, rewriteSummary, writeSummary } from './summary';

const PACKAGE_DIR = path.resolve(__dirname, '..');
const EMBEDDED = path.join(PACKAGE_DIR, 'bin/embedded-temporal');

const USAGE = `usage: npm run conformance -w @bgcheck/embedded-temporal -- --sdk <sdk-typescript checkout or git dir>
         [--ref <tag>] [--server <executable>] [--test-server <executable>]
         [--match <title pattern>]... [--out <dir>]
         [--compare <summary.json of another run>] [suite...]
       npm run conformance -w @bgcheck/embedded-temporal -- --summary <summary.json> --compare <summary.json>
         (marks a finished run's failures against another run's, without running either again)
  suites: file names under packages/test/src without .ts (default: the ${DEFAULT_SUITES.length} of the full run)`;

function fail(message: string): never {
  console.error(`conformance: ${message}\n${USAGE}`);
  process.exit(2);
}

function serviceCommit(): string {
  const git = (args: string[]) => execFileSync('git', ['-C', PACKAGE_DIR, ...args], { encoding: 'utf8' }).trim();
  try {
    const commit = git(['log', '-1', '--format=%h', '--', 'src']);
    return git(['status', '--porcelain', '--', 'src']) ? `${commit} plus uncommitted changes` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Names the servers under test for the summary (`--compare` quotes it). */
function describeServers(devServer: string, testServer: string): string {
  const name = (exe: string) => (exe === EMBEDDED ? 'the embedded service' : path.basename(exe));
  if (devServer === testServer) return name(devServer);
  return `${name(devServer)} (time skipping: ${name(testServer)})`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      sdk: { type: 'string' },
      ref: { type: 'string' },
      server: { type: 'string' },
      'test-server': { type: 'string' },
      match: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      compare: { type: 'string' },
      summary: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // npm runs workspace scripts in the package directory; paths on the command line are the caller's.
  const callerDir = process.env.INIT_CWD ?? process.cwd();
  if (values.summary) {
    if (!values.compare) fail('--summary needs --compare');
    const file = path.resolve(callerDir, values.summary);
    const totals = rewriteSummary(file, readSummary(path.resolve(callerDir, values.compare)));
    console.log(
      `conformance: ${totals.pass} pass, ${totals.fail} fail; summary in ${path.join(path.dirname(file), 'summary.md')}`,
    );
    return;
  }
  if (!values.sdk) fail('--sdk is required');
  const server = values.server ? path.resolve(callerDir, values.server) : EMBEDDED;
  const testServer = values['test-server'] ? path.resolve(callerDir, values['test-server']) : EMBEDDED;
  const suites = positionals.length > 0 ? positionals : DEFAULT_SUITES;
  const workDir = path.join(__dirname, '.work');
  const startedAt = new Date().toISOString();
  const outDir = values.out
    ? path.resolve(callerDir, values.out)
    : path.join(workDir, 'results', startedAt.replace(/[:.]/g, '-'));

  const compareWith = values.compare ? readSummary(path.resolve(callerDir, values.compare)) : undefined;
  const sdkVersion = installedSdkVersion();
  const source = locateSdk(path.resolve(callerDir, values.sdk), sdkVersion, values.ref);
  console.log(`conformance: SDK tests at ${source.ref} (${source.refNote})`);
  installDependencies(workDir, sdkVersion);
  const preload = buildPreload(workDir);
  const built = buildTests(source, workDir, [...DEFAULT_SUITES, ...suites], preload);
  mkdirSync(outDir, { recursive: true });

  const results: SuiteResult[] = [];
  for (const suite of suites) {
    const result = await runSuite(suite, {
      testDir: built.testDir,
      avaCli: path.join(workDir, 'node_modules/ava/entrypoints/cli.mjs'),
      devServer: server,
      testServer,
      outDir,
      match: values.match,
    });
    results.push(result);
    const pass = result.tests.filter((t) => t.status === 'pass').length;
    const failed = result.tests.filter((t) => t.status === 'fail').length;
    console.log(
      `${suite}: ${pass} pass, ${failed} fail (${Math.round(result.durationMs / 1000)} s)${result.notes.length ? `; ${result.notes.join('; ')}` : ''}`,
    );
  }
  const totals = writeSummary(
    outDir,
    {
      startedAt,
      command: `conformance ${process.argv.slice(2).join(' ')}`,
      sdkRef: source.ref,
      sdkRefNote: source.refNote,
      sdkVersion,
      server: describeServers(server, testServer),
      serviceCommit: serviceCommit(),
      typeErrors: built.typeErrors,
    },
    results,
    compareWith,
  );
  console.log(`conformance: ${totals.pass} pass, ${totals.fail} fail; summary in ${path.join(outDir, 'summary.md')}`);
}

main().catch((err: unknown) => {
  console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
