/**
 * The connector interface: what every network adapter implements.
 * Connectors hold no schedule and no state; the sync scheduler owns both.
 */
import type { Attachment, ConversationKind, ModerationState, Network, RateLimit } from '../../../shared/model';
import { errorCodeFor, type ErrorCode } from '../../../shared/errors';

/** An author as a network describes it. */
export interface NormalizedAuthor {
  remoteId: string;
  handle: string;
  name: string;
  avatarUrl?: string | null;
  profileUrl?: string | null;
}

/**
 * One message, normalized. The store groups messages into conversations by `threadRemoteId`
 * and deduplicates them by (account, remoteId).
 */
export interface NormalizedItem {
  /** The network's id of this message (unique per account). */
  remoteId: string;
  /** The id of the conversation this belongs to (the root post, the DM conversation, the comment thread). */
  threadRemoteId: string;
  /** The message it answers, when known. */
  parentRemoteId?: string | null;
  kind: ConversationKind;
  /** 'in' from the community, 'out' from the connected account itself. */
  direction: 'in' | 'out';
  author: NormalizedAuthor;
  /** Plain text (HTML already turned into text). */
  text: string;
  /** Original HTML when the network sends HTML; untrusted, sanitized by the renderer. */
  html?: string | null;
  attachments?: Attachment[];
  createdAt: number;
  permalink?: string | null;
  moderation?: ModerationState;
  /** What the thread hangs on (the video or post commented on), when known. */
  context?: {
    remoteId?: string | null;
    text: string;
    url?: string | null;
    authorName?: string | null;
    /** How the message relates to it: it answers it (`reply`, the default) or quotes it (`quote`). */
    relation?: 'reply' | 'quote';
  } | null;
  /** Extra network data kept with the message (e.g. Bluesky cid, YouTube channel id). JSON-safe. */
  extra?: Record<string, unknown>;
  /**
   * Set when the network says this message was edited (epoch ms of the edit): the item then
   * carries the edited text, HTML and attachments, and replaces what is stored for the same
   * remote id (an edit of a message never seen is stored as new). Replaying it changes nothing.
   */
  editedAt?: number | null;
  /** Closed to new comments on the network (a locked Reddit post or comment, an Instagram media with comments off). */
  locked?: boolean;
}

/**
 * A message deleted on its network. Networks say no more than its id (Mastodon's deleted statuses
 * and YouTube's deleted comments simply disappear), so this is not a NormalizedItem.
 */
export interface NormalizedDeletion {
  /** The network's id of the deleted message. */
  remoteId: string;
  /** When Parvis learned of it, epoch ms (the networks do not say when it happened). */
  deletedAt: number;
}

/** The result of one poll: a page of items and the cursor to resume from. */
export interface PollResult {
  items: NormalizedItem[];
  /** Opaque; stored with the page in one transaction. Null keeps the previous cursor. */
  cursor: string | null;
  /** True when the connector has more pages right now (the scheduler polls again soon). */
  hasMore: boolean;
  rateLimit: RateLimit | null;
  /** Items that could not be understood; logged and skipped, the rest of the page is kept. */
  skipped: { remoteId: string | null; reason: string }[];
  /** Messages found deleted on the network since they were polled (stored ones are marked, kept). */
  deleted?: NormalizedDeletion[];
}

export type ModerationAction =
  | 'hide'
  | 'unhide'
  | 'remove'
  | 'hold'
  | 'approve'
  | 'spam'
  | 'delete-own'
  | 'block-author'
  | 'ban-author'
  | 'mute-author'
  | 'report'
  | 'unblock-author'
  | 'unmute-author'
  | 'unban-author'
  | 'lock'
  | 'unlock'
  | 'archive'
  | 'unarchive';

