/** The command checks of commands/ on a run built in memory (no gRPC, no SDK). */
import { CommandRegistry, type CommandDeps } from '../../src/commands';
import type { Effects } from '../../src/effects';
import { enums } from '../../src/enums';
import { Namespaces } from '../../src/namespaces';
import { i64 } from '../../src/proto';
import { WorkflowRun } from '../../src/state/workflow-run';
import type { Command } from '../../src/types';
import { newRun } from '../state/helpers';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;

const namespaces = new Namespaces();
namespaces.register('default');
const limits = { blobSizeLimitError: 1000, blobSizeLimitWarn: 500, memoSizeLimitError: 1000 };
const effects = { limits, namespace: (name: string) => namespaces.get(name) } as unknown as Effects;
// Validation only reads the effects; apply is covered end to end by the package's suite.
const registry = new CommandRegistry({ effects } as CommandDeps);

function run(): WorkflowRun {
  return newRun(namespaces.get('default'));
}

const startTimer = (timerId: string, seconds = 1): Command => ({
  commandType: CommandType.COMMAND_TYPE_START_TIMER,
  startTimerCommandAttributes: { timerId, startToFireTimeout: { seconds: i64(seconds) } },
});
const cancelTimer = (timerId: string): Command => ({
  commandType: CommandType.COMMAND_TYPE_CANCEL_TIMER,
  cancelTimerCommandAttributes: { timerId },
});
const scheduleActivity = (input: Uint8Array, attrs: object = {}): Command => ({
  commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
  scheduleActivityTaskCommandAttributes: {
    activityId: 'a1',
    activityType: { name: 'charge' },
    startToCloseTimeout: { seconds: i64(10) },
    input: { payloads: [{ data: input }] },
    ...attrs,
  },
});

describe('command validation', () => {
  it('accepts a timer started, cancelled and started again in one completion', () => {
    expect(registry.validate(run(), [startTimer('t'), cancelTimer('t'), startTimer('t')], [])).toBeUndefined();
  });

  it('refuses the same timer id started twice in one completion', () => {
    expect(registry.validate(run(), [startTimer('t'), startTimer('t')], [])).toEqual({
      cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
      message: 'Timer t is already started.',
    });
  });

  it('refuses to cancel a timer that is not running, or twice', () => {
    const bad = {
      cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
      message: 'Timer t is not running.',
    };
    expect(registry.validate(run(), [cancelTimer('t')], [])).toEqual(bad);
    expect(registry.validate(run(), [startTimer('t'), cancelTimer('t'), cancelTimer('t')], [])).toEqual(bad);
  });

  it('refuses a timer without a duration', () => {
    expect(registry.validate(run(), [startTimer('t', 0)], [])?.cause).toBe(
      Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
    );
  });

  it('refuses an activity without a start-to-close or schedule-to-close timeout', () => {
    const problem = registry.validate(run(), [scheduleActivity(new Uint8Array(1), { startToCloseTimeout: null })], []);
    expect(problem).toEqual({
      cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
      message: 'A valid StartToClose or ScheduleToCloseTimeout is not set on command.',
    });
  });

  it('terminates the run for an activity input over the error limit, retries the task below it', () => {
    expect(registry.validate(run(), [scheduleActivity(new Uint8Array(2000))], [])).toMatchObject({
      message: 'ScheduleActivityTaskCommandAttributes.Input exceeds size limit.',
      terminate: true,
    });
    expect(registry.validate(run(), [scheduleActivity(new Uint8Array(700))], [])).toBeUndefined();
  });

  it('reports the first bad command in command order', () => {
    const problem = registry.validate(run(), [startTimer('t', 0), cancelTimer('x')], []);
    expect(problem?.cause).toBe(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES);
  });

  it('refuses a signal to a workflow in a namespace that does not exist', () => {
    const problem = registry.validate(
      run(),
      [
        {
          commandType: CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
          signalExternalWorkflowExecutionCommandAttributes: {
            namespace: 'nowhere',
            execution: { workflowId: 'other' },
            signalName: 's',
          },
        },
      ],
      [],
    );
    expect(problem).toEqual({
      cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
      message: 'Namespace nowhere is not found.',
    });
  });

  it('refuses a protocol message command whose message is not in the completion', () => {
    const command: Command = {
      commandType: CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE,
      protocolMessageCommandAttributes: { messageId: 'm1' },
    };
    expect(registry.validate(run(), [command], [])?.cause).toBe(
      Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
    );
    expect(registry.validate(run(), [command], [{ id: 'm1' }])).toBeUndefined();
  });

  it('refuses a command type it has no handler for', () => {
    const problem = registry.validate(run(), [{ commandType: CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION }], []);
    expect(problem?.cause).toBe(Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED);
  });

  it('marks the four closing commands, and only those, as closing the run', () => {
    const closing = Object.values(CommandType)
      .filter((t): t is number => typeof t === 'number')
      .filter((commandType) => registry.closesRun({ commandType }));
    expect(closing.sort()).toEqual(
      [
        CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
        CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
        CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
        CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
      ].sort(),
    );
  });
});
