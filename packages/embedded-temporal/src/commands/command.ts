/**
 * One handler per workflow command: `validate` checks it before any command of the completion
 * is applied (so a bad command fails the workflow task as a whole, with the server's cause,
 * instead of leaving half a completion in the history); `apply` writes its event(s) and hands it
 * to the area that carries it on. The registry is index.ts; workflow-tasks.ts only orders them.
 */
import type { temporal } from '@temporalio/proto';
import type { ActivityAttempts } from '../activity-attempts';
import type { Children } from '../children';
import type { Effects } from '../effects';
import { RpcError } from '../errors';
import type { ExternalWorkflows } from '../external-workflows';
import type { RunLifecycle } from '../run-lifecycle';
import type { WorkflowRun } from '../state/workflow-run';
import type { Timers } from '../timers';
import type { ActivityTaskResponse, Command, ProtocolMessage } from '../types';
import type { Updates } from '../updates';

export type Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
export type CommandType = temporal.api.enums.v1.CommandType;

export interface CommandProblem {
  cause: Cause;
  message: string;
  /** The server terminates the run rather than retrying the task (an oversized input). */
  terminate?: boolean;
}

/** The areas commands hand their work to. */
export interface CommandDeps {
  effects: Effects;
  activities: ActivityAttempts;
  timers: Timers;
  lifecycle: RunLifecycle;
  children: Children;
  external: ExternalWorkflows;
  updates: Updates;
}

/** What validation sees: the run, and what earlier commands of the same completion did. */
export interface ValidationScope {
  effects: Effects;
  run: WorkflowRun;
  /** Timer ids started, and cancelled, by earlier commands of this completion. */
  timersStarted: Set<string>;
  timersCancelled: Set<string>;
  /** Ids of the protocol messages sent with the completion. */
  messageIds: Set<string>;
}

export interface ApplyContext {
  deps: CommandDeps;
  run: WorkflowRun;
  /** Id of the WorkflowTaskCompleted the command's events point back to. */
  completedEventId: number;
  identity: string;
  /** Activities started eagerly, handed back in the completion's response. */
  eagerActivities: ActivityTaskResponse[];
  messagesById: Map<string, ProtocolMessage>;
  /** Protocol messages a command has handled (the rest are handled after the commands). */
  handledMessages: Set<string>;
}

export interface CommandHandler {
  readonly type: CommandType;
  /** Closes the run: it must be the completion's last command. */
  readonly closesRun?: boolean;
  validate(command: Command, scope: ValidationScope): CommandProblem | undefined;
  /** Applies a valid command; returns whether the workflow needs a new task for what it did. */
  apply(command: Command, ctx: ApplyContext): boolean;
}

/** A problem from an INVALID_ARGUMENT a shared check throws (search attributes, namespaces). */
export function problemFrom(check: () => unknown, cause: Cause): CommandProblem | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof RpcError) return { cause, message: err.message };
    throw err;
  }
}
