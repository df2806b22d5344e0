/**
 * Finding a headless Chromium for the browser tests. playwright-core drives the system's
 * Chromium (Debian's `chromium-headless-shell`, or `chromium`): no browser download.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const BROWSER_HELP =
  'install one with `sudo apt-get install chromium-headless-shell` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome executable';

/** The executable to drive, or undefined when this machine has none. */
export function chromiumPath(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return CANDIDATES.find((path) => existsSync(path));
}

/** In CI the browser tests must run: a missing browser fails them there, never skips them. */
export function browserRequired(env: Record<string, string | undefined> = process.env): boolean {
  return /^(1|true)$/i.test(env.CI ?? '');
}
