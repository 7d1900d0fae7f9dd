/**
 * A stateful local Mastodon server for connector tests, Playwright e2e and the demo process.
 *
 * It speaks the documented Mastodon REST shapes (validated against the OpenAPI description in
 * specs/mastodon/schema.json by mastodon.test.ts): app registration, OAuth 2 with PKCE (S256) and
 * refresh tokens, notifications and conversations with `Link` paging, status context, posting with
 * `Idempotency-Key`, deleting, block / mute / report, and `X-RateLimit-*` headers on every answer.
 * Edits and deletions by their authors as Mastodon 4.3 tells them (`update` notifications to
 * boosters, the multi-status read); what is left out is listed in README.md beside this file.
 *
 * Differences from a real instance, on purpose: `/oauth/authorize` approves at once as the seeded
 * user instead of showing a consent page; tokens can carry refresh tokens (Pleroma, Akkoma and
 * GoToSocial issue them, Mastodon itself does not yet); there is no federation, media upload or
 * streaming.
 *
 * Tests drive it through `control`; other processes through the same operations under `/__control/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import {
  FaultQueue,
  TokenRegistry,
  answerWithFault,
  bearerToken,
  parseFault,
  readBody,
  readMultipart,
  sendJson,
  startLocalServer,
  type Fault,
  type FaultStyle,
  type RequestBody,
} from './server-kit';

/** Options of the local Mastodon server. */
export interface MastodonServerOptions {
  /** The connected user (the one `/oauth/authorize` signs in). */
  me?: { username?: string; displayName?: string };
  /** A ready-made access token for the connected user (scope `read write`), to skip OAuth in tests. */
  accessToken?: string;
  /** Issue refresh tokens with access tokens (default true; Mastodon itself does not, Pleroma does). */
  issueRefreshTokens?: boolean;
  /** Rate-limit window: `limit` requests per `windowSeconds` (Mastodon: 300 per 300 s). */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Maximum status length in characters (Mastodon default 500). */
  maxCharacters?: number;
  /** The clock, epoch ms (default Date.now). */
  now?: () => number;
}

/** What a test adds to the server. */
export interface StatusInput {
  /** Author: a username known to the server (created on first use), `user@domain` for a remote one. */
  from: string;
  text: string;
  inReplyToId?: string | null;
  /** The status HTML exactly as given (a remote, unsanitizing server); `text` still drives mentions. */
  html?: string;
  visibility?: Visibility;
  spoilerText?: string;
  attachments?: { type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown'; url: string; description?: string | null }[];
}

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/** One status as the server stores it. */
export interface StoredStatus {
  id: string;
  accountId: string;
  text: string;
  content: string;
  createdAt: number;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  visibility: Visibility;
  spoilerText: string;
  mentionIds: string[];
  tags: string[];
  media: StoredMedia[];
  applicationName: string | null;
  idempotencyKey: string | null;
  deleted: boolean;
  /** When its author last edited it (Mastodon's `edited_at`), epoch ms. */
  editedAt?: number | null;
}

interface StoredMedia {
  id: string;
  type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown';
  url: string;
  description: string | null;
  /** Set on images uploaded through the API. */
  mime?: string;
}

/** An image uploaded through POST /api/v2/media. */
interface StoredUpload {
  id: string;
  accountId: string;
  mime: string;
  bytes: number;
  description: string | null;
  /** Reads of GET /api/v1/media/:id left before it is processed (206 until then). */
  processingReads: number;
  statusId: string | null;
}

/** The image type a file's first bytes say (what Mastodon's content-type detection reads). */
function sniffImage(bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return null;
}

interface StoredAccount {
  id: string;
  username: string;
  /** Null for accounts of this instance. */
  domain: string | null;
  displayName: string;
  createdAt: number;
}

interface StoredNotification {
  id: string;
  /** `update`: a status the connected user boosted was edited (Mastodon notifies boosters only). */
  type: 'mention' | 'update';
  accountId: string;
  statusId: string;
  createdAt: number;
  /** A deliberately broken item served instead of the real one. */
  malformed?: Record<string, unknown>;
  /** Kept out of the list by the user's notification policy (Mastodon 4.3+), unless `include_filtered`. */
  filtered?: boolean;
}

/** What a notification policy does with the notifications it matches (Mastodon 4.3+). */
export type PolicyOutcome = 'accept' | 'filter' | 'drop';

/** The parts of Mastodon's NotificationPolicy the fake applies. */
export interface NotificationPolicy {
  /** Notifications from accounts the user does not follow. */
  forNotFollowing: PolicyOutcome;
  /** Notifications from accounts created less than 30 days ago. */
  forNewAccounts: PolicyOutcome;
}

interface StoredConversation {
  id: string;
  rootId: string;
  participantIds: string[];
  lastStatusId: string;
  unread: boolean;
  malformed?: Record<string, unknown>;
}

interface StoredApp {
  id: string;
  clientId: string;
  clientSecret: string;
  name: string;
  website: string | null;
  redirectUris: string[];
  scopes: string[];
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  userId: string;
  expiresAt: number;
  used: boolean;
}

/** A report as recorded by the server. */
export interface StoredReport {
  id: string;
  accountId: string;
  statusIds: string[];
  comment: string;
  category: 'spam' | 'legal' | 'violation' | 'other';
  forward: boolean;
  ruleIds: string[];
  createdAt: number;
}

/** A request the server answered (for assertions on retries and headers). */
export interface LoggedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  status: number;
}

/** What `/__control/state` and `control.state()` report. */
export interface MastodonServerState {
  me: { id: string; username: string };
  /** Statuses posted by the connected user (through the API or `addPost`), deleted ones included. */
  posted: (Pick<StoredStatus, 'id' | 'text' | 'inReplyToId' | 'visibility' | 'idempotencyKey' | 'deleted'> & { media?: { id: string; description: string | null; mime: string | null }[] })[];
  /** Every image uploaded through POST /api/v2/media, attached to a status or not. */
  uploads: { id: string; mime: string; bytes: number; description: string | null; statusId: string | null }[];
  /** Statuses of the connected user waiting on the server for their time. */
  scheduled: { id: string; scheduledAt: number; text: string; idempotencyKey: string | null }[];
  blocks: string[];
  mutes: { accountId: string; notifications: boolean }[];
  reports: StoredReport[];
  apps: { clientId: string; name: string; redirectUris: string[]; scopes: string[] }[];
  requests: LoggedRequest[];
}

/** How tests and the demo drive the server. */
export interface MastodonControl {
  /** The connected user's account id. */
  readonly meId: string;
  /** The seeded access token of the connected user. */
  readonly accessToken: string;
  /** Creates (or returns) a community account; `user@domain` makes a remote one. */
  addAccount(acct: string, displayName?: string): { id: string; acct: string };
  /** A status by the connected user (e.g. the post people comment on). */
  addPost(input: Omit<StatusInput, 'from'>): { statusId: string };
  /** Any status, as written (no mention of us added): e.g. one we are not allowed to see. */
  addStatus(input: StatusInput): { statusId: string };
  /** A status by `from` that mentions the connected user, with its `mention` notification. */
  addMention(input: StatusInput): { statusId: string; notificationId: string };
  /** A reply by `from` to status `to` (usually ours), mentioning us, with its notification. */
  addReply(input: Omit<StatusInput, 'inReplyToId'> & { to: string }): { statusId: string; notificationId: string };
  /** A direct message from `from` to us: status, notification and conversation. */
  addDirectMessage(input: Omit<StatusInput, 'visibility'>): { statusId: string; notificationId: string; conversationId: string };
  /** Adds `count` mentions (or DMs, or replies to `to`) to exercise paging. */
  addMany(count: number, kind: 'mention' | 'dm' | 'reply', options?: { from?: string; to?: string }): string[];
  /** Adds a broken item to the notifications or conversations list. */
  addMalformed(where?: 'notifications' | 'conversations'): { id: string };
  /** Makes the next `count` requests (outside /__control) suffer `fault`. */
  failNext(fault: Fault, count?: number): void;
  /**
   * The next `count` requests are carried out but their answer is lost: the client gets `status`
   * (a proxy's 502) instead. This is how a retry could post twice without an idempotency key.
   */
  loseNextAnswers(count?: number, status?: number): void;
  /** Every issued access token answers 401 until refreshed. */
  expireTokens(): void;
  /** Whether `/oauth/authorize` approves or denies. */
  setAuthorization(decision: 'approve' | 'deny'): void;
  /** A snapshot of what the server recorded. */
  state(): MastodonServerState;
  /** One stored status (any author), or undefined. */
  status(id: string): StoredStatus | undefined;
  /** The connected user boosts a status (so that an edit of it sends them an `update` notification). */
  boost(statusId: string): void;
  /**
   * Its author edits a status: new text (rendered like a new status), `edited_at` set. As on
   * Mastodon, only the accounts that boosted it get an `update` notification; the mention
   * notifications already sent stay as they were (they show the edited status when read again).
   */
  editStatus(statusId: string, input: { text: string; html?: string }): { notificationId: string | null };
  /** Its author deletes a status: it answers 404, and its notifications disappear from the list. */
  deleteStatus(statusId: string): void;
  /** Whether GET /api/v1/statuses?id[]= exists (Mastodon 4.3+); off, it answers 404 like older servers. */
  setMultiStatusRead(enabled: boolean): void;
  /** New uploads stay "processing" (202, then 206 on GET /api/v1/media/:id) for this many reads. */
  setMediaProcessingReads(reads: number): void;
  /**
   * The user's notification policy (Mastodon 4.3+), applied when a notification is created, as
   * NotifyService does: `filter` keeps it out of GET /api/v1/notifications unless the client asks
   * `include_filtered=true` (or lists one account's with `account_id`); `drop` never creates it.
   * Only filterable types (mention here; not `update`) are concerned. Default: accept everything.
   */
  setNotificationPolicy(policy: Partial<NotificationPolicy>): void;
  /** The connected user follows `acct` (its notifications are no longer "not following"). */
  follow(acct: string): void;
}

