/**
 * WordPress's REST API for one site and user, over the shared HTTP factory (timeouts, User-Agent,
 * retries of safe requests, secrets redacted), with HTTP Basic auth and an Application Password
 * (https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#basic-authentication-with-application-passwords).
 *
 * The API root is discovered the way WordPress documents it
 * (https://developer.wordpress.org/rest-api/using-the-rest-api/discovery/): the `Link` header with
 * rel="https://api.w.org/" on the site's home page. A site with plain permalinks answers with
 * `/index.php?rest_route=/`, one with pretty permalinks with `/wp-json/`: routes are joined to
 * either form here.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { createHttpClient, type HttpOptions } from '../http';
import { ConnectorError } from '../types';
import { POST_STATUSES, WireComment, WirePost, WireUser, describeIssues } from './wire';

export type HttpFactory = (options: HttpOptions) => AxiosInstance;

export interface WordPressClientOptions {
  /** The API root as discovered, e.g. https://blog.example.com/wp-json/ or …/index.php?rest_route=/ */
  apiRoot: string;
  user: string;
  appPassword: string;
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The URL of `route` (e.g. `wp/v2/comments`) under an API root, with query parameters. */
export function routeUrl(apiRoot: string, route: string, query: Record<string, string | number> = {}): string {
  const url = new URL(apiRoot);
  const restRoute = url.searchParams.get('rest_route');
  if (restRoute !== null) {
    url.searchParams.set('rest_route', `${restRoute.replace(/\/+$/, '')}/${route}`);
  } else {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${route}`;
  }
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  return url.toString();
}

/** The `code` of a WordPress REST error in a ConnectorError's message (`rest_comment_closed`…). */
export function restErrorCode(err: ConnectorError): string | null {
  return /"code"\s*:\s*"([a-z0-9_]+)"/i.exec(err.message)?.[1] ?? null;
}

/** The `message` of a WordPress REST error, when the excerpt kept it. */
function restErrorMessage(err: ConnectorError): string | null {
  const raw = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(err.message)?.[1];
  if (!raw) return null;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function siteHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Plain words for a failed call. `write` calls that the site refuses (a closed post, a comment
 * gone, a missing right) are refusals the outbox stops at; reads refused for rights mean the
 * account cannot do what Parvis needs: sign in with another user.
 */
export function explain(err: unknown, host: string, write: boolean): ConnectorError {
  if (!(err instanceof ConnectorError)) return new ConnectorError('bad-response', err instanceof Error ? err.message : String(err));
  const code = restErrorCode(err);
  const said = restErrorMessage(err);
  const detail = `(${err.message})`;
  if (err.kind === 'network' && err.status === null) {
    return new ConnectorError('network', `The site ${host} did not answer: it may be down, or the address is wrong ${detail}`);
  }
  if (err.kind === 'network') return new ConnectorError('network', `The site ${host} has a server error (${err.status}) ${detail}`, null, err.status);
  if (err.status === 401) {
    return new ConnectorError('auth', `${host} refused the user name or the application password: create a new application password in the site’s Users › Profile, then sign in again ${detail}`, null, 401);
  }
  if (err.status === 403 || err.status === 404 || err.status === 400 || err.status === 409) {
    if (!write && err.status === 403) {
      return new ConnectorError('auth', `This WordPress user may not moderate comments on ${host}: sign in with an editor or an administrator ${detail}`, null, 403);
    }
    const reason = said ?? code ?? `HTTP ${err.status}`;
    return new ConnectorError('not-supported', `${host} refused: ${reason} ${detail}`, null, err.status);
  }
  return err;
}

/** One REST client for one site and user. */
export class WordPressClient {
  private readonly http: AxiosInstance;
  private readonly authorization: string;
  readonly host: string;

  constructor(private readonly options: WordPressClientOptions) {
    const createHttp = options.createHttp ?? createHttpClient;
    // WordPress shows application passwords in groups of four with spaces, and ignores the spaces.
    const password = options.appPassword.replace(/\s+/g, '');
    this.authorization = `Basic ${Buffer.from(`${options.user}:${password}`, 'utf8').toString('base64')}`;
    this.host = siteHost(options.apiRoot);
    this.http = createHttp({
      baseURL: '',
      network: 'wordpress',
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      sleep: options.sleep,
      secrets: () => [password, options.appPassword, this.authorization],
    });
  }

  private async request(method: 'get' | 'post' | 'delete', route: string, query: Record<string, string | number>, data?: unknown): Promise<AxiosResponse> {
    try {
      return await this.http.request({
        method,
        url: routeUrl(this.options.apiRoot, route, query),
        data,
        headers: { Authorization: this.authorization },
      });
    } catch (err) {
      throw explain(err, this.host, method !== 'get');
    }
  }

  /** The signed-in user, with the capabilities that say whether they may moderate. */
  async me(): Promise<WireUser> {
    const res = await this.request('get', 'wp/v2/users/me', { context: 'edit' });
    const parsed = WireUser.safeParse(res.data);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered /users/me with an unexpected body: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  /**
   * One page of comments, newest first, with their post embedded. `status` is the query's word:
   * `all` (approved and held), `spam`, `trash`. Items are raw, so that a bad one can be skipped.
   */
  async comments(params: { status: 'all' | 'spam'; page: number; perPage: number }): Promise<{ items: unknown[]; total: number; totalPages: number }> {
    const res = await this.request('get', 'wp/v2/comments', {
      context: 'edit',
      status: params.status,
      orderby: 'date_gmt',
      order: 'desc',
      per_page: params.perPage,
      page: params.page,
      _embed: 'up',
    });
    if (!Array.isArray(res.data)) throw new ConnectorError('bad-response', `${this.host} answered the comments list with something else than a list`);
    const headers = res.headers as Record<string, unknown>;
    const total = Number(headers['x-wp-total'] ?? res.data.length);
    const totalPages = Number(headers['x-wp-totalpages'] ?? 1);
    return { items: res.data, total: Number.isFinite(total) ? total : res.data.length, totalPages: Number.isFinite(totalPages) ? totalPages : 1 };
  }

  async comment(id: string): Promise<WireComment> {
    const res = await this.request('get', `wp/v2/comments/${encodeURIComponent(id)}`, { context: 'edit' });
    return this.parseComment(res.data);
  }

  /** A reply under `parent` on `post`, published at once for a moderator. */
  async createComment(input: { post: number; parent: number; content: string }): Promise<WireComment> {
    const res = await this.request('post', 'wp/v2/comments', {}, input);
    return this.parseComment(res.data);
  }

  /** approved, hold, spam (WordPress's update takes the status words of `context=edit`). */
  async setStatus(id: string, status: 'approved' | 'hold' | 'spam'): Promise<WireComment> {
    const res = await this.request('post', `wp/v2/comments/${encodeURIComponent(id)}`, {}, { status });
    return this.parseComment(res.data);
  }

  /** Moves the comment to the trash (undoable on the site for 30 days); `force` deletes it for good. */
  async deleteComment(id: string, force = false): Promise<void> {
    await this.request('delete', `wp/v2/comments/${encodeURIComponent(id)}`, force ? { force: 'true' } : {});
  }

  /**
   * The posts whose slug is one of `slugs`, of every status a post can have, the trash included
   * (`status=any` leaves the trash out). WordPress renames a trashed post's slug `<slug>__trashed`.
   */
  async postsBySlug(slugs: string[]): Promise<WirePost[]> {
    const res = await this.request('get', 'wp/v2/posts', { context: 'edit', slug: slugs.join(','), status: POST_STATUSES.join(','), per_page: 10 });
    if (!Array.isArray(res.data)) throw new ConnectorError('bad-response', `${this.host} answered the posts list with something else than a list`);
    return res.data.map((raw) => this.parsePost(raw));
  }

  async post(id: string): Promise<WirePost> {
    const res = await this.request('get', `wp/v2/posts/${encodeURIComponent(id)}`, { context: 'edit' });
    return this.parsePost(res.data);
  }

  /** A new post: `status` publish, or future with `date_gmt` (WordPress publishes it then). */
  async createPost(input: { title: string; content: string; slug: string; status: 'publish' | 'future'; date_gmt?: string }): Promise<WirePost> {
    const res = await this.request('post', 'wp/v2/posts', { context: 'edit' }, input);
    return this.parsePost(res.data);
  }

  async updatePost(id: string, input: { status?: 'future' | 'draft'; date_gmt?: string }): Promise<WirePost> {
    const res = await this.request('post', `wp/v2/posts/${encodeURIComponent(id)}`, { context: 'edit' }, input);
    return this.parsePost(res.data);
  }

  /** Moves a post to the trash (the site keeps it 30 days). */
  async trashPost(id: string): Promise<void> {
    await this.request('delete', `wp/v2/posts/${encodeURIComponent(id)}`, {});
  }

  private parsePost(data: unknown): WirePost {
    const parsed = WirePost.safeParse(data);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered with an unexpected post: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  private parseComment(data: unknown): WireComment {
    const parsed = WireComment.safeParse(data);
    if (!parsed.success) throw new ConnectorError('bad-response', `${this.host} answered with an unexpected comment: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
}

/** True when both addresses have the same scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The value of the `Link` header's rel="https://api.w.org/" entry, resolved against the page. */
export function apiRootFromLinkHeader(link: string | null, pageUrl: string): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (!match?.[1] || !match[2]) continue;
    if (!/rel\s*=\s*"?https:\/\/api\.w\.org\/"?/i.test(match[2])) continue;
    try {
      return new URL(match[1], pageUrl).toString();
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Finds a site's REST API root: the discovery `Link` header of its home page, else the two usual
 * places (`/wp-json/`, `/?rest_route=/`) answering WordPress's index. Throws in plain words when
 * the site is down or is not a WordPress site with its REST API on.
 */
export async function discoverApiRoot(siteUrl: string, createHttp: HttpFactory = createHttpClient): Promise<{ siteUrl: string; apiRoot: string }> {
  const host = siteHost(siteUrl);
  const http = createHttp({ baseURL: '', network: 'wordpress', retries: 1 });
  let home: AxiosResponse;
  try {
    home = await http.get(siteUrl, { headers: { Accept: 'text/html,application/json' }, responseType: 'text' });
  } catch (err) {
    const e = explain(err, host, false);
    if (e.kind === 'network') throw e;
    // A home page that answers 404 or 401 may still carry the header; try the usual places below.
    home = { headers: {}, data: '' } as AxiosResponse;
  }
  const finalUrl = (home.request as { res?: { responseUrl?: string } } | undefined)?.res?.responseUrl ?? siteUrl;
  const announced = apiRootFromLinkHeader((home.headers as Record<string, string | undefined>).link ?? null, finalUrl);
  // The password goes wherever the root is: only to the site's own origin, never to another host
  // a page (or whoever altered it) announces.
  const fromHeader = announced !== null && sameOrigin(announced, finalUrl) ? announced : null;
  const base = new URL(finalUrl);
  base.search = '';
  base.hash = '';
  const candidates = [fromHeader, new URL('wp-json/', base.toString().replace(/\/?$/, '/')).toString(), `${base.toString().replace(/\/?$/, '/')}?rest_route=/`].filter(
    (c): c is string => c !== null,
  );
  for (const candidate of candidates) {
    try {
      const res = await http.get(candidate);
      const body = res.data as { namespaces?: unknown } | null;
      if (body && Array.isArray(body.namespaces) && body.namespaces.includes('wp/v2')) {
        return { siteUrl: base.toString().replace(/\/$/, ''), apiRoot: candidate };
      }
    } catch (err) {
      const e = explain(err, host, false);
      if (e.kind === 'network' && e.status === null) throw e;
    }
  }
  throw new ConnectorError(
    'bad-response',
    `No WordPress REST API answers at ${host}: check the address (the site’s home page), and that no security plugin turned the REST API off.`,
  );
}
