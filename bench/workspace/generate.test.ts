import { afterEach, describe, expect, it } from 'vitest';
import { makeCore } from '../../electron/core/testing/core-fixture';
import { BENCH_ACCOUNTS } from './accounts';
import { generateWorkspace, RARE_TERM } from './generate';
import { applyTriage } from './triage';

const NOW = 1_790_000_000_000;
const cores: ReturnType<typeof makeCore>[] = [];
function core() {
  const c = makeCore();
  cores.push(c);
  return c;
}
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
});

describe('generateWorkspace', () => {
  it('writes exactly N messages through ingest, in pages with cursors, in ~0.3·N conversations', async () => {
    const c = core();
    const ws = await generateWorkspace(c, { messages: 5000, now: NOW, seed: 11 });
    const count = (sql: string) => (c.db.prepare(sql).get() as { n: number }).n;
    expect(ws.messages).toBe(5000);
    expect(count('SELECT count(*) AS n FROM messages')).toBe(5000);
    expect(count('SELECT count(*) AS n FROM conversations')).toBe(ws.conversations);
    expect(ws.conversations).toBeGreaterThan(5000 * 0.22);
    expect(ws.conversations).toBeLessThan(5000 * 0.38);
    expect(ws.pages).toBeGreaterThanOrEqual(25);
    expect(ws.accounts.reduce((n, a) => n + a.messages, 0)).toBe(5000);
    const accounts = c.accounts.listStored();
    expect(accounts).toHaveLength(BENCH_ACCOUNTS.length);
    for (const a of accounts) expect(JSON.parse(a.cursor!)).toHaveProperty('since');
    expect(ws.newestAt).toBeLessThan(NOW);
    expect(ws.oldestAt).toBeGreaterThan(NOW - 366 * 24 * 3600_000);
  });

  it('makes one long thread, and plants the rare term where search finds it', async () => {
    const c = core();
    const ws = await generateWorkspace(c, { messages: 5000, now: NOW, seed: 11 });
    expect(ws.longestThread.messages).toBe(500);
    const thread = c.db
      .prepare<[number, string], { message_count: number }>('SELECT message_count FROM conversations WHERE account_id = ? AND remote_id = ?')
      .get(ws.longestThread.accountId, ws.longestThread.remoteId);
    expect(thread?.message_count).toBe(500);
    expect(ws.rareTerm).toEqual({ term: RARE_TERM, messages: 5 });
    const hits = c.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(RARE_TERM)!;
    expect(hits.n).toBe(5);
    const page = await c.handlers['inbox.list']({ filter: { query: RARE_TERM }, limit: 50 });
    expect(page.items.length).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', async () => {
    const shape = async (seed: number) => {
      const c = core();
      await generateWorkspace(c, { messages: 2000, now: NOW, seed });
      return c.db.prepare('SELECT remote_id, text FROM messages ORDER BY id LIMIT 20').all();
    };
    expect(await shape(5)).toEqual(await shape(5));
    expect(await shape(5)).not.toEqual(await shape(6));
  });
});

describe('applyTriage', () => {
  it('leaves statuses, tags, members and assignees as a team would', async () => {
    const c = core();
    const ws = await generateWorkspace(c, { messages: 5000, now: NOW, seed: 11 });
    const triage = await applyTriage(c, NOW);
    expect(triage.tags).toHaveLength(10);
    expect(triage.members).toHaveLength(5);
    expect(triage.me.isMe).toBe(true);
    expect(Object.values(triage.statuses).reduce((a, b) => a + b, 0)).toBe(ws.conversations);
    expect(triage.statuses.done).toBeGreaterThan(triage.statuses.open ?? 0);
    const count = (sql: string) => (c.db.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT count(*) AS n FROM conversations WHERE assignee_id IS NOT NULL')).toBeGreaterThan(ws.conversations * 0.25);
    expect(count('SELECT count(DISTINCT conversation_id) AS n FROM conversation_tags')).toBeGreaterThan(ws.conversations * 0.2);
  });
});
