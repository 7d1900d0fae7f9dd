/**
 * WordPress comments as a network: the comments of every post on a site the user moderates, of
 * every status the user may see (approved, held for moderation, spam), through the REST API with
 * an Application Password. Reply under a comment; approve, hold, mark as spam, move to the trash.
 *
 * Stateless like every connector. WordPress gives comments no modification date and keeps no
 * change log, so the cursor (JSON, opaque to the scheduler) remembers, for the newest comments it
 * has read, their status, a digest of their text and their date. Each poll reads the newest
 * comments again (newest first, `X-WP-TotalPages` paging, further pages until one reaches comments
 * already read) and compares: a new id is a new message, a changed status a moderation change
 * made on the site, a changed text an edit, and an id gone from the window it belonged to a
 * comment trashed or deleted on the site. What happens on the site to older comments (beyond the
 * newest page of each list, 100 comments) is not seen: WordPress keeps no change log to ask.
 *
 * Articles (`publish`): a title and the composer's text as escaped paragraphs, `status` publish,
 * or future with `date_gmt` (the site publishes it itself, Parvis running or not). WordPress has
 * no idempotency key: the post's slug comes from the target's key and is looked up (every status,
 * the trash included) before any send, so a resend after a lost answer finds the first article.
 */
import { MODERATION_ACTIONS } from '../../../../shared/model';
import type { SignInResult } from '../sign-in';
import {
  ConnectorError,
  type AccountContext,
  type Capabilities,
  type Connector,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedAuthor,
  type NormalizedDeletion,
  type NormalizedItem,
  type PollResult,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { WordPressClient, discoverApiRoot, type HttpFactory } from './client';
import { articleHtml, articleSlug, articleTitle, contentDigest, convertComment, gmtTime } from './convert';
import type { WireComment, WirePost, WireUser } from './wire';

/** What WordPress lets a moderator do from Parvis. */
export const WORDPRESS_CAPABILITIES: Capabilities = {
  // WordPress has no length limit of its own (the database column holds 64 KiB); this keeps replies sane.
  maxReplyLength: 10_000,
  directMessages: false,
  reply: true,
  // "Hide" and "unhide" are the core's: a comment hidden in Parvis goes to the trash, and back.
  moderation: ['approve', 'hold', 'spam', 'remove', 'delete-own'],
  unsupportedReasons: Object.fromEntries(
    MODERATION_ACTIONS.filter((a) => !['approve', 'hold', 'spam', 'remove', 'delete-own', 'hide', 'unhide'].includes(a)).map((a) => [a, unsupportedReason(a)]),
  ) as Partial<Record<ModerationAction, string>>,
};

function unsupportedReason(action: ModerationAction): string {
  switch (action) {
    case 'block-author':
    case 'ban-author':
    case 'mute-author':
    case 'unblock-author':
    case 'unmute-author':
      return 'WordPress’s REST API cannot block a commenter: add their address to Settings › Discussion › Disallowed Comment Keys on the site.';
    case 'lock':
      return 'Parvis does not close WordPress posts to comments: untick “Allow comments” on the post in WordPress.';
    case 'unlock':
      return 'Parvis does not close WordPress posts to comments: tick “Allow comments” on the post in WordPress.';
    case 'report':
      return 'WordPress has nobody to report to: mark the comment as spam.';
    default:
      return 'WordPress cannot do this.';
  }
}

/** Comments per page: the REST API's maximum. */
export const PAGE_SIZE = 100;
/** Pages read in one poll at most (1,000 comments per status between two polls). */
const MAX_PAGES = 10;
/** The query's status words: approved and held together, then spam. Trash is "deleted". */
const LISTS = ['all', 'spam'] as const;

/** For each comment read: status, text digest, date (epoch seconds). */
type Seen = Record<string, [string, string, number]>;
interface Cursor {
  v: 1;
  seen: Seen;
}

function readCursor(cursor: string | null): Cursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(cursor) as Partial<Cursor>;
    if (parsed.v === 1 && parsed.seen && typeof parsed.seen === 'object') return { v: 1, seen: parsed.seen };
  } catch {
    // An unreadable cursor is a first poll: the store deduplicates what comes again.
  }
  return null;
}

