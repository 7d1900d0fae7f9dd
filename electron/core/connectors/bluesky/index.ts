/**
 * The Bluesky connector: reads reply, mention and quote notifications of one account into the
 * inbox, answers with posts carrying the right `reply.root` / `reply.parent` strong refs, and
 * moderates with the tools Bluesky gives a thread author (threadgate hidden replies, block and
 * mute records, reports). Holds no state between calls: the cursor and the tokens belong to the
 * caller (tokens come back through `onCredentialsRefreshed`).
 */
import { UnicodeString, RichText } from '@atproto/api';
import { decodeReportReason, type ReportReason } from '../../../../shared/report-reasons';
import type {
  AccountContext,
  Capabilities,
  Connector,
  ModerateRequest,
  NormalizedAuthor,
  NormalizedItem,
  PollResult,
  PublishResult,
  ReplyRequest,
  ReplyResult,
} from '../types';
import { ConnectorError, notSupported, type PublishMedia } from '../types';
import {
  BlueskySession,
  createRefreshCoordinator,
  createSession,
  credentialsRecord,
  readCredentials,
  type BlueskyCredentials,
  type RefreshCoordinator,
} from './auth';
import { BlueskyClient, createTransport, toBlueskyError, xrpcErrorName, type TransportOptions } from './client';
import { contextUriOf, notificationToItem, parseAtUri, postPermalink, toAuthor, type BlueskyMessageExtra } from './convert';
import {
  DEFAULT_CURSOR_SETTINGS,
  afterGapRead,
  afterHeadRead,
  afterSweepRead,
  decodeCursor,
  encodeCursor,
  readNewNotifications,
  sweepDue,
  type CursorSettings,
  type FreshNotification,
} from './cursor';
import { recordKeyFor } from './record-key';
import { hideInThreadgate, unhideInThreadgate } from './threadgate';
import { BLOCK_COLLECTION, INBOX_REASONS, POST_COLLECTION, THREADGATE_COLLECTION, checkPostRecord, type WireStrongRef } from './wire';

export type { BlueskyCredentials } from './auth';

/** What Bluesky lets Parvis do. */
/** The lexicon app.bsky.embed.images: at most 4 images, each a blob of at most 2,000,000 bytes. */
const BLUESKY_MAX_IMAGES = 4;
const BLUESKY_MAX_IMAGE_BYTES = 2_000_000;

export const BLUESKY_CAPABILITIES: Capabilities = {
  maxReplyLength: 300,
  directMessages: false,
  reply: true,
  moderation: ['hide', 'unhide', 'block-author', 'unblock-author', 'mute-author', 'unmute-author', 'report', 'delete-own'],
  unsupportedReasons: {
    lock: 'Parvis cannot close a Bluesky thread: choose who can reply on your post in Bluesky (its thread gate).',
    unlock: 'Parvis does not close Bluesky threads, so there is nothing to reopen: change who can reply on your post in Bluesky.',
    hide: 'Bluesky hides replies only in threads that start with one of your own posts (the thread gate lists at most 300 hidden replies).',
    unhide: 'Bluesky can unhide only replies hidden in threads that start with one of your own posts.',
    remove: 'Bluesky does not let you remove other people’s posts: hide the reply, or block or report its author.',
    hold: 'Bluesky has no moderation queue.',
    approve: 'Bluesky has no moderation queue.',
    spam: 'Bluesky has no spam folder: report the post as spam instead.',
    'ban-author': 'Bluesky has no bans: block the author instead.',
    'unban-author': 'Bluesky has no bans (blocks can be undone with Unblock).',
  },
};

export interface BlueskyConnectorOptions extends TransportOptions {
  /** Notifications per listNotifications page (1..100). */
  pageSize?: number;
  /** Pages one poll may read; a bigger backlog continues on the next poll (`hasMore`). */
  maxPagesPerPoll?: number;
  /** How far back the first poll of an account reads. */
  backfillDays?: number;
  cursor?: Partial<CursorSettings>;
}

/**
 * Parvis's report codes as Bluesky reasons. Harassment, hate and violence have no
 * com.atproto.moderation reason of their own: ozone (Bluesky's moderation service) takes its
 * finer tools.ozone.report reasons for them.
 */
