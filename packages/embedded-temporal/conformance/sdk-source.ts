/**
 * Finds the SDK's tests in what `--sdk` names (a git directory, bare or not, or a plain checkout)
 * and copies `packages/test` and `packages/test-helpers` into the work directory.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** The folders of the SDK monorepo the harness needs. */
const SDK_FOLDERS = ['packages/test', 'packages/test-helpers'];

export interface SdkSource {
  /** The tag or commit the tests come from, or `working tree` for a plain directory. */
  ref: string;
  /** Why that ref was chosen (printed and written to the summary). */
  refNote: string;
  /** Identifies the content: a commit id, or the test package's version for a plain directory. */
  contentId: string;
  extract(dest: string): void;
}

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' }).trim();
}

function findGitDir(sdk: string): string | undefined {
  if (existsSync(path.join(sdk, 'HEAD')) && existsSync(path.join(sdk, 'objects'))) return sdk;
  if (existsSync(path.join(sdk, '.git'))) {
    return execFileSync('git', ['-C', sdk, 'rev-parse', '--absolute-git-dir'], { encoding: 'utf8' }).trim();
  }
  return undefined;
}

function semverKey(tag: string): number[] {
  return tag.slice(1).split('.').map(Number);
}

function newestReleaseTag(tags: string[]): string | undefined {
  const releases = tags.filter((t) => /^v\d+\.\d+\.\d+$/.test(t));
  releases.sort((a, b) => {
    const [x, y] = [semverKey(a), semverKey(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return releases.at(-1);
}

/**
 * `wantedVersion` is the installed SDK's version: its tag is used when the repository has it,
 * otherwise the newest release tag (with a note saying so). `ref` overrides both.
 */
export function locateSdk(sdk: string, wantedVersion: string, ref?: string): SdkSource {
  const root = path.resolve(sdk);
  if (!existsSync(root)) throw new Error(`--sdk: ${sdk} does not exist`);
  const gitDir = findGitDir(root);
  if (!gitDir) {
    const pkg = path.join(root, 'packages/test/package.json');
    if (!existsSync(pkg)) throw new Error(`--sdk: ${sdk} is neither a git directory nor a checkout with packages/test`);
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    return {
      ref: 'working tree',
      refNote: `plain directory, packages/test version ${version}`,
      contentId: `dir:${root}:${version}`,
      extract: (dest) => {
        for (const folder of SDK_FOLDERS) cpSync(path.join(root, folder), path.join(dest, folder), { recursive: true });
      },
    };
  }
  let chosen = ref;
  let refNote = ref ? `chosen with --ref` : '';
  if (!chosen) {
    const tags = git(gitDir, ['tag', '--list', 'v*']).split('\n');
    const wanted = `v${wantedVersion}`;
    if (tags.includes(wanted)) {
      chosen = wanted;
      refNote = `the tag of the installed SDK ${wantedVersion}`;
    } else {
      chosen = newestReleaseTag(tags);
      if (!chosen) throw new Error(`--sdk: ${sdk} has no release tag (v<major>.<minor>.<patch>); pass --ref`);
      refNote = `${wanted} is not in this repository; its newest release tag is used, on the ${wantedVersion} packages`;
    }
  }
  const commit = git(gitDir, ['rev-parse', '--verify', `${chosen}^{commit}`]);
  return {
    ref: chosen,
    refNote,
    contentId: commit,
    extract: (dest) => {
      mkdirSync(dest, { recursive: true });
      const tar = path.join(dest, 'sdk.tar');
      git(gitDir, ['archive', '--format=tar', `--output=${tar}`, commit, ...SDK_FOLDERS]);
      execFileSync('tar', ['-xf', tar, '-C', dest]);
      rmSync(tar);
    },
  };
}
