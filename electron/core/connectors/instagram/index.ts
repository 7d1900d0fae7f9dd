/**
 * The Instagram professional account connector (Instagram Graph API through the linked Facebook
 * Page's token): comments and replies on the account's media, media that mention it, and its
 * Instagram Direct conversations (the Page's `conversations?platform=instagram`, under the same
 * messaging window as Messenger); reply, hide, unhide, delete; comments turned off (and on again)
 * on the account's media (`lock` and `unlock`: `POST /{ig-media-id}?comment_enabled=`).
 *
 * One poll makes two batch requests: the media, the mentions and the Direct threads, then the
 * comments (with their replies) of every media that has any. Instagram's comment edges take no
 * `since`: every poll reads the media's latest comments, delivers those newer than the cursor, and
 * compares the recent ones it watches (facebook/watch.ts) to find edits and deletions.
 */
import { batched, findOwnMessage, graphFor, recentThreads, stopsThePoll, THREAD_FIELDS, unwrap } from '../facebook';
import { convertThread, graphTime } from '../facebook/convert';
import { usageToRateLimit, type GraphPage } from '../facebook/graph';
import { HUMAN_AGENT_WINDOW_HOURS, STANDARD_WINDOW_HOURS, sendInThread } from '../facebook/messaging';
import { readWatched, reconcile, type Watched } from '../facebook/watch';
import { ConnectorError, type Capabilities, type Connector, type ModerationAction, type NormalizedItem, type PollResult } from '../types';
import { convertMediaComments, convertMention, WireMedia, type InstagramExtra } from './convert';

/** Instagram comments take at most 2,200 characters; Direct messages 1,000. */
export const MAX_REPLY_LENGTH = 1000;

const UNSUPPORTED: Partial<Record<ModerationAction, string>> = {
  hold: 'Instagram has no review queue for comments: hide the comment instead.',
  approve: 'Instagram has no review queue: unhide a hidden comment instead.',
  spam: 'The Instagram API cannot mark a comment as spam: hide or delete it.',
  'block-author': 'The Instagram API cannot block people: restrict or block them in the Instagram app.',
  'ban-author': 'The Instagram API cannot ban people: restrict or block them in the Instagram app.',
  'mute-author': 'The Instagram API cannot mute people: hide their comments instead.',
  report: 'The Instagram API cannot report a comment to Instagram.',
  'unblock-author': 'Unblock people in the Instagram app.',
  'unmute-author': 'The Instagram API cannot mute people, so there is nothing to unmute.',
};

export const INSTAGRAM_CAPABILITIES: Capabilities = {
  maxReplyLength: MAX_REPLY_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['hide', 'unhide', 'remove', 'delete-own', 'lock', 'unlock'],
  unsupportedReasons: UNSUPPORTED,
  replyWindow: { hours: STANDARD_WINDOW_HOURS, extendedHours: HUMAN_AGENT_WINDOW_HOURS },
};

export interface InstagramConnectorOptions {
  defaultBaseUrl?: string;
  version?: string;
  now?: () => number;
  timeoutMs?: number;
  firstPollDays?: number;
}

interface Cursor {
  c: number | null;
  m: number | null;
  /** Recent incoming comments, watched for edits and deletions. */
  w?: Watched[];
}
/** Comments watched for edits and deletions: the newest 100 of the last 3 days. */
const WATCH = { keepMs: 3 * 86_400_000, max: 100 };
/** Comments read per media (with up to 50 replies each). */
const COMMENTS_PER_MEDIA = 50;
const OVERLAP_MS = 120_000;
/** Instagram's refusal of a comment on a media whose comments are turned off. */
const COMMENTS_OFF = /comments (?:are|have been) (?:disabled|turned off)/i;
const MEDIA_FIELDS = 'id,caption,timestamp,permalink,username,comments_count,is_comment_enabled';
const COMMENT_FIELDS = 'id,text,timestamp,username,from,hidden,parent_id';

function readCursor(raw: string | null): Cursor {
  try {
    const o = raw ? (JSON.parse(raw) as Partial<Cursor>) : {};
    return { c: typeof o.c === 'number' ? o.c : null, m: typeof o.m === 'number' ? o.m : null, w: readWatched(o.w) };
  } catch {
    return { c: null, m: null };
  }
}

