/**
 * The Mastodon connector (also for compatible servers: GoToSocial, Pleroma, Akkoma).
 *
 * Inbox: mention notifications (`GET /api/v1/notifications?types[]=mention`: mentions, replies to
 * our posts, and direct messages, which mention us) plus direct conversations
 * (`GET /api/v1/conversations`, which also brings DMs a notification policy filtered and our own
 * DMs sent from another app). Threads are grouped by their root status, found by walking
 * `in_reply_to_id` through the status context fetched for the first message of each thread.
 *
 * Stateless, like every connector: the cursor (JSON, opaque to the scheduler) holds where each of
 * the two lists was read up to.
 */
import {
  ConnectorError,
  type AccountContext,
  type Capabilities,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedAuthor,
  type NormalizedDeletion,
  type NormalizedItem,
  type PollResult,
  type PublishMedia,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { decodeReportReason } from '../../../../shared/report-reasons';
import type { RefreshableConnector } from '../registry';
import { refreshMastodonCredentials } from './auth';
import { MastodonClient, type HttpFactory, type MastodonPage } from './client';
import {
  authorFromAccount,
  comparableText,
  itemFromStatus,
  readConversation,
  readNotification,
  readStatus,
  replyTargetFromExtra,
  replyTargetFromStatus,
  replyText,
  statusText,
  threadRootOf,
  type ConvertOptions,
  type ReadEntry,
  type SkippedItem,
} from './convert';
import type { WireStatus } from './wire';

/** How the connector reaches the network; everything has a production default. */
export interface MastodonConnectorOptions {
  /** The HTTP factory (default: the shared `createHttpClient`). */
  createHttp?: HttpFactory;
  timeoutMs?: number;
  /** Retries of safe requests on 5xx and timeouts. */
  retries?: number;
  /** Backoff sleep between retries (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
  /** Notifications per page (Mastodon: at most 80). */
  notificationsPageSize?: number;
  /** Conversations per page (Mastodon: at most 40). */
  conversationsPageSize?: number;
}

/** A status polled recently, watched for edits and deletions: id, thread root id, edited_at (ms) or 0. */
type Watched = [id: string, rootId: string, editedAt: number];

/**
 * Where each list was read up to (the `min_id` to continue from, null before the first poll), and
 * the statuses polled most recently, which each poll checks again (see `recheck`).
 */
interface MastodonCursor {
  v: 1;
  notifications: string | null;
  conversations: string | null;
  recent?: Watched[];
}

/**
 * How many of the latest statuses each poll checks again for edits and deletions: two requests of
 * GET /api/v1/statuses, which takes at most 20 ids. Older messages are not watched (Mastodon tells
 * a polling client of neither, except `update` for statuses the account boosted).
 */
const WATCHED_STATUSES = 40;
const STATUSES_PER_REQUEST = 20;
/** How long an uploaded image may stay "processing" before the post is tried again later. */
const MEDIA_PROCESSING_WAIT_MS = 60_000;

const MAX_REPLY_LENGTH = 500;
const REPORT_COMMENT_LENGTH = 1000;

const UNSUPPORTED: Partial<Record<ModerationAction, string>> = {
    lock: 'Mastodon cannot close a post to replies: block or mute the authors, or report the post.',
    unlock: 'Mastodon cannot close posts to replies, so there is nothing to reopen.',
  hide: 'Mastodon cannot hide a reply under your post. Block or mute the author, or report the post to the server moderators.',
  unhide: 'Mastodon cannot hide replies, so there is nothing to unhide.',
  remove:
    'Only the author or the moderators of their server can remove a Mastodon post. Report it, or block the author so you no longer see them.',
  hold: 'Mastodon has no review queue for replies.',
  approve: 'Mastodon has no review queue for replies.',
  spam: 'Mastodon has no spam folder for replies: report the post (it reaches the server moderators) and block the author.',
  'ban-author':
    'Suspending an account needs moderator rights on the Mastodon server, which Parvis does not ask for. Block the author, or report them.',
  'unban-author': 'Parvis does not ban on Mastodon (blocks can be undone with Unblock).',
};

/** What the Mastodon connector can do. */
export const MASTODON_CAPABILITIES: Capabilities = {
  maxReplyLength: MAX_REPLY_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['block-author', 'unblock-author', 'mute-author', 'unmute-author', 'report', 'delete-own'],
  unsupportedReasons: UNSUPPORTED,
};

/** Compares two Mastodon ids: decimal strings, longer is newer (they exceed 2^53). */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads the cursor; an unreadable one starts over like a first poll (dedup keeps the inbox intact). */
function readMastodonCursor(cursor: string | null): MastodonCursor {
  const empty: MastodonCursor = { v: 1, notifications: null, conversations: null };
  if (!cursor) return empty;
  try {
    const parsed = JSON.parse(cursor) as Partial<MastodonCursor>;
    const id = (value: unknown) => (typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null);
    if (parsed.v !== 1) return empty;
    const recent = Array.isArray(parsed.recent)
      ? parsed.recent
          .filter((w): w is Watched => Array.isArray(w) && id(w[0]) !== null && id(w[1]) !== null && typeof w[2] === 'number' && Number.isFinite(w[2]))
          .slice(-WATCHED_STATUSES)
      : [];
    return { v: 1, notifications: id(parsed.notifications), conversations: id(parsed.conversations), recent };
  } catch {
    return empty;
  }
}

/**
 * The position after a page: the `min_id` of the page's `Link rel="prev"` (the newest entry),
 * else the newest id seen, else where we were. A first poll that found nothing starts from '0' so
 * that the next polls page forward through everything that arrives.
 */
function positionAfter(page: MastodonPage, ids: string[], previous: string | null): string {
  const candidates = [page.prev?.get('min_id') ?? page.prev?.get('since_id') ?? null, ...ids].filter(
    (id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 200,
  );
  let best = previous;
  for (const id of candidates) if (best === null || compareIds(id, best) > 0) best = id;
  return best ?? '0';
}

function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    throw new ConnectorError('bad-response', `The account's server address is not a URL: ${serverUrl.slice(0, 100)}`);
  }
}

