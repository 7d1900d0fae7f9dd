import { afterEach, describe, expect, it } from 'vitest';
import type { InboxFilter } from '../../../shared/contract';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { buildListQuery } from './inbox';
import { parseSearchQuery } from './search';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

function plan(filter: InboxFilter, cursor: string | null = null): string {
  const q = buildListQuery(filter, cursor, 50);
  return core.db
    .prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
    .all(...q.params)
    .map((r) => (r as { detail: string }).detail)
    .join('\n');
}

describe('inbox list', () => {
  it('uses an index behind every filter (EXPLAIN QUERY PLAN)', () => {
    core = makeCore();
    const cases: [InboxFilter, RegExp][] = [
      [{}, /USING INDEX conv_activity/],
      [{ status: ['open'] }, /USING INDEX conv_status_activity/],
      [{ network: ['youtube'], status: ['open'] }, /USING INDEX conv_network_activity/],
      [{ accountId: [1], status: ['open'] }, /USING INDEX conv_account_activity/],
      [{ assigneeId: 1, status: ['open'] }, /USING INDEX conv_assignee_activity/],
      [{ unassigned: true, status: ['open'] }, /USING INDEX conv_assignee_activity/],
      [{ unread: true, status: ['open'] }, /USING INDEX conv_unread_activity/],
      [{ held: true }, /USING INDEX conv_held_activity/],
      [{ tagId: 1 }, /conversation_tags_tag/],
      [{ query: 'colis' }, /VIRTUAL TABLE INDEX/],
      [{ status: ['open'], since: 1, until: 2 }, /USING INDEX conv_status_activity/],
    ];
    for (const [filter, expected] of cases) {
      const p = plan(filter);
      expect(p, JSON.stringify(filter)).toMatch(expected);
      expect(p, JSON.stringify(filter)).not.toMatch(/SCAN c\b(?! USING)/);
    }
    expect(plan({ status: ['open'] }, '100.5')).toMatch(/USING INDEX conv_status_activity/);
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
    expect(parseSearchQuery('a OR b').match).toBe('"a" AND "OR" AND "b"');
  });
});
