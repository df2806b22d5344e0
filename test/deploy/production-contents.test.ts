/**
 * What production carries, checked statically: the image's `npm ci --omit=dev --workspaces=false`
 * installs no dev tooling (the embedded Temporal service, the SDK's test environment), and
 * `npm run build` compiles the app only (no embedded-service or dev-stack code).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './compose-file';

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  link?: boolean;
}

const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  workspaces: string[];
};

/** Where Node (and npm's tree) finds `name` from the package installed at `from`. */
function resolveFrom(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('node_modules/');
    base = cut <= 0 ? '' : base.slice(0, cut - 1);
  }
}

/** The installed paths of a production install of the root alone (workspaces ignored). */
function productionInstall(): Set<string> {
  const seen = new Set<string>();
  const visit = (from: string, deps: Record<string, string>) => {
    for (const name of Object.keys(deps)) {
      const at = resolveFrom(from, name);
      if (!at || seen.has(at)) continue;
      seen.add(at);
      const entry = lock.packages[at];
      const peers = Object.fromEntries(
        Object.entries(entry.peerDependencies ?? {}).filter(([p]) => !entry.peerDependenciesMeta?.[p]?.optional),
      );
      visit(at, { ...entry.dependencies, ...entry.optionalDependencies, ...peers });
    }
  };
  visit('', manifest.dependencies);
  return seen;
}

const packageName = (installedAt: string) => installedAt.slice(installedAt.lastIndexOf('node_modules/') + 13);

describe('production contents', () => {
  const installed = [...productionInstall()].map(packageName);

  it('declares the dev tooling as development dependencies only', () => {
    for (const name of ['@temporalio/testing', '@grpc/proto-loader', '@bgcheck/embedded-temporal', 'tsx']) {
      expect({ name, production: name in manifest.dependencies }).toEqual({ name, production: false });
    }
    expect(manifest.devDependencies['@bgcheck/embedded-temporal']).toBeDefined();
  });

  it('installs no test environment, embedded service or workspace package in the image', () => {
    // The walk is real: the SDK worker and its transitive dependencies (its own bundler among them) are found.
    expect(installed).toEqual(
      expect.arrayContaining(['@temporalio/worker', '@temporalio/core-bridge', '@swc/core', 'undici']),
    );
    const forbidden = installed.filter((name) =>
      /^(@temporalio\/testing|@bgcheck\/|tsx$|jest$|typescript$|dependency-cruiser$)/.test(name),
    );
    expect(forbidden).toEqual([]);
  });

  it('keeps the workspace packages out of the image build', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const installs = dockerfile.split('\n').filter((line) => /^RUN npm ci\b/.test(line));
    expect(installs).toHaveLength(2);
    for (const line of installs) expect(line).toMatch(/--workspaces=false\b/);
    expect(dockerfile).not.toMatch(/^COPY (packages|dev)\b/m);
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['packages', 'dev']));
  });

  it('compiles the app only: no embedded-service, dev-stack, test or bench file', () => {
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const listed = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file && !file.includes('/node_modules/'))
      .map((file) => path.relative(ROOT, file));
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((file) => !file.startsWith('src/'))).toEqual([]);
    expect(listed).toContain('src/worker.ts');
  });
});
