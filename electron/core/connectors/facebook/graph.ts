/**
 * Meta's Graph API, as Facebook Pages and Instagram professional accounts use it: a pinned
 * version in every path, the token as `Authorization: Bearer`, the error object read the way the
 * documentation says (https://developers.facebook.com/docs/graph-api/guides/error-handling), the
 * usage headers read after every call (https://developers.facebook.com/docs/graph-api/overview/rate-limiting),
 * cursor paging and batch requests.
 *
 * Error codes, as Meta documents them:
 * - 190 (and 102): the token is expired (subcode 463), invalidated (460: password changed; 458:
 *   app removed; 467: logged out): sign in again;
 * - 10 and 200–299: a permission is missing (the message names it): sign in again and grant it;
 *   10 with subcode 2018278 is the messaging window, a refusal of this one message;
 * - 4 (app), 17 (user), 32 (Page), 613 (custom), 80001–80014 (business use case): throttled;
 *   wait `estimated_time_to_regain_access` minutes when the usage header gives it;
 * - 1, 2 and 5xx: temporary, try again.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { RateLimit } from '../../../../shared/model';
import { createHttpClient, redact, toConnectorError } from '../http';
import { ConnectorError } from '../types';

/** The Graph API version Parvis is written and tested against. Meta keeps each version two years. */
export const GRAPH_API_VERSION = 'v21.0';
export const GRAPH_API_BASE_URL = 'https://graph.facebook.com';

/** A Graph error object. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

/** The window error: Messenger and Instagram Direct refuse messages outside the allowed window. */
export const OUTSIDE_WINDOW_SUBCODE = 2018278;
const THROTTLE_CODES = new Set([4, 17, 32, 613]);
const isThrottleCode = (code: number) => THROTTLE_CODES.has(code) || (code >= 80_001 && code <= 80_014);

/** A usage header read: percent of the budget used, and the minutes until access returns. */
export interface Usage {
  /** Highest of call count, CPU time and total time, 0..100 (or more). */
  percent: number;
  /** Minutes until calls are allowed again (business use case headers), 0 when not throttled. */
  regainMinutes: number;
}

function readJsonHeader(value: unknown): unknown {
  if (typeof value !== 'string' || !value) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

const percentOf = (o: Record<string, unknown>) =>
  Math.max(0, ...['call_count', 'total_cputime', 'total_time', 'acc_id_util_pct'].map((k) => (typeof o[k] === 'number' ? (o[k] as number) : 0)));

/**
 * Reads `X-App-Usage` (the app's hourly budget, percent) and `X-Business-Use-Case-Usage`
 * (per Page or Instagram account: percent and `estimated_time_to_regain_access` in minutes), and
 * the older `X-Page-Usage`. Returns null when the answer carries none.
 */
export function readUsage(headers: Record<string, unknown>): Usage | null {
  const get = (name: string) => headers[name] ?? headers[name.toLowerCase()];
  let percent = -1;
  let regain = 0;
  for (const name of ['x-app-usage', 'x-page-usage', 'x-ad-account-usage']) {
    const o = readJsonHeader(get(name));
    if (o && typeof o === 'object') {
      percent = Math.max(percent, percentOf(o as Record<string, unknown>));
      const eta = (o as Record<string, unknown>).estimated_time_to_regain_access;
      if (typeof eta === 'number') regain = Math.max(regain, eta);
    }
  }
  const buc = readJsonHeader(get('x-business-use-case-usage'));
  if (buc && typeof buc === 'object') {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        if (!entry || typeof entry !== 'object') continue;
        const e = entry as Record<string, unknown>;
        percent = Math.max(percent, percentOf(e));
        if (typeof e.estimated_time_to_regain_access === 'number') regain = Math.max(regain, e.estimated_time_to_regain_access);
      }
    }
  }
  return percent < 0 && regain === 0 ? null : { percent: Math.max(0, percent), regainMinutes: regain };
}

/** Usage as the scheduler's rate limit: a budget of 100 percent; used up, it waits for access to return. */
export function usageToRateLimit(usage: Usage | null, now: number): RateLimit | null {
  if (!usage) return null;
  const remaining = Math.max(0, Math.round(100 - usage.percent));
  const blocked = remaining === 0 || usage.regainMinutes > 0;
  // Meta's app budget is a rolling hour; without an estimate, a spent budget waits a quarter of it.
  const resetAt = blocked ? now + (usage.regainMinutes > 0 ? usage.regainMinutes : 15) * 60_000 : null;
  return { limit: 100, remaining: blocked ? 0 : remaining, resetAt };
}

