/**
 * Pure conversions from Mastodon's wire entities to the shared model. No I/O: the connector fetches,
 * these functions read. Tested on recorded-shape JSON in convert.test.ts.
 */
import type { Attachment, ConversationKind } from '../../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../types';
import { htmlToText } from './html-to-text';
import {
  VISIBILITIES,
  WireCard,
  WireConversation,
  WireMediaAttachment,
  WireMention,
  WireNotification,
  WireStatus,
  describeIssues,
  type WireAccount,
  type WireVisibility,
} from './wire';

/** What every conversion needs to know about the connected account. */
export interface ConvertOptions {
  /** The connected account's id on its instance. */
  meId: string;
  /** Host of the connected account's instance (local accounts' `acct` has no domain). */
  instanceHost: string;
}

/** An item that could not be read, with why. */
export interface SkippedItem {
  remoteId: string | null;
  reason: string;
}

/** The data kept with each message so that a reply can address the right people, in the right visibility. */
export interface ReplyTarget {
  visibility: WireVisibility;
  author: { id: string; acct: string };
  mentions: { id: string; acct: string }[];
}

const CONTEXT_TEXT_LENGTH = 280;

/** `@user@host` for any account, local ones included (their `acct` omits the host). */
export function fullHandle(acct: string, instanceHost: string): string {
  const bare = acct.replace(/^@/, '');
  return bare.includes('@') ? `@${bare}` : `@${bare}@${instanceHost}`;
}

/** The author of a status. */
export function authorFromAccount(account: WireAccount, instanceHost: string): NormalizedAuthor {
  return {
    remoteId: account.id,
    handle: fullHandle(account.acct, instanceHost),
    name: account.display_name.trim() || account.username,
    avatarUrl: httpUrl(account.avatar),
    profileUrl: httpUrl(account.url),
  };
}

function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

const MEDIA_KINDS: Record<string, Attachment['kind']> = {
  image: 'image',
  gifv: 'video',
  video: 'video',
  audio: 'file',
  unknown: 'file',
};

/** Media attachments and the link preview card; unreadable entries are dropped, not the message. */
export function attachmentsFromStatus(status: WireStatus): Attachment[] {
  const attachments: Attachment[] = [];
  for (const raw of status.media_attachments ?? []) {
    const parsed = WireMediaAttachment.safeParse(raw);
    if (!parsed.success) continue;
    const media = parsed.data;
    const url = httpUrl(media.url) ?? httpUrl(media.remote_url);
    if (!url) continue;
    attachments.push({
      kind: MEDIA_KINDS[media.type] ?? 'file',
      url,
      previewUrl: httpUrl(media.preview_url),
      alt: media.description ?? null,
    });
  }
  const card = WireCard.safeParse(status.card);
  if (card.success) {
    const url = httpUrl(card.data.url);
    if (url) attachments.push({ kind: 'link', url, previewUrl: httpUrl(card.data.image), alt: card.data.title || null });
  }
  return attachments;
}

/** The accounts a status mentions (unreadable entries dropped). */
export function mentionsOf(status: WireStatus): { id: string; acct: string }[] {
  const mentions: { id: string; acct: string }[] = [];
  for (const raw of status.mentions ?? []) {
    const parsed = WireMention.safeParse(raw);
    if (parsed.success) mentions.push({ id: parsed.data.id, acct: parsed.data.acct });
  }
  return mentions;
}

/** Plain text of a status: the content warning (if any), then the content. */
export function statusText(status: WireStatus): string {
  const body = htmlToText(status.content);
  const warning = (status.spoiler_text ?? '').trim();
  return warning ? `${warning}\n\n${body}`.trim() : body;
}

/**
 * Walks `in_reply_to_id` through the statuses known so far.
 * `complete` is true when the walk reached a status that answers nothing (the real root); otherwise
 * `rootId` is the id of the first ancestor not known (hidden, deleted, or not fetched yet), which is
 * still the same for every message of the thread.
 */
export function threadRootOf(
  status: Pick<WireStatus, 'id' | 'in_reply_to_id'>,
  known: ReadonlyMap<string, Pick<WireStatus, 'id' | 'in_reply_to_id'>>,
): { rootId: string; complete: boolean } {
  let current = status;
  const seen = new Set<string>([current.id]);
  while (current.in_reply_to_id) {
    const parent = known.get(current.in_reply_to_id);
    if (!parent) return { rootId: current.in_reply_to_id, complete: false };
    // A reply cycle is a broken server; stop where it loops.
    if (seen.has(parent.id)) return { rootId: parent.id, complete: true };
    seen.add(parent.id);
    current = parent;
  }
  return { rootId: current.id, complete: true };
}

/**
 * What kind of conversation a status belongs to: a direct message, a comment (in a thread on one of
 * our posts, or a reply to us when the root is unknown), or a mention elsewhere.
 */
export function conversationKindOf(status: WireStatus, meId: string, root: WireStatus | null): ConversationKind {
  if (status.visibility === 'direct') return 'dm';
  if (root) return root.account.id === meId ? 'comment' : 'mention';
  return status.in_reply_to_account_id === meId ? 'comment' : 'mention';
}

