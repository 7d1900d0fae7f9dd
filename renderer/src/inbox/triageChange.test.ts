import { describe, expect, it } from 'vitest';
import { applyChange, inverseOf } from './triageChange';
import { summary } from './testSummaries';

const now = 10_000;

describe('applyChange', () => {
  it('changes only the listed conversations', () => {
    const row = summary({ id: 1 });
    expect(applyChange(row, { kind: 'status', ids: [2], status: 'done' })).toBe(row);
    expect(applyChange(row, { kind: 'status', ids: [1], status: 'snoozed', snoozeUntil: 99 })).toMatchObject({ status: 'snoozed', snoozeUntil: 99 });
    expect(applyChange({ ...row, status: 'snoozed', snoozeUntil: 5 }, { kind: 'status', ids: [1], status: 'open' })).toMatchObject({ status: 'open', snoozeUntil: null });
  });

  it('adds a tag once, removes it, and assigns', () => {
    const row = summary({ id: 1, tagIds: [3] });
    expect(applyChange(row, { kind: 'tag', ids: [1], tagId: 3 }).tagIds).toEqual([3]);
    expect(applyChange(row, { kind: 'tag', ids: [1], tagId: 4 }).tagIds).toEqual([3, 4]);
    expect(applyChange(row, { kind: 'untag', ids: [1], tagId: 3 }).tagIds).toEqual([]);
    expect(applyChange(row, { kind: 'assign', ids: [1], memberId: 9 }).assigneeId).toBe(9);
  });
});

describe('inverseOf', () => {
  it('returns each conversation to its own previous status', () => {
    const before = [
      summary({ id: 1, status: 'open' }),
      summary({ id: 2, status: 'snoozed', snoozeUntil: 20_000 }),
      summary({ id: 3, status: 'open' }),
      summary({ id: 4, status: 'snoozed', snoozeUntil: 5_000 }),
    ];
    expect(inverseOf({ kind: 'status', ids: [1, 2, 3, 4], status: 'done' }, before, now)).toEqual([
      { kind: 'status', ids: [1, 3, 4], status: 'open' },
      { kind: 'status', ids: [2], status: 'snoozed', snoozeUntil: 20_000 },
    ]);
  });

  it('untags only what the tag action added, and re-tags only what untag removed', () => {
    const before = [summary({ id: 1, tagIds: [7] }), summary({ id: 2 })];
    expect(inverseOf({ kind: 'tag', ids: [1, 2], tagId: 7 }, before, now)).toEqual([{ kind: 'untag', ids: [2], tagId: 7 }]);
    expect(inverseOf({ kind: 'untag', ids: [1, 2], tagId: 7 }, before, now)).toEqual([{ kind: 'tag', ids: [1], tagId: 7 }]);
    expect(inverseOf({ kind: 'tag', ids: [1], tagId: 7 }, before, now)).toEqual([]);
  });

  it('gives every conversation its previous assignee back', () => {
    const before = [summary({ id: 1, assigneeId: 2 }), summary({ id: 2, assigneeId: null }), summary({ id: 3, assigneeId: 2 })];
    expect(inverseOf({ kind: 'assign', ids: [1, 2, 3], memberId: 5 }, before, now)).toEqual([
      { kind: 'assign', ids: [1, 3], memberId: 2 },
      { kind: 'assign', ids: [2], memberId: null },
    ]);
  });
});
