/**
 * The Bluesky HTTP client: @atproto/api's `Agent` over our own fetch transport, so that every
 * response's RateLimit-* headers are read, hung requests time out, safe requests are retried with
 * backoff, and every failure becomes a ConnectorError without secrets in it.
 */
import { Agent, XRPCError, type AppBskyActorDefs, type ComAtprotoModerationCreateReport } from '@atproto/api';
import type { RateLimit } from '../../../../shared/model';
import { DETAIL_MAX } from '../../../../shared/errors';
import { USER_AGENT, backoffDelay, parseRateLimit, parseRetryAfter, redact } from '../http';
import { ConnectorError } from '../types';
import type { BlueskySession } from './auth';
import {
  checkNotification,
  checkPostView,
  type WireListNotificationsOutput,
  type WireNotification,
  type WirePostView,
  type WireStrongRef,
} from './wire';

/** How the client reaches the network; every field has a production default. */
export interface TransportOptions {
  /** WhatWG fetch (tests may inject one). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout; a hung server becomes a `network` error after this long. */
  timeoutMs?: number;
  /** Retries of safe requests (GET) after a network error or a 5xx. */
  retries?: number;
  /** Base delay of the exponential backoff, ms. */
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** A fetch that records rate limits and throws ConnectorError on network failure. */
export interface Transport {
  send(url: string, init: RequestInit): Promise<Response>;
  /** The rate-limit state of the last response that carried one. */
  readonly rateLimit: RateLimit | null;
  /** Values to redact from messages (tokens); set by the session. */
  secrets: string[];
  readonly now: () => number;
}

/** Builds the transport a client and its session share. */
export function createTransport(opts: TransportOptions = {}): Transport {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const retries = opts.retries ?? 2;
  const backoffBaseMs = opts.backoffBaseMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = opts.now ?? (() => Date.now());
  const transport: Transport = {
    rateLimit: null,
    secrets: [],
    now,
    async send(url, init) {
      const method = (init.method ?? 'GET').toUpperCase();
      const what = describeRequest(method, url);
      for (let attempt = 0; ; attempt++) {
        const headers = new Headers(init.headers);
        if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
        let response: Response;
        try {
          response = await fetchImpl(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
        } catch (err) {
          const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer after ${timeoutMs} ms` : errorText(err);
          if (method === 'GET' && attempt < retries) {
            await sleep(backoffDelay(attempt, backoffBaseMs));
            continue;
          }
          throw new ConnectorError('network', redact(`${what}: ${reason}`, transport.secrets));
        }
        const rateLimit = parseRateLimit(response.headers, now());
        if (rateLimit) (transport as { rateLimit: RateLimit | null }).rateLimit = rateLimit;
        if (method === 'GET' && response.status >= 500 && attempt < retries) {
          await response.body?.cancel();
          await sleep(backoffDelay(attempt, backoffBaseMs));
          continue;
        }
        return response;
      }
    },
  };
  return transport;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

/** "GET app.bsky.notification.listNotifications": the method without its query (which may hold ids). */
function describeRequest(method: string, url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? url;
  return `${method} ${path.replace(/^\/xrpc\//, '')}`;
}

/** XRPC error names that mean the session itself is no longer good. */
const AUTH_ERRORS = new Set([
  'AuthMissing',
  'AuthenticationRequired',
  'ExpiredToken',
  'InvalidToken',
  'AccountTakedown',
  'AccountDeactivated',
  'AuthFactorTokenRequired',
]);

/** Turns whatever a call threw into a ConnectorError; `what` names the call for the message. */
/** What the PDS answers for a blob it will not take (uploadBlob, or a record that uses it). */
const BLOB_REFUSALS = new Set(['BlobTooLarge', 'InvalidMimeType', 'PayloadTooLargeError']);
/** The reference PDS's words for a record whose blob breaks the lexicon (size, type): InvalidRequest. */
const BLOB_RECORD_REFUSAL = /blob too big|\.image\.mimeType|image\/\*/;

export function toBlueskyError(err: unknown, what: string, transport: Transport): ConnectorError {
  const secrets = transport.secrets;
  if (err instanceof ConnectorError) {
    return new ConnectorError(err.kind, redact(err.message, secrets), err.retryAfterMs, err.status, { code: err.code, detail: err.detail === null ? null : redact(err.detail, secrets) });
  }
  if (err instanceof XRPCError) {
    if (err.cause instanceof ConnectorError) return toBlueskyError(err.cause, what, transport);
    const status = err.status;
    const detail = redact(`${what}: ${err.error ?? status}${err.message && err.message !== err.error ? ` (${err.message})` : ''}`, secrets);
    // The server's own words (an XRPC error's message), for the user to read quoted.
    const words = { detail: err.message && err.message !== err.error && status > 2 ? redact(err.message, secrets).slice(0, DETAIL_MAX) : null };
    if (status === 429) {
      const now = transport.now();
      const headers = err.headers ?? {};
      const fromHeaders =
        parseRetryAfter(headers['retry-after'], now) ??
        (() => {
          const reset = parseRateLimit(headers, now)?.resetAt;
          return reset ? Math.max(0, reset - now) : null;
        })();
      return new ConnectorError('rate-limited', detail, fromHeaders ?? 60_000, status, words);
    }
    if (status === 401 || AUTH_ERRORS.has(err.error ?? '')) return new ConnectorError('auth', detail, null, status, words);
    // A blob the PDS refuses (too large, wrong type): sending the same again changes nothing.
    if (status === 413 || BLOB_REFUSALS.has(err.error ?? '') || (status === 400 && BLOB_RECORD_REFUSAL.test(err.message ?? ''))) {
      return new ConnectorError('not-supported', detail, null, status, words);
    }
    // What the PDS says on getSession/refreshSession once the account is gone (deleted, moved).
    if (status === 400 && /could not find user info/i.test(err.message ?? '')) return new ConnectorError('auth', detail, null, status, words);
    if (status === 1) return new ConnectorError('network', detail);
    if (status === 2) return new ConnectorError('bad-response', redact(`${what}: the answer does not match the lexicon (${errorText(err.cause ?? err)})`, secrets));
    if (status >= 500) return new ConnectorError('network', detail, null, status, words);
    return new ConnectorError('bad-response', detail, null, status, words);
  }
  return new ConnectorError('bad-response', redact(`${what}: ${errorText(err)}`, secrets));
}

/** The XRPC error name of a failure (e.g. "RecordNotFound"), if it is one. */
export function xrpcErrorName(err: unknown): string | null {
  return err instanceof XRPCError ? (err.error ?? null) : null;
}

/** A response that failed lexicon validation keeps its body: per-item checks can then save the rest. */
function invalidResponseBody(err: unknown): unknown {
  if (err instanceof XRPCError && err.status === 2 && 'responseBody' in err) return (err as { responseBody: unknown }).responseBody;
  return undefined;
}

/** A page of notifications where every item was checked on its own. */
export interface NotificationPage {
  notifications: WireNotification[];
  /** Items that did not match the lexicon, with the reason (and their time, when readable). */
  invalid: { remoteId: string | null; indexedAt: string | null; reason: string }[];
  cursor: string | null;
}

/** A record read back from a repo. */
export interface RepoRecord {
  uri: string;
  cid: string | null;
  value: Record<string, unknown>;
}

/** The XRPC calls the connector makes, each mapped to ConnectorError. */
export class BlueskyClient {
  readonly agent: Agent;

  constructor(
    readonly session: BlueskySession,
    readonly transport: Transport,
  ) {
    this.agent = new Agent(session);
  }

  /** The account's DID. */
  get did(): string {
    return this.session.credentials.did;
  }

  get rateLimit(): RateLimit | null {
    return this.transport.rateLimit;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toBlueskyError(err, what, this.transport);
    }
  }

  async getSession(): Promise<{ did: string; handle: string }> {
    const res = await this.call('getSession', () => this.agent.com.atproto.server.getSession());
    return { did: res.data.did, handle: res.data.handle };
  }

  async getProfile(actor: string): Promise<AppBskyActorDefs.ProfileViewDetailed> {
    const res = await this.call('getProfile', () => this.agent.app.bsky.actor.getProfile({ actor }));
    return res.data;
  }

  /**
   * One page of notifications (newest first). When one item breaks the lexicon the library rejects
   * the whole page; we then check each item alone and keep the good ones.
   */
  async listNotifications(params: { limit: number; cursor?: string; reasons: readonly string[] }): Promise<NotificationPage> {
    try {
      const res = await this.agent.app.bsky.notification.listNotifications({
        limit: params.limit,
        cursor: params.cursor,
        reasons: [...params.reasons],
      });
      return { notifications: res.data.notifications, invalid: [], cursor: res.data.cursor ?? null };
    } catch (err) {
      const body = invalidResponseBody(err);
      if (body === undefined) throw toBlueskyError(err, 'listNotifications', this.transport);
      return splitNotificationPage(body);
    }
  }

  /** Post views for up to any number of URIs (25 per call, as the AppView allows); missing posts are absent. */
  async getPosts(uris: readonly string[]): Promise<Map<string, WirePostView>> {
    const out = new Map<string, WirePostView>();
    const unique = [...new Set(uris)];
    for (let i = 0; i < unique.length; i += 25) {
      const batch = unique.slice(i, i + 25);
      let posts: unknown[];
      try {
        posts = (await this.agent.app.bsky.feed.getPosts({ uris: batch })).data.posts;
      } catch (err) {
        const body = invalidResponseBody(err) as { posts?: unknown } | undefined;
        if (!body || !Array.isArray(body.posts)) throw toBlueskyError(err, 'getPosts', this.transport);
        posts = body.posts;
      }
      for (const post of posts) {
        const checked = checkPostView(post);
        if (checked.ok) out.set(checked.value.uri, checked.value);
      }
    }
    return out;
  }

  /** A record of a repo, or null when there is none. */
  async getRecord(repo: string, collection: string, rkey: string): Promise<RepoRecord | null> {
    try {
      const res = await this.agent.com.atproto.repo.getRecord({ repo, collection, rkey });
      return { uri: res.data.uri, cid: res.data.cid ?? null, value: res.data.value as Record<string, unknown> };
    } catch (err) {
      if (xrpcErrorName(err) === 'RecordNotFound') return null;
      throw toBlueskyError(err, 'getRecord', this.transport);
    }
  }

  /**
   * com.atproto.repo.uploadBlob: the bytes, content-addressed (the same bytes give the same CID,
   * so an upload repeated after a crash is the same blob). A blob no record uses is never shown,
   * and the PDS drops it.
   */
  async uploadBlob(bytes: Uint8Array, mimeType: string): Promise<unknown> {
    const res = await this.call('uploadBlob', () => this.agent.com.atproto.repo.uploadBlob(bytes, { encoding: mimeType }));
    return res.data.blob;
  }

  async createRecord(collection: string, rkey: string | undefined, record: Record<string, unknown>): Promise<WireStrongRef> {
    const res = await this.call(`createRecord ${collection}`, () =>
      this.agent.com.atproto.repo.createRecord({ repo: this.did, collection, rkey, record }),
    );
    return { uri: res.data.uri, cid: res.data.cid };
  }

  /**
   * Writes a record only if it is still at `swapRecord` (null: only if it does not exist yet).
   * Throws the raw XRPC error on InvalidSwap so the caller can read again and retry.
   */
  async putRecord(collection: string, rkey: string, record: Record<string, unknown>, swapRecord: string | null): Promise<WireStrongRef> {
    try {
      const res = await this.agent.com.atproto.repo.putRecord({ repo: this.did, collection, rkey, record, swapRecord });
      return { uri: res.data.uri, cid: res.data.cid };
    } catch (err) {
      if (xrpcErrorName(err) === 'InvalidSwap') throw err;
      throw toBlueskyError(err, `putRecord ${collection}`, this.transport);
    }
  }

  async deleteRecord(collection: string, rkey: string): Promise<void> {
    await this.call(`deleteRecord ${collection}`, () => this.agent.com.atproto.repo.deleteRecord({ repo: this.did, collection, rkey }));
  }

  async muteActor(actor: string): Promise<void> {
    await this.call('muteActor', () => this.agent.app.bsky.graph.muteActor({ actor }));
  }

  async unmuteActor(actor: string): Promise<void> {
    await this.call('unmuteActor', () => this.agent.app.bsky.graph.unmuteActor({ actor }));
  }

  async createReport(input: ComAtprotoModerationCreateReport.InputSchema): Promise<ComAtprotoModerationCreateReport.OutputSchema> {
    const res = await this.call('createReport', () => this.agent.com.atproto.moderation.createReport(input));
    return res.data;
  }
}

/** Checks each item of a listNotifications body on its own. */
export function splitNotificationPage(body: unknown): NotificationPage {
  const raw = body as Partial<WireListNotificationsOutput> | null;
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.notifications)) {
    throw new ConnectorError('bad-response', 'listNotifications: the answer has no notifications array');
  }
  const notifications: WireNotification[] = [];
  const invalid: NotificationPage['invalid'] = [];
  for (const item of raw.notifications as unknown[]) {
    const checked = checkNotification(item);
    if (checked.ok) notifications.push(checked.value);
    else {
      const { uri, indexedAt } = (item ?? {}) as { uri?: unknown; indexedAt?: unknown };
      invalid.push({
        remoteId: typeof uri === 'string' ? uri : null,
        indexedAt: typeof indexedAt === 'string' ? indexedAt : null,
        reason: `notification does not match the lexicon: ${checked.reason}`,
      });
    }
  }
  return { notifications, invalid, cursor: typeof raw.cursor === 'string' && raw.cursor ? raw.cursor : null };
}
