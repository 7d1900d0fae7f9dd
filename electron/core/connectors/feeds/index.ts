/**
 * Feeds (RSS 2.0, Atom, RDF, JSON Feed) as a network: a brand's blog, a forum's feed, a YouTube
 * channel's feed, news and alert feeds, followed without any sign-in, for listening.
 *
 * Read-only: no reply and no moderation on the network (local triage, tags and assignment work as
 * for any conversation). Each entry is its own conversation of kind `feed`.
 *
 * Stateless, like every connector: the cursor (JSON, opaque to the scheduler) holds the last
 * answer's validators for the conditional GET, the address a permanent redirect moved the feed
 * to, and when each undated entry was first seen.
 */
import type { RateLimit } from '../../../../shared/model';
import type { SignInResult } from '../sign-in';
import {
  ConnectorError,
  type AccountContext,
  type Capabilities,
  type Connector,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedAuthor,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { MODERATION_ACTIONS } from '../../../../shared/model';
import { FeedClient, type FeedClientOptions, type FetchResult } from './client';
import { decodeFeedBody, itemsFromFeed, NotAFeedError, readFeed, type FeedDocument } from './convert';
import { discoverFeedLinks } from './html';

const READ_ONLY = 'A feed is read-only: Parvis shows its entries, and you can triage, tag and assign them in Parvis, but nothing can be sent to the site.';

/** Every moderation action is refused on the site: a feed is read-only. */
const UNSUPPORTED = Object.fromEntries(MODERATION_ACTIONS.map((action) => [action, READ_ONLY])) as Record<ModerationAction, string>;

/** What a feed lets Parvis do: read. */
export const FEED_CAPABILITIES: Capabilities = {
  // Nothing can be written; the contract wants a length, and no composer opens for a feed.
  maxReplyLength: 1,
  directMessages: false,
  reply: false,
  moderation: [],
  unsupportedReasons: UNSUPPORTED,
};

/** First-seen times kept for at most this many undated entries (a feed's whole document). */
const MAX_REMEMBERED = 1_000;

/** Where the feed stands after the last poll. */
interface FeedCursor {
  v: 1;
  /** The address a permanent redirect moved the feed to; null: the account's own. */
  url: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Undated entries: id → when first seen (epoch ms). */
  firstSeen: Record<string, number>;
}

const EMPTY_CURSOR: FeedCursor = { v: 1, url: null, etag: null, lastModified: null, firstSeen: {} };

/** Reads the cursor; an unreadable one starts over (dedup by entry id keeps the inbox intact). */
export function readFeedCursor(cursor: string | null): FeedCursor {
  if (!cursor) return EMPTY_CURSOR;
  try {
    const parsed = JSON.parse(cursor) as Partial<FeedCursor>;
    if (parsed.v !== 1) return EMPTY_CURSOR;
    const text = (value: unknown, max: number) => (typeof value === 'string' && value.length > 0 && value.length <= max ? value : null);
    const firstSeen: Record<string, number> = {};
    if (parsed.firstSeen && typeof parsed.firstSeen === 'object') {
      for (const [id, at] of Object.entries(parsed.firstSeen)) if (typeof at === 'number' && Number.isFinite(at)) firstSeen[id] = at;
    }
    return { v: 1, url: text(parsed.url, 2_000), etag: text(parsed.etag, 1_000), lastModified: text(parsed.lastModified, 200), firstSeen };
  } catch {
    return EMPTY_CURSOR;
  }
}

/**
 * A `Cache-Control: max-age` as a rate limit: no request before it expires (the scheduler waits
 * for `resetAt` when `remaining` is 0). Null when the answer may be fetched again at once.
 */
export function politeness(maxAgeMs: number | null, now: number): RateLimit | null {
  if (maxAgeMs === null || maxAgeMs <= 0) return null;
  return { limit: null, remaining: 0, resetAt: now + maxAgeMs };
}

/** The feed's address as the user reads it: without the scheme. */
export function feedHandle(url: string): string {
  const shown = url.replace(/^https?:\/\//i, '').replace(/\/$/, '');
  return shown.length > 120 ? `${shown.slice(0, 119)}…` : shown;
}

/** A fetched feed, read (or the HTML page it turned out to be). */
async function fetchAndRead(client: FeedClient, url: string, cursor: FeedCursor, now: number): Promise<{ result: FetchResult; doc: FeedDocument | null }> {
  const result = await client.fetch(url, { etag: cursor.etag, lastModified: cursor.lastModified });
  if (result.kind === 'not-modified') return { result, doc: null };
  const text = decodeFeedBody(result.body, result.contentType);
  return { result, doc: readFeed(text, result.url, now) };
}

/** Options of the feed connector and its sign-in; everything has a production default. */
export type FeedConnectorOptions = FeedClientOptions & { clock?: () => number };

class FeedConnector implements Connector {
  readonly network = 'feeds' as const;
  readonly capabilities = FEED_CAPABILITIES;
  private readonly client: FeedClient;
  private readonly now: () => number;

  constructor(options: FeedConnectorOptions) {
    this.client = new FeedClient(options);
    this.now = options.clock ?? Date.now;
  }

  /** The feed as an author: its title, its site, its address as the handle. */
  async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
    const { result, doc } = await fetchAndRead(this.client, ctx.serverUrl, EMPTY_CURSOR, this.now()).catch((err: unknown) => {
      throw err instanceof NotAFeedError ? new ConnectorError('bad-response', err.message) : err;
    });
    return feedIdentity(result.url, doc);
  }

  async poll(ctx: AccountContext, cursor: string | null): Promise<PollResult> {
    const state = readFeedCursor(cursor);
    const now = this.now();
    const url = state.url ?? ctx.serverUrl;
    let fetched: { result: FetchResult; doc: FeedDocument | null };
    try {
      fetched = await fetchAndRead(this.client, url, state, now);
    } catch (err) {
      if (err instanceof NotAFeedError) {
        const announced = discoverFeedLinks(err.page, url)[0];
        throw new ConnectorError(
          'bad-response',
          announced
            ? `${url} is now a web page, not a feed. It announces the feed ${announced}: connect that address instead.`
            : `${url} is now a web page, not a feed: the site may have moved its feed.`,
        );
      }
      throw err;
    }
    const { result, doc } = fetched;
    const movedTo = result.movedTo ?? state.url;
    const rateLimit = politeness(result.maxAgeMs, now);
    if (result.kind === 'not-modified' || !doc) {
      return { items: [], cursor: JSON.stringify({ ...state, url: movedTo } satisfies FeedCursor), hasMore: false, rateLimit, skipped: [] };
    }
    const { items, firstSeen } = itemsFromFeed(doc, { feedUrl: result.url, now, firstSeen: new Map(Object.entries(state.firstSeen)) });
    const next: FeedCursor = {
      v: 1,
      url: movedTo,
      etag: result.validators.etag,
      lastModified: result.validators.lastModified,
      firstSeen: Object.fromEntries([...firstSeen].slice(0, MAX_REMEMBERED)),
    };
    return { items, cursor: JSON.stringify(next), hasMore: false, rateLimit, skipped: doc.skipped };
  }

  reply(_ctx: AccountContext, _req: ReplyRequest): Promise<ReplyResult> {
    return Promise.reject(new ConnectorError('not-supported', READ_ONLY));
  }

  moderate(_ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
    return Promise.reject(new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? READ_ONLY));
  }
}

