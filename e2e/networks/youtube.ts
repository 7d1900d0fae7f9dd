/**
 * A local, stateful stand-in for the YouTube Data API v3 and Google's OAuth 2 endpoints, for
 * connector tests, Playwright e2e and the demo. It answers in the documented wire shapes (checked
 * against the Discovery document in specs/youtube by youtube.test.ts), pages with opaque
 * `pageToken`s, charges the documented quota units and answers Google's error shape.
 *
 * Choices where the public documentation is silent (keep the connector robust to both ways):
 * - `order=time` sorts threads by the top-level comment's `publishedAt`, newest first; a new reply
 *   does not move its thread up.
 * - A thread carries at most `embeddedReplies` (default 5) replies, the oldest ones;
 *   `comments.list?parentId=` returns the published replies oldest first.
 * - In a `moderationStatus` listing a thread appears when its top-level comment or one of its
 *   replies has that status; `replies` and `totalReplyCount` then count the replies in that status.
 * - Timestamps have second precision, like the real API.
 *
 * Routes: `GET /o/oauth2/v2/auth` (auto-approves), `POST /token`, `GET|POST|DELETE /youtube/v3/...`,
 * and `/__control/...` for tests and the demo (see `handleControl`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import {
  answerWithFault,
  FaultQueue,
  parseFault,
  readBody,
  sendJson,
  startLocalServer,
  type Fault,
  type FaultStyle,
} from './server-kit';

/** The scope Parvis asks for; comments moderation needs it. */
export const YOUTUBE_FORCE_SSL_SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl';
const YOUTUBE_FULL_SCOPE = 'https://www.googleapis.com/auth/youtube';
const YOUTUBE_READONLY_SCOPE = 'https://www.googleapis.com/auth/youtube.readonly';

/** Units per call, from "Quota costs" in the YouTube Data API documentation. */
const QUOTA_COST: Record<string, number> = {
  'channels.list': 1,
  'commentThreads.list': 1,
  'comments.list': 1,
  'comments.insert': 50,
  'comments.setModerationStatus': 50,
  'comments.delete': 50,
  'videos.list': 1,
};

export type ModerationStatus = 'published' | 'heldForReview' | 'likelySpam' | 'rejected';

export interface YouTubeServerOptions {
  /** The channel the signed-in user owns. */
  channel?: { id?: string; title?: string; handle?: string };
  /** The OAuth client the server accepts (any client id when absent). */
  clientId?: string;
  /** Checked at the token endpoint when set (Google's desktop clients have one). */
  clientSecret?: string;
  /** Lifetime of access tokens in seconds; Google's is 3599. */
  accessTokenTtlSeconds?: number;
  /** Daily quota in units; YouTube's default is 10,000. */
  dailyQuota?: number;
  /** How many replies a commentThread embeds at most. */
  embeddedReplies?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  /** Starts with a few videos and comments (for the demo and manual runs). */
  seedDemo?: boolean;
}

/** A comment as the server stores it. */
export interface StoredComment {
  id: string;
  videoId: string | null;
  /** Set for replies: the top-level comment's id. */
  parentId: string | null;
  authorChannelId: string;
  authorDisplayName: string;
  authorProfileImageUrl: string;
  textOriginal: string;
  publishedAt: number;
  updatedAt: number;
  moderationStatus: ModerationStatus;
  likeCount: number;
}

export interface StoredVideo {
  id: string;
  title: string;
  description: string;
  publishedAt: number;
}

/** A commenter, for control input. */
export interface AuthorInput {
  channelId?: string;
  /** Display name; YouTube shows the handle, e.g. "@ada". */
  name?: string;
}

export interface AddThreadInput {
  /** The video commented on; the first video when absent; null for a comment on the channel itself. */
  videoId?: string | null;
  text: string;
  author?: AuthorInput;
  status?: 'published' | 'heldForReview' | 'likelySpam';
  /** Epoch ms or an ISO date; now when absent. */
  publishedAt?: number | string;
  likeCount?: number;
}

export interface AddReplyInput {
  /** The top-level comment (= the thread id). */
  parentId: string;
  text: string;
  author?: AuthorInput;
  status?: 'published' | 'heldForReview' | 'likelySpam';
  publishedAt?: number | string;
}

export interface AddManyInput {
  count: number;
  videoId?: string;
  status?: 'published' | 'heldForReview';
  /** Time of the newest thread (epoch ms or ISO); the others are `stepSeconds` apart, older. */
  newestAt?: number | string;
  stepSeconds?: number;
  /** Replies per thread. */
  replies?: number;
}

/** How an injected malformed thread is broken. */
export type MalformedVariant = 'missing-top-level' | 'bad-date' | 'not-an-object';

export interface ModerationCall {
  ids: string[];
  moderationStatus: string;
  banAuthor: boolean;
  at: number;
}

export interface InsertedReply {
  id: string;
  parentId: string;
  textOriginal: string;
  at: number;
}

/** One API request as received and answered, for assertions and schema checks. */
export interface LoggedRequest {
  /** Discovery method id without the "youtube." prefix, e.g. "comments.insert"; null for unknown routes. */
  method: string | null;
  httpMethod: string;
  path: string;
  query: Record<string, string[]>;
  body: unknown;
  status: number;
  response: unknown;
}

/** Test and demo controls; the same operations are served over HTTP under /__control. */
export interface YouTubeControl {
  readonly channelId: string;
  addVideo(input: { id?: string; title: string; description?: string; publishedAt?: number | string }): StoredVideo;
  addThread(input: AddThreadInput): StoredComment;
  addReply(input: AddReplyInput): StoredComment;
  /** Adds `count` threads for paging tests; returns them newest first. */
  addManyThreads(input: AddManyInput): StoredComment[];
  /** Puts an item that breaks the documented shape into the thread listings; returns its id. */
  addMalformedThread(input?: { variant?: MalformedVariant; status?: 'published' | 'heldForReview'; publishedAt?: number | string }): string;
  /** The next `count` API requests suffer `fault` (429, 5xx, hang, malformed body). */
  fail(fault: Fault, count?: number): void;
  /** Spends the rest of today's quota: every call answers 403 quotaExceeded until midnight Pacific. */
  exhaustQuota(): void;
  quota(): { used: number; limit: number };
  /** Every access token issued so far answers 401 from now on (refresh tokens keep working). */
  expireAccessTokens(): void;
  /** Revokes every refresh token: refreshing answers invalid_grant. */
  revokeRefreshTokens(): void;
  /** Issues a token pair directly, as if the user had signed in (for e2e and the demo). */
  issueTokens(input?: { scope?: string; clientId?: string }): { accessToken: string; refreshToken: string; expiresAt: number };
  /** The next authorization request is denied by the "user" (redirects with error=access_denied). */
  denyNextAuthorization(): void;
  comment(id: string): StoredComment | undefined;
  readonly moderationCalls: readonly ModerationCall[];
  readonly bannedAuthors: readonly string[];
  readonly insertedReplies: readonly InsertedReply[];
  readonly deletedComments: readonly string[];
  readonly requests: readonly LoggedRequest[];
  clearRequests(): void;
}