export const BLUESKY_REPORT_REASONS: Record<ReportReason, string> = {
  spam: 'com.atproto.moderation.defs#reasonSpam',
  harassment: 'tools.ozone.report.defs#reasonHarassmentOther',
  hate: 'tools.ozone.report.defs#reasonHarassmentHateSpeech',
  sexual: 'com.atproto.moderation.defs#reasonSexual',
  violence: 'tools.ozone.report.defs#reasonViolenceOther',
  misleading: 'com.atproto.moderation.defs#reasonMisleading',
  illegal: 'com.atproto.moderation.defs#reasonViolation',
  other: 'com.atproto.moderation.defs#reasonOther',
};

/**
 * A report request's reason (a code from shared/report-reasons, optionally `code: details`) as
 * createReport's `reasonType` and `reason`. Anything else is "other" with the text as details.
 */
export function reportReason(reason: string | undefined): { reasonType: string; reason?: string } {
  const { code, details } = decodeReportReason(reason);
  const reasonType = BLUESKY_REPORT_REASONS[code];
  return details ? { reasonType, reason: details } : { reasonType };
}

/** Link and hashtag facets for a reply's text (mentions stay plain text: they would need a handle lookup each). */
function replyFacets(text: string): Record<string, unknown>[] | undefined {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const facets = (rt.facets ?? [])
    .map((f) => ({ ...f, features: f.features.filter((feature) => feature.$type !== 'app.bsky.richtext.facet#mention') }))
    .filter((f) => f.features.length > 0)
    .map(({ index, features }) => ({ index: { byteStart: index.byteStart, byteEnd: index.byteEnd }, features }));
  return facets.length ? facets : undefined;
}

function isStrongRef(value: unknown): value is WireStrongRef {
  const v = value as Partial<WireStrongRef> | null | undefined;
  return typeof v?.uri === 'string' && typeof v.cid === 'string' && v.uri.startsWith('at://') && v.cid.length > 0;
}

