/**
 * The Bot API calls the connector makes (https://core.telegram.org/bots/api), over the shared HTTP
 * factory (timeouts, User-Agent, retries of safe requests on 5xx and timeouts, secrets redacted).
 *
 * Every answer is an envelope `{ ok, result }` or `{ ok: false, error_code, description,
 * parameters }`; failures become typed ConnectorErrors here: 401/404 → 'auth' (the token was
 * revoked or never existed), 429 → 'rate-limited' with `parameters.retry_after`, 409 → the
 * update stream is taken (a webhook, or another program polling the same bot), in plain words.
 *
 * The token travels in the path (`/bot<token>/<method>`): it is checked against the token shape
 * before use, so it can never change the path, and passed as a secret to every error message.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';
import { createHttpClient, parseRetryAfter, type HttpOptions } from '../http';
import { ConnectorError } from '../types';
import { ALLOWED_UPDATES, WireChatMember, WireEnvelope, WireMessage, WireUser, WireWebhookInfo, describeIssues } from './wire';

/** The real Bot API. */
export const TELEGRAM_API_BASE_URL = 'https://api.telegram.org';

/** A token as @BotFather gives it: the bot's id, a colon, and a secret of letters, digits, '-' and '_'. */
const TOKEN_SHAPE = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;

/** True when `token` has the shape of a bot token. */
export function isBotToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** Builds the HTTP instance (the shared factory, or a test double). */
export type HttpFactory = (options: HttpOptions) => AxiosInstance;

export interface TelegramClientOptions {
  /** The Bot API's origin, e.g. https://api.telegram.org. */
  baseUrl: string;
  token: string;
  createHttp?: HttpFactory;
  timeoutMs?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Plain words for a 409: who else is taking this bot's updates. */
export function conflictWords(description: string): string {
  if (/webhook/i.test(description)) {
    return 'This bot sends its updates to a webhook (another service set one up), and Telegram then refuses to give them to Parvis. Remove the webhook (deleteWebhook), or create a separate bot for Parvis with @BotFather.';
  }
  return 'Another program is reading this bot’s updates at the same time (another Parvis, or a bot script), and Telegram gives each update to one reader only. Stop the other program, or create a separate bot for Parvis with @BotFather.';
}

/** The ConnectorError for a failed envelope. */
export function envelopeError(
  method: string,
  failure: { error_code: number; description: string; parameters?: { retry_after?: number } },
  retryAfterHeader: string | null = null,
): ConnectorError {
  const { error_code: code, description } = failure;
  const words = `${method}: ${code} ${description}`.trim();
  if (code === 401 || code === 404) {
    // 401 Unauthorized: revoked (or regenerated) with @BotFather; 404: no bot has this token.
    return new ConnectorError('auth', `The bot token was revoked or is not valid: enter a new one (${words})`, null, code, { detail: description });
  }
  if (code === 429) {
    const seconds = failure.parameters?.retry_after;
    const retryAfterMs = typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : (parseRetryAfter(retryAfterHeader) ?? 60_000);
    return new ConnectorError('rate-limited', `Telegram asks to wait before the next request (${words})`, retryAfterMs, code, { detail: description });
  }
  if (code === 409) return new ConnectorError('bad-response', `${conflictWords(description)} (${words})`, null, code, { detail: description });
  if (code === 403) {
    // "bot was kicked from the group chat", "bot is not a member of the channel chat": asking again will not help.
    return new ConnectorError('not-supported', `Telegram refused: the bot is no longer allowed in this chat (${words})`, null, code, { detail: description });
  }
  if (code >= 500) return new ConnectorError('network', words, null, code, { detail: description });
  if (code === 400 && /message to be replied not found|message can't be deleted|only for supergroups|not enough rights|chat not found|user not found|can't remove chat owner|user is an administrator/i.test(description)) {
    // Refusals that no retry changes: the outbox should stop at once and say why.
    return new ConnectorError('not-supported', `Telegram refused (${words})`, null, code, { detail: description });
  }
  return new ConnectorError('bad-response', words, null, code, { detail: description });
}

/** One Bot API client for one bot. */
export class TelegramClient {
  private readonly http: AxiosInstance;
  private readonly prefix: string;

  constructor(options: TelegramClientOptions) {
    if (!isBotToken(options.token)) {
      throw new ConnectorError('auth', 'The stored value is not a Telegram bot token: enter the token @BotFather gave you.');
    }
    const createHttp = options.createHttp ?? createHttpClient;
    this.http = createHttp({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      network: 'telegram',
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      sleep: options.sleep,
      secrets: () => [options.token],
    });
    this.prefix = `/bot${options.token}`;
  }

