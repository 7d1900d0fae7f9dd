/**
 * Edits and deletions of posts Parvis already read. Discourse tells an API client of neither (no
 * notification for an edit of someone else's post, nothing at all for a deletion), so each poll
 * reads a few recently read posts again, within a fixed budget:
 *
 * - the posts of the inbox are watched (the newest `WATCHED_POSTS`, none older than `WATCH_DAYS`),
 *   each with a digest of its HTML, its hidden flag and its topic;
 * - `/latest.json` (topics by activity, one request) says which public topics were bumped since
 *   the last poll: a new version of a topic's last post bumps it (PostRevisor#bump_topic), so a
 *   post corrected right after it was written is found at the next poll;
 * - the rest rotates: each poll reads `RECHECK_REQUESTS` topics' watched posts
 *   (`/t/{id}/posts.json?post_ids[]=`), so a quiet edit of an older post, which leaves the topic's
 *   `bumped_at` where it was, is found within ceil(watched topics / RECHECK_REQUESTS) polls;
 * - a topic read in the same poll for new posts (a notification) brings its watched posts along in
 *   that request, and is not read again;
 * - a post missing from its topic's answer is asked for directly (`/posts/{id}.json`, at most
 *   `LOOKUPS` a poll): 404 deleted, found elsewhere moved (watched in its new topic).
 *
 * What it reports: an edit when the HTML changed (a "ninja edit" within the grace period keeps the
 * version but changes `cooked` and `updated_at`), dated by `updated_at` so that the one message
 * writer applies it once; a deletion for a post gone (not staff), with `deleted_at` (staff), or
 * deleted by its author (`user_deleted`, its text replaced by "(post deleted by author)"); the
 * hidden state when it changed. A hidden post's placeholder text (`cooked_hidden`) is never taken
 * for an edit. At most 1 + RECHECK_REQUESTS + LOOKUPS requests a poll, well under Discourse's
 * default 60 a minute per key; a 429 stops the poll and the scheduler waits (Retry-After).
 */
import { createHash } from 'node:crypto';
import type { ConversationKind } from '../../../../shared/model';
import type { NormalizedDeletion, NormalizedItem } from '../types';
import type { DiscourseClient } from './client';
import { convertPost, parsePost } from './convert';
import type { WirePost } from './wire';

export const WATCHED_POSTS = 200;
export const WATCH_DAYS = 30;
/** Topic reads a poll (one request each). */
export const RECHECK_REQUESTS = 3;
/** Post ids in one topic read. */
export const IDS_PER_REQUEST = 20;
/** Missing posts asked for directly, a poll. */
export const LOOKUPS = 2;

const FLAG_HIDDEN = 1;
const FLAG_DM = 2;
const FLAG_MENTION = 4;

/** A watched post: id, topic id, created (epoch s), digest of its HTML, flags (hidden, kind). */
export type Watched = [postId: number, topicId: number, createdSec: number, digest: string, flags: number];

export interface WatchState {
  /** Watched posts, newest id last. */
  w: Watched[];
  /** Last `bumped_at` seen of watched public topics: [topic id, epoch ms]. */
  b: [number, number][];
  /** The topic the rotation read last (it goes on with lower ids, then round again); 0 from the top. */
  o: number;
}

