/**
 * Discourse forums as a network: the user's notifications (replies, mentions, quotes, private
 * messages), new posts in the categories and tags the user chose, and for staff the review queue
 * (flagged and queued posts). Replies go to the topic under the right post number
 * (`reply_to_post_number`), and to private messages; moderation flags, hides, deletes, approves or
 * rejects queued posts, silences and suspends users.
 *
 * Stateless like every connector: the cursor (JSON, opaque to the scheduler) holds the newest
 * notification id and post id read, and the review queue's pending ids. Notifications and
 * /posts.json are newest first; a later poll pages down (`offset`, `before=`) until it reaches
 * what it read, a first poll takes the newest page only. Discourse's 429 carries `Retry-After`:
 * the shared HTTP factory makes it a `rate-limited` error and the scheduler waits, for this account
 * only. A revoked key answers 403 `invalid_access`: the account "needs sign-in".
 */
import {
  ConnectorError,
  type AccountContext,
  type Capabilities,
  type Connector,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedItem,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { decodeReportReason } from '../../../../shared/report-reasons';
import { DiscourseClient, type DiscourseKey, type HttpFactory } from './client';
import { htmlToText } from '../comment-html';
import { authorOf, convertPost, convertReviewable, kindOfNotification, notificationPostId, parseNotification, parsePost, postUrl } from './convert';
import type { WirePost } from './wire';
import { IDS_PER_REQUEST, emptyWatch, readWatch, recheck, type WatchState } from './recheck';

/** How long a silence and a suspension last (Discourse requires an end). */
export const SILENCE_DAYS = 7;
export const SUSPEND_DAYS = 30;

export const DISCOURSE_CAPABILITIES: Capabilities = {
  // SiteSetting.max_post_length's default.
  maxReplyLength: 32_000,
  directMessages: true,
  reply: true,
  moderation: ['approve', 'hide', 'unhide', 'remove', 'spam', 'report', 'delete-own', 'mute-author', 'unmute-author', 'ban-author', 'unban-author'],
  unsupportedReasons: {
    hold: 'Discourse queues posts itself (new users, watched words): a published post cannot be sent back to the queue; hide it instead.',
    'block-author': 'Ignoring a user on Discourse is personal to your account and not open to apps: silence the author instead.',
    'unblock-author': 'Discourse’s ignore list is not open to apps: unsilence the author instead.',
  },
  // A suspension needs `suspend_until`: Parvis sends the days chosen, SUSPEND_DAYS by default.
  banDuration: { maxDays: 999, permanent: false, defaultDays: SUSPEND_DAYS },
};

/** PostActionType ids (Discourse's flags). */
const FLAG = { inappropriate: 4, notifyModerators: 7, spam: 8 } as const;
const MAX_PAGES = 5;

interface Cursor {
  v: 1;
  /** Newest notification id read. */
  n: number | null;
  /** Newest post id read from /posts.json (watched categories and tags). */
  p: number | null;
  /** Pending reviewable ids last seen. */
  r: number[];
  /** Posts read before, watched for edits and deletions (see recheck.ts). */
  watch: WatchState;
}

function readCursor(text: string | null): Cursor {
  if (text) {
    try {
      const c = JSON.parse(text) as Partial<Cursor>;
      if (c.v === 1) {
        const r = Array.isArray(c.r) ? c.r.filter((x) => typeof x === 'number') : [];
        return { v: 1, n: typeof c.n === 'number' ? c.n : null, p: typeof c.p === 'number' ? c.p : null, r, watch: readWatch(c as { w?: unknown; b?: unknown; o?: unknown }) };
      }
    } catch {
      // An unreadable cursor is a first poll: the store deduplicates what comes again.
    }
  }
  return { v: 1, n: null, p: null, r: [], watch: emptyWatch() };
}

export interface DiscourseConnectorOptions {
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The categories (ids or slugs) and tags an account follows, from the sign-in form. */
export function parseList(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,]+/).map((s) => s.trim().replace(/^#/, '').toLowerCase()).filter(Boolean))].slice(0, 20);
}

export function keyOf(ctx: AccountContext): DiscourseKey {
  const c = ctx.credentials;
  if (c.mode === 'api-key' && c.apiKey && c.username) return { kind: 'api-key', key: c.apiKey, username: c.username };
  if (c.userApiKey && c.clientId) return { kind: 'user-api-key', key: c.userApiKey, clientId: c.clientId };
  throw new ConnectorError('auth', 'The Discourse key is missing: sign in again.');
}

export function createDiscourseConnector(options: DiscourseConnectorOptions = {}): Connector {
  const now = options.now ?? Date.now;
  const clientFor = (ctx: AccountContext) => new DiscourseClient({ forumUrl: ctx.serverUrl, key: keyOf(ctx), ...options });
  const me = (ctx: AccountContext) => ctx.credentials.username ?? ctx.handle.split('@')[0] ?? '';

  async function readNotifications(client: DiscourseClient, since: number | null): Promise<{ raws: unknown[]; newest: number | null }> {
    const raws: unknown[] = [];
    // 0 after a first poll that found nothing: the next one reads down to it, not just a page.
    let newest = since ?? 0;
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const { items, total } = await client.notifications(offset);
      let reachedOld = false;
      for (const raw of items) {
        const id = Number((raw as { id?: unknown } | null)?.id);
        if (since !== null && Number.isInteger(id) && id <= since) {
          reachedOld = true;
          continue;
        }
        if (Number.isInteger(id)) newest = Math.max(newest ?? 0, id);
        raws.push(raw);
      }
      offset += items.length;
      if (since === null || reachedOld || items.length === 0 || (total !== null && offset >= total)) break;
    }
    return { raws, newest };
  }

  async function readWatched(client: DiscourseClient, ctx: AccountContext, since: number | null, skipped: PollResult['skipped']): Promise<{ posts: WirePost[]; newest: number | null }> {
    const categories = parseList(ctx.credentials.categories);
    const tags = parseList(ctx.credentials.tags);
    if (categories.length === 0 && tags.length === 0) return { posts: [], newest: since };
    const categoryIds = new Set<number>();
    if (categories.length) {
      const known = await client.categories();
      for (const c of categories) {
        const found = known.find((k) => k.slug.toLowerCase() === c || String(k.id) === c);
        if (found) categoryIds.add(found.id);
      }
    }
    const taggedTopics = new Set<number>();
    for (const tag of tags) for (const id of await client.taggedTopics(tag)) taggedTopics.add(id);
    const posts: WirePost[] = [];
    let newest = since ?? 0;
    let before: number | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const raws = await client.latestPosts(before);
      let reachedOld = false;
      let lowest: number | null = null;
      for (const raw of raws) {
        const parsed = parsePost(raw);
        if (!parsed.ok) {
          skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
          continue;
        }
        const post = parsed.value;
        lowest = lowest === null ? post.id : Math.min(lowest, post.id);
        if (since !== null && post.id <= since) {
          reachedOld = true;
          continue;
        }
        newest = Math.max(newest ?? 0, post.id);
        if (post.post_type !== 1) continue; // moderator actions, small actions, whispers
        if (post.user_deleted) continue; // the stub of a post its author deleted
        if (categoryIds.has(post.category_id ?? -1) || taggedTopics.has(post.topic_id)) posts.push(post);
      }
      if (since === null || reachedOld || raws.length === 0 || lowest === null) break;
      before = lowest;
    }
    return { posts, newest };
  }

  const connector: Connector = {
    network: 'discourse',
    capabilities: DISCOURSE_CAPABILITIES,

    async verify(ctx) {
      const client = clientFor(ctx);
      return authorOf(await client.currentUser(), client.forumUrl);
    },

    async poll(ctx, cursorText): Promise<PollResult> {
      const client = clientFor(ctx);
      const cursor = readCursor(cursorText);
      const username = me(ctx);
      const forumUrl = client.forumUrl;
      const skipped: PollResult['skipped'] = [];
      const byId = new Map<string, NormalizedItem>();
      /** Posts read from the forum in this poll (up to date: not read again for edits). */
      const readNow = new Set<number>();

      // 1. Notifications: which posts, of which kind, in which topics.
      const notes = await readNotifications(client, cursor.n);
      const wanted = new Map<number, { topicId: number; kind: NonNullable<ReturnType<typeof kindOfNotification>>; title: string | null; slug: string | null }>();
      const rank = { dm: 3, mention: 2, comment: 1 } as Record<string, number>;
      for (const raw of notes.raws) {
        const parsed = parseNotification(raw);
        if (!parsed.ok) {
          skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
          continue;
        }
        const n = parsed.value;
        const kind = kindOfNotification(n.notification_type);
        const postId = notificationPostId(n);
        if (!kind || !postId || !n.topic_id) continue;
        const before = wanted.get(postId);
        if (!before || (rank[kind] ?? 0) > (rank[before.kind] ?? 0)) {
          wanted.set(postId, { topicId: n.topic_id, kind, title: n.data.topic_title ?? null, slug: (n as { slug?: string | null }).slug ?? null });
        }
      }
      const byTopic = new Map<number, number[]>();
      for (const [postId, w] of wanted) byTopic.set(w.topicId, [...(byTopic.get(w.topicId) ?? []), postId]);
      // A topic read for its new posts brings its watched posts along (one request, not two).
      const preRead = new Map<number, { asked: number[]; posts: unknown[] }>();
      for (const [topicId, postIds] of byTopic) {
        const along = cursor.watch.w
          .filter((e) => e[1] === topicId && !wanted.has(e[0]))
          .map((e) => e[0])
          .sort((a, b) => b - a)
          .slice(0, Math.max(0, IDS_PER_REQUEST - postIds.length));
        const raws = await client.topicPosts(topicId, [...postIds, ...along]);
        if (along.length) preRead.set(topicId, { asked: along, posts: raws.filter((raw) => along.includes(Number((raw as { id?: unknown } | null)?.id))) });
        const found = new Set<number>();
        for (const raw of raws) {
          if (along.includes(Number((raw as { id?: unknown } | null)?.id))) continue;
          const parsed = parsePost(raw);
          if (!parsed.ok) {
            skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
            continue;
          }
          const w = wanted.get(parsed.value.id);
          if (!w) continue;
          found.add(parsed.value.id);
          readNow.add(parsed.value.id);
          // Deleted by its author before Parvis read it: only the stub "(post deleted by author)" is left.
          if (parsed.value.user_deleted) continue;
          byId.set(String(parsed.value.id), convertPost(parsed.value, { forumUrl, me: username, kind: w.kind, topicTitle: w.title, topicSlug: w.slug }));
        }
        for (const id of postIds) if (!found.has(id)) skipped.push({ remoteId: String(id), reason: 'post: gone or not visible any more' });
      }

      // 2. New posts in the chosen categories and tags.
      const watched = await readWatched(client, ctx, cursor.p, skipped);
      for (const post of watched.posts) {
        readNow.add(post.id);
        if (!byId.has(String(post.id))) byId.set(String(post.id), convertPost(post, { forumUrl, me: username, kind: 'comment' }));
      }

      // 3. Staff: the review queue. A flagged post is held (same message as its notification).
      let pending = cursor.r;
      if (ctx.credentials.staff === 'true') {
        const list = await client.reviewQueue();
        pending = [];
        for (const raw of list.reviewables) {
          const converted = convertReviewable(raw, list, forumUrl, username);
          if (!converted) continue;
          if (!converted.ok) {
            skipped.push({ remoteId: converted.remoteId, reason: converted.reason });
            continue;
          }
          const reviewableId = Number(converted.value.extra?.reviewableId);
          pending.push(reviewableId);
          if (cursor.r.includes(reviewableId)) continue;
          const earlier = byId.get(converted.value.remoteId);
          byId.set(converted.value.remoteId, earlier ? { ...earlier, moderation: 'held', extra: { ...earlier.extra, ...converted.value.extra } } : converted.value);
        }
      }

      const items = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || Number(a.remoteId.replace(/\D/g, '')) - Number(b.remoteId.replace(/\D/g, '')));

      // 4. Posts read before, again: edits and deletions (a bounded slice each poll).
      const checked = await recheck(client, cursor.watch, items, readNow, { forumUrl, me: username, now: now() }, preRead);
      const { w, b, o } = checked.watch;
      const next = { v: 1, n: notes.newest, p: watched.newest, r: pending, w, b, o };
      return { items: [...items, ...checked.edited], cursor: JSON.stringify(next), hasMore: false, rateLimit: null, skipped, deleted: checked.deleted };
    },

    async reply(ctx, req: ReplyRequest): Promise<ReplyResult> {
      const client = clientFor(ctx);
      const target = await replyTarget(client, req);
      const post = await client.createPost({ topicId: target.topicId, raw: req.text, replyToPostNumber: target.postNumber });
      return resultOf(post, client.forumUrl);
    },

    async findReply(ctx, req: ReplyRequest): Promise<ReplyResult | null> {
      const client = clientFor(ctx);
      const target = await replyTarget(client, req);
      const topic = await client.topic(target.topicId);
      const lastIds = topic.post_stream.stream.slice(-20);
      if (lastIds.length === 0) return null;
      const username = me(ctx).toLowerCase();
      const wantedText = normalize(req.text);
      for (const raw of await client.topicPosts(target.topicId, lastIds)) {
        const parsed = parsePost(raw);
        if (!parsed.ok) continue;
        const p = parsed.value;
        const replyTo = Number(p.reply_to_post_number) || null;
        if (p.username.toLowerCase() === username && replyTo === target.postNumber && normalize(p.raw ?? htmlToText(p.cooked)) === wantedText) return resultOf(p, client.forumUrl);
      }
      return null;
    },

    async moderate(ctx, req: ModerateRequest) {
      const client = clientFor(ctx);
      const extra = req.messageExtra ?? {};
      const reviewableId = Number(extra.reviewableId) || null;
      const queued = extra.queued === true;
      const postId = queued ? null : Number(req.messageRemoteId);
      const userId = Number(req.authorRemoteId);
      const decide = async (actions: string[]) => {
        if (!reviewableId) throw new ConnectorError('not-supported', 'This post is not in the forum’s review queue.');
        const current = await client.reviewable(reviewableId);
        const action = actions.find((a) => current.actions.includes(a));
        if (!action) throw new ConnectorError('not-supported', `The review queue offers none of ${actions.join(', ')} for this item (already handled?)`);
        await client.perform(reviewableId, action, current.version);
        return { remoteResult: { reviewable: reviewableId, action } };
      };
      switch (req.action) {
        case 'approve':
          // A queued post is published; a flagged post is kept and its flags are cleared.
          return decide(queued ? ['approve_post'] : ['disagree', 'ignore', 'ignore_and_do_nothing']);
        case 'spam':
          if (queued) return decide(['reject_post', 'delete_user']);
          await client.postAction(postId!, FLAG.spam);
          return { remoteResult: { flagged: 'spam' } };
        case 'report': {
          if (queued) throw new ConnectorError('not-supported', 'A queued post is not published yet: reject it instead of flagging it.');
          // Discourse's flags: spam; "something else" goes to the moderators with the user's words;
          // every other reason is "inappropriate".
          const { code, details } = decodeReportReason(req.reason);
          const type = code === 'spam' ? FLAG.spam : code === 'other' ? FLAG.notifyModerators : FLAG.inappropriate;
          await client.postAction(postId!, type, code === 'other' ? details || 'Reported from Parvis' : undefined);
          return { remoteResult: { flagged: type } };
        }
        case 'hide': {
          if (queued) return decide(['reject_post']);
          // Staff hide a post by agreeing with a flag: their own flag when there is none yet.
          let rid = reviewableId;
          if (!rid) rid = (await client.postAction(postId!, FLAG.inappropriate)).reviewable_id ?? null;
          if (!rid) throw new ConnectorError('not-supported', 'The forum did not open a review for this post: only staff can hide posts.');
          const current = await client.reviewable(rid);
          await client.perform(rid, 'agree_and_hide', current.version);
          return { remoteResult: { reviewable: rid, action: 'agree_and_hide' } };
        }
        case 'unhide':
          if (queued) throw new ConnectorError('not-supported', 'A queued post is not published: approve it instead.');
          await client.unhidePost(postId!);
          return {};
        case 'remove':
        case 'delete-own':
          if (queued) return decide(['reject_post']);
          await client.deletePost(postId!);
          return { remoteResult: { deleted: true } };
        case 'mute-author':
          await client.silence(userId, new Date(now() + SILENCE_DAYS * 86_400_000), req.reason ?? 'Silenced from Parvis');
          return { remoteResult: { silencedDays: SILENCE_DAYS } };
        case 'ban-author': {
          const days = req.durationDays ?? SUSPEND_DAYS;
          await client.suspend(userId, new Date(now() + days * 86_400_000), req.reason ?? 'Suspended from Parvis');
          return { remoteResult: { suspendedDays: days } };
        }
        case 'unmute-author':
          await client.unsilence(userId);
          return {};
        case 'unban-author':
          await client.unsuspend(userId);
          return {};
        default:
          throw new ConnectorError('not-supported', DISCOURSE_CAPABILITIES.unsupportedReasons?.[req.action as ModerationAction] ?? `Discourse cannot ${req.action}`);
      }
    },
  };
  return connector;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The topic and post number a reply goes to, from the parent's stored data or the forum. */
async function replyTarget(client: DiscourseClient, req: ReplyRequest): Promise<{ topicId: number; postNumber: number | null }> {
  const extra = req.parentExtra ?? {};
  if (extra.queued === true) throw new ConnectorError('not-supported', 'This post waits in the review queue: approve it before answering it.');
  const topicId = Number(extra.topicId);
  const postNumber = Number(extra.postNumber);
  if (Number.isInteger(topicId) && topicId > 0 && Number.isInteger(postNumber) && postNumber > 0) return { topicId, postNumber };
  const postId = Number(req.parentRemoteId);
  if (!Number.isInteger(postId) || postId <= 0) throw new ConnectorError('not-supported', `Not a Discourse post id: ${req.parentRemoteId}`);
  const post = await client.post(postId);
  return { topicId: post.topic_id, postNumber: post.post_number };
}

function resultOf(post: WirePost, forumUrl: string): ReplyResult {
  return {
    remoteId: String(post.id),
    permalink: postUrl(forumUrl, post.topic_slug, post.topic_id, post.post_number),
    createdAt: Date.parse(post.created_at),
    extra: { topicId: post.topic_id, postNumber: post.post_number, replyToPostNumber: Number(post.reply_to_post_number) || null },
  };
}

