/**
 * The activity RPCs the services call: a worker's heartbeat, completion, failure and
 * cancellation (by task token, decoded in services/, or by workflow and activity id for async completion), the
 * operator API (activity-operator.ts) and a worker's task queue rate limit. What happens to an
 * activity is in activity-attempts.ts; its state in state/activity.ts.
 */
import type { temporal } from '@temporalio/proto';
import type { ActivityAttempts } from './activity-attempts';
import { ActivityOperator } from './activity-operator';
import type { Effects } from './effects';
import { notFound } from './errors';
import type { PendingActivity } from './state/activity';
import type { WorkflowRun } from './state/workflow-run';
import type { TaskToken } from './task-token';

type ByIdRequest = {
  namespace?: string | null;
  workflowId?: string | null;
  runId?: string | null;
  activityId?: string | null;
};

export class Activities {
  private readonly operator: ActivityOperator;

  constructor(
    private readonly effects: Effects,
    private readonly attempts: ActivityAttempts,
  ) {
    this.operator = new ActivityOperator(effects, attempts);
  }

  /** The started attempt a token names, or NOT_FOUND. */
  private byToken(token: TaskToken): { run: WorkflowRun; activity: PendingActivity } {
    if (token.kind !== 'activity') throw notFound('Task token is not an activity task token');
    const run = this.effects.runs.get(token.runId);
    const activity = run?.activities.get(token.scheduledEventId);
    if (
      !run ||
      !activity ||
      activity.attempt !== token.attempt ||
      activity.phase !== 'started' ||
      activity.stamp !== token.stamp
    ) {
      throw notFound('Activity task not found.');
    }
    return { run, activity };
  }

  /** The started activity a workflow and activity id name, or NOT_FOUND. */
  private byId(request: ByIdRequest): { run: WorkflowRun; activity: PendingActivity } {
    const run = this.effects.runs.find(request.namespace, {
      workflowId: request.workflowId ?? '',
      runId: request.runId ?? '',
    });
    for (const activity of run.activities.values()) {
      if (activity.activityId === (request.activityId ?? '') && activity.phase === 'started') return { run, activity };
    }
    throw notFound('Activity task not found.');
  }

  heartbeat(request: temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatRequest, token: TaskToken) {
    return this.attempts.recordHeartbeat(this.byToken(token).activity, request.details);
  }

  heartbeatById(request: temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatByIdRequest) {
    return this.attempts.recordHeartbeat(this.byId(request).activity, request.details);
  }

  completed(request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedRequest, token: TaskToken): object {
    const { run, activity } = this.byToken(token);
    this.attempts.complete(run, activity, request.result, request.identity, request.workerVersion);
    return {};
  }

  completedById(request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedByIdRequest): object {
    const { run, activity } = this.byId(request);
    this.attempts.complete(run, activity, request.result, request.identity);
    return {};
  }

  failedTask(request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedRequest, token: TaskToken): object {
    const { run, activity } = this.byToken(token);
    return this.failed(run, activity, request);
  }

  failedById(request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedByIdRequest): object {
    const { run, activity } = this.byId(request);
    return this.failed(run, activity, request);
  }

  private failed(
    run: WorkflowRun,
    activity: PendingActivity,
    request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedRequest,
  ): object {
    if (request.lastHeartbeatDetails) activity.heartbeatDetails = request.lastHeartbeatDetails;
    this.attempts.fail(
      run,
      activity,
      request.failure ?? { message: 'activity failed' },
      request.identity ?? '',
      request.workerVersion,
    );
    return { failures: [] };
  }

  canceledTask(request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledRequest, token: TaskToken): object {
    const { run, activity } = this.byToken(token);
    this.attempts.canceledByWorker(run, activity, request.details, request.identity ?? '');
    return {};
  }

  canceledById(request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledByIdRequest): object {
    const { run, activity } = this.byId(request);
    this.attempts.canceledByWorker(run, activity, request.details, request.identity ?? '');
    return {};
  }

  pauseActivity(request: temporal.api.workflowservice.v1.IPauseActivityRequest): object {
    this.operator.pause(request);
    return {};
  }

  unpauseActivity(request: temporal.api.workflowservice.v1.IUnpauseActivityRequest): object {
    this.operator.unpause(request);
    return {};
  }

  resetActivity(request: temporal.api.workflowservice.v1.IResetActivityRequest): object {
    this.operator.reset(request);
    return {};
  }

  /** Applies a worker's `maxTaskQueueActivitiesPerSecond` to the queue it polls. */
  applyRateLimit(namespace: string, taskQueue: string, maxTasksPerSecond: number | undefined): void {
    if (maxTasksPerSecond === undefined) return;
    this.effects.matching.activityQueue(namespace, taskQueue).maxTasksPerSecond = maxTasksPerSecond;
  }
}
