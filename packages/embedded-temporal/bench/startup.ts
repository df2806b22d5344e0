/**
 * Start-up time of `bin/embedded-temporal`: from launch (as the SDK launches it) to the first
 * answered `GetSystemInfo`, in both modes. The SDK waits 5 s; the target is 2 s.
 * `npx tsx bench/startup.ts [launches=5]`. Prints figures only.
 */
import { launch, MODES, stop } from './launch';

async function main() {
  const launches = Number(process.argv[2] ?? 5);
  for (const [mode, args] of Object.entries(MODES)) {
    const times: number[] = [];
    for (let i = 0; i < launches; i++) {
      const service = await launch(args);
      times.push(service.startMs);
      await stop(service.process);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `${mode}: time to first RPC ${times.map((t) => t.toFixed(0)).join(', ')} ms ` +
        `(median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms)`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