function feedIdentity(url: string, doc: FeedDocument | null): NormalizedAuthor {
  return {
    remoteId: url,
    handle: feedHandle(url),
    name: doc?.title ?? feedHandle(url),
    avatarUrl: doc?.iconUrl ?? null,
    profileUrl: doc?.siteUrl ?? url,
  };
}

/** Builds the feed connector. */
export function createFeedConnector(options: FeedConnectorOptions = {}): Connector {
  return new FeedConnector(options);
}

/**
 * Follows a feed: fetches the address the user gave and reads it. A web page that announces a
 * feed (`<link rel="alternate" type="application/rss+xml">`, as blogs do) leads to that feed.
 * The account is the feed: its address after redirects is its identity.
 */
export async function followFeed(address: string, options: FeedConnectorOptions = {}): Promise<SignInResult> {
  const client = new FeedClient(options);
  const now = (options.clock ?? Date.now)();
  let fetched: { result: FetchResult; doc: FeedDocument | null };
  try {
    fetched = await fetchAndRead(client, address, EMPTY_CURSOR, now);
  } catch (err) {
    if (!(err instanceof NotAFeedError)) throw err;
    const announced = discoverFeedLinks(err.page, address);
    const first = announced[0];
    if (!first) {
      throw new ConnectorError('bad-response', `${address} is a web page, not a feed, and it announces no feed. Find the site's RSS or Atom link and use that address.`);
    }
    try {
      fetched = await fetchAndRead(client, first, EMPTY_CURSOR, now);
    } catch (inner) {
      if (inner instanceof NotAFeedError) throw new ConnectorError('bad-response', `${address} announces the feed ${first}, but that address is a web page too.`);
      throw inner;
    }
  }
  const { result, doc } = fetched;
  // A first request has no validators: the answer is always a document.
  const identity = feedIdentity(result.url, doc);
  return { serverUrl: result.url, identity, credentials: {} };
}