export interface WordPressConnectorOptions {
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

function authorOfUser(user: WireUser, host: string): NormalizedAuthor {
  const login = user.username ?? user.slug;
  const avatars = user.avatar_urls ?? {};
  return {
    remoteId: String(user.id),
    handle: `${login}@${host}`,
    name: user.name || login,
    avatarUrl: avatars['96'] ?? null,
    profileUrl: user.link ?? null,
  };
}

/** Refuses a user who cannot moderate comments: Parvis would see approved comments only. */
function checkModerator(user: WireUser, host: string): void {
  if (user.capabilities && user.capabilities.moderate_comments !== true) {
    throw new ConnectorError('auth', `This WordPress user may not moderate comments on ${host}: sign in with an editor or an administrator.`);
  }
}

/**
 * Signs in to a site: finds its REST API, checks the user and the application password, and
 * that the user may moderate comments.
 */
export async function signInToWordPress(site: string, user: string, appPassword: string, options: WordPressConnectorOptions = {}): Promise<SignInResult> {
  const { siteUrl, apiRoot } = await discoverApiRoot(site, options.createHttp);
  const client = new WordPressClient({ apiRoot, user: user.trim(), appPassword, ...options });
  const me = await client.me();
  checkModerator(me, client.host);
  return { serverUrl: siteUrl, identity: authorOfUser(me, client.host), credentials: { apiRoot, user: user.trim(), appPassword } };
}

export function createWordPressConnector(options: WordPressConnectorOptions = {}): Connector {
  const now = options.now ?? Date.now;

  async function clientFor(ctx: AccountContext): Promise<WordPressClient> {
    const { user, appPassword } = ctx.credentials;
    if (!user || !appPassword) throw new ConnectorError('auth', 'The WordPress user name or application password is missing: sign in again.');
    const apiRoot = ctx.credentials.apiRoot ?? (await discoverApiRoot(ctx.serverUrl, options.createHttp)).apiRoot;
    return new WordPressClient({ apiRoot, user, appPassword, ...options });
  }

  async function readList(client: WordPressClient, status: (typeof LISTS)[number], seen: Seen | null): Promise<{ raws: unknown[]; complete: boolean }> {
    const raws: unknown[] = [];
    for (let page = 1; ; page++) {
      const answer = await client.comments({ status, page, perPage: PAGE_SIZE });
      raws.push(...answer.items);
      const last = page >= answer.totalPages || answer.items.length < PAGE_SIZE;
      if (last) return { raws, complete: true };
      // The first poll takes the newest page only (the recent history). Later ones read on until a
      // page reaches comments already read: everything newer than those is then in hand.
      const allNew = seen !== null && answer.items.every((r) => !(String((r as { id?: unknown }).id) in seen));
      if (!allNew || page >= MAX_PAGES) return { raws, complete: false };
    }
  }

  const connector: Connector = {
    network: 'wordpress',
    capabilities: WORDPRESS_CAPABILITIES,

    async verify(ctx) {
      const client = await clientFor(ctx);
      const me = await client.me();
      checkModerator(me, client.host);
      return authorOfUser(me, client.host);
    },

    async poll(ctx, cursorText): Promise<PollResult> {
      const client = await clientFor(ctx);
      const previous = readCursor(cursorText);
      const me = Number(ctx.remoteId) || 0;
      const items: NormalizedItem[] = [];
      const skipped: PollResult['skipped'] = [];
      const seen: Seen = {};
      const parentOf = new Map<string, string>();
      // The oldest date each list still covers; below it, a comment not listed may simply be older.
      let floor = Number.NEGATIVE_INFINITY;
      for (const status of LISTS) {
        const { raws, complete } = await readList(client, status, previous?.seen ?? null);
        let oldest = Number.POSITIVE_INFINITY;
        for (const raw of raws) {
          const converted = convertComment(raw, me);
          if (!converted.ok) {
            skipped.push({ remoteId: converted.remoteId, reason: converted.reason });
            continue;
          }
          const { comment, item } = converted;
          const id = item.remoteId;
          parentOf.set(id, String(comment.parent));
          const entry: [string, string, number] = [comment.status, contentDigest(comment), Math.floor(item.createdAt / 1000)];
          oldest = Math.min(oldest, item.createdAt);
          if (id in seen) continue; // listed twice while paging (a new comment pushed it down)
          seen[id] = entry;
          const before = previous?.seen[id];
          if (!before) {
            items.push(item);
          } else if (before[0] !== entry[0] || before[1] !== entry[1]) {
            // Moderated on the site (the store takes the new state), or edited (the text is replaced).
            items.push(before[1] !== entry[1] ? { ...item, editedAt: now() } : item);
          }
        }
        if (!complete && Number.isFinite(oldest)) floor = Math.max(floor, oldest);
      }
      const deleted: NormalizedDeletion[] = [];
      for (const [id, [, , dateSec]] of Object.entries(previous?.seen ?? {})) {
        if (id in seen) continue;
        // Trashed or deleted on the site, or gone to a status Parvis does not read: no longer there.
        if (dateSec * 1000 >= floor) deleted.push({ remoteId: id, deletedAt: now() });
      }
      await setThreadRoots(client, items, parentOf);
      // Oldest first, so a reply is stored after what it answers.
      items.sort((a, b) => a.createdAt - b.createdAt || Number(a.remoteId) - Number(b.remoteId));
      return { items, cursor: JSON.stringify({ v: 1, seen } satisfies Cursor), hasMore: false, rateLimit: null, skipped, deleted };
    },

    async reply(ctx, req: ReplyRequest): Promise<ReplyResult> {
      const client = await clientFor(ctx);
      const parent = Number(req.parentRemoteId);
      if (!Number.isInteger(parent) || parent <= 0) throw new ConnectorError('not-supported', `Not a WordPress comment id: ${req.parentRemoteId}`);
      const knownPost = Number(req.parentExtra?.post);
      const post = Number.isInteger(knownPost) && knownPost > 0 ? knownPost : (await client.comment(String(parent))).post;
      const created = await client.createComment({ post, parent, content: req.text });
      return resultOf(created);
    },

    async findReply(ctx, req: ReplyRequest): Promise<ReplyResult | null> {
      const client = await clientFor(ctx);
      const me = Number(ctx.remoteId);
      const page = await client.comments({ status: 'all', page: 1, perPage: PAGE_SIZE });
      for (const raw of page.items) {
        const converted = convertComment(raw, me);
        if (!converted.ok) continue;
        const { comment } = converted;
        if (comment.author === me && String(comment.parent) === req.parentRemoteId && (comment.content.raw ?? '').trim() === req.text.trim()) {
          return resultOf(comment);
        }
      }
      return null;
    },

    // Articles. WordPress has no idempotency key: the post's slug is derived from the target's key,
    // and looked up before any send (WordPress would publish a second post as `<slug>-2`).
    scheduling: { minLeadMs: SCHEDULE_LEAD_MS },

    async publish(ctx, req: PublishRequest): Promise<PublishResult> {
      const title = req.title?.trim();
      if (!title) throw new ConnectorError('not-supported', 'A WordPress article needs a title.');
      const client = await clientFor(ctx);
      const slug = articleSlug(req.idempotencyKey);
      const existing = await findOwnPost(client, slug);
      if (existing) return publishResultOf(existing);
      const future = req.scheduledAt !== null && req.scheduledAt !== undefined && req.scheduledAt > now();
      const created = await client.createPost({
        title: articleTitle(title),
        content: articleHtml(req.text),
        slug,
        // A time already past publishes at once (WordPress turns a past `future` into `publish` anyway).
        ...(future ? { status: 'future', date_gmt: gmtString(req.scheduledAt!) } : { status: 'publish' }),
      });
      return publishResultOf(created);
    },

    async findScheduled(ctx, req): Promise<PublishResult | null> {
      const client = await clientFor(ctx);
      let post: WirePost;
      try {
        post = await client.post(req.remoteScheduledId);
      } catch (err) {
        if (err instanceof ConnectorError && err.status === 404) {
          throw new ConnectorError('bad-response', 'The scheduled article is no longer on the site: it was deleted there.');
        }
        throw err;
      }
      if (post.status === 'future') return null;
      if (post.status === 'publish' || post.status === 'private') return publishResultOf(post);
      throw new ConnectorError('bad-response', `The scheduled article is no longer scheduled on the site (it is now “${post.status}”).`);
    },

    async rescheduleHeld(ctx, req) {
      const client = await clientFor(ctx);
      const post = await client.post(req.remoteScheduledId);
      if (post.status !== 'future') throw new ConnectorError('not-supported', `The site no longer holds this article for later (it is now “${post.status}”).`);
      await client.updatePost(req.remoteScheduledId, { status: 'future', date_gmt: gmtString(req.scheduledAt) });
    },

    async cancelHeld(ctx, req) {
      const client = await clientFor(ctx);
      let post: WirePost;
      try {
        post = await client.post(req.remoteScheduledId);
      } catch (err) {
        if (err instanceof ConnectorError && err.status === 404) return false;
        throw err;
      }
      if (post.status !== 'future') return false;
      // To the trash, not deleted: the site keeps it 30 days (Posts › Trash › Restore).
      await client.trashPost(req.remoteScheduledId);
      return true;
    },

    async moderate(ctx, req: ModerateRequest) {
      const client = await clientFor(ctx);
      const id = req.messageRemoteId;
      switch (req.action) {
        case 'approve':
          return { remoteResult: { status: (await client.setStatus(id, 'approved')).status } };
        case 'hold':
          return { remoteResult: { status: (await client.setStatus(id, 'hold')).status } };
        case 'spam':
          return { remoteResult: { status: (await client.setStatus(id, 'spam')).status } };
        case 'remove':
        case 'delete-own':
          // To the trash, where the site keeps it 30 days (Comments › Trash › Restore).
          await client.deleteComment(id);
          return { remoteResult: { status: 'trash' } };
        default:
          throw new ConnectorError('not-supported', unsupportedReason(req.action));
      }
    },
  };
  return connector;
}

/**
 * How far ahead a time must be for the site to hold the article (WordPress has no minimum; this
 * leaves room for a site clock slightly ahead of the computer's, which would publish it at once).
 */
export const SCHEDULE_LEAD_MS = 2 * 60_000;

/** "2026-12-08T10:00:00": WordPress's GMT dates, without an offset. */
function gmtString(at: number): string {
  return new Date(at).toISOString().slice(0, 19);
}

/**
 * The article a target made, if it made one: its slug of any status, or in the trash (renamed
 * `<slug>__trashed`), where someone on the site may have put it since. WordPress matches slugs
 * exactly, so another post's `<slug>-2` is not it.
 */
async function findOwnPost(client: WordPressClient, slug: string): Promise<WirePost | null> {
  let found: WirePost[];
  try {
    found = await client.postsBySlug([slug, `${slug}__trashed`]);
  } catch (err) {
    // A wrong or revoked application password makes the list refuse its `status` parameter (400
    // rest_invalid_param, as for nobody signed in): /users/me then says what it really is.
    if (err instanceof ConnectorError && err.status === 400) await client.me();
    throw err;
  }
  return found.find((p) => p.slug === slug) ?? found.find((p) => p.slug === `${slug}__trashed`) ?? null;
}

function publishResultOf(post: WirePost): PublishResult {
  if (post.status === 'future') return { kind: 'scheduled', remoteScheduledId: String(post.id) };
  return { kind: 'published', remoteId: String(post.id), permalink: post.link ?? null, createdAt: gmtTime(post.date_gmt) };
}

/** Lookups of comments outside the pages read, per poll at most (deep threads are rare). */
const MAX_PARENT_LOOKUPS = 20;

/**
 * Sets each item's conversation to the top-level comment of its chain: the parents read in this
 * poll first, then the comments themselves for parents outside it (a reply to an old comment). A
 * parent deleted for good ends the chain where it is known.
 */
async function setThreadRoots(client: WordPressClient, items: NormalizedItem[], parentOf: Map<string, string>): Promise<void> {
  let lookups = 0;
  for (const item of items) {
    let current = item.remoteId;
    for (let depth = 0; depth < 100; depth++) {
      let parent = parentOf.get(current);
      if (parent === undefined) {
        if (lookups >= MAX_PARENT_LOOKUPS) break;
        lookups++;
        try {
          parent = String((await client.comment(current)).parent);
        } catch (err) {
          if (err instanceof ConnectorError && err.kind === 'not-supported') parent = '0';
          else throw err;
        }
        parentOf.set(current, parent);
      }
      if (parent === '0') break;
      current = parent;
    }
    item.threadRemoteId = current;
  }
}

function resultOf(comment: WireComment): ReplyResult {
  return {
    remoteId: String(comment.id),
    permalink: comment.link ?? null,
    createdAt: gmtTime(comment.date_gmt),
    extra: { post: comment.post, type: comment.type },
  };
}
