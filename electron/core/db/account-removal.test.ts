/**
 * Removing a large account never stops the core (issue 20): what it holds goes a slice at a time,
 * other calls are answered in between, the kept counts stay equal to a recount after every slice,
 * the other accounts keep everything, nothing queued for it is sent, and a removal cut by a crash
 * goes on at the next start.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../settings/settings-store';
import { createCore } from '../app';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { createAccountRemoval, removeInSlices } from './account-removal';
import { runMigrations } from './migrate';
import { MIGRATIONS } from './migrations';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

/** `threads` conversations of `per` messages each, plus one long thread of `long` messages. */
function fill(c: typeof core, accountId: number, tag: string, threads: number, per: number, long: number) {
  const items = [];
  for (let t = 0; t < threads; t++) for (let m = 0; m < per; m++) items.push(item({ remoteId: `${tag}-${t}-${m}`, threadRemoteId: `${tag}-t${t}`, author: { remoteId: `${tag}-a${t % 40}`, handle: `@p${t % 40}`, name: `P ${t % 40}` } }));
  for (let m = 0; m < long; m++) items.push(item({ remoteId: `${tag}-long-${m}`, threadRemoteId: `${tag}-long` }));
  for (let i = 0; i < items.length; i += 200) c.ingest(accountId, { items: items.slice(i, i + 200), cursor: null });
}

const count = (c: typeof core, sql: string, ...params: unknown[]) => c.db.prepare(sql).pluck().get(...params) as number;

/** Every kept count cell equals a recount of the conversations (issue 20's kept counts). */
function expectCountsKept(c: typeof core, when: string) {
  const kept = c.db.prepare('SELECT tag_id, account_id, status, held, unread, assignee_id, network, n FROM conversation_counts WHERE n <> 0').all();
  const recounted = c.db
    .prepare(`
      SELECT 0 AS tag_id, account_id, status, held, unread, coalesce(assignee_id, 0) AS assignee_id, network, count(*) AS n
      FROM conversations GROUP BY 1, 2, 3, 4, 5, 6
      UNION ALL
      SELECT ct.tag_id, c.account_id, c.status, c.held, c.unread, coalesce(c.assignee_id, 0), c.network, count(*)
      FROM conversation_tags ct JOIN conversations c ON c.id = ct.conversation_id GROUP BY 1, 2, 3, 4, 5, 6`)
    .all();
  const key = (r: unknown) => JSON.stringify(r);
  expect(kept.map(key).sort(), when).toEqual(recounted.map(key).sort());
}

