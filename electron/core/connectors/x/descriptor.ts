/**
 * X: sign-in in the browser with the user's own X app (OAuth 2.0, public client, PKCE), mentions
 * and direct messages, replies, hidden replies and mutes, within a monthly read cap the user sets.
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor, NetworkEnvironment } from '../descriptor';
import { browserFlow } from '../descriptor';
import { ConnectorError } from '../types';
import { DEFAULT_MONTHLY_READ_CAP, X_API_BASE_URL, X_CAPABILITIES, X_MAX_POST_LENGTH, createXConnector, signInToX, type XOAuthClient } from './index';

async function xClient(env: NetworkEnvironment): Promise<XOAuthClient> {
  const app = await env.developerApp();
  if (!app) throw new ConnectorError('not-supported', 'X needs your own X app (OAuth 2.0 client id): add it in Parvis first');
  return { clientId: app.clientId, authorizeUrl: env.endpoints.authorize, tokenUrl: env.endpoints.token };
}

/** The monthly read cap: asked at sign-in, changed later in the account's settings. */
const READ_CAP_FIELD = signInField({
  name: 'monthlyReadCap',
  kind: 'number',
  required: false,
  minLength: 100,
  maxLength: 10_000_000,
  defaultValue: DEFAULT_MONTHLY_READ_CAP,
  helpUrl: 'https://docs.x.com/x-api/getting-started/pricing',
});

export const x: NetworkDescriptor = {
  id: 'x',
  displayName: 'X',
  icon: { glyph: 'X', color: '#0f1419' },
  signIn: {
    method: 'oauth',
    fields: [READ_CAP_FIELD],
    yields: 'one',
    browserHost: 'x.com',
    async start(fields, env) {
      const oauth = await xClient(env);
      const apiBaseUrl = env.endpoints.api ?? X_API_BASE_URL;
      const monthlyReadCap = typeof fields.monthlyReadCap === 'number' ? fields.monthlyReadCap : DEFAULT_MONTHLY_READ_CAP;
      return browserFlow(async (openBrowser, signal) => {
        const result = await signInToX({ oauth, defaultApiBaseUrl: apiBaseUrl }, { openBrowser, signal, timeoutMs: 10 * 60_000, apiBaseUrl, monthlyReadCap });
        return { serverUrl: apiBaseUrl, identity: result.user, credentials: result.credentials };
      });
    },
  },
  developerApp: {
    // A "Native App" (public client): PKCE, no secret.
    needsSecret: false,
    consoleUrl: 'https://developer.x.com/en/portal/dashboard',
    redirectUri: 'http://127.0.0.1/callback',
    environment: { clientId: 'PARVIS_X_CLIENT_ID' },
  },
  accountSettings: [READ_CAP_FIELD],
  capabilities: X_CAPABILITIES,
  text: { maxReplyLength: X_MAX_POST_LENGTH, counting: 'code-points-fixed-links', linkLength: 23 },
  publish: ['text', 'image', 'video', 'link'],
  // POST /2/tweets has no idempotency key; the outbox looks for a sent reply before sending again.
  idempotentWrites: false,
  createConnector: (env) => createXConnector({ oauth: () => xClient(env), defaultApiBaseUrl: env.endpoints.api ?? X_API_BASE_URL }),
};
