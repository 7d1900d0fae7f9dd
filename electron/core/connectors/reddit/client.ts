/**
 * The Reddit API calls Parvis makes (https://oauth.reddit.com), through the shared HTTP factory
 * with Reddit's required descriptive User-Agent. Writes are form posts with `api_type=json`; their
 * refusals come back as 200 with `json.errors`, turned into ConnectorErrors here.
 */
import type { AxiosInstance } from 'axios';
import type { RateLimit } from '../../../../shared/model';
import { createHttpClient } from '../http';
import { ConnectorError } from '../types';
import { REDDIT_USER_AGENT } from './auth';
import { WireCommentAnswer, WireListing, WireMe, describeIssues, type WireListing as Listing } from './wire';

export const REDDIT_API_BASE_URL = 'https://oauth.reddit.com';

export interface RedditClientOptions {
  baseUrl: string;
  accessToken: () => string;
  secrets: () => string[];
  timeoutMs?: number;
  retries?: number;
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class RedditClient {
  private readonly http: AxiosInstance;
  rateLimit: RateLimit | null = null;

  constructor(private readonly options: RedditClientOptions) {
    this.http = createHttpClient({
      baseURL: options.baseUrl,
      network: 'reddit',
      secrets: options.secrets,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      backoffBaseMs: options.backoffBaseMs,
      sleep: options.sleep,
      onRateLimit: (rl) => {
        this.rateLimit = rl;
      },
    });
    // An instance header, which wins over the factory's generic User-Agent (Reddit throttles those).
    this.http.defaults.headers['User-Agent'] = REDDIT_USER_AGENT;
  }

  private async get(path: string, params: Record<string, string | number> = {}): Promise<unknown> {
    const response = await this.http.get(path, { params: { raw_json: 1, ...params }, headers: { Authorization: `bearer ${this.options.accessToken()}` } });
    return response.data as unknown;
  }

  private async post(path: string, form: Record<string, string>): Promise<unknown> {
    const response = await this.http.post(path, new URLSearchParams({ api_type: 'json', ...form }).toString(), {
      headers: { Authorization: `bearer ${this.options.accessToken()}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const body = response.data as { json?: { errors?: unknown[][] } } | null;
    const errors = body?.json?.errors ?? [];
    if (errors.length > 0) {
      const [code, message] = errors[0] as [string?, string?];
      const kind = code === 'RATELIMIT' ? 'rate-limited' : 'not-supported';
      throw new ConnectorError(kind, `Reddit refused ${path}: ${code ?? 'error'} ${message ?? ''}`.trim(), kind === 'rate-limited' ? 60_000 : null, 200);
    }
    return body;
  }

  async me(): Promise<{ id: string; name: string }> {
    const parsed = WireMe.safeParse(await this.get('/api/v1/me'));
    if (!parsed.success) throw new ConnectorError('bad-response', `GET /api/v1/me: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  async listing(path: string, params: { after?: string | null; limit: number }): Promise<Listing> {
    const query: Record<string, string | number> = { limit: params.limit };
    if (params.after) query.after = params.after;
    const parsed = WireListing.safeParse(await this.get(path, query));
    if (!parsed.success) throw new ConnectorError('bad-response', `GET ${path}: not a Listing (${describeIssues(parsed.error)})`);
    return parsed.data;
  }

  /** Replies to a comment, a post or a private message; returns the new thing's data. */
  async reply(thingId: string, text: string): Promise<{ kind: string; data: Record<string, unknown> }> {
    const parsed = WireCommentAnswer.safeParse(await this.post('/api/comment', { thing_id: thingId, text }));
    const thing = parsed.success ? parsed.data.json.data?.things[0] : undefined;
    if (!thing) throw new ConnectorError('bad-response', 'POST /api/comment: the reply was sent but the answer is unreadable');
    return thing as { kind: string; data: Record<string, unknown> };
  }

  approve(id: string): Promise<unknown> {
    return this.post('/api/approve', { id });
  }

  remove(id: string, spam: boolean): Promise<unknown> {
    return this.post('/api/remove', { id, spam: String(spam) });
  }

  /** Closes a post or comment to new comments (`/api/lock`), or reopens it (`/api/unlock`). */
  lock(id: string, locked: boolean): Promise<unknown> {
    return this.post(locked ? '/api/lock' : '/api/unlock', { id });
  }

  /** Bans a user from a subreddit: `duration` in days (1..999), absent for a permanent ban. */
  ban(subreddit: string, username: string, reason: string, duration: number | null): Promise<unknown> {
    return this.post(`/r/${encodeURIComponent(subreddit)}/api/friend`, {
      type: 'banned',
      name: username,
      ban_reason: reason.slice(0, 100),
      note: reason.slice(0, 300),
      ...(duration !== null ? { duration: String(duration) } : {}),
    });
  }
}
