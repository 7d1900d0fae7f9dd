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
import { exchangeCode, refreshAccessToken, startLoopbackAuthorization, type TokenSet } from '../oauth';
import { ConnectorError } from '../types';

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

export interface RedditCredentials {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
  scope?: string;
  /** Subreddits whose new comments are read, without `r/`. */
  subreddits: string[];
}

export function credentialsToRecord(c: RedditCredentials): Record<string, string> {
  const out: Record<string, string> = { accessToken: c.accessToken, subreddits: c.subreddits.join(',') };
  if (c.refreshToken) out.refreshToken = c.refreshToken;
  if (c.expiresAt !== undefined) out.expiresAt = String(c.expiresAt);
  if (c.scope) out.scope = c.scope;
  return out;
}

export function credentialsFromRecord(record: Record<string, string>): RedditCredentials {
  if (!record.accessToken) throw new ConnectorError('auth', 'No Reddit access token is stored for this account: sign in again.');
  const expiresAt = record.expiresAt && /^\d+$/.test(record.expiresAt) ? Number(record.expiresAt) : undefined;
  return {
    accessToken: record.accessToken,
    ...(record.refreshToken ? { refreshToken: record.refreshToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(record.scope ? { scope: record.scope } : {}),
    subreddits: parseSubreddits(record.subreddits ?? ''),
  };
}

/** `r/Lampes, lumen_fr r/x` → `['Lampes', 'lumen_fr', 'x']` (Reddit's names: 3..21 letters, digits, _). */
export function parseSubreddits(text: string): string[] {
  const names = text
    .split(/[\s,;]+/)
    .map((s) => s.replace(/^\/?r\//i, '').trim())
    .filter((s) => /^[A-Za-z0-9][A-Za-z0-9_]{1,20}$/.test(s));
  return [...new Set(names)].slice(0, 20);
}

export function accessTokenExpired(c: RedditCredentials, now: number, skewMs = 60_000): boolean {
  return c.expiresAt !== undefined && now >= c.expiresAt - skewMs;
}

/** The token endpoint's client: Basic auth with the app id and an empty password, Reddit's User-Agent. */
function tokenHttp(client: RedditOAuthClient, timeoutMs?: number): AxiosInstance {
  const http = createHttpClient({ baseURL: new URL(client.tokenUrl ?? REDDIT_TOKEN_URL).origin, network: 'reddit', timeoutMs, retries: 0 });
  // Instance headers, which win over the factory's generic User-Agent.
  http.defaults.headers.Authorization = `Basic ${Buffer.from(`${client.clientId}:`).toString('base64')}`;
  http.defaults.headers['User-Agent'] = REDDIT_USER_AGENT;
  return http;
}

function fromTokens(tokens: TokenSet, subreddits: string[], previous?: RedditCredentials): RedditCredentials {
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  const scope = tokens.scope ?? previous?.scope;
  return {
    accessToken: tokens.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
    ...(scope ? { scope } : {}),
    subreddits,
  };
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
  return fromTokens(tokens, options.subreddits);
}

/** @throws ConnectorError `auth` when Reddit refuses the refresh token (revoked: `invalid_grant`). */
export async function refreshRedditCredentials(client: RedditOAuthClient, credentials: RedditCredentials, options: { now?: () => number; timeoutMs?: number } = {}): Promise<RedditCredentials> {
  if (!credentials.refreshToken) throw new ConnectorError('auth', 'The Reddit access token expired and there is no refresh token: sign in again.');
  try {
    const tokens = await refreshAccessToken({
      tokenUrl: client.tokenUrl ?? REDDIT_TOKEN_URL,
      clientId: client.clientId,
      refreshToken: credentials.refreshToken,
      http: tokenHttp(client, options.timeoutMs),
      now: options.now,
    });
    return fromTokens(tokens, credentials.subreddits, credentials);
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'auth') throw new ConnectorError('auth', `Reddit refused to renew the sign-in: sign in again (${err.message})`, null, err.status);
    throw err;
  }
}
