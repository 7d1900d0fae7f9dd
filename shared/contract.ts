/**
 * The contract between the renderer and the core: every call and every event, as zod schemas.
 *
 * - electron/main registers one ipcMain handler per call from this table;
 * - electron/preload exposes exactly these calls and events as `window.parvis`;
 * - electron/web serves the same table over a WebSocket;
 * - renderer/src/api wraps whichever bridge it finds behind one typed client.
 *
 * Inputs are always objects (possibly empty) so that they can grow without breaking callers.
 */
import { z } from 'zod';
import {
  Account,
  AppError,
  ConversationDetail,
  ConversationStatus,
  ConversationSummary,
  Draft,
  Id,
  Member,
  Network,
  Settings,
  Tag,
  Timestamp,
  AccountState,
  RateLimit,
  MODERATION_ACTIONS,
  CONVERSATION_KINDS,
  ConversationKind,
} from './model';
import { Contest, ContestFilters, ContestInput, ContestPost, ContestPostChoice, ContestPreview, VerifyResult } from './contest';
import { Lexicon, RuleDefinitionBase } from './moderation';
import { Report, ReportQuery } from './report';
import { DeveloperAppInfo, NetworkCapabilities, NetworkInfo } from './networks';
import { CalendarDay, CalendarDaysRequest, CalendarEntry, CalendarRange, Post, PostDecision, PostInput, PostMove } from './posts';
import { MediaItem, MediaSetAlt, MediaUploadBegin, MediaUploadFinish, MediaUploadPart } from './media';

export { NetworkCapabilities, NetworkInfo };

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });
const IdList = z.array(Id).min(1).max(10_000);
const Name = z.string().trim().min(1).max(80);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a color is #rrggbb');

/** Inbox filters. Absent fields do not filter. */
export const InboxFilter = z
  .object({
    status: z.array(ConversationStatus).min(1).optional(),
    // Bounded: each value is an SQL parameter (a workspace has a few networks and accounts).
    network: z.array(Network).min(1).max(100).optional(),
    accountId: z.array(Id).min(1).max(1000).optional(),
    /** Conversation kinds (comment, mention, direct message, review, email, feed entry). */
    kind: z.array(ConversationKind).min(1).max(CONVERSATION_KINDS.length).optional(),
    tagId: Id.optional(),
    assigneeId: Id.optional(),
    unassigned: z.boolean().optional(),
    unread: z.boolean().optional(),
    /** true: held for review (the review queue); false: not held (the inbox proper). */
    held: z.boolean().optional(),
    /** Last activity at or after, epoch ms. */
    since: Timestamp.optional(),
    /** Last activity before, epoch ms. */
    until: Timestamp.optional(),
    /**
     * Full-text query: words (prefix with a trailing *), "quoted phrases", and `from:name`
     * to match the author.
     */
    query: z.string().max(500).optional(),
  })
  .strict();
export type InboxFilter = z.infer<typeof InboxFilter>;

/** The languages a saved reply can be written in (null: any). */
export const ReplyLanguage = z.enum(['fr', 'en']);
export type ReplyLanguage = z.infer<typeof ReplyLanguage>;
/**
 * A canned answer. `{firstName}`, `{name}`, `{handle}` and `{me}` are filled from the conversation
 * when inserted; `networks` lists where it is offered (empty: on every network).
 */
export const SavedReply = z.object({
  id: Id,
  name: z.string(),
  text: z.string(),
  language: ReplyLanguage.nullable(),
  networks: z.array(Network),
});
export type SavedReply = z.infer<typeof SavedReply>;
const SavedReplyInput = z
  .object({
    name: Name,
    text: z.string().trim().min(1).max(10_000),
    /** Absent: any language. */
    language: ReplyLanguage.nullable().optional(),
    /** Absent or empty: every network. */
    networks: z.array(Network).max(64).optional(),
  })
  .strict();
export type SavedReplyInput = z.input<typeof SavedReplyInput>;

export const SavedView = z.object({ id: Id, name: z.string(), filter: InboxFilter, position: z.number().int() });
export type SavedView = z.infer<typeof SavedView>;

