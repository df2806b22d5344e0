/** HTTP helpers of the ingress: its 400 body; the rest is the shared set-up in `src/http/`. */
import { HttpError } from '../http';
import type { FieldProblem } from '../onboarding-event';

// listen/close are shared; re-exported here for the dev stack, benches and tests that start an ingress.
export { closeServer, listen } from '../http';

/** 400 listing every invalid field of the request at once. */
export const invalidRequest = (problems: FieldProblem[]) =>
  new HttpError(400, 'invalid_request', 'the request has invalid fields', { problems });
