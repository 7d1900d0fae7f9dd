/**
 * Publishing figures alone, without the full bench's ingest: `npx tsx bench/publishing-at-scale.ts [posts]`
 * (default 10,000). A fresh profile with three accounts, a month of scheduled posts, then the
 * calendar month through the contract and the composer's per-keystroke check. `npm run bench`
 * measures the same on its generated workspace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measurePublishing } from './measure/publishing-figures';
import { BUDGETS, verdict } from './report/budgets';
import { openBenchCore } from './workspace/bench-core';

const posts = Number(process.argv[2] ?? 10_000);
const now = Date.UTC(2026, 11, 7, 12);
const dir = mkdtempSync(join(tmpdir(), 'parvis-publishing-scale-'));
const core = openBenchCore({ dataDir: dir, now: () => now });
try {
  for (const [i, network] of ['mastodon', 'bluesky', 'x'].entries()) {
    core.accounts.upsert({ network, serverUrl: `https://${network}.example`, remoteId: `acc${i}`, handle: `@brand${i}`, displayName: `Brand ${i}` });
  }
  const f = await measurePublishing(core, now, posts);
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`calendar month, ${f.calendarMonth.entries.toLocaleString('en-US')} of ${f.posts.toLocaleString('en-US')} posts: p50 ${ms(f.calendarMonth.latency.p50)} · p95 ${ms(f.calendarMonth.latency.p95)} (${verdict(f.calendarMonth.latency.p95, BUDGETS.calendarMonthP95Ms)} ≤ ${BUDGETS.calendarMonthP95Ms.limit} ms)`);
  console.log(`composer check, ${f.validation.targets} networks per keystroke: p50 ${ms(f.validation.latency.p50)} · p95 ${ms(f.validation.latency.p95)} (${verdict(f.validation.latency.p95, BUDGETS.composeCheckP95Ms)} ≤ ${BUDGETS.composeCheckP95Ms.limit} ms)`);
} finally {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}
