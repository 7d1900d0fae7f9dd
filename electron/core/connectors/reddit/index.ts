/**
 * The Reddit connector: the account's inbox (comment and post replies, username mentions, private
 * messages), the modqueue of every subreddit it moderates (`r/mod`: reported items and those caught
 * by the spam filter), and new comments in the subreddits chosen at sign-in; replies; approve,
 * remove, mark as spam, lock and unlock, and ban from a subreddit with a reason.
 *
 * Listings are newest first. The inbox and each subreddit are read in sweeps that walk `after`
 * down to the newest item seen before (kept in the cursor with its time): a poll cut short resumes
 * the sweep, so nothing is skipped. The modqueue's first page is read on every poll (items leave it
 * once handled); the store's deduplication keeps it from doubling, and an item edited or deleted
 * since is updated through the message writer. `X-Ratelimit-*` headers reach the scheduler.
 */
import { z } from 'zod';
import type { RefreshableConnector } from '../registry';
import {
  ConnectorError,
  notSupported,
  type AccountContext,
  type Capabilities,
  type ModerateRequest,
  type NormalizedAuthor,
  type NormalizedDeletion,
  type NormalizedItem,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { freshCredentials, singleFlightRefresh } from '../oauth-refresh';
import { credentialsFromRecord, credentialsToRecord, refreshRedditCredentials, signInWithReddit, type RedditCredentials, type RedditOAuthClient } from './auth';
import { REDDIT_API_BASE_URL, RedditClient } from './client';
import { REDDIT_WEB, authorOf, thingsToItems, type RedditMessageExtra } from './convert';

export { REDDIT_API_BASE_URL } from './client';
export { REDDIT_AUTHORIZE_URL, REDDIT_TOKEN_URL, REDDIT_SCOPES, REDDIT_REDIRECT_PORT, parseSubreddits, type RedditOAuthClient } from './auth';

/** Reddit comments are at most 10,000 characters. */
export const REDDIT_MAX_COMMENT_LENGTH = 10_000;

export const REDDIT_CAPABILITIES: Capabilities = {
  maxReplyLength: REDDIT_MAX_COMMENT_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['approve', 'remove', 'spam', 'lock', 'unlock', 'ban-author'],
  unsupportedReasons: {
    hide: 'Reddit has no hidden state: remove the comment, or approve it.',
    unhide: 'Reddit has no hidden state: approve a removed comment to restore it.',
    hold: 'Reddit holds items in the modqueue itself (reports and the spam filter).',
    'block-author': 'Blocking on Reddit is personal and not in its API for apps: ban the author from the subreddit instead.',
    'mute-author': 'Muting on Reddit applies to modmail only: ban the author from the subreddit instead.',
    report: 'As a moderator, remove the item instead of reporting it.',
    'delete-own': 'Delete your own Reddit comments on reddit.com.',
  },
  // POST /r/{sub}/api/friend: `duration` is 1..999 days; without it the ban is permanent.
  banDuration: { maxDays: 999, permanent: true, defaultDays: null },
};

const Sweep = z.object({ after: z.string(), newest: z.string(), newestAt: z.number() }).nullable();
const Mark = z.object({ name: z.string(), at: z.number() }).nullable();
const Stream = z.object({ mark: Mark, sweep: Sweep });
const RedditCursor = z.object({ v: z.literal(1), inbox: Stream, subreddits: z.record(z.string(), Stream) });
type RedditCursor = z.infer<typeof RedditCursor>;
type Stream = z.infer<typeof Stream>;

function readCursor(text: string | null): RedditCursor {
  if (text) {
    try {
      const parsed = RedditCursor.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // Start over; the store deduplicates.
    }
  }
  return { v: 1, inbox: { mark: null, sweep: null }, subreddits: {} };
}

export interface RedditConnectorOptions {
  oauth: RedditOAuthClient | (() => Promise<RedditOAuthClient>);
  defaultApiBaseUrl?: string;
  now?: () => number;
  /** Items per page, 1..100. Default 100. */
  pageSize?: number;
  http?: { timeoutMs?: number; retries?: number; backoffBaseMs?: number; sleep?: (ms: number) => Promise<void> };
}

/** Items of a page that are newer than the mark, and whether the page reached it. */
function afterMark(items: NormalizedItem[], mark: { name: string; at: number } | null): { fresh: NormalizedItem[]; reached: boolean } {
  if (!mark) return { fresh: items, reached: false };
  const fresh: NormalizedItem[] = [];
  let reached = false;
  for (const item of items) {
    if (item.remoteId === mark.name || item.createdAt < mark.at) {
      reached = true;
      continue;
    }
    if (item.createdAt === mark.at && reached) continue;
    fresh.push(item);
  }
  return { fresh, reached };
}

/** A comment Reddit shows as deleted or removed by its author: `[deleted]` author and body. */
function isDeletedShell(item: NormalizedItem): boolean {
  return item.author.name === '[deleted]' && (item.text === '[deleted]' || item.text === '[removed]');
}

export function createRedditConnector(options: RedditConnectorOptions): RefreshableConnector {
  const now = options.now ?? Date.now;
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));

  async function oauthClient(): Promise<RedditOAuthClient> {
    return typeof options.oauth === 'function' ? options.oauth() : options.oauth;
  }

  /**
   * The poll and the outbox renewing at once share one refresh. Reddit keeps the refresh token, so
   * a done refresh is not handed out again (a later 401 must get a new access token).
   */
  const refreshOnce = singleFlightRefresh<RedditCredentials>(
    async (credentials) => refreshRedditCredentials(await oauthClient(), credentials, { now, timeoutMs: options.http?.timeoutMs }),
    { keepDoneMs: 0 },
  );

  class Session {
    credentials: RedditCredentials;
    readonly client: RedditClient;
    constructor(private readonly ctx: AccountContext) {
      this.credentials = credentialsFromRecord(ctx.credentials);
      this.client = new RedditClient({
        baseUrl: ctx.serverUrl || options.defaultApiBaseUrl || REDDIT_API_BASE_URL,
        accessToken: () => this.credentials.accessToken,
        secrets: () => [...Object.values(ctx.credentials), this.credentials.accessToken, this.credentials.refreshToken ?? ''],
        ...options.http,
      });
    }
    async ready(): Promise<void> {
      this.credentials = await freshCredentials(this.credentials, { now: now(), refresh: refreshOnce, save: async (c) => this.ctx.onCredentialsRefreshed?.(credentialsToRecord(c)) });
    }
  }

  async function openSession(ctx: AccountContext): Promise<Session> {
    const session = new Session(ctx);
    await session.ready();
    return session;
  }

  /** One page of a newest-first listing swept down to its mark; returns the stream's next state. */
  async function sweepPage(session: Session, path: string, stream: Stream, listedIn: RedditMessageExtra['listedIn'], me: string, out: { items: NormalizedItem[]; skipped: PollResult['skipped'] }): Promise<Stream> {
    const page = await session.client.listing(path, { after: stream.sweep?.after ?? null, limit: pageSize });
    const converted = thingsToItems(page.data.children, listedIn, me);
    out.skipped.push(...converted.skipped);
    const { fresh, reached } = afterMark(converted.items, stream.mark);
    out.items.push(...fresh);
    const top = converted.items[0];
    const newest = stream.sweep ? { name: stream.sweep.newest, at: stream.sweep.newestAt } : top ? { name: top.remoteId, at: top.createdAt } : stream.mark;
    // The first read of a listing takes its newest page only.
    if (stream.mark === null && !stream.sweep) return { mark: newest, sweep: null };
    const after = page.data.after;
    if (!reached && after && converted.items.length > 0 && newest) return { mark: stream.mark, sweep: { after, newest: newest.name, newestAt: newest.at } };
    return { mark: newest, sweep: null };
  }

  const connector: RefreshableConnector = {
    network: 'reddit',
    capabilities: REDDIT_CAPABILITIES,

    async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
      const session = await openSession(ctx);
      const me = await session.client.me();
      return { ...authorOf(me.name), remoteId: me.name };
    },

    async poll(ctx: AccountContext, cursorText: string | null): Promise<PollResult> {
      if (!ctx.remoteId) throw new ConnectorError('auth', 'The Reddit account of this connection is not known: sign in again.');
      const session = await openSession(ctx);
      const cursor = readCursor(cursorText);
      const me = ctx.remoteId;
      const out = { items: [] as NormalizedItem[], skipped: [] as PollResult['skipped'] };

      cursor.inbox = await sweepPage(session, '/message/inbox', cursor.inbox, 'inbox', me, out);
      // The modqueue of every moderated subreddit; an account that moderates none gets an empty one.
      const queue = await session.client.listing('/r/mod/about/modqueue', { limit: pageSize });
      const queued = thingsToItems(queue.data.children, 'modqueue', me);
      out.items.push(...queued.items);
      out.skipped.push(...queued.skipped);
      const watched: Record<string, Stream> = {};
      for (const sub of session.credentials.subreddits) {
        watched[sub] = await sweepPage(session, `/r/${encodeURIComponent(sub)}/comments`, cursor.subreddits[sub] ?? { mark: null, sweep: null }, 'subreddit', me, out);
      }
      cursor.subreddits = watched;

      // A reported comment is both public and in the modqueue: the modqueue's "held" wins.
      const inQueue = new Set(queued.items.map((item) => item.remoteId));
      const all = out.items.filter((item) => inQueue.has(item.remoteId) === ((item.extra as Partial<RedditMessageExtra> | undefined)?.listedIn === 'modqueue'));
      const deleted: NormalizedDeletion[] = all.filter(isDeletedShell).map((item) => ({ remoteId: item.remoteId, deletedAt: now() }));
      const items = all.filter((item) => !isDeletedShell(item));
      const hasMore = cursor.inbox.sweep !== null || Object.values(watched).some((s) => s.sweep !== null);
      return { items, cursor: JSON.stringify(cursor), hasMore, rateLimit: session.client.rateLimit, skipped: out.skipped, deleted };
    },

    async reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult> {
      if (req.text.trim().length === 0) throw new ConnectorError('not-supported', 'Reddit does not accept an empty reply.');
      if (req.text.length > REDDIT_MAX_COMMENT_LENGTH) throw new ConnectorError('not-supported', `Reddit comments are at most ${REDDIT_MAX_COMMENT_LENGTH} characters.`);
      const session = await openSession(ctx);
      const extra = (req.parentExtra ?? {}) as Partial<RedditMessageExtra>;
      const thing = await session.client.reply(extra.fullname ?? req.parentRemoteId, req.text);
      const data = thing.data as { name?: unknown; permalink?: unknown; created_utc?: unknown; id?: unknown; subreddit?: unknown };
      const name = typeof data.name === 'string' ? data.name : typeof data.id === 'string' ? `${thing.kind}_${data.id}` : null;
      if (!name) throw new ConnectorError('bad-response', 'POST /api/comment: the reply was sent but has no name');
      return {
        remoteId: name,
        permalink: typeof data.permalink === 'string' ? `${REDDIT_WEB}${data.permalink}` : null,
        createdAt: typeof data.created_utc === 'number' ? Math.round(data.created_utc * 1000) : now(),
        extra: { fullname: name, listedIn: 'inbox', ...(typeof data.subreddit === 'string' ? { subreddit: data.subreddit } : {}) } satisfies RedditMessageExtra,
      };
    },

    /**
     * After a crash or a lost answer: the account's latest comments (or sent messages) are searched
     * for this text under this parent, so a reply is never posted twice.
     */
    async findReply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult | null> {
      const extra = (req.parentExtra ?? {}) as Partial<RedditMessageExtra>;
      const parent = extra.fullname ?? req.parentRemoteId;
      const session = await openSession(ctx);
      const isMessage = parent.startsWith('t4_');
      const page = await session.client.listing(isMessage ? '/message/sent' : `/user/${encodeURIComponent(ctx.remoteId)}/comments`, { limit: 25 });
      const { items } = thingsToItems(page.data.children, 'inbox', ctx.remoteId);
      const thread = isMessage ? req.conversationRemoteId : null;
      const found = items.find((item) =>
        (isMessage ? item.threadRemoteId === thread || item.parentRemoteId === parent : item.parentRemoteId === parent) && item.text.trim() === req.text.trim(),
      );
      if (!found) return null;
      return { remoteId: found.remoteId, permalink: found.permalink ?? null, createdAt: found.createdAt, extra: { fullname: found.remoteId, listedIn: 'inbox' } satisfies RedditMessageExtra };
    },

    async moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
      if (!REDDIT_CAPABILITIES.moderation.includes(req.action)) throw notSupported('reddit', req.action);
      const extra = (req.messageExtra ?? {}) as Partial<RedditMessageExtra>;
      const id = extra.fullname ?? req.messageRemoteId;
      if (id.startsWith('t4_')) throw new ConnectorError('not-supported', 'Private messages are not moderated on Reddit: ban the author from a subreddit instead.');
      const session = await openSession(ctx);
      switch (req.action) {
        case 'approve':
          await session.client.approve(id);
          return { remoteResult: { approved: id } };
        case 'remove':
        case 'spam':
          await session.client.remove(id, req.action === 'spam');
          return { remoteResult: { removed: id, spam: req.action === 'spam' } };
        case 'lock':
        case 'unlock':
          await session.client.lock(id, req.action === 'lock');
          return { remoteResult: { [req.action === 'lock' ? 'locked' : 'unlocked']: id } };
        case 'ban-author': {
          if (!extra.subreddit) throw new ConnectorError('not-supported', 'Parvis does not know the subreddit of this message, so it cannot ban its author there.');
          if (req.authorRemoteId === '[deleted]') throw new ConnectorError('not-supported', 'The author deleted their Reddit account: there is no one to ban.');
          // Reddit wants a reason; a ban from Parvis without one says where it came from.
          await session.client.ban(extra.subreddit, req.authorRemoteId, req.reason?.trim() || 'Banned from Parvis', req.durationDays ?? null);
          return { remoteResult: { banned: req.authorRemoteId, subreddit: extra.subreddit, durationDays: req.durationDays ?? null } };
        }
        default:
          throw notSupported('reddit', req.action);
      }
    },

    async refreshCredentials(ctx: AccountContext): Promise<Record<string, string>> {
      return credentialsToRecord(await refreshOnce(credentialsFromRecord(ctx.credentials)));
    },
  };
  return connector;
}

export async function signInToReddit(
  options: RedditConnectorOptions,
  signIn: { openBrowser: (url: string) => void | Promise<void>; signal?: AbortSignal; timeoutMs?: number; apiBaseUrl: string; subreddits: string[] },
): Promise<{ credentials: Record<string, string>; user: NormalizedAuthor }> {
  const client = typeof options.oauth === 'function' ? await options.oauth() : options.oauth;
  const credentials = credentialsToRecord(await signInWithReddit(client, { ...signIn, now: options.now }));
  const user = await createRedditConnector(options).verify({ accountId: 0, network: 'reddit', serverUrl: signIn.apiBaseUrl, remoteId: '', handle: '', credentials });
  return { credentials, user };
}
