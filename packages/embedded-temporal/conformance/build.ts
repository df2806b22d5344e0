/**
 * Builds the SDK's tests in the work directory: installs their npm dependencies there (not in the
 * project's lockfile), copies the tests out of the SDK repository, applies `patches/`, generates
 * the test protos as the SDK's `scripts/compile-proto.ts` does, and compiles with TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { SdkSource } from './sdk-source';

const HERE = __dirname;
const PATCHES_DIR = path.join(HERE, 'patches');

/** The installed SDK version: the one this package's own tests use. */
export function installedSdkVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(HERE, '../package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return pkg.devDependencies['@temporalio/worker'];
}

/**
 * What the SDK's `packages/test` and `packages/test-helpers` import, at the installed SDK's
 * version. protobufjs is listed so npm hoists one copy that every `@temporalio/*` package shares
 * (two copies break history JSON, and the generated test protos load `protobufjs/light`).
 */
function dependencies(sdkVersion: string): Record<string, string> {
  const temporal = [
    'activity',
    'client',
    'common',
    'core-bridge',
    'envconfig',
    'interceptors-opentelemetry',
    'nexus',
    'proto',
    'testing',
    'worker',
    'workflow',
  ];
  return {
    ...Object.fromEntries(temporal.map((name) => [`@temporalio/${name}`, sdkVersion])),
    '@types/async-retry': '^1.4.8',
    '@grpc/grpc-js': '^1.14.7',
    '@grpc/proto-loader': '^0.8.1',
    arg: '^5.0.2',
    'async-retry': '^1.3.3',
    ava: '5.3.1',
    dedent: '^1.5.1',
    long: '^5.3.2',
    ms: '3.0.0-canary.1',
    'nexus-rpc': '^0.0.3',
    protobufjs: '^8.8.1',
    'protobufjs-cli': '2.7.1',
    rxjs: '7.8.1',
    'stack-utils': '^2.0.6',
  };
}

function hash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Installs the tests' dependencies into `<work>/node_modules` unless the same list is there. */
export function installDependencies(workDir: string, sdkVersion: string): void {
  const deps = dependencies(sdkVersion);
  const manifest = JSON.stringify({ name: 'sdk-conformance-work', private: true, dependencies: deps }, null, 2);
  const stamp = path.join(workDir, 'node_modules', '.conformance-deps');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === manifest) return;
  mkdirSync(workDir, { recursive: true });
  writeFileSync(path.join(workDir, 'package.json'), manifest);
  console.log(`conformance: installing the SDK tests' dependencies into ${workDir}`);
  run('npm', ['install', '--no-audit', '--no-fund'], workDir);
  writeFileSync(stamp, manifest);
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  experimentalDecorators: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  sourceMap: true,
  strict: true,
  // The v1.x tests are compiled against other SDK versions' packages: a type error is reported
  // in the build log but does not stop the run (the suites then say what works).
  noEmitOnError: false,
};

function compile(rootNames: string[], rootDir: string, outDir: string, extra: ts.CompilerOptions): string[] {
  const program = ts.createProgram(rootNames, { ...COMPILER_OPTIONS, ...extra, rootDir, outDir });
  const result = program.emit();
  return [...ts.getPreEmitDiagnostics(program), ...result.diagnostics]
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const file = d.file ? `${path.relative(rootDir, d.file.fileName)}:${(where?.line ?? 0) + 1}: ` : '';
      return file + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
}

function generateProtos(testDir: string, workDir: string): void {
  const bin = path.join(workDir, 'node_modules/protobufjs-cli/bin');
  const protosDir = path.join(testDir, 'protos');
  const protos = readdirSync(protosDir)
    .filter((f) => f.endsWith('.proto'))
    .map((f) => path.join(protosDir, f));
  const common = ['--wrap', 'commonjs', '--force-long', '--no-verify', '--alt-comment'];
  const temp = path.join(protosDir, 'temp.js');
  run(
    'node',
    [
      path.join(bin, 'pbjs'),
      '--target',
      'json-module',
      '--root',
      'test',
      ...common,
      '--out',
      path.join(protosDir, 'json-module.js'),
      ...protos,
    ],
    testDir,
  );
  run('node', [path.join(bin, 'pbjs'), '--target', 'static-module', ...common, '--out', temp, ...protos], testDir);
  run('node', [path.join(bin, 'pbts'), '--out', path.join(protosDir, 'root.d.ts'), temp], testDir);
  rmSync(temp);
}

