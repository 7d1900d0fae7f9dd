/**
 * Reddit sign-in for an installed app (https://github.com/reddit-archive/reddit/wiki/OAuth2): the
 * user's own app of type "installed app" has a client id and no secret; the token endpoint takes
 * HTTP Basic auth with the id and an empty password. The redirect URI must match the app's
 * registered one exactly, port included, so the loopback listens on a fixed port
 * (`http://127.0.0.1:65010/callback`). `duration=permanent` brings a refresh token; access tokens
 * last an hour. PKCE parameters are sent too (Reddit ignores them; the state check protects the flow).
 *
 * Credentials are kept in the keychain as `{ accessToken, refreshToken, expiresAt, scope, subreddits }`.
 */
import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../http';
import { exchangeCode, startLoopbackAuthorization } from '../oauth';
import { accessTokenExpired, atTokenEndpoint, refreshTokens, tokensFrom, tokensFromRecord, tokensToRecord, type OAuthTokens } from '../oauth-refresh';

export const REDDIT_AUTHORIZE_URL = 'https://www.reddit.com/api/v1/authorize.compact';
export const REDDIT_TOKEN_URL = 'https://www.reddit.com/api/v1/access_token';
/** The redirect address to register in the app (Reddit matches it exactly). */
export const REDDIT_REDIRECT_PORT = 65010;

/** Who Parvis is, in the form Reddit asks for: `<platform>:<app id>:<version> (by /u/<user>)`. */
export const REDDIT_USER_AGENT = 'desktop:app.parvis.inbox:0.1.0 (by /u/parvis-app)';

/** Identity, inbox and PMs, replies, moderation of posts and users, reading subreddits. */
export const REDDIT_SCOPES = ['identity', 'read', 'history', 'privatemessages', 'submit', 'edit', 'modposts', 'modcontributors', 'modconfig'] as const;

export interface RedditOAuthClient {
  clientId: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  /** The loopback port (tests use 0: any free port). */
  redirectPort?: number;
}

export interface RedditCredentials extends OAuthTokens {
  /** Subreddits whose new comments are read, without `r/`. */
  subreddits: string[];
}

export function credentialsToRecord(c: RedditCredentials): Record<string, string> {
  return { ...tokensToRecord(c), subreddits: c.subreddits.join(',') };
}

/** @throws ConnectorError `auth` when no access token is stored. */
export function credentialsFromRecord(record: Record<string, string>): RedditCredentials {
  return { ...tokensFromRecord(record, 'Reddit'), subreddits: parseSubreddits(record.subreddits ?? '') };
}

/** `r/Lampes, lumen_fr r/x` → `['Lampes', 'lumen_fr', 'x']` (Reddit's names: 3..21 letters, digits, _). */
export function parseSubreddits(text: string): string[] {
  const names = text
    .split(/[\s,;]+/)
    .map((s) => s.replace(/^\/?r\//i, '').trim())
    .filter((s) => /^[A-Za-z0-9][A-Za-z0-9_]{1,20}$/.test(s));
  return [...new Set(names)].slice(0, 20);
}

export { accessTokenExpired };

/** The token endpoint's client: Basic auth with the app id and an empty password, Reddit's User-Agent. */
function tokenHttp(client: RedditOAuthClient, timeoutMs?: number): AxiosInstance {
  const http = createHttpClient({ baseURL: new URL(client.tokenUrl ?? REDDIT_TOKEN_URL).origin, network: 'reddit', timeoutMs, retries: 0 });
  // Instance headers, which win over the factory's generic User-Agent.
  http.defaults.headers.Authorization = `Basic ${Buffer.from(`${client.clientId}:`).toString('base64')}`;
  http.defaults.headers['User-Agent'] = REDDIT_USER_AGENT;
  return http;
}

export async function signInWithReddit(
  client: RedditOAuthClient,
  options: { openBrowser: (url: string) => void | Promise<void>; signal?: AbortSignal; timeoutMs?: number; now?: () => number; subreddits: string[] },
): Promise<RedditCredentials> {
  const authorization = await startLoopbackAuthorization({
    authorizeUrl: client.authorizeUrl ?? REDDIT_AUTHORIZE_URL,
    clientId: client.clientId,
    scope: REDDIT_SCOPES,
    extraParams: { duration: 'permanent' },
    openBrowser: options.openBrowser,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    port: client.redirectPort ?? REDDIT_REDIRECT_PORT,
  });
  const tokens = await exchangeCode({
    tokenUrl: client.tokenUrl ?? REDDIT_TOKEN_URL,
    clientId: client.clientId,
    code: authorization.code,
    redirectUri: authorization.redirectUri,
    codeVerifier: authorization.codeVerifier,
    http: tokenHttp(client, options.timeoutMs),
    now: options.now,
  });
  return { ...tokensFrom(tokens), subreddits: options.subreddits };
}

/** @throws ConnectorError `auth` when Reddit refuses the refresh token (revoked: `invalid_grant`). */
export async function refreshRedditCredentials(client: RedditOAuthClient, credentials: RedditCredentials, options: { now?: () => number; timeoutMs?: number } = {}): Promise<RedditCredentials> {
  const endpoint = { tokenUrl: client.tokenUrl ?? REDDIT_TOKEN_URL, clientId: client.clientId, http: tokenHttp(client, options.timeoutMs), now: options.now };
  return refreshTokens({ networkName: 'Reddit', credentials, request: atTokenEndpoint(endpoint) });
}
