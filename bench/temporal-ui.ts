/**
 * The Temporal UI of the dev stack: `npx tsx bench/temporal-ui.ts [--skip-build]`.
 *
 * 1. UI build time: a full `vite build` of packages/temporal-ui/app into a scratch cache (the
 *    shared build the dev stack and tests reuse is left alone); `--skip-build` skips it.
 * 2. Server start time: from nothing to the UI server listening with its gateway ready (protos
 *    parsed, rules compiled) and its codec server up, the build already present.
 * 3. Check page render time, in headless Chromium: from navigation to a check's page (latest run
 *    redirect included) until its decoded input and its event history are on screen; first
 *    load (cold browser cache) and the median of five reloads.
 *
 * Prints figures only; nothing here asserts a target. Needs Chromium (see test/temporal-ui/browser.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureUiBuild } from '@bgcheck/temporal-ui';
import type { Connection } from '@temporalio/client';
import { chromium } from 'playwright-core';
import { BROWSER_HELP, chromiumPath } from '../test/temporal-ui/browser';
import { CODEC_KEYS, sendAsyncRequest, startCheck, startStack, waitForStage } from '../test/temporal-ui/stack';
import { startUiWithCodec } from '../dev/ui';

const ms = (n: number) => `${Math.round(n)} ms`;

async function main(): Promise<void> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`no Chromium: ${BROWSER_HELP}`);

  if (!process.argv.includes('--skip-build')) {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'ui-bench-build-'));
    try {
      const build = await ensureUiBuild({ cacheDir: scratch, force: true });
      console.log(`UI build (vite build, from scratch):        ${(build.ms / 1000).toFixed(1)} s`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  await ensureUiBuild({ progress: (line) => console.log(line) });

  const stack = await startStack();
  try {
    const started = performance.now();
    const ui = await startUiWithCodec({
      env: { PAYLOAD_CODEC_KEYS: CODEC_KEYS },
      connection: stack.client.connection as Connection,
      namespace: stack.namespace,
      port: 0,
    });
    const { url } = ui;
    console.log(`UI server start (gateway, codec server):    ${ms(performance.now() - started)}`);

    const { workflowId, profileId } = await startCheck(stack, 'Grace');
    const handle = stack.client.workflow.getHandle(workflowId);
    await waitForStage(stack, handle, 'awaiting_async_request');
    await sendAsyncRequest(stack, profileId);
    await waitForStage(stack, handle, 'awaiting_decision');

    const browser = await chromium.launch({ executablePath });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const render = async () => {
        const t0 = performance.now();
        await page.goto(`${url}/namespaces/${stack.namespace}/workflows/${workflowId}`);
        await page.getByTestId('input-and-result').getByText('"Grace"').waitFor();
        await page.getByText('Event History').first().waitFor();
        return performance.now() - t0;
      };
      console.log(`Check page render, first load:              ${ms(await render())}`);
      const again: number[] = [];
      for (let i = 0; i < 5; i++) again.push(await render());
      again.sort((a, b) => a - b);
      console.log(`Check page render, median of 5 reloads:     ${ms(again[2])}`);
    } finally {
      await browser.close();
      await ui.close();
    }
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
