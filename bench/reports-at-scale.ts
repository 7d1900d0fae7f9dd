/**
 * Report timings at scale, without the full bench's ingest: `npx tsx bench/reports-at-scale.ts [messages]`
 * (default 1,000,000). Fills a fresh profile with rows written straight into the app's schema
 * (10 accounts, ~N/20 authors, ~0.3·N conversations over a year, most of it recent, replies, a
 * third assigned, older ones done with their activity rows, some moderation), then times
 * `reports.get` through the contract for the periods a manager picks. The full bench
 * (`npm run bench`) measures the same cases on a workspace written through ingest.
 */
/* eslint-disable no-restricted-syntax -- a throwaway profile filled straight in SQL: ingest at a million messages takes too long on a shared machine, and these rows are never read by anything but the report queries timed here (no full-text index, no rules). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callCore } from './measure/call-core';
import { summarize, timeRuns } from './measure/latency';
import { openBenchCore } from './workspace/bench-core';
import { seededRandom } from '../e2e/demo/seeded-workspace';

const N = Number(process.argv[2] ?? 1_000_000);
const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 7, 12);
const dir = mkdtempSync(join(tmpdir(), 'parvis-reports-scale-'));
const core = openBenchCore({ dataDir: dir, now: () => now });
const db = core.db;
const rnd = seededRandom(7);

const t0 = performance.now();
const members = [core.workspace.members.list()[0]!, ...['Léa', 'Karim', 'Sophie', 'Hugo'].map((n) => core.workspace.members.create(n))];
const networks = ['youtube', 'youtube', 'instagram', 'mastodon', 'mastodon', 'bluesky', 'bluesky', 'facebook', 'reddit', 'discourse'];
const accounts = networks.map((network, i) => core.accounts.upsert({ network, serverUrl: `https://${network}.example/${i}`, remoteId: `acc${i}`, handle: `@brand${i}`, displayName: `Brand ${i}` }));
db.transaction(() => {
  const insAuthor = db.prepare('INSERT INTO authors (account_id, remote_id, handle, name) VALUES (?, ?, ?, ?)');
  const insConv = db.prepare(`INSERT INTO conversations (account_id, network, remote_id, kind, status, assignee_id, last_activity_at, created_at, message_count, author_id)
    VALUES (?, ?, ?, 'comment', ?, ?, ?, ?, ?, ?)`);
  const insMsg = db.prepare(`INSERT INTO messages (conversation_id, account_id, remote_id, author_id, direction, text, created_at, moderation) VALUES (?, ?, ?, ?, ?, '', ?, ?)`);
  const insAct = db.prepare(`INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, ?, ?, ?)`);
  const authorsPerAccount = Math.ceil(N / 20 / accounts.length);
  const authorIds: number[][] = accounts.map((a) => Array.from({ length: authorsPerAccount }, (_, k) => Number(insAuthor.run(a.id, `u${k}`, `@u${k}`, `User ${k}`).lastInsertRowid)));
  let written = 0;
  let conv = 0;
  while (written < N) {
    const ai = Math.floor(rnd() ** 1.5 * accounts.length);
    const acc = accounts[ai]!;
    const age = rnd() ** 2.2 * 365 * DAY;
    const first = now - age;
    const len = Math.min(N - written, rnd() < 0.4 ? 1 : 1 + Math.floor(rnd() ** 2 * 8));
    const author = authorIds[ai]![Math.floor(rnd() ** 3 * authorsPerAccount)]!;
    const older = age > 3 * DAY;
    const status = older && rnd() < 0.7 ? 'done' : 'open';
    const assignee = rnd() < 0.33 ? members[Math.floor(rnd() * members.length)]!.id : null;
    let at = first;
    const id = Number(insConv.run(acc.id, acc.network, `c${++conv}`, status, assignee, first, first, len, author).lastInsertRowid);
    for (let m = 0; m < len; m++) {
      const dir = m % 2 === 0 ? 'in' : 'out';
      insMsg.run(id, acc.id, `m${written}`, dir === 'in' ? author : null, dir, at, rnd() < 0.005 ? 'held' : 'visible');
      at += rnd() * 6 * 3600_000;
      written++;
    }
    if (status === 'done') insAct.run(Math.min(now, at + rnd() * DAY), members[0]!.name, id, 'status', '{"status":"done"}');
    if (rnd() < 0.01) insAct.run(first, 'rule: Netiquette', id, 'moderation', '{"action":"hold","origin":"rule: Netiquette","target":"","network":null,"outboxId":null}');
  }
  db.prepare('UPDATE conversations SET last_activity_at = (SELECT max(created_at) FROM messages WHERE conversation_id = conversations.id)').run();
})();
db.exec('ANALYZE');
console.log(`Filled ${N.toLocaleString('en-US')} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);

const cases: [string, Record<string, unknown>][] = [
  ['7 days', { since: now - 7 * DAY, until: now }],
  ['30 days', { since: now - 30 * DAY, until: now }],
  ['90 days by week', { since: now - 90 * DAY, until: now, bucket: 'week' }],
  ['365 days by week', { since: now - 365 * DAY, until: now, bucket: 'week' }],
  ['30 days, one network', { since: now - 30 * DAY, until: now, network: ['youtube'] }],
  ['30 days, one member', { since: now - 30 * DAY, until: now, memberId: members[1]!.id }],
];
for (const [name, query] of cases) {
  const samples = await timeRuns(() => callCore(core, 'reports.get', { timeZone: 'Europe/Paris', ...query } as never), { max: 15, min: 5 });
  const s = summarize(samples);
  const r = await callCore(core, 'reports.get', { timeZone: 'Europe/Paris', ...query } as never);
  console.log(`report ${name.padEnd(22)} p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  (${r.current.messagesIn.toLocaleString('en-US')} in, ${r.current.conversations.toLocaleString('en-US')} conversations)`);
}
await core.close();
rmSync(dir, { recursive: true, force: true });
