/**
 * OAuth 2 for a desktop app: the authorization code flow with PKCE (RFC 7636, S256) and a loopback
 * redirect (RFC 8252 §7.3): a one-shot HTTP server on 127.0.0.1, on a port the OS picks, receives
 * the browser's redirect on /callback, checks `state`, answers a small page without any script and
 * closes. Then the code is exchanged for tokens, and tokens are refreshed, at the token endpoint.
 *
 * Used by the connectors whose network signs in with OAuth (Mastodon, YouTube/Google).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { z } from 'zod';
import { parseRetryAfter, redact, toConnectorError } from './http';
import { ConnectorError } from './types';

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** The S256 challenge of a verifier: BASE64URL(SHA-256(ASCII(verifier))). */
export function pkceChallenge(codeVerifier: string): string {
  return base64url(createHash('sha256').update(codeVerifier, 'ascii').digest());
}

/** A fresh verifier of 43 characters (32 random bytes, the RFC's recommendation) and its challenge. */
export function createPkcePair(): PkcePair {
  const codeVerifier = base64url(randomBytes(32));
  return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier) };
}

/** What the authorization server is asked for. */
export interface AuthorizationRequest {
  /** The authorization endpoint, e.g. https://accounts.google.com/o/oauth2/v2/auth. */
  authorizeUrl: string;
  clientId: string;
  /** Space-separated scopes, or a list. */
  scope: string | readonly string[];
  /** Network-specific parameters (e.g. Google's `access_type=offline`, `prompt=consent`). */
  extraParams?: Record<string, string>;
  /** Opens the URL in the user's browser (the Electron shell uses shell.openExternal). */
  openBrowser: (url: string) => void | Promise<void>;
}