export interface YouTubeServer {
  /** Base URL: the API root (`${url}/youtube/v3/...`), the OAuth endpoints and /__control. */
  url: string;
  close(): Promise<void>;
  control: YouTubeControl;
}

// ---------------------------------------------------------------------------------------------
// Errors in Google's shape

interface GoogleErrorDetail {
  domain: string;
  reason: string;
  message?: string;
  location?: string;
  locationType?: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Thrown by route handlers; answered as `{ error: { code, message, errors, status } }`. */
class GoogleError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly detail: GoogleErrorDetail,
  ) {
    super(message);
  }

  body(): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, ...this.detail }],
        status: STATUS_NAMES[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

function badParameter(name: string, message = `Invalid value for parameter ${name}.`): GoogleError {
  return new GoogleError(400, message, { domain: 'youtube.parameter', reason: 'invalidParameter', location: name, locationType: 'parameter' });
}

function quotaExceeded(): GoogleError {
  return new GoogleError(
    403,
    'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
    { domain: 'youtube.quota', reason: 'quotaExceeded' },
  );
}

/** How faults look coming from Google, on the server's clock. */
function googleFaultStyle(now: () => number): FaultStyle {
  return {
    rateLimitHeaders: (resetAt) => ({ 'Retry-After': String(Math.max(0, Math.ceil((resetAt.getTime() - now()) / 1000))) }),
    errorBody: (status, message) =>
      new GoogleError(
        status,
        message,
        status === 429 ? { domain: 'usageLimits', reason: 'rateLimitExceeded' } : { domain: 'global', reason: 'backendError' },
      ).body(),
  };
}

// ---------------------------------------------------------------------------------------------
// Small pure pieces

/** RFC 3339 with second precision, like the API ("2026-11-24T10:15:30Z"). */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function parseTime(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return toSeconds(fallback);
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ControlInputError(`not a date: ${String(value)}`);
  return toSeconds(ms);
}

function randomId(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, length);
}

function etagOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The HTML `textDisplay` YouTube derives from a comment's text: escaped, links and line breaks. */
function displayHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\bhttps?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
    .replace(/\r?\n/g, '<br>');
}

/** The date (YYYY-MM-DD) in Pacific time: YouTube's quota day. */
function pacificDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of params) (out[k] ??= []).push(v);
  return out;
}

/** A repeated query parameter: `id=a&id=b` or `id=a,b`. */
/** Code-unit order, the same one `<` uses: page positions compare ids with `<`, so sorting must agree. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function listParam(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

class ControlInputError extends Error {}

const DEMO_COMMENTERS: AuthorInput[] = [
  { name: '@ada.codes' },
  { name: '@grace_h' },
  { name: '@linus.t' },
  { name: '@margaret.h' },
  { name: '@alan_t' },
  { name: '@barbara.l' },
];

// ---------------------------------------------------------------------------------------------
// State

interface MalformedItem {
  id: string;
  status: ModerationStatus;
  publishedAt: number;
  variant: MalformedVariant;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string;
  offline: boolean;
  expiresAt: number;
}

interface AccessToken {
  clientId: string;
  scope: string;
  expiresAt: number;
  forcedExpired: boolean;
}

interface RefreshToken {
  clientId: string;
  scope: string;
  revoked: boolean;
}

/** A thread as one listing sees it (the top-level comment or an injected malformed item). */
type ListedThread = { kind: 'thread'; top: StoredComment; replies: StoredComment[] } | { kind: 'malformed'; item: MalformedItem };

class YouTubeState {
  readonly channel: { id: string; title: string; handle: string; publishedAt: number };
  readonly videos = new Map<string, StoredVideo>();
  readonly comments = new Map<string, StoredComment>();
  readonly malformed: MalformedItem[] = [];
  readonly moderationCalls: ModerationCall[] = [];
  readonly banned = new Set<string>();
  readonly insertedReplies: InsertedReply[] = [];
  readonly deleted: string[] = [];
  readonly requests: LoggedRequest[] = [];
  readonly faults = new FaultQueue();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  denyNextAuthorization = false;
  quotaUsed = 0;
  quotaDay: string;

  constructor(
    readonly opts: Required<Pick<YouTubeServerOptions, 'accessTokenTtlSeconds' | 'dailyQuota' | 'embeddedReplies'>> &
      Pick<YouTubeServerOptions, 'clientId' | 'clientSecret'>,
    channel: YouTubeServerOptions['channel'],
    readonly now: () => number,
  ) {
    const handle = channel?.handle ?? '@parvisdemo';
    this.channel = {
      id: channel?.id ?? `UC${randomId(22)}`,
      title: channel?.title ?? 'Parvis Demo Channel',
      handle: handle.startsWith('@') ? handle : `@${handle}`,
      publishedAt: toSeconds(now() - 400 * 86_400_000),
    };
    this.quotaDay = pacificDay(now());
  }

  /** Top-level comments with their replies, as the listing for `status` sees them. */
  threadsFor(status: ModerationStatus): ListedThread[] {
    const out: ListedThread[] = [];
    for (const c of this.comments.values()) {
      if (c.parentId !== null) continue;
      const allReplies = this.repliesOf(c.id);
      const replies = allReplies.filter((r) => r.moderationStatus === status);
      const include = status === 'published' ? c.moderationStatus === 'published' : c.moderationStatus === status || replies.length > 0;
      if (include) out.push({ kind: 'thread', top: c, replies });
    }
    for (const item of this.malformed) if (item.status === status) out.push({ kind: 'malformed', item });
    return out;
  }

  /** Replies of a top-level comment, oldest first. */
  repliesOf(parentId: string): StoredComment[] {
    return [...this.comments.values()]
      .filter((c) => c.parentId === parentId)
      .sort((a, b) => a.publishedAt - b.publishedAt || compareIds(a.id, b.id));
  }

  author(input: AuthorInput | undefined, index = 0): Pick<StoredComment, 'authorChannelId' | 'authorDisplayName' | 'authorProfileImageUrl'> {
    const fallback = DEMO_COMMENTERS[index % DEMO_COMMENTERS.length] ?? {};
    const name = input?.name ?? fallback.name ?? '@viewer';
    const channelId = input?.channelId ?? `UC${createHash('sha1').update(name).digest('base64url').slice(0, 22)}`;
    return {
      authorChannelId: channelId,
      authorDisplayName: name,
      authorProfileImageUrl: `https://yt3.ggpht.example/${channelId}=s48-c-k-c0x00ffffff-no-rj`,
    };
  }

