/**
 * The X connector (API v2): mentions of the account (replies to its posts included) with their
 * conversation's context, direct-message events, replies and DM answers, hiding replies, muting.
 *
 * Every read counts against the account's monthly read cap (./budget): pages are sized so the cap
 * is never passed, and once it is reached polling stops with a `rate-limited` error that lasts
 * until the month ends. `x-rate-limit-*` headers and 429s reach the scheduler through the shared
 * HTTP factory.
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
import { freshCredentials, singleFlightRefresh } from '../oauth-refresh';
import { credentialsFromRecord, credentialsToRecord, refreshXCredentials, signInWithX, type XCredentials, type XOAuthClient } from './auth';
import { affordablePageSize, monthOf, nextMonthStart, readsThisMonth } from './budget';
import { XClient, X_API_BASE_URL, resourcesIn } from './client';
import { DM_PREFIX, compareIds, dmEventsToItems, parseIncludes, postPermalink, postsToItems, userToAuthor, type XMessageExtra } from './convert';
import { readCursor, writeCursor, type XCursor } from './cursor';
import { WireDmEvent, WirePost } from './wire';

export { X_API_BASE_URL } from './client';
export { X_AUTHORIZE_URL, X_TOKEN_URL, X_SCOPES, type XOAuthClient } from './auth';
export { DEFAULT_MONTHLY_READ_CAP } from './budget';

/** A post is at most 280 characters (weighted: a link counts 23). */
export const X_MAX_POST_LENGTH = 280;
/** A direct message is at most 10,000 characters. */
export const X_MAX_DM_LENGTH = 10_000;

export const X_CAPABILITIES: Capabilities = {
  maxReplyLength: X_MAX_POST_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['hide', 'unhide', 'mute-author', 'unmute-author', 'delete-own'],
  unsupportedReasons: {
    lock: 'The X API cannot change who may reply once a post is published: hide the replies, or change it on x.com.',
    unlock: 'The X API cannot change who may reply to a published post: change it on x.com.',
    'block-author': 'The X API no longer lets apps block accounts (it can only list blocks): block them on x.com, or mute them here.',
    'unblock-author': 'The X API cannot unblock accounts: unblock them on x.com.',
    remove: 'Only the author can delete an X post: hide the reply, or mute its author.',
    spam: 'The X API has no spam action: hide the reply, and report it on x.com.',
    'ban-author': 'X has no bans: mute the author, or block them on x.com.',
    report: 'The X API cannot report a post: report it on x.com.',
    hold: 'X has no review queue: replies appear at once.',
    approve: 'X has no review queue: replies appear at once.',
  },
};

/** Mentions: 5..100 posts a page, each with at most its author and one referenced post. */
const MENTION_PAGE = { min: 5, max: 100, readsPerItem: 3 };
/** DM events: 1..100 a page, each with at most its sender. */
const DM_PAGE = { min: 1, max: 100, steady: 5, readsPerItem: 2 };

export interface XConnectorOptions {
  oauth: XOAuthClient | (() => Promise<XOAuthClient>);
  defaultApiBaseUrl?: string;
  now?: () => number;
  http?: { timeoutMs?: number; retries?: number; backoffBaseMs?: number; sleep?: (ms: number) => Promise<void> };
}

