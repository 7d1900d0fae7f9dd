/**
 * `npm run bench`: generates a workspace of --size messages (default a million), measures the
 * store and the UI against the performance budgets, prints a table and saves the JSON result.
 * See bench/README.md.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from './bench';
import { parseBenchArgs, USAGE } from './cli-args';
import { formatTable, saveResult } from './report/results';
import { IngestTooSlowError } from './workspace/generate';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseBenchArgs(argv);
  if (!parsed.ok) {
    console.error(`bench: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const { args } = parsed;
  const { result, profileDir } = await runBench({
    size: args.size,
    seed: args.seed,
    ui: args.ui,
    reports: args.reports,
    buildUi: args.buildUi,
    keep: args.keep,
    rules: args.rules,
    maxIngestMs: args.maxIngestMinutes * 60_000,
    repoRoot,
    log: (line) => console.log(line),
  });
  const m = result.machine;
  console.log(`\nParvis bench — ${result.size.toLocaleString('en-US')} messages — ${m.cpu}, ${m.cores} cores, ${(m.ramBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.node}, SQLite ${m.sqlite}, load ${m.loadAverageAtStart.toFixed(1)} → ${result.loadAverageAtEnd.toFixed(1)}\n`);
  console.log(formatTable(result.figures));
  const path = saveResult(result, join(benchDir, 'results'), args.out ? resolve(args.out) : undefined);
  const missed = result.figures.filter((f) => f.verdict === 'NOT MET').length;
  console.log(`\n${missed === 0 ? 'Every budget met' : `${missed} budget(s) not met`}; finished in ${(result.durationMs / 1000).toFixed(0)} s. Saved ${path}`);
  if (profileDir) console.log(`Profile kept in ${profileDir}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof IngestTooSlowError) {
      console.error(`\nbench stopped: ${err.message}, over the --max-ingest-minutes limit.`);
      console.error('Nothing else can be measured on a partial workspace. Try a smaller --size, --rules off, or fix ingest.');
    } else {
      console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    process.exit(1);
  },
);
