/**
 * Where polling stands, stored with each page (plain data, no secret).
 *
 * Mentions: X lists them newest first; `since_id` bounds a sweep from below and `pagination_token`
 * walks it down. The newest id of a sweep becomes the next `since_id` only once the sweep reached
 * its end, so a poll interrupted mid-sweep (crash, 429, cap) resumes the same sweep: no gap.
 * DM events: newest first, no `since_id`; a sweep walks pages until it meets an event already seen.
 * The month's reads (the budget) travel with the cursor, committed with the items they brought.
 */
import { z } from 'zod';

const Sweep = z.object({ newest: z.string(), token: z.string() }).nullable();

const XCursor = z.object({
  v: z.literal(1),
  month: z.string(),
  reads: z.number().int().nonnegative(),
  mentions: z.object({ sinceId: z.string().nullable(), sweep: Sweep }),
  dms: z.object({ newestId: z.string().nullable(), sweep: Sweep }),
});
export type XCursor = z.infer<typeof XCursor>;

export function readCursor(text: string | null, month: string): XCursor {
  if (text) {
    try {
      const parsed = XCursor.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // A cursor from an older build: start over (the store deduplicates).
    }
  }
  return { v: 1, month, reads: 0, mentions: { sinceId: null, sweep: null }, dms: { newestId: null, sweep: null } };
}

export function writeCursor(cursor: XCursor): string {
  return JSON.stringify(cursor);
}
