/**
 * A local, stateful stand-in for Reddit's OAuth API (https://www.reddit.com/dev/api and the OAuth2
 * wiki), for connector tests, integration tests and Playwright specs. Where it follows Reddit:
 *
 * - OAuth 2 for installed apps: `GET /api/v1/authorize(.compact)` approves at once and redirects to
 *   the redirect URI (exactly the registered one when `registeredRedirectUri` is set) with `code`
 *   and `state`; `duration=permanent` brings a refresh token. `POST /api/v1/access_token` needs
 *   HTTP Basic auth with the client id and an empty password (401 otherwise); codes are single use
 *   and bound to the redirect URI; a refused refresh token answers 400 `invalid_grant`. Refresh
 *   tokens are not rotated.
 * - A descriptive User-Agent (`<platform>:<app id>:<version> (by /u/<name>)`) is required: a
 *   generic one is throttled with 429, as Reddit does.
 * - Listings `{ kind: 'Listing', data: { children, after, before, dist } }`, newest first, `limit`
 *   1..100 (default 25), `after` / `before` fullnames; things `{ kind, data }`.
 * - `/message/inbox`: comment replies, post replies (t1 with `type`, `context`, `subject`,
 *   `link_title`) and username mentions for comments naming `u/<account>`, and private messages
 *   (t4 with `first_message_name`).
 * - `/r/mod/about/modqueue`: reported and spam-filtered posts and comments of the subreddits the
 *   account moderates, until approved or removed; `/r/{sub}/about/modqueue` answers 403 to others.
 * - `/r/{sub}/comments`: the subreddit's newest comments (removed ones left out); `/user/{name}/comments`
 *   and `/message/sent`: the account's own comments and messages, newest first.
 * - `POST /api/comment` (comment, post or message; a locked thread refuses with THREAD_LOCKED in
 *   `json.errors`), `/api/approve`, `/api/remove` (`spam`), `/api/lock` and `/api/unlock`, `/r/{sub}/api/friend` with
 *   `type=banned`, `ban_reason`, `duration` (1..999 days, absent: permanent): moderators only (403).
 * - `X-Ratelimit-Used/-Remaining/-Reset` (seconds left in the 10-minute window) on every answer
 *   and 429 once spent.
 *
 * Controls (tests only, in-process): subreddits, users, posts, comments, reports, the spam
 * filter, private messages, edits and deletions, expiring and revoking tokens, faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { FaultQueue, answerWithFault, readBody, sendJson, startLocalServer, type Fault, type FaultStyle } from './server-kit';

export interface RedditThing {
  kind: 't1' | 't3' | 't4';
  id: string;
  name: string;
  author: string;
  subreddit?: string;
  created: number;
  /** t1: body; t3: selftext; t4: body. */
  body: string;
  title?: string;
  subject?: string;
  linkId?: string;
  parentId?: string;
  firstMessageName?: string | null;
  dest?: string;
  edited: number | false;
  reports: string[];
  filtered: boolean;
  approved: boolean;
  removed: boolean;
  spam: boolean;
  locked: boolean;
}

export interface RedditBan {
  subreddit: string;
  name: string;
  reason: string;
  duration: number | null;
}

export interface RedditServerOptions {
  clientId?: string;
  account?: string;
  /** When set, the redirect URI must be exactly this (as on Reddit). */
  registeredRedirectUri?: string;
  accessTokenTtlSeconds?: number;
  /** Requests per 10-minute window (Reddit: 100 a minute, averaged over 10 minutes). */
  requestsPerWindow?: number;
  now?: () => number;
}

export interface RedditControl {
  readonly account: string;
  readonly clientId: string;
  subreddit(name: string, spec?: { moderated?: boolean }): void;
  post(spec: { subreddit: string; author: string; title: string; text?: string; at?: number }): RedditThing;
  comment(spec: { parent: string; author: string; text: string; at?: number }): RedditThing;
  message(spec: { from: string; subject: string; text: string; at?: number }): RedditThing;
  report(fullname: string, reason: string): void;
  /** Caught by the spam filter: in the modqueue, not public. */
  filter(fullname: string): void;
  edit(fullname: string, text: string): void;
  /** The author deletes it: `[deleted]` author and body. */
  deleteByAuthor(fullname: string): void;
  get(fullname: string): RedditThing | undefined;
  readonly replies: RedditThing[];
  readonly bans: RedditBan[];
  readonly requests: { at: number; method: string; path: string; status: number; userAgent: string }[];
  expireAccessTokens(): void;
  revokeRefreshTokens(): void;
  fail(fault: Fault, count?: number): void;
  issueTokens(): { accessToken: string; refreshToken: string; expiresAt: number };
}

