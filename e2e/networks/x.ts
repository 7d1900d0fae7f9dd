/**
 * A local, stateful stand-in for the X API v2 (https://docs.x.com/x-api) and X's OAuth 2.0
 * endpoints, for connector tests, integration tests and Playwright specs. It follows the real
 * service where a client can tell the difference:
 *
 * - OAuth 2.0 with PKCE (S256 only) for a public client: `GET /i/oauth2/authorize` approves at once
 *   and redirects to the loopback `redirect_uri` with `code` and `state`; `POST /2/oauth2/token`
 *   exchanges the code (single use, bound to the redirect URI and verifier) and refreshes. Access
 *   tokens last `accessTokenTtlSeconds` (X: 7200); a refresh token is issued only with
 *   `offline.access` and rotates: each refresh returns a new one and the old one is refused, with
 *   X's 400 `invalid_request` "Value passed for the token was invalid." (not `invalid_grant`).
 * - `GET /2/users/:id/mentions`: newest first, `max_results` 5..100 (else 400), `since_id`,
 *   `until_id`, `pagination_token` walking down; at most the 800 most recent mentions; `meta`
 *   `{ result_count, newest_id, oldest_id, next_token }`; `includes.users` and `includes.tweets`
 *   for `expansions=author_id,referenced_tweets.id`. Replies to the account's posts count as
 *   mentions (X adds the @handle of the author answered).
 * - `GET /2/dm_events`: newest first, `max_results` 1..100, `pagination_token`, `event_types`,
 *   only the last 30 days, the account's own messages included; `includes.users` for `sender_id`.
 * - `POST /2/tweets` with `reply.in_reply_to_tweet_id` (the post must exist; 280 characters, a
 *   link counting 23); `POST /2/dm_conversations/:id/messages`; `PUT /2/tweets/:id/hidden` (403
 *   unless the conversation was started by the account); `POST /2/users/:id/muting` and
 *   `DELETE /2/users/:source/muting/:target` (`:id` must be the token's user); `DELETE /2/tweets/:id`
 *   (own posts only). Each endpoint checks its OAuth scopes (403 otherwise).
 * - Rate limits per endpoint and user in 15-minute windows with `x-rate-limit-limit/-remaining/
 *   -reset` (epoch seconds) on every answer, 429 with the same headers once spent.
 * - Errors are RFC 7807 problems (`title`, `detail`, `type`, `status`).
 * - Reads are billed per resource returned (items and expansions): `control.reads` counts them.
 *
 * Controls (tests only, in-process): people, posts, replies, DMs, expiring or revoking tokens,
 * faults (429 / 5xx / hang / malformed), what the account sent, hid and muted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { FaultQueue, answerWithFault, readBody, sendJson, startLocalServer, type Fault, type FaultStyle } from './server-kit';

export interface XUser {
  id: string;
  username: string;
  name: string;
  profile_image_url?: string;
}

export interface XPost {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  conversation_id: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: { type: 'replied_to' | 'quoted' | 'retweeted'; id: string }[];
  edit_history_tweet_ids: string[];
  /** Server state, not on the wire. */
  hidden: boolean;
  deleted: boolean;
}

export interface XDmEvent {
  id: string;
  event_type: 'MessageCreate' | 'ParticipantsJoin' | 'ParticipantsLeave';
  text?: string;
  sender_id: string;
  dm_conversation_id: string;
  created_at: string;
}

export interface XServerOptions {
  /** The public client (X app) the server accepts. */
  clientId?: string;
  /** The connected account. */
  account?: { id?: string; username?: string; name?: string };
  accessTokenTtlSeconds?: number;
  /** Requests per 15-minute window, per endpoint and user. */
  rateLimits?: Partial<Record<RouteName, number>>;
  now?: () => number;
}

type RouteName = 'me' | 'mentions' | 'user_posts' | 'conversation_dms' | 'dm_events' | 'create_post' | 'send_dm' | 'hide' | 'mute' | 'unmute' | 'delete_post';

/** Documented per-user limits (Pro tier) for 15 minutes; tests lower them. */
const DEFAULT_LIMITS: Record<RouteName, number> = {
  me: 75,
  mentions: 300,
  user_posts: 900,
  conversation_dms: 300,
  dm_events: 300,
  create_post: 100,
  send_dm: 200,
  hide: 50,
  mute: 50,
  unmute: 50,
  delete_post: 50,
};

