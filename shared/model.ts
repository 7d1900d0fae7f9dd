/**
 * The shared model: zod schemas for every entity that crosses the contract.
 * Types are inferred from the schemas; never hand-write the same shape twice.
 * Only plain data: numeric ids, strings, numbers, epoch milliseconds.
 */
import { z } from 'zod';
import { ErrorCode } from './errors';

/**
 * A network's id, e.g. the name of its folder in the core. Which networks exist is the core's
 * business (one descriptor per network): nothing in shared code lists them.
 */
export const Network = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a network id is lower-case letters, digits and dashes');
export type Network = z.infer<typeof Network>;

export const Id = z.number().int().positive();
export type Id = z.infer<typeof Id>;

/** Epoch milliseconds. */
export const Timestamp = z.number().int().nonnegative();

export const STATUSES = ['open', 'pending', 'snoozed', 'done'] as const;
export const ConversationStatus = z.enum(STATUSES);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const CONVERSATION_KINDS = ['comment', 'mention', 'dm', 'review', 'email', 'feed'] as const;
export const ConversationKind = z.enum(CONVERSATION_KINDS);
export type ConversationKind = z.infer<typeof ConversationKind>;

/** Moderation state of one message, as known locally (the network is told through the outbox). */
export const MODERATION_STATES = ['visible', 'held', 'hidden', 'removed', 'spam'] as const;
export const ModerationState = z.enum(MODERATION_STATES);
export type ModerationState = z.infer<typeof ModerationState>;

/** Delivery state of an outgoing message or action (the outbox row behind it). */
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed', 'dead'] as const;
export const DeliveryState = z.enum(DELIVERY_STATES);
export type DeliveryState = z.infer<typeof DeliveryState>;

/** Moderation actions a network may support (see each connector's capabilities). */
export const MODERATION_ACTIONS = [
  'hide',
  'unhide',
  'remove',
  'hold',
  'approve',
  'spam',
  'delete-own',
  'block-author',
  'ban-author',
  'mute-author',
  'report',
  'unblock-author',
  'unmute-author',
  'unban-author',
  /** Closes a post or comment to new comments (Reddit's lock, Instagram's comments turned off on a media). */
  'lock',
  'unlock',
  /** Files a message out of the inbox into the archive folder (email), and back. */
  'archive',
  'unarchive',
] as const;
export type ModerationActionName = (typeof MODERATION_ACTIONS)[number];

/**
 * Harsh actions taken by hand wait this long in the outbox before they leave, with "Undo" on
 * screen meanwhile (as Gmail's undo send): an action undone in time never reaches the network.
 * Rules act at once (nobody is there to undo), and the ways back (unhide, unblock…) are not held.
 */
export const MODERATION_UNDO_WINDOW_MS = 5_000;

/** The actions held for `MODERATION_UNDO_WINDOW_MS` before they leave (see above). */
export const UNDOABLE_MODERATION_ACTIONS: readonly ModerationActionName[] = ['hide', 'remove', 'spam', 'block-author', 'mute-author', 'ban-author', 'lock', 'archive'];

/**
 * Every kind of entry the core writes to a conversation's activity log (each has a sentence in
 * the renderer's catalogues under `activity.<kind>`).
 */
