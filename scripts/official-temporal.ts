/**
 * Where Temporal's official binaries are: the CLI (`temporal server start-dev`, the official dev
 * server) and the time-skipping test server. `scripts/install-official-temporal.sh` is the one
 * place their versions are pinned; this asks it (it installs them into the project cache on the
 * first call, and answers from the cache afterwards without touching the network).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const INSTALL_OFFICIAL_TEMPORAL = path.resolve(__dirname, 'install-official-temporal.sh');

export interface OfficialTemporal {
  /** The Temporal CLI; `temporal server start-dev` is the official dev server. */
  cli: string;
  /** The time-skipping test server (`temporal-test-server <port>`). */
  testServer: string;
}

let cached: OfficialTemporal | undefined;

export function officialTemporal(): OfficialTemporal {
  if (cached) return cached;
  let out: string;
  try {
    out = execFileSync('bash', [INSTALL_OFFICIAL_TEMPORAL], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`the official Temporal servers are not available: ${stderr || String(error)}`);
  }
  const [cli, testServer] = out.trim().split('\n');
  if (!cli || !testServer) throw new Error(`install-official-temporal.sh printed no paths: ${JSON.stringify(out)}`);
  cached = { cli, testServer };
  return cached;
}
