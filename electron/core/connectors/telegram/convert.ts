/**
 * Pure converters from Bot API updates to the shared model.
 *
 * Ids: a message is known by `<chat id>:<message id>` (message ids are unique per chat only).
 *
 * Threads: one conversation per reply chain, not per chat. A message that answers no other starts
 * a conversation; a reply joins the conversation of the message it answers. Why: the inbox is for
 * triage, and a reply from Parvis answers one message. With one conversation per group, a busy
 * group would be a single endless conversation that "done" cannot close, and the reply would go to
 * whoever wrote last, not to the person asked about: the wrong target. Per chain, each question is
 * a conversation with its own state and assignee, and the reply goes under the message it
 * answers. The chat a conversation comes from is its context (title and link). In forum
 * supergroups every message of a topic answers the topic's first message, so a topic is one chain.
 *
 * Telegram sends only one level of `reply_to_message`, so the root of a chain is remembered from
 * message to message (`ThreadMemory`, kept in the cursor, bounded): a reply to a reply finds its
 * conversation while the chain is recent, and otherwise starts one from the message it answers.
 *
 * Edits: the shared model has no edit of a stored message yet, and ingest keeps the first text of
 * a remote id. An edit becomes a new message of the same conversation, with its own remote id
 * (`<chat>:<message>~e<edit date>`), the edited text, and the original as its parent: the newest
 * text is what the conversation shows last, the original stays, and replaying the update changes
 * nothing (same id).
 */
import type { Attachment } from '../../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../types';
import { WireChatMemberUpdated, WireMessage, WireUpdateHead, describeIssues, type WireChat, type WireMessage as Message, type WireUser } from './wire';

/** What the connector stores with every message, to reply to and moderate it without parsing ids. */
export interface TelegramMessageExtra {
  chatId: number;
  messageId: number;
  chatType: WireChat['type'];
  /** The forum topic the message is in, to answer in the same topic. */
  topicId?: number;
  /** Set on an edit: the remote id of the message edited, and when (epoch ms). */
  editOf?: string;
  editedAt?: number;
  /** Media kinds the message carries (files are not downloaded: their URLs contain the bot token). */
  media?: string[];
}

/** The conversation root of recent messages, by message key. */
export interface ThreadMemory {
  rootOf(key: string): string | undefined;
  remember(key: string, root: string): void;
}

/** A bounded memory of roots, oldest forgotten first; serialisable into the cursor. */
export class BoundedThreadMemory implements ThreadMemory {
  private readonly roots: Map<string, string>;

  constructor(
    entries: Iterable<[string, string]> = [],
    private readonly capacity = 2000,
  ) {
    this.roots = new Map(entries);
    this.trim();
  }

  rootOf(key: string): string | undefined {
    return this.roots.get(key);
  }

  remember(key: string, root: string): void {
    this.roots.delete(key);
    this.roots.set(key, root);
    this.trim();
  }

  /** Entries, oldest first, without those that are their own root (the default needs no memory). */
  entries(): [string, string][] {
    return [...this.roots.entries()].filter(([key, root]) => key !== root);
  }

  private trim(): void {
    while (this.roots.size > this.capacity) {
      const oldest = this.roots.keys().next().value as string;
      this.roots.delete(oldest);
    }
  }
}

/** The remote id of a message. */
export function messageKey(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}

/** Reads `<chat>:<message>` (and an edit's `~e…` suffix) back into numbers; null for anything else. */
export function parseMessageKey(remoteId: string): { chatId: number; messageId: number } | null {
  const match = /^(-?\d{1,20}):(\d{1,20})(?:~e\d+)?$/.exec(remoteId);
  if (!match) return null;
  const chatId = Number(match[1]);
  const messageId = Number(match[2]);
  return Number.isSafeInteger(chatId) && Number.isSafeInteger(messageId) ? { chatId, messageId } : null;
}

/**
 * The public link of a message: t.me/<username>/<id> for public chats, t.me/c/<id>/<id> for
 * private supergroups and channels (opens for their members); basic groups and private chats have none.
 */
export function messagePermalink(chat: WireChat, messageId: number): string | null {
  if (chat.type === 'private') return null;
  if (chat.username) return `https://t.me/${chat.username}/${messageId}`;
  if ((chat.type === 'supergroup' || chat.type === 'channel') && String(chat.id).startsWith('-100')) {
    return `https://t.me/c/${String(chat.id).slice(4)}/${messageId}`;
  }
  return null;
}

function fullName(first: string | undefined, last: string | undefined): string {
  return [first, last].filter((p) => p && p.trim()).join(' ').trim();
}

/** The title of a chat as people see it. */
export function chatTitle(chat: WireChat): string {
  return chat.title?.trim() || fullName(chat.first_name, chat.last_name) || (chat.username ? `@${chat.username}` : String(chat.id));
}

/** An author from a user. */
export function authorFromUser(user: WireUser): NormalizedAuthor {
  const name = fullName(user.first_name, user.last_name) || (user.username ? `@${user.username}` : String(user.id));
  return {
    remoteId: String(user.id),
    handle: user.username ? `@${user.username}` : name,
    name,
    avatarUrl: null,
    profileUrl: user.username ? `https://t.me/${user.username}` : null,
  };
}

/** An author from a chat that speaks (a channel, a group's anonymous admins). */
export function authorFromChat(chat: WireChat): NormalizedAuthor {
  const name = chatTitle(chat);
  return {
    remoteId: String(chat.id),
    handle: chat.username ? `@${chat.username}` : name,
    name,
    avatarUrl: null,
    profileUrl: chat.username ? `https://t.me/${chat.username}` : null,
  };
}

const MEDIA_KINDS = ['photo', 'video', 'animation', 'document', 'audio', 'voice', 'video_note', 'sticker', 'poll', 'location', 'contact'] as const;

