/**
 * Fetching a feed politely, over the shared HTTP factory (User-Agent, timeouts, retries of 5xx
 * and timeouts with backoff, 429 → `rate-limited`):
 *
 * - conditional GET: the `ETag` and `Last-Modified` of the last answer go back as `If-None-Match`
 *   and `If-Modified-Since`, and a 304 means nothing changed;
 * - redirects are followed here (five at most) so that the final address is known: it is the
 *   feed's identity and the base of its relative links; an address that only ever redirects
 *   permanently (301, 308) is remembered so that the next polls go straight there;
 * - the body is read up to a cap (decompressed size), with a deadline for the whole exchange, so
 *   that a huge or endless answer fails in plain words instead of filling memory;
 * - `Cache-Control: max-age` and a 503's `Retry-After` say when to come back.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import { createHttpClient, parseRetryAfter, type HttpOptions } from '../http';
import { ConnectorError } from '../types';

/** Builds the HTTP instance (the shared factory, or a test double). */
export type HttpFactory = (options: HttpOptions) => AxiosInstance;

/** The largest feed Parvis reads (decompressed): real feeds are well under 1 MB. */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
/**
 * A max-age longer than this is not waited for: a misconfigured server (a CDN default of a week)
 * cannot silence a feed, and "Check now" is never held back for more than an hour.
 */
export const MAX_HONOURED_MAX_AGE_MS = 3600_000;
const MAX_REDIRECTS = 5;

/** What feeds may be, best first; anything is still accepted (many servers send text/xml or text/plain). */
const ACCEPT =
  'application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

export interface FeedClientOptions {
  createHttp?: HttpFactory;
  /** Deadline of one whole exchange (headers and body), redirects included. */
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  maxBytes?: number;
}

/** The validators of the last answer, sent back on the next request. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

interface Answer {
  /** The address that answered, after redirects. */
  url: string;
  /** Where to ask next time when every redirect was permanent; null otherwise. */
  movedTo: string | null;
  /** How long the answer may be reused (Cache-Control max-age), capped; null when it does not say. */
  maxAgeMs: number | null;
}

export type FetchResult =
  | (Answer & { kind: 'not-modified' })
  | (Answer & { kind: 'ok'; body: Uint8Array; contentType: string | null; validators: Validators });

function headerOf(response: AxiosResponse, name: string): string | null {
  const value = (response.headers as Record<string, unknown>)[name];
  if (value === undefined || value === null) return null;
  return String(Array.isArray(value) ? value[0] : value);
}

/** `Cache-Control: max-age=N` in ms, capped; 0 for no-cache / no-store; null when absent. */
export function maxAgeOf(cacheControl: string | null): number | null {
  if (!cacheControl) return null;
  if (/(^|,)\s*(no-cache|no-store)\s*(,|$)/i.test(cacheControl)) return 0;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  if (!match?.[1]) return null;
  return Math.min(MAX_HONOURED_MAX_AGE_MS, Number(match[1]) * 1000);
}