/** The missing permission a Graph permission error names, if any. */
export function missingPermission(message: string): string | null {
  return /requires? (?:the )?['"]?([a-z_]+)['"]? permission/i.exec(message)?.[1] ?? /permission[s]?[: ]+['"]?([a-z]+_[a-z_]+)/i.exec(message)?.[1] ?? null;
}

/** Turns a Graph error object into a typed error, worded for the user. */
export function graphError(err: GraphErrorBody, status: number, where: string, usage: Usage | null, now = Date.now()): ConnectorError {
  const code = typeof err.code === 'number' ? err.code : -1;
  const subcode = typeof err.error_subcode === 'number' ? err.error_subcode : null;
  const text = String(err.message ?? '').slice(0, 300);
  const detail = `${where}: ${status} (#${code}${subcode !== null ? `/${subcode}` : ''}) ${text}`;
  if (code === 190 || code === 102) {
    const why =
      subcode === 463
        ? 'The Facebook sign-in has expired'
        : subcode === 460
          ? 'The Facebook password was changed, which ends every sign-in'
          : subcode === 458
            ? 'Parvis was removed from the Facebook account’s apps'
            : 'Facebook no longer accepts this sign-in';
    return new ConnectorError('auth', `${why}: sign in again. (${detail})`, null, status);
  }
  if (code === 10 && subcode === OUTSIDE_WINDOW_SUBCODE) {
    return new ConnectorError('not-supported', `Meta refuses this message: the person last wrote more than the messaging window ago (24 hours, or 7 days for a person answering). (${detail})`, null, status);
  }
  if (isThrottleCode(code)) {
    const minutes = usage?.regainMinutes && usage.regainMinutes > 0 ? usage.regainMinutes : code === 4 || code === 17 ? 15 : 5;
    return new ConnectorError('rate-limited', `Meta is throttling these calls; they resume in about ${minutes} min. (${detail})`, minutes * 60_000, status);
  }
  if (code === 10 || (code >= 200 && code <= 299)) {
    const permission = missingPermission(text);
    return new ConnectorError(
      'auth',
      permission
        ? `Meta no longer grants Parvis the permission “${permission}”: sign in again and allow it. (${detail})`
        : `Meta no longer grants Parvis a permission this needs: sign in again and allow every permission asked. (${detail})`,
      null,
      status,
    );
  }
  if (code === 1 || code === 2 || status >= 500) return new ConnectorError('network', `Meta had a temporary problem; Parvis tries again. (${detail})`, null, status);
  void now;
  return new ConnectorError('bad-response', detail, null, status);
}

/** "Unknown path components": what Meta answers for a path it cannot read, a version it does not serve included. */
export const UNKNOWN_PATH_CODE = 2500;

/** The Graph API refused the version in the path (it answers "unknown path components"): said in plain words, with where to change it. */
export function unknownVersion(version: string, status: number): ConnectorError {
  return new ConnectorError(
    'not-supported',
    `Meta does not serve the Graph API version ${version} set in this account’s settings: set a version Meta serves (Parvis is tested with ${GRAPH_API_VERSION}), or clear it.`,
    null,
    status,
  );
}

/** A page of an edge. */
export interface GraphPage<T> {
  data: T[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string; previous?: string };
}

/** One call of a batch, and its answer. */
export interface BatchCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query, relative to the version: `12345/comments?fields=…`. */
  relativeUrl: string;
  body?: Record<string, string>;
}
export type BatchAnswer = { ok: true; body: unknown } | { ok: false; error: ConnectorError };

/** Most calls a Graph batch takes. */
export const MAX_BATCH = 50;

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  /** The user's or the Page's token; empty for the token endpoint. */
  token: string;
  /** Other values never to show in an error (app secret, codes). */
  secrets?: string[];
  timeoutMs?: number;
  retries?: number;
  now?: () => number;
  http?: AxiosInstance;
}

/**
 * One token's view of the Graph API. Keeps the highest usage seen since `takeUsage()`, which the
 * connector turns into the poll's rate limit.
 */
export class GraphClient {
  private readonly http: AxiosInstance;
  private usage: Usage | null = null;
  private readonly now: () => number;

  constructor(private readonly options: GraphClientOptions) {
    this.now = options.now ?? Date.now;
    this.http =
      options.http ??
      createHttpClient({
        baseURL: `${options.baseUrl.replace(/\/+$/, '')}/${options.version}`,
        network: 'facebook',
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        secrets: () => [options.token, ...(options.secrets ?? [])],
      });
  }

