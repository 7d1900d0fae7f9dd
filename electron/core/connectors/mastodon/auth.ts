/**
 * Signing in to any Mastodon-compatible instance: the app is registered on the instance on the fly
 * (`POST /api/v1/apps`, there is no central client id), then the user authorizes it in the browser
 * with the OAuth code flow, PKCE S256 and a loopback redirect (../oauth.ts), and the code is
 * exchanged for tokens. The tokens and the app's client credentials are returned to the caller,
 * which stores them in the keychain; nothing here keeps them.
 */
import type { AxiosInstance } from 'axios';
import { createHttpClient, type HttpOptions } from '../http';
import {
  exchangeCode,
  openLoopbackReceiver,
  refreshAccessToken,
  type AuthorizationRequest,
  type LoopbackReceiver,
  type LoopbackReceiverOptions,
  type TokenSet,
} from '../oauth';
import { ConnectorError, type NormalizedAuthor } from '../types';
import { MastodonClient } from './client';
import { authorFromAccount } from './convert';
import { WireCredentialApplication, describeIssues } from './wire';

/** What Parvis asks for: reading the inbox, and writing (replies, block, mute, report, delete). */
export const MASTODON_SCOPES = 'read write';

/** The name the instance shows on its authorization page and under posts. */
export const MASTODON_APP_NAME = 'Parvis';
export const MASTODON_APP_WEBSITE = 'https://github.com/parvis-app/parvis';

