/** Attestr's error table for the factx calls (from the associate seed page), as data. */
import { json, type SimResponse } from './http-io';

export const attestrErrors: Readonly<Record<number, { status: number; message: string }>> = {
  4001: { status: 400, message: 'Malformed data or missing required parameter values' },
  4003: { status: 400, message: 'Request ID is invalid' },
  4005: { status: 400, message: 'Operation could not be performed due to low credits balance' },
  40018: { status: 400, message: 'Invalid profile Id or you do not have access to this record' },
  40038: { status: 400, message: 'Profile is archived already, operation not allowed' },
  40039: { status: 400, message: 'Async request type {type} can not be associated to the background check profile' },
  4016: { status: 401, message: 'Invalid client authorization' },
  4031: { status: 403, message: 'Unauthorized access' },
  4035: { status: 403, message: 'Requested service is not provisioned for your account' },
  4039: { status: 403, message: "Client's IP address is not whitelisted" },
  4291: { status: 429, message: 'Maximum account rate limit exceeded' },
  4292: { status: 429, message: 'Maximum API rate limit exceeded' },
  4293: { status: 429, message: 'Maximum account daily limit exceeded' },
  4294: { status: 429, message: 'Maximum API daily limit exceeded' },
  5001: { status: 500, message: 'Request could not be processed' },
};

export function isAttestrErrorCode(code: number): boolean {
  return Object.prototype.hasOwnProperty.call(attestrErrors, code);
}

/** `{ code, message, details? }` with the HTTP status from the table. */
export function attestrError(
  code: number,
  options: { details?: string; type?: string; retryAfter?: string } = {},
): SimResponse {
  const entry = attestrErrors[code];
  if (!entry) throw new Error(`unknown Attestr error code ${code}`);
  const message = options.type === undefined ? entry.message : entry.message.replace('{type}', options.type);
  const body: { code: number; message: string; details?: string } = { code, message };
  if (options.details !== undefined) body.details = options.details;
  return json(entry.status, body, options.retryAfter === undefined ? undefined : { 'retry-after': options.retryAfter });
}
