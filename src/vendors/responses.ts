/**
 * Helpers shared by the vendor clients: check a request before it leaves, read a 2xx body.
 * Problems name fields and zod's messages, never values (they may be an agent's personal data).
 */
import type { z } from 'zod';
import { FailureType } from '../failure-types';
import { parseJson, type VendorResponse } from './http';
import { VendorError, type VendorErrorData, type VendorName } from './vendor-error';

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');

/** Validates a request; a bad one fails here as a non-retryable `BadRequest` naming the fields. */
export function checkRequest<S extends z.ZodType>(
  vendor: VendorName,
  operation: string,
  schema: S,
  value: unknown,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new VendorError({
    vendor,
    operation,
    type: FailureType.BadRequest,
    retryable: false,
    meaning: `request not sent, it breaks the contract: ${describeIssues(result.error)}`,
    action: 'correct the named fields of the onboarding event and start a new check',
  });
}

/**
 * Reads a success body. Not JSON at all (a truncated body, a proxy's HTML page) may heal, so it is
 * retryable; JSON of the wrong shape means the API changed, which no retry fixes.
 */
export function readBody<S extends z.ZodType>(
  vendor: VendorName,
  operation: string,
  schema: S,
  res: VendorResponse,
): z.infer<S> {
  const json = parseJson(res.text);
  if (json === undefined) {
    throw new VendorError({
      vendor,
      operation,
      type: FailureType.VendorContractBroken,
      retryable: true,
      meaning: 'the success response is not JSON',
      httpStatus: res.status,
    });
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw new VendorError({
    vendor,
    operation,
    type: FailureType.VendorContractBroken,
    retryable: false,
    meaning: `the success response does not match the contract: ${describeIssues(result.error)}`,
    action: `compare the vendor's API docs with src/vendors/${vendor} and update the client`,
    httpStatus: res.status,
  });
}

export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/** What each vendor's error table says of an answer. */
export type ErrorTableRow = Pick<VendorErrorData, 'type' | 'retryable' | 'meaning' | 'action'>;

/**
 * The `VendorError` for an error answer, once the vendor's table gave its row. Only the status,
 * the vendor's code and `Retry-After` are kept: the body's free text may quote request data.
 */
export function errorAnswer(
  vendor: VendorName,
  operation: string,
  row: ErrorTableRow,
  res: VendorResponse,
  code: string | number | undefined,
): VendorError {
  const { type, retryable, meaning, action } = row;
  return new VendorError({
    vendor,
    operation,
    type,
    retryable,
    meaning,
    action,
    httpStatus: res.status,
    code,
    retryAfter: res.headers['retry-after'],
  });
}
