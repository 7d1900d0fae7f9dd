/**
 * A local, stateful stand-in for the Telegram Bot API (https://core.telegram.org/bots/api), for
 * connector tests, integration tests and Playwright specs. It answers `/bot<token>/<method>` over
 * GET (query) and POST (JSON or form), in the documented envelope, and follows the real server
 * where it matters to a client:
 *
 * - getUpdates: updates with `update_id` below the `offset` of a call are confirmed and forgotten
 *   for good; a negative offset keeps the last -offset updates; `limit` is clamped to 1..100;
 *   `allowed_updates` is remembered from call to call (like the real server) and filters new
 *   updates; the queue keeps at most 24 hours and `maxQueue` updates; `timeout` > 0 long-polls.
 *   While a webhook is set, getUpdates answers 409; a competing consumer's request answers 409 to
 *   the one it terminates.
 * - The bot receives no update for its own messages (as on Telegram).
 * - sendMessage with reply_parameters needs the message to exist in that chat ("message to be
 *   replied not found") unless allow_sending_without_reply; text is 1..4096 UTF-16 units.
 * - deleteMessage: 48 hours for everyone; others' messages need the bot to be an administrator
 *   with can_delete_messages; the real error texts.
 * - banChatMember (`until_date`: over 366 days or under 30 s from now is forever, kept as 0) /
 *   unbanChatMember (only_if_banned) / restrictChatMember (supergroups only) /
 *   getChatAdministrators, with the rights checks and error texts of the real server.
 * - Errors: `{ ok: false, error_code, description, parameters: { retry_after } }`; flood control
 *   answers 429 with `parameters.retry_after` and no Retry-After header; a revoked token answers 401.
 *
 * Controls (tests only): post messages as users, edit them, add chats, revoke the token, set a
 * webhook, inject faults, age messages, read what the bot sent and did.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { FaultQueue, readBody, sendJson, startLocalServer, type Fault } from './server-kit';

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TelegramChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: boolean;
}

/** Rights of the bot in a chat. */
export interface BotRights {
  status: 'administrator' | 'member' | 'left' | 'kicked';
  can_delete_messages: boolean;
  can_restrict_members: boolean;
}

/** A message as the server stores it (the wire Message, built on demand). */
export interface StoredMessage {
  chatId: number;
  message_id: number;
  /** Unix seconds. */
  date: number;
  edit_date?: number;
  from?: TelegramUser;
  sender_chat?: TelegramChat;
  text?: string;
  caption?: string;
  photo?: { file_id: string; file_unique_id: string; width: number; height: number }[];
  replyTo?: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  deleted: boolean;
}

export interface ServerChat {
  chat: TelegramChat;
  rights: BotRights;
  /** Per-chat message id sequence. */
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  banned: Set<number>;
  /** A banned member's `until_date` (Unix seconds) as ChatMemberBanned reports it: 0 is forever. */
  bannedUntil: Map<number, number>;
  restricted: Map<number, Record<string, unknown>>;
  /** Human administrators (the creator first). */
  admins: TelegramUser[];
}

export interface SentMessage {
  chatId: number;
  messageId: number;
  text: string;
  replyToMessageId: number | null;
  messageThreadId: number | null;
}

export interface LoggedCall {
  method: string;
  httpMethod: string;
  params: Record<string, unknown>;
  status: number;
  response: unknown;
  /** Arrival, epoch ms. */
  at: number;
}

