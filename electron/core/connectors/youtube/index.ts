/**
 * The YouTube connector: the comments of the connected channel's videos (published, and those
 * held for review), replies, and comment moderation, through the YouTube Data API v3.
 *
 * Every call spends units of a daily quota (see ./quota); each poll reports what it spent in
 * `rateLimit.quotaUsed`, and a spent quota is a `rate-limited` error until midnight Pacific time.
 * How polling moves through the listings without gaps or repeats is described in ./cursor.
 */
import type { RateLimit } from '../../../../shared/model';
import type { RefreshableConnector } from '../registry';
import {
  ConnectorError,
  notSupported,
  type AccountContext,
  type Capabilities,
  type ModerateRequest,
  type NormalizedAuthor,
  type NormalizedItem,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import {
  accessTokenExpired,
  credentialsFromRecord,
  credentialsToRecord,
  refreshGoogleCredentials,
  signInWithGoogle,
  type GoogleOAuthClient,
  type GoogleSignInOptions,
  type YouTubeCredentials,
} from './auth';
import { YOUTUBE_API_BASE_URL, YouTubeClient } from './client';
import {
  channelToAuthor,
  commentToItem,
  htmlToText,
  parseChannel,
  parseComment,
  parseThread,
  permalinkOf,
  publishedAtOf,
  videoInfos,
  type ListedAs,
  type VideoInfo,
} from './convert';
import {
  advanceMark,
  isAfterMark,
  laterMark,
  readCursor,
  REVIEW_QUEUES,
  watchThread,
  writeCursor,
  type Listing,
  type Mark,
  type WatchedThread,
  type YouTubeCursor,
} from './cursor';
import { DEFAULT_DAILY_QUOTA, nextQuotaReset } from './quota';
import type { WireComment, WireCommentThread } from './wire';

export { quotaCost, nextQuotaReset, msUntilQuotaReset, type YouTubeMethod } from './quota';
export { YOUTUBE_SCOPE, GOOGLE_AUTHORIZE_URL, GOOGLE_TOKEN_URL, type GoogleOAuthClient } from './auth';
export { YOUTUBE_API_BASE_URL } from './client';

/** YouTube accepts replies of up to 10,000 characters. */
export const YOUTUBE_MAX_REPLY_LENGTH = 10_000;

/** What YouTube lets a channel do with the comments on its videos. */
export const YOUTUBE_CAPABILITIES: Capabilities = {
  maxReplyLength: YOUTUBE_MAX_REPLY_LENGTH,
  directMessages: false,
  reply: true,
  moderation: ['hold', 'approve', 'remove', 'ban-author', 'delete-own'],
  // setModerationStatus(rejected, banAuthor): the comment banned from is rejected with its author.
  banRemovesMessage: true,
  unsupportedReasons: {
    lock: 'The YouTube API cannot turn comments off on a video: do it in YouTube Studio.',
    unlock: 'The YouTube API cannot turn comments back on: do it in YouTube Studio.',
    hide: 'YouTube has no "hidden" state: hold the comment for review, or remove it.',
    unhide: 'YouTube has no "hidden" state: approve a held comment to publish it.',
    spam: 'A channel cannot mark comments as spam through the YouTube API: remove the comment instead.',
    'block-author': 'YouTube has no block through its API: ban the author instead (their future comments are rejected).',
    'mute-author': 'YouTube has no mute through its API: ban the author instead.',
    'unban-author':
      'The YouTube API cannot lift a ban: in YouTube Studio, open Settings, Community, and remove the person from “Hidden users”.',
    report: 'The YouTube API cannot report a comment to YouTube.',
  },
};

export interface YouTubeConnectorOptions {
  /**
   * The Google OAuth client that renews access tokens: the user's developer app, read when needed
   * (the user may add or change it while Parvis runs).
   */
  oauth: GoogleOAuthClient | (() => Promise<GoogleOAuthClient>);
  /** API root when the account has no server URL. Default https://www.googleapis.com. */
  defaultApiBaseUrl?: string;
  now?: () => number;
  /** Passed to the shared HTTP factory (tests use short timeouts and an instant sleep). */
  http?: { timeoutMs?: number; retries?: number; backoffBaseMs?: number; sleep?: (ms: number) => Promise<void> };
  /** How far back the first poll goes in the published comments. Default 7 days. */
  backfillMs?: number;
  /** How far past its mark a sweep keeps reading, to catch new replies on older threads. Default 1 day. */
  lookbackMs?: number;
  /** Threads per page, 1..100. Default 100. */
  pageSize?: number;
  /** Recently active threads re-checked for new replies each cycle, 0..50. Default 50. */
  watchSize?: number;
  /** Reported as `quotaLimit`. Default 10,000. */
  dailyQuota?: number;
  /** Pages of replies read at most for one thread in one poll (100 replies a page). Default 50. */
  maxReplyPages?: number;
  /**
   * Pages of a review queue read each cycle before the sweep may stop at its mark (a held reply
   * sits at its old thread's place). Default 10 (1,000 threads, 10 units).
   */
  maxQueuePages?: number;
}

/** One connector operation for one account: its client, its token, the units it spent. */
class AccountSession {
  credentials: YouTubeCredentials;
  unitsSpent = 0;
  readonly client: YouTubeClient;

  constructor(
    private readonly ctx: AccountContext,
    private readonly options: YouTubeConnectorOptions,
    private readonly now: () => number,
  ) {
    this.credentials = credentialsFromRecord(ctx.credentials);
    this.client = new YouTubeClient({
      baseUrl: ctx.serverUrl || options.defaultApiBaseUrl || YOUTUBE_API_BASE_URL,
      accessToken: () => this.credentials.accessToken,
      refreshAccessToken: this.credentials.refreshToken ? () => this.refresh() : null,
      secrets: () => [...Object.values(ctx.credentials), ...Object.values(credentialsToRecord(this.credentials))],
      now,
      onQuotaSpent: (_method, units) => {
        this.unitsSpent += units;
      },
      ...options.http,
    });
  }

  /** Renews an access token that expired (or is about to) before the first request. */
  async ready(): Promise<void> {
    if (accessTokenExpired(this.credentials, this.now())) await this.refresh();
  }

  /** Renews the access token; `notify` hands the new credentials to the caller's keychain. */
  async refresh(notify = true): Promise<void> {
    try {
      const oauth = typeof this.options.oauth === 'function' ? await this.options.oauth() : this.options.oauth;
      this.credentials = await refreshGoogleCredentials(oauth, this.credentials, {
        now: this.now,
        timeoutMs: this.options.http?.timeoutMs,
      });
    } catch (err) {
      if (err instanceof ConnectorError && err.kind === 'auth') {
        throw new ConnectorError('auth', `YouTube sign-in expired or was revoked: sign in again (${err.message})`, null, err.status);
      }
      throw err;
    }
    if (notify) await this.ctx.onCredentialsRefreshed?.(credentialsToRecord(this.credentials));
  }
}

/** Items and skipped entries gathered by one poll. */
interface PageOutput {
  delivered: { comment: WireComment; threadId: string; listedAs: ListedAs }[];
  skipped: PollResult['skipped'];
}

/** True when a comment's own status says another listing delivers it. */
function listedElsewhere(comment: WireComment, listing: Listing): boolean {
  const status = comment.snippet.moderationStatus;
  if (status === undefined) return false;
  return listing === 'published' ? REVIEW_QUEUES.includes(status as Listing) : status !== listing;
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, '\n').trim();
  return norm(a) === norm(b);
}

