/**
 * The poll cursor for listNotifications, which pages from the newest notification backwards.
 *
 * Each poll reads from the top down to what an earlier poll already delivered (the "mark", the
 * newest indexedAt delivered), and returns the new items oldest first. Notifications can be
 * indexed a little late, or share a timestamp, so the cursor also remembers the URIs delivered in
 * the last `overlapMs` before the mark: anything in that window not in the list is new, anything
 * older than the window is old. When the new items do not fit in one poll's page budget, the
 * newest ones are delivered and the cursor keeps a "gap" (the network's own page cursor and the
 * old mark) that the next polls read down before anything else. The cursor is saved with the
 * items in one transaction, so a crash re-reads a page (the store deduplicates) and never skips.
 */
import type { NotificationPage } from './client';
import type { WireNotification } from './wire';

/** A URI and its time (epoch ms). */
type Seen = [uri: string, at: number];

/** What the cursor string holds (versioned JSON). */
export interface PollCursorState {
  v: 1;
  /** The newest indexedAt delivered (epoch ms); null before the first poll. */
  mark: number | null;
  /** URIs delivered within the overlap window before `mark`. */
  recent: Seen[];
  /** An older stretch still to read, when a backlog did not fit in one poll. */
  gap: { apiCursor: string; floor: number | null; floorRecent: Seen[] } | null;
}

/** How far the cursor looks back for late or tied notifications, and how much it remembers. */
export interface CursorSettings {
  overlapMs: number;
  maxRecent: number;
}

export const DEFAULT_CURSOR_SETTINGS: CursorSettings = { overlapMs: 10 * 60_000, maxRecent: 1000 };

const EMPTY: PollCursorState = { v: 1, mark: null, recent: [], gap: null };

function isSeenList(value: unknown): value is Seen[] {
  return Array.isArray(value) && value.every((s) => Array.isArray(s) && typeof s[0] === 'string' && typeof s[1] === 'number');
}

/** Reads a stored cursor; null or an unreadable one starts afresh (the store deduplicates). */
export function decodeCursor(raw: string | null): PollCursorState {
  if (!raw) return EMPTY;
  try {
    const v = JSON.parse(raw) as Partial<PollCursorState>;
    if (v.v !== 1 || (v.mark !== null && typeof v.mark !== 'number') || !isSeenList(v.recent)) return EMPTY;
    const gap = v.gap;
    const gapOk = gap === null || (gap !== undefined && typeof gap.apiCursor === 'string' && (gap.floor === null || typeof gap.floor === 'number') && isSeenList(gap.floorRecent));
    return { v: 1, mark: v.mark ?? null, recent: v.recent, gap: gapOk ? (gap ?? null) : null };
  } catch {
    return EMPTY;
  }
}

export function encodeCursor(state: PollCursorState): string {
  return JSON.stringify(state);
}

/** What is already known: everything before `floor - overlap`, and the URIs in `known`. */
export interface KnownWindow {
  floor: number | null;
  known: Seen[];
}

/** One new notification, with its time. */
export interface FreshNotification {
  notification: WireNotification;
  at: number;
}

export interface ReadResult {
  /** New notifications, oldest first. */
  fresh: FreshNotification[];
  /** New items that could not be read, with the reason. */
  skipped: { remoteId: string | null; reason: string; at: number | null }[];
  /** True when the read reached known items or the end of the list. */
  complete: boolean;
  /** The network's cursor to continue from when not complete. */
  endCursor: string | null;
}

/**
 * Reads pages from `startCursor` (undefined: the top) until it meets a known item, the end of the
 * list or `maxPages`. Notifications of other reasons are passed over silently.
 */
