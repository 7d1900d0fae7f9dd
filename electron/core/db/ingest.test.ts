import { afterEach, describe, expect, it } from 'vitest';
import { addAccount, item, makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

const count = (sql: string) => (core.db.prepare(sql).get() as { n: number }).n;

describe('ingest', () => {
  it('writes a page and its cursor; the same page twice changes nothing', () => {
    core = makeCore();
    const acc = addAccount(core);
    const page = { items: [item({ remoteId: 'a', threadRemoteId: 't' }), item({ remoteId: 'b', threadRemoteId: 't', parentRemoteId: 'a' })], cursor: 'c1' };
    const first = core.ingest(acc.id, page);
    expect(first.newMessageIds).toHaveLength(2);
    const second = core.ingest(acc.id, page);
    expect(second.newMessageIds).toEqual([]);
    expect(count('SELECT count(*) AS n FROM messages')).toBe(2);
    expect(count('SELECT count(*) AS n FROM conversations')).toBe(1);
    expect(core.accounts.get(acc.id)!.cursor).toBe('c1');
    const conv = core.db.prepare('SELECT message_count, unread, status FROM conversations').get();
    expect(conv).toEqual({ message_count: 2, unread: 1, status: 'open' });
  });

  it('dedups per account: the same remote id on two accounts is two messages', () => {
    core = makeCore();
    const a = addAccount(core, 'mastodon');
    const b = addAccount(core, 'bluesky');
    core.ingest(a.id, { items: [item({ remoteId: 'same' })], cursor: null });
    core.ingest(b.id, { items: [item({ remoteId: 'same' })], cursor: null });
    expect(count('SELECT count(*) AS n FROM messages')).toBe(2);
  });

  it('commits a page and its cursor together: a failure mid-page stores neither', () => {
    core = makeCore({
      onNewMessages: (_db, _acc, msgs) => {
        if (msgs.some((m) => m.item.text === 'explode')) throw new Error('crash in the middle of the page');
      },
    });
    const acc = addAccount(core);
    core.ingest(acc.id, { items: [item({ remoteId: 'ok1' })], cursor: 'before' });
    expect(() => core.ingest(acc.id, { items: [item({ remoteId: 'ok2' }), item({ remoteId: 'x', text: 'explode' })], cursor: 'after' })).toThrow(/crash/);
    expect(core.accounts.get(acc.id)!.cursor).toBe('before');
    expect(count('SELECT count(*) AS n FROM messages')).toBe(1);
    expect(count('SELECT count(*) AS n FROM messages_fts')).toBe(1);
    // The re-poll from the old cursor stores the page once.
    core.ingest(acc.id, { items: [item({ remoteId: 'ok2' })], cursor: 'after' });
    expect(count('SELECT count(*) AS n FROM messages')).toBe(2);
    expect(core.accounts.get(acc.id)!.cursor).toBe('after');
  });

  it('reopens a done conversation when the community writes again, not when we do', () => {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, { items: [item({ remoteId: 'q', threadRemoteId: 'T', createdAt: 1000 })], cursor: null });
    const id = (core.db.prepare('SELECT id FROM conversations').get() as { id: number }).id;
    core.conversations.setStatus([id], 'done', null);
    core.conversations.markRead([id], false);
    core.ingest(acc.id, { items: [item({ remoteId: 'ours', threadRemoteId: 'T', direction: 'out', createdAt: 2000, author: { remoteId: 'me', handle: '@brand', name: 'Brand' } })], cursor: null });
    expect(core.db.prepare('SELECT status, unread FROM conversations').get()).toEqual({ status: 'done', unread: 0 });
    core.ingest(acc.id, { items: [item({ remoteId: 'again', threadRemoteId: 'T', createdAt: 3000, text: 'Toujours rien reçu' })], cursor: null });
    expect(core.db.prepare('SELECT status, unread, snippet, last_activity_at FROM conversations').get()).toEqual({
      status: 'open', unread: 1, snippet: 'Toujours rien reçu', last_activity_at: 3000,
    });
  });

  it('wakes a snoozed conversation when the community writes again, not when we do; a held message marks it held', () => {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, { items: [item({ remoteId: 'q', threadRemoteId: 'S', createdAt: 1000 })], cursor: null });
    const id = (core.db.prepare('SELECT id FROM conversations').get() as { id: number }).id;
    core.conversations.setStatus([id], 'snoozed', 9_999_999);
    core.conversations.markRead([id], false);
    const row = () => core.db.prepare('SELECT status, snooze_until, unread, held, message_count, snippet FROM conversations').get();
    core.ingest(acc.id, { items: [item({ remoteId: 'ours', threadRemoteId: 'S', direction: 'out', createdAt: 2000, text: 'On regarde', author: { remoteId: 'me', handle: '@brand', name: 'Brand' } })], cursor: null });
    expect(row()).toEqual({ status: 'snoozed', snooze_until: 9_999_999, unread: 0, held: 0, message_count: 2, snippet: 'On regarde' });
    // Two messages in one page: an older one held, then a newer one.
    core.ingest(acc.id, {
      items: [
        item({ remoteId: 'late', threadRemoteId: 'S', createdAt: 1500, text: 'insulte', moderation: 'held' }),
        item({ remoteId: 'new', threadRemoteId: 'S', createdAt: 3000, text: 'Toujours rien reçu' }),
      ],
      cursor: null,
    });
    expect(row()).toEqual({ status: 'open', snooze_until: null, unread: 1, held: 1, message_count: 4, snippet: 'Toujours rien reçu' });
  });

  it('keeps the network moderation verdict up to date without duplicating (held → visible)', () => {
    core = makeCore();
    const acc = addAccount(core, 'youtube');
    core.ingest(acc.id, { items: [item({ remoteId: 'h', moderation: 'held' })], cursor: null });
    expect(core.db.prepare('SELECT held FROM conversations').get()).toEqual({ held: 1 });
    core.ingest(acc.id, { items: [item({ remoteId: 'h', moderation: 'visible' })], cursor: null });
    expect(core.db.prepare('SELECT held FROM conversations').get()).toEqual({ held: 0 });
    expect(count('SELECT count(*) AS n FROM messages')).toBe(1);
  });
});
