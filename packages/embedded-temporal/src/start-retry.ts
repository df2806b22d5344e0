/**
 * The SDK gives a launched server a fixed 5 s to accept connections, then kills it. The embedded
 * service needs ~0.3 s, but on a starved machine (a load average several times the core count)
 * Node's start-up alone can miss that deadline, so a start that timed out is tried again.
 */
const STARTUP_TIMEOUT = /did not start within/;

export async function retryServerStart<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !STARTUP_TIMEOUT.test(String((err as Error)?.message))) throw err;
    }
  }
}
