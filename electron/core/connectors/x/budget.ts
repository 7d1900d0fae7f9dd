/**
 * X's monthly read budget. X bills API reads per resource returned (each post, user and DM event
 * in an answer, expansions included), so the user caps the reads of an account for the calendar
 * month (UTC, X's billing month). The connector plans every page so that it can never pass the
 * cap: a page is asked for only when its largest possible answer still fits.
 */

/** The default cap offered at sign-in: 10,000 reads a month. */
export const DEFAULT_MONTHLY_READ_CAP = 10_000;

/** The month a time falls in, `YYYY-MM` in UTC. */
export function monthOf(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/** When the month of `now` ends (the next month's first instant, UTC), epoch ms. */
export function nextMonthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Reads of the current month: the stored count, or zero when a new month began. */
export function readsThisMonth(stored: { month: string; reads: number } | null, now: number): number {
  return stored && stored.month === monthOf(now) ? stored.reads : 0;
}

/**
 * The largest page (items asked for) whose answer fits in what is left of the cap, each item
 * bringing at most `readsPerItem` resources (the item and its expansions); null when even the
 * smallest page the endpoint accepts does not fit.
 */
export function affordablePageSize(left: number, readsPerItem: number, min: number, max: number): number | null {
  const size = Math.min(max, Math.floor(Math.max(0, left) / readsPerItem));
  return size >= min ? size : null;
}