describe('removing an account', () => {
  it('goes a slice at a time: counts stay true after each slice, the other account keeps everything, a long thread is cut too', () => {
    core = makeCore();
    const gone = addAccount(core, 'mastodon');
    const kept = addAccount(core, 'bluesky');
    fill(core, gone.id, 'g', 120, 5, 900);
    fill(core, kept.id, 'k', 30, 3, 0);
    const tag = core.handlers['tags.create']({ name: 'vip', color: '#000001' }) as { id: number };
    const someConversations = core.db.prepare('SELECT id FROM conversations WHERE account_id = ? LIMIT 50').pluck().all(gone.id) as number[];
    core.handlers['conversation.tag']({ conversationIds: someConversations, tagId: tag.id });
    const keptBefore = count(core, 'SELECT count(*) FROM messages WHERE account_id = ?', kept.id);

    const removal = createAccountRemoval(core.db);
    expect(removal.begin(gone.id)).toBe(true);
    let slices = 0;
    const budget = { messages: 100, authors: 15 };
    let largest = 0;
    for (;;) {
      const before = count(core, 'SELECT count(*) FROM messages WHERE account_id = ?', gone.id);
      const outcome = removal.slice(gone.id, budget);
      slices += 1;
      largest = Math.max(largest, before - count(core, 'SELECT count(*) FROM messages WHERE account_id = ?', gone.id));
      expectCountsKept(core, `after slice ${slices}`);
      if (outcome === 'done') break;
    }
    // 1,500 messages and 41 authors at 100 messages and 15 authors a slice: many slices, none larger than its budget.
    expect(slices).toBeGreaterThan(15);
    expect(largest).toBeLessThanOrEqual(100);
    expect(core.accounts.get(gone.id)).toBeNull();
    for (const table of ['conversations', 'messages', 'authors']) expect(count(core, `SELECT count(*) FROM ${table} WHERE account_id = ?`, gone.id), table).toBe(0);
    expect(count(core, 'SELECT count(*) FROM messages WHERE account_id = ?', kept.id)).toBe(keptBefore);
    expect(count(core, 'SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?', 'cassée')).toBe(keptBefore);
  });

  it('answers other calls while it goes on, and sends nothing that was queued for the account', async () => {
    core = makeCore();
    const gone = addAccount(core, 'mastodon');
    const kept = addAccount(core, 'bluesky');
    fill(core, gone.id, 'g', 400, 5, 0);
    fill(core, kept.id, 'k', 10, 1, 0);
    const conversationId = count(core, 'SELECT id FROM conversations WHERE account_id = ? LIMIT 1', gone.id);
    core.outbox.enqueueReply(conversationId, 'Merci, nous regardons');
    expect(count(core, 'SELECT count(*) FROM outbox WHERE account_id = ?', gone.id)).toBe(1);

    const order: string[] = [];
    // What the renderer reads when it is first told: the account is paused and marked at once,
    // and its reply will never leave.
    let first: { listed: { id: number; state: string; removing?: boolean }[]; queued: number } | null = null;
    core.onEvent((event, payload) => {
      if (first || event !== 'inbox.changed' || (payload as { reason: string }).reason !== 'account') return;
      first = { listed: core.handlers['accounts.list']({}) as never, queued: count(core, 'SELECT count(*) FROM outbox WHERE account_id = ?', gone.id) };
    });
    const removing = Promise.resolve(core.handlers['accounts.remove']({ accountId: gone.id })).then(() => order.push('removed'));
    await expect.poll(() => first).not.toBeNull();
    expect(first!.listed.find((a) => a.id === gone.id)).toMatchObject({ state: 'paused', removing: true });
    expect(first!.queued).toBe(0);
    // Other calls are answered while the removal is under way, not after it.
    await new Promise((resolve) => setImmediate(resolve));
    const during = core.handlers['inbox.list']({ filter: { accountId: [kept.id] }, limit: 50 }) as { items: unknown[] };
    order.push('inbox answered');
    expect(during.items).toHaveLength(10);
    expect(count(core, 'SELECT count(*) FROM conversations WHERE account_id = ?', gone.id)).toBeGreaterThan(0);
    await removing;
    expect(order).toEqual(['inbox answered', 'removed']);
    expect(core.accounts.get(gone.id)).toBeNull();
    expect(count(core, 'SELECT count(*) FROM conversations')).toBe(10);
    expectCountsKept(core, 'at the end');
  });

  it('refuses to connect the same account again, to poll or resume it, until it is gone', async () => {
    core = makeCore();
    const gone = addAccount(core, 'mastodon');
    fill(core, gone.id, 'g', 5, 1, 0);
    createAccountRemoval(core.db).begin(gone.id);
    expect(() => addAccount(core, 'mastodon')).toThrow(/still being removed/);
    expect(() => core.handlers['accounts.resume']({ accountId: gone.id })).toThrow(/being removed/);
  });

  it('goes on at the next start when a crash cut it', async () => {
    const secrets = new MemorySecretStore();
    core = makeCore({ secrets });
    const gone = addAccount(core, 'mastodon');
    const kept = addAccount(core, 'bluesky');
    fill(core, gone.id, 'g', 200, 2, 0);
    fill(core, kept.id, 'k', 5, 1, 0);
    const removal = createAccountRemoval(core.db);
    removal.begin(gone.id);
    for (let i = 0; i < 3; i++) expect(removal.slice(gone.id, { messages: 50, authors: 10 })).toBe('more');
    const left = count(core, 'SELECT count(*) FROM conversations WHERE account_id = ?', gone.id);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(200);
    // The process dies here: the database is closed under the removal, nothing else is told.
    core.db.close();

    const again = createCore({ dataDir: core.dataDir, secrets, settings: createSettingsStore(memoryBackend()), shell: 'web', myName: 'Alex' });
    try {
      await expect.poll(() => again.accounts.get(gone.id), { timeout: 10_000 }).toBeNull();
      expect(again.db.prepare('SELECT count(*) FROM conversations WHERE account_id = ?').pluck().get(gone.id)).toBe(0);
      expect(again.db.prepare('SELECT count(*) FROM conversations').pluck().get()).toBe(5);
    } finally {
      await again.close();
    }
    // The fixture's own close would touch the closed handle: only its directory is left to remove.
    core = Object.assign(Object.create(core), { dispose: async () => (await import('node:fs')).rmSync(core.dataDir, { recursive: true, force: true }) });
  });

  it('stops between two slices when the core closes, and leaves a consistent store', async () => {
    core = makeCore();
    const gone = addAccount(core, 'mastodon');
    fill(core, gone.id, 'g', 100, 2, 0);
    const removal = createAccountRemoval(core.db);
    removal.begin(gone.id);
    let stop = false;
    let slices = 0;
    await removeInSlices(removal, gone.id, {
      budget: { messages: 20, authors: 5 },
      stop: () => stop,
      yieldNow: async () => {
        slices += 1;
        if (slices === 4) stop = true;
      },
    });
    expect(slices).toBe(4);
    expect(removal.pending()).toEqual([gone.id]);
    expectCountsKept(core, 'stopped');
  });
});

describe('schema 370', () => {
  it('drops the search rows an older removal left above the newest message, so a new message never matches words it lacks', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    runMigrations(db, MIGRATIONS.filter((m) => m.version < 370));
    db.exec(`
      INSERT INTO accounts (id, network, server_url, remote_id, handle, display_name, created_at) VALUES (1, 'mastodon', 'https://m.example', 'me', '@me', 'Me', 0);
      INSERT INTO conversations (id, account_id, network, remote_id, kind, last_activity_at, created_at) VALUES (1, 1, 'mastodon', 't1', 'comment', 0, 0);
      INSERT INTO messages (id, conversation_id, account_id, remote_id, direction, text, created_at) VALUES (1, 1, 1, 'm1', 'in', 'bonjour', 0);
      INSERT INTO messages_fts (rowid, text, author, handle) VALUES (1, 'bonjour', '', ''), (2, 'insulte', '', ''), (3, 'insulte', '', '');
    `);
    runMigrations(db, MIGRATIONS);
    expect(db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid').pluck().all('bonjour')).toEqual([1]);
    expect(db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').pluck().all('insulte')).toEqual([]);
    db.close();
  });
});