/** Keys of the credentials record kept in the keychain for a Mastodon account. */
export interface MastodonCredentials extends Record<string, string> {
  accessToken: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The instance origin from what a user types: `mastodon.social`, `https://mastodon.social/`,
 * `@someone@mastodon.social`. Plain http is refused except on the loopback interface (local tests).
 * @throws ConnectorError `not-supported` for something that is not a server address.
 */
export function normalizeServerUrl(input: string): string {
  let text = input.trim();
  const handle = /^@?[\w.-]+@([\w.-]+\.[a-z]{2,}|localhost|127\.0\.0\.1)(:\d+)?$/i.exec(text);
  if (handle) text = `${handle[1]}${handle[2] ?? ''}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectorError('not-supported', `"${input.slice(0, 100)}" is not a server address (try mastodon.social)`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConnectorError('not-supported', `Parvis connects to Mastodon servers over https only, not ${url.protocol}`);
  }
  if (url.username || url.password || (!url.hostname.includes('.') && !loopback)) {
    throw new ConnectorError('not-supported', `"${input.slice(0, 100)}" is not a server address (try mastodon.social)`);
  }
  return url.origin;
}

/** Options shared by the calls that talk to an instance before an account exists. */
export interface InstanceHttpOptions {
  createHttp?: (options: HttpOptions) => AxiosInstance;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

function instanceHttp(serverUrl: string, secrets: () => string[], options: InstanceHttpOptions): AxiosInstance {
  const createHttp = options.createHttp ?? createHttpClient;
  // Sign-in requests are not retried behind the user's back: they see the error and can try again.
  return createHttp({ baseURL: serverUrl, network: 'mastodon', retries: 0, timeoutMs: options.timeoutMs, sleep: options.sleep, secrets });
}

/**
 * Registers Parvis on an instance for one redirect URI.
 * @returns the app's client id and secret (the secret is a secret: keychain only).
 */
export async function registerMastodonApp(
  options: { serverUrl: string; redirectUri: string } & InstanceHttpOptions,
): Promise<{ clientId: string; clientSecret: string }> {
  let secret = '';
  const http = instanceHttp(options.serverUrl, () => [secret], options);
  const response = await http.post(
    '/api/v1/apps',
    {
      client_name: MASTODON_APP_NAME,
      redirect_uris: [options.redirectUri],
      scopes: MASTODON_SCOPES,
      website: MASTODON_APP_WEBSITE,
    },
    { headers: { 'Content-Type': 'application/json' } },
  );
  const parsed = WireCredentialApplication.safeParse(response.data);
  if (!parsed.success) {
    throw new ConnectorError('bad-response', `POST /api/v1/apps: not an application (${describeIssues(parsed.error)})`, null, response.status);
  }
  secret = parsed.data.client_secret;
  return { clientId: parsed.data.client_id, clientSecret: parsed.data.client_secret };
}

/** The result of a sign-in: who signed in, and the credentials to store in the keychain. */
export interface MastodonSignIn {
  serverUrl: string;
  account: NormalizedAuthor;
  credentials: MastodonCredentials;
}

/** The parts of ../oauth.ts the sign-in uses (replaceable in tests). */
export interface OAuthFlow {
  openLoopbackReceiver(options?: LoopbackReceiverOptions): Promise<LoopbackReceiver>;
  exchangeCode: typeof exchangeCode;
}

export interface SignInOptions extends InstanceHttpOptions, LoopbackReceiverOptions {
  /** What the user typed: a domain, a URL or a handle. */
  server: string;
  /** Opens the authorization page in the user's browser. */
  openBrowser: AuthorizationRequest['openBrowser'];
  /** Ask the instance to show its login form even when a session exists (to add a second account). */
  forceLogin?: boolean;
  oauth?: OAuthFlow;
}

function credentialsFrom(tokens: TokenSet, app: { clientId: string; clientSecret: string }): MastodonCredentials {
  return {
    accessToken: tokens.accessToken,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.expiresAt !== undefined ? { expiresAt: String(tokens.expiresAt) } : {}),
    ...(tokens.scope ? { scope: tokens.scope } : {}),
  };
}

/**
 * The whole sign-in: loopback receiver, app registration for its redirect URI, browser
 * authorization with PKCE, code exchange, and a check of who signed in.
 * @throws ConnectorError (`auth` when refused, cancelled or timed out; `network`, `bad-response`).
 */
export async function signInToMastodon(options: SignInOptions): Promise<MastodonSignIn> {
  const serverUrl = normalizeServerUrl(options.server);
  const oauth = options.oauth ?? { openLoopbackReceiver, exchangeCode };
  const receiver = await oauth.openLoopbackReceiver({ timeoutMs: options.timeoutMs, signal: options.signal });
  try {
    const app = await registerMastodonApp({ ...options, serverUrl, redirectUri: receiver.redirectUri });
    const authorization = await receiver.authorize({
      authorizeUrl: `${serverUrl}/oauth/authorize`,
      clientId: app.clientId,
      scope: MASTODON_SCOPES,
      extraParams: options.forceLogin ? { force_login: 'true' } : {},
      openBrowser: options.openBrowser,
    });
    const secrets: string[] = [app.clientSecret];
    const tokens = await oauth.exchangeCode({
      tokenUrl: '/oauth/token',
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      code: authorization.code,
      redirectUri: authorization.redirectUri,
      codeVerifier: authorization.codeVerifier,
      http: instanceHttp(serverUrl, () => secrets, options),
    });
    const credentials = credentialsFrom(tokens, app);
    secrets.push(...Object.values(credentials));
    const client = new MastodonClient({
      serverUrl,
      accessToken: credentials.accessToken,
      secrets,
      createHttp: options.createHttp,
      timeoutMs: options.timeoutMs,
      retries: 0,
      sleep: options.sleep,
    });
    const account = await client.verifyCredentials();
    return { serverUrl, account: authorFromAccount(account, new URL(serverUrl).host), credentials };
  } finally {
    receiver.close();
  }
}

/**
 * New credentials from the refresh token, for servers that issue one (Pleroma, Akkoma, GoToSocial;
 * Mastodon's tokens do not expire and come without one).
 * @throws ConnectorError `auth` when there is no refresh token or the server refuses it: sign in again.
 */
export async function refreshMastodonCredentials(
  options: { serverUrl: string; credentials: Record<string, string> } & InstanceHttpOptions,
): Promise<MastodonCredentials> {
  const { refreshToken, clientId, clientSecret } = options.credentials;
  if (!refreshToken || !clientId || !clientSecret) {
    throw new ConnectorError('auth', 'This Mastodon server did not give a way to renew the sign-in: sign in again');
  }
  const secrets = Object.values(options.credentials);
  const tokens = await refreshAccessToken({
    tokenUrl: '/oauth/token',
    clientId,
    clientSecret,
    refreshToken,
    http: instanceHttp(options.serverUrl, () => secrets, options),
  });
  return credentialsFrom(tokens, { clientId, clientSecret });
}
