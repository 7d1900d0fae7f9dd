/**
 * Signing in to a Mastodon instance: app registration for the loopback redirect, the browser
 * authorization with PKCE S256 (through ../oauth.ts, the browser played by fetch), the code
 * exchange, and renewing tokens where the server issues refresh tokens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMastodonServer, type MastodonServer } from '../../../../e2e/networks/mastodon';
import { exchangeCode, openLoopbackReceiver } from '../oauth';
import { ConnectorError } from '../types';
import { normalizeServerUrl, registerMastodonApp, signInToMastodon, type OAuthFlow } from './auth';
import { accountContext, testConnector } from './fixtures/local-account';

let server: MastodonServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

/** The user's browser: follows the instance's redirect to the loopback server. */
async function browser(url: string): Promise<void> {
  await (await fetch(url)).text();
}

describe('normalizeServerUrl', () => {
  it('accepts a domain, a URL or a handle', () => {
    expect(normalizeServerUrl('mastodon.social')).toBe('https://mastodon.social');
    expect(normalizeServerUrl(' https://Mastodon.Social/about ')).toBe('https://mastodon.social');
    expect(normalizeServerUrl('@parvis@piaille.fr')).toBe('https://piaille.fr');
    expect(normalizeServerUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
  });

  it('refuses plain http on the internet and things that are not servers', () => {
    for (const bad of ['http://mastodon.social', 'ftp://mastodon.social', 'not a server', 'localhostish', 'https://user:pw@mastodon.social']) {
      expect(() => normalizeServerUrl(bad), bad).toThrow(ConnectorError);
    }
  });
});

describe('Mastodon sign-in', () => {
  it('registers the app with the redirect URI and the read write scopes', async () => {
    server = await startMastodonServer();
    const app = await registerMastodonApp({ serverUrl: server.url, redirectUri: 'http://127.0.0.1:40000/callback' });
    expect(app.clientId).toBeTruthy();
    expect(app.clientSecret).toBeTruthy();
    expect(server.control.state().apps).toEqual([
      { clientId: app.clientId, name: 'Parvis', redirectUris: ['http://127.0.0.1:40000/callback'], scopes: ['read', 'write'] },
    ]);
  });

  it('signs in with OAuth code + PKCE and returns credentials that work', async () => {
    server = await startMastodonServer();
    const signIn = await signInToMastodon({ server: server.url, openBrowser: browser, timeoutMs: 5_000 });

    expect(signIn.serverUrl).toBe(server.url);
    expect(signIn.account).toMatchObject({ remoteId: server.control.meId, handle: `@parvis@${new URL(server.url).host}` });
    expect(signIn.credentials).toMatchObject({ scope: 'read write' });
    expect(Object.keys(signIn.credentials).sort()).toEqual(['accessToken', 'clientId', 'clientSecret', 'refreshToken', 'scope']);
    const [app] = server.control.state().apps;
    expect(app!.clientId).toBe(signIn.credentials.clientId);
    expect(app!.redirectUris[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const connector = testConnector();
    await expect(connector.verify(accountContext(server, signIn.credentials))).resolves.toMatchObject({ remoteId: server.control.meId });
  });

  it('fails the exchange when the PKCE verifier does not match the challenge', async () => {
    server = await startMastodonServer();
    const tampered: OAuthFlow = {
      openLoopbackReceiver: async (options) => {
        const receiver = await openLoopbackReceiver(options);
        return {
          redirectUri: receiver.redirectUri,
          close: () => receiver.close(),
          authorize: async (request) => ({ ...(await receiver.authorize(request)), codeVerifier: 'x'.repeat(43) }),
        };
      },
      exchangeCode,
    };
    const error = await signInToMastodon({ server: server.url, openBrowser: browser, timeoutMs: 5_000, oauth: tampered }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).toMatch(/invalid_grant/);
  });

  it('reports a refused authorization as an auth error', async () => {
    server = await startMastodonServer();
    server.control.setAuthorization('deny');
    const error = await signInToMastodon({ server: server.url, openBrowser: browser, timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).toMatch(/access_denied/);
  });

  it('renews an expired token with the refresh token, then polls again', async () => {
    server = await startMastodonServer();
    const signIn = await signInToMastodon({ server: server.url, openBrowser: browser, timeoutMs: 5_000 });
    const connector = testConnector();
    const ctx = accountContext(server, signIn.credentials);
    server.control.expireTokens();
    await expect(connector.poll(ctx, null)).rejects.toMatchObject({ kind: 'auth' });

    const fresh = await connector.refreshCredentials(ctx);
    expect(fresh.accessToken).not.toBe(signIn.credentials.accessToken);
    expect(fresh.refreshToken).not.toBe(signIn.credentials.refreshToken);
    expect(fresh).toMatchObject({ clientId: signIn.credentials.clientId, clientSecret: signIn.credentials.clientSecret });
    await expect(connector.poll(accountContext(server, fresh), null)).resolves.toMatchObject({ items: [] });

    // The old refresh token was rotated away.
    await expect(connector.refreshCredentials(ctx)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('returns no refresh token from a server that issues none (Mastodon itself)', async () => {
    server = await startMastodonServer({ issueRefreshTokens: false });
    const signIn = await signInToMastodon({ server: server.url, openBrowser: browser, timeoutMs: 5_000 });
    expect(signIn.credentials.refreshToken).toBeUndefined();
    await expect(testConnector().refreshCredentials(accountContext(server, signIn.credentials))).rejects.toMatchObject({ kind: 'auth' });
  });
});
