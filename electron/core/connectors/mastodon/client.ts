/**
 * The Mastodon REST calls the connector makes, over the shared HTTP factory (timeouts, retries of
 * safe requests, rate-limit headers, redacted errors). Single entities are validated here; list items
 * are returned raw so that the caller can skip a bad one and keep the rest of the page.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { RateLimit } from '../../../../shared/model';
import { createHttpClient, type HttpOptions } from '../http';
import { ConnectorError } from '../types';
import {
  WireAccount,
  WireContext,
  WireRelationship,
  WireReport,
  WireScheduledStatus,
  WireMediaAttachment,
  WireStatus,
  describeIssues,
  type WireVisibility,
} from './wire';
import type { z } from 'zod';

/** Builds the HTTP instance (the shared factory, or a test double). */
export type HttpFactory = (options: HttpOptions) => AxiosInstance;

export interface MastodonClientOptions {
  /** Origin of the instance, e.g. https://mastodon.social. */
  serverUrl: string;
  accessToken: string;
  /** Every secret to keep out of error messages (tokens, client secret). */
  secrets: string[];
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** One page of a paginated list: raw items and the `Link` header's targets. */
export interface MastodonPage {
  items: unknown[];
  /** Query parameters of rel="next" (older items; Mastodon sends it only when the page is full). */
  next: URLSearchParams | null;
  /** Query parameters of rel="prev" (newer items). */
  prev: URLSearchParams | null;
}

export interface PageQuery {
  limit: number;
  minId?: string | null;
  maxId?: string | null;
  sinceId?: string | null;
}

export type RelationshipAction = 'block' | 'unblock' | 'mute' | 'unmute';

/** Parses an RFC 8288 `Link` header into rel → URL (only absolute http(s) targets). */
export function parseLinkHeader(value: string | null | undefined): Map<string, URL> {
  const links = new Map<string, URL>();
  if (!value) return links;
  for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(match[2] ?? '')?.[1];
    if (!rel) continue;
    try {
      const url = new URL(match[1]!);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        for (const name of rel.trim().split(/\s+/)) links.set(name.toLowerCase(), url);
      }
    } catch {
      // An unparsable target is ignored; paging falls back to the ids in the page.
    }
  }
  return links;
}

/** A Mastodon API client for one account. */
export class MastodonClient {
  private readonly http: AxiosInstance;
  private readonly auth: Record<string, string>;
  /** The rate-limit state seen on the latest answer. */
  lastRateLimit: RateLimit | null = null;

  constructor(options: MastodonClientOptions) {
    const createHttp = options.createHttp ?? createHttpClient;
    this.http = createHttp({
      baseURL: options.serverUrl,
      network: 'mastodon',
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      sleep: options.sleep,
      secrets: () => options.secrets,
      onRateLimit: (rateLimit) => {
        this.lastRateLimit = rateLimit;
      },
    });
    this.auth = { Authorization: `Bearer ${options.accessToken}` };
  }

  /** GET /api/v1/accounts/verify_credentials: who the token belongs to. */
  async verifyCredentials(): Promise<WireAccount> {
    const response = await this.http.get('/api/v1/accounts/verify_credentials', { headers: this.auth });
    return parseEntity(WireAccount, response, 'account');
  }

  /**
   * GET /api/v1/notifications, filtered to `types`, with those the user's notification policy
   * filtered (Mastodon 4.3+: not followed, new accounts…; shown as "requests" in Mastodon's app):
   * they are messages to answer too. Servers before 4.3 ignore `include_filtered`.
   */
  async notifications(query: PageQuery & { types: string[] }): Promise<MastodonPage> {
    const params = pageParams(query);
    for (const type of query.types) params.append('types[]', type);
    params.set('include_filtered', 'true');
    return this.page('/api/v1/notifications', params);
  }

  /** GET /api/v1/conversations (direct messages; paged by their last status id). */
  async conversations(query: PageQuery): Promise<MastodonPage> {
    return this.page('/api/v1/conversations', pageParams(query));
  }

  /** GET /api/v1/statuses/:id. */
  async status(id: string): Promise<WireStatus> {
    const response = await this.http.get(`/api/v1/statuses/${encodeURIComponent(id)}`, { headers: this.auth });
    return parseEntity(WireStatus, response, 'status');
  }

