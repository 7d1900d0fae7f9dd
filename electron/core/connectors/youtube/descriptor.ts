/**
 * YouTube: Google sign-in in the browser with the user's own Google OAuth client ("Desktop app"),
 * the channel's comments, and the Data API's daily quota.
 */
import type { NetworkDescriptor, NetworkEnvironment } from '../descriptor';
import { browserFlow } from '../descriptor';
import { ConnectorError } from '../types';
import type { GoogleOAuthClient } from './auth';
import { YOUTUBE_API_BASE_URL } from './client';
import { createYouTubeConnector, signInToYouTube, YOUTUBE_CAPABILITIES } from './index';
import { DEFAULT_DAILY_QUOTA, QUOTA_TIME_ZONE } from './quota';

/** Polls spend 1 unit a list call; writes cost 50 and keep a reserve of their own. */
export const YOUTUBE_QUOTA = { limit: DEFAULT_DAILY_QUOTA, timeZone: QUOTA_TIME_ZONE, pollCostUnits: 1, reserveUnits: 1_000 };

/** The Google OAuth client in use: the developer app, with the endpoints tests point elsewhere. */
async function googleClient(env: NetworkEnvironment): Promise<GoogleOAuthClient> {
  const app = await env.developerApp();
  if (!app) throw new ConnectorError('not-supported', 'YouTube needs your Google OAuth client ("Desktop app"): add it in Parvis first');
  return { clientId: app.clientId, clientSecret: app.clientSecret, authorizeUrl: env.endpoints.authorize, tokenUrl: env.endpoints.token };
}

export const youtube: NetworkDescriptor = {
  id: 'youtube',
  displayName: 'YouTube',
  icon: { glyph: 'YT', color: '#c4001a' },
  signIn: {
    method: 'oauth',
    fields: [],
    yields: 'one',
    browserHost: 'accounts.google.com',
    async start(_fields, env) {
      const oauth = await googleClient(env);
      const apiBaseUrl = env.endpoints.api ?? YOUTUBE_API_BASE_URL;
      return browserFlow(async (openBrowser, signal) => {
        const result = await signInToYouTube({ oauth, defaultApiBaseUrl: apiBaseUrl }, { openBrowser, signal, timeoutMs: 10 * 60_000, apiBaseUrl });
        return { serverUrl: apiBaseUrl, identity: result.channel, credentials: result.credentials };
      });
    },
  },
  developerApp: {
    needsSecret: true,
    consoleUrl: 'https://console.cloud.google.com/apis/credentials',
    environment: { clientId: 'PARVIS_GOOGLE_CLIENT_ID', clientSecret: 'PARVIS_GOOGLE_CLIENT_SECRET' },
  },
  capabilities: YOUTUBE_CAPABILITIES,
  text: { maxReplyLength: YOUTUBE_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: ['video'],
  quota: YOUTUBE_QUOTA,
  // comments.insert and comments.setModerationStatus cost 50 units each.
  writeCostUnits: 50,
  idempotentWrites: false,
  createConnector: (env) =>
    createYouTubeConnector({ oauth: () => googleClient(env), defaultApiBaseUrl: env.endpoints.api ?? YOUTUBE_API_BASE_URL }),
};
