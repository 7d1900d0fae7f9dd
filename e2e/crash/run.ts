/**
 * `npx tsx e2e/crash/run.ts --runs 50 [--seed N]` (or `--full`, 50 kills): runs the crash harness
 * and prints its figures (kills survived, duplicates, losses, replies and posts published twice). Exits 1 when
 * anything was found.
 */
import { describeCrashReport, runCrashHarness } from './crash-harness';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const raw = index >= 0 ? process.argv[index + 1] : undefined;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} needs a positive whole number`);
    process.exit(2);
  }
  return value;
}

const runs = option('runs', process.argv.includes('--full') ? 50 : Number(process.env.CRASH_RUNS ?? 50));
const seed = option('seed', Number(process.env.CRASH_SEED ?? 20261124));
console.log(`Crash harness: ${runs} kills, seed ${seed}`);
const report = await runCrashHarness({ runs, seed, log: (line) => console.log(`  ${line}`) });
console.log(describeCrashReport(report).join('\n'));
const found =
  report.corruption.length + report.duplicates.length + report.losses.length + report.repliesPostedTwice.length +
  report.repliesNotDelivered.length + report.failures.length + report.postsLost.length + report.postsPublishedTwice.length;
process.exit(found === 0 && report.killsSurvived === report.killsRequested ? 0 : 1);
