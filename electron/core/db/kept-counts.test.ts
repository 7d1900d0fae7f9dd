/**
 * The sidebar's counts are kept (migration 0280), not counted: after every kind of change a user
 * makes or a network brings, in random order, each view's kept count equals a full recount of the
 * conversations, and so does every cell of the kept table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboxFilter } from '../../../shared/contract';
import { STATUSES, type ConversationStatus } from '../../../shared/model';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { buildKeptCountQuery, createInboxQueries, type ListFilter } from './inbox';
import { keptCounts } from './migrations/0280-kept-counts';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

/** A small deterministic PRNG (mulberry32), so a failure replays with its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const some = <T>(list: readonly T[], p = 0.3): T[] => list.filter(() => next() < p);
  return { next, int, pick, some };
}

interface Row {
  id: number;
  status: string;
  network: string;
  account_id: number;
  assignee_id: number | null;
  unread: number;
  held: number;
}

/** What the filter selects, counted by hand from every conversation. */
function bruteCount(rows: readonly Row[], tags: Map<number, Set<number>>, f: ListFilter): number {
  return rows.filter(
    (r) =>
      (!f.status || f.status.includes(r.status as ConversationStatus)) &&
      (!f.network || f.network.includes(r.network as never)) &&
      (!f.accountId || f.accountId.includes(r.account_id)) &&
      (f.assigneeId === undefined || r.assignee_id === f.assigneeId) &&
      (!f.unassigned || r.assignee_id === null) &&
      (!f.unread || r.unread === 1) &&
      (f.held === undefined || r.held === (f.held ? 1 : 0)) &&
      (f.tagId === undefined || (tags.get(r.id)?.has(f.tagId) ?? false)),
  ).length;
}