export interface Capabilities {
  /** Maximum reply length in characters (graphemes for Bluesky). */
  maxReplyLength: number;
  directMessages: boolean;
  reply: boolean;
  moderation: ModerationAction[];
  /** Reason shown in the UI for actions the network cannot do, keyed by action. */
  unsupportedReasons?: Partial<Record<ModerationAction, string>>;
  /**
   * Direct messages can be answered only this long after the person's last message (Meta's
   * messaging window); `extendedHours` when a person, not a bot, answers (Meta's human agent tag).
   */
  replyWindow?: { hours: number; extendedHours: number | null };
  /** A comment's author can be answered privately, in a direct message (Meta's private replies). */
  privateReplies?: boolean;
  /** A ban can last a number of days (`ModerateRequest.durationDays`); absent: a ban has no length. */
  banDuration?: BanDuration;
  /**
   * Banning the author from a message also takes that message down on the network (YouTube
   * rejects the comment it bans from). Elsewhere the message stays where it is, and so it does in
   * Parvis: remove it as well if it must go.
   */
  banRemovesMessage?: boolean;
}

/** How long a network lets a ban last. */
export interface BanDuration {
  /** The longest ban in days the network takes (Reddit 999; Telegram 366, longer is forever). */
  maxDays: number;
  /** A ban may be permanent (sent without a length). */
  permanent: boolean;
  /** What a ban without a chosen length lasts, in days; null: permanent. */
  defaultDays: number | null;
}

/** Everything a connector needs to act for one account. Secrets come from the keychain. */
export interface AccountContext {
  accountId: number;
  network: Network;
  serverUrl: string;
  /** Network's id of the connected account (Mastodon account id, Bluesky DID, YouTube channel id). */
  remoteId: string;
  handle: string;
  /** Secret material (tokens), read from the SecretStore by the scheduler. */
  credentials: Record<string, string>;
  /** The account's settings as the user set them (the descriptor's `accountSettings`); never secrets. */
  settings?: Readonly<Record<string, string | number | boolean>>;
  /** Called when the connector refreshed its tokens; the caller writes them to the keychain. */
  onCredentialsRefreshed?: (credentials: Record<string, string>) => Promise<void>;
  /**
   * Which of these remote ids the inbox already holds for this account. Lets a connector re-read
   * an older stretch (a network that lists late items behind newer ones) without delivering again
   * what it has; absent, the connector relies on its cursor alone (the store deduplicates anyway).
   */
  knownRemoteIds?: (remoteIds: string[]) => Set<string>;
}

export interface ReplyRequest {
  conversationRemoteId: string;
  /** The message answered. */
  parentRemoteId: string;
  text: string;
  /** Stable across retries: the outbox's idempotency key. */
  idempotencyKey: string;
  /** Data stored with the parent message (e.g. Bluesky cid and root ref). */
  parentExtra?: Record<string, unknown>;
  /** Answer the parent's author privately (a direct message) rather than in public. */
  private?: boolean;
}

export interface ReplyResult {
  remoteId: string;
  permalink?: string | null;
  createdAt: number;
  extra?: Record<string, unknown>;
}

export interface ModerateRequest {
  action: ModerationAction;
  /** The message acted on. */
  messageRemoteId: string;
  authorRemoteId: string;
  conversationRemoteId: string;
  reason?: string;
  /** `ban-author` only, where the network's `banDuration` allows it: days the ban lasts (absent: the network's default, see `BanDuration`). */
  durationDays?: number;
  messageExtra?: Record<string, unknown>;
  idempotencyKey: string;
}

/** One target of a post, as the network receives it. */
export interface PublishRequest {
  /** The text as published (the variant, with the link). */
  text: string;
  /** Stable for the target across retries and restarts (its uid): Idempotency-Key, record key. */
  idempotencyKey: string;
  /**
   * Set only to hand the post to the network's own scheduler (see `Connector.scheduling`): the
   * network publishes it then, Parvis running or not. Absent: publish now.
   */
  scheduledAt?: number | null;
  /** The article's title, for networks whose publish kind is 'article' (the descriptor's `titleRequired`). */
  title?: string | null;
  /** Images to attach, in order (absent or empty: text only). */
  media?: readonly PublishMedia[];
}