const ROUTE_SCOPES: Record<RouteName, string[]> = {
  me: ['tweet.read', 'users.read'],
  mentions: ['tweet.read', 'users.read'],
  user_posts: ['tweet.read', 'users.read'],
  conversation_dms: ['dm.read', 'tweet.read', 'users.read'],
  dm_events: ['dm.read', 'tweet.read', 'users.read'],
  create_post: ['tweet.read', 'tweet.write', 'users.read'],
  send_dm: ['dm.write', 'tweet.read', 'users.read'],
  hide: ['tweet.moderate.write', 'tweet.read', 'users.read'],
  mute: ['mute.write', 'tweet.read', 'users.read'],
  unmute: ['mute.write', 'tweet.read', 'users.read'],
  delete_post: ['tweet.read', 'tweet.write', 'users.read'],
};

export interface XLoggedRequest {
  /** Arrival, epoch ms. */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  body?: unknown;
}

export interface XControl {
  readonly account: XUser;
  readonly clientId: string;
  /** A person on X. */
  user(spec: { username: string; name: string; id?: string }): XUser;
  /** A post by `author`, optionally answering another post (`inReplyTo`) or quoting one. */
  post(spec: { author: XUser; text: string; inReplyTo?: string; quoting?: string; at?: number }): XPost;
  /** A direct message from `from` to the account (or from the account, `toAccount: false`). */
  dm(spec: { from: XUser; text: string; to?: XUser; at?: number }): XDmEvent;
  /** Edits a post: a new version with a new id, listing the earlier ones. */
  edit(postId: string, text: string): XPost;
  getPost(id: string): XPost | undefined;
  /** Posts the account published (replies from Parvis included), in order. */
  readonly created: XPost[];
  readonly dmsSent: XDmEvent[];
  readonly muted: Set<string>;
  readonly requests: XLoggedRequest[];
  /** Resources returned by reads this month (what X bills). */
  readonly reads: number;
  /** Every access token answers 401 until refreshed. */
  expireAccessTokens(): void;
  /** Every refresh token is refused (the user revoked the app). */
  revokeRefreshTokens(): void;
  /** The next requests suffer these faults (in order). */
  fail(fault: Fault, count?: number): void;
  /** Seeds a signed-in token pair for the account (what a finished sign-in holds). */
  issueTokens(scope?: string): { accessToken: string; refreshToken: string; expiresAt: number };
}

export interface XServer {
  url: string;
  /** Authorization and token endpoints, and the API root, as the descriptor's endpoint keys. */
  endpoints: { api: string; authorize: string; token: string };
  control: XControl;
  close(): Promise<void>;
}

interface Token {
  accessToken: string;
  refreshToken: string | null;
  scope: Set<string>;
  userId: string;
  expiresAt: number;
  expired: boolean;
}

const X_STYLE: FaultStyle = {
  rateLimitHeaders: (resetAt) => ({ 'x-rate-limit-limit': '300', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(resetAt.getTime() / 1000)) }),
  errorBody: (status, message) => problem(status, message),
};

function problem(status: number, detail: string, title = statusTitle(status)): Record<string, unknown> {
  return { title, detail, type: status === 429 || status === 401 ? 'about:blank' : `https://api.x.com/2/problems/${problemType(status)}`, status };
}
function statusTitle(status: number): string {
  return ({ 400: 'Invalid Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found Error', 429: 'Too Many Requests' } as Record<number, string>)[status] ?? 'Internal Server Error';
}
function problemType(status: number): string {
  return ({ 400: 'invalid-request', 403: 'not-authorized-for-resource', 404: 'resource-not-found' } as Record<number, string>)[status] ?? 'internal-error';
}

const s256 = (v: string) => createHash('sha256').update(v, 'ascii').digest('base64url');

function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
  } catch {
    return false;
  }
}

/** X's weighted length: a URL counts 23; code points otherwise (CJK weighting not modelled). */
function weightedLength(text: string): number {
  const withoutUrls = text.replace(/https?:\/\/\S+/g, 'x'.repeat(23));
  return [...withoutUrls].length;
}

const cmp = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

