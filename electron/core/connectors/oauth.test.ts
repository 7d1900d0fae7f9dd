import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http';
import {
  createPkcePair,
  exchangeCode,
  openLoopbackReceiver,
  pkceChallenge,
  refreshAccessToken,
  startLoopbackAuthorization,
} from './oauth';
import { ConnectorError } from './types';

// ---- a tiny token endpoint on 127.0.0.1 ------------------------------------------------------------

interface TokenEndpoint {
  url: string;
  forms: URLSearchParams[];
  close(): Promise<void>;
}

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function tokenEndpoint(answer: (form: URLSearchParams, res: ServerResponse) => void): Promise<TokenEndpoint> {
  const forms: URLSearchParams[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/oauth/token' || !req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
        res.writeHead(404).end();
        return;
      }
      const form = new URLSearchParams(body);
      forms.push(form);
      answer(form, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  closers.push(close);
  return { url: `http://127.0.0.1:${port}`, forms, close };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a rejection');
}

/** Plays the browser: follows the authorization server's redirect to the loopback URI. */
async function redirectBack(authorizeUrl: string, params: Record<string, string>): Promise<{ status: number; html: string; headers: Headers }> {
  const redirect = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri') ?? '');
  for (const [k, v] of Object.entries(params)) redirect.searchParams.set(k, v);
  const response = await fetch(redirect);
  return { status: response.status, html: await response.text(), headers: response.headers };
}

async function isListening(uri: string): Promise<boolean> {
  try {
    await fetch(uri);
    return true;
  } catch {
    return false;
  }
}

// ---- PKCE ---------------------------------------------------------------------------------------------

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes fresh 43-character verifiers from the unreserved alphabet', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(a.codeChallenge).toBe(pkceChallenge(a.codeVerifier));
  });
});

// ---- loopback redirect ----------------------------------------------------------------------------------