/** Creates the connector; options are for tests and tuning, every one has a default. */
export function createBlueskyConnector(options: BlueskyConnectorOptions = {}): Connector {
  const now = options.now ?? (() => Date.now());
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 50));
  const maxPages = Math.max(1, options.maxPagesPerPoll ?? 4);
  const backfillMs = (options.backfillDays ?? 7) * 24 * 3600 * 1000;
  const settings: CursorSettings = { ...DEFAULT_CURSOR_SETTINGS, ...options.cursor };
  const coordinateRefresh: RefreshCoordinator = createRefreshCoordinator();

  function openClient(ctx: AccountContext, credentials: BlueskyCredentials = readCredentials(ctx)): BlueskyClient {
    const transport = createTransport({ ...options, now });
    const session = new BlueskySession(ctx.serverUrl, credentials, transport, {
      coordinateRefresh,
      onRefreshed: async (fresh) => {
        try {
          await ctx.onCredentialsRefreshed?.(credentialsRecord(fresh));
        } catch (err) {
          // The old refresh token is spent: without the new one saved the account must sign in again.
          throw new ConnectorError('auth', `The refreshed Bluesky session could not be saved: ${err instanceof Error ? err.message : String(err)}`);
        }
      },
    });
    return new BlueskyClient(session, transport);
  }

  /** The strong refs a reply to `req.parentRemoteId` needs, from the stored extra or the AppView. */
  async function replyRefs(client: BlueskyClient, req: ReplyRequest): Promise<{ root: WireStrongRef; parent: WireStrongRef }> {
    const extra = (req.parentExtra ?? {}) as Partial<BlueskyMessageExtra>;
    if (typeof extra.cid === 'string' && extra.cid && isStrongRef(extra.root)) {
      return { root: { uri: extra.root.uri, cid: extra.root.cid }, parent: { uri: req.parentRemoteId, cid: extra.cid } };
    }
    const view = (await client.getPosts([req.parentRemoteId])).get(req.parentRemoteId);
    if (!view) {
      throw new ConnectorError('bad-response', 'The post being answered is no longer on Bluesky (deleted, or hidden from this account).');
    }
    const record = checkPostRecord(view.record);
    const root = record.ok && record.value.reply ? record.value.reply.root : { uri: view.uri, cid: view.cid };
    return { root: { uri: root.uri, cid: root.cid }, parent: { uri: view.uri, cid: view.cid } };
  }

  function replyResult(ref: WireStrongRef, record: Record<string, unknown>, refs: { root: WireStrongRef; parent: WireStrongRef }): ReplyResult {
    const created = Date.parse(String(record.createdAt));
    const extra: BlueskyMessageExtra = { uri: ref.uri, cid: ref.cid, root: refs.root, parent: refs.parent, reason: 'own-reply', indexedAt: new Date(now()).toISOString() };
    return { remoteId: ref.uri, permalink: postPermalink(ref.uri), createdAt: Number.isNaN(created) ? now() : created, extra };
  }

  /**
   * app.bsky.embed.images: each image uploaded as a blob, with its alt text and aspect ratio. A
   * resend uploads the same bytes again (the same CID); the record key keeps the post single.
   */
  async function imagesEmbed(client: BlueskyClient, media: readonly PublishMedia[]): Promise<Record<string, unknown> | null> {
    if (media.length === 0) return null;
    if (media.length > BLUESKY_MAX_IMAGES) throw new ConnectorError('not-supported', `Bluesky takes at most ${BLUESKY_MAX_IMAGES} images in a post.`);
    const images: Record<string, unknown>[] = [];
    for (const [index, image] of media.entries()) {
      if (image.bytes > BLUESKY_MAX_IMAGE_BYTES) {
        throw new ConnectorError('not-supported', `Image ${index + 1} is ${image.bytes} bytes; Bluesky takes at most ${BLUESKY_MAX_IMAGE_BYTES}.`);
      }
      const blob = await client.uploadBlob(await image.load(), image.mime);
      images.push({
        image: blob,
        alt: image.alt,
        ...(image.width && image.height ? { aspectRatio: { width: image.width, height: image.height } } : {}),
      });
    }
    return { $type: 'app.bsky.embed.images', images };
  }

  /** Creates a record under a key derived from the idempotency key; a retry finds the first one. */
  async function createOnce(client: BlueskyClient, collection: string, idempotencyKey: string, record: Record<string, unknown>): Promise<{ ref: WireStrongRef; record: Record<string, unknown> }> {
    const rkey = recordKeyFor(idempotencyKey);
    try {
      return { ref: await client.createRecord(collection, rkey, record), record };
    } catch (err) {
      const error = err instanceof ConnectorError ? err : toBlueskyError(err, `createRecord ${collection}`, client.transport);
      if (error.kind === 'auth' || error.kind === 'rate-limited') throw error;
      // The key may already be taken by an earlier attempt whose answer was lost.
      const existing = await client.getRecord(client.did, collection, rkey).catch(() => null);
      if (existing?.cid) return { ref: { uri: existing.uri, cid: existing.cid }, record: existing.value };
      throw error;
    }
  }

  /** The root of the thread `uri` belongs to (from the stored extra, or the AppView). */
  async function threadRootOf(client: BlueskyClient, req: ModerateRequest): Promise<string> {
    const extra = (req.messageExtra ?? {}) as Partial<BlueskyMessageExtra>;
    if (isStrongRef(extra.root)) return extra.root.uri;
    const view = (await client.getPosts([req.messageRemoteId])).get(req.messageRemoteId);
    if (!view) throw new ConnectorError('bad-response', 'The reply is no longer on Bluesky.');
    const record = checkPostRecord(view.record);
    return record.ok && record.value.reply ? record.value.reply.root.uri : view.uri;
  }

  async function ownThreadRoot(client: BlueskyClient, req: ModerateRequest): Promise<{ uri: string; rkey: string }> {
    const rootUri = await threadRootOf(client, req);
    const root = parseAtUri(rootUri);
    if (!root || root.repo !== client.did || root.collection !== POST_COLLECTION) {
      throw new ConnectorError('not-supported', BLUESKY_CAPABILITIES.unsupportedReasons!.hide!);
    }
    if (rootUri === req.messageRemoteId) {
      throw new ConnectorError('not-supported', 'The first post of a thread cannot be hidden; delete it instead.');
    }
    return { uri: rootUri, rkey: root.rkey };
  }

  /** Read-modify-write of the threadgate, retried when someone else changed it in between. */
  async function updateThreadgate(
    client: BlueskyClient,
    rkey: string,
    next: (current: Record<string, unknown> | null) => { record: Record<string, unknown>; changed: boolean } | null,
  ): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const current = await client.getRecord(client.did, THREADGATE_COLLECTION, rkey);
      const change = next(current?.value ?? null);
      if (!change || !change.changed) return { threadgate: current?.uri ?? null, changed: false };
      try {
        const ref = await client.putRecord(THREADGATE_COLLECTION, rkey, change.record, current?.cid ?? null);
        const hidden = change.record.hiddenReplies;
        return { threadgate: ref.uri, cid: ref.cid, changed: true, hiddenCount: Array.isArray(hidden) ? hidden.length : 0 };
      } catch (err) {
        if (xrpcErrorName(err) === 'InvalidSwap' && attempt < 2) continue;
        throw toBlueskyError(err, 'putRecord app.bsky.feed.threadgate', client.transport);
      }
    }
  }

  async function strongRefOf(client: BlueskyClient, req: ModerateRequest): Promise<WireStrongRef | null> {
    const extra = (req.messageExtra ?? {}) as Partial<BlueskyMessageExtra>;
    if (typeof extra.cid === 'string' && extra.cid) return { uri: req.messageRemoteId, cid: extra.cid };
    const view = (await client.getPosts([req.messageRemoteId])).get(req.messageRemoteId);
    return view ? { uri: view.uri, cid: view.cid } : null;
  }

  async function pollWith(ctx: AccountContext, client: BlueskyClient, rawCursor: string | null): Promise<PollResult> {
    const state = decodeCursor(rawCursor);
    const fetchPage = (cursor: string | undefined, limit?: number) => client.listNotifications({ limit: limit ?? pageSize, cursor, reasons: INBOX_REASONS });
    const readOpts = { maxPages, reasons: INBOX_REASONS, settings, isKnown: ctx.knownRemoteIds };
    let read;
    let next;
    if (state.gap) {
      read = await readNewNotifications(fetchPage, state.gap.apiCursor, { floor: state.gap.floor, known: [...state.gap.floorRecent, ...state.recent] }, readOpts);
      next = afterGapRead(state, read, settings);
    } else {
      const floor = state.mark ?? now() - backfillMs;
      read = await readNewNotifications(fetchPage, undefined, { floor, known: state.recent }, readOpts);
      next = afterHeadRead(state, floor, read, settings);
      // The first poll reads the whole backfill window: that is a sweep already.
      if (state.mark === null) next = { ...next, sweptAt: now() };
    }
    const fresh: FreshNotification[] = [...read.fresh];
    const skippedReads = [...read.skipped];
    // Backdated notifications sort behind the mark: the backfill window is swept again now and
    // then (a page budget per poll), and what the inbox does not hold yet is delivered.
    const at = now();
    if (next.sweep || sweepDue(next, at, settings)) {
      const sweep = next.sweep ?? { apiCursor: null, floor: at - backfillMs };
      // The sweep has no overlap of its own: what is older than its floor was never read.
      const swept = await readNewNotifications(
        fetchPage,
        sweep.apiCursor ?? undefined,
        { floor: sweep.floor + settings.overlapMs, known: next.recent },
        readOpts,
      );
      const taken = new Set(fresh.map((f) => f.notification.uri));
      fresh.push(...swept.fresh.filter((f) => !taken.has(f.notification.uri)));
      skippedReads.push(...swept.skipped);
      next = afterSweepRead(next, sweep, at, swept, settings);
    }

    // One getPosts call per 25 posts hydrates embeds (image URLs) and the posts threads hang on.
    const uris = fresh.flatMap(({ notification }) => [notification.uri, contextUriOf(notification) ?? notification.uri]);
    const views = uris.length ? await client.getPosts(uris) : new Map();
    const items: NormalizedItem[] = [];
    const skipped = skippedReads.map(({ remoteId, reason }) => ({ remoteId, reason }));
    for (const { notification } of fresh.sort((a, b) => a.at - b.at)) {
      const contextUri = contextUriOf(notification);
      const converted = notificationToItem(notification, client.did, {
        post: views.get(notification.uri),
        context: contextUri ? views.get(contextUri) : undefined,
      });
      if (converted.ok) items.push(converted.item);
      else skipped.push({ remoteId: converted.remoteId, reason: converted.reason });
    }
    return { items, cursor: encodeCursor(next), hasMore: next.gap !== null, rateLimit: client.rateLimit, skipped };
  }

  async function replyWith(client: BlueskyClient, req: ReplyRequest): Promise<ReplyResult> {
    const text = req.text.trim();
    if (!text) throw new ConnectorError('bad-response', 'A Bluesky reply needs some text.');
    const length = new UnicodeString(text).graphemeLength;
    if (length > BLUESKY_CAPABILITIES.maxReplyLength) {
      throw new ConnectorError('bad-response', `This reply is ${length} characters long; Bluesky allows ${BLUESKY_CAPABILITIES.maxReplyLength}.`);
    }
    const refs = await replyRefs(client, req);
    const facets = replyFacets(text);
    const record: Record<string, unknown> = {
      $type: POST_COLLECTION,
      text,
      createdAt: new Date(now()).toISOString(),
      reply: { root: refs.root, parent: refs.parent },
      ...(facets ? { facets } : {}),
    };
    const created = await createOnce(client, POST_COLLECTION, req.idempotencyKey, record);
    return replyResult(created.ref, created.record, refs);
  }

  /**
   * A 5xx from an app call may be an outage, or an account the server no longer has: the real PDS
   * answers 500 to every app call for a deleted account. getSession tells them apart (it answers
   * 400 "Could not find user info" then), so a dead account asks to sign in again instead of
   * retrying forever as "network".
   */
  async function deadSessionOr(client: BlueskyClient, err: unknown): Promise<unknown> {
    if (!(err instanceof ConnectorError) || err.kind !== 'network' || err.status === null || err.status < 500) return err;
    try {
      await client.getSession();
      return err;
    } catch (probe) {
      if (probe instanceof ConnectorError && probe.kind === 'auth') {
        return new ConnectorError('auth', `Bluesky no longer accepts this account's session (${probe.message}); sign in again.`, null, probe.status, { detail: probe.detail });
      }
      return err;
    }
  }

  const connector: Connector = {
    network: 'bluesky',
    capabilities: BLUESKY_CAPABILITIES,

    async verify(ctx) {
      let credentials: BlueskyCredentials;
      const { appPassword } = ctx.credentials;
      if (appPassword && !ctx.credentials.accessJwt) {
        // Sign-in: the app password is used once here; only the session tokens are handed back.
        const transport = createTransport({ ...options, now });
        const identifier = ctx.credentials.identifier || ctx.handle || ctx.remoteId;
        credentials = await createSession(transport, ctx.serverUrl, identifier, appPassword);
        await ctx.onCredentialsRefreshed?.(credentialsRecord(credentials));
      } else {
        credentials = readCredentials(ctx);
      }
      const client = openClient(ctx, credentials);
      const session = await client.getSession();
      if (ctx.remoteId && ctx.remoteId.startsWith('did:') && session.did !== ctx.remoteId) {
        throw new ConnectorError('auth', `These credentials belong to ${session.handle}, not to this account.`);
      }
      const profile = await client.getProfile(session.did);
      return toAuthor(profile) satisfies NormalizedAuthor;
    },

    async poll(ctx, rawCursor): Promise<PollResult> {
      const client = openClient(ctx);
      try {
        return await pollWith(ctx, client, rawCursor);
      } catch (err) {
        throw await deadSessionOr(client, err);
      }
    },

    async reply(ctx, req): Promise<ReplyResult> {
      const client = openClient(ctx);
      try {
        return await replyWith(client, req);
      } catch (err) {
        throw await deadSessionOr(client, err);
      }
    },

    async publish(ctx, req): Promise<PublishResult> {
      // Bluesky has no server-side scheduling: Parvis publishes at the time, so `scheduledAt` is never set here.
      const client = openClient(ctx);
      try {
        const text = req.text.trim();
        if (!text) throw new ConnectorError('bad-response', 'A Bluesky post needs some text.');
        const length = new UnicodeString(text).graphemeLength;
        if (length > BLUESKY_CAPABILITIES.maxReplyLength) {
          throw new ConnectorError('bad-response', `This post is ${length} characters long; Bluesky allows ${BLUESKY_CAPABILITIES.maxReplyLength}.`);
        }
        const facets = replyFacets(text);
        const embed = await imagesEmbed(client, req.media ?? []);
        const record: Record<string, unknown> = {
          $type: POST_COLLECTION,
          text,
          createdAt: new Date(now()).toISOString(),
          ...(facets ? { facets } : {}),
          ...(embed ? { embed } : {}),
        };
        // The record key comes from the target's uid: a resend finds the first post instead of making a second.
        const created = await createOnce(client, POST_COLLECTION, req.idempotencyKey, record);
        const createdAt = Date.parse(String(created.record.createdAt));
        return { kind: 'published', remoteId: created.ref.uri, permalink: postPermalink(created.ref.uri), createdAt: Number.isNaN(createdAt) ? now() : createdAt };
      } catch (err) {
        throw await deadSessionOr(client, err);
      }
    },

    async findReply(ctx, req): Promise<ReplyResult | null> {
      const client = openClient(ctx);
      const existing = await client.getRecord(client.did, POST_COLLECTION, recordKeyFor(req.idempotencyKey));
      if (!existing?.cid) return null;
      const record = checkPostRecord(existing.value);
      const refs = record.ok && record.value.reply ? record.value.reply : null;
      if (!refs) return null;
      return replyResult({ uri: existing.uri, cid: existing.cid }, existing.value, { root: refs.root, parent: refs.parent });
    },

    async moderate(ctx, req) {
      const client = openClient(ctx);
      switch (req.action) {
        case 'hide': {
          const root = await ownThreadRoot(client, req);
          return { remoteResult: await updateThreadgate(client, root.rkey, (current) => hideInThreadgate(current, root.uri, req.messageRemoteId, now())) };
        }
        case 'unhide': {
          const root = await ownThreadRoot(client, req);
          return { remoteResult: await updateThreadgate(client, root.rkey, (current) => unhideInThreadgate(current, req.messageRemoteId)) };
        }
        case 'block-author': {
          if (req.authorRemoteId === client.did) throw new ConnectorError('not-supported', 'You cannot block your own account.');
          const profile = await client.getProfile(req.authorRemoteId);
          if (profile.viewer?.blocking) return { remoteResult: { block: profile.viewer.blocking, created: false } };
          const record = { $type: BLOCK_COLLECTION, subject: profile.did, createdAt: new Date(now()).toISOString() };
          const created = await createOnce(client, BLOCK_COLLECTION, `block:${req.idempotencyKey}`, record);
          return { remoteResult: { block: created.ref.uri, created: true } };
        }
        case 'unblock-author': {
          // The AppView says which block record of ours stands between us (there may be none left).
          const profile = await client.getProfile(req.authorRemoteId);
          const block = profile.viewer?.blocking ? parseAtUri(profile.viewer.blocking) : null;
          if (!block || block.repo !== client.did || block.collection !== BLOCK_COLLECTION) return { remoteResult: { unblocked: req.authorRemoteId, removed: false } };
          await client.deleteRecord(BLOCK_COLLECTION, block.rkey);
          return { remoteResult: { unblocked: req.authorRemoteId, removed: true } };
        }
        case 'mute-author':
          await client.muteActor(req.authorRemoteId);
          return { remoteResult: { muted: req.authorRemoteId } };
        case 'unmute-author':
          await client.unmuteActor(req.authorRemoteId);
          return { remoteResult: { unmuted: req.authorRemoteId } };
        case 'report': {
          const subjectRef = await strongRefOf(client, req);
          const subject = subjectRef
            ? { $type: 'com.atproto.repo.strongRef', uri: subjectRef.uri, cid: subjectRef.cid }
            : { $type: 'com.atproto.admin.defs#repoRef', did: req.authorRemoteId };
          const report = await client.createReport({ ...reportReason(req.reason), subject });
          return { remoteResult: { reportId: report.id, reasonType: report.reasonType } };
        }
        case 'delete-own': {
          const uri = parseAtUri(req.messageRemoteId);
          if (!uri || uri.repo !== client.did || uri.collection !== POST_COLLECTION) {
            throw new ConnectorError('not-supported', 'Only your own posts can be deleted on Bluesky.');
          }
          await client.deleteRecord(POST_COLLECTION, uri.rkey);
          return { remoteResult: { deleted: req.messageRemoteId } };
        }
        default: {
          const reason = BLUESKY_CAPABILITIES.unsupportedReasons?.[req.action];
          throw reason ? new ConnectorError('not-supported', reason) : notSupported('bluesky', req.action);
        }
      }
    },
  };
  return connector;
}

/**
 * Signs in with a handle and an app password (the same path as `verify` with `appPassword` in the
 * credentials) and returns the tokens to store; the app password is not kept anywhere.
 */
export async function signInToBluesky(
  serverUrl: string,
  identifier: string,
  appPassword: string,
  options: BlueskyConnectorOptions = {},
): Promise<{ credentials: Record<string, string>; author: NormalizedAuthor }> {
  let credentials: Record<string, string> | null = null;
  const author = await createBlueskyConnector(options).verify({
    accountId: 0,
    network: 'bluesky',
    serverUrl,
    remoteId: '',
    handle: identifier,
    credentials: { identifier, appPassword },
    onCredentialsRefreshed: async (fresh) => {
      credentials = fresh;
    },
  });
  if (!credentials) throw new ConnectorError('bad-response', 'Bluesky accepted the sign-in but returned no session.');
  return { credentials, author };
}
