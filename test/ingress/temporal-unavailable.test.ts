/**
 * A real Temporal client pointed at a port where nothing listens: the ingress must answer 503
 * (not hang, not 500) so the sender retries.
 */
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { onboardingEvent, percentEvent, startTestIngress } from './helpers';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ingress with Temporal down', () => {
  it('answers 503 with Retry-After to starts, signals and readiness', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
    const client = new Client({ connection });
    const ingress = await startTestIngress({ client, config: { temporalCallTimeoutMs: 1000 } });
    try {
      const start = await ingress.post('/onboarding-events', onboardingEvent());
      expect(start.status).toBe(503);
      expect(start.headers.get('retry-after')).toBe('5');
      const signal = await ingress.post('/profiles/profile-1/async-request', { asyncRequestId: 'r1' });
      expect(signal.status).toBe(503);
      expect((await ingress.postWebhook(percentEvent())).status).toBe(503);
      expect((await fetch(`${ingress.url}/readyz`)).status).toBe(503);
    } finally {
      await ingress.close();
      await connection.close();
    }
  });
});
