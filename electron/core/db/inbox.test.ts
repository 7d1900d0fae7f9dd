import { afterEach, describe, expect, it } from 'vitest';
import type { InboxFilter } from '../../../shared/contract';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { buildCountQueries, buildListQuery, createInboxQueries, InvalidCursorError, listArms, type ListFilter } from './inbox';
import { parseSearchQuery } from './search';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

function planRows(sql: string, params: unknown[]): PlanRow[] {
  return core.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as PlanRow[];
}

/** The steps that read conversations (or a tag's rows) other than by id. */
function conversationReads(rows: PlanRow[]): PlanRow[] {
  return rows.filter((r) => /^(SCAN|SEARCH) (c|ct)\b/.test(r.detail) && !/PRIMARY KEY/.test(r.detail));
}

/**
 * Reads of conversations whose rows are then sorted: a temp B-tree for ORDER BY at the same level
 * of the plan (the merge of a few arms sorts only each arm's page, one level up).
 */
function sortedReads(rows: PlanRow[]): string[] {
  return conversationReads(rows)
    .filter((read) => rows.some((r) => r.parent === read.parent && /USE TEMP B-TREE FOR ORDER BY/.test(r.detail)))
    .map((r) => r.detail);
}

describe('inbox list', () => {
  it('reads every filter from an index range in list order, one arm per status (EXPLAIN QUERY PLAN)', () => {
    core = makeCore();
    const cases: [ListFilter, RegExp, number][] = [
      [{}, /USING COVERING INDEX conv_activity/, 1],
      [{ status: ['open'] }, /USING COVERING INDEX conv_status_activity \(status=\?/, 1],
      [{ status: ['open', 'open'] }, /USING COVERING INDEX conv_status_activity \(status=\?/, 1],
      [{ network: ['youtube'], status: ['open'] }, /USING COVERING INDEX conv_network_activity \(network=\? AND status=\?/, 1],
      [{ accountId: [1], status: ['open'] }, /USING COVERING INDEX conv_account_activity \(account_id=\? AND status=\?/, 1],
      [{ assigneeId: 1, status: ['open'] }, /USING COVERING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?/, 1],
      [{ unassigned: true, status: ['open'] }, /USING COVERING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?/, 1],
      [{ unread: true, status: ['open'] }, /USING COVERING INDEX conv_unread_activity \(status=\?/, 1],
      [{ held: true }, /USING COVERING INDEX conv_held_activity/, 1],
      [{ status: ['open'], held: false }, /USING INDEX conv_status_activity \(status=\?/, 1],
      // A tag: its own rows in list order (they carry status and last activity), whatever else the filter asks.
      [{ status: ['open'], tagId: 1 }, /^SEARCH ct USING COVERING INDEX conversation_tags_list \(tag_id=\? AND status=\?/, 1],
      [{ status: ['open'], tagId: 1, held: false, accountId: [1] }, /^SEARCH ct USING COVERING INDEX conversation_tags_list \(tag_id=\? AND status=\?/, 1],
      [{ status: ['open', 'pending'], tagId: 1, assigneeId: 1, unread: true }, /^SEARCH ct USING COVERING INDEX conversation_tags_list \(tag_id=\? AND status=\?/, 2],
      [{ status: ['open'], tagId: 1, since: 1, until: 2 }, /conversation_tags_list \(tag_id=\? AND status=\? AND last_activity_at>\? AND last_activity_at<\?/, 1],
      [{ status: ['open'], since: 1, until: 2 }, /USING COVERING INDEX conv_status_activity \(status=\? AND last_activity_at>\? AND last_activity_at<\?/, 1],
      // Several statuses: one arm each, merged (the views "Mine", "Held for review", a date range).
      [{ status: ['open', 'pending'], assigneeId: 1 }, /USING COVERING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?/, 2],
      [{ status: ['open', 'pending'], assigneeId: 1, held: false }, /USING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?/, 2],
      [{ status: ['open', 'pending'], held: true }, /USING COVERING INDEX conv_held_status_activity \(status=\?/, 2],
      [{ status: ['open', 'pending', 'done'], since: 1, until: 2 }, /USING COVERING INDEX conv_status_activity \(status=\? AND last_activity_at>\? AND last_activity_at<\?/, 3],
      [{ status: ['open', 'pending'], unread: true }, /USING COVERING INDEX conv_unread_activity \(status=\?/, 2],
      [{ status: ['open', 'done'], network: ['youtube', 'mastodon'] }, /USING COVERING INDEX conv_network_activity \(network=\? AND status=\?/, 4],
      [{ status: ['open'], accountId: [1, 2, 3] }, /USING COVERING INDEX conv_account_activity \(account_id=\? AND status=\?/, 3],
      // Without a status, the indexes that have it second are read once per status.
      [{ network: ['youtube'] }, /USING COVERING INDEX conv_network_activity \(network=\? AND status=\?/, 4],
      [{ accountId: [1] }, /USING COVERING INDEX conv_account_activity \(account_id=\? AND status=\?/, 4],
      [{ assigneeId: 1 }, /USING COVERING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?/, 4],
      [{ unread: true }, /USING COVERING INDEX conv_unread_activity \(status=\?/, 4],
      // Held ones are few: their own index, whatever else the filter names.
      [{ held: true, network: ['youtube'] }, /USING INDEX conv_held_status_activity \(status=\?/, 4],
      [{ held: true, accountId: [1], status: ['open'] }, /USING INDEX conv_held_status_activity \(status=\?/, 1],
      [{ held: true, assigneeId: 1, status: ['open', 'pending'] }, /USING INDEX conv_held_status_activity \(status=\?/, 2],
      [{ tagId: 1 }, /^SEARCH ct USING COVERING INDEX conversation_tags_list \(tag_id=\? AND status=\?/, 4],
      [{ tagId: 1, network: ['youtube', 'mastodon'] }, /^SEARCH ct USING COVERING INDEX conversation_tags_list \(tag_id=\? AND status=\?/, 8],
    ];
    for (const [filter, index, arms] of cases) {
      const label = JSON.stringify(filter);
      for (const cursor of [null, '100.5']) {
        const q = buildListQuery(filter, cursor, 50);
        const rows = planRows(q.sql, q.params);
        const reads = conversationReads(rows);
        expect(reads, label).toHaveLength(arms);
        for (const read of reads) expect(read.detail, label).toMatch(index);
        // The cursor is a seek into the same range, not a filter over it.
        if (cursor) for (const read of reads) expect(read.detail, label).toMatch(/last_activity_at<\?|\(last_activity_at,(id|conversation_id)\)<\(\?,\?\)/);
        expect(sortedReads(rows), label).toEqual([]);
        expect(rows.map((r) => r.detail).join('\n'), label).not.toMatch(/SCAN c\b(?! USING)/);
      }
      expect(listArms(filter), label).toHaveLength(arms);
    }
  });

  it('a sort over every match is what the arms avoid (the check above can fail)', () => {
    core = makeCore();
    const rows = planRows(
      "SELECT c.id FROM conversations c WHERE c.status IN ('open', 'pending') AND c.assignee_id = 1 ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 51",
      [],
    );
    expect(sortedReads(rows)).toHaveLength(1);
  });

  it('counts from indexes alone; "not held" as all minus the held ones', () => {
    core = makeCore();
    const cases: [ListFilter, RegExp, RegExp | null][] = [
      [{ status: ['open'] }, /COVERING INDEX conv_status_activity/, null],
      [{ status: ['done'] }, /COVERING INDEX conv_status_activity/, null],
      [{ status: ['open', 'pending'], assigneeId: 1 }, /COVERING INDEX conv_assignee_activity/, null],
      [{ status: ['open', 'pending'], held: true }, /COVERING INDEX conv_held_status_activity/, null],
      [{ status: ['open'], held: false }, /COVERING INDEX conv_status_activity/, /COVERING INDEX conv_held_status_activity/],
      [{ status: ['open'], unassigned: true, held: false }, /COVERING INDEX conv_assignee_activity/, /INDEX conv_held_status_activity/],
      [{ status: ['open', 'pending'], assigneeId: 1, held: false }, /COVERING INDEX conv_assignee_activity/, /INDEX conv_held_status_activity/],
      [{ status: ['open'], tagId: 1 }, /COVERING INDEX conv_status_activity/, null],
    ];
    const countPlan = (where: { sql: string[]; params: unknown[] }) =>
      conversationReads(planRows(`SELECT count(*) FROM conversations c WHERE ${where.sql.join(' AND ')}`, where.params)).map((r) => r.detail);
    for (const [filter, plus, minus] of cases) {
      const q = buildCountQueries(filter);
      const label = JSON.stringify(filter);
      const reads = countPlan(q.plus);
      expect(reads, label).toHaveLength(1);
      expect(reads[0], label).toMatch(plus);
      if (minus === null) {
        expect(q.minus, label).toBeNull();
      } else {
        const minusReads = countPlan(q.minus!);
        expect(minusReads, label).toHaveLength(1);
        expect(minusReads[0], label).toMatch(minus);
      }
    }
  });

  it('pages with a keyset cursor: every conversation once, newest first', () => {
    core = makeCore();
    const acc = addAccount(core);
    const items = Array.from({ length: 137 }, (_, i) => item({ remoteId: `r${i}`, threadRemoteId: `t${i}`, createdAt: 1000 + (i % 40) * 10 }));
    core.ingest(acc.id, { items, cursor: null });
    const seen: number[] = [];
    let cursor: string | null = null;
    let last = Infinity;
    do {
      const page = core.handlers['inbox.list']({ filter: {}, cursor, limit: 20 }) as ReturnType<typeof core.handlers['inbox.list']> & { items: { id: number; lastActivityAt: number }[]; nextCursor: string | null };
      for (const row of page.items) {
        expect(row.lastActivityAt).toBeLessThanOrEqual(last);
        last = row.lastActivityAt;
        seen.push(row.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(137);
    expect(new Set(seen).size).toBe(137);
  });

  it('pages every filter shape exactly: each conversation once, in list order, counted alike', () => {
    core = makeCore();
    const m = addAccount(core, 'mastodon');
    const y = addAccount(core, 'youtube');
    // Many equal activity times, so the cursor's id half matters, across arms too.
    for (const [acc, offset] of [[m, 0], [y, 1]] as const) {
      const items = Array.from({ length: 90 }, (_, i) => item({ remoteId: `r${offset}-${i}`, threadRemoteId: `t${offset}-${i}`, createdAt: 1000 + ((i * 7 + offset) % 13) * 10 }));
      core.ingest(acc.id, { items, cursor: null });
    }
    const ids = (core.db.prepare('SELECT id FROM conversations ORDER BY id').pluck().all() as number[]);
    const me = core.workspace.members.list()[0]!;
    const tag = core.workspace.tags.create('urgent', '#ff0000');
    const pick = (k: number) => ids.filter((id) => id % k === 0);
    core.handlers['conversation.setStatus']({ conversationIds: pick(3), status: 'pending' });
    core.handlers['conversation.setStatus']({ conversationIds: pick(5), status: 'done' });
    core.handlers['conversation.assign']({ conversationIds: pick(2), memberId: me.id });
    core.handlers['conversation.tag']({ conversationIds: pick(4), tagId: tag.id });
    core.handlers['conversation.markRead']({ conversationIds: pick(7), unread: false });
    core.db.prepare(`UPDATE conversations SET held = 1 WHERE id % 6 = 1`).run();

    interface Row { id: number; status: string; network: string; account_id: number; assignee_id: number | null; unread: number; held: number; last_activity_at: number }
    const rows = core.db.prepare('SELECT id, status, network, account_id, assignee_id, unread, held, last_activity_at FROM conversations').all() as Row[];
    const tagged = new Set(core.db.prepare('SELECT conversation_id FROM conversation_tags WHERE tag_id = ?').pluck().all(tag.id) as number[]);
    const matches = (r: Row, f: ListFilter) =>
      (!f.status || f.status.includes(r.status as never)) &&
      (!f.network || f.network.includes(r.network as never)) &&
      (!f.accountId || f.accountId.includes(r.account_id)) &&
      (f.assigneeId === undefined || r.assignee_id === f.assigneeId) &&
      (!f.unassigned || r.assignee_id === null) &&
      (!f.unread || r.unread === 1) &&
      (f.held === undefined || r.held === (f.held ? 1 : 0)) &&
      (f.since === undefined || r.last_activity_at >= f.since) &&
      (f.until === undefined || r.last_activity_at < f.until) &&
      (f.tagId === undefined || tagged.has(r.id));
    const expected = (f: ListFilter) =>
      rows.filter((r) => matches(r, f)).sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id).map((r) => r.id);

    const filters: ListFilter[] = [
      {},
      { status: ['open'] },
      { status: ['open', 'pending'], assigneeId: me.id, held: false },
      { status: ['open', 'pending'], held: true },
      { status: ['open', 'pending', 'done'], since: 1030, until: 1100 },
      { status: ['open', 'done'], network: ['youtube', 'mastodon'] },
      { status: ['open'], unassigned: true, held: false },
      { status: ['pending', 'open'], unread: true },
      { accountId: [m.id, y.id], status: ['done', 'open'] },
      { network: ['youtube'] },
      { tagId: tag.id },
      { status: ['open', 'pending'], tagId: tag.id, held: false },
      { tagId: tag.id, network: ['youtube'], unread: true },
      { unread: true },
      { held: true, network: ['youtube'] },
      { held: true, accountId: [m.id], status: ['open', 'pending'] },
    ];
    for (const filter of filters) {
      const label = JSON.stringify(filter);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = core.handlers['inbox.list']({ filter, cursor, limit: 7 }) as { items: { id: number }[]; nextCursor: string | null };
        expect(page.items.length, label).toBeLessThanOrEqual(7);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      const want = expected(filter);
      expect(want.length, label).toBeGreaterThan(0);
      expect(seen, label).toEqual(want);
      expect(core.handlers['inbox.count']({ filters: { n: filter } }), label).toEqual({ n: want.length });
    }
  });

  it('rejects a malformed cursor, or one from a search, with InvalidCursorError', () => {
    core = makeCore();
    const inbox = createInboxQueries(core.db);
    for (const bad of ['x', '12', '1.2.3', 'h12', '-1.2', `${'9'.repeat(17)}.1`]) {
      expect(() => inbox.list({ status: ['open'] }, bad, 10), bad).toThrow(InvalidCursorError);
    }
  });

  it('filters by status, network, tag, assignee, unassigned, unread and dates', async () => {
    core = makeCore();
    const m = addAccount(core, 'mastodon');
    const y = addAccount(core, 'youtube');
    core.ingest(m.id, { items: [item({ remoteId: '1', threadRemoteId: 'a', createdAt: 1000 }), item({ remoteId: '2', threadRemoteId: 'b', createdAt: 2000 })], cursor: null });
    core.ingest(y.id, { items: [item({ remoteId: '3', threadRemoteId: 'c', createdAt: 3000 })], cursor: null });
    const ids = (f: InboxFilter) => (core.handlers['inbox.list']({ filter: f, limit: 50 }) as { items: { id: number }[] }).items.map((i) => i.id);
    const [c, b, a] = ids({});
    const tag = core.workspace.tags.create('urgent', '#ff0000');
    const me = core.workspace.members.list()[0]!;
    core.handlers['conversation.tag']({ conversationIds: [a!], tagId: tag.id });
    core.handlers['conversation.assign']({ conversationIds: [b!], memberId: me.id });
    core.handlers['conversation.setStatus']({ conversationIds: [c!], status: 'done' });
    core.handlers['conversation.markRead']({ conversationIds: [a!], unread: false });
    expect(ids({ status: ['open'] })).toEqual([b, a]);
    expect(ids({ network: ['youtube'] })).toEqual([c]);
    expect(ids({ tagId: tag.id })).toEqual([a]);
    expect(ids({ assigneeId: me.id })).toEqual([b]);
    expect(ids({ unassigned: true, status: ['open'] })).toEqual([a]);
    expect(ids({ unread: true })).toEqual([c, b]);
    expect(ids({ since: 1500, until: 2500 })).toEqual([b]);
    expect(core.handlers['inbox.count']({ filters: { open: { status: ['open'] }, mine: { assigneeId: me.id } } })).toEqual({ open: 2, mine: 1 });
    // The sidebar's unread counts and the window title's count come from the core, and follow a change at once.
    expect(core.handlers['inbox.viewCounts']({ filters: { open: { status: ['open'] }, mine: { assigneeId: me.id } } })).toEqual({
      views: { open: { total: 2, unread: 1 }, mine: { total: 1, unread: 1 } },
      unreadConversations: 1,
    });
    core.handlers['conversation.markRead']({ conversationIds: [b!], unread: false });
    expect(core.handlers['inbox.viewCounts']({ filters: { open: { status: ['open'] } } })).toEqual({ views: { open: { total: 2, unread: 0 } }, unreadConversations: 0 });
    core.handlers['conversation.setStatus']({ conversationIds: [c!], status: 'pending' });
    expect(core.handlers['inbox.viewCounts']({ filters: {} })).toEqual({ views: {}, unreadConversations: 1 });
  });
});

describe('full-text search', () => {
  function seed() {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, {
      items: [
        item({ remoteId: '1', threadRemoteId: 'a', text: 'Le colis est arrivé cassé', author: { remoteId: 'u1', handle: '@camille', name: 'Camille Rousseau' } }),
        item({ remoteId: '2', threadRemoteId: 'b', text: 'Quel délai de livraison pour la Belgique ?', author: { remoteId: 'u2', handle: '@hugo', name: 'Hugo Bernard' } }),
        item({ remoteId: '3', threadRemoteId: 'c', text: 'Where is my order? Shipping is slow', author: { remoteId: 'u3', handle: '@dan', name: 'Dan Whitaker' } }),
        item({ remoteId: '4', threadRemoteId: 'd', text: 'arrivé en retard mais le colis va bien', author: { remoteId: 'u4', handle: '@lea', name: 'Léa Martin' } }),
      ],
      cursor: null,
    });
  }
  const search = (query: string) => (core.handlers['inbox.list']({ filter: { query }, limit: 50 }) as { items: { author: { handle: string } | null }[]; highlight: string[] });
  const who = (query: string) => search(query).items.map((i) => i.author!.handle).sort();

  it('matches words regardless of accents and case', () => {
    seed();
    expect(who('ARRIVE')).toEqual(['@camille', '@lea']);
    expect(who('delai')).toEqual(['@hugo']);
  });
  it('matches prefixes, phrases, and from:author', () => {
    seed();
    expect(who('livr*')).toEqual(['@hugo']);
    expect(who('"colis est arrivé"')).toEqual(['@camille']);
    expect(who('colis from:lea')).toEqual(['@lea']);
    expect(who('from:Whit')).toEqual(['@dan']);
  });
  it('returns the words to highlight and never lets input inject FTS syntax', () => {
    seed();
    expect(search('colis "en retard"').highlight).toEqual(['colis', 'en retard']);
    for (const hostile of ['NEAR(a b)', 'a OR', '"', '*', 'col:', '(((', 'AND', '-', '^x', "l'avion"]) {
      expect(() => search(hostile)).not.toThrow();
    }
    expect(parseSearchQuery('a OR b').match).toBe('{text author} : "a" AND {text author} : "OR" AND {text author} : "b"');
  });
  it('matches plain words in what people wrote and in their names, never in handles or servers', () => {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, {
      items: [
        item({ remoteId: '1', threadRemoteId: 'a', text: 'Merci pour la lampe', author: { remoteId: 'u1', handle: '@camille@mastodon.social', name: 'Camille Rousseau' } }),
        item({ remoteId: '2', threadRemoteId: 'b', text: 'Any news on my order?', author: { remoteId: 'u2', handle: 'dan.bsky.social', name: 'Dan Whitaker' } }),
        item({ remoteId: '3', threadRemoteId: 'c', text: 'Je suis sur un réseau social, voilà', author: { remoteId: 'u3', handle: '@mallory@127.0.0.1', name: 'Mallory' } }),
        item({ remoteId: '4', threadRemoteId: 'd', text: 'Commande 1 reçue', author: { remoteId: 'u4', handle: '@lea@piaille.fr', name: 'Léa Martin' } }),
      ],
      cursor: null,
    });
    // A word of a server or handle finds only who wrote it.
    expect(who('social')).toEqual(['@mallory@127.0.0.1']);
    expect(who('bsky')).toEqual([]);
    expect(who('127')).toEqual([]);
    expect(who('1')).toEqual(['@lea@piaille.fr']);
    // Author names are found by plain words; handles and servers with from:.
    expect(who('camille')).toEqual(['@camille@mastodon.social']);
    expect(who('whitaker')).toEqual(['dan.bsky.social']);
    expect(who('from:bsky')).toEqual(['dan.bsky.social']);
    expect(who('from:127')).toEqual(['@mallory@127.0.0.1']);
    expect(who('from:camille')).toEqual(['@camille@mastodon.social']);
    // The count agrees with the list.
    expect(core.handlers['inbox.count']({ filters: { q: { query: 'social' } } })).toEqual({ q: 1 });
  });
  it('finds nothing for a query of punctuation only, and says it was unsearchable', () => {
    seed();
    for (const punctuation of ['"', '?!', '« »', '—', '""', '*']) {
      expect(parseSearchQuery(punctuation)).toMatchObject({ match: null, unsearchable: true });
      expect(search(punctuation).items, punctuation).toEqual([]);
      expect(core.handlers['inbox.count']({ filters: { q: { query: punctuation } } })).toEqual({ q: 0 });
    }
    expect(parseSearchQuery('   ')).toMatchObject({ match: null, unsearchable: false });
    expect(search('').items).toHaveLength(4);
  });
});
