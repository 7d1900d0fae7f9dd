/**
 * HTTP calls to the YouTube Data API v3, over the shared axios factory.
 *
 * On top of the factory (timeouts, retries of reads, redaction) this client:
 * - counts the quota units of every answered request, retries included (Google charges those);
 * - reads Google's error body (`error.errors[0].reason`), so that a spent daily quota becomes a
 *   `rate-limited` error lasting until midnight Pacific time, and other refusals say why;
 * - on a 401 renews the access token once through `refreshAccessToken` and repeats the request.
 * One client serves one connector operation and sends one request at a time.
 */
import axios, { type AxiosAdapter, type AxiosError, type AxiosInstance, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import { createHttpClient, parseRetryAfter } from '../http';
import { ConnectorError } from '../types';
import { methodOfRequest, msUntilQuotaReset, quotaCost, type YouTubeMethod } from './quota';
import { WireGoogleError, WireListResponse, type WireReplyInsert } from './wire';

/** Production API root. */
export const YOUTUBE_API_BASE_URL = 'https://www.googleapis.com';

export interface YouTubeClientOptions {
  /** API root; `youtube/v3/...` is appended. */
  baseUrl: string;
  /** The current access token (read for every request: it changes after a refresh). */
  accessToken: () => string;
  /** Renews the access token; null when the account cannot be refreshed. */
  refreshAccessToken: (() => Promise<void>) | null;
  /** Secret values to redact from errors. */
  secrets: () => string[];
  now: () => number;
  /** Told of every answered request: the units it cost. */
  onQuotaSpent: (method: YouTubeMethod, units: number) => void;
  timeoutMs?: number;
  retries?: number;
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** What Google said when it refused the last request. */
export interface GoogleRefusal {
  status: number;
  reason: string | null;
  message: string | null;
}

export type ThreadListing = 'published' | 'heldForReview' | 'likelySpam';

const READ_REASONS_AS_QUOTA = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const READ_REASONS_AS_RATE = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

function googleRefusalOf(err: AxiosError): GoogleRefusal | null {
  if (!err.response) return null;
  let data: unknown = err.response.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      data = null;
    }
  }
  const parsed = WireGoogleError.safeParse(data);
  const detail = parsed.success ? parsed.data.error.errors?.[0] : undefined;
  return {
    status: err.response.status,
    reason: detail?.reason ?? null,
    message: parsed.success ? (parsed.data.error.message ?? detail?.message ?? null) : null,
  };
}

/** A refusal as a typed error, or null to leave it to the shared factory (401, 429, 5xx). */
function errorForRefusal(refusal: GoogleRefusal, method: string, headers: Record<string, unknown>, now: number): ConnectorError | null {
  const { status, reason } = refusal;
  const said = `${reason ?? 'no reason given'}${refusal.message ? `: ${refusal.message.replace(/<[^>]*>/g, '')}` : ''}`;
  if (status === 403 && reason && READ_REASONS_AS_QUOTA.has(reason)) {
    return new ConnectorError(
      'rate-limited',
      `YouTube's daily quota is spent (${reason}); it starts again at midnight Pacific time.`,
      msUntilQuotaReset(now),
      status,
    );
  }
  if (status === 403 && reason && READ_REASONS_AS_RATE.has(reason)) {
    const retryAfter = parseRetryAfter(String(headers['retry-after'] ?? ''), now) ?? 60_000;
    return new ConnectorError('rate-limited', `${method}: YouTube asks to slow down (${said})`, retryAfter, status);
  }
  if (status === 403 && reason === 'insufficientPermissions') {
    return new ConnectorError('auth', `${method}: Parvis was not allowed to manage this channel's comments; sign in again (${said})`, null, status);
  }
  if (status === 400 || status === 403 || status === 404 || status === 409) {
    return new ConnectorError('bad-response', `${method}: YouTube refused the request with ${status} ${said}`, null, status);
  }
  return null;
}

export class YouTubeClient {
  private readonly http: AxiosInstance;
  private refreshed = false;
  /** Google's reason for refusing the last request, for callers that treat some as success. */
  lastRefusal: GoogleRefusal | null = null;

