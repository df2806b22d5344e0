/**
 * Builds the SvelteKit app (`app/`) once and reuses the result: the output goes to
 * `.build/app/` with a stamp holding a hash of the app's sources and the installed versions of
 * everything the build reads. The dev stack, `npm run ui` and the browser tests all call
 * `ensureUiBuild`, so the ~1 minute build happens only on the first run or after a change.
 * Concurrent callers (parallel test files, a dev stack) wait for one build instead of racing.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const PACKAGE_DIR = path.resolve(__dirname, '..');
const APP_DIR = path.join(PACKAGE_DIR, 'app');
const IGNORED = new Set(['build', '.svelte-kit', 'node_modules']);

/** Everything whose version changes the built app. */
const BUILD_INPUTS = [
  '@temporalio/ui',
  'svelte',
  '@sveltejs/kit',
  '@sveltejs/vite-plugin-svelte',
  '@sveltejs/adapter-static',
  'vite',
  'tailwindcss',
  'postcss',
  'autoprefixer',
  'date-fns',
  'date-fns-tz',
];

export interface UiBuild {
  dir: string;
  hash: string;
  /** False when an earlier build was reused. */
  built: boolean;
  /** Build time in ms (0 when reused). */
  ms: number;
}

export interface EnsureUiBuildOptions {
  /** Where builds are kept; default `.build/` in this package (git-ignored). */
  cacheDir?: string;
  /** Progress lines ("building the Temporal UI ..."). */
  progress?: (line: string) => void;
  /** Rebuild even if the stamp matches. */
  force?: boolean;
  /** Give up waiting for another process's build after this long. */
  lockTimeoutMs?: number;
}

function packageDir(name: string): string {
  for (const base of module.paths) {
    const dir = path.join(base, name);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`the Temporal UI build needs ${name}: run npm ci`);
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !IGNORED.has(entry.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? sourceFiles(full) : [full];
    })
    .sort();
}

/** The hash of the app's sources and the versions of the build's inputs. */
export function uiBuildHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(APP_DIR)) {
    hash.update(path.relative(APP_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const name of BUILD_INPUTS) hash.update(`${name}@${installedVersion(name)}\0`);
  return hash.digest('hex').slice(0, 16);
}

function readStamp(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'stamp.json'), 'utf8')) as { hash?: string }).hash;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureUiBuild(options: EnsureUiBuildOptions = {}): Promise<UiBuild> {
  const cacheDir = options.cacheDir ?? path.join(PACKAGE_DIR, '.build');
  const outDir = path.join(cacheDir, 'app');
  const hash = uiBuildHash();
  if (!options.force && readStamp(cacheDir) === hash && existsSync(path.join(outDir, 'index.html')))
    return { dir: outDir, hash, built: false, ms: 0 };

  mkdirSync(cacheDir, { recursive: true });
  const lock = path.join(cacheDir, 'lock');
  const deadline = Date.now() + (options.lockTimeoutMs ?? 10 * 60_000);
  let announced = false;
  // One build at a time per cache dir; a lock left by a dead process is taken over.
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockHolderAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) options.progress?.('Waiting for another process to finish building the Temporal UI...');
      announced = true;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the Temporal UI build lock (${lock})`);
      await sleep(500);
    }
  }
  try {
    if (!options.force && readStamp(cacheDir) === hash && existsSync(path.join(outDir, 'index.html')))
      return { dir: outDir, hash, built: false, ms: 0 };
    const started = Date.now();
    const staging = path.join(cacheDir, `staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    await runViteBuild(staging, cacheDir, options.progress);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
    writeFileSync(
      path.join(cacheDir, 'stamp.json'),
      `${JSON.stringify({ hash, builtAt: new Date().toISOString() })}\n`,
    );
    const ms = Date.now() - started;
    options.progress?.(
      `Temporal UI built in ${(ms / 1000).toFixed(0)} s (reused until its sources or versions change)`,
    );
    return { dir: outDir, hash, built: true, ms };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockHolderAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
    if (!pid) return statSync(lock).mtimeMs > Date.now() - 60_000; // being created right now
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function runViteBuild(outDir: string, cacheDir: string, progress?: (line: string) => void): Promise<void> {
  const vite = path.join(packageDir('vite'), 'bin', 'vite.js');
  const started = Date.now();
  progress?.('Building the Temporal UI (first run or sources changed; about a minute)...');
  const tty = progress !== undefined && process.stdout.isTTY;
  const ticker = tty
    ? setInterval(() => process.stdout.write(`\r  building... ${Math.round((Date.now() - started) / 1000)} s`), 1000)
    : undefined;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build'], {
      cwd: APP_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        TEMPORAL_UI_BUILD_DIR: outDir,
        // SvelteKit loads its own output after building: it must sit where node_modules resolve.
        TEMPORAL_UI_KIT_DIR: path.join(
          PACKAGE_DIR,
          '.build',
          `svelte-kit-${createHash('sha256').update(cacheDir).digest('hex').slice(0, 8)}`,
        ),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (ticker) {
        clearInterval(ticker);
        process.stdout.write('\r');
      }
      if (code === 0) resolve();
      else reject(new Error(`the Temporal UI build failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}