  /** Comments by banned authors are rejected on arrival, as YouTube does after `banAuthor`. */
  statusOnArrival(authorChannelId: string, requested: ModerationStatus): ModerationStatus {
    return this.banned.has(authorChannelId) ? 'rejected' : requested;
  }

  addVideo(input: { id?: string; title: string; description?: string; publishedAt?: number | string }): StoredVideo {
    if (typeof input.title !== 'string' || !input.title) throw new ControlInputError('title is required');
    const video: StoredVideo = {
      id: input.id ?? randomId(11),
      title: input.title,
      description: input.description ?? '',
      publishedAt: parseTime(input.publishedAt, this.now() - 86_400_000),
    };
    this.videos.set(video.id, video);
    return video;
  }

  defaultVideoId(): string {
    const first = this.videos.keys().next();
    if (!first.done) return first.value;
    return this.addVideo({ title: 'Welcome to the channel' }).id;
  }

  addThread(input: AddThreadInput, authorIndex = this.comments.size): StoredComment {
    if (typeof input.text !== 'string' || !input.text) throw new ControlInputError('text is required');
    const videoId = input.videoId === undefined ? this.defaultVideoId() : input.videoId;
    if (videoId !== null && !this.videos.has(videoId)) throw new ControlInputError(`unknown video ${videoId}`);
    const at = parseTime(input.publishedAt, this.now());
    const author = this.author(input.author, authorIndex);
    const comment: StoredComment = {
      id: `Ug${randomId(22)}4AaABAg`,
      videoId,
      parentId: null,
      ...author,
      textOriginal: input.text,
      publishedAt: at,
      updatedAt: at,
      moderationStatus: this.statusOnArrival(author.authorChannelId, input.status ?? 'published'),
      likeCount: input.likeCount ?? 0,
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  addReply(input: AddReplyInput, authorIndex = this.comments.size): StoredComment {
    if (typeof input.text !== 'string' || !input.text) throw new ControlInputError('text is required');
    const parent = this.comments.get(input.parentId);
    if (!parent || parent.parentId !== null) throw new ControlInputError(`no top-level comment ${input.parentId}`);
    const at = parseTime(input.publishedAt, this.now());
    const author = this.author(input.author, authorIndex);
    const reply: StoredComment = {
      id: `${parent.id}.${randomId(22)}`,
      videoId: parent.videoId,
      parentId: parent.id,
      ...author,
      textOriginal: input.text,
      publishedAt: at,
      updatedAt: at,
      moderationStatus: this.statusOnArrival(author.authorChannelId, input.status ?? 'published'),
      likeCount: 0,
    };
    this.comments.set(reply.id, reply);
    return reply;
  }

  addMany(input: AddManyInput): StoredComment[] {
    const count = Number(input.count);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new ControlInputError('count must be 1..10000');
    const step = (input.stepSeconds ?? 60) * 1000;
    const newest = parseTime(input.newestAt, this.now());
    const out: StoredComment[] = [];
    for (let i = 0; i < count; i++) {
      const at = newest - i * step;
      const thread = this.addThread(
        { videoId: input.videoId, text: `Comment number ${i + 1}`, status: input.status ?? 'published', publishedAt: at },
        i,
      );
      for (let r = 0; r < (input.replies ?? 0); r++) {
        this.addReply({ parentId: thread.id, text: `Reply ${r + 1} to comment ${i + 1}`, publishedAt: at + (r + 1) * 1000 }, i + r + 1);
      }
      out.push(thread);
    }
    return out;
  }

  addMalformed(input: { variant?: MalformedVariant; status?: 'published' | 'heldForReview'; publishedAt?: number | string }): string {
    const variant = input.variant ?? 'missing-top-level';
    if (!['missing-top-level', 'bad-date', 'not-an-object'].includes(variant)) throw new ControlInputError(`unknown variant ${variant}`);
    const item: MalformedItem = {
      id: `Ug${randomId(22)}4AaABAg`,
      status: input.status ?? 'published',
      publishedAt: parseTime(input.publishedAt, this.now()),
      variant,
    };
    this.malformed.push(item);
    return item.id;
  }

  issueTokens(clientId: string, scope: string, offline: boolean): { accessToken: string; refreshToken: string | null; expiresAt: number } {
    const accessToken = `ya29.${randomId(60)}`;
    const expiresAt = this.now() + this.opts.accessTokenTtlSeconds * 1000;
    this.accessTokens.set(accessToken, { clientId, scope, expiresAt, forcedExpired: false });
    let refreshToken: string | null = null;
    if (offline) {
      refreshToken = `1//0${randomId(90)}`;
      this.refreshTokens.set(refreshToken, { clientId, scope, revoked: false });
    }
    return { accessToken, refreshToken, expiresAt };
  }

  /** Resets the quota when the Pacific day changed, then charges or refuses `cost` units. */
  charge(cost: number): void {
    const day = pacificDay(this.now());
    if (day !== this.quotaDay) {
      this.quotaDay = day;
      this.quotaUsed = 0;
    }
    if (this.quotaUsed + cost > this.opts.dailyQuota) throw quotaExceeded();
    this.quotaUsed += cost;
  }

  log(entry: LoggedRequest): void {
    this.requests.push(entry);
    // The demo server may run for hours: keep the log bounded.
    if (this.requests.length > 5000) this.requests.splice(0, this.requests.length - 5000);
  }
}

// ---------------------------------------------------------------------------------------------
// Wire rendering

function commentResource(state: YouTubeState, c: StoredComment, textFormat: string, withStatus: boolean): Record<string, unknown> {
  const snippet: Record<string, unknown> = {
    channelId: state.channel.id,
    textDisplay: textFormat === 'plainText' ? c.textOriginal : displayHtml(c.textOriginal),
    textOriginal: c.textOriginal,
    authorDisplayName: c.authorDisplayName,
    authorProfileImageUrl: c.authorProfileImageUrl,
    authorChannelUrl: `http://www.youtube.com/${c.authorDisplayName.startsWith('@') ? c.authorDisplayName : `channel/${c.authorChannelId}`}`,
    authorChannelId: { value: c.authorChannelId },
    canRate: true,
    viewerRating: 'none',
    likeCount: c.likeCount,
    publishedAt: rfc3339(c.publishedAt),
    updatedAt: rfc3339(c.updatedAt),
  };
  if (c.videoId !== null) snippet.videoId = c.videoId;
  if (c.parentId !== null) snippet.parentId = c.parentId;
  if (withStatus) snippet.moderationStatus = c.moderationStatus;
  const resource = { kind: 'youtube#comment', etag: '', id: c.id, snippet };
  resource.etag = etagOf(resource);
  return resource;
}

function threadResource(
  state: YouTubeState,
  listed: ListedThread,
  parts: Set<string>,
  textFormat: string,
  withStatus: boolean,
): unknown {
  if (listed.kind === 'malformed') return malformedResource(state, listed.item);
  const { top, replies } = listed;
  const resource: Record<string, unknown> = { kind: 'youtube#commentThread', etag: '', id: top.id };
  if (parts.has('snippet')) {
    const snippet: Record<string, unknown> = {
      channelId: state.channel.id,
      topLevelComment: commentResource(state, top, textFormat, withStatus),
      canReply: true,
      totalReplyCount: replies.length,
      isPublic: top.moderationStatus === 'published',
    };
    if (top.videoId !== null) snippet.videoId = top.videoId;
    resource.snippet = snippet;
  }
  if (parts.has('replies') && replies.length > 0) {
    resource.replies = {
      comments: replies.slice(0, state.opts.embeddedReplies).map((r) => commentResource(state, r, textFormat, withStatus)),
    };
  }
  resource.etag = etagOf(resource);
  return resource;
}

function malformedResource(state: YouTubeState, item: MalformedItem): unknown {
  switch (item.variant) {
    case 'not-an-object':
      return `youtube#commentThread ${item.id}`;
    case 'bad-date':
      return {
        kind: 'youtube#commentThread',
        etag: etagOf(item),
        id: item.id,
        snippet: {
          channelId: state.channel.id,
          topLevelComment: {
            kind: 'youtube#comment',
            etag: etagOf(item.id),
            id: item.id,
            snippet: { textDisplay: 'broken', textOriginal: 'broken', authorDisplayName: '@broken', publishedAt: 'yesterday-ish' },
          },
          totalReplyCount: 0,
        },
      };
    case 'missing-top-level':
      return {
        kind: 'youtube#commentThread',
        etag: etagOf(item),
        id: item.id,
        snippet: { channelId: state.channel.id, canReply: true, totalReplyCount: 0, isPublic: true },
      };
  }
}

function channelResource(state: YouTubeState, parts: Set<string>): unknown {
  const c = state.channel;
  const resource: Record<string, unknown> = { kind: 'youtube#channel', etag: '', id: c.id };
  if (parts.has('snippet')) {
    const thumb = (size: number) => ({ url: `https://yt3.ggpht.example/${c.id}=s${size}-c-k-c0x00ffffff-no-rj`, width: size, height: size });
    resource.snippet = {
      title: c.title,
      description: 'Videos about building things in the open.',
      customUrl: c.handle,
      publishedAt: rfc3339(c.publishedAt),
      thumbnails: { default: thumb(88), medium: thumb(240), high: thumb(800) },
      localized: { title: c.title, description: 'Videos about building things in the open.' },
    };
  }
  if (parts.has('contentDetails')) {
    resource.contentDetails = { relatedPlaylists: { likes: '', uploads: `UU${c.id.slice(2)}` } };
  }
  resource.etag = etagOf(resource);
  return resource;
}

function videoResource(state: YouTubeState, v: StoredVideo, parts: Set<string>): unknown {
  const resource: Record<string, unknown> = { kind: 'youtube#video', etag: '', id: v.id };
  if (parts.has('snippet')) {
    const thumb = (w: number, h: number, name: string) => ({ url: `https://i.ytimg.example/vi/${v.id}/${name}.jpg`, width: w, height: h });
    resource.snippet = {
      publishedAt: rfc3339(v.publishedAt),
      channelId: state.channel.id,
      title: v.title,
      description: v.description,
      thumbnails: { default: thumb(120, 90, 'default'), medium: thumb(320, 180, 'mqdefault'), high: thumb(480, 360, 'hqdefault') },
      channelTitle: state.channel.title,
      categoryId: '28',
      liveBroadcastContent: 'none',
      localized: { title: v.title, description: v.description },
    };
  }
  resource.etag = etagOf(resource);
  return resource;
}

function listResponse(kind: string, items: unknown[], nextPageToken: string | null, totalResults = items.length): Record<string, unknown> {
  const body: Record<string, unknown> = { kind, etag: '' };
  if (nextPageToken) body.nextPageToken = nextPageToken;
  body.pageInfo = { totalResults, resultsPerPage: items.length };
  body.items = items;
  body.etag = etagOf(body);
  return body;
}

// ---------------------------------------------------------------------------------------------
// Paging

interface PagePosition {
  /** Signature of the query the token belongs to. */
  sig: string;
  /** Sort key of the last item served: time then id (time order), or an offset (relevance). */
  at?: number;
  id?: string;
  offset?: number;
}

function encodePageToken(pos: PagePosition): string {
  return Buffer.from(JSON.stringify(pos)).toString('base64url');
}

function decodePageToken(token: string | null, sig: string): PagePosition | null {
  if (token === null) return null;
  try {
    const pos = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PagePosition;
    if (pos && typeof pos === 'object' && pos.sig === sig) return pos;
  } catch {
    // fall through: an unreadable token is a bad request
  }
  throw new GoogleError(400, 'The request specifies an invalid page token.', {
    domain: 'youtube.parameter',
    reason: 'invalidPageToken',
    location: 'pageToken',
    locationType: 'parameter',
  });
}

function maxResultsParam(params: URLSearchParams): number {
  const raw = params.get('maxResults');
  if (raw === null) return 20;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 100) {
    throw badParameter('maxResults', `Invalid value '${raw}'. Values must be within the range: [1, 100]`);
  }
  return n;
}

function partsParam(params: URLSearchParams, allowed: readonly string[]): Set<string> {
  const parts = listParam(params, 'part');
  if (parts.length === 0) {
    throw new GoogleError(400, 'Required parameter: part', { domain: 'global', reason: 'required', location: 'part', locationType: 'parameter' });
  }
  for (const p of parts) {
    if (!allowed.includes(p)) {
      throw new GoogleError(400, `'${p}'`, { domain: 'youtube.part', reason: 'unknownPart', location: 'part', locationType: 'parameter' });
    }
  }
  return new Set(parts);
}

function textFormatParam(params: URLSearchParams): string {
  const value = params.get('textFormat') ?? 'html';
  if (value !== 'html' && value !== 'plainText') throw badParameter('textFormat');
  return value;
}

// ---------------------------------------------------------------------------------------------
// API routes

interface ApiRequest {
  httpMethod: string;
  path: string;
  params: URLSearchParams;
  body: unknown;
  token: AccessToken;
}

interface ApiAnswer {
  status: number;
  body?: unknown;
}

/** Discovery method id (without "youtube.") for a route, or null. */
function methodOf(httpMethod: string, path: string): string | null {
  const routes: Record<string, string> = {
    'GET /youtube/v3/channels': 'channels.list',
    'GET /youtube/v3/commentThreads': 'commentThreads.list',
    'GET /youtube/v3/comments': 'comments.list',
    'POST /youtube/v3/comments': 'comments.insert',
    'POST /youtube/v3/comments/setModerationStatus': 'comments.setModerationStatus',
    'DELETE /youtube/v3/comments': 'comments.delete',
    'GET /youtube/v3/videos': 'videos.list',
  };
  return routes[`${httpMethod} ${path}`] ?? null;
}

function requireScope(token: AccessToken, write: boolean): void {
  const scopes = token.scope.split(' ');
  const ok = scopes.includes(YOUTUBE_FORCE_SSL_SCOPE) || scopes.includes(YOUTUBE_FULL_SCOPE) || (!write && scopes.includes(YOUTUBE_READONLY_SCOPE));
  if (!ok) {
    throw new GoogleError(403, 'Request had insufficient authentication scopes.', { domain: 'global', reason: 'insufficientPermissions' });
  }
}

function listChannels(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, false);
  const parts = partsParam(req.params, ['id', 'snippet', 'contentDetails']);
  const ids = listParam(req.params, 'id');
  const mine = req.params.get('mine') === 'true';
  if (!mine && ids.length === 0) {
    throw new GoogleError(400, 'No filter selected. Expected one of: mine, id, forHandle, forUsername.', {
      domain: 'youtube.parameter',
      reason: 'missingRequiredParameter',
    });
  }
  const items = mine || ids.includes(state.channel.id) ? [channelResource(state, parts)] : [];
  return { status: 200, body: listResponse('youtube#channelListResponse', items, null) };
}