function mediaOf(message: Message): string[] {
  return MEDIA_KINDS.filter((kind) => message[kind] !== undefined && message[kind] !== null);
}

/** The words of a message: its text, else its caption, else what stands for it (a sticker's emoji, a poll's question, a file's name). */
export function messageText(message: Message): string {
  return message.text ?? message.caption ?? message.sticker?.emoji ?? message.poll?.question ?? message.document?.file_name ?? '';
}

function attachmentsOf(message: Message, permalink: string | null, media: string[]): Attachment[] {
  // The file itself is only reachable through a URL holding the bot token: link the message instead.
  if (!permalink) return [];
  const kindOf = (m: string): Attachment['kind'] | null =>
    m === 'photo' ? 'image' : m === 'video' || m === 'animation' || m === 'video_note' ? 'video' : m === 'document' || m === 'audio' || m === 'voice' ? 'file' : null;
  return media.map(kindOf).filter((k): k is Attachment['kind'] => k !== null).map((kind) => ({ kind, url: permalink }));
}

/** What one update gave. */
export type UpdateEntry =
  | { kind: 'item'; updateId: number; item: NormalizedItem }
  /** Understood, nothing for the inbox (a service message, the bot's own status); the offset moves past it. */
  | { kind: 'ignored'; updateId: number; reason: string }
  /** Not understood; logged and skipped. The offset still moves past it, or it would block every later update. */
  | { kind: 'skipped'; updateId: number | null; remoteId: string | null; reason: string };

export interface ConvertOptions {
  /** The bot's user id: its own messages are 'out'. */
  botId: string;
  memory: ThreadMemory;
}

const MESSAGE_FIELDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const;

/** Reads one raw update. */
export function readUpdate(raw: unknown, options: ConvertOptions): UpdateEntry {
  const head = WireUpdateHead.safeParse(raw);
  if (!head.success) return { kind: 'skipped', updateId: null, remoteId: null, reason: `update without a readable update_id (${describeIssues(head.error)})` };
  const update = head.data as Record<string, unknown> & { update_id: number };
  const updateId = update.update_id;
  const field = MESSAGE_FIELDS.find((f) => update[f] !== undefined);
  if (field) {
    const parsed = WireMessage.safeParse(update[field]);
    if (!parsed.success) {
      const m = update[field] as { message_id?: unknown; chat?: { id?: unknown } } | null;
      const remoteId = typeof m?.message_id === 'number' && typeof m.chat?.id === 'number' ? messageKey(m.chat.id, m.message_id) : null;
      return { kind: 'skipped', updateId, remoteId, reason: `${field} does not match the Bot API Message (${describeIssues(parsed.error)})` };
    }
    const item = messageToItem(parsed.data, field === 'edited_message' || field === 'edited_channel_post', options);
    return item ? { kind: 'item', updateId, item } : { kind: 'ignored', updateId, reason: `${field} without text or media (a service message)` };
  }
  if (update.my_chat_member !== undefined) {
    const parsed = WireChatMemberUpdated.safeParse(update.my_chat_member);
    if (!parsed.success) return { kind: 'skipped', updateId, remoteId: null, reason: `my_chat_member unreadable (${describeIssues(parsed.error)})` };
    return { kind: 'ignored', updateId, reason: `the bot is now ${parsed.data.new_chat_member.status} in ${chatTitle(parsed.data.chat)}` };
  }
  return { kind: 'ignored', updateId, reason: 'an update kind Parvis does not read' };
}

/** One message (or one edit of it) as an inbox item; null for service messages. */
export function messageToItem(message: Message, edited: boolean, { botId, memory }: ConvertOptions): NormalizedItem | null {
  const media = mediaOf(message);
  const text = messageText(message);
  if (!text && media.length === 0) return null;

  const { chat } = message;
  const key = messageKey(chat.id, message.message_id);
  const replied = message.reply_to_message;
  const parentKey = replied ? messageKey(replied.chat.id, replied.message_id) : null;
  let root = memory.rootOf(key);
  if (root === undefined) {
    root = parentKey !== null && replied?.chat.id === chat.id ? (memory.rootOf(parentKey) ?? parentKey) : key;
    memory.remember(key, root);
  }

  const fromChat = message.sender_chat ?? (message.from ? null : chat);
  const author = fromChat ? authorFromChat(fromChat) : authorFromUser(message.from!);
  // The channel speaks as the brand: its posts (and their copies in its discussion group) are ours.
  const ours = author.remoteId === botId || chat.type === 'channel' || message.is_automatic_forward === true;
  const permalink = messagePermalink(chat, message.message_id);
  const extra: TelegramMessageExtra = { chatId: chat.id, messageId: message.message_id, chatType: chat.type };
  if (message.is_topic_message && message.message_thread_id !== undefined) extra.topicId = message.message_thread_id;
  if (media.length) extra.media = media;

  const editDate = edited ? (message.edit_date ?? message.date) : null;
  if (editDate !== null) {
    extra.editOf = key;
    extra.editedAt = editDate * 1000;
  }
  return {
    remoteId: editDate !== null ? `${key}~e${editDate}` : key,
    threadRemoteId: root,
    parentRemoteId: editDate !== null ? key : parentKey,
    kind: chat.type === 'private' ? 'dm' : 'comment',
    direction: ours ? 'out' : 'in',
    author,
    text,
    attachments: attachmentsOf(message, permalink, media),
    createdAt: (editDate ?? message.date) * 1000,
    permalink,
    context: { remoteId: String(chat.id), text: chatTitle(chat), url: chat.username ? `https://t.me/${chat.username}` : null, authorName: null },
    extra: extra as unknown as Record<string, unknown>,
  };
}
