import { request as httpRequest } from 'node:http';

export interface ChunkedBody {
  /** How many filler bytes to send between `prefix` and `suffix`. */
  bytes: number;
  headers?: Record<string, string>;
  /** Written before the filler, e.g. the start of a JSON string. */
  prefix?: string;
  suffix?: string;
}

/**
 * POSTs a body chunked (no Content-Length, so a limit must hold while reading) and resolves with
 * the status. The server may answer 413 and close before the whole body is written: that is the
 * point, so a broken pipe or reset while writing is not an error.
 */
export function postChunked(url: string, { bytes, headers = {}, prefix = '', suffix = '' }: ChunkedBody) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error),
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    req.write(prefix);
    let sent = 0;
    const writeMore = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      req.end(suffix);
    };
    req.on('close', () => (sent = bytes));
    writeMore();
  });
}
