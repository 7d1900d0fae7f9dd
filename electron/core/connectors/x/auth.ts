/**
 * X sign-in: OAuth 2.0 authorization code with PKCE for a public client (the user's own X app of
 * type "Native App": no secret), through the shared loopback flow (../oauth). Access tokens last
 * two hours; `offline.access` brings a refresh token, which X rotates: each refresh returns a new
 * one and the old one stops working, so a refresh is never run twice with the same token.
 *
 * Credentials are kept in the keychain as a flat string record:
 * `{ accessToken, refreshToken, expiresAt (epoch ms), scope, monthlyReadCap }`.
 */
import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../http';
import { exchangeCode, startLoopbackAuthorization } from '../oauth';
import { accessTokenExpired, atTokenEndpoint, refreshTokens, tokensFrom, tokensFromRecord, tokensToRecord, type OAuthTokens } from '../oauth-refresh';
import { ConnectorError } from '../types';
import { DEFAULT_MONTHLY_READ_CAP } from './budget';

export const X_AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize';
export const X_TOKEN_URL = 'https://api.x.com/2/oauth2/token';

/**
 * Read mentions and DMs, post replies and DMs, hide replies, mute, and a refresh token.
 * (`block.write` is not asked for: the v2 API has no endpoint that blocks an account.)
 */
export const X_SCOPES = ['tweet.read', 'users.read', 'tweet.write', 'dm.read', 'dm.write', 'tweet.moderate.write', 'mute.write', 'offline.access'] as const;

/** The user's X app (OAuth 2.0 client id of a public "Native App"), and where X's endpoints are. */
export interface XOAuthClient {
  clientId: string;
  authorizeUrl?: string;
  tokenUrl?: string;
}

export interface XCredentials extends OAuthTokens {
  /** Reads allowed per calendar month (UTC). */
  monthlyReadCap: number;
}

export function credentialsToRecord(c: XCredentials): Record<string, string> {
  return { ...tokensToRecord(c), monthlyReadCap: String(c.monthlyReadCap) };
}

/** @throws ConnectorError `auth` when no access token is stored. */
export function credentialsFromRecord(record: Record<string, string>): XCredentials {
  const cap = record.monthlyReadCap && /^\d+$/.test(record.monthlyReadCap) ? Number(record.monthlyReadCap) : DEFAULT_MONTHLY_READ_CAP;
  return { ...tokensFromRecord(record, 'X'), monthlyReadCap: cap };
}

export { accessTokenExpired };

function tokenHttp(client: XOAuthClient, timeoutMs?: number): AxiosInstance {
  return createHttpClient({ baseURL: new URL(client.tokenUrl ?? X_TOKEN_URL).origin, network: 'x', timeoutMs, retries: 0 });
}

export interface XSignInOptions {
  openBrowser: (url: string) => void | Promise<void>;
  signal?: AbortSignal;
  timeoutMs?: number;
  now?: () => number;
  monthlyReadCap: number;
}

/**
 * The browser consent, then the code exchange.
 * @throws ConnectorError `auth` when refused, or when the consent left out direct messages or
 *   hiding replies (the inbox would silently miss them).
 */
export async function signInWithX(client: XOAuthClient, options: XSignInOptions): Promise<XCredentials> {
  const authorization = await startLoopbackAuthorization({
    authorizeUrl: client.authorizeUrl ?? X_AUTHORIZE_URL,
    clientId: client.clientId,
    scope: X_SCOPES,
    openBrowser: options.openBrowser,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const tokens = await exchangeCode({
    tokenUrl: client.tokenUrl ?? X_TOKEN_URL,
    clientId: client.clientId,
    code: authorization.code,
    redirectUri: authorization.redirectUri,
    codeVerifier: authorization.codeVerifier,
    http: tokenHttp(client, options.timeoutMs),
    now: options.now,
  });
  if (tokens.scope !== undefined) {
    const granted = new Set(tokens.scope.split(/\s+/));
    const missing = X_SCOPES.filter((s) => !granted.has(s));
    if (missing.length > 0) throw new ConnectorError('auth', `X did not grant ${missing.join(', ')}: sign in again and allow every permission Parvis asks for.`);
  }
  return { ...tokensFrom(tokens), monthlyReadCap: options.monthlyReadCap };
}

/**
 * A new access token (and a new refresh token: X rotates them).
 * @throws ConnectorError `auth` when X refuses the refresh token (revoked, already used, or the
 *   app's access was removed). X answers those with 400 `invalid_request`, not `invalid_grant`.
 */
export async function refreshXCredentials(client: XOAuthClient, credentials: XCredentials, options: { now?: () => number; timeoutMs?: number } = {}): Promise<XCredentials> {
  const endpoint = { tokenUrl: client.tokenUrl ?? X_TOKEN_URL, clientId: client.clientId, http: tokenHttp(client, options.timeoutMs), now: options.now };
  return refreshTokens({
    networkName: 'X',
    credentials,
    request: atTokenEndpoint(endpoint),
    refused: (err) => err.kind === 'auth' || (err.kind === 'bad-response' && (err.status === 400 || err.status === 401)),
  });
}
