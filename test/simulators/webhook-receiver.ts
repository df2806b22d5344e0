/** A local HTTP receiver for Percent webhooks: records each delivery and wakes waiters. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Resolves with the first `count` deliveries once they have arrived. */
  waitFor(count: number): Promise<Delivery[]>;
  /** Status to answer (default 200). */
  answer: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const waiters: { count: number; resolve: (d: Delivery[]) => void }[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    deliveries,
    answer: 200,
    waitFor: (count) =>
      deliveries.length >= count
        ? Promise.resolve(deliveries.slice(0, count))
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.answer).end();
      for (const waiter of [...waiters]) {
        if (deliveries.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(deliveries.slice(0, waiter.count));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/percent`;
  return receiver;
}