function listVideos(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, false);
  const parts = partsParam(req.params, ['id', 'snippet']);
  const ids = listParam(req.params, 'id');
  if (ids.length === 0) {
    throw new GoogleError(400, 'No filter selected. Expected one of: id, chart, myRating.', { domain: 'youtube.parameter', reason: 'missingRequiredParameter' });
  }
  if (ids.length > 50) throw badParameter('id', 'The request specifies too many video IDs (at most 50).');
  const items = ids.flatMap((id) => {
    const v = state.videos.get(id);
    return v ? [videoResource(state, v, parts)] : [];
  });
  return { status: 200, body: listResponse('youtube#videoListResponse', items, null) };
}

function listCommentThreads(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, false);
  const p = req.params;
  const parts = partsParam(p, ['id', 'snippet', 'replies']);
  const filters = ['allThreadsRelatedToChannelId', 'channelId', 'id', 'videoId'].filter((f) => p.has(f));
  if (filters.length !== 1) {
    throw new GoogleError(400, 'Exactly one of allThreadsRelatedToChannelId, channelId, id, videoId must be given.', {
      domain: 'youtube.parameter',
      reason: filters.length === 0 ? 'missingRequiredParameter' : 'incompatibleParameters',
    });
  }
  const textFormat = textFormatParam(p);
  const filter = filters[0] as string;

  if (filter === 'id') {
    for (const incompatible of ['moderationStatus', 'maxResults', 'pageToken', 'order', 'searchTerms']) {
      if (p.has(incompatible)) {
        throw new GoogleError(400, `Incompatible parameters specified in the request: id, ${incompatible}`, {
          domain: 'youtube.parameter',
          reason: 'incompatibleParameters',
        });
      }
    }
    const ids = listParam(p, 'id');
    const byId = new Map(state.threadsFor('published').flatMap((t) => (t.kind === 'thread' ? [[t.top.id, t] as const] : [])));
    const items = ids.flatMap((id) => {
      const t = byId.get(id);
      return t ? [threadResource(state, t, parts, textFormat, false)] : [];
    });
    return { status: 200, body: listResponse('youtube#commentThreadListResponse', items, null) };
  }

  const status = (p.get('moderationStatus') ?? 'published') as ModerationStatus;
  if (!['published', 'heldForReview', 'likelySpam'].includes(status)) throw badParameter('moderationStatus');
  const order = p.get('order') ?? 'time';
  if (order !== 'time' && order !== 'relevance') throw badParameter('order');
  const maxResults = maxResultsParam(p);
  const value = p.get(filter) ?? '';
  const ownChannel = filter !== 'videoId' && value === state.channel.id;
  if (filter === 'videoId' && !state.videos.has(value)) {
    throw new GoogleError(404, 'The video identified by the videoId parameter could not be found.', {
      domain: 'youtube.commentThread',
      reason: 'videoNotFound',
      location: 'videoId',
      locationType: 'parameter',
    });
  }
  if (p.has('moderationStatus') && filter !== 'videoId' && !ownChannel) {
    throw new GoogleError(403, 'The moderationStatus filter needs the channel owner.', { domain: 'youtube.commentThread', reason: 'forbidden' });
  }

  let threads = filter === 'videoId' || ownChannel ? state.threadsFor(status) : [];
  threads = threads.filter((t) => {
    if (t.kind === 'malformed') return true;
    if (filter === 'videoId') return t.top.videoId === value;
    if (filter === 'channelId') return t.top.videoId === null;
    return true;
  });
  const search = p.get('searchTerms')?.toLowerCase();
  if (search) threads = threads.filter((t) => t.kind === 'thread' && t.top.textOriginal.toLowerCase().includes(search));

  const timeOf = (t: ListedThread) => (t.kind === 'thread' ? t.top.publishedAt : t.item.publishedAt);
  const idOf = (t: ListedThread) => (t.kind === 'thread' ? t.top.id : t.item.id);
  const byTime = (a: ListedThread, b: ListedThread) => timeOf(b) - timeOf(a) || compareIds(idOf(b), idOf(a));
  const sig = etagOf(['commentThreads', filter, value, status, order, search ?? '']);
  const pos = decodePageToken(p.get('pageToken'), sig);

  let page: ListedThread[];
  let next: PagePosition | null = null;
  if (order === 'time') {
    threads.sort(byTime);
    const start = pos ? threads.findIndex((t) => timeOf(t) < (pos.at ?? 0) || (timeOf(t) === pos.at && idOf(t) < (pos.id ?? ''))) : 0;
    page = start < 0 ? [] : threads.slice(start, start + maxResults);
    const last = page[page.length - 1];
    if (last && start + maxResults < threads.length) next = { sig, at: timeOf(last), id: idOf(last) };
  } else {
    const likes = (t: ListedThread) => (t.kind === 'thread' ? t.top.likeCount : 0);
    threads.sort((a, b) => likes(b) - likes(a) || byTime(a, b));
    const offset = pos?.offset ?? 0;
    page = threads.slice(offset, offset + maxResults);
    if (offset + maxResults < threads.length) next = { sig, offset: offset + maxResults };
  }
  const withStatus = p.has('moderationStatus');
  const items = page.map((t) => threadResource(state, t, parts, textFormat, withStatus));
  return {
    status: 200,
    body: listResponse('youtube#commentThreadListResponse', items, next ? encodePageToken(next) : null, threads.length),
  };
}

