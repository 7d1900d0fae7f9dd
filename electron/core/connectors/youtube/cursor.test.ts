import { describe, expect, it } from 'vitest';
import { advanceMark, initialCursor, isAfterMark, laterMark, readCursor, watchThread, writeCursor, type WatchedThread } from './cursor';

describe('marks', () => {
  it('deliver each comment once, ties at the same second included', () => {
    let mark = { at: 100, ids: ['a'] };
    expect(isAfterMark(mark, 99, 'x')).toBe(false);
    expect(isAfterMark(mark, 100, 'a')).toBe(false);
    expect(isAfterMark(mark, 100, 'b')).toBe(true);
    mark = advanceMark(mark, 100, 'b');
    expect(mark).toEqual({ at: 100, ids: ['a', 'b'] });
    expect(isAfterMark(mark, 100, 'b')).toBe(false);
    mark = advanceMark(mark, 101, 'c');
    expect(mark).toEqual({ at: 101, ids: ['c'] });
    expect(advanceMark(mark, 50, 'old')).toBe(mark);
  });

  it('merge to the later one', () => {
    expect(laterMark({ at: 1, ids: ['a'] }, { at: 2, ids: ['b'] })).toEqual({ at: 2, ids: ['b'] });
    expect(laterMark({ at: 2, ids: ['a'] }, { at: 2, ids: ['b', 'a'] })).toEqual({ at: 2, ids: ['a', 'b'] });
  });
});

describe('reading a stored cursor', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');

  it('starts with the whole review queue and a week of published comments', () => {
    const c = readCursor(null, now, 7 * 86_400_000);
    expect(c.marks.heldForReview).toEqual({ at: 0, ids: [] });
    expect(c.marks.published).toEqual({ at: now - 7 * 86_400_000, ids: [] });
    expect(c.step).toBe('heldForReview');
  });

  it('round-trips, and starts afresh from a damaged or foreign cursor instead of guessing', () => {
    const c = { ...initialCursor(now, 1000), step: 'watch' as const, cycle: 7 };
    expect(readCursor(writeCursor(c), now, 1000)).toEqual(c);
    expect(readCursor('{not json', now, 1000)).toEqual(initialCursor(now, 1000));
    expect(readCursor(JSON.stringify({ ...c, v: 2 }), now, 1000)).toEqual(initialCursor(now, 1000));
    expect(readCursor('"max_id=123"', now, 1000)).toEqual(initialCursor(now, 1000));
  });
});

describe('the watch list', () => {
  const entry = (id: string, activeAt: number): WatchedThread => ({ id, replies: 0, mark: { at: 0, ids: [] }, activeAt, checkedCycle: 1 });

  it('keeps the most recently active threads, replacing an entry in place', () => {
    let watch = [entry('a', 1), entry('b', 2)];
    watch = watchThread(watch, entry('c', 3), 2);
    expect(watch.map((w) => w.id)).toEqual(['c', 'b']);
    watch = watchThread(watch, entry('b', 5), 2);
    expect(watch.map((w) => [w.id, w.activeAt])).toEqual([
      ['b', 5],
      ['c', 3],
    ]);
  });
});
