/**
 * What a vendor client throws: plain data describing the failure (which vendor, HTTP status,
 * vendor code, failure class, whether it can heal, what a person must fix). Activities turn it
 * into a Temporal `ApplicationFailure` in `failure.ts`; the clients stay free of Temporal.
 *
 * Nothing here carries a request body, a header or a vendor's free-text message: those may hold
 * an agent's personal data or a credential.
 */
import type { FailureType } from '../failure-types';

export type VendorName = 'percent' | 'attestr';

export const VENDOR_LABEL: Record<VendorName, string> = { percent: 'Percent', attestr: 'Attestr' };

export interface VendorErrorData {
  vendor: VendorName;
  type: FailureType;
  /** False when retrying cannot help and a person must act. */
  retryable: boolean;
  /** One line: what happened, in our words (never the vendor's free text). */
  meaning: string;
  /** For non-retryable failures: what a person must fix. */
  action?: string;
  /** The call, e.g. `POST /v1/agent-verifications` (paths carry ids only). */
  operation: string;
  httpStatus?: number;
  /** The vendor's error code (`40018`, `idempotency/same_key_different_data`). */
  code?: string | number;
  /** Raw `Retry-After` header, when the vendor sent one. */
  retryAfter?: string;
  /** Network-level cause (`UND_ERR_CONNECT_TIMEOUT`, `ECONNRESET`...). */
  networkCode?: string;
}

export class VendorError extends Error {
  readonly data: VendorErrorData;

  constructor(data: VendorErrorData) {
    const where =
      data.httpStatus === undefined
        ? ''
        : ` (HTTP ${data.httpStatus}${data.code === undefined ? '' : `, code ${data.code}`})`;
    super(`${VENDOR_LABEL[data.vendor]} ${data.operation}: ${data.meaning}${where}`);
    this.name = 'VendorError';
    this.data = data;
  }
}
