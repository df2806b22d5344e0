/**
 * `BGCHECK_ENV_FILE=<file>`: read settings from a private file (`npm run dev` writes its
 * per-run secrets to `.dev/secrets.env`), so tools get them without anyone printing or pasting
 * them. Opt-in by the variable, never a default file: a stray file cannot change where a
 * production tool points. Variables already set win.
 */
export function loadEnvFile(
  env: Record<string, string | undefined>,
  stderr: { write(text: string): unknown },
): boolean {
  const file = env.BGCHECK_ENV_FILE;
  if (!file) return true;
  try {
    process.loadEnvFile(file);
    return true;
  } catch (error) {
    stderr.write(
      `error: BGCHECK_ENV_FILE: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}\n`,
    );
    return false;
  }
}
