/**
 * The Telegram connector: a bot, added as an administrator to the brand's groups and channels,
 * reads what is said there through the Bot API's `getUpdates` and answers, deletes, bans and
 * restricts with the bot's rights. The account is the bot; each reply chain of a chat is a
 * conversation (see convert.ts for why).
 *
 * The cursor holds the update offset. Telegram forgets every update below the offset a
 * `getUpdates` call is made with, so the offset must only move forward once the page it follows
 * is stored: it is the cursor, committed with the page in one transaction, and the next poll's
 * call is what confirms the page. A crash before the commit polls the same updates again
 * (dedup by remote id keeps the inbox intact); a crash after it never loses one.
 *
 * Stateless like every connector: the cursor also carries a bounded memory of reply-chain roots.
 */
import {
  ConnectorError,
  type AccountContext,
  type Capabilities,
  type Connector,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedAuthor,
  type NormalizedItem,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { TelegramClient, TELEGRAM_API_BASE_URL, conflictWords, type HttpFactory } from './client';
import { BoundedThreadMemory, authorFromUser, messageKey, messagePermalink, parseMessageKey, readUpdate, type TelegramMessageExtra } from './convert';
import type { WireChat } from './wire';

/** Longest message text the Bot API accepts (UTF-16 code units, after entities parsing). */
export const MAX_MESSAGE_LENGTH = 4096;

const UNSUPPORTED: Partial<Record<ModerationAction, string>> = {
    lock: 'A bot cannot close one message to replies: restrict or ban the authors instead.',
    unlock: 'A bot cannot close messages to replies, so there is nothing to reopen.',
  hide: 'Telegram cannot hide a message: delete it, or restrict or ban its author.',
  unhide: 'Telegram cannot hide messages, so there is nothing to unhide.',
  hold: 'Telegram has no review queue: messages appear in the group at once.',
  approve: 'Telegram has no review queue: messages appear in the group at once.',
  spam: 'A bot cannot mark a Telegram message as spam: delete it, and ban its author.',
  'block-author': 'A bot cannot block people on Telegram: ban them from the group instead.',
  'unblock-author': 'A bot cannot block people on Telegram, so there is nothing to unblock: unban them instead.',
  report: 'A bot cannot report a message to Telegram: delete it, and ban its author.',
};

/** What a bot can do in a group where it is an administrator. */
export const TELEGRAM_CAPABILITIES: Capabilities = {
  maxReplyLength: MAX_MESSAGE_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['remove', 'delete-own', 'ban-author', 'unban-author', 'mute-author', 'unmute-author'],
  unsupportedReasons: UNSUPPORTED,
  // banChatMember's until_date: more than 366 days (or under 30 s) from now is a ban forever.
  banDuration: { maxDays: 366, permanent: true, defaultDays: null },
};

/** Every permission of a member, off: `restrictChatMember` with these lets them read and nothing else. */
const SILENCED: Record<string, boolean> = {
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_react_to_messages: false,
};

/** Every permission on: the Bot API lifts a member's restrictions when all are passed as true. */
const UNSILENCED: Record<string, boolean> = Object.fromEntries(Object.keys(SILENCED).map((key) => [key, true]));

/** How the connector reaches Telegram; everything has a production default. */
export interface TelegramConnectorOptions {
  /** The Bot API origin when the account does not say (tests point it at a local server). */
  defaultBaseUrl?: string;
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Updates per getUpdates call (1..100). */
  pageSize?: number;
  /** Reply-chain roots remembered in the cursor. */
  memorySize?: number;
  now?: () => number;
}

/** Where the bot's update stream was read up to. */
interface TelegramCursor {
  v: 1;
  /** The next getUpdates offset (the highest update_id stored, plus one); null before the first update. */
  offset: number | null;
  /** When the last update arrived (epoch ms), to know when the server has forgotten the offset's context. */
  lastUpdateAt: number | null;
  /** Reply-chain roots of recent messages, oldest first. */
  roots: [string, string][];
}

/**
 * Telegram keeps updates 24 hours, and after a week without any it numbers the next one at random,
 * possibly below an old offset, which would confirm it unseen. After a day of silence nothing is
 * left to confirm, so the offset is dropped and the next call starts from the queue's beginning.
 */
const OFFSET_TRUSTED_MS = 24 * 3600 * 1000;

function readCursor(raw: string | null): TelegramCursor {
  const empty: TelegramCursor = { v: 1, offset: null, lastUpdateAt: null, roots: [] };
  if (!raw) return empty;
  try {
    const parsed = JSON.parse(raw) as Partial<TelegramCursor>;
    if (parsed.v !== 1) return empty;
    const offset = Number.isSafeInteger(parsed.offset) ? (parsed.offset as number) : null;
    const lastUpdateAt = Number.isSafeInteger(parsed.lastUpdateAt) ? (parsed.lastUpdateAt as number) : null;
    const roots = Array.isArray(parsed.roots)
      ? parsed.roots.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string')
      : [];
    return { v: 1, offset, lastUpdateAt, roots };
  } catch {
    // Unreadable: start from the server's queue; dedup keeps what is stored.
    return empty;
  }
}

/** The message a request is about: from the stored extra, else from its remote id. */
function targetOf(remoteId: string, extra: Record<string, unknown> | undefined): { chatId: number; messageId: number; chatType: WireChat['type'] | null; topicId: number | null } {
  const e = (extra ?? {}) as Partial<TelegramMessageExtra>;
  if (Number.isSafeInteger(e.chatId) && Number.isSafeInteger(e.messageId)) {
    return { chatId: e.chatId!, messageId: e.messageId!, chatType: e.chatType ?? null, topicId: Number.isSafeInteger(e.topicId) ? e.topicId! : null };
  }
  const parsed = parseMessageKey(remoteId);
  if (!parsed) throw new ConnectorError('not-supported', `This is not a Telegram message id: ${remoteId.slice(0, 60)}`);
  return { ...parsed, chatType: null, topicId: null };
}

class TelegramConnector implements Connector {
  readonly network = 'telegram';
  readonly capabilities = TELEGRAM_CAPABILITIES;
  private readonly pageSize: number;
  private readonly now: () => number;

  constructor(private readonly options: TelegramConnectorOptions) {
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
    this.now = options.now ?? (() => Date.now());
  }

  private client(ctx: AccountContext): TelegramClient {
    const token = ctx.credentials.token;
    if (!token) throw new ConnectorError('auth', 'No bot token is stored for this account: enter it again.');
    return new TelegramClient({
      baseUrl: ctx.serverUrl || this.options.defaultBaseUrl || TELEGRAM_API_BASE_URL,
      token,
      createHttp: this.options.createHttp,
      timeoutMs: this.options.timeoutMs,
      retries: this.options.retries,
      sleep: this.options.sleep,
    });
  }

  async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
    const me = await this.client(ctx).getMe();
    if (ctx.remoteId && ctx.remoteId !== String(me.id)) {
      throw new ConnectorError('auth', `This token belongs to another bot (@${me.username ?? me.id}), not to this account.`);
    }
    return authorFromUser(me);
  }

  async poll(ctx: AccountContext, rawCursor: string | null): Promise<PollResult> {
    const state = readCursor(rawCursor);
    const now = this.now();
    const stale = state.lastUpdateAt !== null && now - state.lastUpdateAt > OFFSET_TRUSTED_MS;
    const offset = stale ? null : state.offset;
    const updates = await this.client(ctx).getUpdates({ offset, limit: this.pageSize });

    const memory = new BoundedThreadMemory(state.roots, this.options.memorySize ?? 2000);
    const items: NormalizedItem[] = [];
    const skipped: PollResult['skipped'] = [];
    let highest: number | null = null;
    for (const raw of updates) {
      const entry = readUpdate(raw, { botId: ctx.remoteId, memory });
      if (entry.updateId !== null) highest = highest === null ? entry.updateId : Math.max(highest, entry.updateId);
      if (entry.kind === 'item') items.push(entry.item);
      else if (entry.kind === 'skipped') skipped.push({ remoteId: entry.remoteId, reason: entry.reason });
    }
    const next: TelegramCursor = {
      v: 1,
      // Past every update of the page, understood or not: an update left below the offset would block the queue.
      offset: highest !== null ? highest + 1 : offset,
      lastUpdateAt: updates.length > 0 ? now : stale ? null : state.lastUpdateAt,
      roots: memory.entries(),
    };
    return { items, cursor: JSON.stringify(next), hasMore: updates.length >= this.pageSize, rateLimit: null, skipped };
  }

  async reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult> {
    if (req.text.length > MAX_MESSAGE_LENGTH) {
      throw new ConnectorError('not-supported', `Telegram messages hold at most ${MAX_MESSAGE_LENGTH} characters (UTF-16 units); this one has ${req.text.length}.`);
    }
    const parent = targetOf(req.parentRemoteId, req.parentExtra);
    const sent = await this.client(ctx).sendMessage({
      chat_id: parent.chatId,
      text: req.text,
      // Never sent loose in the group: if the message answered is gone, the reply is refused.
      reply_parameters: { message_id: parent.messageId, allow_sending_without_reply: false },
      ...(parent.topicId !== null ? { message_thread_id: parent.topicId } : {}),
    });
    const extra: TelegramMessageExtra = { chatId: sent.chat.id, messageId: sent.message_id, chatType: sent.chat.type };
    if (parent.topicId !== null) extra.topicId = parent.topicId;
    return {
      remoteId: messageKey(sent.chat.id, sent.message_id),
      permalink: messagePermalink(sent.chat, sent.message_id),
      createdAt: sent.date * 1000,
      extra: extra as unknown as Record<string, unknown>,
    };
  }

  async moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
    if (!this.capabilities.moderation.includes(req.action)) {
      throw new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? `Telegram does not support ${req.action}`);
    }
    const target = targetOf(req.messageRemoteId, req.messageExtra);
    const client = this.client(ctx);
    switch (req.action) {
      case 'remove':
      case 'delete-own': {
        if (req.action === 'delete-own' && req.authorRemoteId !== ctx.remoteId) {
          throw new ConnectorError('not-supported', 'Only the bot’s own messages can be deleted this way: use Remove.');
        }
        try {
          await client.deleteMessage(target.chatId, target.messageId);
          return { remoteResult: { chatId: target.chatId, messageId: target.messageId, deleted: true } };
        } catch (err) {
          // Already gone (an earlier attempt went through, or someone else deleted it): the goal is reached.
          if (err instanceof ConnectorError && err.status === 400 && /message to delete not found/i.test(err.message)) {
            return { remoteResult: { chatId: target.chatId, messageId: target.messageId, alreadyGone: true } };
          }
          throw err;
        }
      }
      case 'ban-author':
      case 'unban-author':
      case 'mute-author':
      case 'unmute-author': {
        const userId = Number(req.authorRemoteId);
        if (!Number.isSafeInteger(userId) || userId <= 0) {
          throw new ConnectorError('not-supported', 'This message was posted on behalf of a channel or by an anonymous admin: there is no person to ban or restrict.');
        }
        if (target.chatType === 'private') throw new ConnectorError('not-supported', 'A private chat with the bot has no members to ban or restrict.');
        if (req.action === 'unban-author') {
          // only_if_banned: a member who was not banned (or already came back) is left alone.
          await client.unbanChatMember(target.chatId, userId);
          return { remoteResult: { chatId: target.chatId, userId, unbanned: true } };
        }
        if (req.action === 'ban-author') {
          // Undone with unbanChatMember (Telegram: the group's "Removed users" list).
          const untilDate = req.durationDays === undefined ? null : Math.floor(this.now() / 1000) + req.durationDays * 86_400;
          await client.banChatMember(target.chatId, userId, untilDate);
          return { remoteResult: { chatId: target.chatId, userId, banned: true, untilDate, undo: 'unbanChatMember' } };
        }
        if (target.chatType === 'group') throw new ConnectorError('not-supported', 'Telegram restricts members only in supergroups; this is a basic group: ban the author instead.');
        if (req.action === 'unmute-author') {
          // "Pass True for all permissions to lift restrictions from a user" (Bot API, restrictChatMember).
          await client.restrictChatMember(target.chatId, userId, UNSILENCED);
          return { remoteResult: { chatId: target.chatId, userId, restricted: false } };
        }
        await client.restrictChatMember(target.chatId, userId, SILENCED);
        return { remoteResult: { chatId: target.chatId, userId, restricted: true } };
      }
      default:
        throw new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? `Telegram does not support ${req.action}`);
    }
  }
}

/** Builds the Telegram connector. */
export function createTelegramConnector(options: TelegramConnectorOptions = {}): Connector {
  return new TelegramConnector(options);
}

/** Signs a bot in: checks the token with getMe, and that no webhook takes its updates. */
export async function signInBot(baseUrl: string, token: string, options: Pick<TelegramConnectorOptions, 'createHttp' | 'timeoutMs'> = {}) {
  const client = new TelegramClient({ baseUrl, token, createHttp: options.createHttp, timeoutMs: options.timeoutMs });
  const me = await client.getMe();
  if (!me.is_bot) throw new ConnectorError('auth', 'This token does not belong to a bot.');
  const webhook = await client.getWebhookInfo();
  if (webhook.url) {
    // Parvis does not delete it: another service relies on it.
    throw new ConnectorError('bad-response', conflictWords('webhook'), null, 409);
  }
  return { author: authorFromUser(me), credentials: { token } };
}

export { TELEGRAM_API_BASE_URL, isBotToken } from './client';