/** A value typed in a sign-in form; each network's descriptor checks the whole form (see shared/networks.ts). */
const FieldValue = z.union([z.string().max(10_000), z.number(), z.boolean()]);

/** Connects an account: the network, and its sign-in form as the user filled it. */
export const ConnectRequest = z
  .object({
    network: Network,
    /** One of the network's other ways to sign in (`signIn.alternatives`); absent: its first way. */
    method: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/).optional(),
    fields: z
      .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,31}$/), FieldValue)
      .refine((fields) => Object.keys(fields).length <= 20, 'at most 20 fields')
      .default({}),
  })
  .strict();
export type ConnectRequest = z.infer<typeof ConnectRequest>;

/** One account a sign-in can add, when it gives several (a Meta sign-in's Pages, say). */
export const ConnectChoice = z.object({
  id: z.string(),
  name: z.string(),
  handle: z.string(),
  /** The network it is on, when a sign-in gives accounts of several networks (Pages and Instagram accounts). */
  network: Network.optional(),
  /** Already connected: choosing it again repairs its sign-in. */
  connected: z.boolean(),
});
export type ConnectChoice = z.infer<typeof ConnectChoice>;

/** How a sign-in ended: the account is connected, or the user chooses among several. */
export const ConnectOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('connected'), account: Account }),
  z.object({ kind: z.literal('choose'), flowId: z.string(), choices: z.array(ConnectChoice).min(1) }),
]);
export type ConnectOutcome = z.infer<typeof ConnectOutcome>;

export const ConnectStart = z.union([
  z.object({ kind: z.literal('browser'), flowId: z.string(), authorizeUrl: z.string() }),
  ConnectOutcome,
]);
export type ConnectStart = z.infer<typeof ConnectStart>;

const FlowId = z.string().min(8).max(100);

/** The user's own registered application for a network (Google, Meta, X, Reddit…). */
const DeveloperAppInput = z
  .object({
    network: Network,
    clientId: z.string().trim().min(4).max(300),
    clientSecret: z.string().trim().min(4).max(300).optional(),
  })
  .strict();

export const ModerationAction = z.enum(MODERATION_ACTIONS);

export const Rule = z.object({
  definition: RuleDefinitionBase,
  position: z.number().int(),
  hits: z.number().int(),
  lastHitAt: Timestamp.nullable(),
  /** Shipped with Parvis (it can be edited or disabled, and reset). */
  builtIn: z.boolean(),
});
export type Rule = z.infer<typeof Rule>;

export const DryRunReport = z.object({
  scanned: z.number().int(),
  count: z.number().int(),
  samples: z.array(
    z.object({
      messageId: Id,
      conversationId: Id,
      text: z.string(),
      matches: z.array(z.object({ start: z.number().int(), end: z.number().int(), term: z.string(), category: z.string().nullable() })),
    }),
  ),
});
export type DryRunReport = z.infer<typeof DryRunReport>;

export const LexiconSet = z.object({ lexicons: z.array(Lexicon), allow: z.array(z.string()), edited: z.boolean() });
export type LexiconSet = z.infer<typeof LexiconSet>;