  /**
   * GET /api/v1/statuses?id[]=… (Mastodon 4.3+, at most 20 ids): the statuses that still exist and
   * can be seen, raw; deleted ones are simply absent.
   */
  async statuses(ids: readonly string[]): Promise<unknown[]> {
    const params = new URLSearchParams();
    for (const id of ids) params.append('id[]', id);
    const response = await this.http.get('/api/v1/statuses', { headers: this.auth, params });
    if (!Array.isArray(response.data)) {
      throw new ConnectorError('bad-response', `GET /api/v1/statuses: expected a list, got ${describeData(response.data)}`, null, response.status);
    }
    return response.data as unknown[];
  }

  /** GET /api/v1/statuses/:id/context: ancestors (oldest first) and descendants, raw. */
  async context(id: string): Promise<WireContext> {
    const response = await this.http.get(`/api/v1/statuses/${encodeURIComponent(id)}/context`, { headers: this.auth });
    return parseEntity(WireContext, response, 'context');
  }

  /**
   * POST /api/v2/media (multipart: `file`, `description` = the alt text). Mastodon answers 200
   * with the attachment when it processed it at once, 202 with `url` null while it still does
   * (then poll `media`). Not idempotent: a resend uploads again, and the server removes
   * attachments no status uses.
   */
  async uploadMedia(bytes: Buffer, mime: string, fileName: string, description: string): Promise<{ attachment: WireMediaAttachment; processing: boolean }> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: mime }), fileName);
    form.append('description', description);
    const response = await this.http.post('/api/v2/media', form, { headers: this.auth });
    return { attachment: parseEntity(WireMediaAttachment, response, 'media attachment'), processing: response.status === 202 };
  }

  /** GET /api/v1/media/:id: the attachment, or null while the server still processes it (206). */
  async media(id: string): Promise<WireMediaAttachment | null> {
    const response = await this.http.get(`/api/v1/media/${encodeURIComponent(id)}`, { headers: this.auth });
    if (response.status === 206) return null;
    return parseEntity(WireMediaAttachment, response, 'media attachment');
  }

  /**
   * POST /api/v1/statuses. Mastodon answers a repeated `Idempotency-Key` (for an hour) with the
   * status it created the first time, so a retry never posts twice.
   */
  async postStatus(
    body: { status: string; in_reply_to_id?: string; visibility?: WireVisibility; spoiler_text?: string; language?: string; media_ids?: string[] },
    idempotencyKey: string,
  ): Promise<WireStatus> {
    const response = await this.http.post('/api/v1/statuses', body, {
      headers: { ...this.auth, 'Idempotency-Key': idempotencyKey, 'Content-Type': 'application/json' },
    });
    return parseEntity(WireStatus, response, 'status');
  }

  /**
   * POST /api/v1/statuses with `scheduled_at` (at least 5 minutes ahead): the server holds the post
   * and publishes it at its time, Parvis running or not. A repeated `Idempotency-Key` answers the
   * same scheduled status while it waits.
   */
  async scheduleStatus(body: { status: string; visibility?: WireVisibility; scheduled_at: string; media_ids?: string[] }, idempotencyKey: string): Promise<WireScheduledStatus> {
    const response = await this.http.post('/api/v1/statuses', body, {
      headers: { ...this.auth, 'Idempotency-Key': idempotencyKey, 'Content-Type': 'application/json' },
    });
    return parseEntity(WireScheduledStatus, response, 'scheduled status');
  }

  /** GET /api/v1/scheduled_statuses/:id: the status still waiting, or null once published or cancelled (404). */
  async scheduledStatus(id: string): Promise<WireScheduledStatus | null> {
    try {
      const response = await this.http.get(`/api/v1/scheduled_statuses/${encodeURIComponent(id)}`, { headers: this.auth });
      return parseEntity(WireScheduledStatus, response, 'scheduled status');
    } catch (err) {
      if (err instanceof ConnectorError && err.status === 404) return null;
      throw err;
    }
  }

  /** PUT /api/v1/scheduled_statuses/:id: a new time (at least 5 minutes ahead) for a status the server holds. */
  async rescheduleStatus(id: string, scheduledAt: string): Promise<WireScheduledStatus> {
    const response = await this.http.put(`/api/v1/scheduled_statuses/${encodeURIComponent(id)}`, { scheduled_at: scheduledAt }, {
      headers: { ...this.auth, 'Content-Type': 'application/json' },
    });
    return parseEntity(WireScheduledStatus, response, 'scheduled status');
  }

  /** DELETE /api/v1/scheduled_statuses/:id: the server will not publish it. False when it no longer holds it (404). */
  async cancelScheduledStatus(id: string): Promise<boolean> {
    try {
      await this.http.delete(`/api/v1/scheduled_statuses/${encodeURIComponent(id)}`, { headers: this.auth });
      return true;
    } catch (err) {
      if (err instanceof ConnectorError && err.status === 404) return false;
      throw err;
    }
  }

  /** GET /api/v1/accounts/:id/statuses: the account's latest statuses, newest first, raw. */
  async accountStatuses(accountId: string, limit = 40): Promise<unknown[]> {
    const response = await this.http.get(`/api/v1/accounts/${encodeURIComponent(accountId)}/statuses`, {
      headers: this.auth,
      params: { limit, exclude_reblogs: true },
    });
    if (!Array.isArray(response.data)) {
      throw new ConnectorError('bad-response', `GET /api/v1/accounts/:id/statuses: expected a list, got ${describeData(response.data)}`, null, response.status);
    }
    return response.data as unknown[];
  }

  /** DELETE /api/v1/statuses/:id (own statuses only). */
  async deleteStatus(id: string): Promise<WireStatus> {
    const response = await this.http.delete(`/api/v1/statuses/${encodeURIComponent(id)}`, { headers: this.auth });
    return parseEntity(WireStatus, response, 'status');
  }

  /** POST /api/v1/accounts/:id/{block,unblock,mute,unmute}. */
  async relationship(accountId: string, action: RelationshipAction, body: Record<string, unknown> = {}): Promise<WireRelationship> {
    const response = await this.http.post(`/api/v1/accounts/${encodeURIComponent(accountId)}/${action}`, body, {
      headers: { ...this.auth, 'Content-Type': 'application/json' },
    });
    return parseEntity(WireRelationship, response, 'relationship');
  }

  /** POST /api/v1/reports. */
  async report(body: {
    account_id: string;
    status_ids: string[];
    comment: string;
    category: 'spam' | 'legal' | 'violation' | 'other';
    forward: boolean;
  }): Promise<WireReport> {
    const response = await this.http.post('/api/v1/reports', body, {
      headers: { ...this.auth, 'Content-Type': 'application/json' },
    });
    return parseEntity(WireReport, response, 'report');
  }

  private async page(path: string, params: URLSearchParams): Promise<MastodonPage> {
    const response = await this.http.get(path, { headers: this.auth, params });
    if (!Array.isArray(response.data)) {
      throw new ConnectorError('bad-response', `GET ${path}: expected a list, got ${describeData(response.data)}`, null, response.status);
    }
    const links = parseLinkHeader(headerOf(response, 'link'));
    return {
      items: response.data as unknown[],
      next: links.get('next')?.searchParams ?? null,
      prev: links.get('prev')?.searchParams ?? null,
    };
  }
}

function pageParams(query: PageQuery): URLSearchParams {
  const params = new URLSearchParams({ limit: String(query.limit) });
  if (query.minId) params.set('min_id', query.minId);
  if (query.maxId) params.set('max_id', query.maxId);
  if (query.sinceId) params.set('since_id', query.sinceId);
  return params;
}

function headerOf(response: AxiosResponse, name: string): string | null {
  const value = (response.headers as Record<string, unknown>)[name];
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function describeData(data: unknown): string {
  if (typeof data === 'string') return `text "${data.slice(0, 60)}"`;
  if (data === null || data === undefined) return 'nothing';
  return Array.isArray(data) ? 'a list' : typeof data;
}

function parseEntity<T extends z.ZodType>(schema: T, response: AxiosResponse, what: string): z.infer<T> {
  const parsed = schema.safeParse(response.data);
  if (!parsed.success) {
    const method = (response.config.method ?? 'get').toUpperCase();
    throw new ConnectorError(
      'bad-response',
      `${method} ${response.config.url ?? ''}: not a Mastodon ${what} (${describeIssues(parsed.error)})`,
      null,
      response.status,
    );
  }
  return parsed.data as z.infer<T>;
}