describe('startLoopbackAuthorization', () => {
  it('opens the browser with PKCE and state, receives the code on 127.0.0.1/callback, then closes', async () => {
    let opened = '';
    let page: { status: number; html: string; headers: Headers } | null = null;
    const result = await startLoopbackAuthorization({
      authorizeUrl: 'https://accounts.example/o/oauth2/v2/auth?hl=fr',
      clientId: 'client-123',
      scope: ['https://www.googleapis.com/auth/youtube.force-ssl', 'openid'],
      extraParams: { access_type: 'offline', prompt: 'consent', state: 'attacker-chosen' },
      timeoutMs: 5_000,
      openBrowser: async (url) => {
        opened = url;
        const state = new URL(url).searchParams.get('state') ?? '';
        page = await redirectBack(url, { code: '4/0AbCODE', state, scope: 'openid' });
      },
    });
    const url = new URL(opened);
    const q = url.searchParams;
    expect(url.origin + url.pathname).toBe('https://accounts.example/o/oauth2/v2/auth');
    expect(q.get('hl')).toBe('fr');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('client-123');
    expect(q.get('scope')).toBe('https://www.googleapis.com/auth/youtube.force-ssl openid');
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).not.toBe('attacker-chosen');
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    expect(result.code).toBe('4/0AbCODE');
    expect(result.redirectUri).toBe(q.get('redirect_uri'));
    expect(pkceChallenge(result.codeVerifier)).toBe(q.get('code_challenge'));

    const shown = page as unknown as { status: number; html: string; headers: Headers };
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shown.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    expect(shown.html).toContain('Vous pouvez fermer cette fenêtre');
    expect(shown.html).toContain('You can close this window');
    expect(shown.html).not.toMatch(/<script|javascript:|\son[a-z]+\s*=/i);
    expect(shown.html).not.toContain('4/0AbCODE');

    expect(await isListening(result.redirectUri)).toBe(false);
  });

  it('refuses a redirect with the wrong state and keeps waiting for the real one', async () => {
    const statuses: number[] = [];
    const result = await startLoopbackAuthorization({
      authorizeUrl: 'https://mastodon.example/oauth/authorize',
      clientId: 'app',
      scope: 'read write',
      timeoutMs: 5_000,
      openBrowser: async (url) => {
        const forged = await redirectBack(url, { code: 'forged', state: 'not-the-state' });
        statuses.push(forged.status);
        expect(forged.html).toContain('Lien inattendu');
        const missing = await redirectBack(url, { code: 'forged' });
        statuses.push(missing.status);
        const real = await redirectBack(url, { code: 'real-code', state: new URL(url).searchParams.get('state') ?? '' });
        statuses.push(real.status);
      },
    });
    expect(statuses).toEqual([400, 400, 200]);
    expect(result.code).toBe('real-code');
  });

  it('answers 404 to other paths (favicon) without ending the flow', async () => {
    const result = await startLoopbackAuthorization({
      authorizeUrl: 'https://mastodon.example/oauth/authorize',
      clientId: 'app',
      scope: 'read',
      timeoutMs: 5_000,
      openBrowser: async (url) => {
        const base = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
        expect((await fetch(new URL('/favicon.ico', base))).status).toBe(404);
        await redirectBack(url, { code: 'c', state: new URL(url).searchParams.get('state') ?? '' });
      },
    });
    expect(result.code).toBe('c');
  });

  it('rejects with an auth error when the user refuses, after showing the refusal page', async () => {
    let html = '';
    let redirectUri = '';
    const err = await rejection(
      startLoopbackAuthorization({
        authorizeUrl: 'https://accounts.example/auth',
        clientId: 'c',
        scope: 's',
        timeoutMs: 5_000,
        openBrowser: async (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
          const state = new URL(url).searchParams.get('state') ?? '';
          html = (await redirectBack(url, { error: 'access_denied', error_description: '<script>alert(1)</script>', state })).html;
        },
      }),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('access_denied');
    expect(html).toContain('Connexion refusée');
    expect(html).toContain('Sign-in refused');
    expect(html).not.toContain('<script');
    expect(await isListening(redirectUri)).toBe(false);
  });

  it('gives up after the timeout and closes the server', async () => {
    let redirectUri = '';
    const err = await rejection(
      startLoopbackAuthorization({
        authorizeUrl: 'https://accounts.example/auth',
        clientId: 'c',
        scope: 's',
        timeoutMs: 20,
        openBrowser: (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
        },
      }),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/not completed/);
    expect(await isListening(redirectUri)).toBe(false);
  });

  it('stops when cancelled, and when the browser cannot be opened', async () => {
    const controller = new AbortController();
    const cancelled = rejection(
      startLoopbackAuthorization({
        authorizeUrl: 'https://accounts.example/auth',
        clientId: 'c',
        scope: 's',
        signal: controller.signal,
        openBrowser: () => controller.abort(),
      }),
    );
    expect((await cancelled).message).toMatch(/cancelled/);

    const noBrowser = await rejection(
      startLoopbackAuthorization({
        authorizeUrl: 'https://accounts.example/auth',
        clientId: 'c',
        scope: 's',
        openBrowser: () => {
          throw new Error('xdg-open not found');
        },
      }),
    );
    expect(noBrowser).toMatchObject({ kind: 'auth' });
    expect(noBrowser.message).toContain('xdg-open not found');
  });

  it('gives the redirect URI before the authorization starts (Mastodon registers its app with it)', async () => {
    const receiver = await openLoopbackReceiver({ timeoutMs: 5_000 });
    expect(receiver.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    // Here the Mastodon connector registers an app with `redirect_uris: receiver.redirectUri`.
    const clientId = `app-for-${new URL(receiver.redirectUri).port}`;
    const result = await receiver.authorize({
      authorizeUrl: 'https://mastodon.example/oauth/authorize',
      clientId,
      scope: 'read write',
      openBrowser: async (url) => {
        expect(new URL(url).searchParams.get('client_id')).toBe(clientId);
        await redirectBack(url, { code: 'm-code', state: new URL(url).searchParams.get('state') ?? '' });
      },
    });
    expect(result).toMatchObject({ code: 'm-code', redirectUri: receiver.redirectUri });
    expect(await isListening(receiver.redirectUri)).toBe(false);
  });
});

// ---- token endpoint ---------------------------------------------------------------------------------------

describe('exchangeCode and refreshAccessToken', () => {
  const now = () => 1_800_000_000_000;

  it('exchanges the code with its verifier for tokens', async () => {
    const endpoint = await tokenEndpoint((form, res) => {
      if (form.get('grant_type') !== 'authorization_code' || pkceChallenge(form.get('code_verifier') ?? '') !== pkceChallenge('v'.repeat(43))) {
        return json(res, 400, { error: 'invalid_grant' });
      }
      json(res, 200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 3599, refresh_token: 'rt-1', scope: 'read write' });
    });
    const http = createHttpClient({ baseURL: endpoint.url, network: 'mastodon' });
    const tokens = await exchangeCode({
      tokenUrl: `${endpoint.url}/oauth/token`,
      clientId: 'client-1',
      clientSecret: 'client-secret-1',
      code: 'the-code',
      redirectUri: 'http://127.0.0.1:5555/callback',
      codeVerifier: 'v'.repeat(43),
      http,
      now,
    });
    expect(tokens).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: now() + 3_599_000, scope: 'read write', tokenType: 'Bearer' });
    expect(Object.fromEntries(endpoint.forms[0] ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://127.0.0.1:5555/callback',
      code_verifier: 'v'.repeat(43),
      client_id: 'client-1',
      client_secret: 'client-secret-1',
    });
  });

  it('a refused code is an auth error that quotes neither the code, the verifier nor the secret', async () => {
    const endpoint = await tokenEndpoint((form, res) =>
      json(res, 400, { error: 'invalid_grant', error_description: `Bad code ${form.get('code')} for ${form.get('client_secret')}` }),
    );
    const http = createHttpClient({ baseURL: endpoint.url, network: 'youtube' });
    const err = await rejection(
      exchangeCode({
        tokenUrl: '/oauth/token',
        clientId: 'c',
        clientSecret: 'GOCSPX-SECRET',
        code: 'CODE-SECRET',
        redirectUri: 'http://127.0.0.1:1/callback',
        codeVerifier: 'VERIFIER-SECRET',
        http,
      }),
    );
    expect(err).toMatchObject({ kind: 'auth', status: 400 });
    expect(err.message).toContain('invalid_grant');
    expect(err.message).not.toContain('SECRET');
  });

  it('a server failure is a network error; a 200 without a token is a bad response that does not quote the body', async () => {
    let mode: 'down' | 'garbage' = 'down';
    const endpoint = await tokenEndpoint((_form, res) =>
      mode === 'down' ? json(res, 503, { error: 'temporarily_unavailable' }) : json(res, 200, { refresh_token: 'RT-SECRET' }),
    );
    const http = createHttpClient({ baseURL: endpoint.url, network: 'youtube' });
    const options = { tokenUrl: '/oauth/token', clientId: 'c', refreshToken: 'old-rt', http };
    expect(await rejection(refreshAccessToken(options))).toMatchObject({ kind: 'network', status: 503 });
    mode = 'garbage';
    const bad = await rejection(refreshAccessToken(options));
    expect(bad.kind).toBe('bad-response');
    expect(bad.message).not.toContain('SECRET');
  });

  it('refresh keeps the refresh token when none is issued (Google) and takes a rotated one', async () => {
    let rotate = false;
    const endpoint = await tokenEndpoint((form, res) => {
      if (form.get('grant_type') !== 'refresh_token') return json(res, 400, { error: 'unsupported_grant_type' });
      json(res, 200, { access_token: `at-for-${form.get('refresh_token')}`, expires_in: '3600', ...(rotate ? { refresh_token: 'rt-2' } : {}) });
    });
    const http = createHttpClient({ baseURL: endpoint.url, network: 'youtube' });
    const kept = await refreshAccessToken({ tokenUrl: '/oauth/token', clientId: 'c', refreshToken: 'rt-1', http, now });
    expect(kept).toEqual({ accessToken: 'at-for-rt-1', refreshToken: 'rt-1', expiresAt: now() + 3_600_000 });
    rotate = true;
    const rotated = await refreshAccessToken({ tokenUrl: '/oauth/token', clientId: 'c', refreshToken: 'rt-1', scope: 'read', http, now });
    expect(rotated.refreshToken).toBe('rt-2');
    expect(endpoint.forms[1]?.get('scope')).toBe('read');
    expect(endpoint.forms[1]?.has('client_secret')).toBe(false);
  });

  it('a revoked refresh token is an auth error (the account must sign in again)', async () => {
    const endpoint = await tokenEndpoint((_form, res) => json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }));
    const http = createHttpClient({ baseURL: endpoint.url, network: 'youtube' });
    const err = await rejection(refreshAccessToken({ tokenUrl: '/oauth/token', clientId: 'c', refreshToken: '1//RT-SECRET', http }));
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err.message).not.toContain('SECRET');
  });

  it('an unreachable token endpoint is a network error', async () => {
    const endpoint = await tokenEndpoint((_form, res) => json(res, 200, {}));
    await endpoint.close();
    const http = createHttpClient({ baseURL: endpoint.url, network: 'youtube', retries: 0 });
    expect(await rejection(refreshAccessToken({ tokenUrl: '/oauth/token', clientId: 'c', refreshToken: 'rt', http }))).toMatchObject({
      kind: 'network',
    });
  });
});
