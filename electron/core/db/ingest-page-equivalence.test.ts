/**
 * The writer keeps a page's conversation changes in memory and writes each touched conversation
 * once, naming only the columns that changed. Whatever the page holds, the inbox must end exactly
 * as if every message had arrived alone: same counts, snippets, authors, activity times, unread,
 * status, snooze and held flags. Random pages (seeded, so a failure replays) mixing new threads,
 * old ones done or snoozed by the manager between polls, our own replies, held messages, backdated
 * and same-millisecond messages, moderation changes, edits and deletions are ingested page by page
 * into one store and message by message into another, and the two are compared after every page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NormalizedDeletion, NormalizedItem } from '../connectors/types';
import { addAccount, makeCore } from '../testing/core-fixture';

type Core = ReturnType<typeof makeCore>;
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AUTHORS = [
  { remoteId: 'a1', handle: '@camille', name: 'Camille Rousseau' },
  { remoteId: 'a2', handle: '@jon', name: 'Jon Smith' },
  { remoteId: 'a3', handle: '@lea', name: 'Léa Martin' },
];
const ME = { remoteId: 'me-mastodon', handle: '@brand@mastodon', name: 'Brand' };

function snapshot(core: Core) {
  return core.db
    .prepare(
      `SELECT c.remote_id, c.message_count, c.snippet, au.remote_id AS author, c.last_activity_at, c.unread, c.status,
              c.snooze_until, c.held, c.context_text
       FROM conversations c LEFT JOIN authors au ON au.id = c.author_id ORDER BY c.remote_id`,
    )
    .all();
}

function conversationId(core: Core, remoteId: string): number {
  return (core.db.prepare('SELECT id FROM conversations WHERE remote_id = ?').get(remoteId) as { id: number }).id;
}

describe('a page of messages leaves the inbox as the same messages one by one', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}`, () => {
      const random = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const paged = makeCore();
      const single = makeCore();
      cores.push(paged, single);
      const accounts = [addAccount(paged), addAccount(single)];
      expect(accounts[0]!.id).toBe(accounts[1]!.id);
      const accountId = accounts[0]!.id;

      const sent: NormalizedItem[] = [];
      let clock = 1_700_000_000_000;
      let serial = 0;
      for (let round = 0; round < 25; round++) {
        const items: NormalizedItem[] = [];
        const deleted: NormalizedDeletion[] = [];
        const size = 1 + Math.floor(random() * 30);
        for (let i = 0; i < size; i++) {
          const roll = random();
          if (roll < 0.12 && sent.length > 0) {
            // A message seen before comes again, its moderation changed or edited on the network.
            const before = pick(sent);
            const again: NormalizedItem =
              random() < 0.5
                ? { ...before, moderation: before.moderation === 'held' ? 'visible' : 'held' }
                : { ...before, text: `${before.text} (modifié ${serial})`, editedAt: clock + serial };
            items.push(again);
            sent[sent.indexOf(before)] = again;
            continue;
          }
          if (roll < 0.17 && sent.length > 0) {
            deleted.push({ remoteId: pick(sent).remoteId, deletedAt: clock });
            continue;
          }
          serial += 1;
          const outgoing = random() < 0.2;
          // Mostly forward in time; some backdated, some on the same millisecond as the last.
          const step = random();
          const createdAt = step < 0.15 ? clock - Math.floor(random() * 50_000) : step < 0.3 ? clock : (clock += 1 + Math.floor(random() * 5_000));
          const message: NormalizedItem = {
            remoteId: `m${serial}`,
            threadRemoteId: `t${Math.floor(random() * 14)}`,
            kind: 'comment',
            direction: outgoing ? 'out' : 'in',
            author: outgoing ? ME : pick(AUTHORS),
            text: `message ${serial} ${pick(['bonjour', 'merci', 'colis cassé', 'remboursement', 'hello'])}`,
            createdAt,
            moderation: random() < 0.15 ? 'held' : 'visible',
            ...(random() < 0.2 ? { context: { remoteId: `post-${serial}`, text: `Publication ${serial}` } } : {}),
          };
          items.push(message);
          sent.push(message);
        }

        paged.ingest(accountId, { items, cursor: `c${round}`, deleted });
        for (const one of items) single.ingest(accountId, { items: [one], cursor: `c${round}` });
        if (deleted.length > 0) single.ingest(accountId, { items: [], cursor: null, deleted });
        expect(snapshot(paged), `seed ${seed}, page ${round}`).toEqual(snapshot(single));

        // Between polls the manager closes, snoozes or reads some conversations, the same in both.
        for (const core of [paged, single]) {
          const r = rng(seed * 1000 + round);
          for (const row of core.db.prepare('SELECT remote_id FROM conversations ORDER BY remote_id').all() as { remote_id: string }[]) {
            const action = r();
            const id = conversationId(core, row.remote_id);
            if (action < 0.2) core.conversations.setStatus([id], 'done', null);
            else if (action < 0.3) core.conversations.setStatus([id], 'snoozed', clock + 3_600_000);
            else if (action < 0.5) core.conversations.markRead([id], false);
          }
        }
      }
      // The full-text index agrees too: every live message once, with its latest words.
      const indexed = (core: Core) => core.db.prepare('SELECT rowid, text FROM messages_fts ORDER BY rowid').all();
      expect(indexed(paged)).toEqual(indexed(single));
    });
  }
});
