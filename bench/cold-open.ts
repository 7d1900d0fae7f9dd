/**
 * Cold start on a kept profile (`npm run bench -- --keep` prints its path), step by step:
 * `npx tsx bench/cold-open.ts <profile> [runs]`. The OS page cache of the database is evicted
 * before each run, as after a reboot; the database is migrated first if it is older than the code.
 */
import { loadavg } from 'node:os';
import { openDatabase } from '../electron/core/db/connection';
import { databaseFiles, measureColdOpen } from './measure/storage-figures';

const [dir, runsArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: npx tsx bench/cold-open.ts <profile dir> [runs]');
  process.exit(2);
}
const t0 = performance.now();
openDatabase(databaseFiles(dir).db).close();
console.log(`open and migrate (warm-up): ${(performance.now() - t0).toFixed(0)} ms; load average ${loadavg()[0]?.toFixed(2)}`);
for (let i = 0; i < Number(runsArg ?? 3); i++) {
  const open = await measureColdOpen(dir);
  const steps = (open.coldSteps ?? []).map((s) => `${s.step} ${s.ms.toFixed(0)} ms${s.diskBytes === null ? '' : ` (${(s.diskBytes / 1e6).toFixed(1)} MB)`}`).join(' · ');
  console.log(`cold ${open.coldMs?.toFixed(0) ?? open.coldUnavailable} ms, warm ${open.warmMs.toFixed(0)} ms | ${steps}`);
}