/** Reads a body up to `max` bytes; more fails as too large. */
async function readCapped(stream: Readable, declaredLength: string | null, max: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new ConnectorError('bad-response', `This feed is larger than ${Math.round(max / (1024 * 1024))} MB, more than any feed should be: Parvis does not read it.`);
  if (declaredLength !== null && Number(declaredLength) > max) {
    stream.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > max) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function drain(response: AxiosResponse): void {
  (response.data as Readable | undefined)?.destroy?.();
}

/** Fetches feeds; one per connector, stateless. */
export class FeedClient {
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(options: FeedClientOptions = {}) {
    const createHttp = options.createHttp ?? createHttpClient;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxBytes = options.maxBytes ?? MAX_FEED_BYTES;
    this.http = createHttp({
      baseURL: '',
      network: 'feeds',
      timeoutMs: this.timeoutMs,
      retries: options.retries,
      sleep: options.sleep,
    });
  }

  /**
   * Fetches `url` with the validators of the last answer. Throws a ConnectorError: `network`
   * (unreachable, timeout, 5xx), `rate-limited` (429, or 503 with Retry-After), `bad-response`
   * (gone, private, too large, redirect loop), each with a message in plain words.
   */
  async fetch(url: string, validators: Validators | null, signal?: AbortSignal): Promise<FetchResult> {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), this.timeoutMs);
    const abortFromCaller = () => controller.abort();
    signal?.addEventListener('abort', abortFromCaller, { once: true });
    try {
      return await this.follow(url, validators, controller.signal);
    } catch (err) {
      if (controller.signal.aborted && !signal?.aborted) {
        throw new ConnectorError('network', `The feed at ${url} did not answer within ${Math.round(this.timeoutMs / 1000)} s.`);
      }
      throw err;
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', abortFromCaller);
    }
  }

  private async follow(start: string, validators: Validators | null, signal: AbortSignal): Promise<FetchResult> {
    let url = start;
    let permanent = true;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { Accept: ACCEPT };
      // Validators belong to the address they came from: only sent there.
      if (validators?.etag && hop === 0) headers['If-None-Match'] = validators.etag;
      if (validators?.lastModified && hop === 0) headers['If-Modified-Since'] = validators.lastModified;
      const response = await this.http.get(url, {
        headers,
        responseType: 'stream',
        maxRedirects: 0,
        decompress: true,
        signal,
        // 5xx (but 503) and 429 go through the factory: retries, backoff and typed errors.
        validateStatus: (status) => status !== 429 && (status < 500 || status === 503),
      });
      const status = response.status;
      const answer = (): Answer => ({ url, movedTo: hop > 0 && permanent ? url : null, maxAgeMs: maxAgeOf(headerOf(response, 'cache-control')) });
      if (status === 304) {
        drain(response);
        return { kind: 'not-modified', ...answer() };
      }
      if (status >= 300 && status < 400) {
        drain(response);
        const location = headerOf(response, 'location');
        let next: URL | null;
        try {
          next = location ? new URL(location, url) : null;
        } catch {
          next = null;
        }
        if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
          throw new ConnectorError('bad-response', `The feed at ${url} redirects (${status}) to no usable address.`, null, status);
        }
        if (status !== 301 && status !== 308) permanent = false;
        url = next.href;
        continue;
      }
      if (status >= 200 && status < 300) {
        const body = await readCapped(response.data as Readable, headerOf(response, 'content-length'), this.maxBytes);
        return {
          kind: 'ok',
          ...answer(),
          body,
          contentType: headerOf(response, 'content-type'),
          validators: { etag: headerOf(response, 'etag'), lastModified: headerOf(response, 'last-modified') },
        };
      }
      drain(response);
      throw this.refusal(url, response);
    }
    throw new ConnectorError('bad-response', `The feed at ${start} redirects more than ${MAX_REDIRECTS} times: it never reaches a feed.`);
  }

  private refusal(url: string, response: AxiosResponse): ConnectorError {
    const status = response.status;
    switch (status) {
      case 503: {
        const retryAfter = parseRetryAfter(headerOf(response, 'retry-after'));
        return retryAfter !== null
          ? new ConnectorError('rate-limited', `The site of the feed at ${url} is unavailable (503) and asks to come back later.`, retryAfter, status)
          : new ConnectorError('network', `The site of the feed at ${url} is unavailable (503).`, null, status);
      }
      case 404:
        return new ConnectorError('bad-response', `There is no feed at ${url} (404 Not Found): check the address; the site may have moved or removed it.`, null, status);
      case 410:
        return new ConnectorError('bad-response', `The feed at ${url} is gone (410 Gone): the site removed it for good.`, null, status);
      case 401:
      case 403:
        return new ConnectorError('bad-response', `The feed at ${url} is not public (${status}): Parvis follows public feeds only.`, null, status);
      default:
        return new ConnectorError('bad-response', `The feed at ${url} answered ${status}.`, null, status);
    }
  }
}