function replyResultFrom(status: WireStatus): ReplyResult {
  const target = replyTargetFromStatus(status);
  return {
    remoteId: status.id,
    permalink: status.url ?? status.uri ?? null,
    createdAt: Date.parse(status.created_at),
    extra: { ...target, ...(status.uri ? { uri: status.uri } : {}) },
  };
}

function publishedFrom(status: WireStatus): PublishResult {
  return { kind: 'published', remoteId: status.id, permalink: status.url ?? status.uri ?? null, createdAt: Date.parse(status.created_at) };
}

class MastodonConnector implements RefreshableConnector {
  readonly network = 'mastodon' as const;
  readonly capabilities = MASTODON_CAPABILITIES;
  private readonly notificationsPageSize: number;
  private readonly conversationsPageSize: number;

  constructor(private readonly options: MastodonConnectorOptions) {
    this.notificationsPageSize = Math.min(80, Math.max(1, options.notificationsPageSize ?? 40));
    this.conversationsPageSize = Math.min(40, Math.max(1, options.conversationsPageSize ?? 20));
  }

  private client(ctx: AccountContext): MastodonClient {
    const accessToken = ctx.credentials.accessToken;
    if (!accessToken) throw new ConnectorError('auth', 'No Mastodon access token is stored for this account: sign in again');
    return new MastodonClient({
      serverUrl: ctx.serverUrl,
      accessToken,
      secrets: Object.values(ctx.credentials),
      createHttp: this.options.createHttp,
      timeoutMs: this.options.timeoutMs,
      retries: this.options.retries,
      sleep: this.options.sleep,
    });
  }

