/**
 * The X API v2 calls Parvis makes, through the shared HTTP factory (timeouts, User-Agent, retries
 * of safe requests, redaction). Answers are parsed here; errors are ConnectorErrors, worded from
 * X's problem bodies (RFC 7807).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { RateLimit } from '../../../../shared/model';
import { createHttpClient } from '../http';
import { ConnectorError } from '../types';
import { WireCreatedDm, WireCreatedPost, WireListPage, WireMe, describeIssues, type WireListPage as ListPage, type WireUser } from './wire';

export const X_API_BASE_URL = 'https://api.x.com';

/** What every post read asks for: enough to thread it and show its author and context. */
const POST_QUERY = {
  'tweet.fields': 'created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets',
  expansions: 'author_id,referenced_tweets.id',
  'user.fields': 'username,name,profile_image_url',
};
const DM_QUERY = {
  'dm_event.fields': 'id,text,event_type,created_at,sender_id,dm_conversation_id',
  event_types: 'MessageCreate',
  expansions: 'sender_id',
  'user.fields': 'username,name,profile_image_url',
};

export interface XClientOptions {
  baseUrl: string;
  accessToken: () => string;
  secrets: () => string[];
  timeoutMs?: number;
  retries?: number;
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Resources an answer brought (what X bills): the items and their expansions. */
export function resourcesIn(page: ListPage): number {
  return (page.data?.length ?? 0) + (page.includes?.users?.length ?? 0) + (page.includes?.tweets?.length ?? 0) + (page.includes?.posts?.length ?? 0);
}

export class XClient {
  private readonly http: AxiosInstance;
  /** The most constrained rate-limit window seen by this client. */
  rateLimit: RateLimit | null = null;

  constructor(private readonly options: XClientOptions) {
    this.http = createHttpClient({
      baseURL: options.baseUrl,
      network: 'x',
      secrets: options.secrets,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      backoffBaseMs: options.backoffBaseMs,
      sleep: options.sleep,
      onRateLimit: (rl) => {
        if (!this.rateLimit || (rl.remaining ?? Infinity) <= (this.rateLimit.remaining ?? Infinity)) this.rateLimit = rl;
      },
    });
  }

  private async call<T>(method: 'get' | 'post' | 'put' | 'delete', path: string, init: { params?: Record<string, string | number>; body?: unknown } = {}): Promise<T> {
    let response: AxiosResponse;
    try {
      response = await this.http.request({
        method,
        url: path,
        params: init.params,
        data: init.body,
        headers: { Authorization: `Bearer ${this.options.accessToken()}`, ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      });
    } catch (err) {
      throw refusalOf(err, method);
    }
    return response.data as T;
  }

  async me(): Promise<WireUser> {
    const body = await this.call<unknown>('get', '/2/users/me', { params: { 'user.fields': 'username,name,profile_image_url' } });
    const parsed = WireMe.safeParse(body);
    if (!parsed.success) throw new ConnectorError('bad-response', `GET /2/users/me: ${describeIssues(parsed.error)}`);
    return parsed.data.data;
  }

  async mentions(userId: string, query: { sinceId: string | null; paginationToken: string | null; maxResults: number }): Promise<ListPage> {
    const params: Record<string, string | number> = { ...POST_QUERY, max_results: query.maxResults };
    if (query.sinceId) params.since_id = query.sinceId;
    if (query.paginationToken) params.pagination_token = query.paginationToken;
    return this.list(`/2/users/${encodeURIComponent(userId)}/mentions`, params);
  }

  async dmEvents(query: { paginationToken: string | null; maxResults: number }): Promise<ListPage> {
    const params: Record<string, string | number> = { ...DM_QUERY, max_results: query.maxResults };
    if (query.paginationToken) params.pagination_token = query.paginationToken;
    return this.list('/2/dm_events', params);
  }

  private async list(path: string, params: Record<string, string | number>): Promise<ListPage> {
    const body = await this.call<unknown>('get', path, { params });
    const parsed = WireListPage.safeParse(body);
    if (!parsed.success) throw new ConnectorError('bad-response', `GET ${path}: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  /** The account's latest posts (replies included), newest first. */
  async ownPosts(userId: string, maxResults: number): Promise<ListPage> {
    return this.list(`/2/users/${encodeURIComponent(userId)}/tweets`, { 'tweet.fields': 'created_at,author_id,conversation_id,referenced_tweets', max_results: maxResults });
  }

  /** The latest events of one DM conversation, newest first. */
  async conversationDms(dmConversationId: string, maxResults: number): Promise<ListPage> {
    return this.list(`/2/dm_conversations/${encodeURIComponent(dmConversationId)}/dm_events`, { 'dm_event.fields': 'id,text,event_type,created_at,sender_id,dm_conversation_id', max_results: maxResults });
  }

  async createReply(inReplyToPostId: string, text: string): Promise<{ id: string; text: string }> {
    const body = await this.call<unknown>('post', '/2/tweets', { body: { text, reply: { in_reply_to_tweet_id: inReplyToPostId } } });
    const parsed = WireCreatedPost.safeParse(body);
    if (!parsed.success) throw new ConnectorError('bad-response', `POST /2/tweets: the reply was sent but the answer is unreadable (${describeIssues(parsed.error)})`);
    return parsed.data.data;
  }

  async sendDm(dmConversationId: string, text: string): Promise<{ dmConversationId: string; dmEventId: string }> {
    const body = await this.call<unknown>('post', `/2/dm_conversations/${encodeURIComponent(dmConversationId)}/messages`, { body: { text } });
    const parsed = WireCreatedDm.safeParse(body);
    if (!parsed.success) throw new ConnectorError('bad-response', `POST dm_conversations messages: the message was sent but the answer is unreadable (${describeIssues(parsed.error)})`);
    return { dmConversationId: parsed.data.data.dm_conversation_id, dmEventId: parsed.data.data.dm_event_id };
  }

  async setHidden(postId: string, hidden: boolean): Promise<boolean> {
    const body = await this.call<{ data?: { hidden?: boolean } }>('put', `/2/tweets/${encodeURIComponent(postId)}/hidden`, { body: { hidden } });
    return body?.data?.hidden === hidden;
  }

  async mute(sourceUserId: string, targetUserId: string): Promise<void> {
    await this.call('post', `/2/users/${encodeURIComponent(sourceUserId)}/muting`, { body: { target_user_id: targetUserId } });
  }

  async unmute(sourceUserId: string, targetUserId: string): Promise<void> {
    await this.call('delete', `/2/users/${encodeURIComponent(sourceUserId)}/muting/${encodeURIComponent(targetUserId)}`);
  }

  async deletePost(postId: string): Promise<void> {
    await this.call('delete', `/2/tweets/${encodeURIComponent(postId)}`);
  }
}

/**
 * A 403 on a write is X refusing that action for that post or user (hiding a reply in a
 * conversation the account did not start, muting a protected account, a DM to someone who does not
 * take them): `not-supported` with X's words, not a lost sign-in. A 403 on a read keeps `auth`.
 */
function refusalOf(err: unknown, method: string): unknown {
  if (!(err instanceof ConnectorError) || err.status !== 403 || method === 'get') return err;
  return new ConnectorError('not-supported', `X refused this action: ${err.message}`, null, err.status);
}
