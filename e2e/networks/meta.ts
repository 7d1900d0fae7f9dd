/**
 * A local, stateful stand-in for Meta's Graph API (Facebook Pages, Messenger, Instagram
 * professional accounts) and Facebook Login, for connector tests, integration tests, Playwright
 * specs and the demo. Paths are versioned (`/v21.0/...`; any `vNN.N` up to `latestVersion` is
 * accepted and recorded, a newer one answers code 2500 "Unknown path components" as Meta does),
 * tokens travel as `Authorization: Bearer` or `access_token`, and it follows the real API where a
 * client's behaviour depends on it:
 *
 * - Facebook Login: `/{v}/dialog/oauth` (approves at once and redirects with `code` and `state`;
 *   checks client_id, redirect_uri, PKCE S256 challenge), `/{v}/oauth/access_token` for the code
 *   (client_secret or code_verifier, redirect_uri must match) and for `fb_exchange_token` (a
 *   long-lived user token, 60 days); `/me`, `/me/permissions`, `/me/accounts` (Page tokens and the
 *   linked `instagram_business_account`).
 * - Edges answer `{ data, paging: { cursors: { before, after }, next? } }`; `limit` defaults to 25
 *   and is clamped to 100; `after` is an opaque cursor; `since`/`until` (unix seconds or ISO)
 *   filter on `created_time`/`timestamp`. Page feed and tagged posts are newest first; comments
 *   chronological (`order=reverse_chronological` reverses), `filter=toplevel` by default,
 *   `filter=stream` flattens replies with their `parent`; conversations by `updated_time`, newest
 *   first; IG media newest first, IG comments newest first, replies oldest first.
 * - Fields: only what `fields=` asks for is returned (plus `id`), nested `a{b,c}` and `.limit(n)`.
 * - Writes: comment replies, private replies (`recipient: { comment_id }`, once per comment, within
 *   7 days), Messenger and Instagram Direct sends within the 24-hour window, or 7 days with
 *   `MESSAGE_TAG` + `HUMAN_AGENT`; hide/unhide (`is_hidden` / IG `hide`), delete, ban
 *   (`/{page}/blocked`), IG `comment_enabled` (a media with comments off takes no new comment or
 *   reply, the account's own included: `(#100) Comments are disabled for this media`).
 * - Batch: `POST /` (or `/{v}/`) with `batch=[{ method, relative_url, body }]`, at most 50,
 *   answers `[{ code, headers, body }]` with each body a JSON string; each item counts as a call.
 * - Usage: `X-App-Usage` (percent of the app's hourly budget) on every answer, and
 *   `X-Business-Use-Case-Usage` on Page and Instagram calls; at 100 % the API refuses with code 4
 *   (app), 32 (Page) or 80002 (Instagram) and `estimated_time_to_regain_access` in minutes.
 * - Errors: `{ error: { message, type, code, error_subcode, fbtrace_id } }`: 190 for expired (463)
 *   or invalidated (460) tokens, 200 for a missing permission, 100 for unknown objects, 10 with
 *   subcode 2018278 outside the messaging window.
 *
 * Controls (tests only): add Pages, Instagram accounts, posts, comments, Messenger and Instagram
 * threads, media; age things; expire tokens; revoke permissions; throttle; make one comment
 * malformed; read what the Page sent and did.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { readBody, sendJson, startLocalServer } from './server-kit';

export const META_GRAPH_VERSION = 'v21.0';
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface MetaApp {
  clientId: string;
  clientSecret: string;
}

export interface FbPerson {
  id: string;
  name: string;
}

export interface FbPost {
  id: string;
  pageId: string;
  message: string;
  createdAt: number;
  from: FbPerson;
  /** Where the post shows: the Page's own, a visitor's post on the Page, a post elsewhere tagging it. */
  kind: 'page' | 'visitor' | 'tagged';
}

export interface FbComment {
  id: string;
  postId: string;
  parentId: string | null;
  message: string;
  createdAt: number;
  from: FbPerson;
  isHidden: boolean;
  deleted: boolean;
  /** A test-only breakage: the comment is served without `created_time` and with a numeric `message`. */
  malformed?: boolean;
  privatelyRepliedAt?: number;
}

export interface ThreadMessage {
  id: string;
  text: string;
  createdAt: number;
  fromId: string;
}

export interface Thread {
  id: string;
  pageId: string;
  platform: 'messenger' | 'instagram';
  /** The person (PSID or IGSID) on the other side. */
  user: { id: string; name: string; username?: string };
  messages: ThreadMessage[];
}

export interface IgMediaItem {
  id: string;
  igUserId: string;
  caption: string;
  createdAt: number;
  commentsEnabled: boolean;
  /** Media of someone else that tags the account (`/tags`). */
  ownerUsername: string;
  tagged: boolean;
}

export interface IgCommentItem {
  id: string;
  mediaId: string;
  parentId: string | null;
  text: string;
  createdAt: number;
  from: { id: string; username: string };
  hidden: boolean;
  deleted: boolean;
}

export interface MetaPage {
  id: string;
  name: string;
  accessToken: string;
  igUserId: string | null;
  blocked: Set<string>;
}

export interface IgAccount {
  id: string;
  username: string;
  name: string;
  pageId: string;
}

/** What a client sent, as the server recorded it. */
export interface SentItem {
  kind: 'comment-reply' | 'private-reply' | 'message' | 'ig-reply' | 'ig-mention-reply';
  id: string;
  /** The comment, thread user or media answered. */
  parentId: string;
  text: string;
  pageId: string;
  tag?: string;
  messagingType?: string;
}

export interface RecordedCall {
  method: string;
  path: string;
  version: string;
  query: URLSearchParams;
  batched: boolean;
}