export const ACTIVITY_KINDS = ['status', 'tag', 'untag', 'assign', 'unassign', 'note', 'reply', 'reply-sent', 'moderation'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACCOUNT_STATES = ['ok', 'needs-sign-in', 'error', 'paused'] as const;
export const AccountState = z.enum(ACCOUNT_STATES);
export type AccountState = z.infer<typeof AccountState>;

/**
 * What the user is told about an account, derived from its state and its last error in one place
 * so that "all good" never stands beside an error: `degraded` is an account Parvis still polls
 * (offline, a server outage, a rate limit) whose last attempt failed.
 */
export const ACCOUNT_STATUSES = ['ok', 'degraded', 'error', 'needs-sign-in', 'paused'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export function accountStatus(account: { state: AccountState; lastError: { kind: string } | null }): AccountStatus {
  if (account.state === 'ok') return account.lastError ? 'degraded' : 'ok';
  return account.state;
}

export const ERROR_KINDS = [
  'invalid-input',
  'not-found',
  'conflict',
  'auth',
  'rate-limited',
  'network',
  'not-supported',
  'bad-response',
  'keychain-unavailable',
  'storage',
  'internal',
] as const;
export const ErrorKind = z.enum(ERROR_KINDS);
export type ErrorKind = z.infer<typeof ErrorKind>;

/**
 * An error the core reports: `kind` says what the core does about it, `code` (a closed list,
 * `shared/errors.ts`) what the user is told, in the renderer's catalogues. `message` is English for
 * the logs and never shown; `detail` is the server's own words, when it gave some, shown quoted.
 */
export const AppError = z.object({
  kind: ErrorKind,
  code: ErrorCode,
  message: z.string(),
  detail: z.string().nullable().optional(),
});
export type AppError = z.infer<typeof AppError>;

export const RateLimit = z.object({
  limit: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  /** When the window resets, epoch ms. */
  resetAt: Timestamp.nullable(),
  /** Daily quota in units (YouTube), when the network has one. */
  quotaUsed: z.number().int().nullable().optional(),
  quotaLimit: z.number().int().nullable().optional(),
});
export type RateLimit = z.infer<typeof RateLimit>;

export const Account = z.object({
  id: Id,
  network: Network,
  handle: z.string(),
  displayName: z.string(),
  /**
   * The name the user gave the account in Parvis, shown instead of the network's display name
   * wherever the account is named (several accounts of one brand share that name). Null: none.
   */
  label: z.string().nullable().optional(),
  /** Base URL of the server (Mastodon instance, PDS, API root). */
  serverUrl: z.string(),
  state: AccountState,
  lastPollAt: Timestamp.nullable(),
  nextPollAt: Timestamp.nullable(),
  lastError: AppError.nullable(),
  rateLimit: RateLimit.nullable(),
  createdAt: Timestamp,
  /** The settings its network declares (`accountSettings`), as the user set them; absent: the defaults. */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Its removal has begun: it is paused and what it holds goes a slice at a time. */
  removing: z.boolean().optional(),
});
export type Account = z.infer<typeof Account>;

export const Author = z.object({
  id: Id,
  accountId: Id,
  network: Network,
  remoteId: z.string(),
  handle: z.string(),
  name: z.string(),
  avatarUrl: z.string().nullable(),
  profileUrl: z.string().nullable(),
  blocked: z.boolean(),
  muted: z.boolean(),
  /** Banned from the account's channel or group (YouTube, Telegram), as far as Parvis has told the network. */
  banned: z.boolean().default(false),
  /** Local notes on the author (never sent to a network). */
  notes: z.string(),
});
export type Author = z.infer<typeof Author>;

export const Attachment = z.object({
  kind: z.enum(['image', 'video', 'link', 'file']),
  url: z.string(),
  previewUrl: z.string().nullable().optional(),
  alt: z.string().nullable().optional(),
  /** Set by local screening (moderation): the renderer keeps it blurred until revealed. */
  flagged: z.boolean().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Tag = z.object({
  id: Id,
  /** Stable string id (ULID), the same on every desktop of a team workspace; `id` is local. */
  uid: z.string().optional(),
  name: z.string(),
  /** A CSS hex color, #rrggbb. */
  color: z.string(),
});
export type Tag = z.infer<typeof Tag>;

export const Member = z.object({
  id: Id,
  /** Stable string id (ULID), the same on every desktop of a team workspace; `id` is local. */
  uid: z.string().optional(),
  name: z.string(),
  isMe: z.boolean(),
  /** Only on "me" before the user gave their name (first start): `name` is a placeholder then. */
  unnamed: z.literal(true).optional(),
});
export type Member = z.infer<typeof Member>;

/** One row of the inbox list. */
export const ConversationSummary = z.object({
  id: Id,
  /** Stable string id (ULID), the same on every desktop of a team workspace; `id` is local. */
  uid: z.string().optional(),
  accountId: Id,
  network: Network,
  kind: ConversationKind,
  status: ConversationStatus,
  snoozeUntil: Timestamp.nullable(),
  assigneeId: Id.nullable(),
  tagIds: z.array(Id),
  unread: z.boolean(),
  /** Held for review by a rule or the network. */
  held: z.boolean(),
  lastActivityAt: Timestamp,
  snippet: z.string(),
  messageCount: z.number().int(),
  author: z.object({ id: Id, name: z.string(), handle: z.string() }).nullable(),
  /** What the conversation hangs on (the post commented on), short. */
  contextTitle: z.string().nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

/** A passage of a message a rule caught, with offsets into the message's text (UTF-16). */
export const FlagMatch = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  term: z.string(),
  category: z.string().nullable(),
});
export type FlagMatch = z.infer<typeof FlagMatch>;

/** Why a message was flagged: the rule and what it matched. */
export const MessageFlag = z.object({
  ruleId: z.string(),
  ruleName: z.string(),
  matches: z.array(FlagMatch),
  at: Timestamp,
});
export type MessageFlag = z.infer<typeof MessageFlag>;

export const Message = z.object({
  id: Id,
  /** Stable string id (ULID), the same on every desktop of a team workspace; `id` is local. */
  uid: z.string().optional(),
  conversationId: Id,
  remoteId: z.string().nullable(),
  parentRemoteId: z.string().nullable(),
  authorId: Id.nullable(),
  direction: z.enum(['in', 'out']),
  text: z.string(),
  /** Network-supplied HTML, untrusted: the renderer sanitizes it before showing it. */
  html: z.string().nullable(),
  attachments: z.array(Attachment),
  createdAt: Timestamp,
  moderation: ModerationState,
  permalink: z.string().nullable(),
  /** For outgoing messages: where the reply stands in the outbox. */
  delivery: DeliveryState.nullable(),
  /** The outbox's log of the last failure (English, never shown); `deliveryErrorCode` is what the user is told. */
  deliveryError: z.string().nullable(),
  deliveryErrorCode: ErrorCode.nullable().optional(),
  /** Rules that caught this message (review queue), newest first. */
  flags: z.array(MessageFlag),
  /** Moderation actions waiting for or failed on the network, for this message. */
  pendingModeration: z.array(z.object({ action: z.string(), state: DeliveryState, error: z.string().nullable(), errorCode: ErrorCode.nullable().optional() })),
  /** When the network reported the last edit of this message (the text shown is the edited one). */
  editedAt: Timestamp.nullable().optional(),
  /** When Parvis learned that the message was deleted on its network; the text is kept locally. */
  deletedAt: Timestamp.nullable().optional(),
  /** Closed to new comments on its network (see the `lock` moderation action). */
  locked: z.boolean().optional(),
  /** Filed into its mailbox's archive folder (see the `archive` moderation action). */
  archived: z.boolean().optional(),
});
export type Message = z.infer<typeof Message>;

export const Note = z.object({
  id: Id,
  /** Stable string id (ULID), the same on every desktop of a team workspace; `id` is local. */
  uid: z.string().optional(),
  conversationId: Id,
  memberId: Id.nullable(),
  text: z.string(),
  createdAt: Timestamp,
});
export type Note = z.infer<typeof Note>;

export const Activity = z.object({
  id: Id,
  at: Timestamp,
  /** Who did it: a member's name, "rule: <name>", or "system". */
  actor: z.string(),
  conversationId: Id.nullable(),
  kind: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type Activity = z.infer<typeof Activity>;

export const ConversationDetail = z.object({
  conversation: ConversationSummary,
  account: z.object({ id: Id, network: Network, handle: z.string(), displayName: z.string() }),
  context: z
    .object({
      text: z.string(),
      url: z.string().nullable(),
      authorName: z.string().nullable(),
      /** Whether the conversation answers this post or quotes it. */
      relation: z.enum(['reply', 'quote']).optional(),
    })
    .nullable(),
  messages: z.array(Message),
  authors: z.array(Author),
  notes: z.array(Note),
  activity: z.array(Activity),
  /** How many other conversations the main author has with this account. */
  authorConversationCount: z.number().int(),
  /** The language the community writes in here, when it can be told (saved replies in it come first). */
  language: z.enum(['fr', 'en']).nullable().optional(),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const Draft = z.object({
  conversationId: Id,
  text: z.string(),
  updatedAt: Timestamp,
});
export type Draft = z.infer<typeof Draft>;

export const Settings = z.object({
  /** "system" follows the OS / browser locale. */
  language: z.enum(['system', 'fr', 'en']),
  theme: z.enum(['system', 'light', 'dark']),
  /** Default poll interval for accounts, seconds. */
  pollIntervalSeconds: z.number().int().min(15).max(3600),
  notifications: z.boolean(),
  /** Saved views whose new messages raise a desktop notification (conversations assigned to me always do). */
  followedViewIds: z.array(Id).max(100),
  /** Desktop app: start Parvis when the user logs in. */
  openAtLogin: z.boolean(),
  /** Desktop app: closing the window keeps Parvis polling in the tray (quit from the tray's menu). */
  keepRunningInTray: z.boolean(),
  /** Desktop app: download and install updates in the background (electron-updater). Off by default. */
  autoUpdate: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  language: 'system',
  theme: 'system',
  pollIntervalSeconds: 60,
  notifications: true,
  followedViewIds: [],
  openAtLogin: false,
  keepRunningInTray: false,
  autoUpdate: false,
};
