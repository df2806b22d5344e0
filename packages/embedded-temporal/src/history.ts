/** A run's history as GetWorkflowExecutionHistory(Reverse) answers it: full or paged, and long-polled for new events or the close event. */
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import { invalidArgument } from './errors';
import type { WorkflowRun } from './state/workflow-run';

const { HistoryEventFilterType } = enums;

export async function readHistory(
  run: WorkflowRun,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
  answerBy: number,
): Promise<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse> {
  const wait = request.waitNewEvent === true;
  if (request.historyEventFilterType === HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT) {
    if (run.isOpen && wait) await waitFor(run, () => !run.isOpen, answerBy);
    if (run.isOpen) return { history: { events: [] }, nextPageToken: Buffer.from('close') };
    return { history: { events: [run.events[run.events.length - 1]] } };
  }
  let offset = 0;
  const token = request.nextPageToken ? Buffer.from(request.nextPageToken).toString('utf8') : '';
  if (token) {
    offset = Number(token);
    if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('Invalid next page token');
  }
  if (wait && run.isOpen && offset >= run.events.length) {
    await waitFor(run, () => run.events.length > offset || !run.isOpen, answerBy);
  }
  const pageSize = request.maximumPageSize && request.maximumPageSize > 0 ? request.maximumPageSize : Infinity;
  const events = run.events.slice(offset, offset + pageSize);
  const next = offset + events.length;
  const more = next < run.events.length || (wait && run.isOpen);
  return { history: { events }, nextPageToken: more ? Buffer.from(String(next)) : Buffer.alloc(0) };
}

/** Newest event first, paged; the token counts the older events still to return. */
export function readHistoryReverse(
  run: WorkflowRun,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseRequest,
): temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse {
  let end = run.events.length;
  const token = request.nextPageToken ? Buffer.from(request.nextPageToken).toString('utf8') : '';
  if (token) {
    end = Number(token);
    if (!Number.isInteger(end) || end <= 0 || end > run.events.length) throw invalidArgument('Invalid next page token');
  }
  const pageSize = request.maximumPageSize && request.maximumPageSize > 0 ? request.maximumPageSize : end;
  const start = Math.max(0, end - pageSize);
  const events = run.events.slice(start, end).reverse();
  return { history: { events }, nextPageToken: start > 0 ? Buffer.from(String(start)) : Buffer.alloc(0) };
}

/** Resolves when `done()` holds after an event on the run, or at `answerBy` (wall clock). */
function waitFor(run: WorkflowRun, done: () => boolean, answerBy: number): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, Math.max(0, answerBy - Date.now()));
    const unsubscribe = run.subscribe(() => {
      if (done()) finish();
    });
  });
}