/** The normalized message for a status, given its thread root (resolved by the caller). */
export function itemFromStatus(
  status: WireStatus,
  options: ConvertOptions & { rootId: string; root: WireStatus | null; extra?: Record<string, unknown> },
): NormalizedItem {
  const root = options.root && options.root.id !== status.id ? options.root : null;
  const target: ReplyTarget = {
    visibility: status.visibility,
    author: { id: status.account.id, acct: status.account.acct },
    mentions: mentionsOf(status),
  };
  const spoiler = (status.spoiler_text ?? '').trim();
  return {
    remoteId: status.id,
    threadRemoteId: options.rootId,
    parentRemoteId: status.in_reply_to_id ?? null,
    kind: conversationKindOf(status, options.meId, options.root),
    direction: status.account.id === options.meId ? 'out' : 'in',
    author: authorFromAccount(status.account, options.instanceHost),
    text: statusText(status),
    html: status.content,
    attachments: attachmentsFromStatus(status),
    createdAt: Date.parse(status.created_at),
    permalink: httpUrl(status.url) ?? httpUrl(status.uri),
    moderation: 'visible',
    ...(status.edited_at ? { editedAt: Date.parse(status.edited_at) } : {}),
    context: root
      ? {
          remoteId: root.id,
          text: truncate(statusText(root), CONTEXT_TEXT_LENGTH),
          url: httpUrl(root.url) ?? httpUrl(root.uri),
          authorName: root.account.display_name.trim() || root.account.username,
        }
      : null,
    extra: {
      ...(options.extra ?? {}),
      ...target,
      inReplyToAccountId: status.in_reply_to_account_id ?? null,
      ...(spoiler ? { spoilerText: spoiler } : {}),
      ...(status.uri ? { uri: status.uri } : {}),
    },
  };
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function rawId(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'string' && id) return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  }
  return null;
}

/** What one raw list entry turned out to be. */
export type ReadEntry =
  | { kind: 'status'; entryId: string; status: WireStatus; extra: Record<string, unknown> }
  | { kind: 'skipped'; skipped: SkippedItem }
  /** Readable, but nothing for the inbox (another notification type, a conversation with no status). */
  | { kind: 'ignored'; entryId: string };

/** Reads one entry of GET /api/v1/notifications. */
export function readNotification(raw: unknown): ReadEntry {
  const parsed = WireNotification.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'skipped', skipped: { remoteId: rawId(raw), reason: `unreadable notification: ${describeIssues(parsed.error)}` } };
  }
  const notification = parsed.data;
  // `update`: a status we boosted was edited; it carries the edited status (with `edited_at`).
  if (notification.type !== 'mention' && notification.type !== 'update') return { kind: 'ignored', entryId: notification.id };
  if (!notification.status) {
    return { kind: 'skipped', skipped: { remoteId: notification.id, reason: `${notification.type} notification without a status` } };
  }
  return { kind: 'status', entryId: notification.id, status: notification.status, extra: { notificationId: notification.id } };
}

/** Reads one entry of GET /api/v1/conversations (its last status is the new message). */
export function readConversation(raw: unknown): ReadEntry {
  const parsed = WireConversation.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'skipped', skipped: { remoteId: rawId(raw), reason: `unreadable conversation: ${describeIssues(parsed.error)}` } };
  }
  const conversation = parsed.data;
  if (!conversation.last_status) return { kind: 'ignored', entryId: conversation.id };
  return {
    kind: 'status',
    entryId: conversation.id,
    status: conversation.last_status,
    extra: { conversationId: conversation.id },
  };
}

/** Reads a status from a context list; null when unreadable (context is a hint, not inbox content). */
export function readStatus(raw: unknown): WireStatus | null {
  const parsed = WireStatus.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The reply target stored in a message's `extra` by itemFromStatus, or null if absent or damaged. */
export function replyTargetFromExtra(extra: Record<string, unknown> | undefined): ReplyTarget | null {
  if (!extra) return null;
  const visibility = extra.visibility;
  const author = extra.author as { id?: unknown; acct?: unknown } | undefined;
  const mentions = extra.mentions;
  if (typeof visibility !== 'string' || !(VISIBILITIES as readonly string[]).includes(visibility)) return null;
  if (!author || typeof author.id !== 'string' || typeof author.acct !== 'string') return null;
  if (!Array.isArray(mentions)) return null;
  const cleanMentions: { id: string; acct: string }[] = [];
  for (const m of mentions) {
    const mention = m as { id?: unknown; acct?: unknown };
    if (typeof mention?.id !== 'string' || typeof mention.acct !== 'string') return null;
    cleanMentions.push({ id: mention.id, acct: mention.acct });
  }
  return { visibility: visibility as WireVisibility, author: { id: author.id, acct: author.acct }, mentions: cleanMentions };
}

/** The reply target read from the parent status itself. */
export function replyTargetFromStatus(status: WireStatus): ReplyTarget {
  return {
    visibility: status.visibility,
    author: { id: status.account.id, acct: status.account.acct },
    mentions: mentionsOf(status),
  };
}

/**
 * The text Parvis posts for a reply: like Mastodon's own clients, it starts with the handles of the
 * parent's author and of everyone the parent mentions (except us), so that they are notified and,
 * for a direct message, can see it at all. Handles already in the text are not repeated.
 */
export function replyText(text: string, target: ReplyTarget, meId: string): string {
  const people = [target.author, ...target.mentions].filter((p) => p.id !== meId);
  const lower = text.toLowerCase();
  const handles: string[] = [];
  for (const person of people) {
    const handle = `@${person.acct.replace(/^@/, '')}`;
    if (handles.some((h) => h.toLowerCase() === handle.toLowerCase())) continue;
    const pattern = new RegExp(`(^|[^\\w@])${escapeRegExp(handle.toLowerCase())}(?![\\w@.-]*\\w)`);
    if (pattern.test(lower)) continue;
    handles.push(handle);
  }
  return handles.length ? `${handles.join(' ')} ${text}` : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Text reduced for comparing a posted reply with what we meant to send: leading mentions dropped
 * (Mastodon renders `@user@host` as `@user`), whitespace collapsed.
 */
export function comparableText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:@[\w.-]+(?:@[\w.:-]+)?\s+)+/, '')
    .trim();
}