export interface MetaControl {
  app: MetaApp;
  /** The Facebook user who signs in. */
  user: FbPerson;
  /** Permissions the user grants at the consent page (edit before the sign-in to decline some). */
  granted: Set<string>;
  addPage(spec: { name: string; instagram?: { username: string; name?: string } }): { page: MetaPage; instagram: IgAccount | null };
  post(pageId: string, spec: { message: string; from?: FbPerson; kind?: FbPost['kind']; ageMs?: number }): FbPost;
  comment(postId: string, spec: { message: string; from: FbPerson; parentId?: string; ageMs?: number; malformed?: boolean }): FbComment;
  editComment(commentId: string, message: string): void;
  deleteComment(commentId: string): void;
  /** A message from a person to the Page (Messenger) or its Instagram account (Direct). */
  message(pageId: string, spec: { platform?: Thread['platform']; from: { id: string; name: string; username?: string }; text: string; ageMs?: number }): { thread: Thread; message: ThreadMessage };
  media(igUserId: string, spec: { caption: string; ageMs?: number; taggedBy?: string }): IgMediaItem;
  igComment(mediaId: string, spec: { text: string; from: { id: string; username: string }; parentId?: string; ageMs?: number }): IgCommentItem;
  /** Every token now answers 190 (subcode 463, expired). */
  expireTokens(): void;
  /** The user removed a permission in their Facebook settings. */
  revokePermission(permission: string): void;
  /** The app's hourly usage in percent (100 or more: every call refused with code 4). */
  setAppUsage(percent: number): void;
  /** A Page's (or Instagram account's) business use case usage; at 100 the API refuses with the ETA. */
  throttle(objectId: string, minutes: number): void;
  sent: SentItem[];
  calls: RecordedCall[];
  pages: Map<string, MetaPage>;
  posts: Map<string, FbPost>;
  comments: Map<string, FbComment>;
  threads: Map<string, Thread>;
  igAccounts: Map<string, IgAccount>;
  igMedia: Map<string, IgMediaItem>;
  igComments: Map<string, IgCommentItem>;
}

export interface MetaServer {
  url: string;
  /** Endpoints of the descriptors (`api`, `authorize`). */
  endpoints: { api: string; authorize: string };
  control: MetaControl;
  close(): Promise<void>;
}

export interface MetaServerOptions {
  app?: MetaApp;
  /** The newest Graph API version served (default v24.0); a newer one is refused with code 2500. */
  latestVersion?: string;
  now?: () => number;
}

/** `v21.0` → 21.0, for comparing versions. */
const versionNumber = (v: string) => Number(v.slice(1));

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly type = 'OAuthException',
    readonly subcode?: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  body(): unknown {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode !== undefined ? { error_subcode: this.subcode } : {}),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    };
  }
}