  /** getMe: the bot the token belongs to. */
  async getMe(): Promise<WireUser> {
    return this.parse('getMe', WireUser, await this.call('getMe', 'get'));
  }

  /** getWebhookInfo: a set webhook keeps getUpdates from working. */
  async getWebhookInfo(): Promise<{ url: string }> {
    return this.parse('getWebhookInfo', WireWebhookInfo, await this.call('getWebhookInfo', 'get'));
  }

  /**
   * getUpdates as a short poll (timeout 0: the scheduler owns the waiting). Calling it with
   * `offset` confirms, and makes the server forget, every update below it: the offset given here
   * must come from a cursor already committed with the updates it confirms. Items are raw, so that
   * a bad one can be skipped and the rest of the page kept.
   */
  async getUpdates(params: { offset: number | null; limit: number }): Promise<unknown[]> {
    const query: Record<string, string> = {
      limit: String(params.limit),
      timeout: '0',
      allowed_updates: JSON.stringify(ALLOWED_UPDATES),
    };
    if (params.offset !== null) query.offset = String(params.offset);
    const result = await this.call('getUpdates', 'get', query);
    if (!Array.isArray(result)) throw new ConnectorError('bad-response', 'getUpdates: the result is not a list of updates');
    return result;
  }

  /** sendMessage, answering `replyTo` in the same chat (and topic). */
  async sendMessage(body: { chat_id: number; text: string; reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean }; message_thread_id?: number }) {
    return this.parse('sendMessage', WireMessage, await this.call('sendMessage', 'post', body));
  }

  /** deleteMessage. */
  async deleteMessage(chatId: number, messageId: number): Promise<void> {
    await this.call('deleteMessage', 'post', { chat_id: chatId, message_id: messageId });
  }

  /**
   * banChatMember: removed, and kept out until unbanned (`unbanChatMember`) or until `untilDate`
   * (Unix seconds; null: forever. Telegram takes more than 366 days or under 30 s as forever).
   */
  async banChatMember(chatId: number, userId: number, untilDate: number | null = null): Promise<void> {
    await this.call('banChatMember', 'post', { chat_id: chatId, user_id: userId, revoke_messages: false, ...(untilDate !== null ? { until_date: untilDate } : {}) });
  }

  /** unbanChatMember with only_if_banned: a member who was not banned is left alone. */
  async unbanChatMember(chatId: number, userId: number): Promise<void> {
    await this.call('unbanChatMember', 'post', { chat_id: chatId, user_id: userId, only_if_banned: true });
  }

  /** restrictChatMember: may read, may not send anything (supergroups only). */
  async restrictChatMember(chatId: number, userId: number, permissions: Record<string, boolean>): Promise<void> {
    await this.call('restrictChatMember', 'post', { chat_id: chatId, user_id: userId, permissions, use_independent_chat_permissions: true });
  }

  /** getChatAdministrators. */
  async getChatAdministrators(chatId: number): Promise<z.infer<typeof WireChatMember>[]> {
    const result = await this.call('getChatAdministrators', 'get', { chat_id: String(chatId) });
    if (!Array.isArray(result)) throw new ConnectorError('bad-response', 'getChatAdministrators: the result is not a list');
    return result.flatMap((raw) => {
      const parsed = WireChatMember.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private async call(method: string, verb: 'get' | 'post', input?: Record<string, unknown>): Promise<unknown> {
    const url = `${this.prefix}/${method}`;
    // 4xx come back as answers to read the envelope; 5xx and no answer go through the factory's retries.
    const config = { validateStatus: (status: number) => status < 500 };
    let response: AxiosResponse;
    if (verb === 'get') response = await this.http.get(url, { ...config, params: input });
    else response = await this.http.post(url, input ?? {}, { ...config, headers: { 'Content-Type': 'application/json' } });
    const envelope = WireEnvelope.safeParse(response.data);
    if (!envelope.success) {
      throw new ConnectorError('bad-response', `${method}: ${response.status}, not a Bot API answer (${describeIssues(envelope.error)})`, null, response.status);
    }
    if (!envelope.data.ok) {
      const retryAfter = (response.headers as Record<string, unknown>)['retry-after'];
      throw envelopeError(method, envelope.data, typeof retryAfter === 'string' ? retryAfter : null);
    }
    return envelope.data.result;
  }

  private parse<T extends z.ZodType>(method: string, schema: T, result: unknown): z.infer<T> {
    const parsed = schema.safeParse(result);
    if (!parsed.success) throw new ConnectorError('bad-response', `${method}: the result does not match the Bot API (${describeIssues(parsed.error)})`);
    return parsed.data as z.infer<T>;
  }
}
