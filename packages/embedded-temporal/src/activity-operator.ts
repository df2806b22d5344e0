/**
 * The operator API on a run's activities: PauseActivity (by id or type; a paused activity runs
 * no new attempt), UnpauseActivity (the next attempt after an optional jitter) and ResetActivity
 * (attempts count from 1 again; a started attempt is told by its heartbeats and the reset
 * applies when it ends).
 */
import type { temporal } from '@temporalio/proto';
import type { ActivityAttempts } from './activity-attempts';
import type { Effects } from './effects';
import { invalidArgument, notFound } from './errors';
import type { PendingActivity } from './state/activity';
import { durationMs } from './time';

interface OperatorRequest {
  namespace?: string | null;
  execution?: temporal.api.common.v1.IWorkflowExecution | null;
  id?: string | null;
  type?: string | null;
}

export class ActivityOperator {
  constructor(
    private readonly effects: Effects,
    private readonly attempts: ActivityAttempts,
  ) {}

  pause(request: temporal.api.workflowservice.v1.IPauseActivityRequest): void {
    for (const activity of this.targets(request, request.type ? 'type' : 'id')) {
      if (activity.pause) continue;
      activity.pause = {
        time: this.effects.clock.now(),
        identity: request.identity ?? '',
        reason: request.reason ?? '',
      };
      // A started attempt learns it from its next heartbeat; a waiting one just stops waiting.
      if (activity.phase === 'scheduled' || activity.phase === 'backoff') this.attempts.park(activity);
    }
  }

  unpause(request: temporal.api.workflowservice.v1.IUnpauseActivityRequest): void {
    const by = request.type ? 'type' : request.unpauseAll ? 'all' : 'id';
    for (const activity of this.targets(request, by)) {
      if (!activity.pause) continue;
      activity.pause = undefined;
      if (activity.phase !== 'paused') continue;
      if (request.resetAttempts) activity.attempt = 1;
      if (request.resetHeartbeat) activity.heartbeatDetails = null;
      this.attempts.dispatchAfterJitter(activity, durationMs(request.jitter));
    }
  }

  reset(request: temporal.api.workflowservice.v1.IResetActivityRequest): void {
    const by = request.type ? 'type' : request.matchAll ? 'all' : 'id';
    const resetHeartbeat = request.resetHeartbeat ?? false;
    const keepPaused = request.keepPaused ?? false;
    for (const activity of this.targets(request, by)) {
      if (activity.phase === 'started') {
        activity.pendingReset = { resetHeartbeat, keepPaused };
        continue;
      }
      activity.attempt = 1;
      if (resetHeartbeat) activity.heartbeatDetails = null;
      if (!keepPaused) activity.pause = undefined;
      if (activity.pause) {
        this.attempts.park(activity);
        continue;
      }
      this.attempts.dispatchAfterJitter(activity, durationMs(request.jitter));
    }
  }

  /** The run's pending activities an operator request names (NOT_FOUND if none). */
  private targets(request: OperatorRequest, by: 'id' | 'type' | 'all'): PendingActivity[] {
    if (!request.execution?.workflowId) throw invalidArgument('Execution is not set on request.');
    if (by === 'id' && !request.id) throw invalidArgument('Either activity id or activity type must be provided.');
    if (by === 'type' && !request.type) throw invalidArgument('Either activity id or activity type must be provided.');
    const run = this.effects.runs.find(request.namespace, request.execution);
    if (!run.isOpen) throw notFound('Workflow execution already completed.');
    const matched = [...run.activities.values()].filter((a) =>
      by === 'all' ? true : by === 'id' ? a.activityId === request.id : a.activityType === request.type,
    );
    if (by === 'id' && matched.length === 0) throw notFound(`Activity id ${request.id} is not found.`);
    return matched;
  }
}