export const AuditEntry = z.object({
  id: Id,
  at: Timestamp,
  /** A member's name, "rule: <name>", or "system". */
  actor: z.string(),
  conversationId: Id.nullable(),
  action: z.string(),
  /** What it was done to: the author and a short excerpt of the message. */
  target: z.string(),
  network: z.string().nullable(),
  /** manual, or the rule that did it. */
  origin: z.string(),
  /** The network's answer: queued, sent (with its id), failed (with the error), local only. */
  outcome: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const InboxPage = z.object({
  items: z.array(ConversationSummary),
  /** Opaque keyset cursor for the next page, null at the end. */
  nextCursor: z.string().nullable(),
  /** Words to highlight for a full-text query (lower-cased, accents kept as typed). */
  highlight: z.array(z.string()),
});
export type InboxPage = z.infer<typeof InboxPage>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** True when running the demo workspace (shown in the UI). */
  demo: z.boolean(),
  /** "electron" or "web". */
  shell: z.enum(['electron', 'web']),
  platform: z.string(),
  /** Locale of the system running the core, e.g. "fr-FR". */
  systemLocale: z.string(),
  schemaVersion: z.number().int(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** Whether Parvis can reach the networks (offline, replies wait in the outbox). */
export const Connectivity = z.object({
  online: z.boolean(),
  /** When this state began, epoch ms. */
  since: Timestamp,
});
export type Connectivity = z.infer<typeof Connectivity>;

/** Every call: name → { input, output }. */
export const calls = {
  /** What the app is and how it runs. */
  'app.info': { input: Empty, output: AppInfo },
  /** Whether the networks can be reached right now (then follow `app.connectivity` events). */
  'app.connectivity': { input: Empty, output: Connectivity },
  /** Checks at once whether the networks can be reached again (the user's "Retry now"). */
  'app.checkConnection': { input: Empty, output: Connectivity },

  /** Connected accounts with their sync state. */
  'accounts.list': { input: Empty, output: z.array(Account) },
  /** Removes an account, its conversations and its secrets from the keychain. */
  'accounts.remove': { input: z.object({ accountId: Id }).strict(), output: Ok },

  /** Stops polling an account until it is resumed. */
  'accounts.pause': { input: z.object({ accountId: Id }).strict(), output: Ok },
  /** Names an account in Parvis (null or blank: the network's display name again). */
  'accounts.setLabel': { input: z.object({ accountId: Id, label: z.string().max(60).nullable() }).strict(), output: Account },
  /**
   * Changes an account's settings (those its network declares in `accountSettings`, checked with
   * their schema; an empty value goes back to the default). The account is polled at once with them.
   */
  'accounts.setSettings': {
    input: z.object({ accountId: Id, settings: z.record(z.string().max(32), z.union([z.string().max(300), z.number(), z.boolean(), z.null()])) }).strict(),
    output: Account,
  },
  /** Resumes polling (also retries an account that needed to sign in). */
  'accounts.resume': { input: z.object({ accountId: Id }).strict(), output: Ok },
  /**
   * Polls an account now; resolves when the poll is done, with its outcome: `checked` is false when
   * no poll could run (paused, waiting for a rate limit or a quota), and the account as it stands
   * after it (its state and last error say whether the check failed).
   */
  'accounts.pollNow': { input: z.object({ accountId: Id }).strict(), output: Ok.extend({ checked: z.boolean(), account: Account }) },
  /** The networks this build can connect: each descriptor's public part (sign-in form, limits, capabilities). */
  'accounts.networks': { input: Empty, output: z.array(NetworkInfo) },
  /**
   * Starts connecting an account with the network's sign-in form, checked against the network's
   * fields. Browser sign-ins (OAuth) answer with the page to open in the system browser and a flow
   * id for `accounts.finishConnect`; the others connect at once. A sign-in that gives several
   * accounts answers `choose`, then `accounts.choose` adds the chosen ones. Signing in again to a
   * connected account repairs it (new tokens, state ok) instead of adding it twice.
   */
  'accounts.connect': { input: ConnectRequest, output: ConnectStart },
  /** Waits for the browser sign-in of a flow, then stores the tokens in the keychain. */
  'accounts.finishConnect': { input: z.object({ flowId: FlowId }).strict(), output: ConnectOutcome },
  /** Adds the accounts chosen among those a sign-in gave. */
  'accounts.choose': {
    input: z.object({ flowId: FlowId, choiceIds: z.array(z.string().min(1).max(200)).min(1).max(100) }).strict(),
    output: z.array(Account),
  },
  /** Abandons a sign-in in progress (closes its loopback listener, forgets unchosen accounts). */
  'accounts.cancelConnect': { input: z.object({ flowId: FlowId }).strict(), output: Ok },
  /** Saves the user's own developer app for a network (kept in the keychain). */
  'developerApps.set': { input: DeveloperAppInput, output: DeveloperAppInfo },
  /** Forgets the user's developer app for a network (the environment's or the build's applies again). */
  'developerApps.clear': { input: z.object({ network: Network }).strict(), output: DeveloperAppInfo.nullable() },

  /** One page of the inbox, newest activity first (keyset pagination). */
  'inbox.list': {
    input: z
      .object({
        filter: InboxFilter.default({}),
        cursor: z.string().max(200).nullable().optional(),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    output: InboxPage,
  },
  /**
   * For several filters at once (the sidebar's views): how many conversations each holds and how
   * many of them are unread; and `unreadConversations`, the unread open or pending conversations
   * the window title, the badge and the tray count.
   */
  'inbox.viewCounts': {
    input: z.object({ filters: z.record(z.string().max(64), InboxFilter) }).strict(),
    output: z.object({
      views: z.record(z.string(), z.object({ total: z.number().int(), unread: z.number().int() })),
      unreadConversations: z.number().int(),
    }),
  },
  /** Counts for several filters at once (sidebar views). */
  'inbox.count': {
    input: z.object({ filters: z.record(z.string().max(64), InboxFilter) }).strict(),
    output: z.record(z.string(), z.number().int()),
  },

  /** The list rows of these conversations (absent ids were deleted), to patch a list in place. */
  'inbox.summaries': { input: z.object({ conversationIds: IdList }).strict(), output: z.array(ConversationSummary) },
  /** A conversation with its whole thread, authors, notes and activity. Marks it read. */
  'conversation.get': {
    input: z.object({ conversationId: Id, markRead: z.boolean().default(true) }).strict(),
    output: ConversationDetail,
  },
  /** Sets the status of one or more conversations; snoozed needs `snoozeUntil` in the future. */
  'conversation.setStatus': {
    input: z
      .object({
        conversationIds: IdList,
        status: ConversationStatus,
        snoozeUntil: Timestamp.optional(),
      })
      .strict()
      .refine((v) => v.status !== 'snoozed' || v.snoozeUntil !== undefined, {
        message: 'snoozed needs snoozeUntil',
        path: ['snoozeUntil'],
      }),
    output: Ok,
  },
  /** Marks conversations read or unread. */
  'conversation.markRead': {
    input: z.object({ conversationIds: IdList, unread: z.boolean() }).strict(),
    output: Ok,
  },
  'conversation.tag': { input: z.object({ conversationIds: IdList, tagId: Id }).strict(), output: Ok },
  'conversation.untag': { input: z.object({ conversationIds: IdList, tagId: Id }).strict(), output: Ok },
  /** Assigns to a member, or unassigns with `memberId: null`. */
  'conversation.assign': {
    input: z.object({ conversationIds: IdList, memberId: Id.nullable() }).strict(),
    output: Ok,
  },
  /** Adds an internal note (never sent to a network). */
  'conversation.addNote': {
    input: z.object({ conversationId: Id, text: z.string().trim().min(1).max(10_000) }).strict(),
    output: z.object({ id: Id }),
  },

  'tags.list': { input: Empty, output: z.array(Tag) },
  'tags.create': { input: z.object({ name: Name, color: Color }).strict(), output: Tag },
  'tags.rename': { input: z.object({ tagId: Id, name: Name }).strict(), output: Tag },
  'tags.recolor': { input: z.object({ tagId: Id, color: Color }).strict(), output: Tag },
  'tags.delete': { input: z.object({ tagId: Id }).strict(), output: Ok },

  'members.list': { input: Empty, output: z.array(Member) },
  'members.create': { input: z.object({ name: Name }).strict(), output: Member },
  'members.rename': { input: z.object({ memberId: Id, name: Name }).strict(), output: Member },
  /** Deletes a member; their conversations become unassigned. "Me" cannot be deleted. */
  'members.delete': { input: z.object({ memberId: Id }).strict(), output: Ok },

  /** Saves the reply draft of a conversation (empty text deletes it). */
  'draft.save': {
    input: z.object({ conversationId: Id, text: z.string().max(100_000) }).strict(),
    output: Ok,
  },
  'draft.get': { input: z.object({ conversationId: Id }).strict(), output: Draft.nullable() },

  /** Sets the local notes on an author (never sent to a network). */
  'author.setNotes': {
    input: z.object({ authorId: Id, notes: z.string().max(10_000) }).strict(),
    output: Ok,
  },

  /**
   * Queues a reply in the outbox and returns the local message at once (delivery "queued").
   * `parentMessageId` defaults to the last incoming message of the conversation.
   */
  'reply.send': {
    input: z
      .object({
        conversationId: Id,
        text: z.string().trim().min(1).max(100_000),
        parentMessageId: Id.optional(),
        /** Answer the message's author privately (networks whose capabilities say `privateReplies`). */
        private: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ messageId: Id }),
  },
  /**
   * Fetches one attachment of a message from its network, only when the user asks (an email's
   * part, by UID and part id). The content comes back to be saved where the user chooses; nothing
   * is opened or kept by Parvis. At most 25 MB.
   */
  'attachment.fetch': {
    input: z.object({ messageId: Id, index: z.number().int().min(0).max(99) }).strict(),
    output: z.object({
      filename: z.string().max(255),
      contentType: z.string().max(255),
      size: z.number().int().nonnegative(),
      /** The content, base64. */
      data: z.string(),
    }),
  },
  /** Sends a failed or dead reply again. */
  'reply.retry': { input: z.object({ messageId: Id }).strict(), output: Ok },
  /** Discards a reply that failed (removes the local message and its outbox row). */
  'reply.discard': { input: z.object({ messageId: Id }).strict(), output: Ok },

  /** Canned answers; `{name}`, `{handle}`, `{me}` are replaced when inserted. */
  'savedReplies.list': { input: Empty, output: z.array(SavedReply) },
  'savedReplies.create': { input: SavedReplyInput, output: SavedReply },
  'savedReplies.update': { input: SavedReplyInput.extend({ id: Id }).strict(), output: SavedReply },
  'savedReplies.delete': { input: z.object({ id: Id }).strict(), output: Ok },

  /** Saved views shown in the sidebar, with their filter. */
  'views.list': { input: Empty, output: z.array(SavedView) },
  'views.create': { input: z.object({ name: Name, filter: InboxFilter }).strict(), output: SavedView },
  'views.update': {
    input: z.object({ id: Id, name: Name.optional(), filter: InboxFilter.optional(), position: z.number().int().optional() }).strict(),
    output: SavedView,
  },
  'views.delete': { input: z.object({ id: Id }).strict(), output: Ok },

  /** What each connected network lets Parvis do (reply length, moderation actions and why not). */
  'moderation.capabilities': { input: Empty, output: z.record(z.string(), NetworkCapabilities) },
  /**
   * A moderation action on a message: applied locally at once, sent to the network through the
   * outbox when it has a network side, and written to the audit log.
   */
  'moderation.act': {
    /** `durationDays`: how long a ban lasts (absent: permanent, or the network's default where it has no permanent ban). */
    input: z.object({ messageId: Id, action: ModerationAction, reason: z.string().max(1000).optional(), durationDays: z.number().int().min(1).max(999).optional() }).strict(),
    /**
     * `actionId`: the audit entry, to undo the action with `moderation.undo`; `undoUntil`: when a
     * harsh action leaves for the network (null: it is not held, e.g. a local review state).
     */
    output: z.object({ ok: z.literal(true), actionId: Id, undoUntil: Timestamp.nullable() }),
  },
  /**
   * Undoes moderation actions (by `actionId`) that have not reached their network yet: their
   * outbox rows are dropped and the messages and authors get back the state they had. Refused
   * with `conflict`, changing nothing, when one has already left (then unban, unblock… remain).
   */
  'moderation.undo': { input: z.object({ actionIds: IdList }).strict(), output: Ok },
  /** Sends again a message's moderation actions that failed or were given up (`pendingModeration`). */
  'moderation.retry': { input: z.object({ messageId: Id, action: ModerationAction }).strict(), output: Ok },
  /** Netiquette rules in order, with their hits. */
  'rules.list': { input: Empty, output: z.array(Rule) },
  /** Creates a rule (new id) or replaces the rule with this id. */
  'rules.save': { input: z.object({ rule: RuleDefinitionBase }).strict(), output: Rule },
  'rules.delete': { input: z.object({ ruleId: z.string().min(1).max(64) }).strict(), output: Ok },
  'rules.reorder': { input: z.object({ ruleIds: z.array(z.string().min(1).max(64)).max(500) }).strict(), output: Ok },
  /** What a rule would have caught in the last `lastN` incoming messages (nothing is changed). */
  'rules.dryRun': {
    input: z.object({ rule: RuleDefinitionBase, lastN: z.number().int().min(1).max(100_000).default(1000) }).strict(),
    output: DryRunReport,
  },
  /** The shipped default rule's switch: hide caught messages on the network at once. */
  'rules.setAutoHide': { input: z.object({ enabled: z.boolean() }).strict(), output: Ok },
  /** The lexicons in use (shipped ones plus the user's edits) and the user's allow-list. */
  'lexicons.get': { input: Empty, output: LexiconSet },
  /** Replaces a language's entries and/or the user's allow-list. */
  'lexicons.set': {
    input: z.object({ lexicons: z.array(Lexicon).max(2).optional(), allow: z.array(z.string().trim().min(2).max(120)).max(5000).optional(), reset: z.boolean().optional() }).strict(),
    output: LexiconSet,
  },
  /** The moderation audit log, newest first, searchable. */
  'audit.list': {
    input: z.object({ query: z.string().max(200).optional(), cursor: z.string().max(40).nullable().optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }),
  },

  /** A report over a period compared with the one before it, from the local store. */
  'reports.get': { input: ReportQuery, output: Report },
  /** The brand's posts that received comments (what a contest can be run on), newest first. */
  'contests.posts': { input: Empty, output: z.array(ContestPostChoice) },
  /** The entrants a contest's posts and filters give now, what each filter left out, and the networks' rules it breaks. */
  'contests.preview': {
    input: z.object({ posts: z.array(ContestPost).min(1).max(50), filters: ContestFilters.default(ContestFilters.parse({})) }).strict(),
    output: ContestPreview,
  },
  'contests.create': { input: ContestInput, output: Contest },
  /** Every contest with its draws, newest first. */
  'contests.list': { input: Empty, output: z.array(Contest) },
  /** Freezes and hashes the entrant list, takes a seed, draws winners and alternates, writes the certificate and the audit log. */
  'contests.draw': { input: z.object({ contestId: Id }).strict(), output: Contest },
  /** Draws again (the earlier draws are kept); the reason is written in the certificate and the audit log. */
  'contests.redraw': { input: z.object({ contestId: Id, reason: z.string().trim().min(3).max(1000) }).strict(), output: Contest },
  /** Recomputes a certificate (its JSON text): the hash of its entrants and its result. */
  'contests.verify': { input: z.object({ certificate: z.string().max(50_000_000) }).strict(), output: VerifyResult },
  /** A new post, a draft with one target per account (its variant and time). */
  'posts.create': { input: PostInput, output: Post },
  /** Edits a post; targets already sent or held by a network keep what they have. */
  'posts.update': { input: PostInput.extend({ postId: Id }).strict(), output: Post },
  /** Posts by their earliest time. */
  'posts.list': { input: Empty, output: z.array(Post) },
  /**
   * Schedules a post's drafts at their times, after checking each text against its network's
   * limits (`invalid-input` says which and why).
   */
  'posts.schedule': { input: z.object({ postId: Id }).strict(), output: Post },
  /** The answer for a target whose time passed while Parvis was closed, or that was given up on: publish now, or a new time. */
  'posts.decide': { input: PostDecision, output: Post },
  /** One post, with its targets. */
  'posts.get': { input: z.object({ postId: Id }).strict(), output: Post },
  /**
   * Moves one target to a new time (the calendar's drag or keys): a draft keeps its state, a
   * scheduled target stays scheduled at the new time (one its network holds is moved there, or
   * taken back when the new time is too close for the network); one being sent or sent cannot
   * move (`not-supported`).
   */
  'posts.move': { input: PostMove, output: Post },
  /** The targets with a time in [from, to), by time: what the calendar draws. */
  'posts.calendar': { input: CalendarRange, output: z.array(CalendarEntry) },
  /** The month grid: per day, its count and its first posts (with reply counts). */
  'posts.calendarDays': { input: CalendarDaysRequest, output: z.array(CalendarDay) },
  /**
   * Adds an image to the media library, in parts (the renderer sends the bytes a file input read,
   * never a path): begin, every part in order, finish. The same bytes added twice are one item.
   * The type is read from the bytes (`invalid-input` when they are not an image Parvis publishes).
   */
  'media.uploadBegin': { input: MediaUploadBegin, output: z.object({ uploadId: z.string() }) },
  'media.uploadPart': { input: MediaUploadPart, output: z.object({ received: z.number().int() }) },
  'media.uploadFinish': { input: MediaUploadFinish, output: MediaItem },
  /** The library, newest first (or the items asked for). */
  'media.list': { input: z.object({ ids: z.array(Id).max(200).optional() }).strict(), output: z.array(MediaItem) },
  /** The alt text of an image, for every post that uses it. */
  'media.setAlt': { input: MediaSetAlt, output: MediaItem },
  /** Deletes an image no post uses (`conflict` when one does). */
  'media.delete': { input: z.object({ mediaId: Id }).strict(), output: z.object({ deleted: z.literal(true) }) },

  'settings.get': { input: Empty, output: Settings },
  'settings.set': { input: Settings.partial().strict(), output: Settings },
} as const;

export const InboxChanged = z.object({
  /** Conversations that changed; absent means "anything may have changed, re-read". */
  conversationIds: z.array(Id).optional(),
  reason: z.enum(['ingest', 'triage', 'outbox', 'account', 'snooze', 'moderation']),
});
export type InboxChanged = z.infer<typeof InboxChanged>;

export const SyncStatus = z.object({
  accountId: Id,
  state: AccountState,
  /** True while a poll is running. */
  polling: z.boolean(),
  lastPollAt: Timestamp.nullable(),
  nextPollAt: Timestamp.nullable(),
  lastError: AppError.nullable(),
  rateLimit: RateLimit.nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** New community messages the user wants to hear about (assigned to me, or in a followed view). */
export const NotifyEvent = z.object({
  conversationId: Id,
  /** Who wrote, e.g. "Camille Rousseau · YouTube"; shown through `notificationTitle` (shared/notifyTitle.ts). */
  title: z.string(),
  /** For a rule's notification: who wrote and the rule, so the title names a shipped rule in the app's language. */
  author: z.string().optional(),
  rule: z.object({ id: z.string(), name: z.string() }).optional(),
  /** The message, shortened. */
  body: z.string(),
  reason: z.enum(['assigned', 'view']),
  /** Open (not done) conversations with unread messages, for the window badge. */
  unreadCount: z.number().int().nonnegative(),
});
export type NotifyEvent = z.infer<typeof NotifyEvent>;

/** Every event: name → payload. */
export const events = {
  'inbox.changed': InboxChanged,
  'sync.status': SyncStatus,
  /** Parvis went offline or came back online. */
  'app.connectivity': Connectivity,
  'notify': NotifyEvent,
  /** Posts whose content or delivery changed. */
  'posts.changed': z.object({ postIds: z.array(Id) }),
  /** The shell asks the renderer to show a conversation (a desktop notification was clicked). */
  'conversation.open': z.object({ conversationId: Id }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type EventName = keyof typeof events;
/** What a caller passes (defaults may be omitted). */
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
/** What a handler receives, after parsing. */
export type ParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CALL_NAMES = Object.keys(calls) as CallName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** The envelope every bridge answers with. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: AppError };
export const EnvelopeError = z.object({ ok: z.literal(false), error: AppError });

/** The renderer-side API: one async function per call, plus event subscription. */
export type ParvisApi = {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<Envelope<CallOutput<N>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** Core-side handlers: one per call, receiving the parsed input. */
export type Handlers = {
  [N in CallName]: (input: ParsedInput<N>) => CallOutput<N> | Promise<CallOutput<N>>;
};

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}