export function createInstagramConnector(options: InstagramConnectorOptions = {}): Connector {
  const now = options.now ?? Date.now;
  const firstPollMs = (options.firstPollDays ?? 14) * 86_400_000;
  return {
    network: 'instagram',
    capabilities: INSTAGRAM_CAPABILITIES,

    async verify(ctx) {
      const { graph } = graphFor(ctx, options);
      const me = await graph.get<{ id?: unknown; username?: unknown; name?: unknown }>(ctx.remoteId, { fields: 'id,username,name' });
      const username = typeof me.username === 'string' ? me.username : ctx.remoteId;
      return { remoteId: ctx.remoteId, handle: `@${username}`, name: typeof me.name === 'string' ? me.name : username, profileUrl: `https://www.instagram.com/${encodeURIComponent(username)}/` };
    },

    async poll(ctx, rawCursor): Promise<PollResult> {
      const { graph, pageId } = graphFor(ctx, options);
      const igId = ctx.remoteId;
      const cursor = readCursor(rawCursor);
      const at = now();
      const commentsSince = (cursor.c ?? at - firstPollMs) - OVERLAP_MS;
      const messagesSince = (cursor.m ?? at - firstPollMs) - OVERLAP_MS;
      const items: NormalizedItem[] = [];
      const skipped: PollResult['skipped'] = [];

      const [media, tags, threads] = await graph.batch([
        { method: 'GET', relativeUrl: `${igId}/media?fields=${MEDIA_FIELDS}&limit=25` },
        { method: 'GET', relativeUrl: `${igId}/tags?fields=${MEDIA_FIELDS}&limit=10` },
        { method: 'GET', relativeUrl: `${pageId}/conversations?platform=instagram&fields=${THREAD_FIELDS}&limit=25` },
      ]);
      for (const answer of [media, tags, threads]) if (answer && stopsThePoll(answer)) throw (answer as { error: ConnectorError }).error;

      const withComments: { media: WireMedia; tagged: boolean }[] = [];
      for (const [answer, tagged] of [
        [media, false],
        [tags, true],
      ] as const) {
        for (const raw of unwrap<GraphPage<unknown>>(answer).data) {
          const parsed = WireMedia.safeParse(raw);
          if (!parsed.success) {
            skipped.push({ remoteId: (raw as { id?: string } | null)?.id ?? null, reason: 'media: not understood' });
            continue;
          }
          if (tagged && parsed.data.timestamp >= commentsSince) items.push(convertMention(parsed.data));
          if ((parsed.data.comments_count ?? 1) > 0) withComments.push({ media: parsed.data, tagged });
        }
      }

      let newest = cursor.c;
      const answers = await batched(
        graph,
        withComments.map(({ media: m }) => ({ method: 'GET' as const, relativeUrl: `${m.id}/comments?fields=${COMMENT_FIELDS},replies.limit(50){${COMMENT_FIELDS}}&limit=${COMMENTS_PER_MEDIA}` })),
      );
      const complete = new Set<string>();
      const commentItems: NormalizedItem[] = [];
      const mediaOf = new Map<string, string>();
      for (const [index, answer] of answers.entries()) {
        const { media: m, tagged } = withComments[index]!;
        if (stopsThePoll(answer)) throw (answer as { error: ConnectorError }).error;
        if (!answer.ok) {
          skipped.push({ remoteId: m.id, reason: `comments: ${answer.error.message}` });
          continue;
        }
        const body = answer.body as GraphPage<unknown>;
        const converted = convertMediaComments(body.data, m, igId, tagged);
        skipped.push(...converted.skipped);
        // Every comment of the media was read: a watched one missing was deleted.
        if (!body.paging?.next && converted.skipped.length === 0) complete.add(m.id);
        for (const item of converted.items) {
          commentItems.push(item);
          mediaOf.set(item.remoteId, m.id);
          newest = Math.max(newest ?? 0, item.createdAt);
        }
      }
      const { edited, deleted, next } = reconcile(cursor.w ?? [], commentItems, (item) => mediaOf.get(item.remoteId) ?? null, complete, at, WATCH);
      for (const item of commentItems) {
        if (edited.has(item.remoteId)) items.push({ ...item, editedAt: at });
        else if (item.createdAt >= commentsSince) items.push(item);
      }

      let newestMessage = cursor.m;
      if (threads?.ok) {
        for (const raw of await recentThreads(graph, threads.body as GraphPage<unknown>, `${pageId}/conversations`, 'instagram', messagesSince)) {
          const converted = convertThread(raw, igId, { handlePrefix: '@', permalink: () => 'https://www.instagram.com/direct/inbox/' });
          for (const item of converted.items) {
            if (item.createdAt < messagesSince) continue;
            items.push(item);
            newestMessage = Math.max(newestMessage ?? 0, item.createdAt);
          }
          skipped.push(...converted.skipped);
        }
      } else if (threads && !threads.ok) {
        skipped.push({ remoteId: null, reason: `Instagram Direct: ${threads.error.message}` });
      }

      const known = ctx.knownRemoteIds?.(items.map((i) => i.remoteId));
      return {
        items: known ? items.filter((i) => !known.has(i.remoteId) || edited.has(i.remoteId)) : items,
        cursor: JSON.stringify({ c: newest, m: newestMessage, w: next } satisfies Cursor),
        hasMore: false,
        rateLimit: usageToRateLimit(graph.takeUsage(), now()),
        skipped,
        deleted,
      };
    },

    async reply(ctx, req) {
      const { graph, pageId } = graphFor(ctx, options);
      const extra = (req.parentExtra ?? {}) as Partial<InstagramExtra>;
      const at = now();
      if (extra.type === 'message') {
        if (!extra.userId) throw new ConnectorError('bad-response', 'Parvis does not know who to answer in this Instagram conversation');
        const sent = await sendInThread(graph, pageId, extra.userId, req.text, typeof extra.at === 'number' ? extra.at : null, at);
        return { remoteId: sent.id, createdAt: at, extra: { type: 'message', userId: extra.userId, at } };
      }
      if (req.private) throw new ConnectorError('not-supported', 'Parvis cannot answer Instagram comments privately');
      let out: { id?: unknown };
      if (extra.mention) {
        // Someone else's media: the answer goes through the account's mentions edge.
        out = await graph.post(`${ctx.remoteId}/mentions`, {
          media_id: extra.mediaId ?? req.parentRemoteId,
          ...(extra.type === 'comment' ? { comment_id: req.parentRemoteId } : {}),
          message: req.text,
        });
      } else {
        try {
          out = await graph.post(`${req.parentRemoteId}/replies`, { message: req.text });
        } catch (err) {
          if (err instanceof ConnectorError && err.kind === 'bad-response' && COMMENTS_OFF.test(err.message)) {
            throw new ConnectorError('not-supported', `Comments are turned off on this Instagram post: turn them back on (“Reopen to comments” in the message’s menu) to answer. (${err.message})`, null, err.status);
          }
          throw err;
        }
      }
      if (typeof out.id !== 'string') throw new ConnectorError('bad-response', 'Instagram did not say which comment it made');
      return { remoteId: out.id, createdAt: at, extra: { type: 'comment', ...(extra.mediaId ? { mediaId: extra.mediaId } : {}), userId: ctx.remoteId, at } };
    },

    async findReply(ctx, req) {
      const { graph } = graphFor(ctx, options);
      const extra = (req.parentExtra ?? {}) as Partial<InstagramExtra>;
      if (extra.type === 'message') return findOwnMessage(graph, req.conversationRemoteId, ctx.remoteId, req.text);
      // Replies to a mention live on someone else's media: not readable back here.
      if (extra.mention) return null;
      const page = await graph.get<GraphPage<{ id?: unknown; text?: unknown; from?: { id?: unknown }; timestamp?: unknown }>>(`${req.parentRemoteId}/replies`, { fields: 'id,text,from,timestamp', limit: '50' });
      const found = page.data.find((c) => c.from?.id === ctx.remoteId && c.text === req.text && typeof c.id === 'string');
      return found ? { remoteId: found.id as string, createdAt: graphTime(String(found.timestamp)) ?? now(), extra: { type: 'comment', userId: ctx.remoteId } } : null;
    },

    async moderate(ctx, req) {
      const { graph } = graphFor(ctx, options);
      const extra = (req.messageExtra ?? {}) as Partial<InstagramExtra>;
      if (extra.type !== 'comment' && req.action !== 'remove' && req.action !== 'delete-own') {
        throw new ConnectorError('not-supported', 'Only Instagram comments can be moderated from Parvis');
      }
      switch (req.action) {
        case 'hide':
        case 'unhide':
          await graph.post(req.messageRemoteId, { hide: req.action === 'hide' ? 'true' : 'false' });
          return {};
        case 'remove':
        case 'delete-own':
          if (extra.type !== 'comment') throw new ConnectorError('not-supported', 'Only Instagram comments can be deleted from Parvis');
          try {
            await graph.delete(req.messageRemoteId);
          } catch (err) {
            if (err instanceof ConnectorError && err.kind === 'bad-response' && /#100\/33\)/.test(err.message)) return { remoteResult: { alreadyGone: true } };
            throw err;
          }
          return {};
        case 'lock':
        case 'unlock': {
          // Comments are turned off on the media the comment is on, for everyone (the account too).
          if (extra.mention) throw new ConnectorError('not-supported', 'Comments can be turned off only on the account’s own Instagram posts, not on a post that mentions it.');
          if (!extra.mediaId) throw new ConnectorError('not-supported', 'Parvis does not know which Instagram post this comment is on.');
          await graph.post(extra.mediaId, { comment_enabled: req.action === 'lock' ? 'false' : 'true' });
          return { remoteResult: { mediaId: extra.mediaId, commentsEnabled: req.action === 'unlock' } };
        }
        default:
          throw new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? `Instagram does not support ${req.action}`);
      }
    },
  };
}