function monthName(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Creates the X connector. */
export function createXConnector(options: XConnectorOptions): RefreshableConnector {
  const now = options.now ?? Date.now;
  async function oauthClient(): Promise<XOAuthClient> {
    return typeof options.oauth === 'function' ? options.oauth() : options.oauth;
  }

  /**
   * X rotates refresh tokens: the poll and the outbox renewing at once must share one refresh (a
   * second one with the same refresh token would be refused).
   */
  const refreshOnce = singleFlightRefresh<XCredentials>(async (credentials) =>
    refreshXCredentials(await oauthClient(), credentials, { now, timeoutMs: options.http?.timeoutMs }),
  );

  class Session {
    credentials: XCredentials;
    readonly client: XClient;
    constructor(private readonly ctx: AccountContext) {
      this.credentials = credentialsFromRecord(ctx.credentials);
      this.client = new XClient({
        baseUrl: ctx.serverUrl || options.defaultApiBaseUrl || X_API_BASE_URL,
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

  /** One page of mentions, within what is left of the cap; null when none fits. */
  async function pollMentions(session: Session, ctx: AccountContext, cursor: XCursor, left: number, out: { items: NormalizedItem[]; skipped: PollResult['skipped'] }): Promise<number | null> {
    const size = affordablePageSize(left, MENTION_PAGE.readsPerItem, MENTION_PAGE.min, MENTION_PAGE.max);
    if (size === null) return null;
    const state = cursor.mentions;
    // '' once the first poll found nothing: later sweeps walk every page X still lists.
    const page = await session.client.mentions(ctx.remoteId, { sinceId: state.sinceId || null, paginationToken: state.sweep?.token ?? null, maxResults: size });
    const includes = parseIncludes(page.includes);
    const converted = postsToItems(page.data ?? [], includes, { id: ctx.remoteId });
    out.items.push(...converted.items);
    out.skipped.push(...converted.skipped);
    const newest = state.sweep?.newest ?? page.meta?.newest_id ?? null;
    if (state.sinceId === null) {
      // First poll: the latest page is the backfill; later polls start after it.
      cursor.mentions = { sinceId: page.meta?.newest_id ?? '', sweep: null };
    } else if (page.meta?.next_token && (page.data?.length ?? 0) > 0) {
      cursor.mentions = { sinceId: state.sinceId, sweep: { newest: newest ?? state.sinceId, token: page.meta.next_token } };
    } else {
      cursor.mentions = { sinceId: newest || state.sinceId, sweep: null };
    }
    return resourcesIn(page);
  }

  /** One page of DM events, within what is left of the cap; null when none fits. */
  async function pollDms(session: Session, ctx: AccountContext, cursor: XCursor, left: number, out: { items: NormalizedItem[]; skipped: PollResult['skipped'] }): Promise<number | null> {
    const state = cursor.dms;
    // dm_events has no since_id: each poll reads its newest page again, so a poll with a mark asks
    // for a small page (a sweep goes on while everything on it is new).
    const size = affordablePageSize(left, DM_PAGE.readsPerItem, DM_PAGE.min, state.newestId === null ? DM_PAGE.max : DM_PAGE.steady);
    if (size === null) return null;
    const page = await session.client.dmEvents({ paginationToken: state.sweep?.token ?? null, maxResults: size });
    const data = page.data ?? [];
    const ids = data.flatMap((e) => (e && typeof e === 'object' && typeof (e as { id?: unknown }).id === 'string' && /^\d{1,19}$/.test((e as { id: string }).id) ? [(e as { id: string }).id] : []));
    const pageNewest = ids.reduce<string | null>((a, b) => (a === null || compareIds(b, a) > 0 ? b : a), null);
    // null before the first poll, '' when it found nothing yet.
    const seen = state.newestId || null;
    const fresh = seen === null ? data : data.filter((e) => {
      const id = (e as { id?: unknown } | null)?.id;
      return typeof id !== 'string' || !/^\d{1,19}$/.test(id) || compareIds(id, seen) > 0;
    });
    const users = parseIncludes(page.includes).users;
    const converted = dmEventsToItems(fresh, users, { id: ctx.remoteId });
    out.items.push(...converted.items);
    out.skipped.push(...converted.skipped);
    const reachedSeen = seen !== null && ids.some((id) => compareIds(id, seen) <= 0);
    const sweepNewest = [state.sweep?.newest || null, pageNewest, seen].reduce<string | null>((a, b) => (b === null ? a : a === null || compareIds(b, a) > 0 ? b : a), null);
    if (state.newestId === null) cursor.dms = { newestId: pageNewest ?? '', sweep: null };
    else if (!reachedSeen && page.meta?.next_token && data.length > 0) cursor.dms = { newestId: state.newestId, sweep: { newest: sweepNewest ?? '', token: page.meta.next_token } };
    else cursor.dms = { newestId: sweepNewest ?? state.newestId, sweep: null };
    return resourcesIn(page);
  }

  function rateLimitOf(session: Session, reads: number, cap: number, at: number): RateLimit {
    const window = session.client.rateLimit;
    const exhausted = window?.remaining !== null && window?.remaining !== undefined && window.remaining <= 0;
    return {
      limit: window?.limit ?? null,
      remaining: window?.remaining ?? null,
      // The window's reset matters when it is used up; otherwise the month's end is what the reads wait for.
      resetAt: exhausted ? (window?.resetAt ?? null) : nextMonthStart(at),
      quotaUsed: reads,
      quotaLimit: cap,
    };
  }

  const connector: RefreshableConnector = {
    network: 'x',
    capabilities: X_CAPABILITIES,

    async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
      const session = await openSession(ctx);
      return userToAuthor(await session.client.me());
    },

    async poll(ctx: AccountContext, cursorText: string | null): Promise<PollResult> {
      if (!ctx.remoteId) throw new ConnectorError('auth', 'The X account of this connection is not known: sign in again.');
      const at = now();
      const month = monthOf(at);
      const cursor = readCursor(cursorText, month);
      const session = await openSession(ctx);
      // The account's setting (changed without signing in again) wins over the cap given at sign-in.
      const setting = ctx.settings?.monthlyReadCap;
      const cap = typeof setting === 'number' && setting > 0 ? setting : session.credentials.monthlyReadCap;
      let reads = readsThisMonth(cursor, at);
      cursor.month = month;
      const out = { items: [] as NormalizedItem[], skipped: [] as PollResult['skipped'] };
      // Mentions come first: when even their smallest page no longer fits, the cap is reached.
      const mentionReads = await pollMentions(session, ctx, cursor, cap - reads, out);
      if (mentionReads === null) {
        const until = nextMonthStart(at);
        throw new ConnectorError(
          'rate-limited',
          `The monthly read cap of this X account is reached (${reads} of ${cap} reads): Parvis reads it again on ${monthName(until)} (UTC), or sooner if you raise the cap in the account’s settings.`,
          until - at,
        );
      }
      reads += mentionReads;
      // Direct messages with what is left (skipped this time when not even one fits).
      reads += (await pollDms(session, ctx, cursor, cap - reads, out)) ?? 0;
      cursor.reads = reads;
      return {
        items: out.items,
        cursor: writeCursor(cursor),
        hasMore: cursor.mentions.sweep !== null || cursor.dms.sweep !== null,
        rateLimit: rateLimitOf(session, reads, cap, at),
        skipped: out.skipped,
      };
    },

    async reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult> {
      const extra = (req.parentExtra ?? {}) as Partial<XMessageExtra>;
      const isDm = extra.kind === 'dm' || req.conversationRemoteId.startsWith(DM_PREFIX);
      const text = req.text;
      if (text.trim().length === 0) throw new ConnectorError('not-supported', 'X does not accept an empty message.');
      const session = await openSession(ctx);
      if (isDm) {
        if ([...text].length > X_MAX_DM_LENGTH) throw new ConnectorError('not-supported', `X direct messages are at most ${X_MAX_DM_LENGTH} characters.`);
        const conversationId = extra.dmConversationId ?? req.conversationRemoteId.slice(DM_PREFIX.length);
        const sent = await session.client.sendDm(conversationId, text);
        return {
          remoteId: `${DM_PREFIX}${sent.dmEventId}`,
          permalink: `https://x.com/messages/${sent.dmConversationId}`,
          createdAt: now(),
          extra: { kind: 'dm', id: sent.dmEventId, dmConversationId: sent.dmConversationId } satisfies XMessageExtra,
        };
      }
      // Answer the newest version of an edited post.
      const parentId = extra.id ?? req.parentRemoteId;
      const post = await session.client.createReply(parentId, text);
      return {
        remoteId: post.id,
        permalink: postPermalink(post, ctx.handle.replace(/^@/, '') || undefined),
        createdAt: now(),
        extra: { kind: 'post', id: post.id, conversationId: extra.conversationId ?? req.conversationRemoteId } satisfies XMessageExtra,
      };
    },

    /**
     * After a crash or a lost answer: the account's latest posts (or the DM conversation's latest
     * events) are searched for this text answering this parent, so a reply is never posted twice.
     * Reads 20 resources at most.
     */
    async findReply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult | null> {
      const extra = (req.parentExtra ?? {}) as Partial<XMessageExtra>;
      const session = await openSession(ctx);
      const same = (a: string) => a.replace(/^(@\w+\s+)+/, '').trim() === req.text.trim();
      if (extra.kind === 'dm' || req.conversationRemoteId.startsWith(DM_PREFIX)) {
        const conversationId = extra.dmConversationId ?? req.conversationRemoteId.slice(DM_PREFIX.length);
        const page = await session.client.conversationDms(conversationId, 20);
        const found = (page.data ?? []).map((e) => WireDmEvent.safeParse(e)).find((e) => e.success && e.data.sender_id === ctx.remoteId && e.data.text !== undefined && same(e.data.text));
        if (!found?.success) return null;
        return {
          remoteId: `${DM_PREFIX}${found.data.id}`,
          permalink: `https://x.com/messages/${conversationId}`,
          createdAt: found.data.created_at ? Date.parse(found.data.created_at) : now(),
          extra: { kind: 'dm', id: found.data.id, dmConversationId: conversationId } satisfies XMessageExtra,
        };
      }
      const parentId = extra.id ?? req.parentRemoteId;
      const page = await session.client.ownPosts(ctx.remoteId, 20);
      const found = (page.data ?? []).map((p) => WirePost.safeParse(p)).find((p) => p.success && p.data.references.some((r) => r.type === 'replied_to' && r.id === parentId) && same(p.data.text));
      if (!found?.success) return null;
      return {
        remoteId: found.data.id,
        permalink: postPermalink(found.data, ctx.handle.replace(/^@/, '') || undefined),
        createdAt: found.data.createdAt,
        extra: { kind: 'post', id: found.data.id, conversationId: found.data.conversationId } satisfies XMessageExtra,
      };
    },

    async moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
      if (!X_CAPABILITIES.moderation.includes(req.action)) throw notSupported('x', req.action);
      const extra = (req.messageExtra ?? {}) as Partial<XMessageExtra>;
      const postId = extra.id ?? req.messageRemoteId;
      const session = await openSession(ctx);
      switch (req.action) {
        case 'hide':
        case 'unhide': {
          if (extra.kind === 'dm') throw new ConnectorError('not-supported', 'X cannot hide a direct message.');
          if (extra.ownConversation === false) {
            throw new ConnectorError('not-supported', 'X hides only replies in conversations the account started.');
          }
          const hidden = await session.client.setHidden(postId, req.action === 'hide');
          return { remoteResult: { hidden } };
        }
        case 'mute-author':
          await session.client.mute(ctx.remoteId, req.authorRemoteId);
          return { remoteResult: { muting: true } };
        case 'unmute-author':
          await session.client.unmute(ctx.remoteId, req.authorRemoteId);
          return { remoteResult: { muting: false } };
        case 'delete-own':
          if (extra.kind === 'dm') throw new ConnectorError('not-supported', 'Parvis does not delete X direct messages.');
          await session.client.deletePost(postId);
          return { remoteResult: { deleted: true } };
        default:
          throw notSupported('x', req.action);
      }
    },

    async refreshCredentials(ctx: AccountContext): Promise<Record<string, string>> {
      const credentials = credentialsFromRecord(ctx.credentials);
      return credentialsToRecord(await refreshOnce(credentials));
    },
  };
  return connector;
}

/** Signs an X account in: the browser consent, then who the token belongs to. */
export async function signInToX(
  options: XConnectorOptions,
  signIn: { openBrowser: (url: string) => void | Promise<void>; signal?: AbortSignal; timeoutMs?: number; apiBaseUrl: string; monthlyReadCap: number },
): Promise<{ credentials: Record<string, string>; user: NormalizedAuthor }> {
  const client = typeof options.oauth === 'function' ? await options.oauth() : options.oauth;
  const credentials = credentialsToRecord(await signInWithX(client, { ...signIn, now: options.now }));
  const user = await createXConnector(options).verify({ accountId: 0, network: 'x', serverUrl: signIn.apiBaseUrl, remoteId: '', handle: '', credentials });
  return { credentials, user };
}
