import { describe, expect, it } from 'vitest';
import { builtInViewFilter, byActivity, combineFilters, matchesFilter, savedViewId, savedViewKey } from './inboxFilter';
import { summary } from './testSummaries';

describe('builtInViewFilter', () => {
  it('gives each view its filter, and none for "mine" until "me" is known', () => {
    expect(builtInViewFilter('inbox', null)).toEqual({ status: ['open'], held: false });
    expect(builtInViewFilter('mine', null)).toBeNull();
    expect(builtInViewFilter('mine', 7)).toEqual({ status: ['open', 'pending'], assigneeId: 7, held: false });
    expect(builtInViewFilter('unassigned', 7)).toEqual({ status: ['open'], unassigned: true, held: false });
  });

  it('keeps held conversations out of the working views and in the review queue only', () => {
    const held = summary({ id: 9, held: true });
    expect(matchesFilter(held, builtInViewFilter('inbox', 7)!)).toBe(false);
    expect(matchesFilter(held, builtInViewFilter('unassigned', 7)!)).toBe(false);
    expect(matchesFilter({ ...held, assigneeId: 7 }, builtInViewFilter('mine', 7)!)).toBe(false);
    expect(matchesFilter({ ...held, held: false, assigneeId: 7 }, builtInViewFilter('mine', 7)!)).toBe(true);
    expect(matchesFilter(held, builtInViewFilter('held', 7)!)).toBe(true);
    expect(matchesFilter({ ...held, held: false }, builtInViewFilter('held', 7)!)).toBe(false);
    expect(matchesFilter({ ...held, held: false }, builtInViewFilter('inbox', 7)!)).toBe(true);
  });
});

describe('combineFilters', () => {
  it('lets refinements replace view fields and adds a trimmed query', () => {
    expect(combineFilters({ status: ['open'] }, { status: ['done'], network: ['bluesky'] }, '  colis ')).toEqual({
      status: ['done'],
      network: ['bluesky'],
      query: 'colis',
    });
  });

  it('keeps a saved view’s query and adds the search box’s words to it', () => {
    expect(combineFilters({ query: 'colis' }, {}, '')).toEqual({ query: 'colis' });
    expect(combineFilters({ query: 'colis' }, {}, ' cassé ')).toEqual({ query: 'colis cassé' });
  });

  it('drops the opposite assignee condition of the view', () => {
    expect(combineFilters({ status: ['open'], unassigned: true }, { assigneeId: 3 }, '')).toEqual({ status: ['open'], assigneeId: 3 });
    expect(combineFilters({ assigneeId: 3 }, { unassigned: true }, ' ')).toEqual({ unassigned: true });
  });
});

describe('matchesFilter', () => {
  const row = summary({ id: 1, status: 'open', tagIds: [4], assigneeId: 2, unread: false, lastActivityAt: 500 });

  it('checks every locally known field', () => {
    expect(matchesFilter(row, { status: ['open'], tagId: 4, assigneeId: 2, unread: false })).toBe(true);
    expect(matchesFilter(row, { status: ['done'] })).toBe(false);
    expect(matchesFilter(row, { tagId: 5 })).toBe(false);
    expect(matchesFilter(row, { unassigned: true })).toBe(false);
    expect(matchesFilter(row, { unassigned: false })).toBe(true);
    expect(matchesFilter(row, { network: ['bluesky'] })).toBe(false);
    expect(matchesFilter(row, { since: 500, until: 501 })).toBe(true);
    expect(matchesFilter(row, { until: 500 })).toBe(false);
  });

  it('leaves the full-text query to the core', () => {
    expect(matchesFilter(row, { query: 'absent words' })).toBe(true);
  });
});

describe('view keys and order', () => {
  it('round-trips saved view ids and sorts newest first', () => {
    expect(savedViewId(savedViewKey(12))).toBe(12);
    expect(savedViewId('inbox')).toBeNull();
    const rows = [summary({ id: 1, lastActivityAt: 5 }), summary({ id: 2, lastActivityAt: 9 }), summary({ id: 3, lastActivityAt: 5 })];
    expect(rows.sort(byActivity).map((r) => r.id)).toEqual([2, 3, 1]);
  });
});
