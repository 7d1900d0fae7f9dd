/**
 * Discourse's JSON API for one forum and one key, over the shared HTTP factory (timeouts,
 * User-Agent, retries of safe requests, secrets redacted, 429 + Retry-After into a `rate-limited`
 * error the scheduler waits on).
 *
 * Two kinds of keys (Auth::DefaultCurrentUserProvider): a User API Key (headers `User-Api-Key` and
 * `User-Api-Client-Id`), made for one user by the user-api-key flow; or an admin API key with the
 * user to act as (`Api-Key`, `Api-Username`), for staff. Discourse answers a revoked or unknown key
 * with 403 `invalid_access`, the same answer as an action the user may not do: a 403 on a write is
 * told apart by asking who the key is (`/session/current.json`).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { createHttpClient, type HttpOptions } from '../http';
import { ConnectorError } from '../types';
import { WireCurrentUser, WireError, WirePost, WireReviewList, WireTopic, describeIssues, type WireCurrentUser as CurrentUser, type WirePost as Post } from './wire';

export type HttpFactory = (options: HttpOptions) => AxiosInstance;

export type DiscourseKey = { kind: 'user-api-key'; key: string; clientId: string } | { kind: 'api-key'; key: string; username: string };

export interface DiscourseClientOptions {
  forumUrl: string;
  key: DiscourseKey;
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Discourse's error words (`errors: [...]`), when the body has them. */
export function discourseErrors(data: unknown): string[] {
  const parsed = WireError.safeParse(data);
  return parsed.success ? parsed.data.errors : [];
}

function errorsInMessage(err: ConnectorError): string {
  const match = /"errors"\s*:\s*\[((?:[^\]\\]|\\.)*)\]/.exec(err.message);
  if (!match?.[1]) return '';
  try {
    return (JSON.parse(`[${match[1]}]`) as string[]).join(' ');
  } catch {
    return match[1];
  }
}

/** A read refused for this item only: 404 gone, 403 (with a working key) refused. */
function refusalOf(err: unknown): 'gone' | 'refused' | null {
  if (!(err instanceof ConnectorError)) return null;
  if (err.status === 404) return 'gone';
  if (err.status === 403 && err.kind === 'not-supported') return 'refused';
  return null;
}

export class DiscourseClient {
  private readonly http: AxiosInstance;
  readonly host: string;
  readonly forumUrl: string;

  constructor(private readonly options: DiscourseClientOptions) {
    this.forumUrl = options.forumUrl.replace(/\/+$/, '');
    this.host = new URL(this.forumUrl).host;
    const createHttp = options.createHttp ?? createHttpClient;
    this.http = createHttp({
      baseURL: this.forumUrl,
      network: 'discourse',
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      sleep: options.sleep,
      secrets: () => [options.key.key],
    });
  }

  private headers(): Record<string, string> {
    const k = this.options.key;
    return k.kind === 'user-api-key' ? { 'User-Api-Key': k.key, 'User-Api-Client-Id': k.clientId } : { 'Api-Key': k.key, 'Api-Username': k.username };
  }

  /** `refusable`: a 403 is told apart from a dead key (always so for writes). */
  private async request(method: 'get' | 'post' | 'put' | 'delete', path: string, params?: Record<string, unknown>, data?: unknown, refusable = false): Promise<AxiosResponse> {
    try {
      return await this.http.request({ method, url: path, params, data, headers: this.headers(), paramsSerializer: { indexes: null } });
    } catch (err) {
      throw await this.explain(err, method !== 'get' || refusable);
    }
  }

  /** Plain words for a failed call; a 403 on a write is a refusal unless the key itself is dead. */
  private async explain(err: unknown, write: boolean): Promise<ConnectorError> {
    if (!(err instanceof ConnectorError)) return new ConnectorError('bad-response', err instanceof Error ? err.message : String(err));
    const said = errorsInMessage(err);
    if (err.kind === 'network' && err.status === null) return new ConnectorError('network', `The forum ${this.host} did not answer: it may be down, or the address is wrong (${err.message})`);
    if (err.status === 403 || err.status === 401) {
      if (write && (await this.keyWorks())) return new ConnectorError('not-supported', `${this.host} refused: ${said || 'you are not permitted to do this'} (${err.message})`, null, 403);
      return new ConnectorError('auth', `${this.host} refused the key (revoked, expired, or the user is suspended): sign in again (${err.message})`, null, err.status);
    }
    if (err.status === 422 || err.status === 404 || err.status === 400 || err.status === 409) {
      // Discourse's refusals (a post too similar to a recent one, a closed topic, a deleted post).
      return new ConnectorError(write ? 'not-supported' : 'bad-response', `${this.host} refused: ${said || `HTTP ${err.status}`} (${err.message})`, null, err.status);
    }
    return err;
  }

