/**
 * Telegram: a bot token from @BotFather; the bot, an administrator of the brand's groups and
 * channels, reads them through the Bot API and answers and moderates there.
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor } from '../descriptor';
import { ConnectorError } from '../types';
import { TELEGRAM_API_BASE_URL, TELEGRAM_CAPABILITIES, createTelegramConnector, isBotToken, signInBot } from './index';

export const telegram: NetworkDescriptor = {
  id: 'telegram',
  displayName: 'Telegram',
  icon: { glyph: 'T', color: '#1c6ea4' },
  signIn: {
    method: 'api-key',
    fields: [
      signInField({
        name: 'token',
        kind: 'password',
        minLength: 25,
        maxLength: 130,
        example: '123456789:AAF-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        autocomplete: 'off',
        helpUrl: 'https://core.telegram.org/bots/features#botfather',
      }),
    ],
    yields: 'one',
    async start(fields, env) {
      const token = String(fields.token).trim();
      // Checked before any request: the token goes into the request path.
      if (!isBotToken(token)) throw new ConnectorError('auth', 'This is not a bot token: @BotFather gives one shaped like 123456789:AAF-xxxx…');
      const baseUrl = env.endpoints.api ?? TELEGRAM_API_BASE_URL;
      const result = await signInBot(baseUrl, token);
      return { kind: 'done', results: [{ serverUrl: baseUrl, identity: result.author, credentials: result.credentials }] };
    },
  },
  capabilities: TELEGRAM_CAPABILITIES,
  // The Bot API counts UTF-16 units; code points are the nearest the counter offers (the connector checks the exact limit).
  text: { maxReplyLength: TELEGRAM_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: ['text', 'image', 'video', 'link'],
  // sendMessage has no idempotency key; a reply that may have gone out cannot be looked up either (bots cannot read history).
  idempotentWrites: false,
  createConnector: (env) => createTelegramConnector({ defaultBaseUrl: env.endpoints.api ?? TELEGRAM_API_BASE_URL }),
};