  /** The highest usage seen since the last call, and forgets it. */
  takeUsage(): Usage | null {
    const u = this.usage;
    this.usage = null;
    return u;
  }

  private noteUsage(headers: Record<string, unknown>): Usage | null {
    const u = readUsage(headers);
    if (u) this.usage = this.usage ? { percent: Math.max(this.usage.percent, u.percent), regainMinutes: Math.max(this.usage.regainMinutes, u.regainMinutes) } : u;
    return u;
  }

  /** No token: the calls that sign in (the token endpoint) carry the app's credentials instead. */
  private authorization(): Record<string, string> {
    return this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {};
  }

  private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string> = {}): Promise<T> {
    const where = `${method} /${this.options.version}/${path.split('?')[0]}`;
    let response: AxiosResponse;
    try {
      response = await this.http.request({
        method,
        url: path,
        ...(method === 'POST'
          ? { data: new URLSearchParams(params).toString(), headers: { ...this.authorization(), 'Content-Type': 'application/x-www-form-urlencoded' } }
          : { params, headers: this.authorization() }),
        // Every status is read here: the Graph error object decides what it means.
        validateStatus: () => true,
      });
    } catch (err) {
      throw toConnectorError(err, [this.options.token, ...(this.options.secrets ?? [])]);
    }
    const usage = this.noteUsage(response.headers as Record<string, unknown>);
    const body = response.data as unknown;
    if (response.status >= 200 && response.status < 300 && body && typeof body === 'object' && !('error' in body)) return body as T;
    const error = body && typeof body === 'object' && 'error' in body ? ((body as { error: GraphErrorBody }).error ?? {}) : {};
    if (response.status >= 200 && response.status < 300 && typeof body !== 'object') {
      throw new ConnectorError('bad-response', `${where}: ${response.status} an answer that is not JSON`, null, response.status);
    }
    // Every path of Parvis's is known at the pinned version: another version is the likely cause.
    const e =
      error.code === UNKNOWN_PATH_CODE && this.options.version !== GRAPH_API_VERSION ? unknownVersion(this.options.version, response.status) : graphError(error, response.status, where, usage, this.now());
    throw new ConnectorError(e.kind, redact(e.message, [this.options.token, ...(this.options.secrets ?? [])]), e.retryAfterMs, e.status);
  }

  get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    return this.request<T>('GET', path, params);
  }

  post<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    return this.request<T>('POST', path, params);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /**
   * Several calls in one request (at most 50). Each answer is its own success or typed error;
   * a throttled or expired answer inside the batch is thrown, as it concerns every call.
   */
  async batch(calls: BatchCall[]): Promise<BatchAnswer[]> {
    if (calls.length === 0) return [];
    if (calls.length > MAX_BATCH) throw new Error(`a Graph batch takes at most ${MAX_BATCH} calls`);
    const batch = JSON.stringify(
      calls.map((c) => ({ method: c.method, relative_url: c.relativeUrl, ...(c.body ? { body: new URLSearchParams(c.body).toString() } : {}) })),
    );
    const answers = await this.post<unknown>('', { batch, include_headers: 'true' });
    if (!Array.isArray(answers)) throw new ConnectorError('bad-response', 'POST batch: the answer is not a list');
    return calls.map((call, index): BatchAnswer => {
      const answer = answers[index] as { code?: number; headers?: { name: string; value: string }[]; body?: string } | null;
      const where = `${call.method} /${this.options.version}/${call.relativeUrl.split('?')[0]} (batched)`;
      if (!answer || typeof answer.code !== 'number') return { ok: false, error: new ConnectorError('network', `${where}: no answer in the batch (timed out)`) };
      const headers: Record<string, unknown> = {};
      for (const h of answer.headers ?? []) headers[h.name.toLowerCase()] = h.value;
      const usage = this.noteUsage(headers);
      let body: unknown;
      try {
        body = JSON.parse(answer.body ?? 'null') as unknown;
      } catch {
        return { ok: false, error: new ConnectorError('bad-response', `${where}: ${answer.code} an answer that is not JSON`) };
      }
      if (answer.code >= 200 && answer.code < 300 && body && typeof body === 'object' && !('error' in body)) return { ok: true, body };
      const error = body && typeof body === 'object' && 'error' in body ? (body as { error: GraphErrorBody }).error : {};
      const e = graphError(error, answer.code, where, usage, this.now());
      return { ok: false, error: new ConnectorError(e.kind, redact(e.message, [this.options.token, ...(this.options.secrets ?? [])]), e.retryAfterMs, e.status) };
    });
  }
}