/** A running local Mastodon server. */
export interface MastodonServer {
  url: string;
  close(): Promise<void>;
  control: MastodonControl;
}

const DEFAULT_SCOPES = ['read'];
const KNOWN_SCOPES = new Set([
  'read',
  'write',
  'follow',
  'push',
  'profile',
  'read:accounts',
  'read:notifications',
  'read:statuses',
  'write:statuses',
  'write:blocks',
  'write:mutes',
  'write:reports',
  'write:conversations',
]);
const IDEMPOTENCY_TTL_MS = 3_600_000;
/** Mastodon refuses a scheduled status less than 5 minutes ahead (PostStatusService::MIN_SCHEDULE_OFFSET). */
const MIN_SCHEDULE_OFFSET_MS = 5 * 60_000;
/** Mastodon's defaults (GET /api/v2/instance: configuration.media_attachments, statuses). */
const IMAGE_SIZE_LIMIT = 16 * 1024 * 1024;
const MAX_MEDIA_ATTACHMENTS = 4;
const DESCRIPTION_LIMIT = 1500;
/** The reverse proxy in front of Mastodon (its nginx.conf: client_max_body_size 99m) answers 413 above this. */
const MAX_REQUEST_BYTES = 99 * 1024 * 1024;
/** ScheduledStatusValidator: at most 300 waiting per account, 25 on one day. */
const SCHEDULED_TOTAL_LIMIT = 300;
const SCHEDULED_DAILY_LIMIT = 25;
const CODE_TTL_MS = 600_000;
const URL_LENGTH = 23;

