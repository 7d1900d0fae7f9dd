/**
 * Search pages: conversations ordered by their newest matching message, each on exactly one page,
 * the same whichever plan reads them; and every statement of the search backed by an index.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboxFilter, InboxPage } from '../../../shared/contract';
import { seededRandom } from '../../../e2e/demo/seeded-workspace';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { createInboxQueries, InvalidCursorError, searchConditions, type InboxQueries, type ListFilter } from './inbox';
import { parseSearchQuery, searchStatements } from './search';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

function plan(sql: string, params: unknown[]): string[] {
  return (core.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as PlanRow[]).map((r) => r.detail);
}

/** Every page of a list, following the cursors. */
function allPages(inbox: InboxQueries, filter: InboxFilter, limit: number): { ids: number[]; pages: InboxPage[] } {
  const pages: InboxPage[] = [];
  let cursor: string | null = null;
  do {
    const page = inbox.list(filter, cursor, limit);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== null) {
      expect(page.items).toHaveLength(limit);
      expect(page.nextCursor.length).toBeLessThanOrEqual(200);
    }
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1000);
  return { ids: pages.flatMap((p) => p.items.map((i) => i.id)), pages };
}

/**
 * What a search must answer, computed the slow way: the conversations of the list filter that
 * have a matching message, the one whose newest matching message is newest first.
 */
