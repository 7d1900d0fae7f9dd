/**
 * Edits and deletions of comments, which the Graph API does not announce to a client that polls
 * (Meta sends them to webhooks only): the cursor keeps the recent incoming comments (id, where
 * they are, a hash of their text, when they were written), and each poll reads their posts'
 * comments far enough back to see them again. One no longer listed was deleted; one whose text
 * changed was edited. Bounded: the newest `max` comments of the last `keepMs`.
 */
import { createHash } from 'node:crypto';
import type { NormalizedDeletion, NormalizedItem } from '../types';

/** [comment id, post or media id, text hash, written at (epoch ms)] */
export type Watched = [string, string, string, number];

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

export function readWatched(raw: unknown): Watched[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((w): w is Watched => Array.isArray(w) && w.length === 4 && typeof w[0] === 'string' && typeof w[1] === 'string' && typeof w[2] === 'string' && typeof w[3] === 'number');
}

/** How far back a container must be read to see its watched comments again (null: none watched). */
export function oldestWatched(watched: readonly Watched[], container: string): number | null {
  let oldest: number | null = null;
  for (const w of watched) if (w[1] === container && (oldest === null || w[3] < oldest)) oldest = w[3];
  return oldest;
}

/**
 * Compares what a poll read with what was watched. `complete`: containers whose comments were
 * read whole back to their oldest watched comment (only there can absence mean deletion).
 */
export function reconcile(
  watched: readonly Watched[],
  read: readonly NormalizedItem[],
  containerOf: (item: NormalizedItem) => string | null,
  complete: ReadonlySet<string>,
  now: number,
  options: { keepMs: number; max: number },
): { edited: Set<string>; deleted: NormalizedDeletion[]; next: Watched[] } {
  const seen = new Map(read.map((item) => [item.remoteId, item]));
  const edited = new Set<string>();
  const deleted: NormalizedDeletion[] = [];
  const next = new Map<string, Watched>();
  for (const w of watched) {
    const item = seen.get(w[0]);
    if (item) {
      const hash = textHash(item.text);
      if (hash !== w[2]) edited.add(w[0]);
      next.set(w[0], [w[0], w[1], hash, w[3]]);
    } else if (complete.has(w[1])) {
      deleted.push({ remoteId: w[0], deletedAt: now });
    } else {
      next.set(w[0], w);
    }
  }
  for (const item of read) {
    const container = containerOf(item);
    if (item.direction !== 'in' || container === null || next.has(item.remoteId)) continue;
    next.set(item.remoteId, [item.remoteId, container, textHash(item.text), item.createdAt]);
  }
  const kept = [...next.values()]
    .filter((w) => w[3] >= now - options.keepMs)
    .sort((a, b) => b[3] - a[3])
    .slice(0, options.max);
  return { edited, deleted, next: kept };
}