/** Compares two Mastodon ids (decimal strings of any length). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isId(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^\d{1,30}$/.test(value);
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function base64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

/** Loopback redirect URIs match whatever port (RFC 8252 §7.3, as Doorkeeper does); others exactly. */
function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  try {
    const a = new URL(registered);
    const b = new URL(requested);
    const loopback = (h: string) => h === '127.0.0.1' || h === '[::1]';
    return (
      a.protocol === 'http:' &&
      b.protocol === 'http:' &&
      loopback(a.hostname) &&
      a.hostname === b.hostname &&
      a.pathname === b.pathname &&
      a.search === b.search
    );
  } catch {
    return false;
  }
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startMastodonServer(opts: MastodonServerOptions = {}): Promise<MastodonServer> {
  const now = opts.now ?? (() => Date.now());
  const issueRefreshTokens = opts.issueRefreshTokens ?? true;
  const rateLimit = opts.rateLimit ?? { limit: 300, windowSeconds: 300 };
  const maxCharacters = opts.maxCharacters ?? 500;
  let base = '';

  let sequence = 110_000_000_000_000;
  const nextId = () => String(++sequence);

  const accounts = new Map<string, StoredAccount>();
  const accountsByAcct = new Map<string, StoredAccount>();
  const statuses = new Map<string, StoredStatus>();
  const notifications: StoredNotification[] = [];
  const conversations: StoredConversation[] = [];
  const apps = new Map<string, StoredApp>();
  const codes = new Map<string, AuthorizationCode>();
  const tokens = new TokenRegistry();
  const faults = new FaultQueue();
  const blocks = new Set<string>();
  const mutes = new Map<string, { notifications: boolean }>();
  const boostedByMe = new Set<string>();
  const policy: NotificationPolicy = { forNotFollowing: 'accept', forNewAccounts: 'accept' };
  const followedByMe = new Set<string>();
  let multiStatusRead = true;
  const reports: StoredReport[] = [];
  const idempotency = new Map<string, { statusId: string; at: number; scheduled: boolean }>();
  /** Statuses waiting for their time on the server (POST /api/v1/statuses with scheduled_at). */
  const scheduledStatuses = new Map<string, { id: string; accountId: string; scheduledAt: number; text: string; visibility: Visibility; idempotencyKey: string | null; mediaIds?: string[] }>();
  const uploads = new Map<string, StoredUpload>();
  let mediaProcessingReads = 0;
  const requests: LoggedRequest[] = [];
  const lostAnswers: number[] = [];
  let authorizationDecision: 'approve' | 'deny' = 'approve';
  let windowStart = 0;
  let windowCount = 0;

  function addAccount(acct: string, displayName?: string): StoredAccount {
    const key = acct.replace(/^@/, '').toLowerCase();
    const existing = accountsByAcct.get(key);
    if (existing) return existing;
    const [username, domain] = key.split('@') as [string, string | undefined];
    if (!/^[a-z0-9_]{1,30}$/.test(username)) throw new Error(`invalid username: ${acct}`);
    const account: StoredAccount = {
      id: nextId(),
      username,
      domain: domain ?? null,
      displayName: displayName ?? username.charAt(0).toUpperCase() + username.slice(1),
      createdAt: now(),
    };
    accounts.set(account.id, account);
    accountsByAcct.set(key, account);
    return account;
  }

  const me = addAccount(opts.me?.username ?? 'parvis', opts.me?.displayName ?? 'Parvis Community Team');
  const seeded = tokens.seed(opts.accessToken ?? base64url(randomBytes(24)), me.id, 'read write', undefined, now());

  const acctOf = (a: StoredAccount) => (a.domain ? `${a.username}@${a.domain}` : a.username);
  const profileUrl = (a: StoredAccount) => (a.domain ? `https://${a.domain}/@${a.username}` : `${base}/@${a.username}`);
  const actorUri = (a: StoredAccount) => (a.domain ? `https://${a.domain}/users/${a.username}` : `${base}/users/${a.username}`);

  function accountJson(a: StoredAccount): Record<string, unknown> {
    const own = [...statuses.values()].filter((s) => s.accountId === a.id && !s.deleted);
    const last = own.length ? own[own.length - 1] : undefined;
    return {
      id: a.id,
      username: a.username,
      acct: acctOf(a),
      display_name: a.displayName,
      locked: false,
      bot: false,
      discoverable: true,
      indexable: true,
      group: false,
      created_at: new Date(a.createdAt).toISOString(),
      note: '',
      url: profileUrl(a),
      uri: actorUri(a),
      avatar: `${base}/avatars/original/missing.png`,
      avatar_static: `${base}/avatars/original/missing.png`,
      header: `${base}/headers/original/missing.png`,
      header_static: `${base}/headers/original/missing.png`,
      followers_count: 0,
      following_count: 0,
      statuses_count: own.length,
      last_status_at: last ? new Date(last.createdAt).toISOString().slice(0, 10) : null,
      hide_collections: false,
      noindex: false,
      emojis: [],
      roles: [],
      fields: [],
    };
  }

  function credentialAccountJson(a: StoredAccount): Record<string, unknown> {
    return {
      ...accountJson(a),
      source: {
        privacy: 'public',
        sensitive: false,
        language: 'en',
        note: '',
        fields: [],
        follow_requests_count: 0,
        indexable: true,
        discoverable: true,
        hide_collections: false,
        attribution_domains: [],
      },
      role: { id: '-99', name: '', permissions: '0', color: '', highlighted: false },
    };
  }

  /** Mastodon counts a URL as 23 characters and a remote mention as its local part only. */
  function countCharacters(text: string): number {
    const shortened = text
      .replace(/https?:\/\/[^\s<>"]+/g, 'x'.repeat(URL_LENGTH))
      .replace(/@([a-z0-9_]+)@[a-z0-9.-]+(?::\d+)?/gi, '@$1');
    return [...shortened].length;
  }

  /** Renders plain text the way Mastodon does: paragraphs, line breaks, links, mentions, hashtags. */
  function renderContent(text: string, mentionIds: string[], tags: string[]): string {
    const token = /(https?:\/\/[^\s<>"]+)|(^|[^\w/@])@([a-z0-9_]+)(?:@([a-z0-9.-]+(?::\d+)?))?|(^|[^\w&/#])#([\p{L}\p{N}_]+)/giu;
    const renderInline = (line: string): string => {
      let out = '';
      let last = 0;
      for (const m of line.matchAll(token)) {
        const index = m.index ?? 0;
        if (m[1]) {
          const url = m[1];
          const scheme = /^https?:\/\/(www\.)?/.exec(url)?.[0] ?? '';
          const rest = url.slice(scheme.length);
          const shown = rest.length > 30 ? rest.slice(0, 30) : rest;
          const hidden = rest.length > 30 ? rest.slice(30) : '';
          out += escapeHtml(line.slice(last, index));
          out +=
            `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
            `<span class="invisible">${escapeHtml(scheme)}</span>` +
            `<span class="${hidden ? 'ellipsis' : ''}">${escapeHtml(shown)}</span>` +
            `<span class="invisible">${escapeHtml(hidden)}</span></a>`;
          last = index + url.length;
        } else if (m[3]) {
          const lead = m[2] ?? '';
          const acct = m[4] ? `${m[3]}@${m[4]}` : m[3];
          const local = m[4] === base.replace(/^https?:\/\//, '') ? m[3] : acct;
          const target = accountsByAcct.get(local.toLowerCase());
          if (!target) continue;
          if (!mentionIds.includes(target.id)) mentionIds.push(target.id);
          out += escapeHtml(line.slice(last, index) + lead);
          out +=
            `<span class="h-card" translate="no"><a href="${escapeHtml(profileUrl(target))}" class="u-url mention">` +
            `@<span>${escapeHtml(target.username)}</span></a></span>`;
          last = index + m[0].length;
        } else if (m[6]) {
          const lead = m[5] ?? '';
          const tag = m[6];
          if (!tags.includes(tag.toLowerCase())) tags.push(tag.toLowerCase());
          out += escapeHtml(line.slice(last, index) + lead);
          out += `<a href="${base}/tags/${encodeURIComponent(tag.toLowerCase())}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
          last = index + m[0].length;
        }
      }
      return out + escapeHtml(line.slice(last));
    };
    return text
      .trim()
      .split(/\n{2,}/)
      .map((paragraph) => `<p>${paragraph.split('\n').map(renderInline).join('<br />')}</p>`)
      .join('');
  }

  function threadRoot(status: StoredStatus): string {
    let current = status;
    for (let guard = 0; guard < 10_000 && current.inReplyToId; guard++) {
      const parent = statuses.get(current.inReplyToId);
      if (!parent) return current.inReplyToId;
      current = parent;
    }
    return current.id;
  }

  function createStatus(
    author: StoredAccount,
    input: Omit<StatusInput, 'from'>,
    extra: { applicationName?: string | null; idempotencyKey?: string | null; mediaIds?: string[] } = {},
  ): StoredStatus {
    const parent = input.inReplyToId ? statuses.get(input.inReplyToId) : undefined;
    const mentionIds: string[] = [];
    const tags: string[] = [];
    const rendered = renderContent(input.text, mentionIds, tags);
    // A remote server may send HTML no Mastodon would produce: tests of hostile content pass it raw.
    const content = input.html !== undefined ? input.html : rendered;
    const status: StoredStatus = {
      id: nextId(),
      accountId: author.id,
      text: input.text,
      content,
      createdAt: now(),
      inReplyToId: parent?.id ?? null,
      inReplyToAccountId: parent?.accountId ?? null,
      visibility: input.visibility ?? 'public',
      spoilerText: input.spoilerText ?? '',
      mentionIds,
      tags,
      media: [
        ...(input.attachments ?? []).map((m) => ({
          id: nextId(),
          type: m.type,
          url: m.url,
          description: m.description ?? null,
        })),
        ...(extra.mediaIds ?? []).map((id) => {
          const u = uploads.get(id)!;
          return { id, type: 'image' as const, url: mediaUrl(u), description: u.description, mime: u.mime };
        }),
      ],
      applicationName: extra.applicationName ?? null,
      idempotencyKey: extra.idempotencyKey ?? null,
      deleted: false,
    };
    statuses.set(status.id, status);
    for (const id of extra.mediaIds ?? []) uploads.get(id)!.statusId = status.id;
    // A mention of the connected user by someone else notifies them (unless blocked or muted), as
    // their notification policy says: kept, filtered (out of the list by default) or dropped.
    if (author.id !== me.id && mentionIds.includes(me.id)) {
      const outcome = policyOutcome(author);
      if (outcome !== 'drop') {
        notifications.push({ id: nextId(), type: 'mention', accountId: author.id, statusId: status.id, createdAt: status.createdAt, ...(outcome === 'filter' ? { filtered: true } : {}) });
      }
    }
    if (status.visibility === 'direct' && (author.id === me.id || mentionIds.includes(me.id))) {
      recordConversation(status);
    }
    return status;
  }

  /** NotifyService's policy check for a filterable notification from `author`: drop wins over filter. */
  function policyOutcome(author: StoredAccount): PolicyOutcome {
    const outcomes: PolicyOutcome[] = [];
    if (!followedByMe.has(author.id)) outcomes.push(policy.forNotFollowing);
    if (now() - author.createdAt < 30 * 86_400_000) outcomes.push(policy.forNewAccounts);
    if (outcomes.includes('drop')) return 'drop';
    return outcomes.includes('filter') ? 'filter' : 'accept';
  }

  function recordConversation(status: StoredStatus): void {
    const rootId = threadRoot(status);
    const participantIds = [...new Set([status.accountId, ...status.mentionIds])].filter((id) => id !== me.id).sort();
    const key = participantIds.join(',');
    let conversation = conversations.find((c) => c.rootId === rootId && c.participantIds.join(',') === key);
    if (!conversation) {
      conversation = { id: nextId(), rootId, participantIds, lastStatusId: status.id, unread: false };
      conversations.push(conversation);
    }
    conversation.lastStatusId = status.id;
    conversation.unread = status.accountId !== me.id;
  }

  function statusJson(s: StoredStatus, options: { withSource?: boolean } = {}): Record<string, unknown> {
    const author = accounts.get(s.accountId)!;
    const replies = [...statuses.values()].filter((r) => r.inReplyToId === s.id && !r.deleted).length;
    const json: Record<string, unknown> = {
      id: s.id,
      created_at: new Date(s.createdAt).toISOString(),
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      sensitive: s.spoilerText !== '',
      spoiler_text: s.spoilerText,
      visibility: s.visibility,
      language: 'en',
      uri: `${actorUri(author)}/statuses/${s.id}`,
      url: `${profileUrl(author)}/${s.id}`,
      replies_count: replies,
      reblogs_count: 0,
      favourites_count: 0,
      quotes_count: 0,
      edited_at: s.editedAt ? new Date(s.editedAt).toISOString() : null,
      favourited: false,
      reblogged: boostedByMe.has(s.id),
      muted: false,
      bookmarked: false,
      content: s.content,
      filtered: [],
      reblog: null,
      application: s.applicationName ? { name: s.applicationName, website: null } : null,
      account: accountJson(author),
      media_attachments: s.media.map((m) => ({
        id: m.id,
        type: m.type,
        url: m.url,
        preview_url: m.url,
        remote_url: null,
        meta: null,
        description: m.description,
        blurhash: null,
      })),
      mentions: s.mentionIds.map((id) => {
        const a = accounts.get(id)!;
        return { id: a.id, username: a.username, url: profileUrl(a), acct: acctOf(a) };
      }),
      tags: s.tags.map((name) => ({ name, url: `${base}/tags/${encodeURIComponent(name)}` })),
      emojis: [],
      card: null,
      poll: null,
      quote: null,
    };
    if (s.accountId === me.id) json.pinned = false;
    if (options.withSource) json.text = s.text;
    return json;
  }

  /** Whether the connected user may see a status (direct ones only when involved). */
  function visibleToMe(s: StoredStatus): boolean {
    if (s.deleted) return false;
    if (s.visibility !== 'direct') return true;
    return s.accountId === me.id || s.mentionIds.includes(me.id);
  }

  function notificationJson(n: StoredNotification): Record<string, unknown> {
    if (n.malformed) return n.malformed;
    const status = statuses.get(n.statusId)!;
    return {
      id: n.id,
      type: n.type,
      created_at: new Date(n.createdAt).toISOString(),
      group_key: `ungrouped-${n.id}`,
      account: accountJson(accounts.get(n.accountId)!),
      status: statusJson(status),
    };
  }

  function conversationJson(c: StoredConversation): Record<string, unknown> {
    if (c.malformed) return c.malformed;
    const last = statuses.get(c.lastStatusId);
    return {
      id: c.id,
      unread: c.unread,
      accounts: c.participantIds.map((id) => accountJson(accounts.get(id)!)),
      last_status: last && !last.deleted ? statusJson(last) : null,
    };
  }

  // ---- HTTP plumbing -------------------------------------------------------------------------

  const faultStyle: FaultStyle = {
    rateLimitHeaders: (resetAt) => ({
      'X-RateLimit-Limit': String(rateLimit.limit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': resetAt.toISOString(),
    }),
    errorBody: (status) => ({ error: status === 429 ? 'Too many requests' : 'We\'re sorry, but something went wrong on our end.' }),
  };

  /** Counts a request in the current window (aligned like Mastodon's) and returns its headers. */
  function countRequest(): Record<string, string> {
    const period = rateLimit.windowSeconds * 1000;
    const t = now();
    const start = Math.floor(t / period) * period;
    if (start !== windowStart) {
      windowStart = start;
      windowCount = 0;
    }
    windowCount++;
    return {
      'X-RateLimit-Limit': String(rateLimit.limit),
      'X-RateLimit-Remaining': String(Math.max(0, rateLimit.limit - windowCount)),
      'X-RateLimit-Reset': new Date(start + period).toISOString(),
    };
  }

  interface Ctx {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    body: RequestBody;
    headers: Record<string, string>;
    status: number;
  }

  function reply(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
    ctx.status = status;
    sendJson(ctx.res, status, body, { ...ctx.headers, ...headers });
  }

  function error(ctx: Ctx, status: number, message: string, description?: string): void {
    reply(ctx, status, description ? { error: message, error_description: description } : { error: message });
  }

  /** The signed-in user for a request, or null after answering 401/403. */
  function authenticate(ctx: Ctx, scope: 'read' | 'write'): StoredAccount | null {
    const check = tokens.check(bearerToken(ctx.req));
    if (check.state === 'expired') {
      error(ctx, 401, 'The access token expired');
      return null;
    }
    if (check.state !== 'valid') {
      error(ctx, 401, 'The access token is invalid');
      return null;
    }
    const granted = check.token.scope.split(' ');
    if (!granted.some((g) => g === scope || g.startsWith(`${scope}:`))) {
      error(ctx, 403, 'This action is outside the authorized scopes');
      return null;
    }
    return accounts.get(check.token.subject) ?? null;
  }

  function field(body: RequestBody, name: string): string | undefined {
    if (body.json && typeof body.json === 'object' && !Array.isArray(body.json)) {
      const v = (body.json as Record<string, unknown>)[name];
      if (v !== undefined && v !== null && typeof v !== 'object') return String(v);
      if (v !== undefined) return undefined;
    }
    return body.form.get(name) ?? undefined;
  }

  function listField(body: RequestBody, name: string): string[] {
    if (body.json && typeof body.json === 'object' && !Array.isArray(body.json)) {
      const v = (body.json as Record<string, unknown>)[name];
      if (Array.isArray(v)) return v.map(String);
      if (typeof v === 'string') return [v];
    }
    return [...body.form.getAll(`${name}[]`), ...body.form.getAll(name)];
  }

  function boolField(body: RequestBody, name: string, fallback: boolean): boolean {
    const v = field(body, name);
    if (v === undefined) return fallback;
    return v === 'true' || v === '1';
  }

  function pageOf<T>(
    items: T[],
    key: (item: T) => string,
    query: URLSearchParams,
    defaults: { limit: number; max: number },
  ): { page: T[]; limit: number } {
    const rawLimit = Number.parseInt(query.get('limit') ?? '', 10);
    const limit = Number.isFinite(rawLimit) && rawLimit > 0 ? Math.min(rawLimit, defaults.max) : defaults.limit;
    const maxId = query.get('max_id');
    const sinceId = query.get('since_id');
    const minId = query.get('min_id');
    let list = [...items].sort((a, b) => compareIds(key(b), key(a)));
    if (isId(maxId)) list = list.filter((i) => compareIds(key(i), maxId) < 0);
    if (isId(sinceId)) list = list.filter((i) => compareIds(key(i), sinceId) > 0);
    if (isId(minId)) {
      list = list.filter((i) => compareIds(key(i), minId) > 0);
      // The page right after min_id, still answered newest first.
      return { page: list.slice(-limit), limit };
    }
    return { page: list.slice(0, limit), limit };
  }

  /** Mastodon's Link header: next (older) only when the page is full, prev (newer) unless empty. */
  function linkHeader(ctx: Ctx, keys: string[], limit: number, keep: string[]): Record<string, string> {
    if (keys.length === 0) return {};
    const make = (param: string, value: string) => {
      const u = new URL(ctx.url.pathname, base);
      for (const name of keep) for (const v of ctx.url.searchParams.getAll(name)) u.searchParams.append(name, v);
      u.searchParams.set(param, value);
      return u.toString();
    };
    const links: string[] = [];
    if (keys.length >= limit) links.push(`<${make('max_id', keys[keys.length - 1]!)}>; rel="next"`);
    links.push(`<${make('min_id', keys[0]!)}>; rel="prev"`);
    return { Link: links.join(', ') };
  }

  // ---- Routes --------------------------------------------------------------------------------

  function createApp(ctx: Ctx): void {
    const name = field(ctx.body, 'client_name');
    const redirectUris = listField(ctx.body, 'redirect_uris').flatMap((u) => u.split(/\s+/)).filter(Boolean);
    if (!name) return error(ctx, 422, "Validation failed: Application name can't be blank");
    if (redirectUris.length === 0) return error(ctx, 422, "Validation failed: Redirect URI can't be blank");
    for (const uri of redirectUris) {
      if (uri === 'urn:ietf:wg:oauth:2.0:oob') continue;
      try {
        const parsed = new URL(uri);
        if (parsed.hash) throw new Error('fragment');
      } catch {
        return error(ctx, 422, 'Validation failed: Redirect URI must be an absolute URI.');
      }
    }
    const scopes = (field(ctx.body, 'scopes') ?? DEFAULT_SCOPES.join(' ')).split(/[\s+]+/).filter(Boolean);
    const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
    if (unknown) return error(ctx, 422, `Validation failed: Scopes ${unknown} is not a valid scope`);
    const app: StoredApp = {
      id: String(apps.size + 1),
      clientId: base64url(randomBytes(32)),
      clientSecret: base64url(randomBytes(32)),
      name,
      website: field(ctx.body, 'website') ?? null,
      redirectUris,
      scopes,
    };
    apps.set(app.clientId, app);
    reply(ctx, 200, {
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes,
      redirect_uri: app.redirectUris.join('\n'),
      redirect_uris: app.redirectUris,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      client_secret_expires_at: 0,
      vapid_key: 'BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=',
    });
  }

  function authorize(ctx: Ctx): void {
    const q = ctx.url.searchParams;
    const app = apps.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app) return error(ctx, 401, 'invalid_client', 'Client authentication failed due to unknown client.');
    if (!app.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
      return error(ctx, 400, 'invalid_redirect_uri', 'The requested redirect uri is malformed or doesn\'t match client redirect URI.');
    }
    const state = q.get('state');
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (state !== null) target.searchParams.set('state', state);
      ctx.status = 302;
      ctx.res.writeHead(302, { ...ctx.headers, Location: target.toString(), 'Content-Length': '0' });
      ctx.res.end();
    };
    if (q.get('response_type') !== 'code') {
      return back({ error: 'unsupported_response_type', error_description: 'The authorization server does not support this response type.' });
    }
    const scopes = (q.get('scope') ?? DEFAULT_SCOPES.join(' ')).split(/[\s+]+/).filter(Boolean);
    if (scopes.some((s) => !app.scopes.includes(s))) {
      return back({ error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' });
    }
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method');
    if (challenge !== null && method !== 'S256') {
      return back({ error: 'invalid_request', error_description: 'Code challenge method must be S256.' });
    }
    if (authorizationDecision === 'deny') {
      return back({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
    }
    const code = base64url(randomBytes(32));
    codes.set(code, {
      clientId: app.clientId,
      redirectUri,
      scopes,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      userId: me.id,
      expiresAt: now() + CODE_TTL_MS,
      used: false,
    });
    back({ code });
  }

  function token(ctx: Ctx): void {
    const grant = field(ctx.body, 'grant_type');
    const clientId = field(ctx.body, 'client_id') ?? '';
    const clientSecret = field(ctx.body, 'client_secret') ?? '';
    const app = apps.get(clientId);
    const invalidGrant = () =>
      error(
        ctx,
        400,
        'invalid_grant',
        'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      );
    if (!app || app.clientSecret !== clientSecret) {
      return error(ctx, 401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.');
    }
    const answer = (issued: { accessToken: string; refreshToken: string; scope: string; createdAt: number }) => {
      const body: Record<string, unknown> = {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        scope: issued.scope,
        created_at: Math.floor(issued.createdAt / 1000),
      };
      if (issueRefreshTokens) body.refresh_token = issued.refreshToken;
      reply(ctx, 200, body, { 'Cache-Control': 'no-store' });
    };
    if (grant === 'authorization_code') {
      const code = codes.get(field(ctx.body, 'code') ?? '');
      if (!code || code.used || code.expiresAt < now() || code.clientId !== clientId) return invalidGrant();
      if (code.redirectUri !== field(ctx.body, 'redirect_uri')) return invalidGrant();
      if (code.codeChallenge !== null) {
        const verifier = field(ctx.body, 'code_verifier') ?? '';
        if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return invalidGrant();
        const computed = base64url(createHash('sha256').update(verifier).digest());
        if (computed !== code.codeChallenge) return invalidGrant();
      }
      code.used = true;
      return answer(tokens.issue(code.userId, code.scopes.join(' '), now()));
    }
    if (grant === 'refresh_token') {
      if (!issueRefreshTokens) return invalidGrant();
      const refreshed = tokens.refresh(field(ctx.body, 'refresh_token') ?? '', now());
      if (!refreshed) return invalidGrant();
      return answer(refreshed);
    }
    return error(ctx, 400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
  }

  function listNotifications(ctx: Ctx, user: StoredAccount): void {
    const q = ctx.url.searchParams;
    const types = [...q.getAll('types[]'), ...q.getAll('types')];
    const excluded = [...q.getAll('exclude_types[]'), ...q.getAll('exclude_types')];
    const fromAccount = q.get('account_id');
    // Rails' boolean cast: anything but false-like values ('0', 'f', 'false', 'off', any case) is true.
    const includeFilteredParam = q.get('include_filtered');
    const includeFiltered = includeFilteredParam !== null && includeFilteredParam !== '' && !/^(0|f|false|off)$/i.test(includeFilteredParam);
    const candidates = notifications.filter((n) => {
      if (n.malformed) return true;
      if (n.filtered && !includeFiltered && !fromAccount) return false;
      if (types.length && !types.includes(n.type)) return false;
      if (excluded.includes(n.type)) return false;
      if (fromAccount && n.accountId !== fromAccount) return false;
      if (blocks.has(n.accountId) || mutes.get(n.accountId)?.notifications) return false;
      const status = statuses.get(n.statusId);
      return user.id === me.id && !!status && !status.deleted;
    });
    const { page, limit } = pageOf(candidates, (n) => n.id, q, { limit: 40, max: 80 });
    const keep = ['limit', 'types[]', 'exclude_types[]', 'account_id', 'include_filtered'];
    reply(ctx, 200, page.map(notificationJson), linkHeader(ctx, page.map((n) => n.id), limit, keep));
  }

  function listConversations(ctx: Ctx): void {
    const candidates = conversations.filter((c) => {
      if (c.malformed) return true;
      const last = statuses.get(c.lastStatusId);
      return !!last && !c.participantIds.every((id) => blocks.has(id));
    });
    const { page, limit } = pageOf(candidates, (c) => c.lastStatusId, ctx.url.searchParams, { limit: 20, max: 40 });
    reply(ctx, 200, page.map(conversationJson), linkHeader(ctx, page.map((c) => c.lastStatusId), limit, ['limit']));
  }

  /**
   * GET /api/v1/statuses?id[]=… (Mastodon 4.3+): the statuses that still exist and can be seen, in
   * the order asked; deleted or hidden ones are left out without an error. More than 20 ids: 422.
   */
  function listStatuses(ctx: Ctx): void {
    if (!multiStatusRead) return error(ctx, 404, 'Record not found');
    const ids = [...new Set([...ctx.url.searchParams.getAll('id[]'), ...ctx.url.searchParams.getAll('id')])];
    // The OpenAPI description documents a ValidationError here (`details` required).
    if (ids.length > 20) return reply(ctx, 422, { error: 'Validation failed', details: {} });
    const found = ids.map((id) => statuses.get(id)).filter((s): s is StoredStatus => !!s && visibleToMe(s));
    reply(ctx, 200, found.map((s) => statusJson(s)));
  }

  function statusContext(ctx: Ctx, id: string): void {
    const status = statuses.get(id);
    if (!status || !visibleToMe(status)) return error(ctx, 404, 'Record not found');
    const ancestors: StoredStatus[] = [];
    let current = status;
    while (current.inReplyToId) {
      const parent = statuses.get(current.inReplyToId);
      if (!parent || !visibleToMe(parent)) break;
      ancestors.unshift(parent);
      current = parent;
    }
    const descendants: StoredStatus[] = [];
    const walk = (parentId: string) => {
      const children = [...statuses.values()]
        .filter((s) => s.inReplyToId === parentId && visibleToMe(s))
        .sort((a, b) => compareIds(a.id, b.id));
      for (const child of children) {
        descendants.push(child);
        walk(child.id);
      }
    };
    walk(status.id);
    reply(ctx, 200, { ancestors: ancestors.map((s) => statusJson(s)), descendants: descendants.map((s) => statusJson(s)) });
  }

  function scheduledStatusJson(s: { id: string; scheduledAt: number; text: string; visibility: Visibility }): Record<string, unknown> {
    return {
      id: s.id,
      scheduled_at: new Date(s.scheduledAt).toISOString(),
      params: { text: s.text, visibility: s.visibility, in_reply_to_id: null, media_ids: null, sensitive: null, spoiler_text: null, poll: null, idempotency: null, scheduled_at: null, application_id: 1 },
      media_attachments: [],
    };
  }

  /**
   * The server's scheduler publishes scheduled statuses whose time has come (Mastodon's
   * Scheduler::ScheduledStatusesScheduler runs every few minutes; here, before each request).
   */
  function publishDueScheduled(): void {
    for (const s of [...scheduledStatuses.values()]) {
      if (s.scheduledAt > now()) continue;
      scheduledStatuses.delete(s.id);
      const author = [...accountsByAcct.values()].find((a) => a.id === s.accountId);
      if (author) createStatus(author, { text: s.text, inReplyToId: null, visibility: s.visibility, spoilerText: '' }, { applicationName: 'Parvis', idempotencyKey: s.idempotencyKey, mediaIds: s.mediaIds });
    }
  }

  /** PUT /api/v1/scheduled_statuses/:id: a new time, validated as at creation (Api::V1::ScheduledStatusesController#update). */
  function rescheduleStatus(ctx: Ctx, user: StoredAccount, id: string): void {
    const waiting = scheduledStatuses.get(id);
    if (!waiting || waiting.accountId !== user.id) return error(ctx, 404, 'Record not found');
    const scheduledAt = Date.parse(field(ctx.body, 'scheduled_at') ?? '');
    if (Number.isNaN(scheduledAt)) return error(ctx, 422, 'Validation failed: Scheduled at is invalid');
    if (scheduledAt <= now() + MIN_SCHEDULE_OFFSET_MS) return error(ctx, 422, 'Validation failed: Scheduled at must be at least 5 minutes ahead');
    waiting.scheduledAt = scheduledAt;
    reply(ctx, 200, scheduledStatusJson(waiting));
  }

  /** DELETE /api/v1/scheduled_statuses/:id: the server forgets it (its idempotency key still points to it). */
  function cancelScheduledStatus(ctx: Ctx, user: StoredAccount, id: string): void {
    const waiting = scheduledStatuses.get(id);
    if (!waiting || waiting.accountId !== user.id) return error(ctx, 404, 'Record not found');
    scheduledStatuses.delete(id);
    reply(ctx, 200, {});
  }

  function mediaUrl(u: Pick<StoredUpload, 'id' | 'mime'>): string {
    return `${base}/system/media_attachments/files/${u.id}/original.${u.mime.split('/')[1]}`;
  }

  function uploadJson(u: StoredUpload): Record<string, unknown> {
    const ready = u.processingReads === 0;
    return { id: u.id, type: 'image', url: ready ? mediaUrl(u) : null, preview_url: mediaUrl(u), remote_url: null, meta: null, description: u.description, blurhash: null };
  }

  /**
   * POST /api/v2/media (Api::V2::MediaController): multipart `file` and `description`. 200 when
   * processed at once, 202 while processing; 422 for a type or size it refuses; the proxy 413s a
   * body over its limit.
   */
  async function uploadMedia(ctx: Ctx, user: StoredAccount): Promise<void> {
    if (ctx.body.bytes.length > MAX_REQUEST_BYTES) return error(ctx, 413, 'Request Entity Too Large');
    const form = await readMultipart(ctx.req, ctx.body);
    const file = form?.get('file');
    if (!form || !file || typeof file === 'string') return error(ctx, 422, "Validation failed: File can't be blank");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const mime = sniffImage(bytes);
    if (!mime) return error(ctx, 422, 'Validation failed: File content type is invalid, File is invalid');
    if (bytes.length > IMAGE_SIZE_LIMIT) return error(ctx, 422, 'Validation failed: File file size must be less than 16 MB');
    const description = form.get('description');
    const text = typeof description === 'string' && description !== '' ? description : null;
    if (text !== null && [...text].length > DESCRIPTION_LIMIT) {
      return error(ctx, 422, `Validation failed: Description is too long (maximum is ${DESCRIPTION_LIMIT} characters)`);
    }
    const upload: StoredUpload = { id: nextId(), accountId: user.id, mime, bytes: bytes.length, description: text, processingReads: mediaProcessingReads, statusId: null };
    uploads.set(upload.id, upload);
    reply(ctx, upload.processingReads > 0 ? 202 : 200, uploadJson(upload));
  }

  /** GET /api/v1/media/:id: 206 while processing, then 200 with its url. */
  function readMedia(ctx: Ctx, user: StoredAccount, id: string): void {
    const u = uploads.get(id);
    if (!u || u.accountId !== user.id) return error(ctx, 404, 'Record not found');
    if (u.processingReads > 0) {
      u.processingReads -= 1;
      return reply(ctx, 206, uploadJson({ ...u, processingReads: 1 }));
    }
    reply(ctx, 200, uploadJson(u));
  }

  function postStatus(ctx: Ctx, user: StoredAccount): void {
    const key = (ctx.req.headers['idempotency-key'] as string | undefined) ?? null;
    if (key) {
      const seen = idempotency.get(`${user.id}:${key}`);
      if (seen && seen.at + IDEMPOTENCY_TTL_MS > now()) {
        // Mastodon's PostStatusService answers a repeated key with what it made the first time: the
        // status, or the scheduled status while it waits (found among the account's scheduled ones).
        if (seen.scheduled) {
          const waiting = scheduledStatuses.get(seen.statusId);
          if (waiting) return reply(ctx, 200, scheduledStatusJson(waiting));
          return error(ctx, 404, 'Record not found');
        }
        const original = statuses.get(seen.statusId);
        if (original) return reply(ctx, 200, statusJson(original));
      }
    }
    const text = field(ctx.body, 'status') ?? '';
    const mediaIds = listField(ctx.body, 'media_ids');
    if (!text.trim() && mediaIds.length === 0) return error(ctx, 422, "Validation failed: Text can't be blank");
    if (countCharacters(text) > maxCharacters) {
      return error(ctx, 422, `Validation failed: Text character limit of ${maxCharacters} exceeded`);
    }
    const visibility = (field(ctx.body, 'visibility') ?? 'public') as Visibility;
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility)) {
      return error(ctx, 422, "Validation failed: Visibility is not included in the list");
    }
    const inReplyToId = field(ctx.body, 'in_reply_to_id') ?? null;
    if (inReplyToId !== null) {
      const parent = statuses.get(inReplyToId);
      if (!parent || !visibleToMe(parent)) return error(ctx, 404, 'Record not found');
    }
    // PostStatusService#validate_media!: at most 4, the user's own, unattached, processed.
    if (mediaIds.length > MAX_MEDIA_ATTACHMENTS) return error(ctx, 422, `Validation failed: Media attachments can't be more than ${MAX_MEDIA_ATTACHMENTS}`);
    for (const id of mediaIds) {
      const u = uploads.get(id);
      if (!u || u.accountId !== user.id || u.statusId !== null) return error(ctx, 422, 'Validation failed: Media attachments are invalid');
      if (u.processingReads > 0) return error(ctx, 422, 'Cannot attach files that have not finished processing. Try again in a moment!');
    }
    const scheduledRaw = field(ctx.body, 'scheduled_at');
    if (scheduledRaw) {
      const scheduledAt = Date.parse(scheduledRaw);
      if (Number.isNaN(scheduledAt)) return error(ctx, 422, 'Validation failed: Scheduled at is invalid');
      // A time already past is published at once (PostStatusService#scheduled_in_the_past?); a time
      // less than 5 minutes ahead is refused (ScheduledStatusValidator, MIN_SCHEDULE_OFFSET).
      if (scheduledAt > now()) {
        if (scheduledAt <= now() + MIN_SCHEDULE_OFFSET_MS) return error(ctx, 422, 'Validation failed: Scheduled at must be at least 5 minutes ahead');
        const own = [...scheduledStatuses.values()].filter((x) => x.accountId === user.id);
        if (own.length >= SCHEDULED_TOTAL_LIMIT) return error(ctx, 422, `Validation failed: You have exceeded the limit of ${SCHEDULED_TOTAL_LIMIT} scheduled posts`);
        const day = new Date(scheduledAt).toISOString().slice(0, 10);
        if (own.filter((x) => new Date(x.scheduledAt).toISOString().slice(0, 10) === day).length >= SCHEDULED_DAILY_LIMIT) {
          return error(ctx, 422, `Validation failed: You have exceeded the limit of ${SCHEDULED_DAILY_LIMIT} scheduled posts for today`);
        }
        const waiting = { id: nextId(), accountId: user.id, scheduledAt, text, visibility, idempotencyKey: key, mediaIds };
        scheduledStatuses.set(waiting.id, waiting);
        if (key) idempotency.set(`${user.id}:${key}`, { statusId: waiting.id, at: now(), scheduled: true });
        return reply(ctx, 200, scheduledStatusJson(waiting));
      }
    }
    const status = createStatus(
      user,
      { text, inReplyToId, visibility, spoilerText: field(ctx.body, 'spoiler_text') ?? '' },
      { applicationName: 'Parvis', idempotencyKey: key, mediaIds },
    );
    if (key) idempotency.set(`${user.id}:${key}`, { statusId: status.id, at: now(), scheduled: false });
    reply(ctx, 200, statusJson(status));
  }

  function deleteStatus(ctx: Ctx, user: StoredAccount, id: string): void {
    const status = statuses.get(id);
    if (!status || status.deleted) return error(ctx, 404, 'Record not found');
    if (status.accountId !== user.id) return error(ctx, 403, 'This action is not allowed');
    status.deleted = true;
    reply(ctx, 200, statusJson(status, { withSource: true }));
  }

  function relationshipJson(accountId: string): Record<string, unknown> {
    const mute = mutes.get(accountId);
    return {
      id: accountId,
      following: false,
      showing_reblogs: false,
      notifying: false,
      languages: null,
      followed_by: false,
      blocking: blocks.has(accountId),
      blocked_by: false,
      muting: !!mute,
      muting_notifications: mute?.notifications ?? false,
      muting_expires_at: null,
      requested: false,
      requested_by: false,
      domain_blocking: false,
      endorsed: false,
      note: '',
    };
  }

  function accountAction(ctx: Ctx, user: StoredAccount, id: string, action: string): void {
    const target = accounts.get(id);
    if (!target) return error(ctx, 404, 'Record not found');
    if (target.id === user.id) return error(ctx, 422, 'Validation failed: You cannot do this to yourself');
    if (action === 'block') blocks.add(id);
    if (action === 'unblock') blocks.delete(id);
    if (action === 'mute') mutes.set(id, { notifications: boolField(ctx.body, 'notifications', true) });
    if (action === 'unmute') mutes.delete(id);
    reply(ctx, 200, relationshipJson(id));
  }

  function createReport(ctx: Ctx): void {
    const accountId = field(ctx.body, 'account_id') ?? '';
    const target = accounts.get(accountId);
    if (!target) return error(ctx, 404, 'Record not found');
    const statusIds = listField(ctx.body, 'status_ids');
    if (statusIds.some((id) => statuses.get(id)?.accountId !== accountId)) return error(ctx, 404, 'Record not found');
    const category = (field(ctx.body, 'category') ?? 'other') as StoredReport['category'];
    if (!['spam', 'legal', 'violation', 'other'].includes(category)) {
      return error(ctx, 422, 'Validation failed: Category is not included in the list');
    }
    const comment = field(ctx.body, 'comment') ?? '';
    if ([...comment].length > 1000) return error(ctx, 422, 'Validation failed: Comment is too long (maximum is 1000 characters)');
    const report: StoredReport = {
      id: String(reports.length + 1),
      accountId,
      statusIds,
      comment,
      category,
      forward: boolField(ctx.body, 'forward', false),
      ruleIds: listField(ctx.body, 'rule_ids'),
      createdAt: now(),
    };
    reports.push(report);
    reply(ctx, 200, {
      id: report.id,
      action_taken: false,
      action_taken_at: null,
      category: report.category,
      comment: report.comment,
      forwarded: report.forward,
      created_at: new Date(report.createdAt).toISOString(),
      status_ids: report.statusIds,
      rule_ids: report.ruleIds.length ? report.ruleIds : null,
      target_account: accountJson(target),
    });
  }

  /** GET /api/v1/accounts/:id/statuses: newest first, `limit` (default 20, at most 40), `max_id`. */
  function accountStatuses(ctx: Ctx, accountId: string): void {
    const limit = Math.min(40, Math.max(1, Number(ctx.url.searchParams.get('limit') ?? 20) || 20));
    const maxId = ctx.url.searchParams.get('max_id');
    const own = [...statuses.values()]
      .filter((s) => s.accountId === accountId && !s.deleted && visibleToMe(s))
      .filter((s) => maxId === null || BigInt(s.id) < BigInt(maxId))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      .slice(0, limit);
    reply(ctx, 200, own.map((s) => statusJson(s)));
  }

  async function route(ctx: Ctx): Promise<void> {
    const method = ctx.req.method ?? 'GET';
    const path = ctx.url.pathname.replace(/\/+$/, '') || '/';
    publishDueScheduled();
    if (method === 'POST' && path === '/api/v1/apps') return createApp(ctx);
    if (method === 'GET' && path === '/oauth/authorize') return authorize(ctx);
    if (method === 'POST' && path === '/oauth/token') return token(ctx);

    const readRoutes: [RegExp, (user: StoredAccount, m: RegExpExecArray) => void][] = [
      [/^\/api\/v1\/accounts\/verify_credentials$/, (user) => reply(ctx, 200, credentialAccountJson(user))],
      [/^\/api\/v1\/notifications$/, (user) => listNotifications(ctx, user)],
      [/^\/api\/v1\/conversations$/, () => listConversations(ctx)],
      [/^\/api\/v1\/statuses$/, () => listStatuses(ctx)],
      [
        /^\/api\/v1\/scheduled_statuses\/(\d+)$/,
        (user, m) => {
          const waiting = scheduledStatuses.get(m[1]!);
          if (!waiting || waiting.accountId !== user.id) return error(ctx, 404, 'Record not found');
          reply(ctx, 200, scheduledStatusJson(waiting));
        },
      ],
      [/^\/api\/v1\/accounts\/(\d+)\/statuses$/, (_u, m) => accountStatuses(ctx, m[1]!)],
      [/^\/api\/v1\/statuses\/(\d+)\/context$/, (_u, m) => statusContext(ctx, m[1]!)],
      [
        /^\/api\/v1\/statuses\/(\d+)$/,
        (_u, m) => {
          const s = statuses.get(m[1]!);
          if (!s || !visibleToMe(s)) return error(ctx, 404, 'Record not found');
          reply(ctx, 200, statusJson(s));
        },
      ],
    ];
    const writeRoutes: [string, RegExp, (user: StoredAccount, m: RegExpExecArray) => void | Promise<void>][] = [
      ['POST', /^\/api\/v1\/statuses$/, (user) => postStatus(ctx, user)],
      ['POST', /^\/api\/v2\/media$/, (user) => uploadMedia(ctx, user)],
      ['GET', /^\/api\/v1\/media\/(\d+)$/, (user, m) => readMedia(ctx, user, m[1]!)],
      ['DELETE', /^\/api\/v1\/statuses\/(\d+)$/, (user, m) => deleteStatus(ctx, user, m[1]!)],
      ['POST', /^\/api\/v1\/accounts\/(\d+)\/(block|unblock|mute|unmute)$/, (user, m) => accountAction(ctx, user, m[1]!, m[2]!)],
      ['POST', /^\/api\/v1\/reports$/, () => createReport(ctx)],
      ['PUT', /^\/api\/v1\/scheduled_statuses\/(\d+)$/, (user, m) => rescheduleStatus(ctx, user, m[1]!)],
      ['DELETE', /^\/api\/v1\/scheduled_statuses\/(\d+)$/, (user, m) => cancelScheduledStatus(ctx, user, m[1]!)],
    ];
    if (method === 'GET') {
      for (const [pattern, handle] of readRoutes) {
        const m = pattern.exec(path);
        if (!m) continue;
        const user = authenticate(ctx, 'read');
        if (user) handle(user, m);
        return;
      }
    }
    for (const [verb, pattern, handle] of writeRoutes) {
      if (verb !== method) continue;
      const m = pattern.exec(path);
      if (!m) continue;
      const user = authenticate(ctx, 'write');
      if (user) await handle(user, m);
      return;
    }
    error(ctx, 404, 'Record not found');
  }

  // ---- Control -------------------------------------------------------------------------------

  function requireAccount(acct: string): StoredAccount {
    return addAccount(acct);
  }

  function mentionPrefix(text: string): string {
    return new RegExp(`(^|\\s)@${me.username}(\\s|$|@)`, 'i').test(text) ? text : `@${me.username} ${text}`;
  }

  function lastNotificationFor(statusId: string): string {
    return notifications.find((n) => n.statusId === statusId)?.id ?? '';
  }

  const control: MastodonControl = {
    meId: me.id,
    accessToken: seeded.accessToken,
    addAccount(acct, displayName) {
      const a = addAccount(acct, displayName);
      return { id: a.id, acct: acctOf(a) };
    },
    addPost(input) {
      return { statusId: createStatus(me, input).id };
    },
    addStatus(input) {
      return { statusId: createStatus(requireAccount(input.from), input).id };
    },
    addMention(input) {
      const status = createStatus(requireAccount(input.from), { ...input, text: mentionPrefix(input.text) });
      return { statusId: status.id, notificationId: lastNotificationFor(status.id) };
    },
    addReply(input) {
      if (!statuses.has(input.to)) throw new Error(`unknown status ${input.to}`);
      const status = createStatus(requireAccount(input.from), { ...input, inReplyToId: input.to, text: mentionPrefix(input.text) });
      return { statusId: status.id, notificationId: lastNotificationFor(status.id) };
    },
    addDirectMessage(input) {
      const status = createStatus(requireAccount(input.from), { ...input, visibility: 'direct', text: mentionPrefix(input.text) });
      const conversation = conversations.find((c) => c.lastStatusId === status.id);
      return { statusId: status.id, notificationId: lastNotificationFor(status.id), conversationId: conversation?.id ?? '' };
    },
    addMany(count, kind, options = {}) {
      const ids: string[] = [];
      for (let i = 1; i <= count; i++) {
        const from = options.from ?? `member${(i % 7) + 1}`;
        const text = `${kind} number ${i}`;
        if (kind === 'dm') ids.push(control.addDirectMessage({ from, text }).statusId);
        else if (kind === 'reply') {
          const to: string = options.to ?? control.addPost({ text: 'What do you think of our new release?' }).statusId;
          options = { ...options, to };
          ids.push(control.addReply({ from, to, text }).statusId);
        } else ids.push(control.addMention({ from, text }).statusId);
      }
      return ids;
    },
    addMalformed(where = 'notifications') {
      const id = nextId();
      if (where === 'notifications') {
        // Missing account and a status whose created_at is not a date and whose account has no id.
        notifications.push({
          id,
          type: 'mention',
          accountId: me.id,
          statusId: '',
          createdAt: now(),
          malformed: { id, type: 'mention', created_at: 'yesterday', status: { id: 42, content: null } },
        });
      } else {
        conversations.push({
          id,
          rootId: id,
          participantIds: [],
          lastStatusId: id,
          unread: true,
          malformed: { id, unread: 'yes', accounts: 'nobody', last_status: { id: null } },
        });
      }
      return { id };
    },
    failNext(fault, count = 1) {
      faults.add(fault, count);
    },
    loseNextAnswers(count = 1, status = 502) {
      for (let i = 0; i < count; i++) lostAnswers.push(status);
    },
    expireTokens() {
      tokens.expireAll();
    },
    setAuthorization(decision) {
      authorizationDecision = decision;
    },
    state() {
      publishDueScheduled();
      return {
        me: { id: me.id, username: me.username },
        scheduled: [...scheduledStatuses.values()]
          .filter((x) => x.accountId === me.id)
          .map(({ id, scheduledAt, text, idempotencyKey }) => ({ id, scheduledAt, text, idempotencyKey })),
        posted: [...statuses.values()]
          .filter((s) => s.accountId === me.id)
          .map(({ id, text, inReplyToId, visibility, idempotencyKey, deleted, media }) => ({
            id,
            text,
            inReplyToId,
            visibility,
            idempotencyKey,
            deleted,
            // Only on statuses with media, so that a text status reads as before.
            ...(media.length > 0 ? { media: media.map((m) => ({ id: m.id, description: m.description, mime: m.mime ?? null })) } : {}),
          })),
        uploads: [...uploads.values()].filter((u) => u.accountId === me.id).map(({ id, mime, bytes, description, statusId }) => ({ id, mime, bytes, description, statusId })),
        blocks: [...blocks],
        mutes: [...mutes.entries()].map(([accountId, m]) => ({ accountId, notifications: m.notifications })),
        reports: reports.map((r) => ({ ...r, statusIds: [...r.statusIds], ruleIds: [...r.ruleIds] })),
        apps: [...apps.values()].map((a) => ({ clientId: a.clientId, name: a.name, redirectUris: a.redirectUris, scopes: a.scopes })),
        requests: requests.map((r) => ({ ...r })),
      };
    },
    status(id) {
      return statuses.get(id);
    },
    boost(statusId) {
      const status = statuses.get(statusId);
      if (!status || !visibleToMe(status)) throw new Error(`unknown status ${statusId}`);
      boostedByMe.add(statusId);
    },
    editStatus(statusId, input) {
      const status = statuses.get(statusId);
      if (!status || status.deleted) throw new Error(`unknown status ${statusId}`);
      const mentionIds: string[] = [];
      const rendered = renderContent(input.text, mentionIds, []);
      status.text = input.text;
      status.content = input.html ?? rendered;
      // Mastodon keeps earlier mentions and adds new ones (ProcessMentionsService).
      for (const id of mentionIds) if (!status.mentionIds.includes(id)) status.mentionIds.push(id);
      // Never the same instant as the creation, even on a frozen test clock.
      status.editedAt = Math.max(now(), (status.editedAt ?? status.createdAt) + 1);
      if (!boostedByMe.has(statusId) || status.accountId === me.id) return { notificationId: null };
      const notification: StoredNotification = { id: nextId(), type: 'update', accountId: status.accountId, statusId, createdAt: status.editedAt };
      notifications.push(notification);
      return { notificationId: notification.id };
    },
    deleteStatus(statusId) {
      const status = statuses.get(statusId);
      if (!status) throw new Error(`unknown status ${statusId}`);
      status.deleted = true;
    },
    setMediaProcessingReads(reads) {
      mediaProcessingReads = reads;
    },
    setMultiStatusRead(enabled) {
      multiStatusRead = enabled;
    },
    setNotificationPolicy(patch) {
      Object.assign(policy, patch);
    },
    follow(acct) {
      followedByMe.add(addAccount(acct).id);
    },
  };

  /** `/__control/...`: the same operations over HTTP, for Playwright and the demo process. */
  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    const input = (body.json ?? Object.fromEntries(body.form)) as Record<string, unknown>;
    const op = url.pathname.slice('/__control/'.length);
    const str = (name: string) => (typeof input[name] === 'string' ? (input[name] as string) : undefined);
    try {
      if (req.method === 'GET' && op === 'state') return sendJson(res, 200, control.state());
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
      const from = str('from') ?? 'alice';
      const text = str('text') ?? '';
      const attachments = Array.isArray(input.attachments) ? (input.attachments as StatusInput['attachments']) : undefined;
      switch (op) {
        case 'account':
          return sendJson(res, 200, control.addAccount(str('acct') ?? '', str('displayName')));
        case 'post':
          return sendJson(res, 200, control.addPost({ text, visibility: str('visibility') as Visibility | undefined, attachments }));
        case 'status':
          return sendJson(
            res,
            200,
            control.addStatus({ from, text, inReplyToId: str('inReplyToId'), visibility: str('visibility') as Visibility | undefined, attachments }),
          );
        case 'mention':
          return sendJson(
            res,
            200,
            control.addMention({ from, text, inReplyToId: str('inReplyToId'), visibility: str('visibility') as Visibility | undefined, attachments }),
          );
        case 'reply':
          return sendJson(res, 200, control.addReply({ from, to: str('to') ?? '', text, attachments }));
        case 'dm':
          return sendJson(res, 200, control.addDirectMessage({ from, text, inReplyToId: str('inReplyToId'), attachments }));
        case 'many': {
          const count = Number(input.count ?? 1);
          const kind = (str('kind') ?? 'mention') as 'mention' | 'dm' | 'reply';
          if (!Number.isInteger(count) || count < 1 || count > 10_000) return sendJson(res, 400, { error: 'count must be 1..10000' });
          return sendJson(res, 200, { statusIds: control.addMany(count, kind, { from: str('from'), to: str('to') }) });
        }
        case 'boost':
          control.boost(str('statusId') ?? '');
          return sendJson(res, 200, { ok: true });
        case 'edit':
          return sendJson(res, 200, control.editStatus(str('statusId') ?? '', { text, html: str('html') }));
        case 'delete':
          control.deleteStatus(str('statusId') ?? '');
          return sendJson(res, 200, { ok: true });
        case 'malformed':
          return sendJson(res, 200, control.addMalformed(str('where') === 'conversations' ? 'conversations' : 'notifications'));
        case 'fault': {
          const parsed = parseFault(input);
          if ('error' in parsed) return sendJson(res, 400, { error: parsed.error });
          control.failNext(parsed.fault, parsed.count);
          return sendJson(res, 200, { pending: faults.pending });
        }
        case 'lose-answers': {
          const count = Number(input.count ?? 1);
          const status = Number(input.status ?? 502);
          if (!Number.isInteger(count) || count < 1 || !Number.isInteger(status) || status < 500 || status > 599) {
            return sendJson(res, 400, { error: 'count must be >= 1 and status 5xx' });
          }
          control.loseNextAnswers(count, status);
          return sendJson(res, 200, { ok: true });
        }
        case 'expire-tokens':
          control.expireTokens();
          return sendJson(res, 200, { ok: true });
        case 'authorization':
          control.setAuthorization(str('decision') === 'deny' ? 'deny' : 'approve');
          return sendJson(res, 200, { ok: true });
        case 'notification-policy': {
          const outcome = (value: string | undefined) => (value === 'accept' || value === 'filter' || value === 'drop' ? value : undefined);
          const patch: Partial<NotificationPolicy> = {};
          const forNotFollowing = outcome(str('forNotFollowing'));
          const forNewAccounts = outcome(str('forNewAccounts'));
          if (forNotFollowing) patch.forNotFollowing = forNotFollowing;
          if (forNewAccounts) patch.forNewAccounts = forNewAccounts;
          control.setNotificationPolicy(patch);
          return sendJson(res, 200, { ok: true });
        }
        case 'follow':
          control.follow(str('acct') ?? '');
          return sendJson(res, 200, { ok: true });
        default:
          return sendJson(res, 404, { error: `unknown control operation ${op}` });
      }
    } catch (err) {
      return sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  const server = await startLocalServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/__control/')) return handleControl(req, res, url);
    const headers = countRequest();
    const log: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
      status: 0,
    };
    requests.push(log);
    const fault = faults.take();
    if (fault) {
      log.status = fault.kind === 'rate-limit' ? 429 : fault.kind === 'server-error' ? fault.status : fault.kind === 'hang' ? 0 : 200;
      return answerWithFault(res, fault, faultStyle, now(), headers);
    }
    if (windowCount > rateLimit.limit) {
      log.status = 429;
      return sendJson(res, 429, { error: 'Too many requests' }, { ...headers, 'X-RateLimit-Remaining': '0' });
    }
    const body = await readBody(req);
    const lost = lostAnswers.shift();
    if (lost !== undefined) {
      // Carry the request out against a sink, then answer as a failing proxy would.
      const sink = { headersSent: false, writeHead: () => sink, end: () => sink } as unknown as ServerResponse;
      await route({ req, res: sink, url, body, headers, status: 0 });
      log.status = lost;
      return sendJson(res, lost, faultStyle.errorBody(lost, 'Bad gateway'), headers);
    }
    const ctx: Ctx = { req, res, url, body, headers, status: 0 };
    await route(ctx);
    log.status = ctx.status;
  });
  base = server.url;

  return { url: server.url, close: () => server.close(), control };
}
