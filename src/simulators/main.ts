/**
 * Runs the vendor simulators until SIGINT/SIGTERM: `tsx src/simulators/main.ts`.
 *
 * Env: SIMULATOR_PORT (default 0 = ephemeral), SIMULATOR_HOST (default 127.0.0.1),
 * SIMULATOR_WEBHOOK_URL + PERCENT_WEBHOOK_SECRET (send signed Percent webhooks),
 * SIMULATOR_AUTO_ADVANCE_MS (move each verification to pending_review, then to the decision,
 * after this many ms each; default off), SIMULATOR_AUTO_DECISION (approved (default) or rejected), SIMULATOR_AUTO_CREATE=true (associate accepts unknown
 * profiles and async requests), SIMULATOR_PERCENT_API_KEY / SIMULATOR_ATTESTR_AUTH_TOKEN (the
 * keys to accept instead of the built-in simulator keys; never printed).
 */
import { defaultAttestrAuthToken, defaultPercentApiKey, startVendorSimulators, type SimulatorOptions } from './index';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function readOptions(env: NodeJS.ProcessEnv): SimulatorOptions {
  const options: SimulatorOptions = { host: env.SIMULATOR_HOST || '127.0.0.1' };
  const port = env.SIMULATOR_PORT || '0';
  if (!/^\d+$/.test(port) || Number(port) > 65535) fail('SIMULATOR_PORT: expected a port number (0-65535)');
  options.port = Number(port);

  const webhookUrl = env.SIMULATOR_WEBHOOK_URL;
  const webhookSecret = env.PERCENT_WEBHOOK_SECRET;
  if (webhookUrl) {
    if (!URL.canParse(webhookUrl)) fail('SIMULATOR_WEBHOOK_URL: expected an http(s) URL');
    if (!webhookSecret) fail('PERCENT_WEBHOOK_SECRET: required when SIMULATOR_WEBHOOK_URL is set');
    options.webhook = { url: webhookUrl, secret: webhookSecret };
  }

  const advance = env.SIMULATOR_AUTO_ADVANCE_MS;
  if (advance) {
    if (!/^\d+$/.test(advance)) fail('SIMULATOR_AUTO_ADVANCE_MS: expected milliseconds (an integer)');
    const decision = env.SIMULATOR_AUTO_DECISION || 'approved';
    if (decision !== 'approved' && decision !== 'rejected')
      fail('SIMULATOR_AUTO_DECISION: expected approved or rejected');
    options.autoAdvance = { toPendingReviewAfterMs: Number(advance), decideAfterMs: Number(advance), decision };
  }
  if (env.SIMULATOR_AUTO_CREATE === 'true') {
    options.autoCreateProfiles = true;
    options.autoCreateAsyncRequests = true;
  }
  if (env.SIMULATOR_PERCENT_API_KEY) options.percentApiKey = env.SIMULATOR_PERCENT_API_KEY;
  if (env.SIMULATOR_ATTESTR_AUTH_TOKEN) options.attestrAuthToken = env.SIMULATOR_ATTESTR_AUTH_TOKEN;
  return options;
}

async function main(): Promise<void> {
  const simulators = await startVendorSimulators(readOptions(process.env));
  // The built-in keys are simulator-only and printed so a developer can configure the worker;
  // keys given through the environment are never printed.
  const shown = (value: string, fallback: string, variable: string) =>
    value === fallback ? value : `<value of ${variable}>`;
  process.stdout.write(
    [
      `Vendor simulators listening on ${simulators.url}`,
      `  PERCENT_BASE_URL=${simulators.percentBaseUrl}`,
      `  PERCENT_API_KEY=${shown(simulators.percentApiKey, defaultPercentApiKey, 'SIMULATOR_PERCENT_API_KEY')}`,
      `  ATTESTR_BASE_URL=${simulators.attestrBaseUrl}`,
      `  ATTESTR_AUTH_TOKEN=${shown(simulators.attestrAuthToken, defaultAttestrAuthToken, 'SIMULATOR_ATTESTR_AUTH_TOKEN')}`,
      `  ATTESTR_API_VERSION=v1`,
      '',
    ].join('\n'),
  );
  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`${signal}: stopping\n`);
    simulators.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => fail(`simulators: ${error instanceof Error ? error.message : String(error)}`));