/** One image of a post, from the local media library. */
export interface PublishMedia {
  mime: string;
  /** Alt text (the core never schedules an image without one). */
  alt: string;
  /** Size in bytes, and the displayed dimensions when known (Bluesky's aspectRatio). */
  bytes: number;
  width: number | null;
  height: number | null;
  /** SHA-256 of the bytes (a file name that says nothing about the user's disk). */
  sha256: string;
  /** Reads the bytes, at send time. */
  load(): Buffer | Promise<Buffer>;
}

export type PublishResult =
  | { kind: 'published'; remoteId: string; permalink: string | null; createdAt: number }
  /** The network holds the post until its time. */
  | { kind: 'scheduled'; remoteScheduledId: string };

export interface Connector {
  readonly network: Network;
  readonly capabilities: Capabilities;
  /** Checks the credentials and returns who they belong to. */
  verify(ctx: AccountContext): Promise<NormalizedAuthor>;
  /** Fetches one page of new activity since `cursor` (null: first poll). */
  poll(ctx: AccountContext, cursor: string | null): Promise<PollResult>;
  reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult>;
  moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }>;
  /**
   * After a crash, looks for the remote result of a reply that may or may not have been sent.
   * Returns it if found, null if the network has no such reply (safe to send).
   */
  findReply?(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult | null>;
  /**
   * Publishes a post, exactly once per `idempotencyKey`: sending the same request again (after a
   * crash or a lost answer) answers the first post instead of making a second one.
   */
  publish?(ctx: AccountContext, req: PublishRequest): Promise<PublishResult>;
  /** Present when the network schedules posts itself; it refuses times closer than `minLeadMs`. */
  readonly scheduling?: { minLeadMs: number };
  /**
   * After the time of a post handed to the network's scheduler: the published post, or null while
   * the network still holds it; throws `bad-response` when the network has neither (cancelled there).
   */
  findScheduled?(ctx: AccountContext, req: PublishRequest & { remoteScheduledId: string }): Promise<PublishResult | null>;
  /** Moves a post the network holds to a new time (at least `scheduling.minLeadMs` ahead). */
  rescheduleHeld?(ctx: AccountContext, req: { remoteScheduledId: string; scheduledAt: number }): Promise<void>;
  /** Takes back a post the network holds (it will not publish it); false when the network no longer holds it. */
  cancelHeld?(ctx: AccountContext, req: { remoteScheduledId: string }): Promise<boolean>;
  /**
   * Present when the network can push news (IMAP IDLE): opens a connection that calls `onChange`
   * when something new is there, so the scheduler polls at once instead of at the next interval.
   * The connector keeps it open (reconnecting with a backoff) until `close`; polling goes on as
   * usual, so a lost push costs at most one interval.
   */
  watch?(ctx: AccountContext, onChange: () => void): AccountWatch;
  /**
   * Fetches one attachment of a stored message (the user asked for it): `attachment` is what the
   * connector listed at poll time. Throws `not-supported` when it is gone from the network.
   */
  fetchAttachment?(ctx: AccountContext, req: AttachmentRequest): Promise<AttachmentContent>;
}

export interface AttachmentRequest {
  messageRemoteId: string;
  messageExtra?: Record<string, unknown>;
  attachment: Attachment;
  /** Larger attachments are refused (before they are downloaded, where the network says the size). */
  maxBytes: number;
}

export interface AttachmentContent {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A push connection opened by `Connector.watch`. */
export interface AccountWatch {
  close(): Promise<void>;
}

export type ConnectorErrorKind = 'auth' | 'rate-limited' | 'network' | 'not-supported' | 'bad-response';

/**
 * A typed connector error; `retryAfterMs` is set for rate limits. Its `message` is English for the
 * logs; the user is told its `code` (from its kind and status unless the connector names one) and,
 * when a server answered in words, its `detail` (the server's own words, redacted).
 */
export class ConnectorError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | null;

  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
    options: { code?: ErrorCode; detail?: string | null } = {},
  ) {
    super(message);
    this.name = 'ConnectorError';
    this.code = options.code ?? errorCodeFor(kind, status);
    this.detail = options.detail ?? null;
  }
}

export function notSupported(network: Network, action: string): ConnectorError {
  return new ConnectorError('not-supported', `${network} does not support ${action}`);
}
