/**
 * Stable string ids for shared records (conversations, messages, tags, notes, saved views, saved
 * replies, rules, members): a ULID next to each integer key. A team workspace will sync records
 * between desktops by this id; the integer keys stay local.
 *
 * Why ULIDs (the `ulid` package, ulid/javascript): unique without coordination like a UUID, and
 * time-ordered, so a unique index over them grows at its right edge (ingest inserts append instead
 * of landing at random pages, which UUIDv4 would do). The monotonic factory keeps that order
 * within one millisecond too.
 */
import { monotonicFactory, ulid } from 'ulid';

const monotonic = monotonicFactory();

/** A new id for a record created now. */
export function newUid(): string {
  return monotonic();
}

/** An id for a record created at `at` (epoch ms), for backfilling rows that existed before uids. */
export function uidAt(at: number): string {
  return ulid(Number.isFinite(at) && at >= 0 ? at : 0);
}