export function emptyWatch(): WatchState {
  return { w: [], b: [], o: 0 };
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** The watch from a cursor's fields; what does not fit is dropped (a smaller watch, never an error). */
export function readWatch(raw: { w?: unknown; b?: unknown; o?: unknown }): WatchState {
  const w = Array.isArray(raw.w)
    ? raw.w.filter((e): e is Watched => Array.isArray(e) && e.length === 5 && isInt(e[0]) && isInt(e[1]) && isInt(e[2]) && typeof e[3] === 'string' && e[3].length <= 16 && isInt(e[4]))
    : [];
  const b = Array.isArray(raw.b) ? raw.b.filter((e): e is [number, number] => Array.isArray(e) && e.length === 2 && isInt(e[0]) && isInt(e[1])) : [];
  return { w: w.slice(-WATCHED_POSTS), b, o: isInt(raw.o) && raw.o >= 0 ? raw.o : 0 };
}

export function digestOf(html: string): string {
  return createHash('sha256').update(html).digest('base64url').slice(0, 12);
}

function kindOf(flags: number): ConversationKind {
  return flags & FLAG_DM ? 'dm' : flags & FLAG_MENTION ? 'mention' : 'comment';
}

function flagsOf(kind: ConversationKind, hidden: boolean): number {
  return (hidden ? FLAG_HIDDEN : 0) | (kind === 'dm' ? FLAG_DM : kind === 'mention' ? FLAG_MENTION : 0);
}

/** A message of this poll to watch from now on (posts only: queued posts are not posts yet). */
export function watchEntry(item: NormalizedItem): Watched | null {
  const postId = Number(item.remoteId);
  const topicId = Number(item.extra?.topicId);
  if (!Number.isInteger(postId) || postId <= 0 || !Number.isInteger(topicId) || topicId <= 0 || item.extra?.queued === true) return null;
  return [postId, topicId, Math.floor(item.createdAt / 1000), digestOf(item.html ?? item.text), flagsOf(item.kind, item.moderation === 'hidden')];
}

export interface RecheckContext {
  forumUrl: string;
  me: string;
  now: number;
}

export interface RecheckResult {
  watch: WatchState;
  edited: NormalizedItem[];
  deleted: NormalizedDeletion[];
}

/**
 * One round of re-reading. `fresh` are the messages this poll brought, watched from now on;
 * `readNow` the ids of the posts among them read from the forum in this poll (up to date, not read
 * again). A flagged post brought by the review queue alone is still read again if it was watched:
 * the queue does not say whether it was edited or deleted since. Errors other than a refusal of one topic or post (a 429, a dead key, the forum down)
 * go up: the poll fails as a whole and its cursor is not moved, so nothing is lost.
 */
export async function recheck(
  client: DiscourseClient,
  state: WatchState,
  fresh: readonly NormalizedItem[],
  readNow: ReadonlySet<number>,
  ctx: RecheckContext,
  /** Watched posts already asked for with a topic's new posts in this poll: what the forum answered. */
  preRead: ReadonlyMap<number, { asked: number[]; posts: unknown[] }> = new Map(),
): Promise<RecheckResult> {
  const edited: NormalizedItem[] = [];
  const deleted: NormalizedDeletion[] = [];
  const oldest = Math.floor(ctx.now / 1000) - WATCH_DAYS * 86_400;
  // What this poll read anew is up to date; what is too old is no longer watched.
  const byPost = new Map<number, Watched>();
  for (const e of state.w) if (!readNow.has(e[0]) && e[2] >= oldest) byPost.set(e[0], e);

  const missing: Watched[] = [];
  /** Reads one topic's answer for some watched posts: edits, deletions, and who is missing. */
  const take = (chunk: Watched[], posts: unknown[]) => {
    const seen = new Map<number, WirePost>();
    for (const raw of posts) {
      const parsed = parsePost(raw);
      if (parsed.ok) seen.set(parsed.value.id, parsed.value);
    }
    // Entries it cannot read say nothing about what is gone.
    if (seen.size === 0 && posts.length > 0) return;
    for (const e of chunk) {
      const post = seen.get(e[0]);
      if (!post) missing.push(e);
      else compare(e, post, byPost, edited, deleted, ctx);
    }
  };
  // Topics read for their new posts already brought some watched posts along.
  const covered = new Set<number>();
  for (const [topicId, answer] of preRead) {
    const chunk = answer.asked.map((id) => byPost.get(id)).filter((e): e is Watched => e !== undefined);
    take(chunk, answer.posts);
    if (![...byPost.values()].some((e) => e[1] === topicId && !answer.asked.includes(e[0]))) covered.add(topicId);
  }

  const watchedTopics = new Set([...byPost.values()].map((e) => e[1]));
  const topics = [...watchedTopics].filter((t) => !covered.has(t)).sort((a, b) => b - a);
  const bumped = new Map(state.b);
  const picked: number[] = [];
  let offset = state.o;
  if (topics.length > 0) {
    // Topics bumped since the last poll first.
    for (const t of await client.latestTopics()) {
      if (!watchedTopics.has(t.id)) continue;
      const before = bumped.get(t.id);
      if (before !== undefined && t.bumpedAt > before && !covered.has(t.id) && picked.length < RECHECK_REQUESTS) picked.push(t.id);
      bumped.set(t.id, t.bumpedAt);
    }
    // Then the rotation, by topic id downwards from where the last poll left it, round again at the end.
    const order = [...topics.filter((t) => offset === 0 || t < offset), ...topics.filter((t) => offset !== 0 && t >= offset)];
    for (const t of order) {
      if (picked.length >= RECHECK_REQUESTS) break;
      if (picked.includes(t)) continue;
      picked.push(t);
      offset = t;
    }
  }

  let requests = 0;
  for (const topicId of picked) {
    const watchedHere = [...byPost.values()].filter((e) => e[1] === topicId).sort((a, b) => b[0] - a[0]);
    for (let start = 0; start < watchedHere.length && requests < RECHECK_REQUESTS; start += IDS_PER_REQUEST) {
      const chunk = watchedHere.slice(start, start + IDS_PER_REQUEST);
      requests++;
      const answer = await client.recheckPosts(topicId, chunk.map((e) => e[0]));
      if (answer.state === 'gone') {
        // The topic is deleted (Discourse answers 404 to all but staff): so are its posts.
        for (const e of chunk) {
          deleted.push({ remoteId: String(e[0]), deletedAt: ctx.now });
          byPost.delete(e[0]);
        }
        continue;
      }
      if (answer.state === 'refused') {
        // No longer visible to this user (left the private message, category closed): not a deletion.
        for (const e of chunk) byPost.delete(e[0]);
        continue;
      }
      take(chunk, answer.posts);
    }
    if (requests >= RECHECK_REQUESTS) break;
  }

  // A post missing from its topic: deleted, or moved to another topic by a moderator.
  for (const e of missing.slice(0, LOOKUPS)) {
    const found = await client.lookUpPost(e[0]);
    if (found.state === 'gone') {
      deleted.push({ remoteId: String(e[0]), deletedAt: ctx.now });
      byPost.delete(e[0]);
    } else if (found.state === 'refused') {
      byPost.delete(e[0]);
    } else {
      const moved: Watched = [e[0], found.post.topic_id, e[2], e[3], e[4]];
      byPost.set(e[0], moved);
      compare(moved, found.post, byPost, edited, deleted, ctx);
    }
  }

  const gone = new Set(deleted.map((d) => Number(d.remoteId)));
  for (const e of fresh.map(watchEntry)) if (e && !byPost.has(e[0]) && !gone.has(e[0])) byPost.set(e[0], e);
  const w = [...byPost.values()].sort((a, b) => a[0] - b[0]).slice(-WATCHED_POSTS);
  const stillWatched = new Set(w.map((e) => e[1]));
  return { watch: { w, b: [...bumped].filter(([t]) => stillWatched.has(t)), o: offset }, edited, deleted };
}

/** One watched post against what the forum says of it now. */
function compare(e: Watched, post: WirePost, byPost: Map<number, Watched>, edited: NormalizedItem[], deleted: NormalizedDeletion[], ctx: RecheckContext): void {
  if (post.deleted_at || post.user_deleted) {
    const at = post.deleted_at ? Date.parse(post.deleted_at) : Number.NaN;
    deleted.push({ remoteId: String(post.id), deletedAt: Number.isFinite(at) ? at : ctx.now });
    byPost.delete(e[0]);
    return;
  }
  const wasHidden = (e[4] & FLAG_HIDDEN) !== 0;
  const hiddenChanged = post.hidden !== wasHidden;
  // A hidden post shows non-staff a placeholder instead of its text: no edit can be read then.
  const textKnown = post.cooked_hidden !== true;
  const digest = textKnown ? digestOf(post.cooked) : e[3];
  const textChanged = digest !== e[3];
  if (!hiddenChanged && !textChanged) return;
  const kind = kindOf(e[4]);
  const item = convertPost(post, { forumUrl: ctx.forumUrl, me: ctx.me, kind });
  const updatedAt = post.updated_at ? Date.parse(post.updated_at) : Number.NaN;
  edited.push({
    ...item,
    // Only a change of the hidden state is news; a held (flagged) post stays held otherwise.
    moderation: hiddenChanged ? (post.hidden ? 'hidden' : 'visible') : undefined,
    editedAt: textChanged ? (Number.isFinite(updatedAt) ? updatedAt : ctx.now) : null,
  });
  byPost.set(e[0], [e[0], post.topic_id, e[2], digest, flagsOf(kind, post.hidden)]);
}
