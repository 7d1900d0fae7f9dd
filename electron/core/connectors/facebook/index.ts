/**
 * The Facebook Page connector: the comments on the Page's posts (its own, visitors' posts on it,
 * and posts that tag it) and its Messenger conversations, through the Graph API with the Page's
 * token; replies under a comment, private replies to a comment's author in Messenger, Messenger
 * answers within the messaging window; hide, unhide, delete and ban.
 *
 * One poll makes two batch requests: the feed, the tagged posts and the Messenger threads, then
 * the new comments of every listed post (`filter=stream`, `since` the newest comment seen). The
 * cursor holds the newest comment and message times, and the recent comments watched for edits
 * and deletions (watch.ts); it is committed with the page it produced.
 * The usage headers of every answer become the poll's rate limit, so the scheduler waits when
 * Meta says the budget is spent.
 */
import {
  ConnectorError,
  type AccountContext,
  type Capabilities,
  type Connector,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedAuthor,
  type NormalizedItem,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { convertComments, convertPost, convertThread, graphTime, WirePost, type FacebookExtra, type Skipped } from './convert';
import { GRAPH_API_BASE_URL, GRAPH_API_VERSION, GraphClient, MAX_BATCH, usageToRateLimit, type BatchAnswer, type GraphPage } from './graph';
import { HUMAN_AGENT_WINDOW_HOURS, STANDARD_WINDOW_HOURS, sendInThread } from './messaging';
import { oldestWatched, readWatched, reconcile, type Watched } from './watch';

/** Facebook's comment limit is far above any answer; Messenger's is 2,000 characters. */
export const MAX_REPLY_LENGTH = 2000;

const UNSUPPORTED: Partial<Record<ModerationAction, string>> = {
    lock: 'The Graph API cannot turn comments off on a Page post: limit who can comment on the post on Facebook.',
    unlock: 'The Graph API cannot turn comments back on: change who can comment on the post on Facebook.',
  hold: 'Facebook has no review queue for Page comments: hide the comment instead (only its author and their friends see it).',
  approve: 'Facebook has no review queue for Page comments: unhide a hidden comment instead.',
  spam: 'The Graph API cannot mark a comment as spam: hide or delete it, and ban its author.',
  'block-author': 'On a Facebook Page, blocking someone is banning them from the Page.',
  'mute-author': 'Facebook Pages cannot mute people: hide their comments or ban them.',
  report: 'The Graph API cannot report a comment to Facebook.',
  'unblock-author': 'Unban people in the Page’s settings on Facebook (Settings → People and other Pages).',
  'unmute-author': 'Facebook Pages cannot mute people, so there is nothing to unmute.',
};

export const FACEBOOK_CAPABILITIES: Capabilities = {
  maxReplyLength: MAX_REPLY_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['hide', 'unhide', 'remove', 'delete-own', 'ban-author'],
  unsupportedReasons: UNSUPPORTED,
  replyWindow: { hours: STANDARD_WINDOW_HOURS, extendedHours: HUMAN_AGENT_WINDOW_HOURS },
  privateReplies: true,
};

export interface FacebookConnectorOptions {
  defaultBaseUrl?: string;
  version?: string;
  now?: () => number;
  timeoutMs?: number;
  /** How far back the first poll reads comments and messages. */
  firstPollDays?: number;
}

interface Cursor {
  /** Newest comment time seen, epoch ms. */
  c: number | null;
  /** Newest Messenger message time seen, epoch ms. */
  m: number | null;
  /** Recent incoming comments, watched for edits and deletions. */
  w?: Watched[];
}

function readCursor(raw: string | null): Cursor {
  if (!raw) return { c: null, m: null };
  try {
    const o = JSON.parse(raw) as Partial<Cursor>;
    return { c: typeof o.c === 'number' ? o.c : null, m: typeof o.m === 'number' ? o.m : null, w: readWatched(o.w) };
  } catch {
    return { c: null, m: null };
  }
}

/** Comments watched for edits and deletions: the newest 100 of the last 3 days. */
const WATCH = { keepMs: 3 * 86_400_000, max: 100 };

/** Overlap with the previous poll: Graph's `since` is by the second and late writes happen. */
const OVERLAP_MS = 120_000;
const POST_FIELDS = 'id,message,story,created_time,permalink_url,from';
const COMMENT_FIELDS = 'id,message,created_time,from,parent{id},is_hidden,can_reply_privately,permalink_url';
export const THREAD_FIELDS = 'id,updated_time,messages.limit(25){id,message,created_time,from}';

/** The answer of a batched call, or its error thrown. */
export function unwrap<T>(answer: BatchAnswer | undefined): T {
  if (!answer) throw new ConnectorError('bad-response', 'Graph batch: an answer is missing');
  if (!answer.ok) throw answer.error;
  return answer.body as T;
}

export function graphFor(ctx: AccountContext, options: { defaultBaseUrl?: string; version?: string; timeoutMs?: number; now?: () => number }): { graph: GraphClient; pageId: string } {
  const token = ctx.credentials.accessToken;
  const pageId = ctx.credentials.pageId;
  if (!token || !pageId) throw new ConnectorError('auth', 'No Page token is stored for this account: sign in with Facebook again.');
  return {
    graph: new GraphClient({
      baseUrl: ctx.serverUrl || options.defaultBaseUrl || GRAPH_API_BASE_URL,
      // The account's setting wins over the pinned version.
      version: typeof ctx.settings?.graphApiVersion === 'string' && ctx.settings.graphApiVersion ? ctx.settings.graphApiVersion : (options.version ?? GRAPH_API_VERSION),
      token,
      timeoutMs: options.timeoutMs,
      now: options.now,
    }),
    pageId,
  };
}

/** A message of ours with this text among a thread's latest, after a crash left a send in doubt. */
export async function findOwnMessage(graph: GraphClient, threadId: string, ownId: string, text: string): Promise<ReplyResult | null> {
  const thread = await graph.get<{ messages?: { data?: { id?: unknown; message?: unknown; from?: { id?: unknown }; created_time?: unknown }[] } }>(threadId, {
    fields: 'messages.limit(20){id,message,from,created_time}',
  });
  const found = (thread.messages?.data ?? []).find((m) => m.from?.id === ownId && m.message === text && typeof m.id === 'string');
  if (!found) return null;
  return { remoteId: found.id as string, createdAt: graphTime(String(found.created_time)) ?? Date.now(), extra: { type: 'message' } };
}

/**
 * The threads updated since `since`: the first page (from the batch), then the next ones while
 * the last thread listed is still recent (threads come newest first). At most 10 pages a poll.
 */
export async function recentThreads(graph: GraphClient, first: GraphPage<unknown>, path: string, platform: string, since: number): Promise<unknown[]> {
  const out: unknown[] = [];
  let page = first;
  for (let n = 0; ; n++) {
    let older = false;
    for (const raw of page.data) {
      const updated = (raw as { updated_time?: unknown } | null)?.updated_time;
      const at = typeof updated === 'string' ? graphTime(updated) : null;
      if (at !== null && at < since) older = true;
      else out.push(raw);
    }
    const after = page.paging?.next ? page.paging.cursors?.after : undefined;
    if (older || !after || n >= 9) return out;
    page = await graph.get<GraphPage<unknown>>(path, { platform, fields: THREAD_FIELDS, limit: '25', after });
  }
}

/** Runs calls in batches of 50. */
export async function batched(graph: GraphClient, calls: Parameters<GraphClient['batch']>[0]): Promise<BatchAnswer[]> {
  const out: BatchAnswer[] = [];
  for (let i = 0; i < calls.length; i += MAX_BATCH) out.push(...(await graph.batch(calls.slice(i, i + MAX_BATCH))));
  return out;
}

/** A batched answer's error that stops the whole poll (sign-in, throttling) rather than one item. */
export function stopsThePoll(answer: BatchAnswer): boolean {
  return !answer.ok && (answer.error.kind === 'auth' || answer.error.kind === 'rate-limited');
}

export function createFacebookConnector(options: FacebookConnectorOptions = {}): Connector {
  const now = options.now ?? Date.now;
  const firstPollMs = (options.firstPollDays ?? 14) * 86_400_000;

  return {
    network: 'facebook',
    capabilities: FACEBOOK_CAPABILITIES,

    async verify(ctx): Promise<NormalizedAuthor> {
      const { graph, pageId } = graphFor(ctx, options);
      const page = await graph.get<{ id?: unknown; name?: unknown }>(pageId, { fields: 'id,name' });
      const name = typeof page.name === 'string' ? page.name : pageId;
      return { remoteId: pageId, handle: name, name, profileUrl: `https://www.facebook.com/${pageId}` };
    },

    async poll(ctx, rawCursor): Promise<PollResult> {
      const { graph, pageId } = graphFor(ctx, options);
      const cursor = readCursor(rawCursor);
      const at = now();
      const commentsSince = (cursor.c ?? at - firstPollMs) - OVERLAP_MS;
      const messagesSince = (cursor.m ?? at - firstPollMs) - OVERLAP_MS;
      const items: NormalizedItem[] = [];
      const skipped: Skipped[] = [];

      const [feed, tagged, threads] = await graph.batch([
        { method: 'GET', relativeUrl: `${pageId}/feed?fields=${POST_FIELDS}&limit=25` },
        { method: 'GET', relativeUrl: `${pageId}/tagged?fields=${POST_FIELDS}&limit=10` },
        { method: 'GET', relativeUrl: `${pageId}/conversations?platform=messenger&fields=${THREAD_FIELDS}&limit=25` },
      ]);
      for (const answer of [feed, tagged, threads]) if (answer && stopsThePoll(answer)) throw (answer as { error: ConnectorError }).error;

      // The posts whose comments to read: the Page's own, visitors', and those that tag it.
      const posts: { post: WirePost; kind: 'own' | 'visitor' | 'tagged' }[] = [];
      for (const [answer, source] of [
        [feed, 'feed'],
        [tagged, 'tagged'],
      ] as const) {
        const page = unwrap<GraphPage<unknown>>(answer);
        for (const raw of page.data) {
          const parsed = WirePost.safeParse(raw);
          if (!parsed.success) {
            skipped.push({ remoteId: (raw as { id?: string } | null)?.id ?? null, reason: 'post: not understood' });
            continue;
          }
          const post = parsed.data;
          const kind = source === 'tagged' ? 'tagged' : post.from && post.from.id !== pageId ? 'visitor' : 'own';
          posts.push({ post, kind });
          if (kind !== 'own' && post.created_time >= commentsSince) items.push(convertPost(post, pageId, kind));
        }
      }

      let newestComment = cursor.c;
      const watched = cursor.w ?? [];
      // Far enough back to see the watched comments again (edits, deletions).
      const sinceOf = (postId: string) => Math.floor(Math.min(commentsSince, (oldestWatched(watched, postId) ?? Infinity) - 1000) / 1000);
      const answers = await batched(
        graph,
        posts.map(({ post }) => ({ method: 'GET' as const, relativeUrl: `${post.id}/comments?filter=stream&order=chronological&since=${sinceOf(post.id)}&limit=100&fields=${COMMENT_FIELDS}` })),
      );
      const complete = new Set<string>();
      const commentItems: NormalizedItem[] = [];
      const postOf = new Map<string, string>();
      for (const [index, answer] of answers.entries()) {
        const { post, kind } = posts[index]!;
        const since = sinceOf(post.id);
        if (stopsThePoll(answer)) throw (answer as { error: ConnectorError }).error;
        if (!answer.ok) {
          // A post deleted since the feed was read, say: its comments wait for the next poll.
          skipped.push({ remoteId: post.id, reason: `comments: ${answer.error.message}` });
          continue;
        }
        let page = answer.body as GraphPage<unknown>;
        for (let more = 0; ; more++) {
          const converted = convertComments(page.data, post, pageId, kind);
          commentItems.push(...converted.items);
          skipped.push(...converted.skipped);
          for (const item of converted.items) {
            newestComment = Math.max(newestComment ?? 0, item.createdAt);
            postOf.set(item.remoteId, post.id);
          }
          // A skipped comment may be a watched one: its absence proves nothing.
          const after = page.paging?.next ? page.paging.cursors?.after : undefined;
          if (!after && converted.skipped.length === 0) complete.add(post.id);
          if (!after || more >= 10) break;
          page = await graph.get<GraphPage<unknown>>(`${post.id}/comments`, { filter: 'stream', order: 'chronological', since: String(since), limit: '100', fields: COMMENT_FIELDS, after });
        }
      }

      const { edited, deleted, next } = reconcile(watched, commentItems, (item) => postOf.get(item.remoteId) ?? null, complete, at, WATCH);
      // Comments read again only to check them are delivered when new or edited (the store keeps the rest).
      for (const item of commentItems) {
        if (edited.has(item.remoteId)) items.push({ ...item, editedAt: at });
        else if (item.createdAt >= commentsSince) items.push(item);
      }

      let newestMessage = cursor.m;
      if (threads?.ok) {
        for (const raw of await recentThreads(graph, threads.body as GraphPage<unknown>, `${pageId}/conversations`, 'messenger', messagesSince)) {
          const converted = convertThread(raw, pageId, { permalink: () => `https://business.facebook.com/latest/inbox/messenger?asset_id=${pageId}` });
          for (const item of converted.items) {
            if (item.createdAt < messagesSince) continue;
            items.push(item);
            newestMessage = Math.max(newestMessage ?? 0, item.createdAt);
          }
          skipped.push(...converted.skipped);
        }
      } else if (threads && !threads.ok) {
        skipped.push({ remoteId: null, reason: `Messenger: ${threads.error.message}` });
      }

      const known = ctx.knownRemoteIds?.(items.map((i) => i.remoteId));
      return {
        items: known ? items.filter((i) => !known.has(i.remoteId) || edited.has(i.remoteId)) : items,
        cursor: JSON.stringify({ c: newestComment, m: newestMessage, w: next } satisfies Cursor),
        hasMore: false,
        rateLimit: usageToRateLimit(graph.takeUsage(), now()),
        skipped,
        deleted,
      };
    },

    async reply(ctx, req: ReplyRequest): Promise<ReplyResult> {
      const { graph, pageId } = graphFor(ctx, options);
      const extra = (req.parentExtra ?? {}) as Partial<FacebookExtra>;
      const at = now();
      if (extra.type === 'message') {
        if (!extra.userId) throw new ConnectorError('bad-response', 'Parvis does not know who to answer in this Messenger conversation');
        const sent = await sendInThread(graph, pageId, extra.userId, req.text, typeof extra.at === 'number' ? extra.at : null, at);
        return { remoteId: sent.id, createdAt: at, extra: { type: 'message', userId: extra.userId, at } };
      }
      if (req.private) {
        if (extra.type !== 'comment') throw new ConnectorError('not-supported', 'Only a comment’s author can be answered privately');
        const out = await graph.post<{ message_id?: unknown }>(`${pageId}/messages`, {
          recipient: JSON.stringify({ comment_id: req.parentRemoteId }),
          message: JSON.stringify({ text: req.text }),
        });
        if (typeof out.message_id !== 'string') throw new ConnectorError('bad-response', 'Meta did not say which message it sent');
        return { remoteId: out.message_id, createdAt: at, extra: { type: 'message', private: true, ...(extra.userId ? { userId: extra.userId } : {}), at } };
      }
      const out = await graph.post<{ id?: unknown }>(`${req.parentRemoteId}/comments`, { message: req.text });
      if (typeof out.id !== 'string') throw new ConnectorError('bad-response', 'Facebook did not say which comment it made');
      return { remoteId: out.id, createdAt: at, permalink: null, extra: { type: 'comment', userId: pageId, at } };
    },

    async findReply(ctx, req: ReplyRequest): Promise<ReplyResult | null> {
      const { graph, pageId } = graphFor(ctx, options);
      const extra = (req.parentExtra ?? {}) as Partial<FacebookExtra>;
      // A private reply leaves no trace the Page can read back but the comment's flag: refuse to guess.
      if (req.private) return null;
      if (extra.type === 'message') return findOwnMessage(graph, req.conversationRemoteId, pageId, req.text);
      const page = await graph.get<GraphPage<{ id?: unknown; message?: unknown; from?: { id?: unknown }; created_time?: unknown }>>(`${req.parentRemoteId}/comments`, {
        order: 'reverse_chronological',
        fields: 'id,message,from,created_time',
        limit: '25',
      });
      const found = page.data.find((c) => c.from?.id === pageId && c.message === req.text && typeof c.id === 'string');
      return found ? { remoteId: found.id as string, createdAt: graphTime(String(found.created_time)) ?? now(), extra: { type: 'comment', userId: pageId } } : null;
    },

    async moderate(ctx, req: ModerateRequest) {
      const { graph, pageId } = graphFor(ctx, options);
      const extra = (req.messageExtra ?? {}) as Partial<FacebookExtra>;
      switch (req.action) {
        case 'hide':
        case 'unhide':
          if (extra.type !== 'comment') throw new ConnectorError('not-supported', 'Only comments can be hidden on Facebook');
          await graph.post(req.messageRemoteId, { is_hidden: req.action === 'hide' ? 'true' : 'false' });
          return {};
        case 'remove':
        case 'delete-own':
          if (extra.type === 'message') throw new ConnectorError('not-supported', 'A Page cannot delete Messenger messages');
          try {
            await graph.delete(req.messageRemoteId);
          } catch (err) {
            // Already gone on Facebook: what was asked is done.
            if (err instanceof ConnectorError && err.kind === 'bad-response' && /#100\/33\)/.test(err.message)) return { remoteResult: { alreadyGone: true } };
            throw err;
          }
          return {};
        case 'ban-author': {
          if (!req.authorRemoteId || req.authorRemoteId === pageId) throw new ConnectorError('not-supported', 'Parvis does not know who wrote this, so it cannot ban them');
          // Messenger knows people by their Page-scoped id; comments by their app-scoped id.
          const out = await graph.post<Record<string, unknown>>(`${pageId}/blocked`, { [extra.type === 'message' ? 'psid' : 'user']: req.authorRemoteId });
          return { remoteResult: out };
        }
        default:
          throw new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? `Facebook does not support ${req.action}`);
      }
    },
  };
}
