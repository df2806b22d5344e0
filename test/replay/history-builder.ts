/**
 * Builds workflow histories by hand, in the proto-JSON format `temporal workflow show --output json`
 * writes, so replay can be tested offline. Event ids, task references and timestamps follow
 * what a Temporal server records for the same commands.
 */
import type { Payload } from '@temporalio/common';

type JsonPayload = { metadata: Record<string, string>; data: string };
type JsonEvent = Record<string, unknown> & { eventId: string; eventType: string };

const TASK_QUEUE = { name: 'replay-test', kind: 'TASK_QUEUE_KIND_NORMAL' };

export function payloadJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

export class HistoryBuilder {
  private readonly events: JsonEvent[] = [];
  private clock = Date.parse('2026-01-05T09:00:00Z');
  private lastWorkflowTaskCompleted = 0;

  constructor(workflowType: string, input: Payload[]) {
    this.add('WORKFLOW_EXECUTION_STARTED', 'workflowExecutionStartedEventAttributes', {
      workflowType: { name: workflowType },
      taskQueue: TASK_QUEUE,
      input: { payloads: input.map(payloadJson) },
      workflowExecutionTimeout: '0s',
      workflowRunTimeout: '0s',
      workflowTaskTimeout: '10s',
      originalExecutionRunId: '7d3c0a4e-1f3b-4c1e-9a52-7f0c2b1e0001',
      firstExecutionRunId: '7d3c0a4e-1f3b-4c1e-9a52-7f0c2b1e0001',
      attempt: 1,
      identity: 'history-builder',
    });
  }

  /** A workflow task scheduled, started and completed. */
  workflowTask(): this {
    const scheduled = this.add('WORKFLOW_TASK_SCHEDULED', 'workflowTaskScheduledEventAttributes', {
      taskQueue: TASK_QUEUE,
      startToCloseTimeout: '10s',
      attempt: 1,
    });
    const started = this.add('WORKFLOW_TASK_STARTED', 'workflowTaskStartedEventAttributes', {
      scheduledEventId: scheduled,
      identity: 'history-builder',
      requestId: `request-${scheduled}`,
    });
    this.lastWorkflowTaskCompleted = Number(
      this.add('WORKFLOW_TASK_COMPLETED', 'workflowTaskCompletedEventAttributes', {
        scheduledEventId: scheduled,
        startedEventId: started,
        identity: 'history-builder',
      }),
    );
    return this;
  }

  /** An activity scheduled by the last workflow task, then started and completed with `result`. */
  activity(activityId: string, activityType: string, input: Payload[], result: Payload): this {
    const scheduled = this.add('ACTIVITY_TASK_SCHEDULED', 'activityTaskScheduledEventAttributes', {
      activityId,
      activityType: { name: activityType },
      taskQueue: TASK_QUEUE,
      input: { payloads: input.map(payloadJson) },
      scheduleToCloseTimeout: '0s',
      scheduleToStartTimeout: '0s',
      startToCloseTimeout: '60s',
      heartbeatTimeout: '0s',
      workflowTaskCompletedEventId: String(this.lastWorkflowTaskCompleted),
    });
    const started = this.add('ACTIVITY_TASK_STARTED', 'activityTaskStartedEventAttributes', {
      scheduledEventId: scheduled,
      identity: 'history-builder',
      requestId: `request-${scheduled}`,
      attempt: 1,
    });
    this.add('ACTIVITY_TASK_COMPLETED', 'activityTaskCompletedEventAttributes', {
      result: { payloads: [payloadJson(result)] },
      scheduledEventId: scheduled,
      startedEventId: started,
      identity: 'history-builder',
    });
    return this;
  }

  /** A timer started by the last workflow task, then fired. */
  timer(timerId: string, seconds: number): this {
    const started = this.add('TIMER_STARTED', 'timerStartedEventAttributes', {
      timerId,
      startToFireTimeout: `${seconds}s`,
      workflowTaskCompletedEventId: String(this.lastWorkflowTaskCompleted),
    });
    this.clock += seconds * 1000;
    this.add('TIMER_FIRED', 'timerFiredEventAttributes', { timerId, startedEventId: started });
    return this;
  }

  /** The marker `patched(patchId)` records when it first runs. */
  patchMarker(patchId: string): this {
    const details = { id: patchId, deprecated: false };
    this.add('MARKER_RECORDED', 'markerRecordedEventAttributes', {
      markerName: 'core_patch',
      details: {
        'patch-data': {
          payloads: [
            {
              metadata: { encoding: Buffer.from('json/plain').toString('base64') },
              data: Buffer.from(JSON.stringify(details)).toString('base64'),
            },
          ],
        },
      },
      workflowTaskCompletedEventId: String(this.lastWorkflowTaskCompleted),
    });
    return this;
  }

  completed(result: Payload): this {
    this.add('WORKFLOW_EXECUTION_COMPLETED', 'workflowExecutionCompletedEventAttributes', {
      result: { payloads: [payloadJson(result)] },
      workflowTaskCompletedEventId: String(this.lastWorkflowTaskCompleted),
    });
    return this;
  }

  /** `{ events: [...] }`, as the Temporal CLI writes it. */
  toJSON(): { events: JsonEvent[] } {
    return { events: this.events.map((e) => ({ ...e })) };
  }

  private add(type: string, attributesKey: string, attributes: Record<string, unknown>): string {
    const eventId = String(this.events.length + 1);
    this.clock += 10;
    this.events.push({
      eventId,
      eventTime: new Date(this.clock).toISOString(),
      eventType: `EVENT_TYPE_${type}`,
      taskId: String(1048576 + this.events.length),
      [attributesKey]: attributes,
    });
    return eventId;
  }
}
