/**
 * The CLI against the whole system (`startDev` without its demo: embedded Temporal, real
 * workers, simulators deciding on a wall-clock schedule): every command and its exit code.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeUserMetadata } from '@temporalio/common/lib/internal-non-workflow';
import { startDev, type DevStack } from '../../dev/dev-stack';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { silentLogger } from '../../src/logger';
import { cli } from './helpers';

// Keep test output readable: the SDK would log every worker state change.
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
});

describe('client CLI commands', () => {
  let stack: DevStack;
  let dir: string;
  const run = (argv: string[], stdin?: string) => cli(argv, { stdin, connect: async () => stack.client });
  const eventFor = (profileId: string, eventId = 'cli-1') =>
    JSON.stringify({
      eventId,
      profileId,
      agent: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org', organisationId: 'org_cli' },
    });

  beforeAll(async () => {
    stack = await startDev({
      demo: false,
      env: { INGRESS_PORT: '0' },
      out: { write: () => true },
      logger: silentLogger,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'cli-'));
  });
  afterAll(() => stack?.close());

  it('starts from a file or stdin, shows status, takes the async request id and waits for the decision', async () => {
    const profileId = stack.simulators.attestr.addProfile();
    const asyncRequestId = stack.simulators.attestr.addAsyncRequest('education');
    const file = path.join(dir, 'event.json');
    await writeFile(file, eventFor(profileId));

    // Called through: the request is only looked at.
    const startRequest = jest.spyOn(stack.client.workflowService, 'startWorkflowExecution');
    const started = await run(['start', file]);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const check = JSON.parse(started.stdout);
    expect(check).toEqual({ workflowId: `bgcheck-${profileId}`, runId: expect.any(String), started: true });
    // The Temporal UI's summary of the check: ids, no name or e-mail.
    const [[{ userMetadata }]] = startRequest.mock.calls;
    startRequest.mockRestore();
    expect(await decodeUserMetadata(stack.client.options.loadedDataConverter, userMetadata)).toEqual({
      staticSummary: `Background check, profile ${profileId}`,
      staticDetails: 'Onboarding event cli-1, organisation org_cli',
    });

    const duplicate = await run(['start', '-'], eventFor(profileId, 'cli-2'));
    expect(JSON.parse(duplicate.stdout)).toEqual({ ...check, started: false });

    const status = await run(['status', profileId]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      workflowId: check.workflowId,
      runId: check.runId,
      executionStatus: 'RUNNING',
      stages: expect.arrayContaining([expect.objectContaining({ stage: 'creating_verification' })]),
    });

    const signalled = await run(['async-request', profileId, asyncRequestId]);
    expect(signalled.code).toBe(0);

    const result = await run(['result', check.workflowId]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      workflowId: check.workflowId,
      outcome: 'approved',
      asyncRequestId,
    });

    const listed = await run(['list', '--stage', 'approved']);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toContainEqual(expect.objectContaining({ workflowId: check.workflowId, stage: 'approved' }));
    expect(rows.every((row) => row.stage === 'approved')).toBe(true);

    const late = await run(['async-request', profileId, asyncRequestId]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain(`no background check ${check.workflowId}`);
  });

  it('resumes and cancels a check; result then fails with exit 1 and says so', async () => {
    const profileId = stack.simulators.attestr.addProfile();
    expect((await run(['start', '-'], eventFor(profileId))).code).toBe(0);
    const resumed = await run(['resume', profileId]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ workflowId: `bgcheck-${profileId}`, signalled: 'resume' });
    const cancelled = await run(['cancel', profileId]);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual({ workflowId: `bgcheck-${profileId}`, cancelRequested: true });
    const result = await run(['result', profileId]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: bgcheck-${profileId}: the check was cancelled\n`);
    expect((await run(['resume', profileId])).code).toBe(1);
  });

  it('says which key is missing when it cannot decrypt payloads, and still shows what it can', async () => {
    const profileId = stack.simulators.attestr.addProfile();
    expect((await run(['start', '-'], eventFor(profileId, 'cli-keys'))).code).toBe(0);
    // The dev stack encrypts with its per-run key; this CLI connects on its own, without keys.
    const env = { TEMPORAL_ADDRESS: stack.temporalAddress };
    const listed = await cli(['list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`"workflowId":"bgcheck-${profileId}"`);
    const status = await cli(['status', profileId], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({
      workflowId: `bgcheck-${profileId}`,
      runId: expect.any(String),
      executionStatus: 'RUNNING',
      status: expect.stringMatching(/^\[encrypted with key id "dev-[0-9a-f]+": not readable/),
    });
    expect(status.stderr).toMatch(/payloads are encrypted with key id "dev-[0-9a-f]+" .*PAYLOAD_CODEC_KEYS is not set/);
    expect(status.stderr).toContain('BGCHECK_ENV_FILE=.dev/secrets.env');
    await stack.client.workflow.getHandle(`bgcheck-${profileId}`).cancel();
  });

  it('exits 1 with a clear message for a check that does not exist', async () => {
    const res = await run(['status', 'no-such-profile']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: no background check bgcheck-no-such-profile (or it is not running)\n');
  });
});
