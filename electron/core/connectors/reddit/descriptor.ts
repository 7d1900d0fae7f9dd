/**
 * Reddit: sign-in in the browser with the user's own Reddit app ("installed app": a client id, no
 * secret), the inbox, the modqueue of the subreddits the account moderates, new comments in chosen
 * subreddits, replies, and moderation (approve, remove, spam, ban).
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor, NetworkEnvironment } from '../descriptor';
import { browserFlow } from '../descriptor';
import { ConnectorError } from '../types';
import { REDDIT_API_BASE_URL, REDDIT_CAPABILITIES, REDDIT_MAX_COMMENT_LENGTH, REDDIT_REDIRECT_PORT, createRedditConnector, parseSubreddits, signInToReddit, type RedditOAuthClient } from './index';

async function redditClient(env: NetworkEnvironment): Promise<RedditOAuthClient> {
  const app = await env.developerApp();
  if (!app) throw new ConnectorError('not-supported', 'Reddit needs your own Reddit app ("installed app" client id): add it in Parvis first');
  const port = env.endpoints.redirectPort;
  return { clientId: app.clientId, authorizeUrl: env.endpoints.authorize, tokenUrl: env.endpoints.token, ...(port !== undefined ? { redirectPort: Number(port) } : {}) };
}

export const reddit: NetworkDescriptor = {
  id: 'reddit',
  displayName: 'Reddit',
  icon: { glyph: 'R', color: '#c23c00' },
  signIn: {
    method: 'oauth',
    fields: [signInField({ name: 'subreddits', kind: 'text', required: false, maxLength: 500, example: 'r/AtelierLumen, r/lampes' })],
    yields: 'one',
    browserHost: 'www.reddit.com',
    async start(fields, env) {
      const oauth = await redditClient(env);
      const apiBaseUrl = env.endpoints.api ?? REDDIT_API_BASE_URL;
      const subreddits = parseSubreddits(typeof fields.subreddits === 'string' ? fields.subreddits : '');
      return browserFlow(async (openBrowser, signal) => {
        const result = await signInToReddit({ oauth, defaultApiBaseUrl: apiBaseUrl }, { openBrowser, signal, timeoutMs: 10 * 60_000, apiBaseUrl, subreddits });
        return { serverUrl: apiBaseUrl, identity: result.user, credentials: result.credentials };
      });
    },
  },
  developerApp: {
    needsSecret: false,
    consoleUrl: 'https://www.reddit.com/prefs/apps',
    redirectUri: `http://127.0.0.1:${REDDIT_REDIRECT_PORT}/callback`,
    environment: { clientId: 'PARVIS_REDDIT_CLIENT_ID' },
  },
  capabilities: REDDIT_CAPABILITIES,
  text: { maxReplyLength: REDDIT_MAX_COMMENT_LENGTH, counting: 'code-points', linkLength: null },
  publish: ['text', 'link', 'image'],
  idempotentWrites: false,
  createConnector: (env) => createRedditConnector({ oauth: () => redditClient(env), defaultApiBaseUrl: env.endpoints.api ?? REDDIT_API_BASE_URL }),
};