  constructor(private readonly opts: YouTubeClientOptions) {
    this.http = createHttpClient({
      baseURL: opts.baseUrl.replace(/\/+$/, '') + '/',
      network: 'youtube',
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      backoffBaseMs: opts.backoffBaseMs,
      sleep: opts.sleep,
      secrets: opts.secrets,
    });
    // The adapter runs once per attempt, retries included, and sees Google's body before the
    // factory turns it into a short message: the place to count quota and read the reason.
    const send = axios.getAdapter(this.http.defaults.adapter);
    const counted: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
      const method = methodOfRequest((config.method ?? 'get').toUpperCase(), `/${(config.url ?? '').replace(/^\/+/, '')}`);
      try {
        const response = await send(config);
        if (method) opts.onQuotaSpent(method, quotaCost(method));
        return response;
      } catch (err) {
        if (!axios.isAxiosError(err) || !err.response) throw err;
        // A refused token belongs to no project: Google cannot charge it.
        if (method && err.response.status !== 401) opts.onQuotaSpent(method, quotaCost(method));
        const refusal = googleRefusalOf(err);
        this.lastRefusal = refusal;
        const typed = refusal ? errorForRefusal(refusal, method ?? 'YouTube', err.response.headers as Record<string, unknown>, opts.now()) : null;
        throw typed ?? err;
      }
    };
    this.http.defaults.adapter = counted;
  }

  private async request(config: AxiosRequestConfig): Promise<unknown> {
    this.lastRefusal = null;
    const once = async () =>
      (await this.http.request({ ...config, headers: { ...config.headers, Authorization: `Bearer ${this.opts.accessToken()}` } })).data as unknown;
    try {
      return await once();
    } catch (err) {
      const expired = err instanceof ConnectorError && err.kind === 'auth' && err.status === 401;
      if (!expired || !this.opts.refreshAccessToken || this.refreshed) throw err;
      // Access tokens last an hour: renew once and repeat the request that was refused.
      this.refreshed = true;
      await this.opts.refreshAccessToken();
      this.lastRefusal = null;
      return await once();
    }
  }

  private async list(what: YouTubeMethod, url: string, params: Record<string, string | number>): Promise<WireListResponse> {
    const data = await this.request({ method: 'GET', url, params });
    const parsed = WireListResponse.safeParse(data);
    if (!parsed.success) {
      throw new ConnectorError('bad-response', `${what}: YouTube answered something that is not a list (${typeof data === 'string' ? 'not JSON' : 'no items array'})`);
    }
    return parsed.data;
  }

  /** The channel of the signed-in user (`channels.list?mine=true`). */
  channelsMine(): Promise<WireListResponse> {
    return this.list('channels.list', 'youtube/v3/channels', { part: 'snippet', mine: 'true' });
  }

  /** One page of the channel's comment threads in one listing, newest first, as HTML. */
  commentThreads(input: { channelId: string; listing: ThreadListing; pageToken: string | null; maxResults: number }): Promise<WireListResponse> {
    const params: Record<string, string | number> = {
      part: 'snippet,replies',
      allThreadsRelatedToChannelId: input.channelId,
      moderationStatus: input.listing,
      order: 'time',
      maxResults: input.maxResults,
      textFormat: 'html',
    };
    if (input.pageToken) params.pageToken = input.pageToken;
    return this.list('commentThreads.list', 'youtube/v3/commentThreads', params);
  }

  /** Threads by id (at most 50), in the published view; used to re-check reply counts. */
  commentThreadsById(ids: readonly string[]): Promise<WireListResponse> {
    return this.list('commentThreads.list', 'youtube/v3/commentThreads', { part: 'snippet', id: ids.join(','), textFormat: 'html' });
  }

  /** One page of the replies to a top-level comment. */
  replies(parentId: string, pageToken: string | null): Promise<WireListResponse> {
    const params: Record<string, string | number> = { part: 'snippet', parentId, maxResults: 100, textFormat: 'html' };
    if (pageToken) params.pageToken = pageToken;
    return this.list('comments.list', 'youtube/v3/comments', params);
  }

  /** Videos by id (at most 50), with their snippet. */
  videos(ids: readonly string[]): Promise<WireListResponse> {
    return this.list('videos.list', 'youtube/v3/videos', { part: 'snippet', id: ids.join(',') });
  }

  /** Posts a reply under a top-level comment; returns the created `Comment` resource (unchecked). */
  insertReply(parentId: string, text: string): Promise<unknown> {
    const body: WireReplyInsert = { snippet: { parentId, textOriginal: text } };
    return this.request({ method: 'POST', url: 'youtube/v3/comments', params: { part: 'snippet' }, data: body, headers: { 'Content-Type': 'application/json' } });
  }

  /** Sets the moderation status of comments; `banAuthor` only goes with `rejected`. */
  async setModerationStatus(ids: readonly string[], status: 'heldForReview' | 'published' | 'rejected', banAuthor: boolean): Promise<void> {
    const params: Record<string, string> = { id: ids.join(','), moderationStatus: status };
    if (banAuthor) params.banAuthor = 'true';
    await this.request({ method: 'POST', url: 'youtube/v3/comments/setModerationStatus', params });
  }

  /** Deletes a comment of the connected channel. */
  async deleteComment(id: string): Promise<void> {
    await this.request({ method: 'DELETE', url: 'youtube/v3/comments', params: { id } });
  }
}