export interface RedditServer {
  url: string;
  endpoints: { api: string; authorize: string; token: string; redirectPort: string };
  control: RedditControl;
  close(): Promise<void>;
}

const UA = /^\S+:\S+:\S+ \(by \/u\/[\w-]+\)$/;
const WINDOW_MS = 10 * 60_000;

export async function startRedditServer(options: RedditServerOptions = {}): Promise<RedditServer> {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'parvis-local-reddit';
  const account = options.account ?? 'AtelierLumen';
  const ttl = options.accessTokenTtlSeconds ?? 86_400;
  const perWindow = options.requestsPerWindow ?? 1000;
  let counter = 1_000_000;
  const nextId = () => (counter += 1 + Math.floor(Math.random() * 3)).toString(36);

  const subs = new Map<string, { moderated: boolean }>();
  const things = new Map<string, RedditThing>();
  const replies: RedditThing[] = [];
  const bans: RedditBan[] = [];
  const requests: RedditControl['requests'] = [];
  const faults = new FaultQueue();
  const tokens = new Map<string, { expiresAt: number; expired: boolean }>();
  const refreshTokens = new Set<string>();
  const codes = new Map<string, { redirectUri: string; permanent: boolean; scope: string }>();
  let window = { used: 0, resetAt: now() + WINDOW_MS };

  function rateHeaders(): Record<string, string> {
    if (now() >= window.resetAt) window = { used: 0, resetAt: now() + WINDOW_MS };
    return {
      'X-Ratelimit-Used': String(window.used),
      'X-Ratelimit-Remaining': String(Math.max(0, perWindow - window.used)),
      'X-Ratelimit-Reset': String(Math.max(0, Math.ceil((window.resetAt - now()) / 1000))),
    };
  }
  const style: FaultStyle = {
    rateLimitHeaders: (resetAt) => ({ 'X-Ratelimit-Used': String(perWindow), 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': String(Math.max(0, Math.ceil((resetAt.getTime() - now()) / 1000))) }),
    errorBody: (status, message) => ({ message, error: status }),
  };

  function issue(): { accessToken: string; refreshToken: string; expiresAt: number } {
    const accessToken = `${Math.floor(Math.random() * 1e8)}-${randomBytes(20).toString('base64url')}`;
    const refreshToken = `${Math.floor(Math.random() * 1e8)}-${randomBytes(20).toString('base64url')}`;
    tokens.set(accessToken, { expiresAt: now() + ttl * 1000, expired: false });
    refreshTokens.add(refreshToken);
    return { accessToken, refreshToken, expiresAt: now() + ttl * 1000 };
  }

  function add(thing: Omit<RedditThing, 'id' | 'name' | 'edited' | 'reports' | 'filtered' | 'approved' | 'removed' | 'spam' | 'locked'>): RedditThing {
    const id = nextId();
    const full: RedditThing = { ...thing, id, name: `${thing.kind}_${id}`, edited: false, reports: [], filtered: false, approved: false, removed: false, spam: false, locked: false };
    things.set(full.name, full);
    return full;
  }

  function permalinkOf(t: RedditThing): string {
    const post = t.kind === 't3' ? t : things.get(t.linkId ?? '');
    const slug = (post?.title ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 50);
    return t.kind === 't3' ? `/r/${t.subreddit}/comments/${t.id}/${slug}/` : `/r/${t.subreddit}/comments/${post?.id}/${slug}/${t.id}/`;
  }

  function wire(t: RedditThing, forInbox = false): { kind: string; data: Record<string, unknown> } {
    const reports = { num_reports: t.reports.length, user_reports: t.reports.map((r) => [r, 1, false, false]), mod_reports: [] };
    if (t.kind === 't4') {
      return { kind: 't4', data: { id: t.id, name: t.name, author: t.author, dest: t.dest, subject: t.subject, body: t.body, body_html: `<div class="md"><p>${escapeHtml(t.body)}</p></div>`, created: t.created, created_utc: t.created, first_message_name: t.firstMessageName ?? null, first_message: null, parent_id: t.firstMessageName ?? null, context: '', was_comment: false, new: true, type: 'unknown', distinguished: null, subreddit: null } };
    }
    if (t.kind === 't3') {
      return { kind: 't3', data: { id: t.id, name: t.name, author: t.author, title: t.title, selftext: t.body, subreddit: t.subreddit, permalink: permalinkOf(t), url: `https://www.reddit.com${permalinkOf(t)}`, created: t.created, created_utc: t.created, edited: t.edited, locked: t.locked, removed: t.removed, spam: t.spam, approved: t.approved, ...reports } };
    }
    const post = things.get(t.linkId ?? '');
    const parent = things.get(t.parentId ?? '');
    const base = { id: t.id, name: t.name, author: t.author, body: t.body, body_html: `<div class="md"><p>${escapeHtml(t.body)}</p></div>`, subreddit: t.subreddit, created: t.created, created_utc: t.created, parent_id: t.parentId, edited: t.edited };
    if (forInbox) {
      const mention = parent?.author !== account;
      return {
        kind: 't1',
        data: { ...base, context: `${permalinkOf(t)}?context=3`, link_title: post?.title, subject: mention ? 'username mention' : parent?.kind === 't3' ? 'post reply' : 'comment reply', type: mention ? 'username_mention' : parent?.kind === 't3' ? 'post_reply' : 'comment_reply', was_comment: true, new: true, dest: account },
      };
    }
    return { kind: 't1', data: { ...base, link_id: t.linkId, link_title: post?.title, permalink: permalinkOf(t), locked: t.locked, removed: t.removed, spam: t.spam, approved: t.approved, ...reports } };
  }

  function listing(all: { kind: string; data: Record<string, unknown> }[], q: URLSearchParams): unknown {
    const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 25) || 25));
    let start = 0;
    const after = q.get('after');
    const before = q.get('before');
    if (after) start = all.findIndex((c) => c.data.name === after) + 1;
    let items = all.slice(start);
    if (before) {
      const end = all.findIndex((c) => c.data.name === before);
      items = end < 0 ? [] : all.slice(Math.max(0, end - limit), end);
    }
    const page = items.slice(0, limit);
    const more = !before && items.length > page.length;
    return { kind: 'Listing', data: { after: more ? (page[page.length - 1]!.data.name as string) : null, before: null, dist: page.length, modhash: null, geo_filter: '', children: page } };
  }

  const newestFirst = (a: RedditThing, b: RedditThing) => b.created - a.created || parseInt(b.id, 36) - parseInt(a.id, 36);
  const inQueue = (t: RedditThing) => !t.approved && !t.removed && (t.filtered || t.reports.length > 0);

  const control: RedditControl = {
    account,
    clientId,
    subreddit(name, spec = {}) {
      subs.set(name.toLowerCase(), { moderated: spec.moderated ?? true });
    },
    post(spec) {
      return add({ kind: 't3', author: spec.author, subreddit: spec.subreddit, title: spec.title, body: spec.text ?? '', created: (spec.at ?? now()) / 1000 });
    },
    comment(spec) {
      const parent = things.get(spec.parent);
      if (!parent || parent.kind === 't4') throw new Error(`no post or comment ${spec.parent}`);
      const linkId = parent.kind === 't3' ? parent.name : parent.linkId!;
      return add({ kind: 't1', author: spec.author, subreddit: parent.subreddit, body: spec.text, linkId, parentId: parent.name, created: (spec.at ?? now()) / 1000 });
    },
    message(spec) {
      return add({ kind: 't4', author: spec.from, subject: spec.subject, body: spec.text, dest: account, firstMessageName: null, created: (spec.at ?? now()) / 1000 });
    },
    report(fullname, reason) {
      things.get(fullname)!.reports.push(reason);
    },
    filter(fullname) {
      things.get(fullname)!.filtered = true;
    },
    edit(fullname, text) {
      const t = things.get(fullname)!;
      t.body = text;
      t.edited = now() / 1000;
    },
    deleteByAuthor(fullname) {
      const t = things.get(fullname)!;
      t.author = '[deleted]';
      t.body = '[deleted]';
    },
    get: (fullname) => things.get(fullname),
    replies,
    bans,
    requests,
    expireAccessTokens() {
      for (const t of tokens.values()) t.expired = true;
    },
    revokeRefreshTokens() {
      refreshTokens.clear();
    },
    fail(fault, count = 1) {
      faults.add(fault, count);
    },
    issueTokens: issue,
  };

  function moderates(sub: string | undefined): boolean {
    return sub !== undefined && subs.get(sub.toLowerCase())?.moderated === true;
  }

  function inboxThings(): RedditThing[] {
    const mention = new RegExp(`(^|\\W)/?u/${account}\\b`, 'i');
    return [...things.values()]
      .filter((t) => {
        if (t.kind === 't4') return t.dest === account && t.author !== account;
        if (t.kind !== 't1' || t.author === account) return false;
        return things.get(t.parentId ?? '')?.author === account || mention.test(t.body);
      })
      .sort(newestFirst);
  }

  const server = await startLocalServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const log = { at: now(), method, path: url.pathname, status: 0, userAgent: String(req.headers['user-agent'] ?? '') };
    requests.push(log);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      sendJson(res, status, body, headers);
    };

    if (method === 'GET' && /^\/api\/v1\/authorize(\.compact)?$/.test(url.pathname)) {
      const p = url.searchParams;
      const redirectUri = p.get('redirect_uri') ?? '';
      if (p.get('client_id') !== clientId) return send(400, { error: 'invalid client id' });
      if (options.registeredRedirectUri ? redirectUri !== options.registeredRedirectUri : !/^http:\/\/127\.0\.0\.1:\d+\//.test(redirectUri)) return send(400, { error: 'invalid redirect_uri parameter' });
      const back = new URL(redirectUri);
      back.searchParams.set('state', p.get('state') ?? '');
      if (p.get('response_type') !== 'code' || !p.get('scope')) back.searchParams.set('error', 'invalid_request');
      else {
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { redirectUri, permanent: p.get('duration') === 'permanent', scope: p.get('scope')! });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { Location: back.toString() });
      res.end();
      return;
    }
    if (method === 'POST' && url.pathname === '/api/v1/access_token') {
      const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!basic || Buffer.from(basic, 'base64').toString() !== `${clientId}:`) return send(401, { message: 'Unauthorized', error: 401 });
      const { form } = await readBody(req);
      if (form.get('grant_type') === 'authorization_code') {
        const entry = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!entry || entry.redirectUri !== form.get('redirect_uri')) return send(400, { error: 'invalid_grant' });
        const t = issue();
        if (!entry.permanent) refreshTokens.delete(t.refreshToken);
        return send(200, { access_token: t.accessToken, token_type: 'bearer', expires_in: ttl, scope: entry.scope, ...(entry.permanent ? { refresh_token: t.refreshToken } : {}) });
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? '';
        if (!refreshTokens.has(refresh)) return send(400, { error: 'invalid_grant' });
        const t = issue();
        refreshTokens.delete(t.refreshToken);
        return send(200, { access_token: t.accessToken, token_type: 'bearer', expires_in: ttl, scope: '*', refresh_token: refresh });
      }
      return send(400, { error: 'unsupported_grant_type' });
    }

    const fault = faults.take();
    if (fault) {
      log.status = fault.kind === 'rate-limit' ? 429 : fault.kind === 'server-error' ? fault.status : 200;
      return answerWithFault(res, fault, style, now());
    }
    if (!UA.test(log.userAgent)) return send(429, { message: 'Too Many Requests', error: 429 });
    const headers = rateHeaders();
    if (window.used >= perWindow) return send(429, { message: 'Too Many Requests', error: 429 }, headers);
    window.used++;
    const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? tokens.get(bearer) : undefined;
    if (!token || token.expired || now() >= token.expiresAt) return send(401, { message: 'Unauthorized', error: 401 }, { ...headers, 'www-authenticate': 'Bearer realm="reddit", error="invalid_token"' });
    const q = url.searchParams;
    let m: RegExpExecArray | null;

    if (method === 'GET' && url.pathname === '/api/v1/me') return send(200, { id: '1abcd', name: account, icon_img: '', is_mod: true }, headers);
    if (method === 'GET' && url.pathname === '/message/sent') {
      const sent = [...things.values()].filter((t) => t.kind === 't4' && t.author === account).sort(newestFirst);
      return send(200, listing(sent.map((t) => wire(t)), q), headers);
    }
    if (method === 'GET' && (m = /^\/user\/([^/]+)\/comments$/.exec(url.pathname))) {
      const name = m[1]!;
      const mine = [...things.values()].filter((t) => t.kind === 't1' && t.author.toLowerCase() === name.toLowerCase()).sort(newestFirst);
      return send(200, listing(mine.map((t) => wire(t)), q), headers);
    }
    if (method === 'GET' && url.pathname === '/message/inbox') return send(200, listing(inboxThings().map((t) => wire(t, true)), q), headers);
    if (method === 'GET' && (m = /^\/r\/([^/]+)\/about\/modqueue$/.exec(url.pathname))) {
      const sub = m[1]!;
      if (sub !== 'mod' && !moderates(sub)) return send(403, { message: 'Forbidden', error: 403 }, headers);
      const queue = [...things.values()].filter((t) => t.kind !== 't4' && inQueue(t) && (sub === 'mod' ? moderates(t.subreddit) : t.subreddit?.toLowerCase() === sub.toLowerCase())).sort(newestFirst);
      return send(200, listing(queue.map((t) => wire(t)), q), headers);
    }
    if (method === 'GET' && (m = /^\/r\/([^/]+)\/comments$/.exec(url.pathname))) {
      const sub = m[1]!.toLowerCase();
      if (!subs.has(sub)) return send(404, { message: 'Not Found', error: 404 }, headers);
      const list = [...things.values()].filter((t) => t.kind === 't1' && t.subreddit?.toLowerCase() === sub && !t.removed && !t.filtered).sort(newestFirst);
      return send(200, listing(list.map((t) => wire(t)), q), headers);
    }
    if (method === 'POST') {
      const { form } = await readBody(req);
      if (url.pathname === '/api/comment') {
        const parent = things.get(form.get('thing_id') ?? '');
        if (!parent) return send(200, { json: { errors: [['NO_THING_ID', 'that thing does not exist', 'thing_id']] } }, headers);
        const post = parent.kind === 't3' ? parent : things.get(parent.linkId ?? '');
        if (parent.kind !== 't4' && (parent.locked || post?.locked) && !moderates(parent.subreddit)) return send(200, { json: { errors: [['THREAD_LOCKED', 'Comments are locked.', 'parent']] } }, headers);
        const text = form.get('text') ?? '';
        if (!text) return send(200, { json: { errors: [['NO_TEXT', 'we need something here', 'text']] } }, headers);
        const created =
          parent.kind === 't4'
            ? add({ kind: 't4', author: account, subject: `re: ${parent.subject ?? ''}`, body: text, dest: parent.author, firstMessageName: parent.firstMessageName ?? parent.name, created: now() / 1000 })
            : control.comment({ parent: parent.name, author: account, text });
        replies.push(created);
        return send(200, { json: { errors: [], data: { things: [wire(created)] } } }, headers);
      }
      if (['/api/approve', '/api/remove', '/api/lock', '/api/unlock'].includes(url.pathname)) {
        const t = things.get(form.get('id') ?? '');
        if (!t || !moderates(t.subreddit)) return send(403, { message: 'Forbidden', error: 403 }, headers);
        if (url.pathname === '/api/approve') Object.assign(t, { approved: true, removed: false, spam: false, filtered: false, reports: [] });
        else if (url.pathname === '/api/remove') Object.assign(t, { removed: true, approved: false, spam: form.get('spam') === 'true' });
        else t.locked = url.pathname === '/api/lock';
        return send(200, {}, headers);
      }
      if ((m = /^\/r\/([^/]+)\/api\/friend$/.exec(url.pathname))) {
        if (!moderates(m[1])) return send(403, { message: 'Forbidden', error: 403 }, headers);
        if (form.get('type') !== 'banned') return send(200, { json: { errors: [['INVALID_OPTION', 'that option is not valid', 'type']] } }, headers);
        const duration = form.get('duration');
        const days = duration === null || duration === '' ? null : Number(duration);
        if (days !== null && (!Number.isInteger(days) || days < 1 || days > 999)) return send(200, { json: { errors: [['BAD_NUMBER', 'that number isn\'t in the right range (1 to 999)', 'duration']] } }, headers);
        const reason = form.get('ban_reason') ?? '';
        if (reason.length > 100) return send(200, { json: { errors: [['TOO_LONG', 'this is too long (max: 100)', 'ban_reason']] } }, headers);
        bans.push({ subreddit: m[1]!, name: form.get('name') ?? '', reason, duration: days });
        return send(200, { json: { errors: [] } }, headers);
      }
    }
    return send(404, { message: 'Not Found', error: 404 }, headers);
  });

  return {
    url: server.url,
    endpoints: { api: server.url, authorize: `${server.url}/api/v1/authorize.compact`, token: `${server.url}/api/v1/access_token`, redirectPort: '0' },
    control,
    close: () => server.close(),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