function listComments(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, false);
  const p = req.params;
  partsParam(p, ['id', 'snippet']);
  const textFormat = textFormatParam(p);
  const hasId = p.has('id');
  const hasParent = p.has('parentId');
  if (hasId === hasParent) {
    throw new GoogleError(400, 'Exactly one of id, parentId must be given.', {
      domain: 'youtube.parameter',
      reason: hasId ? 'incompatibleParameters' : 'missingRequiredParameter',
    });
  }
  if (hasId) {
    const items = listParam(p, 'id').flatMap((id) => {
      const c = state.comments.get(id);
      return c && c.moderationStatus !== 'rejected' ? [commentResource(state, c, textFormat, false)] : [];
    });
    return { status: 200, body: listResponse('youtube#commentListResponse', items, null) };
  }
  const parentId = p.get('parentId') ?? '';
  const maxResults = maxResultsParam(p);
  const replies = state.repliesOf(parentId).filter((r) => r.moderationStatus === 'published');
  const sig = etagOf(['comments', parentId]);
  const pos = decodePageToken(p.get('pageToken'), sig);
  const start = pos ? replies.findIndex((r) => r.publishedAt > (pos.at ?? 0) || (r.publishedAt === pos.at && r.id > (pos.id ?? ''))) : 0;
  const page = start < 0 ? [] : replies.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const next = last && start + maxResults < replies.length ? encodePageToken({ sig, at: last.publishedAt, id: last.id }) : null;
  const items = page.map((c) => commentResource(state, c, textFormat, true));
  return { status: 200, body: listResponse('youtube#commentListResponse', items, next, replies.length) };
}

