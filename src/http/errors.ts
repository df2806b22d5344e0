/** The error type of the app's HTTP services, and what Fastify's own errors become. */
import type { FastifyError } from 'fastify';

/** An answer other than 2xx: status, a stable code, a message safe to show, extra headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Fixed messages for Fastify's own errors: theirs may quote the body or the path. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'expected Content-Type: application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    message: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the request body is empty' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', message: 'the request path has a malformed percent-encoding' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'a path segment is too long' },
};

/**
 * The answer to a client error Fastify (or JSON parsing) raised, with our own message; undefined
 * for anything else, which the caller treats as an internal error.
 */
export function clientErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const code = (error as FastifyError).code;
  const known = code ? FRAMEWORK_ERRORS[code] : undefined;
  if (known) return new HttpError(known.status, known.code, known.message);
  const status = (error as FastifyError).statusCode;
  if (error instanceof SyntaxError || (code === 'FST_ERR_CTP_INVALID_JSON_BODY' && status === 400)) {
    return new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // Another client error Fastify found (e.g. a forbidden `__proto__` key): its status, our body.
    return new HttpError(status, 'bad_request', 'the request cannot be processed');
  }
  return undefined;
}