describe('kept counts', () => {
  for (const seed of [1, 2, 3]) {
    it(`equal a full recount after every change, in random order (seed ${seed})`, async () => {
      core = makeCore();
      const rnd = prng(seed);
      const h = core.handlers;
      const networks = ['mastodon', 'bluesky', 'youtube'] as const;
      let accounts = networks.map((n) => addAccount(core, n));
      const me = core.workspace.members.list().find((m) => m.isMe)!;
      let members = [me.id, ...['Sam', 'Lou'].map((name) => (h['members.create']({ name }) as { id: number }).id)];
      let tags = ['urgent', 'vip', 'bug'].map((name, i) => (h['tags.create']({ name, color: `#00000${i}` }) as { id: number }).id);
      const undoable: number[] = [];
      let clock = 1_700_000_000_000;
      let serial = 0;
      const kinds = new Map<string, number>();

      const conversationIds = () => core.db.prepare('SELECT id FROM conversations').pluck().all() as number[];
      const someConversations = () => {
        const ids = rnd.some(conversationIds(), 0.25);
        return ids.length > 0 ? ids : conversationIds().slice(0, 1);
      };
      const messageIds = () => core.db.prepare('SELECT id FROM messages WHERE deleted_at IS NULL').pluck().all() as number[];

      const steps: [string, number, () => Promise<unknown> | unknown][] = [
        ['ingest', 6, () => {
          const acc = rnd.pick(accounts);
          const threads = core.db.prepare('SELECT remote_id FROM conversations WHERE account_id = ?').pluck().all(acc.id) as string[];
          const items = Array.from({ length: 1 + rnd.int(6) }, () => {
            clock += 1000 + rnd.int(60_000);
            return item({
              threadRemoteId: threads.length > 0 && rnd.next() < 0.5 ? rnd.pick(threads) : `t${clock}`,
              direction: rnd.next() < 0.85 ? 'in' : 'out',
              moderation: rnd.next() < 0.15 ? 'held' : 'visible',
              createdAt: clock - rnd.int(3_600_000),
            });
          });
          core.ingest(acc.id, { items, cursor: null });
        }],
        ['status', 4, () => {
          const status = rnd.pick(STATUSES);
          return h['conversation.setStatus']({ conversationIds: someConversations(), status, ...(status === 'snoozed' ? { snoozeUntil: clock + rnd.int(600_000) } : {}) });
        }],
        ['assign', 3, () => h['conversation.assign']({ conversationIds: someConversations(), memberId: rnd.next() < 0.25 ? null : rnd.pick(members) })],
        ['tag', 3, () => tags.length > 0 && h['conversation.tag']({ conversationIds: someConversations(), tagId: rnd.pick(tags) })],
        ['untag', 2, () => tags.length > 0 && h['conversation.untag']({ conversationIds: someConversations(), tagId: rnd.pick(tags) })],
        ['read', 3, () => h['conversation.markRead']({ conversationIds: someConversations(), unread: rnd.next() < 0.4 })],
        ['open', 2, () => {
          const ids = conversationIds();
          return ids.length > 0 && h['conversation.get']({ conversationId: rnd.pick(ids), markRead: true });
        }],
        ['moderation', 4, () => {
          const ids = messageIds();
          if (ids.length === 0) return;
          const done = h['moderation.act']({ messageId: rnd.pick(ids), action: rnd.pick(['hold', 'approve', 'hide', 'unhide', 'spam'] as const) }) as { actionId: number };
          undoable.push(done.actionId);
        }],
        ['undo', 2, () => undoable.length > 0 && h['moderation.undo']({ actionIds: [undoable.pop()!] })],
        ['snooze wake-up', 2, () => {
          clock += rnd.int(600_000);
          core.conversations.wakeSnoozed(clock);
        }],
        ['account removal', 1, async () => {
          const gone = rnd.pick(accounts);
          await h['accounts.remove']({ accountId: gone.id });
          // Its moderation log went with it: nothing of it is left to undo.
          undoable.length = 0;
          accounts = [...accounts.filter((a) => a.id !== gone.id), addAccount(core, gone.network as (typeof networks)[number])];
        }],
        ['member removal', 1, () => {
          const others = members.filter((id) => id !== me.id);
          if (others.length === 0) return;
          const gone = rnd.pick(others);
          h['members.delete']({ memberId: gone });
          members = [...members.filter((id) => id !== gone), (h['members.create']({ name: `Member ${++serial}` }) as { id: number }).id];
        }],
        ['tag removal', 1, () => {
          if (tags.length === 0) return;
          const gone = rnd.pick(tags);
          h['tags.delete']({ tagId: gone });
          tags = [...tags.filter((id) => id !== gone), (h['tags.create']({ name: `Tag ${++serial}`, color: '#123456' }) as { id: number }).id];
        }],
      ];
      const weighted = steps.flatMap((step) => Array.from({ length: step[1] }, () => step));

      const { recount } = createInboxQueries(core.db);
      const check = (after: string) => {
        const rows = core.db.prepare('SELECT id, status, network, account_id, assignee_id, unread, held FROM conversations').all() as Row[];
        const tagRows = core.db.prepare('SELECT conversation_id, tag_id FROM conversation_tags').all() as { conversation_id: number; tag_id: number }[];
        const byConversation = new Map<number, Set<number>>();
        for (const t of tagRows) byConversation.set(t.conversation_id, (byConversation.get(t.conversation_id) ?? new Set()).add(t.tag_id));

        // Every kept cell equals the recount of its conversations (empty cells may stay at 0).
        const kept = core.db.prepare('SELECT tag_id, account_id, status, held, unread, assignee_id, network, n FROM conversation_counts WHERE n <> 0').all();
        const recounted = core.db.prepare(`
          SELECT 0 AS tag_id, account_id, status, held, unread, coalesce(assignee_id, 0) AS assignee_id, network, count(*) AS n
          FROM conversations GROUP BY 1, 2, 3, 4, 5, 6
          UNION ALL
          SELECT ct.tag_id, c.account_id, c.status, c.held, c.unread, coalesce(c.assignee_id, 0), c.network, count(*)
          FROM conversation_tags ct JOIN conversations c ON c.id = ct.conversation_id GROUP BY 1, 2, 3, 4, 5, 6`).all();
        const key = (r: unknown) => JSON.stringify(r);
        expect(kept.map(key).sort(), after).toEqual(recounted.map(key).sort());

        // The sidebar's views as the renderer sends them, and filters a saved view may hold.
        const filters: Record<string, InboxFilter> = {
          inbox: { status: ['open'], held: false },
          mine: { status: ['open', 'pending'], assigneeId: me.id, held: false },
          unassigned: { status: ['open'], unassigned: true, held: false },
          held: { status: ['open', 'pending'], held: true },
          snoozed: { status: ['snoozed'] },
          done: { status: ['done'] },
        };
        for (let i = 0; i < 12; i++) {
          const f: InboxFilter = {};
          const statuses = rnd.some(STATUSES, 0.4);
          if (statuses.length) f.status = statuses;
          if (rnd.next() < 0.3) f.network = [rnd.pick(networks)];
          if (rnd.next() < 0.3) f.accountId = rnd.some(accounts.map((a) => a.id), 0.6).concat(rnd.pick(accounts).id);
          if (rnd.next() < 0.4 && tags.length) f.tagId = rnd.pick(tags);
          if (rnd.next() < 0.3) f.assigneeId = rnd.pick(members);
          else if (rnd.next() < 0.2) f.unassigned = true;
          if (rnd.next() < 0.3) f.unread = true;
          if (rnd.next() < 0.4) f.held = rnd.next() < 0.5;
          filters[`saved:${i}`] = f;
        }
        // The badge of notifications: unread open or pending conversations.
        expect(core.notifier.unreadCount(), after).toBe(bruteCount(rows, byConversation, { status: ['open', 'pending'], unread: true }));
        const counts = h['inbox.count']({ filters }) as Record<string, number>;
        for (const [name, f] of Object.entries(filters)) {
          // Answered from the kept cells, not from the conversations.
          expect(buildKeptCountQuery(f), name).not.toBeNull();
          const expected = bruteCount(rows, byConversation, f);
          expect(counts[name], `${after}: ${name} ${JSON.stringify(f)}`).toBe(expected);
          expect(recount(f), `${after}: recount ${name}`).toBe(expected);
        }
      };

      for (let i = 0; i < 120; i++) {
        const [kind, , run] = rnd.pick(weighted);
        await run();
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        check(`step ${i} (${kind})`);
      }
      // Every kind of change was exercised.
      expect([...kinds.keys()].sort()).toEqual(steps.map((s) => s[0]).sort());
    });
  }

  it('migrates a workspace that has conversations: the cells start from a full count, tags carry their list order', () => {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, { items: Array.from({ length: 30 }, (_, i) => item({ threadRemoteId: `t${i % 12}`, moderation: i % 7 === 0 ? 'held' : 'visible' })), cursor: null });
    const tag = core.handlers['tags.create']({ name: 'vip', color: '#ff0000' }) as { id: number };
    const ids = core.db.prepare('SELECT id FROM conversations').pluck().all() as number[];
    core.handlers['conversation.tag']({ conversationIds: ids.filter((id) => id % 2 === 0), tagId: tag.id });
    core.handlers['conversation.setStatus']({ conversationIds: ids.filter((id) => id % 3 === 0), status: 'done' });
    const before = core.db.prepare('SELECT * FROM conversation_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6').all();
    const tagRows = core.db.prepare('SELECT * FROM conversation_tags ORDER BY 1, 2').all();
    // Drop what 0280 made, then run it again on the same rows.
    core.db.exec(`
      DROP TABLE conversation_counts;
      DROP TRIGGER conversation_counts_insert; DROP TRIGGER conversation_counts_update; DROP TRIGGER conversation_counts_delete;
      DROP TRIGGER conversation_counts_tag; DROP TRIGGER conversation_counts_untag; DROP TRIGGER conversation_counts_tag_deleted;
      DROP TRIGGER conversation_tags_fill; DROP TRIGGER conversation_tags_follow; DROP INDEX conversation_tags_list;
      ALTER TABLE conversation_tags DROP COLUMN status; ALTER TABLE conversation_tags DROP COLUMN last_activity_at;
    `);
    core.db.transaction(() => keptCounts.up(core.db))();
    expect(core.db.prepare('SELECT * FROM conversation_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6').all()).toEqual(before);
    expect(core.db.prepare('SELECT * FROM conversation_tags ORDER BY 1, 2').all()).toEqual(tagRows);
    expect(before.length).toBeGreaterThan(2);
  });
});
