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
import { randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';

/**
 * The random source: crypto-strong bytes drawn from a pool. The package's own default asks the
 * system for one byte per character, after detecting its environment on every call (measured here:
 * about 200 µs an id, 62 s for 300,000), which would dominate ingest and the 0050 backfill.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
function prng(): number {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

const monotonic = monotonicFactory(prng);

/** A new id for a record created now. */
export function newUid(): string {
  return monotonic();
}

/** An id for a record created at `at` (epoch ms), for backfilling rows that existed before uids. */
export function uidAt(at: number): string {
  return ulid(Number.isFinite(at) && at >= 0 ? at : 0, prng);
}
