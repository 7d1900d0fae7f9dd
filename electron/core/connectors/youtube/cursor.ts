/**
 * The YouTube poll cursor: where polling stands, stored by the scheduler with each page.
 *
 * YouTube lists comment threads newest first, with no "since" filter and opaque page tokens, in
 * three listings Parvis reads: the two review queues (`heldForReview`, and `likelySpam`, which
 * YouTube Studio shows as "Likely spam": false positives are real customers) and the published
 * comments. One poll reads one page; a *cycle* is: page through the review queues, then the
 * published comments, then re-check the watched threads. For each listing the cursor keeps a *mark*: the newest
 * comment time already delivered plus the ids delivered at exactly that time (timestamps have
 * one-second precision, so ties are common). A comment is delivered when it is after the mark, so
 * a page read twice (after a crash, before its cursor was stored) delivers nothing twice, and a
 * comment that arrives while a cycle pages through older threads is newer than the mark and is
 * delivered by the next cycle. The mark only moves when a listing has been read down to it, so an
 * interrupted cycle leaves no gap.
 *
 * A new reply does not move its thread to the top of the listing, so a sweep reads a little past
 * the mark (`lookback`) and a bounded list of recently active threads is re-checked once per
 * cycle by id (one call for up to 50 threads): a changed reply count fetches their replies.
 * A review queue lists a thread when one of its replies waits there, still at the place of its
 * (old) top-level comment, and cannot be re-checked by id: queues are read to their end each
 * cycle (up to a number of pages), and what the store already has is not delivered again.
 */
import { z } from 'zod';

export type Listing = 'heldForReview' | 'likelySpam' | 'published';

/** The listings whose comments wait for the channel's decision. */
export const REVIEW_QUEUES: readonly Listing[] = ['heldForReview', 'likelySpam'];

/** Newest time delivered, and the ids delivered at exactly that time. */
export interface Mark {
  at: number;
  ids: string[];
}

/** A thread whose replies are re-checked each cycle. */
export interface WatchedThread {
  id: string;
  /** Published replies known. */
  replies: number;
  /** Newest reply delivered. */
  mark: Mark;
  /** Time of its newest comment; the least recently active thread leaves the list first. */
  activeAt: number;
  /** The cycle that last looked at it (a sweep or the re-check). */
  checkedCycle: number;
}

export interface YouTubeCursor {
  v: 1;
  cycle: number;
  /** What the next poll does. */
  step: Listing | 'watch';
  marks: Record<Listing, Mark>;
  /**
   * The listing being paged through: the next page, the newest top-level comment seen so far, and
   * for a review queue the pages read and the newest comment of any kind delivered.
   */
  sweep: { pageToken: string; newest: Mark; pages?: number; newestAny?: Mark } | null;
  watch: WatchedThread[];
}

/** Ids kept at one mark; more comments in one second than this may be delivered twice, never lost. */
const MAX_IDS_AT_MARK = 1000;

const MarkSchema = z.object({ at: z.number().finite(), ids: z.array(z.string()).max(MAX_IDS_AT_MARK) });
const START: Mark = { at: 0, ids: [] };
const CursorSchema = z.object({
  v: z.literal(1),
  cycle: z.number().int().nonnegative(),
  step: z.enum(['heldForReview', 'likelySpam', 'published', 'watch']),
  // Cursors stored before the likely-spam queue was read start it from the beginning.
  marks: z.object({ heldForReview: MarkSchema, likelySpam: MarkSchema.default(START), published: MarkSchema }),
  sweep: z
    .object({ pageToken: z.string().min(1), newest: MarkSchema, pages: z.number().int().nonnegative().optional(), newestAny: MarkSchema.optional() })
    .nullable(),
  watch: z.array(
    z.object({
      id: z.string().min(1),
      replies: z.number().int().nonnegative(),
      mark: MarkSchema,
      activeAt: z.number().finite(),
      checkedCycle: z.number().int().nonnegative(),
    }),
  ),
});

/**
 * The cursor of a first poll: the whole review queues (all of it awaits a decision, however old),
 * and the published comments of the last `backfillMs`.
 */
export function initialCursor(now: number, backfillMs: number): YouTubeCursor {
  return {
    v: 1,
    cycle: 1,
    step: 'heldForReview',
    marks: { heldForReview: START, likelySpam: START, published: { at: now - backfillMs, ids: [] } },
    sweep: null,
    watch: [],
  };
}

/**
 * Reads a stored cursor. Null starts afresh; so does an unreadable one (from another version or
 * damaged): the backfill then delivers again what the store already has, and the store's
 * deduplication by remote id makes that harmless, whereas guessing a position could skip.
 */
export function readCursor(text: string | null, now: number, backfillMs: number): YouTubeCursor {
  if (text === null) return initialCursor(now, backfillMs);
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: start afresh below
  }
  return initialCursor(now, backfillMs);
}

export function writeCursor(cursor: YouTubeCursor): string {
  return JSON.stringify(cursor);
}

/** True when a comment at `at` with `id` has not been delivered under `mark`. */
export function isAfterMark(mark: Mark, at: number, id: string): boolean {
  return at > mark.at || (at === mark.at && !mark.ids.includes(id));
}

/** The mark once the comment (`at`, `id`) is delivered too. */
export function advanceMark(mark: Mark, at: number, id: string): Mark {
  if (at > mark.at) return { at, ids: [id] };
  if (at === mark.at && !mark.ids.includes(id)) return { at, ids: [...mark.ids, id].slice(-MAX_IDS_AT_MARK) };
  return mark;
}

/** The later of two marks (ids merged when they are at the same time). */
export function laterMark(a: Mark, b: Mark): Mark {
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return { at: a.at, ids: [...new Set([...a.ids, ...b.ids])].slice(-MAX_IDS_AT_MARK) };
}

/** The watch list with `entry` added or replaced, keeping the `size` most recently active threads. */
export function watchThread(watch: readonly WatchedThread[], entry: WatchedThread, size: number): WatchedThread[] {
  const others = watch.filter((w) => w.id !== entry.id);
  return [...others, entry].sort((a, b) => b.activeAt - a.activeAt || a.id.localeCompare(b.id)).slice(0, size);
}
