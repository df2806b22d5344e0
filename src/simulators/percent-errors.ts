/** Percent's error envelope `{ error: { code, title, message, reasons? } }`; 401 is empty text/plain. */
import { empty, json, type SimResponse } from './http-io';

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Rate Limited',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function percentError(
  status: number,
  code: string,
  options: { message?: string; reasons?: string[]; retryAfter?: string } = {},
): SimResponse {
  const headers = options.retryAfter === undefined ? undefined : { 'retry-after': options.retryAfter };
  if (status === 401) {
    const response = empty(401);
    return headers ? { ...response, headers: { ...response.headers, ...headers } } : response;
  }
  const title = titles[status] ?? 'Error';
  const error: { code: string; title: string; message: string; reasons?: string[] } = {
    code,
    title,
    message: options.message ?? title,
  };
  if (options.reasons !== undefined) error.reasons = options.reasons;
  return json(status, { error }, headers);
}
