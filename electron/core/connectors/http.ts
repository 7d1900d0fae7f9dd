/**
 * The shared HTTP factory every axios-based connector uses: timeouts, a descriptive User-Agent,
 * proxy from the environment (axios reads HTTP(S)_PROXY / NO_PROXY itself), retries with
 * exponential backoff and jitter for safe requests only, one shape for every network's
 * rate-limit signals, and secrets redacted from every error message.
 */
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Network, RateLimit } from '../../../shared/model';
import { DETAIL_MAX } from '../../../shared/errors';
import { ConnectorError } from './types';

export const USER_AGENT = 'Parvis/0.1 (desktop social inbox; +https://github.com/parvis-app/parvis)';

export interface HttpOptions {
  baseURL: string;
  network: Network;
  /** Per-request timeout; a hung server becomes a `network` error after this long. */
  timeoutMs?: number;
  /** Retries for safe requests (GET/HEAD/OPTIONS, or any request with an Idempotency-Key). */
  retries?: number;
  /** Base delay of the exponential backoff, ms. */
  backoffBaseMs?: number;
  /** Returns the secret values to redact (tokens, passwords); read at error time. */
  secrets?: () => string[];
  /** Observes the rate-limit state of every response. */
  onRateLimit?: (rateLimit: RateLimit) => void;
  /** Injectable sleep, for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const SAFE_METHODS = new Set(['get', 'head', 'options']);
/** Longer Retry-After waits are the scheduler's business, not a request's. */
const MAX_INLINE_RETRY_AFTER_MS = 30_000;

/** Names under which credentials travel in URLs, forms and JSON bodies. */
const SECRET_FIELDS =
  'access_token|refresh_token|id_token|token|code_verifier|client_secret|password|app_password|key|api_key|apikey|accessJwt|refreshJwt';
/** `?access_token=…`, `&code=…` (an OAuth authorization code) in URLs and form bodies. */
const SECRET_QUERY_PARAM = new RegExp(`([?&](?:${SECRET_FIELDS}|code)=)[^&\\s"'#]+`, 'gi');
/**
 * `"access_token": "…"` in a JSON body echoed back by a server. Not `code`: error bodies use it for
 * error names (`"code": "quotaExceeded"`) that callers need to read.
 */
const SECRET_JSON_FIELD = new RegExp(`("(?:${SECRET_FIELDS})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, 'gi');
/** An echoed `Authorization: <scheme> <credentials>` (or API key) header, whatever the scheme. */
const AUTHORIZATION_HEADER =
  /((?:authorization|proxy-authorization|x-api-key|api-key)["']?\s*[:=]\s*["']?)(?:(?:Bearer|DPoP|Basic|Token)\s+)?[^\s"',;}]+/gi;

/**
 * Replaces every secret by a marker: the given secret values wherever they appear, then anything
 * shaped like a credential (bearer/basic tokens, Authorization headers, token fields in URLs,
 * forms and JSON) even when the caller did not know the value.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another one is replaced whole.
  const ordered = [...secrets].filter((s) => s && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of ordered) {
    out = out.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('[redacted]');
  }
  return out
    .replace(AUTHORIZATION_HEADER, '$1[redacted]')
    .replace(/\b(Bearer|DPoP|Basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(SECRET_QUERY_PARAM, '$1[redacted]')
    .replace(SECRET_JSON_FIELD, '$1[redacted]"');
}

function header(headers: Record<string, unknown>, name: string): string | null {
  let value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined || value === null) {
    // Request headers keep the caller's casing (AxiosHeaders, plain objects): look case-insensitively.
    const wanted = name.toLowerCase();
    const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
    value = key === undefined ? undefined : headers[key];
  }
  if (value === undefined || value === null) return null;
  return String(Array.isArray(value) ? value[0] : value);
}

function toInt(value: string | null): number | null {
  if (value === null) return null;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads a response's rate-limit headers into one shape.
 * - Mastodon: X-RateLimit-Limit/-Remaining/-Reset (ISO 8601 time)
 * - Bluesky and IETF draft: RateLimit-Limit/-Remaining/-Reset (seconds from now, or epoch seconds)
 * - X: x-rate-limit-* (reset in epoch seconds)
 * - Reddit: X-Ratelimit-Used/-Remaining/-Reset (seconds from now, may be fractional)
 * Returns null when the response carries none.
 */
export function parseRateLimit(
  rawHeaders: Record<string, unknown> | Headers,
  now: number = Date.now(),
): RateLimit | null {
  const headers: Record<string, unknown> = {};
  if (rawHeaders instanceof Headers) {
    rawHeaders.forEach((v, k) => (headers[k.toLowerCase()] = v));
  } else {
    for (const [k, v] of Object.entries(rawHeaders)) headers[k.toLowerCase()] = v;
  }
  const prefixes = ['x-ratelimit-', 'ratelimit-', 'x-rate-limit-'];
  for (const prefix of prefixes) {
    const limit = toInt(header(headers, `${prefix}limit`));
    const remaining = toInt(header(headers, `${prefix}remaining`));
    const resetRaw = header(headers, `${prefix}reset`);
    if (limit === null && remaining === null && resetRaw === null) continue;
    let resetAt: number | null = null;
    if (resetRaw !== null) {
      if (/^\d+(\.\d+)?$/.test(resetRaw)) {
        const n = Number(resetRaw);
        // Epoch seconds are large; small numbers are "seconds from now".
        resetAt = n > 1_000_000_000 ? Math.round(n * 1000) : Math.round(now + n * 1000);
      } else {
        const t = Date.parse(resetRaw);
        resetAt = Number.isNaN(t) ? null : t;
      }
    }
    const used = toInt(header(headers, `${prefix}used`));
    return {
      limit: limit ?? (used !== null && remaining !== null ? used + remaining : null),
      remaining,
      resetAt,
    };
  }
  return parseStructuredRateLimit(header(headers, 'ratelimit'), now);
}

/**
 * The IETF draft's single structured header, `RateLimit: limit=100, remaining=50, reset=30`
 * (reset in seconds from now); older drafts' separate headers are handled above.
 */
function parseStructuredRateLimit(value: string | null, now: number): RateLimit | null {
  if (value === null) return null;
  const fields = new Map<string, number>();
  for (const part of value.split(/[,;]/)) {
    const match = /^\s*(limit|remaining|reset)\s*=\s*(\d+(?:\.\d+)?)\s*$/i.exec(part);
    if (match?.[1] && match[2]) fields.set(match[1].toLowerCase(), Number(match[2]));
  }
  if (fields.size === 0) return null;
  const reset = fields.get('reset');
  return {
    limit: fields.has('limit') ? Math.trunc(fields.get('limit') ?? 0) : null,
    remaining: fields.has('remaining') ? Math.trunc(fields.get('remaining') ?? 0) : null,
    resetAt: reset === undefined ? null : Math.round(now + reset * 1000),
  };
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/**
 * Exponential backoff with "equal jitter": a random delay in [c/2, c] where c = min(cap, base * 2^attempt).
 * Half of the delay is fixed so that the wait really grows with each attempt; the random half keeps
 * many clients from retrying in step.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs = 60_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Turns any error from axios (or elsewhere) into a typed ConnectorError with secrets redacted. */
export function toConnectorError(err: unknown, secrets: readonly string[] = [], now = Date.now()): ConnectorError {
  if (err instanceof ConnectorError) {
    const detail = err.detail === null ? null : redact(err.detail, secrets);
    return new ConnectorError(err.kind, redact(err.message, secrets), err.retryAfterMs, err.status, { code: err.code, detail });
  }
  if (axios.isAxiosError(err)) {
    const e = err as AxiosError;
    const method = (e.config?.method ?? 'get').toUpperCase();
    const path = e.config?.url ?? '';
    const url = redact(/^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : `${e.config?.baseURL ?? ''}${path}`, secrets);
    const status = e.response?.status ?? null;
    if (!e.response) {
      return new ConnectorError('network', redact(`${method} ${url}: ${e.code ?? ''} ${e.message}`.trim(), secrets));
    }
    const headers = (e.response.headers ?? {}) as Record<string, unknown>;
    const bodyText = describeBody(e.response.data, secrets);
    // Google names the reason after its (repeated) message, past the 300-character excerpt.
    const fullBody = describeBody(e.response.data, secrets, Number.POSITIVE_INFINITY);
    const words = { detail: serverWords(e.response.data, secrets) };
    if (status === 401) return new ConnectorError('auth', `${method} ${url}: 401 ${bodyText}`, null, status, words);
    if (status === 429) {
      const retryAfter =
        parseRetryAfter(header(headers, 'retry-after'), now) ??
        (() => {
          const rl = parseRateLimit(headers, now);
          return rl?.resetAt ? Math.max(0, rl.resetAt - now) : null;
        })();
      return new ConnectorError('rate-limited', `${method} ${url}: 429 ${bodyText}`, retryAfter ?? 60_000, status, words);
    }
    if (status === 403 && /quotaExceeded|rateLimitExceeded|dailyLimitExceeded/.test(fullBody)) {
      return new ConnectorError('rate-limited', `${method} ${url}: 403 ${bodyText}`, null, status, words);
    }
    if (status === 403) return new ConnectorError('auth', `${method} ${url}: 403 ${bodyText}`, null, status, words);
    if (status !== null && status >= 500) {
      return new ConnectorError('network', `${method} ${url}: ${status} ${bodyText}`, null, status, words);
    }
    return new ConnectorError('bad-response', `${method} ${url}: ${status} ${bodyText}`, null, status, words);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError('bad-response', redact(message, secrets));
}

/**
 * What a server said about an error, in its own words, for the user to read quoted beside Parvis's
 * own wording: the message field of a JSON error (OAuth's `error_description`, Graph's
 * `error.message`, `message`, `detail`, `errors[0]`), or a short plain-text body. An HTML page
 * says nothing readable: none then. Redacted, on one line, at most DETAIL_MAX characters.
 */
export function serverWords(data: unknown, secrets: readonly string[] = []): string | null {
  let value: unknown = data;
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer) value = Buffer.from(value as Buffer).toString('utf8');
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        value = JSON.parse(trimmed) as unknown;
      } catch {
        value = trimmed;
      }
    }
  }
  const pick = (v: unknown, depth = 0): string | null => {
    if (typeof v === 'string') return v;
    if (depth > 2 || v === null || typeof v !== 'object') return null;
    if (Array.isArray(v)) return v.length > 0 ? pick(v[0], depth + 1) : null;
    const o = v as Record<string, unknown>;
    for (const key of ['error_description', 'message', 'detail', 'error_msg', 'description', 'title', 'error', 'errors']) {
      const found = key in o ? pick(o[key], depth + 1) : null;
      if (found && found.trim() !== '') return found;
    }
    return null;
  };
  let words = typeof value === 'string' ? value : pick(value);
  if (words === null) return null;
  if (/<\/?[a-z][^>]*>/i.test(words)) return null;
  words = redact(words, secrets).replace(/\s+/g, ' ').trim();
  if (words === '') return null;
  return words.length > DETAIL_MAX ? `${words.slice(0, DETAIL_MAX - 1)}…` : words;
}

/** A short, redacted excerpt of a response body. Redacts before cutting: a cut secret no longer matches. */
function describeBody(data: unknown, secrets: readonly string[], max = 300): string {
  if (data === undefined || data === null || data === '') return '';
  let text: string;
  if (typeof data === 'string') text = data;
  else if (Buffer.isBuffer(data) || data instanceof ArrayBuffer) text = Buffer.from(data as Buffer).toString('utf8');
  else {
    try {
      text = JSON.stringify(data) ?? String(data);
    } catch {
      text = String(data);
    }
  }
  const safe = redact(text, secrets);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

function isRetryable(err: AxiosError): boolean {
  if (axios.isCancel(err) || err.code === AxiosError.ERR_CANCELED) return false; // the caller gave up
  if (!err.response) return true; // network error or timeout
  const s = err.response.status;
  return s >= 500 || s === 408;
}

function isSafe(config: AxiosRequestConfig): boolean {
  const method = (config.method ?? 'get').toLowerCase();
  if (SAFE_METHODS.has(method)) return true;
  const headers = (config.headers ?? {}) as Record<string, unknown>;
  return Boolean(header(headers, 'Idempotency-Key'));
}

/**
 * Creates the axios instance a connector uses. Errors it throws are always ConnectorError.
 */
export function createHttpClient(opts: HttpOptions): AxiosInstance {
  const retries = opts.retries ?? 2;
  const base = opts.backoffBaseMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const secrets = opts.secrets ?? (() => []);
  const instance = axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 15_000,
    headers: { 'User-Agent': USER_AGENT, Accept: 'application/json' },
    maxRedirects: 3,
    // Proxy: axios follows HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the environment by default.
  });

  instance.interceptors.response.use(
    (response: AxiosResponse) => {
      const rl = parseRateLimit(response.headers as Record<string, unknown>);
      if (rl) opts.onRateLimit?.(rl);
      return response;
    },
    async (error: unknown) => {
      if (!axios.isAxiosError(error) || !error.config) throw toConnectorError(error, secrets());
      const config = error.config as AxiosRequestConfig & { __attempt?: number };
      if (error.response) {
        const rl = parseRateLimit(error.response.headers as Record<string, unknown>);
        if (rl) opts.onRateLimit?.(rl);
      }
      const attempt = config.__attempt ?? 0;
      if (attempt < retries && isSafe(config) && isRetryable(error)) {
        config.__attempt = attempt + 1;
        // A 503 may say when to come back; honour it when it is short, else back off as usual.
        const retryAfter = error.response
          ? parseRetryAfter(header(error.response.headers as Record<string, unknown>, 'retry-after'))
          : null;
        const delay = backoffDelay(attempt, base);
        await sleep(retryAfter !== null && retryAfter <= MAX_INLINE_RETRY_AFTER_MS ? Math.max(delay, retryAfter) : delay);
        return instance.request(config);
      }
      throw toConnectorError(error, secrets());
    },
  );
  return instance;
}