/** What the redirect brought back, and what the token exchange needs with it. */
export interface LoopbackAuthorization {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

export interface LoopbackReceiverOptions {
  /** How long to wait for the redirect before giving up. Default 5 minutes. */
  timeoutMs?: number;
  /** Aborting it (the user closed the sign-in dialog) stops waiting and closes the server. */
  signal?: AbortSignal;
  /**
   * A fixed port, for networks that match the registered redirect URI exactly, port included
   * (Reddit). Default 0: a free port the OS picks.
   */
  port?: number;
}

/**
 * A loopback server waiting for one redirect. Opening it first gives the redirect URI, for networks
 * whose client must be registered with it before the authorization starts (Mastodon's `/api/v1/apps`).
 */
export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string;
  /** Opens the browser on the authorization URL and waits for the redirect. Call once. */
  authorize(request: AuthorizationRequest): Promise<LoopbackAuthorization>;
  /** Closes the server (also done after the redirect, the timeout or an abort). */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Parameters the flow's security rests on: extra parameters may not replace them. */
const RESERVED_PARAMS = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']);

const PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:#f6f7f9;color:#1d2330}' +
  'main{max-width:32rem;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12)}' +
  'h1{font-size:1.25rem;margin:0 0 1rem}p{margin:.5rem 0}' +
  '@media (prefers-color-scheme:dark){body{background:#15181e;color:#e6e8ec}main{background:#1f232b}}';

export type PageKind = 'success' | 'refused' | 'unexpected';

const PAGE_TEXT: Record<PageKind, { fr: [string, string]; en: [string, string] }> = {
  success: {
    fr: ['Connexion réussie', 'Vous pouvez fermer cette fenêtre et revenir à Parvis.'],
    en: ['Signed in', 'You can close this window and return to Parvis.'],
  },
  refused: {
    fr: ['Connexion refusée', 'Parvis n’a pas reçu l’autorisation. Vous pouvez fermer cette fenêtre et réessayer depuis Parvis.'],
    en: ['Sign-in refused', 'Parvis was not authorized. You can close this window and try again from Parvis.'],
  },
  unexpected: {
    fr: ['Lien inattendu', 'Ce lien ne correspond pas à la connexion en cours dans Parvis. Vous pouvez fermer cette fenêtre.'],
    en: ['Unexpected link', 'This link does not match the sign-in in progress in Parvis. You can close this window.'],
  },
};

/** The bilingual page the browser shows after the redirect. Fixed text only: nothing echoed, no script. */
function callbackPage(kind: PageKind): string {
  const { fr, en } = PAGE_TEXT[kind];
  return (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>Parvis — ${fr[0]} / ${en[0]}</title><style>${PAGE_STYLE}</style></head><body><main>` +
    `<h1>${fr[0]}</h1><p>${fr[1]}</p>` +
    `<h1 lang="en">${en[0]}</h1><p lang="en">${en[1]}</p>` +
    '</main></body></html>'
  );
}

/** Sends the bilingual page shown after a browser sign-in (also used by sign-ins that are not OAuth). */
export function sendPage(res: ServerResponse, status: number, kind: PageKind): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    // The page needs no script, image or connection; the callback URL holds the code: no referrer.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
  });
  res.end(callbackPage(kind));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An error code from the server, kept only if it looks like one (it ends up in logs and the UI). */
function safeErrorCode(value: unknown): string {
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : 'unknown_error';
}

/**
 * Starts the loopback server on 127.0.0.1 (a free port) and returns its redirect URI; call
 * `authorize` next. Resolves once the server listens.
 */
export async function openLoopbackReceiver(options: LoopbackReceiverOptions = {}): Promise<LoopbackReceiver> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (options.signal?.aborted) throw new ConnectorError('auth', 'Sign-in was cancelled');

  let expectedState: string | null = null;
  let settle: { resolve: (code: string) => void; reject: (err: ConnectorError) => void } | null = null;
  let pending: ConnectorError | null = null;
  let closed = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('Not found');
      return;
    }
    const state = url.searchParams.get('state');
    // A redirect without our state is not ours (a stale tab, another program): refuse it and keep
    // waiting for the real one.
    if (expectedState === null || state === null || !sameSecret(state, expectedState)) {
      sendPage(res, 400, 'unexpected');
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    // Settle only once the page has gone out (or the browser hung up): closing the server earlier
    // would cut the page off.
    let outcome: [ConnectorError | null, string?];
    if (error !== null) outcome = [new ConnectorError('auth', `The sign-in was refused (${safeErrorCode(error)})`)];
    else if (code) outcome = [null, code];
    else outcome = [new ConnectorError('bad-response', 'The sign-in redirect carried neither a code nor an error')];
    res.once('close', () => {
      finish(...outcome);
      close();
    });
    sendPage(res, error !== null || code ? 200 : 400, error === null && code ? 'success' : 'refused');
  });

  function finish(err: ConnectorError | null, code?: string): void {
    if (!settle) {
      pending ??= err ?? null;
      return;
    }
    const s = settle;
    settle = null;
    if (err) s.reject(err);
    else if (code !== undefined) s.resolve(code);
  }

  const timer = setTimeout(() => {
    finish(new ConnectorError('auth', `The sign-in was not completed within ${Math.round(timeoutMs / 1000)} s`));
    close();
  }, timeoutMs);
  const onAbort = (): void => {
    finish(new ConnectorError('auth', 'Sign-in was cancelled'));
    close();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  function close(): void {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
    // Whoever still waits learns that nothing will come.
    finish(new ConnectorError('auth', 'Sign-in was cancelled'));
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    close();
    throw new ConnectorError('network', `Could not listen on 127.0.0.1 for the sign-in redirect: ${(err as Error).message}`);
  }
  const { port } = server.address() as AddressInfo;
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  let used = false;

  return {
    redirectUri,
    close,
    async authorize(request: AuthorizationRequest): Promise<LoopbackAuthorization> {
      if (used) throw new Error('A loopback receiver serves one authorization');
      used = true;
      if (closed) throw pending ?? new ConnectorError('auth', 'Sign-in was cancelled');
      const { codeVerifier, codeChallenge } = createPkcePair();
      expectedState = base64url(randomBytes(24));
      const url = new URL(request.authorizeUrl);
      for (const [key, value] of Object.entries(request.extraParams ?? {})) {
        if (!RESERVED_PARAMS.has(key)) url.searchParams.set(key, value);
      }
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', request.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', typeof request.scope === 'string' ? request.scope : request.scope.join(' '));
      url.searchParams.set('state', expectedState);
      url.searchParams.set('code_challenge', codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');

      const code = new Promise<string>((resolve, reject) => {
        settle = { resolve, reject };
      });
      // The redirect may settle it while `openBrowser` is still running: it is awaited below.
      code.catch(() => undefined);
      try {
        await request.openBrowser(url.toString());
      } catch (err) {
        close();
        await code.catch(() => undefined);
        throw new ConnectorError('auth', `Could not open the browser for the sign-in: ${(err as Error).message}`);
      }
      return { code: await code, redirectUri, codeVerifier };
    },
  };
}

/**
 * The whole browser part of the flow: listens on 127.0.0.1, opens the browser on the authorization
 * URL (with PKCE S256 and a random `state`), and resolves with the code once the redirect arrives.
 * @throws ConnectorError `auth` when refused, timed out or cancelled.
 */
export async function startLoopbackAuthorization(
  request: AuthorizationRequest & LoopbackReceiverOptions,
): Promise<LoopbackAuthorization> {
  const receiver = await openLoopbackReceiver({ timeoutMs: request.timeoutMs, signal: request.signal, port: request.port });
  try {
    return await receiver.authorize(request);
  } finally {
    receiver.close();
  }
}

/** Tokens from a token endpoint. */
export interface TokenSet {
  accessToken: string;
  /** Absent when the server issues none (then the old one, if any, stays valid: see `refreshAccessToken`). */
  refreshToken?: string;
  /** When the access token expires, epoch ms (from `expires_in`). */
  expiresAt?: number;
  /** The scopes granted, space-separated, when the server says. */
  scope?: string;
  tokenType?: string;
}

/** The HTTP client used for the token endpoint (from `createHttpClient`). */
export type TokenHttpClient = Pick<AxiosInstance, 'post'>;

interface ClientCredentials {
  /** The token endpoint, absolute (e.g. https://oauth2.googleapis.com/token) or relative to the client's base URL. */
  tokenUrl: string;
  clientId: string;
  /** For clients that have one (Mastodon apps; Google's desktop "secret", which is not secret). */
  clientSecret?: string;
  http: TokenHttpClient;
  /** Clock for `expiresAt`, epoch ms. */
  now?: () => number;
}

export interface ExchangeCodeOptions extends ClientCredentials {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

export interface RefreshAccessTokenOptions extends ClientCredentials {
  refreshToken: string;
  /** Narrower scopes, when asking for fewer than granted. */
  scope?: string;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** Errors that mean the grant itself is gone: only a new sign-in helps. */
const GRANT_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_token']);

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    // Some servers answer form-encoded (RFC 6749 says JSON, older ones did not).
    return Object.fromEntries(new URLSearchParams(data));
  }
}

function headerValue(response: AxiosResponse, name: string): string | null {
  const value = (response.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

async function requestTokens(options: ClientCredentials, form: URLSearchParams, secrets: string[]): Promise<TokenSet> {
  const now = options.now ?? Date.now;
  if (options.clientSecret) {
    form.set('client_secret', options.clientSecret);
    secrets.push(options.clientSecret);
  }
  form.set('client_id', options.clientId);
  const where = `POST ${redact(options.tokenUrl, secrets)}`;
  let response: AxiosResponse;
  try {
    response = await options.http.post(options.tokenUrl, form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      // Every status is read here: the token endpoint's error codes decide what the caller must do.
      validateStatus: () => true,
    });
  } catch (err) {
    throw toConnectorError(err, secrets);
  }
  const status = response.status;
  const body = parseBody(response.data);
  if (status >= 200 && status < 300) {
    const parsed = TokenResponse.safeParse(body);
    // The body holds tokens: never quote it in the error.
    if (!parsed.success) throw new ConnectorError('bad-response', `${where}: ${status} without a usable access token`, null, status);
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      ...(t.refresh_token !== undefined ? { refreshToken: t.refresh_token } : {}),
      ...(t.expires_in !== undefined ? { expiresAt: now() + t.expires_in * 1000 } : {}),
      ...(t.scope !== undefined ? { scope: t.scope } : {}),
      ...(t.token_type !== undefined ? { tokenType: t.token_type } : {}),
    };
  }
  const errorCode = safeErrorCode((body as { error?: unknown } | null)?.error);
  if ((status === 400 || status === 401) && GRANT_ERRORS.has(errorCode)) {
    throw new ConnectorError('auth', `${where}: ${status} ${errorCode}`, null, status);
  }
  if (status === 429) {
    const retryAfter = parseRetryAfter(headerValue(response, 'retry-after'));
    throw new ConnectorError('rate-limited', `${where}: 429 ${errorCode}`, retryAfter ?? 60_000, status);
  }
  if (status >= 500) throw new ConnectorError('network', `${where}: ${status} ${errorCode}`, null, status);
  throw new ConnectorError('bad-response', `${where}: ${status} ${errorCode}`, null, status);
}

/**
 * Exchanges an authorization code (with its PKCE verifier) for tokens.
 * @throws ConnectorError: `auth` when the code or the client is refused (sign in again),
 *   `network` for 5xx and unreachable servers, `bad-response` otherwise.
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<TokenSet> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
  return requestTokens(options, form, [options.code, options.codeVerifier]);
}

/**
 * Gets a new access token with a refresh token. When the server issues no new refresh token (Google),
 * the one given stays valid and is returned; when it rotates it, the new one is returned: store it.
 * @throws ConnectorError `auth` when the refresh token was revoked or expired (`invalid_grant`).
 */
export async function refreshAccessToken(options: RefreshAccessTokenOptions): Promise<TokenSet> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: options.refreshToken });
  if (options.scope) form.set('scope', options.scope);
  const tokens = await requestTokens(options, form, [options.refreshToken]);
  return { ...tokens, refreshToken: tokens.refreshToken ?? options.refreshToken };
}