function applyPatches(sdkDir: string): string[] {
  const patches = readdirSync(PATCHES_DIR)
    .filter((f) => f.endsWith('.patch'))
    .sort();
  for (const p of patches)
    run('patch', ['-p1', '--batch', '--forward', '--silent', '-i', path.join(PATCHES_DIR, p)], sdkDir);
  return patches;
}

function patchesDigest(): string {
  return readdirSync(PATCHES_DIR)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => readFileSync(path.join(PATCHES_DIR, f), 'utf8'))
    .join('\n');
}

export interface BuiltTests {
  /** `<work>/sdk/packages/test`: ava's project directory, compiled tests in `lib/`. */
  testDir: string;
  /** Type errors tsc reported (the build goes on; they are listed in `<work>/sdk/build.log`). */
  typeErrors: number;
}

/**
 * Extracts, patches and compiles the tests unless the same source, patches and suites were built
 * last time. `suites` are the test files (`test-*.ts`) to compile besides the shared code.
 */
export function buildTests(source: SdkSource, workDir: string, suites: string[], preload: string): BuiltTests {
  const sdkDir = path.join(workDir, 'sdk');
  const testDir = path.join(sdkDir, 'packages/test');
  const helpersDir = path.join(sdkDir, 'packages/test-helpers');
  const stampFile = path.join(sdkDir, '.conformance-build');
  const selected = [...new Set(suites)].sort();
  const stamp = hash(source.contentId, patchesDigest(), readFileSync(__filename, 'utf8'), selected.join(','));
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').startsWith(stamp)) {
    return { testDir, typeErrors: Number(readFileSync(stampFile, 'utf8').split(' ')[1]) };
  }
  console.log(`conformance: building the SDK tests (${source.ref}) in ${sdkDir}`);
  rmSync(sdkDir, { recursive: true, force: true });
  source.extract(sdkDir);
  applyPatches(sdkDir);

  // The tests import the helpers as a package, and read the API protos from the core bridge's
  // place in the monorepo (`packages/core-bridge`): both point at the installed copies.
  const scope = path.join(workDir, 'node_modules/@temporalio');
  rmSync(path.join(scope, 'test-helpers'), { force: true });
  symlinkSync(helpersDir, path.join(scope, 'test-helpers'), 'dir');
  symlinkSync(path.join(scope, 'core-bridge'), path.join(sdkDir, 'packages/core-bridge'), 'dir');

  generateProtos(testDir, workDir);

  const errors = compile(
    listTs(path.join(helpersDir, 'src')),
    path.join(helpersDir, 'src'),
    path.join(helpersDir, 'lib'),
    {
      declaration: true,
    },
  );
  const srcDir = path.join(testDir, 'src');
  const wanted = new Set(selected.map((s) => `${s}.ts`));
  // Everything but the test files (workflows, activities, helpers, payload converters that
  // workers load by path), plus the selected test files.
  const roots = listTs(srcDir).filter((f) => {
    const base = path.basename(f);
    return path.dirname(f) !== srcDir || !base.startsWith('test-') || wanted.has(base);
  });
  for (const s of selected) {
    if (!existsSync(path.join(srcDir, `${s}.ts`)))
      throw new Error(`suite ${s}: no packages/test/src/${s}.ts in ${source.ref}`);
  }
  errors.push(...compile(roots, srcDir, path.join(testDir, 'lib'), {}));
  writeFileSync(path.join(sdkDir, 'build.log'), errors.join('\n') + '\n');
  const typeErrors = errors.length;

  // ava's settings: those of the SDK (60 s inactivity timeout, one file at a time, child
  // processes), plus the preload that points SDK-launched servers at the service under test.
  const pkgFile = path.join(testDir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { ava?: Record<string, unknown> };
  pkg.ava = { ...pkg.ava, require: [preload] };
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));

  writeFileSync(stampFile, `${stamp} ${typeErrors}`);
  return { testDir, typeErrors };
}

/** Compiles `preload.ts` to `<work>/preload.js` (ava loads it in each test process). */
export function buildPreload(workDir: string): string {
  const out = path.join(workDir, 'preload.js');
  const source = readFileSync(path.join(HERE, 'preload.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS });
  writeFileSync(out, outputText);
  return out;
}