  async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
    const account = await this.client(ctx).verifyCredentials();
    return authorFromAccount(account, hostOf(ctx.serverUrl));
  }

  async refreshCredentials(ctx: AccountContext): Promise<Record<string, string>> {
    return refreshMastodonCredentials({
      serverUrl: ctx.serverUrl,
      credentials: ctx.credentials,
      createHttp: this.options.createHttp,
      timeoutMs: this.options.timeoutMs,
      sleep: this.options.sleep,
    });
  }

  async poll(ctx: AccountContext, cursor: string | null): Promise<PollResult> {
    const state = readMastodonCursor(cursor);
    const client = this.client(ctx);
    const convert: ConvertOptions = { meId: ctx.remoteId, instanceHost: hostOf(ctx.serverUrl) };

    // A first poll reads the newest page only (recent history); later ones page forward with min_id.
    const notifications = await client.notifications({
      types: ['mention', 'update'],
      limit: this.notificationsPageSize,
      minId: state.notifications,
    });
    const conversations = await client.conversations({ limit: this.conversationsPageSize, minId: state.conversations });

    const skipped: SkippedItem[] = [];
    const found = new Map<string, { status: WireStatus; extra: Record<string, unknown> }>();
    const notificationIds: string[] = [];
    const conversationPositions: string[] = [];
    const take = (entry: ReadEntry, positions: string[], position: (status: WireStatus, entryId: string) => string) => {
      if (entry.kind === 'skipped') {
        // Its id is not trusted as a position (it could be anything); the Link header moves past it.
        skipped.push(entry.skipped);
        return;
      }
      if (entry.kind === 'ignored') {
        positions.push(entry.entryId);
        return;
      }
      positions.push(position(entry.status, entry.entryId));
      const previous = found.get(entry.status.id);
      found.set(entry.status.id, { status: entry.status, extra: { ...previous?.extra, ...entry.extra } });
    };
    for (const raw of notifications.items) take(readNotification(raw), notificationIds, (_s, id) => id);
    // Conversations are paged by their last status id, not their own id.
    for (const raw of conversations.items) take(readConversation(raw), conversationPositions, (s) => s.id);

    const statuses = [...found.values()].sort(
      (a, b) => Date.parse(a.status.created_at) - Date.parse(b.status.created_at) || compareIds(a.status.id, b.status.id),
    );
    const threads = await this.resolveThreads(client, statuses.map((s) => s.status));
    const items: NormalizedItem[] = statuses.map(({ status, extra }) => {
      const thread = threads.get(status.id) ?? { rootId: status.id, root: null };
      return itemFromStatus(status, { ...convert, rootId: thread.rootId, root: thread.root, extra });
    });

    const watched = (state.recent ?? []).filter(([statusId]) => !found.has(statusId));
    const checked = await this.recheck(client, watched, convert);
    items.push(...checked.edited);
    const recent: Watched[] = [
      ...checked.still,
      ...items.filter((i) => !checked.edited.includes(i)).map((i): Watched => [i.remoteId, i.threadRemoteId, i.editedAt ?? 0]),
    ]
      .sort((a, b) => compareIds(a[0], b[0]))
      .slice(-WATCHED_STATUSES);

    const next: MastodonCursor = {
      v: 1,
      notifications: positionAfter(notifications, notificationIds, state.notifications),
      conversations: positionAfter(conversations, conversationPositions, state.conversations),
      recent,
    };
    // Mastodon sends rel="next" only when the page is full; paging forward, a full page means
    // newer entries may be waiting. A first poll does not page back into history.
    const hasMore =
      (state.notifications !== null && notifications.next !== null) || (state.conversations !== null && conversations.next !== null);
    return { items, cursor: JSON.stringify(next), hasMore, rateLimit: client.lastRateLimit, skipped, deleted: checked.deleted };
  }

  /**
   * Checks the recently polled statuses again: one that is gone was deleted (or is no longer
   * visible to us, which Mastodon does not tell apart), one whose `edited_at` moved was edited.
   * A server without GET /api/v1/statuses (Mastodon before 4.3) answers 404: nothing is reported
   * then, and the statuses stay watched.
   */
  private async recheck(
    client: MastodonClient,
    watched: readonly Watched[],
    convert: ConvertOptions,
  ): Promise<{ still: Watched[]; edited: NormalizedItem[]; deleted: NormalizedDeletion[] }> {
    const still: Watched[] = [];
    const edited: NormalizedItem[] = [];
    const deleted: NormalizedDeletion[] = [];
    for (let start = 0; start < watched.length; start += STATUSES_PER_REQUEST) {
      const chunk = watched.slice(start, start + STATUSES_PER_REQUEST);
      let raw: unknown[];
      try {
        raw = await client.statuses(chunk.map(([id]) => id));
      } catch (err) {
        if (err instanceof ConnectorError && (err.status === 404 || err.status === 405 || err.status === 422)) return { still: [...watched], edited: [], deleted: [] };
        throw err;
      }
      const present = new Map<string, WireStatus>();
      for (const entry of raw) {
        const status = readStatus(entry);
        if (status) present.set(status.id, status);
      }
      // Entries it cannot read say nothing about what is gone.
      if (present.size === 0 && raw.length > 0) {
        still.push(...chunk);
        continue;
      }
      // Nothing at all for several ids: a compatible server that ignores `id[]` would answer the same
      // as a mass deletion. One status is asked for directly to tell them apart.
      if (present.size === 0 && chunk.length > 1 && (await this.stillThere(client, chunk[0]![0]))) {
        return { still: [...watched], edited: [], deleted: [] };
      }
      for (const w of chunk) {
        const status = present.get(w[0]);
        if (!status) {
          deleted.push({ remoteId: w[0], deletedAt: Date.now() });
          continue;
        }
        const editedAt = status.edited_at ? Date.parse(status.edited_at) : 0;
        if (editedAt > w[2]) edited.push(itemFromStatus(status, { ...convert, rootId: w[1], root: null }));
        still.push([w[0], w[1], Math.max(editedAt, w[2])]);
      }
    }
    return { still, edited, deleted };
  }

  /**
   * Finds each status' thread root. Statuses are walked oldest first; when the walk leaves what is
   * known, the context of that status is fetched once and the walk resumes, so later messages of the
   * same thread need no further request.
   */
  private async resolveThreads(
    client: MastodonClient,
    statuses: WireStatus[],
  ): Promise<Map<string, { rootId: string; root: WireStatus | null }>> {
    const known = new Map<string, WireStatus>(statuses.map((s) => [s.id, s]));
    const unreachable = new Set<string>();
    const threads = new Map<string, { rootId: string; root: WireStatus | null }>();
    for (const status of statuses) {
      let walk = threadRootOf(status, known);
      if (!walk.complete && !unreachable.has(walk.rootId)) {
        const context = await this.contextOf(client, status.id);
        for (const raw of [...(context?.ancestors ?? []), ...(context?.descendants ?? [])]) {
          const s = readStatus(raw);
          if (s && !known.has(s.id)) known.set(s.id, s);
        }
        walk = threadRootOf(status, known);
        // Hidden or deleted: other messages of this thread will not find it either.
        if (!walk.complete) unreachable.add(walk.rootId);
      }
      threads.set(status.id, { rootId: walk.rootId, root: known.get(walk.rootId) ?? null });
    }
    return threads;
  }

  /** Whether one status can still be read (404: deleted, or hidden from us). */
  private async stillThere(client: MastodonClient, statusId: string): Promise<boolean> {
    try {
      await client.status(statusId);
      return true;
    } catch (err) {
      if (err instanceof ConnectorError && err.status === 404) return false;
      throw err;
    }
  }

  /** The context of a status; null when it is gone (deleted since the notification). */
  private async contextOf(client: MastodonClient, statusId: string) {
    try {
      return await client.context(statusId);
    } catch (err) {
      if (err instanceof ConnectorError && err.status === 404) return null;
      throw err;
    }
  }

  async reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult> {
    const client = this.client(ctx);
    // Visibility and the people to address come from the parent: stored with it, or fetched.
    const target = replyTargetFromExtra(req.parentExtra) ?? replyTargetFromStatus(await client.status(req.parentRemoteId));
    const status = await client.postStatus(
      {
        status: replyText(req.text, target, ctx.remoteId),
        in_reply_to_id: req.parentRemoteId,
        visibility: target.visibility,
      },
      req.idempotencyKey,
    );
    return replyResultFrom(status);
  }

  async findReply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult | null> {
    const context = await this.contextOf(this.client(ctx), req.parentRemoteId);
    if (!context) return null;
    const wanted = comparableText(req.text);
    for (const raw of context.descendants) {
      const status = readStatus(raw);
      if (!status || status.account.id !== ctx.remoteId || status.in_reply_to_id !== req.parentRemoteId) continue;
      if (comparableText(statusText(status)) === wanted) return replyResultFrom(status);
    }
    return null;
  }

  /** Mastodon refuses a scheduled status less than 5 minutes ahead; a minute more for clock skew. */
  readonly scheduling = { minLeadMs: 6 * 60_000 };

  async publish(ctx: AccountContext, req: PublishRequest): Promise<PublishResult> {
    const client = this.client(ctx);
    // Images first: a crash after an upload and before the status leaves an attachment no status
    // uses, which nobody sees and the server removes; the resend uploads again and the status's
    // Idempotency-Key still makes one post.
    const mediaIds: string[] = [];
    for (const [index, image] of (req.media ?? []).entries()) mediaIds.push(await this.upload(client, image, index));
    const media = mediaIds.length > 0 ? { media_ids: mediaIds } : {};
    if (req.scheduledAt !== null && req.scheduledAt !== undefined) {
      const waiting = await client.scheduleStatus(
        { status: req.text, visibility: 'public', scheduled_at: new Date(req.scheduledAt).toISOString(), ...media },
        req.idempotencyKey,
      );
      return { kind: 'scheduled', remoteScheduledId: waiting.id };
    }
    // The same Idempotency-Key within the hour answers the status made the first time.
    const status = await client.postStatus({ status: req.text, visibility: 'public', ...media }, req.idempotencyKey);
    return publishedFrom(status);
  }

  /** Uploads one image with its alt text and waits until the server has processed it. */
  private async upload(client: MastodonClient, image: PublishMedia, index: number): Promise<string> {
    let uploaded: Awaited<ReturnType<MastodonClient['uploadMedia']>>;
    try {
      uploaded = await client.uploadMedia(await image.load(), image.mime, `${image.sha256.slice(0, 16)}.${image.mime.split('/')[1] ?? 'bin'}`, image.alt);
    } catch (err) {
      // Too large (413), or a type or size the server refuses (422): sending again changes nothing.
      if (err instanceof ConnectorError && (err.status === 413 || err.status === 415 || err.status === 422)) {
        throw new ConnectorError('not-supported', `Mastodon refused image ${index + 1}: ${err.message}`, null, err.status);
      }
      throw err;
    }
    if (!uploaded.processing && uploaded.attachment.url) return uploaded.attachment.id;
    // 202: processing; the status may not use it before its url is set.
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0, waited = 0; waited < MEDIA_PROCESSING_WAIT_MS; attempt++) {
      const delay = Math.min(500 * 2 ** attempt, 5_000);
      await sleep(delay);
      waited += delay;
      const ready = await client.media(uploaded.attachment.id);
      if (ready?.url) return ready.id;
    }
    throw new ConnectorError('network', `Mastodon is still processing image ${index + 1}; the post will be tried again`);
  }

  async findScheduled(ctx: AccountContext, req: PublishRequest & { remoteScheduledId: string }): Promise<PublishResult | null> {
    const client = this.client(ctx);
    if (await client.scheduledStatus(req.remoteScheduledId)) return null;
    // Published (the server's scheduled status is gone): Mastodon does not link the two, so the
    // status is found among the account's latest by its text, made no earlier than its time.
    const wanted = comparableText(req.text);
    const notBefore = (req.scheduledAt ?? 0) - 60_000;
    for (const raw of await client.accountStatuses(ctx.remoteId)) {
      const status = readStatus(raw);
      if (!status || status.account.id !== ctx.remoteId || Date.parse(status.created_at) < notBefore) continue;
      if (comparableText(statusText(status)) === wanted) return publishedFrom(status);
    }
    throw new ConnectorError('bad-response', 'The scheduled post is no longer on the server: it was cancelled or deleted there.');
  }

  async rescheduleHeld(ctx: AccountContext, req: { remoteScheduledId: string; scheduledAt: number }): Promise<void> {
    await this.client(ctx).rescheduleStatus(req.remoteScheduledId, new Date(req.scheduledAt).toISOString());
  }

  async cancelHeld(ctx: AccountContext, req: { remoteScheduledId: string }): Promise<boolean> {
    return this.client(ctx).cancelScheduledStatus(req.remoteScheduledId);
  }

  async moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
    if (!this.capabilities.moderation.includes(req.action)) {
      throw new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? `Mastodon does not support ${req.action}`);
    }
    const client = this.client(ctx);
    switch (req.action) {
      case 'block-author': {
        const relationship = await client.relationship(req.authorRemoteId, 'block');
        return { remoteResult: { accountId: relationship.id, blocking: relationship.blocking ?? true } };
      }
      case 'mute-author': {
        const relationship = await client.relationship(req.authorRemoteId, 'mute', { notifications: true });
        return { remoteResult: { accountId: relationship.id, muting: relationship.muting ?? true } };
      }
      case 'unblock-author': {
        const relationship = await client.relationship(req.authorRemoteId, 'unblock');
        return { remoteResult: { accountId: relationship.id, blocking: relationship.blocking ?? false } };
      }
      case 'unmute-author': {
        const relationship = await client.relationship(req.authorRemoteId, 'unmute');
        return { remoteResult: { accountId: relationship.id, muting: relationship.muting ?? false } };
      }
      case 'report': {
        const { category, comment: text } = mastodonReport(req.reason);
        const comment = [...text].slice(0, REPORT_COMMENT_LENGTH).join('');
        const report = await client.report({
          account_id: req.authorRemoteId,
          status_ids: [req.messageRemoteId],
          comment,
          category,
          forward: false,
        });
        return { remoteResult: { reportId: report.id } };
      }
      case 'delete-own': {
        if (req.authorRemoteId !== ctx.remoteId) {
          throw new ConnectorError('not-supported', 'Only your own Mastodon posts can be deleted. Report the post instead.');
        }
        try {
          const deleted = await client.deleteStatus(req.messageRemoteId);
          return { remoteResult: { deletedId: deleted.id } };
        } catch (err) {
          // Already gone (an earlier attempt went through): the goal is reached.
          if (err instanceof ConnectorError && err.status === 404) return { remoteResult: { deletedId: req.messageRemoteId, alreadyGone: true } };
          throw err;
        }
      }
      default:
        throw new ConnectorError('not-supported', `Mastodon does not support ${req.action}`);
    }
  }
}

/** Builds the Mastodon connector. */
/**
 * A report request's reason code as Mastodon's report `category` and comment. Mastodon has
 * spam, legal, violation (which needs the server's rule ids, unknown here) and other: codes with
 * no category of their own go as "other" with the code first in the comment, so the moderators
 * still read why.
 */
export function mastodonReport(reason: string | undefined): { category: 'spam' | 'legal' | 'other'; comment: string } {
  const { code, details } = decodeReportReason(reason);
  if (code === 'spam') return { category: 'spam', comment: details };
  if (code === 'illegal') return { category: 'legal', comment: details };
  if (code === 'other') return { category: 'other', comment: details };
  return { category: 'other', comment: details ? `${code}: ${details}` : code };
}

export function createMastodonConnector(options: MastodonConnectorOptions = {}): RefreshableConnector {
  return new MastodonConnector(options);
}

export { normalizeServerUrl, registerMastodonApp, signInToMastodon, refreshMastodonCredentials, MASTODON_SCOPES } from './auth';
export type { MastodonSignIn, MastodonCredentials, SignInOptions } from './auth';
