/**
 * Hiding replies on Bluesky: the author of a thread's root post lists hidden reply URIs in the
 * thread's threadgate record (`app.bsky.feed.threadgate`, same rkey as the root post, at most 300
 * URIs). These pure functions compute the next record from the current one, keeping everything
 * else in it (the `allow` reply rules above all) as it was.
 */
import { ConnectorError } from '../types';
import { THREADGATE_COLLECTION } from './wire';

/** The lexicon's cap on `hiddenReplies`. */
export const MAX_HIDDEN_REPLIES = 300;

/** The next threadgate record, and whether it differs from the current one. */
export interface ThreadgateChange {
  record: Record<string, unknown>;
  changed: boolean;
}

function hiddenList(record: Record<string, unknown> | null): string[] {
  const list = record?.hiddenReplies;
  return Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string') : [];
}

/**
 * Adds `replyUri` to the hidden replies of the thread rooted at `rootUri`, creating the record if
 * there is none (with no `allow`: anyone may still reply). Throws `not-supported` when 300 replies
 * are already hidden.
 */
export function hideInThreadgate(current: Record<string, unknown> | null, rootUri: string, replyUri: string, now: number): ThreadgateChange {
  const hidden = hiddenList(current);
  if (hidden.includes(replyUri)) return { record: current ?? {}, changed: false };
  if (hidden.length >= MAX_HIDDEN_REPLIES) {
    throw new ConnectorError(
      'not-supported',
      `This Bluesky thread already hides ${MAX_HIDDEN_REPLIES} replies, the most a thread can hide. Unhide one first, or block or report the author instead.`,
    );
  }
  const record: Record<string, unknown> = current
    ? { ...current, hiddenReplies: [...hidden, replyUri] }
    : { $type: THREADGATE_COLLECTION, post: rootUri, createdAt: new Date(now).toISOString(), hiddenReplies: [replyUri] };
  return { record, changed: true };
}

/** Removes `replyUri` from the hidden replies; unchanged when it was not hidden (or no record). */
export function unhideInThreadgate(current: Record<string, unknown> | null, replyUri: string): ThreadgateChange | null {
  if (!current) return null;
  const hidden = hiddenList(current);
  if (!hidden.includes(replyUri)) return { record: current, changed: false };
  return { record: { ...current, hiddenReplies: hidden.filter((u) => u !== replyUri) }, changed: true };
}