/** The ids of every comment on a page of threads (top-level and embedded replies). */
function queueCommentIds(items: readonly unknown[]): string[] {
  const ids: string[] = [];
  for (const raw of items) {
    const parsed = parseThread(raw);
    if (!parsed.ok) continue;
    ids.push(parsed.value.snippet.topLevelComment.id);
    for (const reply of parsed.value.replies?.comments ?? []) {
      const id = (reply as { id?: unknown }).id;
      if (typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}

/** Creates the YouTube connector. */
export function createYouTubeConnector(options: YouTubeConnectorOptions): RefreshableConnector {
  const now = options.now ?? Date.now;
  const backfillMs = options.backfillMs ?? 7 * 86_400_000;
  const lookbackMs = options.lookbackMs ?? 86_400_000;
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
  const watchSize = Math.min(50, Math.max(0, options.watchSize ?? 50));
  const maxReplyPages = Math.max(1, options.maxReplyPages ?? 50);
  const maxQueuePages = Math.max(1, options.maxQueuePages ?? 10);
  const dailyQuota = options.dailyQuota ?? DEFAULT_DAILY_QUOTA;

  async function openSession(ctx: AccountContext): Promise<AccountSession> {
    const session = new AccountSession(ctx, options, now);
    await session.ready();
    return session;
  }

  /** Every published reply of a top-level comment, oldest first as YouTube lists them. */
  async function allReplies(session: AccountSession, parentId: string, out: PageOutput): Promise<WireComment[]> {
    const replies: WireComment[] = [];
    let pageToken: string | null = null;
    for (let page = 0; page < maxReplyPages; page++) {
      const list = await session.client.replies(parentId, pageToken);
      for (const raw of list.items) {
        const parsed = parseComment(raw);
        if (parsed.ok) replies.push(parsed.value);
        else out.skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
      }
      pageToken = list.nextPageToken ?? null;
      if (!pageToken) break;
    }
    return replies;
  }

  function embeddedReplies(thread: WireCommentThread, out: PageOutput): WireComment[] {
    const replies: WireComment[] = [];
    for (const raw of thread.replies?.comments ?? []) {
      const parsed = parseComment(raw);
      if (parsed.ok) replies.push(parsed.value);
      else out.skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
    }
    return replies;
  }

  /**
   * The replies of a public thread: the embedded ones, or all of them when some are not embedded
   * and the reply count changed since the thread was last seen (listing them costs quota).
   */
  async function repliesOf(session: AccountSession, thread: WireCommentThread, known: WatchedThread | undefined, out: PageOutput): Promise<WireComment[]> {
    const embedded = embeddedReplies(thread, out);
    const total = thread.snippet.totalReplyCount;
    const mayHaveNew = !known || known.replies !== total;
    return total > embedded.length && mayHaveNew ? allReplies(session, thread.id, out) : embedded;
  }

  /** The watch entry of a public thread after seeing `replies` of it. */
  function watchedAfter(cursor: YouTubeCursor, thread: WireCommentThread, replies: readonly WireComment[], known: WatchedThread | undefined): WatchedThread {
    let mark: Mark = known?.mark ?? { at: 0, ids: [] };
    for (const r of replies) mark = advanceMark(mark, publishedAtOf(r), r.id);
    return {
      id: thread.id,
      replies: thread.snippet.totalReplyCount,
      mark,
      activeAt: Math.max(publishedAtOf(thread.snippet.topLevelComment), mark.at),
      checkedCycle: cursor.cycle,
    };
  }

  /** Video titles for the delivered comments (one `videos.list` per 50 videos). */
  async function videoTitles(session: AccountSession, output: PageOutput): Promise<Map<string, VideoInfo>> {
    const ids = [...new Set(output.delivered.flatMap((d) => (d.comment.snippet.videoId ? [d.comment.snippet.videoId] : [])))];
    const titles = new Map<string, VideoInfo>();
    for (let i = 0; i < ids.length; i += 50) {
      const list = await session.client.videos(ids.slice(i, i + 50));
      for (const [id, info] of videoInfos(list.items)) titles.set(id, info);
    }
    return titles;
  }

  function endOfCycle(cursor: YouTubeCursor): YouTubeCursor {
    return { ...cursor, step: 'heldForReview', sweep: null, cycle: cursor.cycle + 1 };
  }

  /** One page of a listing: delivers what is after the listing's mark; ends the sweep at the mark. */
  async function sweepPage(session: AccountSession, ctx: AccountContext, cursor: YouTubeCursor, listing: Listing, out: PageOutput) {
    const mark = cursor.marks[listing];
    let sweep = cursor.sweep;
    let page;
    try {
      page = await session.client.commentThreads({ channelId: ctx.remoteId, listing, pageToken: sweep?.pageToken ?? null, maxResults: pageSize });
    } catch (err) {
      // Page tokens do not last forever: start the listing over from its newest page (the mark
      // still filters what was delivered).
      if (!sweep || session.client.lastRefusal?.reason !== 'invalidPageToken') throw err;
      sweep = null;
      page = await session.client.commentThreads({ channelId: ctx.remoteId, listing, pageToken: null, maxResults: pageSize });
    }

    const queue = listing !== 'published';
    let newest = sweep?.newest ?? mark;
    let newestAny = sweep?.newestAny ?? mark;
    const pages = (sweep?.pages ?? 0) + 1;
    let watch = cursor.watch;
    let oldestThreadAt = Number.POSITIVE_INFINITY;
    // A queue's comment the store does not have is delivered even behind the mark (YouTube may
    // hold a comment some time after it was written); what it has is not delivered again.
    const known = queue && ctx.knownRemoteIds ? ctx.knownRemoteIds(queueCommentIds(page.items)) : null;
    for (const raw of page.items) {
      const parsed = parseThread(raw);
      if (!parsed.ok) {
        out.skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
        continue;
      }
      const thread = parsed.value;
      const top = thread.snippet.topLevelComment;
      oldestThreadAt = Math.min(oldestThreadAt, publishedAtOf(top));
      const isPublicThread = listing === 'published';
      const watched = isPublicThread ? watch.find((w) => w.id === thread.id) : undefined;
      const replies = isPublicThread ? await repliesOf(session, thread, watched, out) : embeddedReplies(thread, out);
      for (const comment of [top, ...replies]) {
        const at = publishedAtOf(comment);
        const unknownInQueue = known !== null && !known.has(comment.id);
        if (!isAfterMark(mark, at, comment.id) && !unknownInQueue) continue;
        // The review queue lists a thread for a held reply with its published top-level comment:
        // that one belongs to the published listing, which delivers it.
        if (listedElsewhere(comment, listing)) continue;
        // A reply the re-check of watched threads delivered already.
        if (comment !== top && watched && !isAfterMark(watched.mark, at, comment.id)) continue;
        out.delivered.push({ comment, threadId: thread.id, listedAs: listing });
        // The listing is ordered by top-level comment time: only those say how far it was read. A
        // newer reply on an older thread must not move the mark past threads this sweep has not read
        // (unless the whole queue is read: `newestAny`).
        if (comment === top) newest = advanceMark(newest, at, comment.id);
        newestAny = advanceMark(newestAny, at, comment.id);
      }
      if (isPublicThread && watchSize > 0) watch = watchThread(watch, watchedAfter(cursor, thread, replies, watched), watchSize);
    }

    // A queue is read to its end, up to `maxQueuePages`; past that, down to its mark like the rest.
    const readDownToMark =
      (!queue || pages >= maxQueuePages) && oldestThreadAt !== Number.POSITIVE_INFINITY && oldestThreadAt < mark.at - lookbackMs;
    // A server handing back the token it was given would keep the sweep going forever.
    const moreToRead = page.nextPageToken !== undefined && page.nextPageToken !== sweep?.pageToken;
    if (moreToRead && page.nextPageToken && !readDownToMark) {
      const next = { pageToken: page.nextPageToken, newest, ...(queue ? { pages, newestAny } : {}) };
      return { cursor: { ...cursor, watch, sweep: next }, hasMore: true };
    }
    // A queue read to its end has no thread left unread: every comment delivered moves its mark.
    const readToEnd = queue && !moreToRead;
    const marks = { ...cursor.marks, [listing]: laterMark(mark, readToEnd ? newestAny : newest) };
    const done: YouTubeCursor = { ...cursor, watch, marks, sweep: null };
    const nextQueue = REVIEW_QUEUES[REVIEW_QUEUES.indexOf(listing) + 1];
    if (queue) return { cursor: { ...done, step: nextQueue ?? ('published' as const) }, hasMore: true };
    const toRecheck = watch.some((w) => w.checkedCycle !== cursor.cycle);
    return toRecheck ? { cursor: { ...done, step: 'watch' as const }, hasMore: true } : { cursor: endOfCycle(done), hasMore: false };
  }

  /** Re-checks the watched threads no sweep of this cycle saw: new replies are delivered. */
  async function recheckWatched(session: AccountSession, cursor: YouTubeCursor, out: PageOutput) {
    const due = cursor.watch.filter((w) => w.checkedCycle !== cursor.cycle).slice(0, 50);
    if (due.length === 0) return { cursor: endOfCycle(cursor), hasMore: false };
    const list = await session.client.commentThreadsById(due.map((w) => w.id));
    const seen = new Set<string>();
    let watch = cursor.watch;
    for (const raw of list.items) {
      const parsed = parseThread(raw);
      if (!parsed.ok) {
        out.skipped.push({ remoteId: parsed.remoteId, reason: parsed.reason });
        if (parsed.remoteId) seen.add(parsed.remoteId);
        continue;
      }
      const thread = parsed.value;
      const known = due.find((w) => w.id === thread.id);
      if (!known) continue;
      seen.add(thread.id);
      const replies = await repliesOf(session, thread, known, out);
      for (const reply of replies) {
        const at = publishedAtOf(reply);
        if (isAfterMark(known.mark, at, reply.id)) out.delivered.push({ comment: reply, threadId: thread.id, listedAs: 'published' });
      }
      watch = watchThread(watch, watchedAfter(cursor, thread, replies, known), watchSize);
    }
    // A thread YouTube no longer lists by id was deleted or is not public any more.
    const gone = new Set(due.filter((w) => !seen.has(w.id)).map((w) => w.id));
    watch = watch.filter((w) => !gone.has(w.id));
    return { cursor: endOfCycle({ ...cursor, watch }), hasMore: false };
  }

  function rateLimitOf(session: AccountSession): RateLimit {
    return { limit: null, remaining: null, resetAt: nextQuotaReset(now()), quotaUsed: session.unitsSpent, quotaLimit: dailyQuota };
  }

  async function moderateComment(session: AccountSession, ctx: AccountContext, req: ModerateRequest): Promise<Record<string, unknown>> {
    const id = req.messageRemoteId;
    switch (req.action) {
      case 'hold':
        await session.client.setModerationStatus([id], 'heldForReview', false);
        return { moderationStatus: 'heldForReview' };
      case 'approve':
        await session.client.setModerationStatus([id], 'published', false);
        return { moderationStatus: 'published' };
      case 'remove':
        await session.client.setModerationStatus([id], 'rejected', false);
        return { moderationStatus: 'rejected' };
      case 'ban-author':
        await session.client.setModerationStatus([id], 'rejected', true);
        return { moderationStatus: 'rejected', banAuthor: true };
      case 'delete-own':
        if (req.authorRemoteId !== ctx.remoteId) {
          throw new ConnectorError('not-supported', 'YouTube lets a channel delete only its own comments: remove this one instead.');
        }
        await session.client.deleteComment(id);
        return { deleted: true };
      default:
        throw notSupported('youtube', req.action);
    }
  }

  const connector: RefreshableConnector = {
    network: 'youtube',
    capabilities: YOUTUBE_CAPABILITIES,

    async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
      const session = await openSession(ctx);
      const list = await session.client.channelsMine();
      const first = list.items[0];
      if (first === undefined) throw new ConnectorError('auth', 'This Google account has no YouTube channel: sign in with the account that owns the channel.');
      const parsed = parseChannel(first);
      if (!parsed.ok) throw new ConnectorError('bad-response', `channels.list: ${parsed.reason}`);
      return channelToAuthor(parsed.value);
    },

    async poll(ctx: AccountContext, cursorText: string | null): Promise<PollResult> {
      if (!ctx.remoteId) throw new ConnectorError('auth', 'The YouTube channel of this account is not known: sign in again.');
      const session = await openSession(ctx);
      const cursor = readCursor(cursorText, now(), backfillMs);
      const out: PageOutput = { delivered: [], skipped: [] };
      const step = cursor.step === 'watch' ? await recheckWatched(session, cursor, out) : await sweepPage(session, ctx, cursor, cursor.step, out);
      const videos = await videoTitles(session, out);
      const items: NormalizedItem[] = out.delivered.map((d) =>
        commentToItem(d.comment, d.threadId, { ownChannelId: ctx.remoteId, listedAs: d.listedAs, videos }),
      );
      return { items, cursor: writeCursor(step.cursor), hasMore: step.hasMore, rateLimit: rateLimitOf(session), skipped: out.skipped };
    },

    async reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult> {
      // Counted in UTF-16 units, the stricter reading of YouTube's "10,000 characters" (an emoji
      // counts twice): a reply refused here cannot be refused by YouTube for its length.
      const length = req.text.length;
      if (req.text.trim().length === 0) throw new ConnectorError('not-supported', 'YouTube does not accept an empty reply.');
      if (length > YOUTUBE_MAX_REPLY_LENGTH) {
        throw new ConnectorError('not-supported', `YouTube replies are at most ${YOUTUBE_MAX_REPLY_LENGTH} characters (this one has ${length}).`);
      }
      const session = await openSession(ctx);
      // YouTube replies are one level deep: every reply goes under the thread's top-level comment.
      const raw = await session.client.insertReply(req.conversationRemoteId, req.text);
      const parsed = parseComment(raw);
      if (!parsed.ok) {
        throw new ConnectorError('bad-response', `comments.insert: the reply was sent but the answer is unreadable (${parsed.reason})`);
      }
      const comment = parsed.value;
      return {
        remoteId: comment.id,
        permalink: permalinkOf(comment),
        createdAt: publishedAtOf(comment),
        extra: { parentId: comment.snippet.parentId ?? req.conversationRemoteId, ...(comment.snippet.videoId ? { videoId: comment.snippet.videoId } : {}) },
      };
    },

    async findReply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult | null> {
      const session = await openSession(ctx);
      const out: PageOutput = { delivered: [], skipped: [] };
      const replies = await allReplies(session, req.conversationRemoteId, out);
      // The newest reply of this channel with the same text; YouTube keeps textOriginal as sent.
      const match = replies
        .filter((r) => r.snippet.authorChannelId?.value === ctx.remoteId)
        .filter((r) => sameText(r.snippet.textOriginal ?? htmlToText(r.snippet.textDisplay ?? ''), req.text))
        .sort((a, b) => publishedAtOf(b) - publishedAtOf(a))[0];
      if (!match) return null;
      return {
        remoteId: match.id,
        permalink: permalinkOf(match),
        createdAt: publishedAtOf(match),
        extra: { parentId: match.snippet.parentId ?? req.conversationRemoteId, ...(match.snippet.videoId ? { videoId: match.snippet.videoId } : {}) },
      };
    },

    async moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
      if (!YOUTUBE_CAPABILITIES.moderation.includes(req.action)) throw notSupported('youtube', req.action);
      const session = await openSession(ctx);
      try {
        return { remoteResult: await moderateComment(session, ctx, req) };
      } catch (err) {
        // Sent again after a crash, or the author deleted it: a comment that is gone needs no removal.
        const gone = session.client.lastRefusal?.reason === 'commentNotFound';
        if (gone && (req.action === 'remove' || req.action === 'ban-author' || req.action === 'delete-own')) {
          return { remoteResult: { alreadyGone: true } };
        }
        throw err;
      }
    },

    async refreshCredentials(ctx: AccountContext): Promise<Record<string, string>> {
      const session = new AccountSession(ctx, options, now);
      // The caller stores what this returns.
      await session.refresh(false);
      return credentialsToRecord(session.credentials);
    },
  };
  return connector;
}

/**
 * Signs a YouTube account in: the browser consent, then the channel the token belongs to.
 * Returns what the account store keeps: the credentials (for the keychain) and the channel.
 */
export async function signInToYouTube(
  options: YouTubeConnectorOptions,
  signIn: GoogleSignInOptions & { apiBaseUrl?: string },
): Promise<{ credentials: Record<string, string>; channel: NormalizedAuthor }> {
  const oauth = typeof options.oauth === 'function' ? await options.oauth() : options.oauth;
  const credentials = credentialsToRecord(await signInWithGoogle(oauth, { now: options.now, ...signIn }));
  const connector = createYouTubeConnector(options);
  const channel = await connector.verify({
    accountId: 0,
    network: 'youtube',
    serverUrl: signIn.apiBaseUrl ?? options.defaultApiBaseUrl ?? YOUTUBE_API_BASE_URL,
    remoteId: '',
    handle: '',
    credentials,
  });
  return { credentials, channel };
}
