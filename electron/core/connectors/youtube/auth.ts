/**
 * Google OAuth 2 for YouTube, as a desktop app: authorization code with PKCE and a loopback
 * redirect (through ../oauth), scope `youtube.force-ssl` (needed to reply to and moderate
 * comments), `access_type=offline` for a refresh token. Access tokens last an hour and are renewed
 * with the refresh token; Google does not rotate it.
 *
 * Credentials are kept in the keychain as a flat string record:
 * `{ accessToken, refreshToken, expiresAt (epoch ms), scope }`.
 */
import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../http';
import { exchangeCode, startLoopbackAuthorization } from '../oauth';
import { accessTokenExpired, atTokenEndpoint, refreshTokens, tokensFrom, tokensFromRecord, tokensToRecord, type OAuthTokens } from '../oauth-refresh';
import { ConnectorError } from '../types';

export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** See, edit and delete YouTube comments (the narrowest scope that allows moderation). */
export const YOUTUBE_SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl';
/** Scopes that include what YOUTUBE_SCOPE grants. */
const SUFFICIENT_SCOPES = new Set([YOUTUBE_SCOPE, 'https://www.googleapis.com/auth/youtube']);

/**
 * The OAuth client of Parvis in a Google Cloud project ("Desktop app" type). Google gives desktop
 * clients a secret that cannot be kept secret; PKCE protects the flow.
 */
export interface GoogleOAuthClient {
  clientId: string;
  clientSecret?: string;
  /** Default: Google's. Tests point these at the local server. */
  authorizeUrl?: string;
  tokenUrl?: string;
}

/** The credentials of one YouTube account: its tokens only. */
export type YouTubeCredentials = OAuthTokens;

/** As stored in the keychain. */
export const credentialsToRecord: (c: YouTubeCredentials) => Record<string, string> = tokensToRecord;

/**
 * Reads stored credentials.
 * @throws ConnectorError `auth` when there is no access token (sign in again).
 */
export function credentialsFromRecord(record: Record<string, string>): YouTubeCredentials {
  return tokensFromRecord(record, 'YouTube');
}

export { accessTokenExpired };

/** The HTTP client for Google's token endpoint. */
export function tokenHttpClient(client: GoogleOAuthClient, options: { timeoutMs?: number } = {}): AxiosInstance {
  const tokenUrl = new URL(client.tokenUrl ?? GOOGLE_TOKEN_URL);
  return createHttpClient({ baseURL: tokenUrl.origin, network: 'youtube', timeoutMs: options.timeoutMs, retries: 0 });
}

export interface GoogleSignInOptions {
  /** Opens the consent page in the user's browser. */
  openBrowser: (url: string) => void | Promise<void>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** HTTP client for the token endpoint (default: `tokenHttpClient`). */
  http?: Pick<AxiosInstance, 'post'>;
  now?: () => number;
}

/**
 * Runs the browser sign-in and returns the account's credentials.
 * @throws ConnectorError `auth` when the user refuses, the flow times out, or the YouTube scope
 *   was unticked on Google's consent screen (Google lets users grant scopes one by one).
 */
export async function signInWithGoogle(client: GoogleOAuthClient, options: GoogleSignInOptions): Promise<YouTubeCredentials> {
  const authorization = await startLoopbackAuthorization({
    authorizeUrl: client.authorizeUrl ?? GOOGLE_AUTHORIZE_URL,
    clientId: client.clientId,
    scope: YOUTUBE_SCOPE,
    // offline: a refresh token; consent: Google sends the refresh token again on a new sign-in.
    extraParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    openBrowser: options.openBrowser,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  const tokens = await exchangeCode({
    tokenUrl: client.tokenUrl ?? GOOGLE_TOKEN_URL,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    code: authorization.code,
    redirectUri: authorization.redirectUri,
    codeVerifier: authorization.codeVerifier,
    http: options.http ?? tokenHttpClient(client, { timeoutMs: options.timeoutMs }),
    now: options.now,
  });
  const granted = (tokens.scope ?? '').split(/\s+/);
  if (tokens.scope !== undefined && !granted.some((s) => SUFFICIENT_SCOPES.has(s))) {
    throw new ConnectorError('auth', 'Google did not grant access to YouTube comments: sign in again and allow "Manage your YouTube comments".');
  }
  return tokensFrom(tokens);
}

/**
 * Renews the access token with the refresh token (the refresh token itself is kept).
 * @throws ConnectorError `auth` when there is no refresh token or Google refuses it (revoked,
 *   expired: a project in "testing" publishing status gets 7-day refresh tokens); `network` when
 *   Google cannot be reached (try again later, nothing is lost).
 */
export async function refreshGoogleCredentials(
  client: GoogleOAuthClient,
  credentials: YouTubeCredentials,
  options: { http?: Pick<AxiosInstance, 'post'>; now?: () => number; timeoutMs?: number } = {},
): Promise<YouTubeCredentials> {
  // Google's refusals (`invalid_grant`) are already `auth`: they pass through as they are.
  const http = options.http ?? tokenHttpClient(client, { timeoutMs: options.timeoutMs });
  const endpoint = { tokenUrl: client.tokenUrl ?? GOOGLE_TOKEN_URL, clientId: client.clientId, clientSecret: client.clientSecret, http, now: options.now };
  return refreshTokens({ networkName: 'YouTube', credentials, request: atTokenEndpoint(endpoint), refused: () => false });
}
