/**
 * The app's workflow bundle (`bundleWorkflows()`, the code the worker process runs), built once
 * per jest run instead of once per test file: webpack takes seconds each time, and a dozen files
 * need the same bundle. `test/helpers/global-setup.ts` gives the run a directory in
 * `BGCHECK_TEST_BUNDLE_DIR`; the first file that asks builds the bundle and writes it there, later
 * files load it from the file (`{ codePath }`; the bundle's source map is inline). Without that
 * directory (a harness used outside jest), each process bundles once.
 */
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/worker';
import { BUNDLE_DIR_ENV } from './global-setup';

let inProcess: Promise<WorkflowBundleOption> | undefined;

export function appWorkflowBundle(): Promise<WorkflowBundleOption> {
  const dir = process.env[BUNDLE_DIR_ENV];
  if (!dir) return (inProcess ??= bundleWorkflows());
  const codePath = path.join(dir, 'workflow-bundle.js');
  if (existsSync(codePath)) return Promise.resolve({ codePath });
  return (inProcess ??= bundleWorkflows().then(async ({ code }) => {
    // Written whole, then renamed: a parallel jest worker never reads half a bundle.
    const partial = `${codePath}.${process.pid}`;
    await writeFile(partial, code);
    await rename(partial, codePath);
    return { codePath };
  }));
}