export interface TelegramServerOptions {
  bot?: { id?: number; username?: string; first_name?: string };
  /** Most updates the server keeps waiting (older ones are dropped first). */
  maxQueue?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

export interface TelegramControl {
  readonly bot: TelegramUser;
  /** The token the server accepts now (BotFather's). */
  readonly token: string;
  /** Revokes the token (BotFather /revoke): the old one answers 401; returns the new one. */
  revokeToken(): string;
  /** Adds a chat where the bot is (by default) an administrator with every right. */
  addChat(input: { type?: ChatType; title?: string; username?: string; id?: number; rights?: Partial<BotRights>; forum?: boolean }): TelegramChat;
  /** A user of the community. */
  user(input: { first_name: string; last_name?: string; username?: string; id?: number }): TelegramUser;
  /** A message from `from` in a chat (a channel post when the chat is a channel). */
  post(input: { chatId: number; from?: TelegramUser; text?: string; caption?: string; photo?: boolean; replyTo?: number; date?: number; topicId?: number }): StoredMessage;
  /** Edits a message (an edited_message / edited_channel_post update). */
  edit(chatId: number, messageId: number, text: string): StoredMessage;
  /** Queues an update of any shape (malformed ones included), as the next update_id. */
  addRawUpdate(payload: Record<string, unknown>): number;
  /** The bot's status in a chat changes (a my_chat_member update). */
  setBotStatus(chatId: number, status: BotRights['status']): void;
  /** The next `count` requests suffer `fault` (429 with retry_after, 5xx, hang, malformed body). */
  fail(fault: Fault, count?: number): void;
  /** A webhook is set (by another service): getUpdates answers 409 until it is removed. */
  setWebhook(url: string | null): void;
  /** Another program calls getUpdates: the next getUpdates of ours is terminated with 409. */
  competingConsumer(): void;
  /** Moves a stored message `hours` into the past (for the 48-hour rule). */
  age(chatId: number, messageId: number, hours: number): void;
  chat(chatId: number): ServerChat | undefined;
  message(chatId: number, messageId: number): StoredMessage | undefined;
  /** Updates still waiting on the server (not confirmed by an offset). */
  pendingUpdateIds(): number[];
  readonly sent: readonly SentMessage[];
  readonly calls: readonly LoggedCall[];
}

export interface TelegramServer {
  url: string;
  close(): Promise<void>;
  control: TelegramControl;
}

const ALL_UPDATE_KINDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'my_chat_member'];
/** The server's default: every update kind except chat_member, message_reaction and message_reaction_count. */
const DEFAULT_ALLOWED = new Set(ALL_UPDATE_KINDS);
const DAY_MS = 24 * 3600 * 1000;

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

function utf16Length(text: string): number {
  return text.length;
}

function newToken(botId: number): string {
  return `${botId}:${randomBytes(26).toString('base64url').slice(0, 35)}`;
}

