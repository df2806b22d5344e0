/**
 * The command registry: one handler per command type (a new command is a new file here and one
 * line below). `validateCommands` checks a whole completion before any command is applied.
 */
import { enums } from '../enums';
import { invalidArgument } from '../errors';
import type { WorkflowRun } from '../state/workflow-run';
import type { Command, ProtocolMessage } from '../types';
import { cancelTimer } from './cancel-timer';
import { cancelWorkflowExecution } from './cancel-workflow-execution';
import type { ApplyContext, CommandDeps, CommandHandler, CommandProblem, CommandType } from './command';
import { completeWorkflowExecution } from './complete-workflow-execution';
import { continueAsNewWorkflowExecution } from './continue-as-new-workflow-execution';
import { failWorkflowExecution } from './fail-workflow-execution';
import { modifyWorkflowProperties } from './modify-workflow-properties';
import { protocolMessage } from './protocol-message';
import { recordMarker } from './record-marker';
import { requestCancelActivityTask } from './request-cancel-activity-task';
import { requestCancelExternalWorkflowExecution } from './request-cancel-external-workflow-execution';
import { scheduleActivityTask } from './schedule-activity-task';
import { signalExternalWorkflowExecution } from './signal-external-workflow-execution';
import { startChildWorkflowExecution } from './start-child-workflow-execution';
import { startTimer } from './start-timer';
import { upsertWorkflowSearchAttributes } from './upsert-workflow-search-attributes';

export type { ApplyContext, CommandDeps, CommandHandler, CommandProblem } from './command';

const { WorkflowTaskFailedCause: Cause } = enums;

const HANDLERS: readonly CommandHandler[] = [
  scheduleActivityTask,
  requestCancelActivityTask,
  startTimer,
  cancelTimer,
  recordMarker,
  upsertWorkflowSearchAttributes,
  modifyWorkflowProperties,
  completeWorkflowExecution,
  failWorkflowExecution,
  cancelWorkflowExecution,
  continueAsNewWorkflowExecution,
  startChildWorkflowExecution,
  signalExternalWorkflowExecution,
  requestCancelExternalWorkflowExecution,
  protocolMessage,
];

export class CommandRegistry {
  private readonly byType = new Map<CommandType, CommandHandler>(HANDLERS.map((h) => [h.type, h]));

  constructor(readonly deps: CommandDeps) {}

  handler(command: Command): CommandHandler | undefined {
    return this.byType.get(command.commandType ?? 0);
  }

  closesRun(command: Command): boolean {
    return this.handler(command)?.closesRun === true;
  }

  /** The first problem among a completion's commands, in command order, or undefined. */
  validate(run: WorkflowRun, commands: Command[], messages: ProtocolMessage[]): CommandProblem | undefined {
    const scope = {
      effects: this.deps.effects,
      run,
      timersStarted: new Set<string>(),
      timersCancelled: new Set<string>(),
      messageIds: new Set(messages.map((m) => m.id ?? '')),
    };
    for (const command of commands) {
      const handler = this.handler(command);
      if (!handler) {
        return {
          cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED,
          message: `Command type ${command.commandType} is not supported by the embedded Temporal service.`,
        };
      }
      const problem = handler.validate(command, scope);
      if (problem) return problem;
    }
    return undefined;
  }

  /**
   * Applies a validated completion: each command in order (its user metadata goes on the first
   * event it writes), then the protocol messages no command placed (rejections). Returns
   * whether the workflow needs a new task for what they did.
   */
  apply(
    run: WorkflowRun,
    commands: Command[],
    messages: ProtocolMessage[],
    task: Pick<ApplyContext, 'completedEventId' | 'identity' | 'eagerActivities'>,
  ): boolean {
    const messagesById = new Map<string, ProtocolMessage>();
    for (const message of messages) if (message.id) messagesById.set(message.id, message);
    const ctx: ApplyContext = { ...task, deps: this.deps, run, messagesById, handledMessages: new Set() };
    let needsTask = false;
    for (const command of commands) {
      const handler = this.handler(command);
      if (!handler) throw invalidArgument(`Command type ${command.commandType} is not supported`);
      const firstEvent = run.events.length;
      needsTask = handler.apply(command, ctx) || needsTask;
      if (command.userMetadata && run.events.length > firstEvent) {
        run.events[firstEvent].userMetadata = command.userMetadata;
      }
    }
    for (const message of messages) {
      if (message.id && ctx.handledMessages.has(message.id)) continue;
      needsTask = this.deps.updates.onMessage(run, message, task.completedEventId) || needsTask;
    }
    return needsTask;
  }
}

export function commandHandlers(deps: CommandDeps): CommandRegistry {
  return new CommandRegistry(deps);
}
