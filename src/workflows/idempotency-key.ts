/**
 * The Percent `Idempotency-Key` of a check. It comes from the check's identity, never from an
 * attempt: the workflow ID plus the run ID of the chain's first execution, which survives
 * activity retries, worker restarts, workflow retries and continue-as-new. A check started
 * again after the previous one closed is a new chain, hence a new key and a new verification.
 */
export const idempotencyKeyFor = (workflowId: string, firstExecutionRunId: string): string =>
  `${workflowId}/${firstExecutionRunId}`;