function insertComment(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, true);
  const parts = partsParam(req.params, ['id', 'snippet']);
  if (!parts.has('snippet')) throw badParameter('part', 'comments.insert needs part=snippet.');
  const body = req.body as { snippet?: { parentId?: unknown; textOriginal?: unknown } } | undefined;
  const snippet = body && typeof body === 'object' ? body.snippet : undefined;
  if (!snippet || typeof snippet !== 'object') {
    throw new GoogleError(400, 'The comment resource is missing its snippet.', { domain: 'youtube.comment', reason: 'invalidCommentMetadata' });
  }
  if (typeof snippet.parentId !== 'string' || !snippet.parentId) {
    throw new GoogleError(400, 'No parent ID was specified.', { domain: 'youtube.comment', reason: 'parentIdMissing' });
  }
  if (typeof snippet.textOriginal !== 'string' || !snippet.textOriginal.trim()) {
    throw new GoogleError(400, 'The comment resource must contain the snippet.textOriginal property.', {
      domain: 'youtube.comment',
      reason: 'commentTextRequired',
    });
  }
  if (snippet.textOriginal.length > 10_000) {
    throw new GoogleError(400, 'The comment text is too long.', { domain: 'youtube.comment', reason: 'commentTextTooLong' });
  }
  const parent = state.comments.get(snippet.parentId);
  if (!parent) {
    throw new GoogleError(404, 'The specified parent comment could not be found.', { domain: 'youtube.comment', reason: 'parentCommentNotFound' });
  }
  if (parent.parentId !== null) {
    // YouTube has one level of replies; Parvis always answers the top-level comment.
    throw new GoogleError(400, 'The parent must be a top-level comment.', { domain: 'youtube.comment', reason: 'operationNotSupported' });
  }
  const reply = state.addReply({
    parentId: parent.id,
    text: snippet.textOriginal,
    author: { channelId: state.channel.id, name: state.channel.handle },
  });
  state.insertedReplies.push({ id: reply.id, parentId: parent.id, textOriginal: reply.textOriginal, at: state.now() });
  return { status: 200, body: commentResource(state, reply, 'html', false) };
}

function setModerationStatus(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, true);
  const p = req.params;
  const ids = listParam(p, 'id');
  if (ids.length === 0) {
    throw new GoogleError(400, 'Required parameter: id', { domain: 'global', reason: 'required', location: 'id', locationType: 'parameter' });
  }
  const status = p.get('moderationStatus');
  if (status === null) {
    throw new GoogleError(400, 'Required parameter: moderationStatus', {
      domain: 'global',
      reason: 'required',
      location: 'moderationStatus',
      locationType: 'parameter',
    });
  }
  if (!['heldForReview', 'published', 'rejected'].includes(status)) {
    throw new GoogleError(400, 'The moderation status is not valid.', { domain: 'youtube.comment', reason: 'invalidModerationStatus' });
  }
  const banRaw = p.get('banAuthor') ?? 'false';
  if (banRaw !== 'true' && banRaw !== 'false') throw badParameter('banAuthor');
  const banAuthor = banRaw === 'true';
  if (banAuthor && status !== 'rejected') {
    throw new GoogleError(400, 'The banAuthor parameter can only be used if the moderationStatus parameter value is rejected.', {
      domain: 'youtube.comment',
      reason: 'banWithoutReject',
    });
  }
  const targets = ids.map((id) => {
    const c = state.comments.get(id);
    if (!c) throw new GoogleError(404, `The comment ${id} could not be found.`, { domain: 'youtube.comment', reason: 'commentNotFound' });
    return c;
  });
  for (const c of targets) {
    c.moderationStatus = status as ModerationStatus;
    if (banAuthor) state.banned.add(c.authorChannelId);
  }
  state.moderationCalls.push({ ids, moderationStatus: status, banAuthor, at: state.now() });
  return { status: 204 };
}

function deleteComment(state: YouTubeState, req: ApiRequest): ApiAnswer {
  requireScope(req.token, true);
  const ids = listParam(req.params, 'id');
  if (ids.length !== 1) throw badParameter('id', 'comments.delete takes exactly one id.');
  const id = ids[0] as string;
  const c = state.comments.get(id);
  if (!c) throw new GoogleError(404, 'The comment could not be found.', { domain: 'youtube.comment', reason: 'commentNotFound' });
  if (c.authorChannelId !== state.channel.id) {
    throw new GoogleError(403, 'Only the author of a comment can delete it.', { domain: 'youtube.comment', reason: 'forbidden' });
  }
  state.comments.delete(id);
  if (c.parentId === null) for (const r of state.repliesOf(id)) state.comments.delete(r.id);
  state.deleted.push(id);
  return { status: 204 };
}

const API_HANDLERS: Record<string, (state: YouTubeState, req: ApiRequest) => ApiAnswer> = {
  'channels.list': listChannels,
  'videos.list': listVideos,
  'commentThreads.list': listCommentThreads,
  'comments.list': listComments,
  'comments.insert': insertComment,
  'comments.setModerationStatus': setModerationStatus,
  'comments.delete': deleteComment,
};

