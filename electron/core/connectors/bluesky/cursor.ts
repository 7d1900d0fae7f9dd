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
 *
 * What the real AppView does that this must survive (checked against @atproto/dev-env):
 * - It sorts and pages by min(createdAt, indexedAt) and shows that time as `indexedAt`, so a post
 *   whose createdAt is in the past (a skewed clock, an import) is listed *behind* the mark, where
 *   a read from the top stops. A periodic "sweep" reads the whole backfill window again, at most a
 *   page budget per poll, and delivers what is not known yet (the store says what it holds).
 * - Its cursor is the sort time alone and the next page starts strictly below it, so notifications
 *   that share that time with the last one of a page would be skipped: the next page is asked from
 *   one millisecond above it instead, and what is read twice is recognised by its URI.
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
  /** A sweep of the backfill window under way: where it goes on from (null: the top), and down to when. */
  sweep?: { apiCursor: string | null; floor: number } | null;
  /** When the last sweep started (epoch ms). */
  sweptAt?: number | null;
}

/** How far the cursor looks back for late or tied notifications, and how much it remembers. */
export interface CursorSettings {
  overlapMs: number;
  maxRecent: number;
  /** How often the backfill window is swept again for backdated notifications. */
  sweepEveryMs: number;
}

export const DEFAULT_CURSOR_SETTINGS: CursorSettings = { overlapMs: 10 * 60_000, maxRecent: 1000, sweepEveryMs: 60 * 60_000 };

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
    const sweep = v.sweep;
    const sweepOk = sweep && (sweep.apiCursor === null || typeof sweep.apiCursor === 'string') && typeof sweep.floor === 'number';
    return {
      v: 1,
      mark: v.mark ?? null,
      recent: v.recent,
      gap: gapOk ? (gap ?? null) : null,
      sweep: sweepOk ? sweep : null,
      sweptAt: typeof v.sweptAt === 'number' ? v.sweptAt : null,
    };
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
  fetchPage: (cursor: string | undefined, limit?: number) => Promise<NotificationPage>,
  startCursor: string | undefined,
  window: KnownWindow,
  opts: {
    maxPages: number;
    reasons: readonly string[];
    settings?: CursorSettings;
    /** Which of these URIs the inbox already holds (one call per page); absent: only `known` counts. */
    isKnown?: (uris: string[]) => Promise<Set<string>> | Set<string>;
  },
): Promise<ReadResult> {
  const settings = opts.settings ?? DEFAULT_CURSOR_SETTINGS;
  const known = new Set(window.known.map(([uri]) => uri));
  const horizon = window.floor === null ? null : window.floor - settings.overlapMs;
  const isOld = (at: number) => horizon !== null && at < horizon;
  const fresh: FreshNotification[] = [];
  const skipped: ReadResult['skipped'] = [];
  const taken = new Set<string>();
  let cursor = startCursor;
  let wide = false;
  for (let page = 0; page < opts.maxPages; page++) {
    const result = await fetchPage(cursor, wide ? MAX_PAGE : undefined);
    if (opts.isKnown) {
      const uris = [...result.notifications.map((n) => n.uri), ...result.invalid.flatMap((b) => (b.remoteId ? [b.remoteId] : []))];
      if (uris.length) for (const uri of await opts.isKnown(uris)) known.add(uri);
    }
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
    const next = nextPageCursor(result.cursor, cursor);
    if (next === result.cursor && ISO_TIME.test(next) && !wide) {
      // A whole page shares one millisecond: read it again as wide as the network allows.
      wide = true;
      continue;
    }
    wide = false;
    cursor = next;
  }
  return { fresh: oldestFirst(fresh), skipped, complete: false, endCursor: cursor ?? null };
}

/** The most notifications listNotifications gives in one page. */
const MAX_PAGE = 100;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The cursor to ask the next page with. The AppView's cursor is the last row's sort time and the
 * next page holds only rows strictly older, so rows sharing that time but not on this page would
 * be lost: ask from one millisecond above it instead (rows read twice are recognised). Only when
 * that asks the very same page again (more rows share one millisecond than a page holds) is the
 * network's own cursor used. A cursor that is not a time is passed on as it came.
 */
export function nextPageCursor(networkCursor: string, usedCursor: string | undefined): string {
  if (!ISO_TIME.test(networkCursor)) return networkCursor;
  const at = Date.parse(networkCursor);
  if (Number.isNaN(at)) return networkCursor;
  const above = new Date(at + 1).toISOString();
  return above === usedCursor ? networkCursor : above;
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
  return { v: 1, mark, recent, gap, sweep: state.sweep ?? null, sweptAt: state.sweptAt ?? null };
}

/** The next cursor after reading inside the gap: the gap narrows or closes; the mark stays. */
export function afterGapRead(state: PollCursorState, result: ReadResult, settings: CursorSettings = DEFAULT_CURSOR_SETTINGS): PollCursorState {
  const gap = state.gap;
  const recent = pruneRecent([...state.recent, ...seenBy(result)], state.mark, settings);
  const nextGap = !gap || result.complete || !result.endCursor ? null : { ...gap, apiCursor: result.endCursor };
  return { ...state, v: 1, mark: state.mark, recent, gap: nextGap };
}

/** Whether this poll should start a sweep (none under way, none for `sweepEveryMs`). */
export function sweepDue(state: PollCursorState, now: number, settings: CursorSettings = DEFAULT_CURSOR_SETTINGS): boolean {
  if (state.gap || state.sweep || state.mark === null) return false;
  return state.sweptAt == null || now - state.sweptAt >= settings.sweepEveryMs;
}

/** The next cursor after a sweep read: it goes on from where it stopped, or ends. */
export function afterSweepRead(state: PollCursorState, sweep: { apiCursor: string | null; floor: number }, startedAt: number, result: ReadResult, settings: CursorSettings = DEFAULT_CURSOR_SETTINGS): PollCursorState {
  const recent = pruneRecent([...state.recent, ...seenBy(result)], state.mark, settings);
  const next = result.complete || !result.endCursor ? null : { apiCursor: result.endCursor, floor: sweep.floor };
  return { ...state, recent, sweep: next, sweptAt: state.sweep ? (state.sweptAt ?? startedAt) : startedAt };
}
