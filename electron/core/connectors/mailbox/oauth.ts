/**
 * OAuth 2 for mailboxes whose provider requires it (Gmail, Microsoft 365), spoken to IMAP and SMTP
 * as SASL XOAUTH2 (imapflow's `auth: { user, accessToken }`, Nodemailer's `type: 'OAuth2'`).
 *
 * Sign-in: authorization code with PKCE and a loopback redirect (../oauth), with the user's own
 * OAuth client (a "Desktop app" in Google Cloud, an app registration in Microsoft Entra), whose id
 * (and secret, Google gives desktop clients one) the user enters and the keychain keeps with the
 * tokens. Provider presets give the servers and scopes:
 * - Google: imap.gmail.com:993 and smtp.gmail.com:465 (implicit TLS), scope https://mail.google.com/
 *   (the only one Gmail's IMAP and SMTP accept);
 * - Microsoft: outlook.office365.com:993 (implicit TLS) and smtp.office365.com:587 (STARTTLS),
 *   scopes IMAP.AccessAsUser.All, SMTP.Send and offline_access (for a refresh token).
 *
 * The access token is renewed with the refresh token before it expires (5 minutes ahead, so a
 * long IMAP session never starts on a token about to die); a refused refresh (revoked, expired,
 * the app deleted) is an `auth` error: the account "needs sign-in".
 */
import { createHttpClient } from '../http';
import { exchangeCode, refreshAccessToken, startLoopbackAuthorization, type TokenSet } from '../oauth';
import { ConnectorError, type AccountContext } from '../types';
import type { Security } from './settings';

export const MAIL_OAUTH_PROVIDERS = ['google', 'microsoft'] as const;
export type MailOAuthProvider = (typeof MAIL_OAUTH_PROVIDERS)[number];

interface Server {
  host: string;
  port: number;
  security: Security;
}

export interface MailOAuthPreset {
  authorizeUrl: string;
  tokenUrl: string;
  scope: readonly string[];
  extraParams: Record<string, string>;
  imap: Server;
  smtp: Server;
}

export const MAIL_OAUTH_PRESETS: Record<MailOAuthProvider, MailOAuthPreset> = {
  google: {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scope: ['https://mail.google.com/'],
    // offline: a refresh token; consent: Google sends it again on a new sign-in.
    extraParams: { access_type: 'offline', prompt: 'consent' },
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
  },
  microsoft: {
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scope: ['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send', 'offline_access'],
    extraParams: { prompt: 'select_account' },
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  },
};

/** Renew this long before the access token expires. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

/** What the keychain keeps for a mailbox signed in with OAuth (besides `settings`). */
export interface MailOAuthCredentials {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
  /** The user's OAuth client. */
  clientId: string;
  clientSecret?: string;
}

export function oauthCredentialsToRecord(c: MailOAuthCredentials): Record<string, string> {
  return {
    accessToken: c.accessToken,
    clientId: c.clientId,
    ...(c.refreshToken ? { refreshToken: c.refreshToken } : {}),
    ...(c.expiresAt !== undefined ? { expiresAt: String(c.expiresAt) } : {}),
    ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
  };
}

export function oauthCredentialsFromRecord(record: Record<string, string>): MailOAuthCredentials {
  if (!record.accessToken || !record.clientId) throw new ConnectorError('auth', 'No OAuth token is stored for this mailbox: sign in again.');
  const expiresAt = record.expiresAt && /^\d+$/.test(record.expiresAt) ? Number(record.expiresAt) : undefined;
  return {
    accessToken: record.accessToken,
    clientId: record.clientId,
    ...(record.refreshToken ? { refreshToken: record.refreshToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(record.clientSecret ? { clientSecret: record.clientSecret } : {}),
  };
}

function tokenHttp(tokenUrl: string, timeoutMs?: number) {
  return createHttpClient({ baseURL: new URL(tokenUrl).origin, network: 'mailbox', timeoutMs, retries: 0 });
}

function fromTokens(tokens: TokenSet, client: { clientId: string; clientSecret?: string }, previous?: MailOAuthCredentials): MailOAuthCredentials {
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  return {
    accessToken: tokens.accessToken,
    clientId: client.clientId,
    ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
    ...(refreshToken ? { refreshToken } : {}),
    ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
  };
}

/** Runs the browser sign-in (PKCE, loopback) and exchanges the code for tokens. */
export async function signInToMailProvider(options: {
  authorizeUrl: string;
  tokenUrl: string;
  scope: readonly string[];
  extraParams: Record<string, string>;
  client: { clientId: string; clientSecret?: string };
  loginHint: string;
  openBrowser: (url: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}): Promise<MailOAuthCredentials> {
  const authorization = await startLoopbackAuthorization({
    authorizeUrl: options.authorizeUrl,
    clientId: options.client.clientId,
    scope: options.scope,
    extraParams: { ...options.extraParams, login_hint: options.loginHint },
    openBrowser: options.openBrowser,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const tokens = await exchangeCode({
    tokenUrl: options.tokenUrl,
    clientId: options.client.clientId,
    clientSecret: options.client.clientSecret,
    code: authorization.code,
    redirectUri: authorization.redirectUri,
    codeVerifier: authorization.codeVerifier,
    http: tokenHttp(options.tokenUrl),
  });
  if (!tokens.refreshToken) {
    // Without one the mailbox would need a sign-in every hour.
    throw new ConnectorError('auth', 'The provider gave no refresh token: sign in again and allow offline access.');
  }
  return fromTokens(tokens, options.client);
}

/**
 * The access token to log in with now: the stored one, or a new one when it expires within
 * `REFRESH_AHEAD_MS` (then written back to the keychain through `onCredentialsRefreshed`).
 * @throws ConnectorError `auth` when the provider refuses the refresh (needs sign-in).
 */
export async function currentAccessToken(ctx: AccountContext, tokenUrl: string, now: number, timeoutMs?: number): Promise<string> {
  const stored = oauthCredentialsFromRecord(ctx.credentials);
  if (stored.expiresAt === undefined || now < stored.expiresAt - REFRESH_AHEAD_MS) return stored.accessToken;
  if (!stored.refreshToken) throw new ConnectorError('auth', 'The mailbox’s access token expired and there is no refresh token: sign in again.');
  const tokens = await refreshAccessToken({
    tokenUrl,
    clientId: stored.clientId,
    clientSecret: stored.clientSecret,
    refreshToken: stored.refreshToken,
    http: tokenHttp(tokenUrl, timeoutMs),
    now: () => now,
  });
  const renewed = { ...ctx.credentials, ...oauthCredentialsToRecord(fromTokens(tokens, stored, stored)) };
  // Later calls with this context use the new token too.
  Object.assign(ctx.credentials, renewed);
  await ctx.onCredentialsRefreshed?.(renewed);
  return renewed.accessToken!;
}