export async function startXServer(options: XServerOptions = {}): Promise<XServer> {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'parvis-local-x-client';
  const ttl = options.accessTokenTtlSeconds ?? 7200;
  const limits = { ...DEFAULT_LIMITS, ...options.rateLimits };
  // Snowflake-like ids: increasing, 19 digits.
  let sequence = 1_860_000_000_000_000_000n;
  const nextId = () => (sequence += 4096n + BigInt(Math.floor(Math.random() * 1000))).toString();

  const users = new Map<string, XUser>();
  const account: XUser = { id: options.account?.id ?? '1500000000000000001', username: options.account?.username ?? 'atelierlumen', name: options.account?.name ?? 'Atelier Lumen' };
  users.set(account.id, account);
  const posts = new Map<string, XPost>();
  const dms: XDmEvent[] = [];
  const created: XPost[] = [];
  const dmsSent: XDmEvent[] = [];
  const muted = new Set<string>();
  const requests: XLoggedRequest[] = [];
  const faults = new FaultQueue();
  const tokens = new Map<string, Token>();
  const refreshTokens = new Map<string, Token>();
  const codes = new Map<string, { redirectUri: string; challenge: string; scope: string; expiresAt: number }>();
  const windows = new Map<string, { used: number; resetAt: number }>();
  let reads = 0;
  let readsMonth = new Date(now()).toISOString().slice(0, 7);

  function issue(userId: string, scope: string): Token {
    const token: Token = {
      accessToken: randomBytes(30).toString('base64url'),
      refreshToken: scope.split(' ').includes('offline.access') ? randomBytes(30).toString('base64url') : null,
      scope: new Set(scope.split(' ').filter(Boolean)),
      userId,
      expiresAt: now() + ttl * 1000,
      expired: false,
    };
    tokens.set(token.accessToken, token);
    if (token.refreshToken) refreshTokens.set(token.refreshToken, token);
    return token;
  }

  function bill(count: number): void {
    const month = new Date(now()).toISOString().slice(0, 7);
    if (month !== readsMonth) {
      readsMonth = month;
      reads = 0;
    }
    reads += count;
  }

  function mentionsOf(userId: string): XPost[] {
    const handle = `@${users.get(userId)?.username ?? ''}`.toLowerCase();
    return [...posts.values()]
      .filter((p) => !p.deleted && p.author_id !== userId && (p.in_reply_to_user_id === userId || p.text.toLowerCase().includes(handle)))
      // An edited post is listed once, in its newest version.
      .filter((p) => p.edit_history_tweet_ids[p.edit_history_tweet_ids.length - 1] === p.id)
      .sort((a, b) => cmp(b.id, a.id))
      .slice(0, 800);
  }

  function wirePost(p: XPost): Record<string, unknown> {
    const { hidden: _hidden, deleted: _deleted, ...wire } = p;
    return wire;
  }

  function includesFor(list: XPost[]): { users: XUser[]; tweets: Record<string, unknown>[] } {
    const userIds = new Set<string>();
    const refs = new Map<string, XPost>();
    for (const p of list) {
      userIds.add(p.author_id);
      for (const r of p.referenced_tweets ?? []) {
        const ref = posts.get(r.id);
        if (ref && !ref.deleted) refs.set(ref.id, ref);
      }
    }
    return { users: [...userIds].flatMap((id) => (users.get(id) ? [users.get(id)!] : [])), tweets: [...refs.values()].map(wirePost) };
  }

  function pageToken(id: string): string {
    // Base32hex-like, at least 16 characters, opaque to the client.
    return Buffer.from(`p:${id}`).toString('hex').padEnd(16, '0');
  }
  function fromPageToken(token: string): string | null {
    try {
      const text = Buffer.from(token.replace(/0+$/, (m) => (m.length % 2 ? '0' : '')), 'hex').toString();
      return /^p:\d{1,19}$/.test(text) ? text.slice(2) : null;
    } catch {
      return null;
    }
  }

  const control: XControl = {
    account,
    clientId,
    user(spec) {
      const user: XUser = { id: spec.id ?? nextId(), username: spec.username, name: spec.name, profile_image_url: `https://pbs.twimg.com/profile_images/${spec.username}.jpg` };
      users.set(user.id, user);
      return user;
    },
    post(spec) {
      const id = nextId();
      const parent = spec.inReplyTo ? posts.get(spec.inReplyTo) : undefined;
      if (spec.inReplyTo && !parent) throw new Error(`no post ${spec.inReplyTo}`);
      const refs: XPost['referenced_tweets'] = [];
      if (parent) refs.push({ type: 'replied_to', id: parent.id });
      if (spec.quoting) refs.push({ type: 'quoted', id: spec.quoting });
      // X prefixes a reply with the @handle of the author answered (hidden by display_text_range).
      const parentAuthor = parent ? users.get(parent.author_id) : undefined;
      const text = parentAuthor && !spec.text.toLowerCase().startsWith(`@${parentAuthor.username.toLowerCase()}`) ? `@${parentAuthor.username} ${spec.text}` : spec.text;
      const post: XPost = {
        id,
        text,
        author_id: spec.author.id,
        created_at: new Date(spec.at ?? now()).toISOString(),
        conversation_id: parent ? parent.conversation_id : id,
        ...(parent ? { in_reply_to_user_id: parent.author_id } : {}),
        ...(refs.length ? { referenced_tweets: refs } : {}),
        edit_history_tweet_ids: [id],
        hidden: false,
        deleted: false,
      };
      posts.set(id, post);
      return post;
    },
    dm(spec) {
      const other = spec.to ?? account;
      const pair = [spec.from.id, other.id].sort(cmp);
      const event: XDmEvent = {
        id: nextId(),
        event_type: 'MessageCreate',
        text: spec.text,
        sender_id: spec.from.id,
        dm_conversation_id: `${pair[0]}-${pair[1]}`,
        created_at: new Date(spec.at ?? now()).toISOString(),
      };
      dms.push(event);
      return event;
    },
    edit(postId, text) {
      const old = posts.get(postId);
      if (!old) throw new Error(`no post ${postId}`);
      const id = nextId();
      const post: XPost = { ...old, id, text, created_at: new Date(now()).toISOString(), edit_history_tweet_ids: [...old.edit_history_tweet_ids, id] };
      posts.set(id, post);
      for (const earlier of old.edit_history_tweet_ids) {
        const version = posts.get(earlier);
        if (version) version.edit_history_tweet_ids = post.edit_history_tweet_ids;
      }
      return post;
    },
    getPost: (id) => posts.get(id),
    created,
    dmsSent,
    muted,
    requests,
    get reads() {
      return reads;
    },
    expireAccessTokens() {
      for (const t of tokens.values()) t.expired = true;
    },
    revokeRefreshTokens() {
      refreshTokens.clear();
    },
    fail(fault, count = 1) {
      faults.add(fault, count);
    },
    issueTokens(scope = 'tweet.read users.read tweet.write dm.read dm.write tweet.moderate.write mute.write offline.access') {
      const t = issue(account.id, scope);
      return { accessToken: t.accessToken, refreshToken: t.refreshToken ?? '', expiresAt: t.expiresAt };
    },
  };

  function rateHeaders(route: RouteName, userId: string): { headers: Record<string, string>; spent: boolean } {
    const key = `${route}:${userId}`;
    let w = windows.get(key);
    if (!w || now() >= w.resetAt) {
      w = { used: 0, resetAt: now() + 15 * 60_000 };
      windows.set(key, w);
    }
    const spent = w.used >= limits[route];
    if (!spent) w.used++;
    return {
      spent,
      headers: {
        'x-rate-limit-limit': String(limits[route]),
        'x-rate-limit-remaining': String(Math.max(0, limits[route] - w.used)),
        'x-rate-limit-reset': String(Math.ceil(w.resetAt / 1000)),
      },
    };
  }

  async function handleAuthorize(res: ServerResponse, url: URL): Promise<void> {
    const p = url.searchParams;
    const redirectUri = p.get('redirect_uri') ?? '';
    // Before the redirect is trusted, errors show on X's page.
    if (p.get('client_id') !== clientId) return sendText(res, 400, 'Something went wrong. You weren’t able to give access to the App.');
    if (!isLoopback(redirectUri)) return sendText(res, 400, 'Something went wrong. The callback URL is not registered for this App.');
    const back = new URL(redirectUri);
    const redirect = (fields: Record<string, string>) => {
      for (const [k, v] of Object.entries(fields)) back.searchParams.set(k, v);
      if (p.get('state') !== null) back.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { Location: back.toString() });
      res.end();
    };
    if (p.get('response_type') !== 'code') return redirect({ error: 'unsupported_response_type' });
    if (!p.get('code_challenge') || p.get('code_challenge_method') !== 'S256') return redirect({ error: 'invalid_request' });
    const scope = p.get('scope') ?? '';
    if (!scope) return redirect({ error: 'invalid_scope' });
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { redirectUri, challenge: p.get('code_challenge')!, scope, expiresAt: now() + 30_000 });
    redirect({ code });
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { form } = await readBody(req);
    const invalid = (description: string) => sendJson(res, 400, { error: 'invalid_request', error_description: description });
    if (form.get('client_id') !== clientId) return sendJson(res, 401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    if (form.get('grant_type') === 'authorization_code') {
      const code = form.get('code') ?? '';
      const entry = codes.get(code);
      codes.delete(code);
      if (!entry || now() > entry.expiresAt) return invalid('Value passed for the authorization code was invalid.');
      if (form.get('redirect_uri') !== entry.redirectUri) return invalid('Value passed for the redirect uri did not match the uri of the authorization code.');
      const verifier = form.get('code_verifier') ?? '';
      if (s256(verifier) !== entry.challenge) return invalid('Value passed for the code verifier did not match the code challenge.');
      const t = issue(account.id, entry.scope);
      return sendJson(res, 200, { token_type: 'bearer', expires_in: ttl, access_token: t.accessToken, scope: entry.scope, ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}) });
    }
    if (form.get('grant_type') === 'refresh_token') {
      const old = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!old) return invalid('Value passed for the token was invalid.');
      // Rotation: the old refresh token and its access token stop working.
      refreshTokens.delete(old.refreshToken!);
      tokens.delete(old.accessToken);
      const scope = [...old.scope].join(' ');
      const t = issue(old.userId, scope);
      return sendJson(res, 200, { token_type: 'bearer', expires_in: ttl, access_token: t.accessToken, scope, refresh_token: t.refreshToken });
    }
    return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type not supported' });
  }

  function route(method: string, path: string): { name: RouteName; params: string[] } | null {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/2/users/me') return { name: 'me', params: [] };
    if (method === 'GET' && (m = /^\/2\/users\/([^/]+)\/mentions$/.exec(path))) return { name: 'mentions', params: [m[1]!] };
    if (method === 'GET' && path === '/2/dm_events') return { name: 'dm_events', params: [] };
    if (method === 'GET' && (m = /^\/2\/users\/([^/]+)\/tweets$/.exec(path))) return { name: 'user_posts', params: [m[1]!] };
    if (method === 'GET' && (m = /^\/2\/dm_conversations\/([^/]+)\/dm_events$/.exec(path))) return { name: 'conversation_dms', params: [m[1]!] };
    if (method === 'POST' && path === '/2/tweets') return { name: 'create_post', params: [] };
    if (method === 'POST' && (m = /^\/2\/dm_conversations\/([^/]+)\/messages$/.exec(path))) return { name: 'send_dm', params: [m[1]!] };
    if (method === 'PUT' && (m = /^\/2\/tweets\/([^/]+)\/hidden$/.exec(path))) return { name: 'hide', params: [m[1]!] };
    if (method === 'POST' && (m = /^\/2\/users\/([^/]+)\/muting$/.exec(path))) return { name: 'mute', params: [m[1]!] };
    if (method === 'DELETE' && (m = /^\/2\/users\/([^/]+)\/muting\/([^/]+)$/.exec(path))) return { name: 'unmute', params: [m[1]!, m[2]!] };
    if (method === 'DELETE' && (m = /^\/2\/tweets\/([^/]+)$/.exec(path))) return { name: 'delete_post', params: [m[1]!] };
    return null;
  }

  function maxResults(q: URLSearchParams, min: number, max: number, fallback: number): number | string {
    const raw = q.get('max_results');
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) return `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`;
    return n;
  }

  const server = await startLocalServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const log: XLoggedRequest = { at: now(), method, path: url.pathname, query: url.searchParams, status: 0 };
    requests.push(log);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      sendJson(res, status, body, headers);
    };

    if (method === 'GET' && url.pathname === '/i/oauth2/authorize') return handleAuthorize(res, url);
    if (method === 'POST' && url.pathname === '/2/oauth2/token') return handleToken(req, res);

    const r = route(method, url.pathname);
    if (!r) return send(404, problem(404, `Sorry, that page does not exist.`));

    const fault = faults.take();
    if (fault) {
      log.status = fault.kind === 'rate-limit' ? 429 : fault.kind === 'server-error' ? fault.status : 200;
      return answerWithFault(res, fault, X_STYLE, now());
    }

    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? tokens.get(bearer) : undefined;
    if (!token || token.expired || now() >= token.expiresAt) return send(401, problem(401, 'Unauthorized'));
    const missing = ROUTE_SCOPES[r.name].filter((s) => !token.scope.has(s));
    if (missing.length) return send(403, { title: 'Forbidden', detail: `Missing scopes: ${missing.join(', ')}`, type: 'about:blank', status: 403 });

    const limit = rateHeaders(r.name, token.userId);
    if (limit.spent) return send(429, problem(429, 'Too Many Requests'), limit.headers);
    const headers = limit.headers;
    const me = users.get(token.userId)!;
    const body = method === 'GET' || method === 'DELETE' ? null : (await readBody(req)).json;
    log.body = body;

    switch (r.name) {
      case 'me':
        bill(1);
        return send(200, { data: me }, headers);
      case 'mentions': {
        const size = maxResults(url.searchParams, 5, 100, 10);
        if (typeof size === 'string') return send(400, { errors: [{ parameters: { max_results: [url.searchParams.get('max_results')] }, message: size }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.x.com/2/problems/invalid-request' }, headers);
        if (!users.has(r.params[0]!)) return send(404, problem(404, `Could not find user with id: [${r.params[0]}].`), headers);
        let list = mentionsOf(r.params[0]!);
        const since = url.searchParams.get('since_id');
        const until = url.searchParams.get('until_id');
        if (since) list = list.filter((p) => cmp(p.id, since) > 0);
        if (until) list = list.filter((p) => cmp(p.id, until) < 0);
        const tokenParam = url.searchParams.get('pagination_token');
        if (tokenParam) {
          const below = fromPageToken(tokenParam);
          if (!below) return send(400, problem(400, 'The `pagination_token` query parameter value is invalid.'), headers);
          list = list.filter((p) => cmp(p.id, below) < 0);
        }
        const page = list.slice(0, size);
        if (page.length === 0) return send(200, { meta: { result_count: 0 } }, headers);
        const includes = includesFor(page);
        bill(page.length + includes.users.length + includes.tweets.length);
        const more = list.length > page.length;
        return send(
          200,
          {
            data: page.map(wirePost),
            includes,
            meta: { result_count: page.length, newest_id: page[0]!.id, oldest_id: page[page.length - 1]!.id, ...(more ? { next_token: pageToken(page[page.length - 1]!.id) } : {}) },
          },
          headers,
        );
      }
      case 'user_posts': {
        // The user's own posts, newest first (replies included), 5..100.
        const size = maxResults(url.searchParams, 5, 100, 10);
        if (typeof size === 'string') return send(400, problem(400, size), headers);
        const list = [...posts.values()].filter((p) => !p.deleted && p.author_id === r.params[0]).sort((a, b) => cmp(b.id, a.id)).slice(0, size);
        if (list.length === 0) return send(200, { meta: { result_count: 0 } }, headers);
        bill(list.length);
        return send(200, { data: list.map(wirePost), meta: { result_count: list.length, newest_id: list[0]!.id, oldest_id: list[list.length - 1]!.id } }, headers);
      }
      case 'conversation_dms': {
        const size = maxResults(url.searchParams, 1, 100, 100);
        if (typeof size === 'string') return send(400, problem(400, size), headers);
        if (!r.params[0]!.split('-').includes(me.id)) return send(403, problem(403, 'You are not a participant of this conversation.'), headers);
        const list = dms.filter((e) => e.dm_conversation_id === r.params[0]).sort((a, b) => cmp(b.id, a.id)).slice(0, size);
        if (list.length === 0) return send(200, { meta: { result_count: 0 } }, headers);
        bill(list.length);
        return send(200, { data: list, meta: { result_count: list.length } }, headers);
      }
      case 'dm_events': {
        const size = maxResults(url.searchParams, 1, 100, 100);
        if (typeof size === 'string') return send(400, problem(400, size), headers);
        const types = (url.searchParams.get('event_types') ?? 'MessageCreate,ParticipantsJoin,ParticipantsLeave').split(',');
        const monthAgo = now() - 30 * 86_400_000;
        let list = dms
          .filter((e) => types.includes(e.event_type) && Date.parse(e.created_at) >= monthAgo)
          .filter((e) => e.dm_conversation_id.split('-').includes(me.id))
          .sort((a, b) => cmp(b.id, a.id));
        const tokenParam = url.searchParams.get('pagination_token');
        if (tokenParam) {
          const below = fromPageToken(tokenParam);
          if (!below) return send(400, problem(400, 'The `pagination_token` query parameter value is invalid.'), headers);
          list = list.filter((e) => cmp(e.id, below) < 0);
        }
        const page = list.slice(0, size);
        if (page.length === 0) return send(200, { meta: { result_count: 0 } }, headers);
        const senders = [...new Set(page.map((e) => e.sender_id))].flatMap((id) => (users.get(id) ? [users.get(id)!] : []));
        bill(page.length + senders.length);
        const more = list.length > page.length;
        return send(200, { data: page, includes: { users: senders }, meta: { result_count: page.length, ...(more ? { next_token: pageToken(page[page.length - 1]!.id) } : {}) } }, headers);
      }
      case 'create_post': {
        const b = (body ?? {}) as { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
        if (typeof b.text !== 'string' || b.text.length === 0) return send(400, problem(400, 'text: must not be empty'), headers);
        if (weightedLength(b.text) > 280) return send(403, problem(403, 'You are not permitted to perform this action.', 'Forbidden'), headers);
        const parentId = b.reply?.in_reply_to_tweet_id;
        let parent: XPost | undefined;
        if (parentId !== undefined) {
          parent = typeof parentId === 'string' ? posts.get(parentId) : undefined;
          if (!parent || parent.deleted) return send(400, problem(400, 'Invalid Request: in_reply_to_tweet_id: the post you are replying to does not exist or was deleted.'), headers);
        }
        const post = control.post({ author: me, text: b.text, ...(parent ? { inReplyTo: parent.id } : {}) });
        created.push(post);
        return send(201, { data: { id: post.id, text: post.text, edit_history_tweet_ids: post.edit_history_tweet_ids } }, headers);
      }
      case 'send_dm': {
        const b = (body ?? {}) as { text?: unknown };
        const conversation = r.params[0]!;
        const members = conversation.split('-');
        if (!members.includes(me.id)) return send(403, problem(403, 'You are not a participant of this conversation.'), headers);
        if (typeof b.text !== 'string' || b.text.length === 0) return send(400, problem(400, 'text: must not be empty'), headers);
        const other = users.get(members.find((m) => m !== me.id) ?? '') ?? me;
        const event = control.dm({ from: me, to: other, text: b.text });
        dmsSent.push(event);
        return send(201, { data: { dm_conversation_id: event.dm_conversation_id, dm_event_id: event.id } }, headers);
      }
      case 'hide': {
        const post = posts.get(r.params[0]!);
        if (!post || post.deleted) return send(404, problem(404, `Could not find tweet with id: [${r.params[0]}].`), headers);
        const root = posts.get(post.conversation_id);
        if (!root || root.author_id !== me.id || post.id === root.id) return send(403, problem(403, 'You can only hide or unhide replies to conversations you authored.'), headers);
        const hidden = (body as { hidden?: unknown } | null)?.hidden;
        if (typeof hidden !== 'boolean') return send(400, problem(400, 'hidden: must be a boolean'), headers);
        post.hidden = hidden;
        return send(200, { data: { hidden } }, headers);
      }
      case 'mute':
      case 'unmute': {
        if (r.params[0] !== me.id) return send(403, problem(403, 'You are not permitted to act for another user.'), headers);
        const target = r.name === 'mute' ? (body as { target_user_id?: unknown } | null)?.target_user_id : r.params[1];
        if (typeof target !== 'string' || !users.has(target)) return send(400, problem(400, 'target_user_id: unknown user'), headers);
        if (r.name === 'mute') muted.add(target);
        else muted.delete(target);
        return send(200, { data: { muting: r.name === 'mute' } }, headers);
      }
      case 'delete_post': {
        const post = posts.get(r.params[0]!);
        if (!post || post.deleted) return send(200, { data: { deleted: false } }, headers);
        if (post.author_id !== me.id) return send(403, problem(403, 'You are not allowed to delete this post.'), headers);
        post.deleted = true;
        return send(200, { data: { deleted: true } }, headers);
      }
    }
  });

  return {
    url: server.url,
    endpoints: { api: server.url, authorize: `${server.url}/i/oauth2/authorize`, token: `${server.url}/2/oauth2/token` },
    control,
    close: () => server.close(),
  };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