export async function readNewNotifications(
  fetchPage: (cursor: string | undefined) => Promise<NotificationPage>,
  startCursor: string | undefined,
  window: KnownWindow,
  opts: { maxPages: number; reasons: readonly string[]; settings?: CursorSettings },
): Promise<ReadResult> {
  const settings = opts.settings ?? DEFAULT_CURSOR_SETTINGS;
  const known = new Set(window.known.map(([uri]) => uri));
  const horizon = window.floor === null ? null : window.floor - settings.overlapMs;
  const isOld = (at: number) => horizon !== null && at < horizon;
  const fresh: FreshNotification[] = [];
  const skipped: ReadResult['skipped'] = [];
  const taken = new Set<string>();
  let cursor = startCursor;
  for (let page = 0; page < opts.maxPages; page++) {
    const result = await fetchPage(cursor);
    let reachedOld = false;
    for (const n of result.notifications) {
      const at = Date.parse(n.indexedAt);
      if (Number.isNaN(at)) {
        skipped.push({ remoteId: n.uri, reason: `indexedAt is not a date: ${n.indexedAt}`, at: null });
        continue;
      }
      if (isOld(at)) {
        reachedOld = true;
        continue;
      }
      if (known.has(n.uri) || taken.has(n.uri)) continue;
      taken.add(n.uri);
      if (opts.reasons.includes(n.reason)) fresh.push({ notification: n, at });
    }
    for (const bad of result.invalid) {
      const at = bad.indexedAt ? Date.parse(bad.indexedAt) : Number.NaN;
      const time = Number.isNaN(at) ? null : at;
      if (time !== null && isOld(time)) continue;
      if (bad.remoteId && (known.has(bad.remoteId) || taken.has(bad.remoteId))) continue;
      if (bad.remoteId) taken.add(bad.remoteId);
      skipped.push({ remoteId: bad.remoteId, reason: bad.reason, at: time });
    }
    if (reachedOld || !result.cursor) return { fresh: oldestFirst(fresh), skipped, complete: true, endCursor: null };
    cursor = result.cursor;
  }
  return { fresh: oldestFirst(fresh), skipped, complete: false, endCursor: cursor ?? null };
}

function oldestFirst(items: FreshNotification[]): FreshNotification[] {
  // The pages came newest first; reverse keeps the network's order among equal times.
  return [...items].reverse().sort((a, b) => a.at - b.at);
}

/** Keeps the URIs inside the overlap window before `mark`, newest first, at most `maxRecent`. */
export function pruneRecent(seen: Seen[], mark: number | null, settings: CursorSettings = DEFAULT_CURSOR_SETTINGS): Seen[] {
  if (mark === null) return [];
  const byUri = new Map<string, number>();
  for (const [uri, at] of seen) if (at >= mark - settings.overlapMs) byUri.set(uri, at);
  return [...byUri.entries()].sort((a, b) => b[1] - a[1]).slice(0, settings.maxRecent);
}

/** The URIs and times a read delivered (or skipped with a readable time): they are now known. */
export function seenBy(result: ReadResult): Seen[] {
  const seen: Seen[] = result.fresh.map((f) => [f.notification.uri, f.at]);
  for (const s of result.skipped) if (s.remoteId && s.at !== null) seen.push([s.remoteId, s.at]);
  return seen;
}

/**
 * The next cursor after reading from the top (no gap): the mark moves to the newest time seen;
 * an incomplete read leaves a gap down to the old mark (or the first poll's backfill floor).
 */
export function afterHeadRead(state: PollCursorState, floor: number | null, result: ReadResult, settings: CursorSettings = DEFAULT_CURSOR_SETTINGS): PollCursorState {
  const seen = seenBy(result);
  const newest = seen.reduce<number | null>((max, [, at]) => (max === null || at > max ? at : max), null);
  const mark = newest === null ? (state.mark ?? floor) : Math.max(newest, state.mark ?? newest);
  const recent = pruneRecent([...state.recent, ...seen], mark, settings);
  const gap = result.complete || !result.endCursor ? null : { apiCursor: result.endCursor, floor, floorRecent: state.recent };
  return { v: 1, mark, recent, gap };
}

/** The next cursor after reading inside the gap: the gap narrows or closes; the mark stays. */
export function afterGapRead(state: PollCursorState, result: ReadResult, settings: CursorSettings = DEFAULT_CURSOR_SETTINGS): PollCursorState {
  const gap = state.gap;
  const recent = pruneRecent([...state.recent, ...seenBy(result)], state.mark, settings);
  const nextGap = !gap || result.complete || !result.endCursor ? null : { ...gap, apiCursor: result.endCursor };
  return { v: 1, mark: state.mark, recent, gap: nextGap };
}