  private async keyWorks(): Promise<boolean> {
    try {
      await this.http.request({ method: 'get', url: '/session/current.json', headers: this.headers() });
      return true;
    } catch {
      return false;
    }
  }

  /** Who the key acts as; staff see the review queue. */
  async currentUser(): Promise<CurrentUser> {
    const k = this.options.key;
    // An admin key acts as the user named in Api-Username: /session/current.json answers for it too.
    const res = await this.request('get', '/session/current.json');
    const body = (res.data as { current_user?: unknown } | null)?.current_user;
    const parsed = WireCurrentUser.safeParse(body);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered /session/current.json with an unexpected body: ${describeIssues(parsed.error)}`);
    if (k.kind === 'api-key' && parsed.data.username.toLowerCase() !== k.username.toLowerCase()) {
      throw new ConnectorError('auth', `${this.host} says this key acts as ${parsed.data.username}, not ${k.username}`);
    }
    return parsed.data;
  }

  /** A page of notifications, newest first; `offset` pages down (NotificationsController#index). */
  async notifications(offset: number): Promise<{ items: unknown[]; total: number | null }> {
    const res = await this.request('get', '/notifications.json', offset ? { offset } : undefined);
    const data = res.data as { notifications?: unknown; total_rows_notifications?: unknown } | null;
    if (!data || !Array.isArray(data.notifications)) throw new ConnectorError('bad-response', `${this.host} answered the notifications with something else than a list`);
    return { items: data.notifications, total: typeof data.total_rows_notifications === 'number' ? data.total_rows_notifications : null };
  }

  /** The latest posts of the forum, newest first, 50 a page; `before` (a post id) pages down. */
  async latestPosts(before: number | null): Promise<unknown[]> {
    const res = await this.request('get', '/posts.json', before ? { before } : undefined);
    const list = (res.data as { latest_posts?: unknown } | null)?.latest_posts;
    if (!Array.isArray(list)) throw new ConnectorError('bad-response', `${this.host} answered /posts.json without latest_posts`);
    return list;
  }

  /** Some posts of one topic (raw items, so that a bad one can be skipped). */
  async topicPosts(topicId: number, postIds: number[]): Promise<unknown[]> {
    const res = await this.request('get', `/t/${topicId}/posts.json`, { 'post_ids[]': postIds });
    const parsed = (res.data as { post_stream?: { posts?: unknown } } | null)?.post_stream?.posts;
    if (!Array.isArray(parsed)) throw new ConnectorError('bad-response', `${this.host} answered /t/${topicId}/posts.json without posts`);
    return parsed;
  }

  /**
   * Posts read again for edits and deletions: `gone` when the topic is (404: deleted, or never
   * there), `refused` when the key still works but may not see it any more (403: removed from a
   * private message, a category closed to the user). Deleted posts are left out of the answer for
   * non-staff; staff get them with `deleted_at` (TopicView#filter_posts_by_ids).
   */
  async recheckPosts(topicId: number, postIds: number[]): Promise<{ state: 'ok'; posts: unknown[] } | { state: 'gone' } | { state: 'refused' }> {
    try {
      const res = await this.request('get', `/t/${topicId}/posts.json`, { 'post_ids[]': postIds }, undefined, true);
      const posts = (res.data as { post_stream?: { posts?: unknown } } | null)?.post_stream?.posts;
      if (!Array.isArray(posts)) throw new ConnectorError('bad-response', `${this.host} answered /t/${topicId}/posts.json without posts`);
      return { state: 'ok', posts };
    } catch (err) {
      const state = refusalOf(err);
      if (state === 'gone') return { state };
      if (state === 'refused') return { state };
      throw err;
    }
  }

  /** One post, asked for directly: where a post missing from its topic went (moved, or deleted). */
  async lookUpPost(postId: number): Promise<{ state: 'ok'; post: Post } | { state: 'gone' } | { state: 'refused' }> {
    try {
      const res = await this.request('get', `/posts/${postId}.json`, undefined, undefined, true);
      return { state: 'ok', post: this.parsePost(res.data) };
    } catch (err) {
      const state = refusalOf(err);
      if (state === 'gone') return { state };
      if (state === 'refused') return { state };
      throw err;
    }
  }

  /** The forum's topics by latest activity (`bumped_at`), first page: public topics only. */
  async latestTopics(): Promise<{ id: number; bumpedAt: number }[]> {
    const res = await this.request('get', '/latest.json', { order: 'activity' });
    const topics = (res.data as { topic_list?: { topics?: { id?: unknown; bumped_at?: unknown }[] } } | null)?.topic_list?.topics;
    if (!Array.isArray(topics)) throw new ConnectorError('bad-response', `${this.host} answered /latest.json without topic_list.topics`);
    const out: { id: number; bumpedAt: number }[] = [];
    for (const t of topics) {
      const id = Number(t?.id);
      const bumpedAt = typeof t?.bumped_at === 'string' ? Date.parse(t.bumped_at) : Number.NaN;
      if (Number.isInteger(id) && Number.isFinite(bumpedAt)) out.push({ id, bumpedAt });
    }
    return out;
  }

  async topic(topicId: number): Promise<WireTopic> {
    const res = await this.request('get', `/t/${topicId}.json`);
    const parsed = WireTopic.safeParse(res.data);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered /t/${topicId}.json unexpectedly: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  async post(postId: number): Promise<Post> {
    const res = await this.request('get', `/posts/${postId}.json`);
    return this.parsePost(res.data);
  }

  /** Topic ids tagged `tag` (the tag's first page of topics). */
  async taggedTopics(tag: string): Promise<number[]> {
    const res = await this.request('get', `/tag/${encodeURIComponent(tag)}.json`);
    const topics = (res.data as { topic_list?: { topics?: { id?: unknown }[] } } | null)?.topic_list?.topics;
    return Array.isArray(topics) ? topics.map((t) => Number(t.id)).filter((id) => Number.isInteger(id)) : [];
  }

  /** Category slugs to ids (GET /categories.json, subcategories included). */
  async categories(): Promise<{ id: number; slug: string }[]> {
    const res = await this.request('get', '/categories.json', { include_subcategories: true });
    const list = (res.data as { category_list?: { categories?: { id?: unknown; slug?: unknown; subcategory_list?: unknown[] }[] } } | null)?.category_list?.categories ?? [];
    const out: { id: number; slug: string }[] = [];
    const walk = (items: unknown[]) => {
      for (const item of items as { id?: unknown; slug?: unknown; subcategory_list?: unknown[] }[]) {
        if (typeof item.id === 'number' && typeof item.slug === 'string') out.push({ id: item.id, slug: item.slug });
        if (Array.isArray(item.subcategory_list)) walk(item.subcategory_list);
      }
    };
    walk(list);
    return out;
  }

  /** The pending review queue, newest first (staff only). */
  async reviewQueue(): Promise<WireReviewList> {
    const res = await this.request('get', '/review.json', { status: 'pending' });
    const parsed = WireReviewList.safeParse(res.data);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered /review.json unexpectedly: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  async reviewable(id: number): Promise<{ version: number; actions: string[] }> {
    const res = await this.request('get', `/review/${id}.json`);
    const r = (res.data as { reviewable?: { version?: unknown; bundled_actions?: { actions?: { id?: unknown }[] }[] } } | null)?.reviewable;
    if (!r) throw new ConnectorError('bad-response', `${this.host} answered /review/${id}.json without the reviewable`);
    const actions = (r.bundled_actions ?? []).flatMap((b) => (b.actions ?? []).map((a) => String(a.id)));
    return { version: Number(r.version ?? 0), actions };
  }

  /** A moderator's decision on a reviewable; `version` guards against a decision made meanwhile (409). */
  async perform(id: number, action: string, version: number): Promise<void> {
    await this.request('put', `/review/${id}/perform/${encodeURIComponent(action)}`, { version });
  }

  /** A reply in a topic (public or private message), under `replyToPostNumber` when given. */
  async createPost(input: { topicId: number; raw: string; replyToPostNumber: number | null }): Promise<Post> {
    const res = await this.request('post', '/posts.json', undefined, {
      topic_id: input.topicId,
      raw: input.raw,
      ...(input.replyToPostNumber ? { reply_to_post_number: input.replyToPostNumber } : {}),
    });
    return this.parsePost(res.data);
  }

  /** Flags (or likes) a post: PostActionType ids, 8 spam, 4 inappropriate, 7 notify moderators. */
  async postAction(postId: number, typeId: number, message?: string): Promise<Post> {
    const res = await this.request('post', '/post_actions.json', undefined, { id: postId, post_action_type_id: typeId, ...(message ? { message } : {}) });
    return this.parsePost(res.data);
  }

  async deletePost(postId: number): Promise<void> {
    await this.request('delete', `/posts/${postId}.json`);
  }

  async unhidePost(postId: number): Promise<void> {
    await this.request('put', `/posts/${postId}/unhide`);
  }

  async silence(userId: number, until: Date, reason: string): Promise<void> {
    await this.request('put', `/admin/users/${userId}/silence.json`, undefined, { silenced_till: until.toISOString(), reason, post_action: 'none' });
  }

  async suspend(userId: number, until: Date, reason: string): Promise<void> {
    await this.request('put', `/admin/users/${userId}/suspend.json`, undefined, { suspend_until: until.toISOString(), reason, post_action: 'none' });
  }

  async unsilence(userId: number): Promise<void> {
    await this.request('put', `/admin/users/${userId}/unsilence.json`);
  }

  async unsuspend(userId: number): Promise<void> {
    await this.request('put', `/admin/users/${userId}/unsuspend.json`);
  }

  private parsePost(data: unknown): Post {
    const parsed = WirePost.safeParse(data);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered with an unexpected post: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
}