/** `a,b{c,d.limit(2)},e` → a tree of requested fields. */
interface FieldSpec {
  name: string;
  limit?: number;
  sub?: FieldSpec[];
}
export function parseFields(text: string): FieldSpec[] {
  const out: FieldSpec[] = [];
  let i = 0;
  const parseList = (): FieldSpec[] => {
    const list: FieldSpec[] = [];
    while (i < text.length) {
      const start = i;
      while (i < text.length && /[\w]/.test(text[i]!)) i++;
      const spec: FieldSpec = { name: text.slice(start, i) };
      if (text.startsWith('.limit(', i)) {
        const close = text.indexOf(')', i);
        spec.limit = Number(text.slice(i + 7, close));
        i = close + 1;
      }
      if (text[i] === '{') {
        i++;
        spec.sub = parseList();
        i++; // }
      }
      if (spec.name) list.push(spec);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') return list;
    }
    return list;
  };
  out.push(...parseList());
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

function parseTime(value: string | null): number | null {
  if (value === null || value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

const encodeCursor = (index: number) => Buffer.from(`idx:${index}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^idx:(\d+)$/.exec(text);
  if (!match) throw new GraphError(400, 100, 'Invalid parameter: cursor', 'OAuthException');
  return Number(match[1]);
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

interface Grant {
  kind: 'user' | 'page';
  /** User id or Page id. */
  subject: string;
  expiresAt: number | null;
  longLived: boolean;
}

export async function startMetaServer(options: MetaServerOptions = {}): Promise<MetaServer> {
  const now = options.now ?? Date.now;
  const app: MetaApp = options.app ?? { clientId: '1234567890123456', clientSecret: 'local-meta-app-secret' };
  const latestVersion = options.latestVersion ?? 'v24.0';
  let seq = 100;
  const id = () => String(++seq * 7919 + 17_000_000_000_000);
  const pages = new Map<string, MetaPage>();
  const posts = new Map<string, FbPost>();
  const comments = new Map<string, FbComment>();
  const threads = new Map<string, Thread>();
  const igAccounts = new Map<string, IgAccount>();
  const igMedia = new Map<string, IgMediaItem>();
  const igComments = new Map<string, IgCommentItem>();
  const grants = new Map<string, Grant>();
  const codes = new Map<string, { redirectUri: string; challenge: string | null; scope: string }>();
  const granted = new Set(['pages_show_list', 'pages_read_engagement', 'pages_read_user_content', 'pages_manage_engagement', 'pages_messaging', 'instagram_basic', 'instagram_manage_comments', 'instagram_manage_messages', 'business_management']);
  const throttled = new Map<string, number>();
  let appUsage = 3;
  const sent: SentItem[] = [];
  const calls: RecordedCall[] = [];
  const user: FbPerson = { id: '10229876543210', name: 'Claire Martin' };

  const issue = (grant: Grant) => {
    const token = `EAA${randomBytes(24).toString('base64url')}`;
    grants.set(token, grant);
    return token;
  };

  const control: MetaControl = {
    app,
    user,
    granted,
    sent,
    calls,
    pages,
    posts,
    comments,
    threads,
    igAccounts,
    igMedia,
    igComments,
    addPage(spec) {
      const page: MetaPage = { id: id(), name: spec.name, accessToken: '', igUserId: null, blocked: new Set() };
      pages.set(page.id, page);
      let instagram: IgAccount | null = null;
      if (spec.instagram) {
        instagram = { id: `1784${id()}`, username: spec.instagram.username, name: spec.instagram.name ?? spec.name, pageId: page.id };
        igAccounts.set(instagram.id, instagram);
        page.igUserId = instagram.id;
      }
      return { page, instagram };
    },
    post(pageId, spec) {
      const page = pages.get(pageId)!;
      const p: FbPost = {
        id: `${pageId}_${id()}`,
        pageId,
        message: spec.message,
        createdAt: now() - (spec.ageMs ?? 0),
        from: spec.from ?? { id: page.id, name: page.name },
        kind: spec.kind ?? 'page',
      };
      posts.set(p.id, p);
      return p;
    },
    comment(postId, spec) {
      const c: FbComment = {
        id: `${postId.split('_')[1]}_${id()}`,
        postId,
        parentId: spec.parentId ?? null,
        message: spec.message,
        createdAt: now() - (spec.ageMs ?? 0),
        from: spec.from,
        isHidden: false,
        deleted: false,
        ...(spec.malformed ? { malformed: true } : {}),
      };
      comments.set(c.id, c);
      return c;
    },
    editComment(commentId, message) {
      comments.get(commentId)!.message = message;
    },
    deleteComment(commentId) {
      comments.get(commentId)!.deleted = true;
    },
    message(pageId, spec) {
      const platform = spec.platform ?? 'messenger';
      let thread = [...threads.values()].find((t) => t.pageId === pageId && t.platform === platform && t.user.id === spec.from.id);
      if (!thread) {
        thread = { id: `t_${id()}`, pageId, platform, user: spec.from, messages: [] };
        threads.set(thread.id, thread);
      }
      const message: ThreadMessage = { id: `m_${randomBytes(12).toString('base64url')}`, text: spec.text, createdAt: now() - (spec.ageMs ?? 0), fromId: spec.from.id };
      thread.messages.push(message);
      return { thread, message };
    },
    media(igUserId, spec) {
      const m: IgMediaItem = {
        id: `1790${id()}`,
        igUserId,
        caption: spec.caption,
        createdAt: now() - (spec.ageMs ?? 0),
        commentsEnabled: true,
        ownerUsername: spec.taggedBy ?? igAccounts.get(igUserId)!.username,
        tagged: spec.taggedBy !== undefined,
      };
      igMedia.set(m.id, m);
      return m;
    },
    igComment(mediaId, spec) {
      // Comments turned off on a media: Instagram takes none, not even the account's own.
      if (igMedia.get(mediaId)?.commentsEnabled === false) throw new GraphError(400, 100, '(#100) Comments are disabled for this media');
      const c: IgCommentItem = {
        id: `1795${id()}`,
        mediaId,
        parentId: spec.parentId ?? null,
        text: spec.text,
        createdAt: now() - (spec.ageMs ?? 0),
        from: spec.from,
        hidden: false,
        deleted: false,
      };
      igComments.set(c.id, c);
      return c;
    },
    expireTokens() {
      for (const grant of grants.values()) grant.expiresAt = now() - 1000;
    },
    revokePermission(permission) {
      granted.delete(permission);
    },
    setAppUsage(percent) {
      appUsage = percent;
    },
    throttle(objectId, minutes) {
      throttled.set(objectId, minutes);
    },
  };

  // ——— helpers ———

  const appUsageHeader = () => JSON.stringify({ call_count: Math.min(100, appUsage), total_cputime: Math.min(100, Math.round(appUsage / 2)), total_time: Math.min(100, Math.round(appUsage / 2)) });

  const bucHeader = (objectId: string) => {
    const minutes = throttled.get(objectId) ?? 0;
    const type = igAccounts.has(objectId) ? 'instagram' : 'pages';
    return JSON.stringify({
      [objectId]: [{ type, call_count: minutes > 0 ? 100 : 4, total_cputime: minutes > 0 ? 100 : 2, total_time: minutes > 0 ? 100 : 2, estimated_time_to_regain_access: minutes }],
    });
  };

  function auth(token: string | null): Grant {
    if (!token) throw new GraphError(400, 2500, 'An active access token must be used to query information about the current user.');
    const grant = grants.get(token);
    if (!grant) throw new GraphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (grant.expiresAt !== null && grant.expiresAt <= now()) {
      throw new GraphError(400, 190, `Error validating access token: Session has expired on ${new Date(grant.expiresAt).toUTCString()}. The current time is ${new Date(now()).toUTCString()}.`, 'OAuthException', 463);
    }
    return grant;
  }

  const need = (permission: string) => {
    if (!granted.has(permission)) throw new GraphError(403, 200, `(#200) Requires ${permission} permission to manage the object`, 'OAuthException');
  };

  /** The Page whose token this is, and that it may act on `pageId`. */
  const pageGrant = (grant: Grant, pageId: string): MetaPage => {
    const page = pages.get(pageId);
    if (!page) throw new GraphError(400, 100, `Unsupported get request. Object with ID '${pageId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
    if (grant.kind !== 'page' || grant.subject !== pageId) throw new GraphError(400, 190, '(#190) This method must be called with a Page Access Token');
    return page;
  };

  const checkThrottle = (objectId: string) => {
    const minutes = throttled.get(objectId) ?? 0;
    if (minutes > 0) {
      if (igAccounts.has(objectId)) throw new GraphError(400, 80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.', 'OAuthException', undefined, { 'X-Business-Use-Case-Usage': bucHeader(objectId) });
      throw new GraphError(400, 32, '(#32) Page request limit reached', 'OAuthException', undefined, { 'X-Business-Use-Case-Usage': bucHeader(objectId) });
    }
  };

  function pick(obj: Record<string, unknown>, fields: FieldSpec[] | undefined, expand: (name: string, spec: FieldSpec) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = { id: obj.id };
    const wanted: FieldSpec[] = fields ?? Object.keys(obj).map((name) => ({ name }));
    for (const f of wanted) {
      if (f.name in obj) {
        const value = obj[f.name];
        if (value !== undefined) out[f.name] = f.sub && value && typeof value === 'object' && !Array.isArray(value) ? pick(value as Record<string, unknown>, f.sub, expand) : value;
      } else {
        const expanded = expand(f.name, f);
        if (expanded !== undefined) out[f.name] = expanded;
      }
    }
    return out;
  }

  function page<T>(items: T[], query: URLSearchParams, base: string, render: (item: T) => unknown): { data: unknown[]; paging?: unknown } {
    const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 25) || 25));
    const start = query.get('after') ? decodeCursor(query.get('after')!) + 1 : 0;
    const slice = items.slice(start, start + limit);
    const data = slice.map(render);
    if (slice.length === 0) return { data };
    const last = start + slice.length - 1;
    const paging: Record<string, unknown> = { cursors: { before: encodeCursor(start), after: encodeCursor(last) } };
    if (last + 1 < items.length) {
      const next = new URLSearchParams(query);
      next.delete('access_token');
      next.set('after', encodeCursor(last));
      paging.next = `${base}?${next.toString()}`;
    }
    return { data, paging };
  }

  const sinceFilter = (query: URLSearchParams) => {
    const since = parseTime(query.get('since'));
    const until = parseTime(query.get('until'));
    return (at: number) => (since === null || at >= since) && (until === null || at <= until);
  };

  // ——— renderers ———

  const fbComment = (c: FbComment, fields: FieldSpec[] | undefined): unknown => {
    if (c.malformed) return { id: c.id, message: 12345, from: c.from };
    const post = posts.get(c.postId)!;
    const pageObj = pages.get(post.pageId)!;
    const base: Record<string, unknown> = {
      id: c.id,
      message: c.message,
      created_time: iso(c.createdAt),
      from: c.from,
      is_hidden: c.isHidden,
      can_hide: c.from.id !== pageObj.id,
      can_remove: true,
      can_reply_privately: c.from.id !== pageObj.id && c.privatelyRepliedAt === undefined && now() - c.createdAt < 7 * DAY,
      permalink_url: `https://www.facebook.com/${post.id}?comment_id=${c.id}`,
      comment_count: [...comments.values()].filter((r) => r.parentId === c.id && !r.deleted).length,
    };
    if (c.parentId) base.parent = { id: c.parentId };
    return pick(base, fields, (name, spec) => {
      if (name === 'object') return { id: c.postId };
      if (name === 'comments') {
        const replies = [...comments.values()].filter((r) => r.parentId === c.id && !r.deleted).sort((a, b) => a.createdAt - b.createdAt);
        return { data: replies.slice(0, spec.limit ?? 25).map((r) => fbComment(r, spec.sub)) };
      }
      return undefined;
    });
  };

  const fbPost = (p: FbPost, fields: FieldSpec[] | undefined): unknown =>
    pick(
      { id: p.id, message: p.message, created_time: iso(p.createdAt), updated_time: iso(p.createdAt), from: p.from, permalink_url: `https://www.facebook.com/${p.id}`, status_type: p.kind === 'page' ? 'mobile_status_update' : 'wall_post' },
      fields,
      () => undefined,
    );

  const threadMessage = (t: Thread, m: ThreadMessage, fields: FieldSpec[] | undefined) => {
    const pageObj = pages.get(t.pageId)!;
    const ig = pageObj.igUserId ? igAccounts.get(pageObj.igUserId) : undefined;
    const ownId = t.platform === 'instagram' ? ig!.id : pageObj.id;
    const own = t.platform === 'instagram' ? { id: ig!.id, username: ig!.username } : { id: pageObj.id, name: pageObj.name, email: `${pageObj.id}@facebook.com` };
    const other = t.platform === 'instagram' ? { id: t.user.id, username: t.user.username ?? t.user.name } : { id: t.user.id, name: t.user.name, email: `${t.user.id}@facebook.com` };
    const fromUser = m.fromId !== ownId;
    return pick({ id: m.id, message: m.text, created_time: iso(m.createdAt), from: fromUser ? other : own, to: { data: [fromUser ? own : other] } }, fields, () => undefined);
  };

  const threadView = (t: Thread, fields: FieldSpec[] | undefined) => {
    const sorted = [...t.messages].sort((a, b) => b.createdAt - a.createdAt);
    const updated = sorted[0]?.createdAt ?? 0;
    const pageObj = pages.get(t.pageId)!;
    return pick(
      {
        id: t.id,
        updated_time: iso(updated),
        message_count: t.messages.length,
        can_reply: true,
        link: `/${pageObj.id}/inbox/${t.id}`,
      },
      fields,
      (name, spec) => {
        if (name === 'participants') {
          const ig = pageObj.igUserId ? igAccounts.get(pageObj.igUserId) : undefined;
          const own = t.platform === 'instagram' ? { id: ig!.id, username: ig!.username } : { id: pageObj.id, name: pageObj.name };
          return { data: [t.platform === 'instagram' ? { id: t.user.id, username: t.user.username ?? t.user.name } : { id: t.user.id, name: t.user.name }, own] };
        }
        if (name === 'messages') {
          // Newest first, as the messages edge answers.
          const limit = spec.limit ?? 25;
          return { data: sorted.slice(0, limit).map((m) => threadMessage(t, m, spec.sub)), ...(sorted.length > limit ? { paging: { cursors: { after: encodeCursor(limit - 1) } } } : {}) };
        }
        return undefined;
      },
    );
  };

  const igCommentView = (c: IgCommentItem, fields: FieldSpec[] | undefined): unknown =>
    pick(
      { id: c.id, text: c.text, timestamp: iso(c.createdAt), username: c.from.username, from: c.from, hidden: c.hidden, like_count: 0, ...(c.parentId ? { parent_id: c.parentId } : {}) },
      fields,
      (name, spec) => {
        if (name === 'media') return { id: c.mediaId };
        if (name === 'replies') {
          const replies = [...igComments.values()].filter((r) => r.parentId === c.id && !r.deleted).sort((a, b) => a.createdAt - b.createdAt);
          return { data: replies.slice(0, spec.limit ?? 50).map((r) => igCommentView(r, spec.sub)) };
        }
        return undefined;
      },
    );

  const igMediaView = (m: IgMediaItem, fields: FieldSpec[] | undefined) =>
    pick(
      {
        id: m.id,
        caption: m.caption,
        timestamp: iso(m.createdAt),
        permalink: `https://www.instagram.com/p/${createHash('sha1').update(m.id).digest('base64url').slice(0, 11)}/`,
        username: m.ownerUsername,
        media_type: 'IMAGE',
        is_comment_enabled: m.commentsEnabled,
        comments_count: [...igComments.values()].filter((c) => c.mediaId === m.id && !c.deleted).length,
      },
      fields,
      () => undefined,
    );

  // ——— routing ———

  async function route(method: string, path: string, query: URLSearchParams, form: URLSearchParams, token: string | null, base: string): Promise<Answer> {
    const parts = path.split('/').filter(Boolean);
    const fields = query.get('fields') ? parseFields(query.get('fields')!) : undefined;
    const headers: Record<string, string> = { 'X-App-Usage': appUsageHeader() };
    if (appUsage >= 100) throw new GraphError(400, 4, '(#4) Application request limit reached', 'OAuthException', undefined, headers);
    const ok = (body: unknown, objectId?: string): Answer => ({ status: 200, body, headers: objectId ? { ...headers, 'X-Business-Use-Case-Usage': bucHeader(objectId) } : headers });

    // /oauth/access_token
    if (parts[0] === 'oauth' && parts[1] === 'access_token') {
      const params = method === 'GET' ? query : form;
      if (params.get('client_id') !== app.clientId) throw new GraphError(400, 101, 'Error validating application. Invalid application ID.');
      if (params.get('grant_type') === 'fb_exchange_token') {
        if (params.get('client_secret') !== app.clientSecret) throw new GraphError(400, 1, 'Error validating client secret.');
        const grant = auth(params.get('fb_exchange_token'));
        const token2 = issue({ ...grant, expiresAt: now() + 60 * DAY, longLived: true });
        return ok({ access_token: token2, token_type: 'bearer', expires_in: 60 * 86_400 });
      }
      const code = codes.get(params.get('code') ?? '');
      if (!code) throw new GraphError(400, 100, 'Invalid verification code format.', 'OAuthException', 36007);
      codes.delete(params.get('code')!);
      if (code.redirectUri !== params.get('redirect_uri')) throw new GraphError(400, 100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 'OAuthException', 36008);
      const verifier = params.get('code_verifier');
      const secretOk = params.get('client_secret') === app.clientSecret;
      const pkceOk = code.challenge !== null && verifier !== null && createHash('sha256').update(verifier).digest('base64url') === code.challenge;
      if (code.challenge !== null && !pkceOk) throw new GraphError(400, 100, 'Invalid code verifier.', 'OAuthException');
      if (!secretOk && !pkceOk) throw new GraphError(400, 1, 'Error validating client secret.');
      const token1 = issue({ kind: 'user', subject: user.id, expiresAt: now() + 2 * HOUR, longLived: false });
      return ok({ access_token: token1, token_type: 'bearer', expires_in: 2 * 3600 });
    }

    const grant = auth(token);

    if (parts[0] === 'me') {
      if (grant.kind !== 'user') throw new GraphError(400, 100, 'Tried accessing nonexisting field (accounts) on node type (Page)');
      if (parts.length === 1) return ok(pick({ id: user.id, name: user.name }, fields, () => undefined));
      if (parts[1] === 'permissions') {
        const all = ['public_profile', 'pages_show_list', 'pages_read_engagement', 'pages_read_user_content', 'pages_manage_engagement', 'pages_messaging', 'instagram_basic', 'instagram_manage_comments', 'instagram_manage_messages', 'business_management'];
        return ok({ data: all.map((permission) => ({ permission, status: permission === 'public_profile' || granted.has(permission) ? 'granted' : 'declined' })) });
      }
      if (parts[1] === 'accounts') {
        need('pages_show_list');
        const list = [...pages.values()];
        return ok(
          page(list, query, `${base}/me/accounts`, (p) => {
            if (!p.accessToken || !grants.has(p.accessToken)) p.accessToken = issue({ kind: 'page', subject: p.id, expiresAt: grant.longLived ? null : grant.expiresAt, longLived: grant.longLived });
            else {
              const g = grants.get(p.accessToken)!;
              if (g.expiresAt !== null && g.expiresAt <= now()) p.accessToken = issue({ kind: 'page', subject: p.id, expiresAt: grant.longLived ? null : grant.expiresAt, longLived: grant.longLived });
            }
            const ig = p.igUserId ? igAccounts.get(p.igUserId) : undefined;
            return pick(
              { id: p.id, name: p.name, access_token: p.accessToken, category: 'Brand', tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
              fields,
              (name, spec) => (name === 'instagram_business_account' && ig ? pick({ id: ig.id, username: ig.username, name: ig.name }, spec.sub, () => undefined) : undefined),
            );
          }),
        );
      }
    }

    const objectId = parts[0]!;
    const edge = parts[1];

    // ——— Page ———
    if (pages.has(objectId)) {
      const p = pageGrant(grant, objectId);
      checkThrottle(p.id);
      if (method === 'GET' && !edge) return ok(pick({ id: p.id, name: p.name }, fields, (name, spec) => (name === 'instagram_business_account' && p.igUserId ? pick({ id: p.igUserId, username: igAccounts.get(p.igUserId)!.username }, spec.sub, () => undefined) : undefined)), p.id);
      if (method === 'GET' && (edge === 'feed' || edge === 'tagged' || edge === 'visitor_posts' || edge === 'published_posts')) {
        need('pages_read_engagement');
        const keep = sinceFilter(query);
        const kinds: FbPost['kind'][] = edge === 'feed' ? ['page', 'visitor'] : edge === 'tagged' ? ['tagged'] : edge === 'visitor_posts' ? ['visitor'] : ['page'];
        const list = [...posts.values()].filter((x) => x.pageId === p.id && kinds.includes(x.kind) && keep(x.createdAt)).sort((a, b) => b.createdAt - a.createdAt);
        return ok(page(list, query, `${base}/${p.id}/${edge}`, (x) => fbPost(x, fields)), p.id);
      }
      if (method === 'GET' && edge === 'conversations') {
        need('pages_messaging');
        const platform = query.get('platform') ?? 'messenger';
        if (platform === 'instagram') need('instagram_manage_messages');
        const list = [...threads.values()]
          .filter((t) => t.pageId === p.id && t.platform === platform)
          .sort((a, b) => Math.max(...b.messages.map((m) => m.createdAt)) - Math.max(...a.messages.map((m) => m.createdAt)));
        return ok(page(list, query, `${base}/${p.id}/conversations`, (t) => threadView(t, fields)), p.id);
      }
      if (method === 'POST' && edge === 'messages') {
        need('pages_messaging');
        return ok(sendMessage(p, form), p.id);
      }
      if (method === 'POST' && edge === 'blocked') {
        need('pages_manage_engagement');
        const users = [form.get('user'), form.get('psid'), form.get('asid'), form.get('uid')].filter((x): x is string => Boolean(x));
        if (users.length === 0) throw new GraphError(400, 100, '(#100) The parameter user is required');
        const result: Record<string, boolean> = {};
        for (const u of users.flatMap((x) => (x.startsWith('[') ? (JSON.parse(x) as string[]) : [x]))) {
          p.blocked.add(u);
          result[u] = true;
        }
        return ok(result, p.id);
      }
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    // ——— Post ———
    const post = posts.get(objectId);
    if (post) {
      const p = pageGrant(grant, post.pageId);
      checkThrottle(p.id);
      if (method === 'GET' && edge === 'comments') {
        need('pages_read_user_content');
        const keep = sinceFilter(query);
        const stream = query.get('filter') === 'stream';
        let list = [...comments.values()].filter((c) => c.postId === post.id && !c.deleted && (stream || c.parentId === null) && keep(c.createdAt)).sort((a, b) => a.createdAt - b.createdAt);
        if (query.get('order') === 'reverse_chronological') list = list.reverse();
        return ok(page(list, query, `${base}/${post.id}/comments`, (c) => fbComment(c, fields)), p.id);
      }
      if (method === 'GET' && !edge) return ok(fbPost(post, fields), p.id);
      if (method === 'POST' && edge === 'comments') {
        need('pages_manage_engagement');
        const reply = control.comment(post.id, { message: form.get('message') ?? '', from: { id: p.id, name: p.name } });
        sent.push({ kind: 'comment-reply', id: reply.id, parentId: post.id, text: reply.message, pageId: p.id });
        return ok({ id: reply.id }, p.id);
      }
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    // ——— Comment ———
    const comment = comments.get(objectId);
    if (comment) {
      const p = pageGrant(grant, posts.get(comment.postId)!.pageId);
      checkThrottle(p.id);
      if (comment.deleted) throw new GraphError(400, 100, `Unsupported get request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
      if (method === 'GET' && !edge) return ok(fbComment(comment, fields), p.id);
      if (method === 'GET' && edge === 'comments') {
        need('pages_read_user_content');
        let list = [...comments.values()].filter((r) => r.parentId === comment.id && !r.deleted).sort((a, b) => a.createdAt - b.createdAt);
        if (query.get('order') === 'reverse_chronological') list = list.reverse();
        return ok(page(list, query, `${base}/${comment.id}/comments`, (r) => fbComment(r, fields)), p.id);
      }
      if (method === 'POST' && edge === 'comments') {
        need('pages_manage_engagement');
        const message = form.get('message') ?? '';
        if (!message) throw new GraphError(400, 100, '(#100) Missing message or attachment');
        // Replies to a reply go to the top-level comment, as on Facebook.
        const parent = comment.parentId ?? comment.id;
        const reply = control.comment(comment.postId, { message, from: { id: p.id, name: p.name }, parentId: parent });
        sent.push({ kind: 'comment-reply', id: reply.id, parentId: comment.id, text: message, pageId: p.id });
        return ok({ id: reply.id }, p.id);
      }
      if (method === 'POST' && !edge) {
        need('pages_manage_engagement');
        const hidden = form.get('is_hidden');
        if (hidden === null) throw new GraphError(400, 100, '(#100) Param is_hidden must be a boolean');
        if (comment.from.id === p.id) throw new GraphError(400, 100, '(#100) A Page cannot hide its own comment');
        comment.isHidden = hidden === 'true';
        return ok({ success: true }, p.id);
      }
      if (method === 'DELETE' && !edge) {
        need('pages_manage_engagement');
        comment.deleted = true;
        return ok({ success: true }, p.id);
      }
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    // ——— Messenger / Instagram Direct thread ———
    const thread = threads.get(objectId);
    if (thread) {
      const p = pageGrant(grant, thread.pageId);
      checkThrottle(p.id);
      need('pages_messaging');
      if (method === 'GET' && !edge) return ok(threadView(thread, fields), p.id);
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    // ——— Instagram user ———
    const ig = igAccounts.get(objectId);
    if (ig) {
      pageGrant(grant, ig.pageId);
      checkThrottle(ig.id);
      need('instagram_basic');
      if (method === 'GET' && !edge) return ok(pick({ id: ig.id, username: ig.username, name: ig.name }, fields, () => undefined), ig.id);
      if (method === 'GET' && (edge === 'media' || edge === 'tags')) {
        const keep = sinceFilter(query);
        const list = [...igMedia.values()].filter((m) => m.igUserId === ig.id && m.tagged === (edge === 'tags') && keep(m.createdAt)).sort((a, b) => b.createdAt - a.createdAt);
        return ok(page(list, query, `${base}/${ig.id}/${edge}`, (m) => igMediaView(m, fields)), ig.id);
      }
      if (method === 'POST' && edge === 'mentions') {
        need('instagram_manage_comments');
        const mediaId = form.get('media_id') ?? '';
        const media = igMedia.get(mediaId);
        if (!media?.tagged) throw new GraphError(400, 100, '(#100) The media is not a mention of this account');
        const reply = control.igComment(mediaId, { text: form.get('message') ?? '', from: { id: ig.id, username: ig.username }, ...(form.get('comment_id') ? { parentId: form.get('comment_id')! } : {}) });
        sent.push({ kind: 'ig-mention-reply', id: reply.id, parentId: form.get('comment_id') ?? mediaId, text: reply.text, pageId: ig.pageId });
        return ok({ id: reply.id }, ig.id);
      }
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    // ——— Instagram media ———
    const media = igMedia.get(objectId);
    if (media) {
      const owner = igAccounts.get(media.igUserId)!;
      pageGrant(grant, owner.pageId);
      checkThrottle(owner.id);
      if (method === 'GET' && edge === 'comments') {
        need('instagram_manage_comments');
        // Newest first, top-level only (replies through `replies`).
        const list = [...igComments.values()].filter((c) => c.mediaId === media.id && c.parentId === null && !c.deleted).sort((a, b) => b.createdAt - a.createdAt);
        return ok(page(list, query, `${base}/${media.id}/comments`, (c) => igCommentView(c, fields)), owner.id);
      }
      if (method === 'GET' && !edge) return ok(igMediaView(media, fields), owner.id);
      if (method === 'POST' && !edge) {
        need('instagram_manage_comments');
        const enabled = form.get('comment_enabled');
        if (enabled === null) throw new GraphError(400, 100, '(#100) Param comment_enabled must be a boolean');
        if (media.tagged) throw new GraphError(400, 10, '(#10) Application does not have permission for this action');
        media.commentsEnabled = enabled === 'true';
        return ok({ success: true }, owner.id);
      }
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    // ——— Instagram comment ———
    const igc = igComments.get(objectId);
    if (igc) {
      const owner = igAccounts.get(igMedia.get(igc.mediaId)!.igUserId)!;
      pageGrant(grant, owner.pageId);
      checkThrottle(owner.id);
      need('instagram_manage_comments');
      if (igc.deleted) throw new GraphError(400, 100, `Unsupported get request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
      if (method === 'GET' && edge === 'replies') {
        const list = [...igComments.values()].filter((c) => c.parentId === igc.id && !c.deleted).sort((a, b) => a.createdAt - b.createdAt);
        return ok(page(list, query, `${base}/${igc.id}/replies`, (c) => igCommentView(c, fields)), owner.id);
      }
      if (method === 'GET' && !edge) return ok(igCommentView(igc, fields), owner.id);
      if (method === 'POST' && edge === 'replies') {
        const message = form.get('message') ?? '';
        if (!message) throw new GraphError(400, 100, '(#100) Param message must be non-empty');
        // Instagram threads are one level deep: a reply to a reply answers its top-level comment.
        const reply = control.igComment(igc.mediaId, { text: message, from: { id: owner.id, username: owner.username }, parentId: igc.parentId ?? igc.id });
        sent.push({ kind: 'ig-reply', id: reply.id, parentId: igc.id, text: message, pageId: owner.pageId });
        return ok({ id: reply.id }, owner.id);
      }
      if (method === 'POST' && !edge) {
        const hide = form.get('hide');
        if (hide === null) throw new GraphError(400, 100, '(#100) Param hide must be a boolean');
        if (igc.from.id === owner.id) throw new GraphError(400, 100, '(#100) You cannot hide your own comment');
        igc.hidden = hide === 'true';
        return ok({ success: true }, owner.id);
      }
      if (method === 'DELETE' && !edge) {
        igc.deleted = true;
        return ok({ success: true }, owner.id);
      }
      throw new GraphError(400, 100, `Unsupported ${method.toLowerCase()} request.`, 'GraphMethodException');
    }

    throw new GraphError(400, 100, `Unsupported get request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
  }

  function sendMessage(p: MetaPage, form: URLSearchParams): unknown {
    const recipient = JSON.parse(form.get('recipient') ?? '{}') as { id?: string; comment_id?: string };
    const message = JSON.parse(form.get('message') ?? '{}') as { text?: string };
    const text = message.text ?? '';
    if (!text) throw new GraphError(400, 100, '(#100) The parameter message is required');
    if (recipient.comment_id) {
      const c = comments.get(recipient.comment_id);
      if (!c || c.deleted) throw new GraphError(400, 100, '(#100) No matching user found', 'OAuthException', 2018001);
      if (c.privatelyRepliedAt !== undefined) throw new GraphError(400, 10900, 'Activity already replied to', 'OAuthException');
      if (now() - c.createdAt > 7 * DAY) throw new GraphError(400, 10, '(#10) This message is sent outside of allowed window.', 'OAuthException', 2018278);
      c.privatelyRepliedAt = now();
      const { thread, message: m } = control.message(p.id, { from: c.from, text: '', ageMs: 0 });
      thread.messages.pop();
      const out: ThreadMessage = { id: m.id, text, createdAt: now(), fromId: p.id };
      thread.messages.push(out);
      sent.push({ kind: 'private-reply', id: out.id, parentId: c.id, text, pageId: p.id });
      return { recipient_id: c.from.id, message_id: out.id };
    }
    const thread = [...threads.values()].find((t) => t.pageId === p.id && t.user.id === recipient.id);
    if (!thread) throw new GraphError(400, 100, '(#100) No matching user found', 'OAuthException', 2018001);
    const ownId = thread.platform === 'instagram' ? p.igUserId! : p.id;
    const lastIn = Math.max(...thread.messages.filter((m) => m.fromId !== ownId).map((m) => m.createdAt));
    const age = now() - lastIn;
    const type = form.get('messaging_type') ?? 'RESPONSE';
    const tag = form.get('tag') ?? undefined;
    const allowed = type === 'MESSAGE_TAG' && tag === 'HUMAN_AGENT' ? 7 * DAY : 24 * HOUR;
    if (!(age <= allowed)) throw new GraphError(400, 10, '(#10) This message is sent outside of allowed window.', 'OAuthException', 2018278);
    const out: ThreadMessage = { id: `m_${randomBytes(12).toString('base64url')}`, text, createdAt: now(), fromId: ownId };
    thread.messages.push(out);
    sent.push({ kind: 'message', id: out.id, parentId: thread.user.id, text, pageId: p.id, messagingType: type, ...(tag ? { tag } : {}) });
    return { recipient_id: thread.user.id, message_id: out.id };
  }

  const tokenOf = (req: IncomingMessage, query: URLSearchParams, form: URLSearchParams) => {
    const header = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return header?.[1]?.trim() ?? query.get('access_token') ?? form.get('access_token');
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const base = `http://${req.headers.host}`;
    const match = /^\/(v\d+\.\d+)(\/.*)?$/.exec(url.pathname);
    const version = match?.[1] ?? '';
    const path = match ? (match[2] ?? '/') : url.pathname;
    // A version newer than Meta serves is read as a path it does not know (code 2500), as Meta does.
    if (match && versionNumber(version) > versionNumber(latestVersion)) {
      sendJson(res, 400, new GraphError(400, 2500, `Unknown path components: /${version}${path === '/' ? '' : path}`).body(), { 'X-App-Usage': appUsageHeader() });
      return;
    }

    // Facebook Login's dialog (www.facebook.com/{v}/dialog/oauth): approves at once for the user.
    if (path === '/dialog/oauth') {
      const q = url.searchParams;
      const redirect = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== app.clientId) {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('Invalid App ID');
        return;
      }
      if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(redirect)) {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('URL blocked: this redirect failed because the redirect URI is not whitelisted');
        return;
      }
      const code = randomBytes(16).toString('base64url');
      const challenge = q.get('code_challenge_method') === 'S256' ? q.get('code_challenge') : null;
      codes.set(code, { redirectUri: redirect, challenge, scope: q.get('scope') ?? '' });
      const back = new URL(redirect);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { Location: back.toString() });
      res.end();
      return;
    }

    const method = (req.method ?? 'GET').toUpperCase();
    const body = method === 'GET' ? { form: new URLSearchParams() } : await readBody(req);
    // `method=` overrides, as the Graph API allows for clients that cannot send DELETE.
    const effective = (url.searchParams.get('method') ?? body.form.get('method') ?? method).toUpperCase();
    const token = tokenOf(req, url.searchParams, body.form);
    try {
      if (path === '/' && effective === 'POST' && body.form.has('batch')) {
        const items = JSON.parse(body.form.get('batch')!) as { method?: string; relative_url: string; body?: string }[];
        if (!Array.isArray(items) || items.length > 50) throw new GraphError(400, 100, '(#100) Too many requests in batch message. Maximum batch size is 50');
        const answers: unknown[] = [];
        for (const item of items) {
          const rel = new URL(`/${item.relative_url.replace(/^\//, '')}`, 'http://local');
          const relMatch = /^\/(v\d+\.\d+)(\/.*)$/.exec(rel.pathname);
          const itemPath = relMatch ? relMatch[2]! : rel.pathname;
          const itemMethod = (item.method ?? 'GET').toUpperCase();
          const itemForm = new URLSearchParams(item.body ?? '');
          calls.push({ method: itemMethod, path: itemPath, version: relMatch?.[1] ?? version, query: rel.searchParams, batched: true });
          try {
            const a = await route(itemMethod, itemPath, rel.searchParams, itemForm, rel.searchParams.get('access_token') ?? token, `${base}/${version}`);
            answers.push({ code: a.status, headers: Object.entries(a.headers).map(([name, value]) => ({ name, value })), body: JSON.stringify(a.body) });
          } catch (err) {
            if (!(err instanceof GraphError)) throw err;
            answers.push({ code: err.status, headers: Object.entries(err.headers).map(([name, value]) => ({ name, value })), body: JSON.stringify(err.body()) });
          }
        }
        sendJson(res, 200, answers, { 'X-App-Usage': appUsageHeader() });
        return;
      }
      calls.push({ method: effective, path, version, query: url.searchParams, batched: false });
      const answer = await route(effective, path, url.searchParams, body.form, token, `${base}/${version}`);
      sendJson(res, answer.status, answer.body, answer.headers);
    } catch (err) {
      if (err instanceof GraphError) {
        sendJson(res, err.status, err.body(), { 'X-App-Usage': appUsageHeader(), ...err.headers, ...(err.code === 190 ? { 'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_token"' } : {}) });
        return;
      }
      throw err;
    }
  }

  const server = await startLocalServer(handle);
  return {
    url: server.url,
    endpoints: { api: server.url, authorize: `${server.url}/${META_GRAPH_VERSION}/dialog/oauth` },
    control,
    close: server.close,
  };
}