function expectedSearch(inbox: InboxQueries, filter: InboxFilter): number[] {
  const { query, ...rest } = filter;
  const match = parseSearchQuery(query ?? '').match!;
  const inFilter = new Set(allPages(inbox, rest, 500).ids);
  const hits = core.db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').pluck().all(match) as number[];
  const newest = new Map<number, number>();
  for (const hit of hits) {
    const conversationId = core.db.prepare('SELECT conversation_id FROM messages WHERE id = ?').pluck().get(hit) as number;
    newest.set(conversationId, Math.max(newest.get(conversationId) ?? 0, hit));
  }
  return [...newest].filter(([id]) => inFilter.has(id)).sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

describe('search pages', () => {
  it('orders by the newest matching message and shows a conversation once, on the page of that message', () => {
    core = makeCore();
    const acc = addAccount(core);
    // Ingest order is message id order: A1 B1 A2 C1 B2 A3 (A3 and B2 do not match).
    const say = (thread: string, remoteId: string, text: string) => core.ingest(acc.id, { items: [item({ remoteId, threadRemoteId: thread, text })], cursor: null });
    say('a', 'a1', 'le colis est là');
    say('b', 'b1', 'colis perdu');
    say('a', 'a2', 'toujours ce colis');
    say('c', 'c1', 'un colis de plus');
    say('b', 'b2', 'merci');
    say('a', 'a3', 'bonne journée');
    const id = (thread: string) => core.db.prepare('SELECT id FROM conversations WHERE remote_id = ?').pluck().get(thread) as number;
    const inbox = createInboxQueries(core.db);
    const { ids, pages } = allPages(inbox, { query: 'colis' }, 1);
    expect(ids).toEqual([id('c'), id('a'), id('b')]);
    expect(pages.every((p) => p.highlight.join() === 'colis')).toBe(true);
  });

  it('pages through many conversations with several matches each: each once, in order, whichever plan reads them', () => {
    core = makeCore();
    const m = addAccount(core, 'mastodon');
    const y = addAccount(core, 'youtube');
    const rnd = seededRandom(11);
    const words = ['colis', 'livraison', 'bonjour', 'merci', 'retard'];
    let n = 0;
    for (let round = 0; round < 6; round++) {
      for (const acc of [m, y]) {
        const items = [];
        for (let t = 0; t < 45; t++) {
          if (rnd() < 0.45) continue;
          n += 1;
          const text = `${words[Math.floor(rnd() * words.length)]} ${words[Math.floor(rnd() * words.length)]} n${n}`;
          items.push(item({ remoteId: `r${acc.id}-${round}-${t}`, threadRemoteId: `t${t}`, text, createdAt: 1_000_000 + round * 1000 + t }));
        }
        core.ingest(acc.id, { items, cursor: null });
      }
    }
    const ids = core.db.prepare('SELECT id FROM conversations ORDER BY id').pluck().all() as number[];
    const me = core.workspace.members.list()[0]!;
    const tag = core.workspace.tags.create('urgent', '#ff0000');
    core.handlers['conversation.setStatus']({ conversationIds: ids.filter((id) => id % 3 === 0), status: 'pending' });
    core.handlers['conversation.setStatus']({ conversationIds: ids.filter((id) => id % 5 === 0), status: 'done' });
    core.handlers['conversation.assign']({ conversationIds: ids.filter((id) => id % 2 === 0), memberId: me.id });
    core.handlers['conversation.tag']({ conversationIds: ids.filter((id) => id % 4 === 1), tagId: tag.id });
    core.db.prepare('UPDATE conversations SET held = 1 WHERE id % 4 = 3').run();

    const filters: InboxFilter[] = [
      { query: 'colis' },
      { query: 'liv*' },
      { query: '"colis livraison"' },
      { query: 'colis retard' },
      { status: ['open'], query: 'colis' },
      { status: ['open', 'pending'], held: false, query: 'colis' },
      { status: ['open', 'pending'], assigneeId: me.id, held: false, query: 'livraison' },
      { status: ['open', 'pending'], held: true, query: 'colis' },
      { tagId: tag.id, query: 'merci' },
      { network: ['youtube'], status: ['done', 'pending'], query: 'bonjour' },
      { accountId: [m.id], unassigned: true, query: 'retard' },
    ];
    // Default tuning; one plan only; the filter-first plan from the start; a switch after a few hits.
    const tunings = [{}, { scanBudget: 1e9 }, { scanBudget: 1, smallFilter: 1e9 }, { scanBudget: 12, smallFilter: 1e9 }];
    for (const filter of filters) {
      const label = JSON.stringify(filter);
      const want = expectedSearch(createInboxQueries(core.db), filter);
      expect(want.length, label).toBeGreaterThan(8);
      for (const search of tunings) {
        const inbox = createInboxQueries(core.db, { search });
        for (const limit of [1, 4, 50]) {
          const { ids: got } = allPages(inbox, filter, limit);
          expect(got, `${label} ${JSON.stringify(search)} limit ${limit}`).toEqual(want);
        }
      }
      // Counts agree with the pages, on each of their three paths.
      for (const search of [{}, { smallFilter: 0 }, { smallFilter: 1e9 }]) {
        expect(createInboxQueries(core.db, { search }).count(filter), `${label} count ${JSON.stringify(search)}`).toBe(want.length);
      }
    }
  });

  it('switches to the filter-first plan for a narrow view and keeps it on the next pages', () => {
    core = makeCore();
    const acc = addAccount(core);
    const items = Array.from({ length: 60 }, (_, i) => item({ remoteId: `r${i}`, threadRemoteId: `t${i}`, text: `colis numéro ${i}` }));
    core.ingest(acc.id, { items, cursor: null });
    const ids = core.db.prepare('SELECT id FROM conversations ORDER BY id').pluck().all() as number[];
    // The oldest ten are pending: a reading newest first meets them last.
    core.handlers['conversation.setStatus']({ conversationIds: ids.slice(0, 10), status: 'pending' });
    const inbox = createInboxQueries(core.db, { search: { scanBudget: 20, smallFilter: 15 } });
    const first = inbox.list({ status: ['pending'], query: 'colis' }, null, 4);
    expect(first.nextCursor).toMatch(/^f\d+$/);
    const { ids: got, pages } = allPages(inbox, { status: ['pending'], query: 'colis' }, 4);
    expect(got).toEqual(ids.slice(0, 10).reverse());
    // Below the first page only pending conversations remain, yet the next page keeps the plan.
    expect(pages.map((p) => p.nextCursor?.[0] ?? null)).toEqual(['f', 'f', null]);
    // A view too large for it stays with the matching messages.
    const wide = createInboxQueries(core.db, { search: { scanBudget: 20, smallFilter: 5 } }).list({ status: ['pending'], query: 'colis' }, null, 4);
    expect(wide.nextCursor).toMatch(/^h\d+$/);
    expect(wide.items.map((i) => i.id)).toEqual(got.slice(0, 4));
  });

  it('rejects a malformed cursor, or one from the plain list, with InvalidCursorError', () => {
    core = makeCore();
    const inbox = createInboxQueries(core.db);
    for (const bad of ['x', '12', '100.5', 'h', 'h-1', 'hh12', `h${'9'.repeat(17)}`, 'g12', 'f12.5']) {
      expect(() => inbox.list({ query: 'colis' }, bad, 10), bad).toThrow(InvalidCursorError);
    }
    expect(inbox.list({ query: 'colis' }, 'h12', 10).items).toEqual([]);
  });

  it('backs every statement with an index: the full-text index outside, lookups by key inside', () => {
    core = makeCore();
    const filter: ListFilter = { status: ['open', 'pending'], assigneeId: 1, tagId: 2, held: false };
    const conditions = searchConditions(filter);
    const sql = searchStatements(conditions);
    const checkParams = conditions.check.params;
    const setParams = conditions.enumerate.params;
    for (const [name, text, params] of [
      ['hits', sql.hits, [...checkParams, '"colis"']],
      ['hitsBefore', sql.hitsBefore, [...checkParams, '"colis"', 100]],
    ] as const) {
      const steps = plan(text, [...params]);
      // The full-text index comes first and gives the order; everything else is a lookup by key.
      expect(steps[0], name).toMatch(/^SCAN f VIRTUAL TABLE INDEX/);
      expect(steps, name).toContain('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
      expect(steps, name).toContain('SEARCH c USING INTEGER PRIMARY KEY (rowid=?)');
      expect(steps.join('\n'), name).toMatch(/SEARCH ct USING PRIMARY KEY \(conversation_id=\? AND tag_id=\?\)/);
      expect(steps.join('\n'), name).not.toMatch(/TEMP B-TREE|SCAN (c|m)\b/);
    }
    // Without other conditions the conversation is not even read.
    const bare = searchStatements(searchConditions({}));
    expect(plan(bare.hits, ['"colis"'])).toEqual([expect.stringMatching(/^SCAN f VIRTUAL TABLE INDEX/), 'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)']);

    expect(plan(sql.messagesFrom, [1, 1])).toEqual(['SEARCH messages USING COVERING INDEX messages_conversation (conversation_id=?)']);
    expect(plan(sql.hitIdsFrom, ['"colis"', 1])).toEqual([expect.stringMatching(/^SCAN messages_fts VIRTUAL TABLE INDEX/)]);
    expect(plan(sql.hitIds, ['"colis"'])).toEqual([expect.stringMatching(/^SCAN messages_fts VIRTUAL TABLE INDEX/)]);
    const enumerated = plan(sql.filterMessages, setParams).join('\n');
    expect(enumerated).toMatch(/SEARCH c USING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?\)/);
    expect(enumerated).toMatch(/SEARCH m USING COVERING INDEX messages_conversation \(conversation_id=\?\)/);
    expect(plan(sql.cappedCount, [...setParams, 10]).join('\n')).toMatch(/SEARCH c USING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?\)/);
    const counted = plan(sql.countFiltered, [...setParams, '"colis"']).join('\n');
    expect(counted).toMatch(/SEARCH c USING INDEX conv_assignee_activity \(assignee_id=\? AND status=\?\)/);
    expect(counted).toMatch(/VIRTUAL TABLE INDEX/);
    expect(plan(bare.countAll, ['"colis"']).join('\n')).toMatch(/SCAN f VIRTUAL TABLE INDEX[\s\S]*SEARCH m USING INTEGER PRIMARY KEY/);
  });
});
