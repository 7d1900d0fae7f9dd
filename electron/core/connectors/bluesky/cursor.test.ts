import { describe, expect, it } from 'vitest';
import type { NotificationPage } from './client';
import { afterGapRead, afterHeadRead, decodeCursor, encodeCursor, readNewNotifications, type PollCursorState } from './cursor';
import type { WireNotification } from './wire';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const REASONS = ['reply', 'mention', 'quote'];
const SETTINGS = { overlapMs: 60_000, maxRecent: 100, sweepEveryMs: 3_600_000 };

function note(id: number, at: number, reason = 'reply'): WireNotification {
  return {
    uri: `at://did:plc:a/app.bsky.feed.post/${id}`,
    cid: 'bafy',
    author: { did: 'did:plc:a', handle: 'a.test' },
    reason,
    record: {},
    isRead: false,
    indexedAt: new Date(at).toISOString(),
  };
}

/** A fake listNotifications over a list kept newest first, paging by offset. */
function feed(list: WireNotification[], pageSize: number) {
  const sorted = () => [...list].sort((a, b) => Date.parse(b.indexedAt) - Date.parse(a.indexedAt));
  return async (cursor: string | undefined): Promise<NotificationPage> => {
    const start = cursor ? Number(cursor) : 0;
    const all = sorted();
    const next = start + pageSize;
    return { notifications: all.slice(start, next), invalid: [], cursor: next < all.length ? String(next) : null };
  };
}

/** One poll as the connector does it. */
async function poll(list: WireNotification[], state: PollCursorState, pageSize: number, maxPages: number, floorIfNew: number) {
  const fetchPage = feed(list, pageSize);
  const opts = { maxPages, reasons: REASONS, settings: SETTINGS };
  if (state.gap) {
    const read = await readNewNotifications(fetchPage, state.gap.apiCursor, { floor: state.gap.floor, known: [...state.gap.floorRecent, ...state.recent] }, opts);
    return { read, next: afterGapRead(state, read, SETTINGS) };
  }
  const floor = state.mark ?? floorIfNew;
  const read = await readNewNotifications(fetchPage, undefined, { floor, known: state.recent }, opts);
  return { read, next: afterHeadRead(state, floor, read, SETTINGS) };
}

describe('poll cursor', () => {
  it('delivers every notification exactly once, oldest first per batch, across backlogs, gaps, ties and late arrivals', async () => {
    const list: WireNotification[] = [];
    for (let i = 0; i < 45; i++) list.push(note(i, T0 + Math.floor(i / 2) * 1000, i % 7 === 0 ? 'like' : 'reply'));
    let state = decodeCursor(null);
    const delivered: string[] = [];
    const drain = async () => {
      for (let i = 0; i < 20; i++) {
        const { read, next } = await poll(list, state, 4, 2, T0 - 86_400_000);
        const times = read.fresh.map((f) => f.at);
        expect([...times].sort((a, b) => a - b)).toEqual(times);
        delivered.push(...read.fresh.map((f) => f.notification.uri));
        state = decodeCursor(encodeCursor(next));
        if (!next.gap) return;
      }
      throw new Error('never caught up');
    };
    await drain();
    // A tie with the newest delivered, a late one inside the overlap window, and new ones.
    const newest = T0 + 22_000;
    list.push(note(100, newest), note(101, newest - 30_000));
    for (let i = 0; i < 9; i++) list.push(note(200 + i, newest + 5000 + i));
    await drain();
    await drain();

    const expected = list.filter((n) => n.reason !== 'like').map((n) => n.uri);
    expect(delivered.length).toBe(new Set(delivered).size);
    expect(new Set(delivered)).toEqual(new Set(expected));
  });

  it('ignores what is older than the overlap window and, on a first poll, older than the backfill floor', async () => {
    const list = [note(1, T0 - 10 * 60_000), note(2, T0)];
    const first = await poll(list, decodeCursor(null), 10, 5, T0 - 60_000 - 1);
    expect(first.read.fresh.map((f) => f.notification.uri)).toEqual([list[1]!.uri]);
    // Something indexed late, but older than the window: treated as old.
    list.push(note(3, T0 - 2 * 60_000 - 1));
    const second = await poll(list, first.next, 10, 5, 0);
    expect(second.read.fresh).toEqual([]);
    expect(second.read.complete).toBe(true);
  });

  it('starts afresh from an unreadable cursor', () => {
    expect(decodeCursor('{nope')).toEqual({ v: 1, mark: null, recent: [], gap: null });
    expect(decodeCursor(JSON.stringify({ v: 2 })).mark).toBeNull();
    const state: PollCursorState = {
      v: 1,
      mark: T0,
      recent: [['at://x/app.bsky.feed.post/1', T0]],
      gap: { apiCursor: 'c', floor: null, floorRecent: [] },
      sweep: { apiCursor: '2026-01-01T00:00:00.000Z', floor: T0 - 1000 },
      sweptAt: T0,
    };
    expect(decodeCursor(encodeCursor(state))).toEqual(state);
  });
});