async function handleApi(state: YouTubeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const httpMethod = (req.method ?? 'GET').toUpperCase();
  const method = methodOf(httpMethod, url.pathname);
  const body = httpMethod === 'POST' || httpMethod === 'PUT' ? (await readBody(req)).json : undefined;
  const entry: LoggedRequest = { method, httpMethod, path: url.pathname, query: queryRecord(url.searchParams), body, status: 0, response: undefined };
  const answer = (status: number, response?: unknown, headers: Record<string, string> = {}) => {
    entry.status = status;
    entry.response = response;
    state.log(entry);
    if (response === undefined) {
      res.writeHead(status, headers);
      res.end();
    } else {
      sendJson(res, status, response, headers);
    }
  };

  const fault = state.faults.take();
  if (fault) {
    entry.status = fault.kind === 'rate-limit' ? 429 : fault.kind === 'server-error' ? fault.status : fault.kind === 'malformed' ? 200 : 0;
    state.log(entry);
    answerWithFault(res, fault, googleFaultStyle(state.now), state.now());
    return;
  }
  if (!method) {
    const err = new GoogleError(404, `No such method: ${httpMethod} ${url.pathname}`, { domain: 'global', reason: 'notFound' });
    answer(404, err.body());
    return;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ? state.accessTokens.get(bearer) : undefined;
  if (!token || token.forcedExpired || state.now() >= token.expiresAt) {
    const err = new GoogleError(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      { domain: 'global', reason: 'authError', message: 'Invalid Credentials', location: 'Authorization', locationType: 'header' },
    );
    answer(401, err.body(), { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
    return;
  }
  try {
    // Every authenticated call costs its units, invalid ones included, as documented.
    state.charge(QUOTA_COST[method] ?? 1);
    const handler = API_HANDLERS[method];
    if (!handler) throw new GoogleError(404, 'Not implemented here', { domain: 'global', reason: 'notFound' });
    const result = handler(state, { httpMethod, path: url.pathname, params: url.searchParams, body, token });
    answer(result.status, result.body);
  } catch (err) {
    if (err instanceof GoogleError) answer(err.code, err.body());
    else throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// OAuth routes

function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  } catch {
    return false;
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function handleAuthorize(state: YouTubeState, res: ServerResponse, url: URL): void {
  const p = url.searchParams;
  const clientId = p.get('client_id');
  const redirectUri = p.get('redirect_uri');
  // Before the redirect URI is trusted, errors are shown on Google's page, not redirected.
  if (!clientId || (state.opts.clientId && clientId !== state.opts.clientId)) {
    sendText(res, 401, 'Error 401: invalid_client. The OAuth client was not found.');
    return;
  }
  if (!redirectUri || !isLoopbackRedirect(redirectUri)) {
    sendText(res, 400, "Error 400: redirect_uri_mismatch. Desktop clients must redirect to a loopback address.");
    return;
  }
  const back = new URL(redirectUri);
  const state_ = p.get('state');
  const redirectWith = (fields: Record<string, string>) => {
    for (const [k, v] of Object.entries(fields)) back.searchParams.set(k, v);
    if (state_ !== null) back.searchParams.set('state', state_);
    res.writeHead(302, { Location: back.toString() });
    res.end();
  };
  const scope = p.get('scope') ?? '';
  const challenge = p.get('code_challenge');
  const challengeMethod = p.get('code_challenge_method') ?? 'plain';
  if (p.get('response_type') !== 'code') return redirectWith({ error: 'unsupported_response_type' });
  if (!scope) return redirectWith({ error: 'invalid_scope', error_description: 'Missing required parameter: scope' });
  if (!challenge || challengeMethod !== 'S256') {
    return redirectWith({ error: 'invalid_request', error_description: 'PKCE with code_challenge_method=S256 is required' });
  }
  if (state.denyNextAuthorization) {
    state.denyNextAuthorization = false;
    return redirectWith({ error: 'access_denied' });
  }
  const code = `4/0${randomId(60)}`;
  state.codes.set(code, {
    clientId,
    redirectUri,
    scope,
    codeChallenge: challenge,
    codeChallengeMethod: challengeMethod,
    offline: p.get('access_type') === 'offline',
    expiresAt: state.now() + 10 * 60_000,
  });
  redirectWith({ code, scope });
}

async function handleToken(state: YouTubeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { form } = await readBody(req);
  const oauthError = (status: number, error: string, description: string) =>
    sendJson(res, status, { error, error_description: description }, { 'Cache-Control': 'no-store' });
  const clientId = form.get('client_id');
  if (!clientId || (state.opts.clientId && clientId !== state.opts.clientId)) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (state.opts.clientSecret && form.get('client_secret') !== state.opts.clientSecret) {
    return oauthError(401, 'invalid_client', 'Unauthorized');
  }
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = form.get('code') ?? '';
    const entry = state.codes.get(code);
    // A code is single use, whatever happens next.
    state.codes.delete(code);
    if (!entry || entry.clientId !== clientId || state.now() >= entry.expiresAt) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    if (form.get('redirect_uri') !== entry.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    const verifier = form.get('code_verifier');
    if (!verifier) return oauthError(400, 'invalid_request', 'Missing code verifier.');
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || s256(verifier) !== entry.codeChallenge) {
      return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    const issued = state.issueTokens(clientId, entry.scope, entry.offline);
    const body: Record<string, unknown> = {
      access_token: issued.accessToken,
      expires_in: state.opts.accessTokenTtlSeconds,
      scope: entry.scope,
      token_type: 'Bearer',
    };
    if (issued.refreshToken) body.refresh_token = issued.refreshToken;
    sendJson(res, 200, body, { 'Cache-Control': 'no-store' });
    return;
  }
  if (grantType === 'refresh_token') {
    const refresh = state.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!refresh || refresh.revoked || refresh.clientId !== clientId) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    // Google keeps the refresh token: the answer carries a new access token only.
    const issued = state.issueTokens(clientId, refresh.scope, false);
    sendJson(
      res,
      200,
      { access_token: issued.accessToken, expires_in: state.opts.accessTokenTtlSeconds, scope: refresh.scope, token_type: 'Bearer' },
      { 'Cache-Control': 'no-store' },
    );
    return;
  }
  oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
}

// ---------------------------------------------------------------------------------------------
// Control

function controlState(state: YouTubeState): unknown {
  return {
    channel: state.channel,
    videos: [...state.videos.values()],
    comments: [...state.comments.values()],
    moderationCalls: state.moderationCalls,
    bannedAuthors: [...state.banned],
    insertedReplies: state.insertedReplies,
    deletedComments: state.deleted,
    quota: { used: state.quotaUsed, limit: state.opts.dailyQuota },
    pendingFaults: state.faults.pending,
    requestCount: state.requests.length,
  };
}

/**
 * The HTTP face of `YouTubeControl`:
 * - GET  /__control/state
 * - POST /__control/videos            { title, id?, description?, publishedAt? }
 * - POST /__control/threads           AddThreadInput
 * - POST /__control/replies           AddReplyInput
 * - POST /__control/threads/bulk      AddManyInput
 * - POST /__control/threads/malformed { variant?, status?, publishedAt? }
 * - POST /__control/faults            { kind: rate-limit|server-error|hang|malformed, count?, status?, resetInSeconds? }
 * - POST /__control/quota/exhaust
 * - POST /__control/tokens            { scope? } → a signed-in token pair
 * - POST /__control/tokens/expire
 * - POST /__control/tokens/revoke-refresh
 * - POST /__control/authorization/deny-next
 */
async function handleControl(state: YouTubeState, control: YouTubeControl, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
  if (route === 'GET /__control/state') return sendJson(res, 200, controlState(state));
  const input = (await readBody(req)).json ?? {};
  const obj = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  try {
    switch (route) {
      case 'POST /__control/videos':
        return sendJson(res, 201, control.addVideo(obj as unknown as Parameters<YouTubeControl['addVideo']>[0]));
      case 'POST /__control/threads':
        return sendJson(res, 201, control.addThread(obj as unknown as AddThreadInput));
      case 'POST /__control/replies':
        return sendJson(res, 201, control.addReply(obj as unknown as AddReplyInput));
      case 'POST /__control/threads/bulk':
        return sendJson(res, 201, { ids: control.addManyThreads(obj as unknown as AddManyInput).map((c) => c.id) });
      case 'POST /__control/threads/malformed':
        return sendJson(res, 201, { id: control.addMalformedThread(obj as Parameters<YouTubeControl['addMalformedThread']>[0]) });
      case 'POST /__control/faults': {
        const parsed = parseFault(obj);
        if ('error' in parsed) return sendJson(res, 400, { error: parsed.error });
        control.fail(parsed.fault, parsed.count);
        return sendJson(res, 200, { pending: state.faults.pending });
      }
      case 'POST /__control/quota/exhaust':
        control.exhaustQuota();
        return sendJson(res, 200, control.quota());
      case 'POST /__control/tokens':
        return sendJson(res, 201, control.issueTokens({ scope: typeof obj.scope === 'string' ? obj.scope : undefined }));
      case 'POST /__control/tokens/expire':
        control.expireAccessTokens();
        return sendJson(res, 200, { ok: true });
      case 'POST /__control/tokens/revoke-refresh':
        control.revokeRefreshTokens();
        return sendJson(res, 200, { ok: true });
      case 'POST /__control/authorization/deny-next':
        control.denyNextAuthorization();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: `unknown control route ${route}` });
    }
  } catch (err) {
    if (err instanceof ControlInputError) return sendJson(res, 400, { error: err.message });
    throw err;
  }
}

function seedDemo(control: YouTubeControl, now: number): void {
  const hour = 3_600_000;
  const launch = control.addVideo({ title: 'We rebuilt our app in 30 days', publishedAt: now - 72 * hour });
  const tutorial = control.addVideo({ title: 'Keyboard shortcuts every community manager needs', publishedAt: now - 30 * hour });
  const q = control.addThread({ videoId: launch.id, text: 'Which database did you pick in the end? SQLite?', publishedAt: now - 20 * hour, likeCount: 12 });
  control.addReply({ parentId: q.id, text: 'Same question here, the video cuts right before it', publishedAt: now - 19 * hour });
  control.addThread({ videoId: launch.id, text: 'Loved the part about offline mode 👏', publishedAt: now - 9 * hour, likeCount: 4 });
  control.addThread({ videoId: tutorial.id, text: 'Is there a cheat sheet? https://example.com would be a good place', publishedAt: now - 5 * hour });
  control.addThread({ videoId: tutorial.id, text: 'FREE GIFT CARDS at my channel!!!', status: 'heldForReview', publishedAt: now - 2 * hour, author: { name: '@totally.legit' } });
  control.addThread({ videoId: tutorial.id, text: 'Could you do one for Vim users?', status: 'heldForReview', publishedAt: now - 40 * 60_000 });
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startYouTubeServer(opts: YouTubeServerOptions = {}): Promise<YouTubeServer> {
  const now = opts.now ?? Date.now;
  const state = new YouTubeState(
    {
      accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3599,
      dailyQuota: opts.dailyQuota ?? 10_000,
      embeddedReplies: opts.embeddedReplies ?? 5,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
    },
    opts.channel,
    now,
  );

  const control: YouTubeControl = {
    channelId: state.channel.id,
    addVideo: (input) => state.addVideo(input),
    addThread: (input) => state.addThread(input),
    addReply: (input) => state.addReply(input),
    addManyThreads: (input) => state.addMany(input),
    addMalformedThread: (input = {}) => state.addMalformed(input),
    fail: (fault, count = 1) => state.faults.add(fault, count),
    exhaustQuota: () => {
      state.charge(0);
      state.quotaUsed = state.opts.dailyQuota;
    },
    quota: () => ({ used: state.quotaUsed, limit: state.opts.dailyQuota }),
    expireAccessTokens: () => {
      for (const t of state.accessTokens.values()) t.forcedExpired = true;
    },
    revokeRefreshTokens: () => {
      for (const t of state.refreshTokens.values()) t.revoked = true;
    },
    issueTokens: (input = {}) => {
      const issued = state.issueTokens(input.clientId ?? state.opts.clientId ?? 'parvis-test-client', input.scope ?? YOUTUBE_FORCE_SSL_SCOPE, true);
      return { accessToken: issued.accessToken, refreshToken: issued.refreshToken ?? '', expiresAt: issued.expiresAt };
    },
    denyNextAuthorization: () => {
      state.denyNextAuthorization = true;
    },
    comment: (id) => state.comments.get(id),
    get moderationCalls() {
      return state.moderationCalls;
    },
    get bannedAuthors() {
      return [...state.banned];
    },
    get insertedReplies() {
      return state.insertedReplies;
    },
    get deletedComments() {
      return state.deleted;
    },
    get requests() {
      return state.requests;
    },
    clearRequests: () => {
      state.requests.length = 0;
    },
  };

  if (opts.seedDemo) seedDemo(control, now());

  const server = await startLocalServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/__control/')) return handleControl(state, control, req, res, url);
    if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return handleAuthorize(state, res, url);
    if (req.method === 'POST' && url.pathname === '/token') return handleToken(state, req, res);
    return handleApi(state, req, res, url);
  });
  return { url: server.url, close: () => server.close(), control };
}