export async function startTelegramServer(options: TelegramServerOptions = {}): Promise<TelegramServer> {
  const now = options.now ?? (() => Date.now());
  const maxQueue = options.maxQueue ?? 1000;
  const bot: TelegramUser = {
    id: options.bot?.id ?? 7_000_000_001,
    is_bot: true,
    first_name: options.bot?.first_name ?? 'Atelier Lumen',
    username: options.bot?.username ?? 'atelier_lumen_bot',
  };
  let token = newToken(bot.id);
  const revoked = new Set<string>();
  const chats = new Map<number, ServerChat>();
  const users = new Map<number, TelegramUser>();
  let nextUserId = 100_000_001;
  let nextGroupId = 1;
  let nextUpdateId = 500_000_001;
  const queue: { update_id: number; kind: string; at: number; payload: Record<string, unknown> }[] = [];
  let allowed = new Set(DEFAULT_ALLOWED);
  let webhook: string | null = null;
  let competing = 0;
  const faults = new FaultQueue();
  const sent: SentMessage[] = [];
  const calls: LoggedCall[] = [];
  const nowSeconds = () => Math.floor(now() / 1000);

  const chatOf = (id: unknown): ServerChat => {
    const chat = chats.get(Number(id));
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    return chat;
  };
  const member = (chat: ServerChat) => {
    if (chat.rights.status === 'kicked') throw new ApiError(403, `Forbidden: bot was kicked from the ${chat.chat.type === 'channel' ? 'channel' : 'group'} chat`);
    if (chat.rights.status === 'left') throw new ApiError(403, `Forbidden: bot is not a member of the ${chat.chat.type === 'channel' ? 'channel' : 'group'} chat`);
  };

  /** The wire Message of a stored one; `depth` 0 adds the message replied to (one level only, as Telegram). */
  const wire = (m: StoredMessage, depth = 0): Record<string, unknown> => {
    const chat = chats.get(m.chatId)!;
    const out: Record<string, unknown> = { message_id: m.message_id };
    if (m.message_thread_id !== undefined) out.message_thread_id = m.message_thread_id;
    if (m.from) out.from = m.from;
    if (m.sender_chat) out.sender_chat = m.sender_chat;
    out.date = m.date;
    out.chat = chat.chat;
    if (m.is_topic_message) out.is_topic_message = true;
    if (depth === 0 && m.replyTo !== undefined) {
      const parent = chat.messages.get(m.replyTo);
      if (parent && !parent.deleted) out.reply_to_message = wire(parent, 1);
    }
    if (m.edit_date !== undefined) out.edit_date = m.edit_date;
    if (m.text !== undefined) out.text = m.text;
    if (m.photo) out.photo = m.photo;
    if (m.caption !== undefined) out.caption = m.caption;
    return out;
  };

  const enqueue = (kind: string, payload: Record<string, unknown>): number => {
    const update_id = nextUpdateId++;
    if (!allowed.has(kind)) return update_id;
    queue.push({ update_id, kind, at: now(), payload });
    while (queue.length > maxQueue) queue.shift();
    return update_id;
  };

  const dropExpired = () => {
    while (queue.length > 0 && now() - queue[0]!.at > DAY_MS) queue.shift();
  };

  const storeMessage = (chat: ServerChat, m: Omit<StoredMessage, 'chatId' | 'message_id' | 'deleted'>): StoredMessage => {
    const stored: StoredMessage = { ...m, chatId: chat.chat.id, message_id: chat.nextMessageId++, deleted: false };
    chat.messages.set(stored.message_id, stored);
    return stored;
  };

  // ------------------------------------------------------------------------------------------
  // Methods

  const methods: Record<string, (p: Record<string, unknown>, signal: { closed: boolean }) => unknown> = {
    getMe: () => ({ ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
    getWebhookInfo: () => ({ url: webhook ?? '', has_custom_certificate: false, pending_update_count: queue.length }),
    getUpdates: async (p, signal) => {
      if (webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      if (competing > 0) {
        competing--;
        throw new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      }
      if (p.allowed_updates !== undefined) {
        const list = typeof p.allowed_updates === 'string' ? (JSON.parse(p.allowed_updates) as unknown) : p.allowed_updates;
        if (!Array.isArray(list)) throw new ApiError(400, "Bad Request: can't parse allowed updates");
        // An empty list means "every kind but the opt-in ones", as on Telegram.
        allowed = list.length === 0 ? new Set(DEFAULT_ALLOWED) : new Set(list.map(String));
      }
      dropExpired();
      if (p.offset !== undefined) {
        const offset = Number(p.offset);
        if (!Number.isInteger(offset)) throw new ApiError(400, 'Bad Request: invalid offset');
        if (offset < 0) queue.splice(0, Math.max(0, queue.length + offset));
        else while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
      }
      let limit = p.limit === undefined ? 100 : Number(p.limit);
      if (!Number.isFinite(limit) || limit < 1 || limit > 100) limit = 100;
      const timeout = Math.min(50, Math.max(0, Number(p.timeout ?? 0) || 0));
      const deadline = now() + timeout * 1000;
      while (queue.length === 0 && Date.now() < deadline && !signal.closed) await new Promise((r) => setTimeout(r, 25));
      return queue.slice(0, limit).map((u) => ({ update_id: u.update_id, ...u.payload }));
    },
    sendMessage: (p) => {
      const chat = chatOf(p.chat_id);
      member(chat);
      const text = typeof p.text === 'string' ? p.text : '';
      if (!text.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
      if (utf16Length(text) > 4096) throw new ApiError(400, 'Bad Request: message is too long');
      const reply = (typeof p.reply_parameters === 'string' ? JSON.parse(p.reply_parameters) : p.reply_parameters) as
        | { message_id?: unknown; allow_sending_without_reply?: unknown; chat_id?: unknown }
        | undefined;
      let replyTo: number | undefined;
      let topic: number | undefined = p.message_thread_id === undefined ? undefined : Number(p.message_thread_id);
      if (reply) {
        const parent = chat.messages.get(Number(reply.message_id));
        if (!parent || parent.deleted) {
          if (reply.allow_sending_without_reply !== true) throw new ApiError(400, 'Bad Request: message to be replied not found');
        } else {
          replyTo = parent.message_id;
          topic ??= parent.is_topic_message ? parent.message_thread_id : undefined;
        }
      }
      if (chat.chat.type === 'channel' && chat.rights.status !== 'administrator') throw new ApiError(400, 'Bad Request: need administrator rights in the channel chat');
      const stored = storeMessage(chat, {
        date: nowSeconds(),
        ...(chat.chat.type === 'channel' ? { sender_chat: chat.chat } : { from: bot }),
        text,
        replyTo,
        ...(topic !== undefined ? { message_thread_id: topic, is_topic_message: true } : {}),
      });
      sent.push({ chatId: chat.chat.id, messageId: stored.message_id, text, replyToMessageId: replyTo ?? null, messageThreadId: topic ?? null });
      // Bots get no update for their own messages.
      return wire(stored);
    },
    deleteMessage: (p) => {
      const chat = chatOf(p.chat_id);
      member(chat);
      const m = chat.messages.get(Number(p.message_id));
      if (!m || m.deleted) throw new ApiError(400, 'Bad Request: message to delete not found');
      const own = m.from?.id === bot.id || (chat.chat.type === 'channel' && m.sender_chat?.id === chat.chat.id);
      const tooOld = nowSeconds() - m.date >= 48 * 3600;
      const cannot = chat.chat.type === 'channel' ? "Bad Request: message can't be deleted" : "Bad Request: message can't be deleted for everyone";
      if (tooOld && chat.chat.type !== 'private') throw new ApiError(400, cannot);
      if (!own && chat.chat.type !== 'private' && !(chat.rights.status === 'administrator' && chat.rights.can_delete_messages)) throw new ApiError(400, cannot);
      m.deleted = true;
      return true;
    },
    banChatMember: (p) => {
      const chat = chatOf(p.chat_id);
      member(chat);
      const userId = Number(p.user_id);
      if (chat.chat.type === 'private') throw new ApiError(400, "Bad Request: can't ban members in private chats");
      if (!(chat.rights.status === 'administrator' && chat.rights.can_restrict_members)) throw new ApiError(400, 'Bad Request: not enough rights to restrict/unrestrict chat member');
      if (chat.admins[0]?.id === userId) throw new ApiError(400, "Bad Request: can't remove chat owner");
      if (chat.admins.some((a) => a.id === userId)) throw new ApiError(400, 'Bad Request: user is an administrator of the chat');
      if (!users.has(userId)) throw new ApiError(400, 'Bad Request: user not found');
      chat.banned.add(userId);
      // "Banned for more than 366 days or less than 30 seconds from the current time: forever."
      const until = p.until_date === undefined ? 0 : Number(p.until_date);
      const left = until - nowSeconds();
      chat.bannedUntil.set(userId, !Number.isFinite(until) || left < 30 || left > 366 * 86_400 ? 0 : until);
      return true;
    },
    unbanChatMember: (p) => {
      const chat = chatOf(p.chat_id);
      member(chat);
      if (!(chat.rights.status === 'administrator' && chat.rights.can_restrict_members)) throw new ApiError(400, 'Bad Request: not enough rights to restrict/unrestrict chat member');
      const userId = Number(p.user_id);
      if (p.only_if_banned === true || p.only_if_banned === 'true') {
        chat.banned.delete(userId);
        chat.bannedUntil.delete(userId);
        return true;
      }
      chat.banned.delete(userId);
      chat.bannedUntil.delete(userId);
      return true;
    },
    restrictChatMember: (p) => {
      const chat = chatOf(p.chat_id);
      member(chat);
      if (chat.chat.type !== 'supergroup') throw new ApiError(400, 'Bad Request: method is available only for supergroups');
      if (!(chat.rights.status === 'administrator' && chat.rights.can_restrict_members)) throw new ApiError(400, 'Bad Request: not enough rights to restrict/unrestrict chat member');
      const permissions = (typeof p.permissions === 'string' ? JSON.parse(p.permissions) : p.permissions) as Record<string, unknown> | undefined;
      if (!permissions || typeof permissions !== 'object') throw new ApiError(400, 'Bad Request: invalid permissions specified');
      const userId = Number(p.user_id);
      if (chat.admins.some((a) => a.id === userId)) throw new ApiError(400, "Bad Request: can't restrict self");
      // Every permission true lifts the restrictions: the member is a plain member again.
      const values = Object.values(permissions);
      if (values.length > 0 && values.every((v) => v === true)) chat.restricted.delete(userId);
      else chat.restricted.set(userId, permissions);
      return true;
    },
    getChatAdministrators: (p) => {
      const chat = chatOf(p.chat_id);
      member(chat);
      const humans = chat.admins.map((user, i) =>
        i === 0 ? { status: 'creator', user, is_anonymous: false } : { status: 'administrator', user, can_be_edited: false, is_anonymous: false, ...adminRights(true) },
      );
      const me =
        chat.rights.status === 'administrator'
          ? [{ status: 'administrator', user: bot, can_be_edited: false, is_anonymous: false, ...adminRights(false), can_delete_messages: chat.rights.can_delete_messages, can_restrict_members: chat.rights.can_restrict_members }]
          : [];
      return [...humans, ...me];
    },
  };

  /** The bot as a ChatMember of the given status. */
  function memberOf(status: BotRights['status']): Record<string, unknown> {
    if (status === 'administrator') return { status, user: bot, can_be_edited: false, is_anonymous: false, ...adminRights(true) };
    return { status, user: bot, ...(status === 'kicked' ? { until_date: 0 } : {}) };
  }

  function adminRights(all: boolean): Record<string, boolean> {
    return {
      can_manage_chat: true,
      can_delete_messages: all,
      can_manage_video_chats: all,
      can_restrict_members: all,
      can_promote_members: all,
      can_change_info: all,
      can_invite_users: true,
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
    };
  }

  // ------------------------------------------------------------------------------------------
  // HTTP

  const answer = (res: ServerResponse, call: LoggedCall, status: number, body: Record<string, unknown>) => {
    call.status = status;
    call.response = body;
    sendJson(res, status, body);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://telegram.local');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const body = await readBody(req);
    const params: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (body.json && typeof body.json === 'object' && !Array.isArray(body.json)) Object.assign(params, body.json);
    else for (const [k, v] of body.form) params[k] = v;
    const call: LoggedCall = { method: match?.[2] ?? url.pathname, httpMethod: req.method ?? 'GET', params, status: 0, response: null, at: Date.now() };
    calls.push(call);
    if (!match) return answer(res, call, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, given, method] = match as unknown as [string, string, string];
    if (given !== token) {
      // A well-formed token Telegram revoked: 401. Anything else: no such bot.
      if (revoked.has(given)) return answer(res, call, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return answer(res, call, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const fault = faults.take();
    if (fault) {
      call.status = fault.kind === 'rate-limit' ? 429 : fault.kind === 'server-error' ? fault.status : fault.kind === 'malformed' ? 200 : 0;
      switch (fault.kind) {
        case 'rate-limit':
          return answer(res, call, 429, {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${fault.resetInSeconds}`,
            parameters: { retry_after: fault.resetInSeconds },
          });
        case 'server-error':
          return answer(res, call, fault.status, { ok: false, error_code: fault.status, description: fault.status === 502 ? 'Bad Gateway' : 'Internal Server Error' });
        case 'hang':
          return;
        case 'malformed':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"ok": true, "result": [');
          return;
      }
    }
    const fn = methods[method];
    if (!fn) return answer(res, call, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    const signal = { closed: false };
    res.on('close', () => (signal.closed = true));
    try {
      const result = await fn(params, signal);
      return answer(res, call, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof ApiError) {
        return answer(res, call, err.code, { ok: false, error_code: err.code, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}) });
      }
      throw err;
    }
  };

  const server = await startLocalServer(handler);

  // ------------------------------------------------------------------------------------------
  // Controls

  const control: TelegramControl = {
    bot,
    get token() {
      return token;
    },
    revokeToken() {
      revoked.add(token);
      token = newToken(bot.id);
      return token;
    },
    addChat(input) {
      const type = input.type ?? 'supergroup';
      const seq = nextGroupId++;
      const id = input.id ?? (type === 'supergroup' || type === 'channel' ? -(1_000_000_000_000 + 1_900_000_000 + seq) : type === 'group' ? -(4_000_000_000 + seq) : 200_000_000 + seq);
      const chat: TelegramChat = { id, type, ...(type === 'private' ? { first_name: input.title ?? 'Someone' } : { title: input.title ?? `Group ${seq}` }), ...(input.username ? { username: input.username } : {}), ...(input.forum ? { is_forum: true } : {}) };
      const owner = control.user({ first_name: 'Owner', username: `owner_${seq}` });
      chats.set(id, {
        chat,
        rights: { status: 'administrator', can_delete_messages: true, can_restrict_members: true, ...input.rights },
        nextMessageId: 1,
        messages: new Map(),
        banned: new Set(),
        bannedUntil: new Map(),
        restricted: new Map(),
        admins: type === 'private' ? [] : [owner],
      });
      return chat;
    },
    user(input) {
      const user: TelegramUser = { id: input.id ?? nextUserId++, is_bot: false, first_name: input.first_name, ...(input.last_name ? { last_name: input.last_name } : {}), ...(input.username ? { username: input.username } : {}) };
      users.set(user.id, user);
      return user;
    },
    post(input) {
      const chat = chats.get(input.chatId);
      if (!chat) throw new Error(`no chat ${input.chatId}`);
      const channel = chat.chat.type === 'channel';
      if (!channel && !input.from) throw new Error('a message in a group needs an author');
      if (input.from && chat.banned.has(input.from.id)) throw new Error('a banned user cannot post');
      const parent = input.replyTo !== undefined ? chat.messages.get(input.replyTo) : undefined;
      const topic = input.topicId ?? (parent?.is_topic_message ? parent.message_thread_id : undefined);
      const stored = storeMessage(chat, {
        date: input.date ?? nowSeconds(),
        ...(channel ? { sender_chat: chat.chat } : { from: input.from }),
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.caption !== undefined ? { caption: input.caption } : {}),
        ...(input.photo ? { photo: [{ file_id: `AgAC${randomBytes(8).toString('hex')}`, file_unique_id: randomBytes(6).toString('hex'), width: 1280, height: 960 }] } : {}),
        replyTo: input.replyTo ?? (topic !== undefined ? topic : undefined),
        ...(topic !== undefined ? { message_thread_id: topic, is_topic_message: true } : {}),
      });
      if (chat.rights.status === 'administrator' || chat.rights.status === 'member' || chat.chat.type === 'private') {
        enqueue(channel ? 'channel_post' : 'message', { [channel ? 'channel_post' : 'message']: wire(stored) });
      }
      return stored;
    },
    edit(chatId, messageId, text) {
      const chat = chats.get(chatId);
      const m = chat?.messages.get(messageId);
      if (!chat || !m) throw new Error(`no message ${chatId}:${messageId}`);
      m.edit_date = Math.max(nowSeconds(), (m.edit_date ?? m.date) + 1);
      if (m.text !== undefined) m.text = text;
      else m.caption = text;
      const kind = chat.chat.type === 'channel' ? 'edited_channel_post' : 'edited_message';
      enqueue(kind, { [kind]: wire(m) });
      return m;
    },
    addRawUpdate(payload) {
      const kind = ALL_UPDATE_KINDS.find((k) => k in payload) ?? 'message';
      const update_id = nextUpdateId++;
      queue.push({ update_id, kind, at: now(), payload });
      return update_id;
    },
    setBotStatus(chatId, status) {
      const chat = chats.get(chatId);
      if (!chat) throw new Error(`no chat ${chatId}`);
      const old = chat.rights.status;
      chat.rights.status = status;
      const owner = chat.admins[0] ?? bot;
      enqueue('my_chat_member', {
        my_chat_member: {
          chat: chat.chat,
          from: owner,
          date: nowSeconds(),
          old_chat_member: memberOf(old),
          new_chat_member: memberOf(status),
        },
      });
    },
    fail(fault, count = 1) {
      faults.add(fault, count);
    },
    setWebhook(url) {
      webhook = url;
    },
    competingConsumer() {
      competing++;
    },
    age(chatId, messageId, hours) {
      const m = chats.get(chatId)?.messages.get(messageId);
      if (!m) throw new Error(`no message ${chatId}:${messageId}`);
      m.date -= Math.round(hours * 3600);
    },
    chat: (chatId) => chats.get(chatId),
    message: (chatId, messageId) => chats.get(chatId)?.messages.get(messageId),
    pendingUpdateIds: () => {
      dropExpired();
      return queue.map((u) => u.update_id);
    },
    sent,
    calls,
  };

  return { url: server.url, close: server.close, control };
}
