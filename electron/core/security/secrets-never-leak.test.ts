/**
 * Secrets never leave the keychain: a whole session through the web bridge (what the renderer
 * receives is every frame of it) against the local networks, with the real Secret Service
 * (run under scripts/with-keyring.sh, as `npm test` does): Mastodon connected with OAuth, Bluesky
 * with an app password, YouTube with Google OAuth, polls, replies, every token refreshed, a refresh
 * refused. Then every token, refresh token, client secret, password and authorization code used is
 * looked for in every file of the profile, every log line and every bridge frame: none is there.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBlueskyServer, type BlueskyServer } from '../../../e2e/networks/bluesky';
import { startMastodonServer, type MastodonServer } from '../../../e2e/networks/mastodon';
import { startYouTubeServer, type YouTubeServer } from '../../../e2e/networks/youtube';
import type { Account } from '../../../shared/model';
import { createCore, type Core, type CoreNetworks } from '../app';


import { KeytarSecretStore } from '../secrets/keytar-store';
import { accountSecretKey } from '../secrets/secret-store';
import { createConfSettingsStore } from '../settings/conf-store';
import { PACIFIC_TIME_ZONE } from '../sync/quota-budget';
import { startWebServer, type WebServer } from '../../web/server';
import { BridgeClient } from './bridge-client';
import { leaks, profileFiles, secretValues, type Haystack } from './secret-scan';

const GOOGLE = { clientId: 'parvis-leak-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-leak-test-desktop-secret' };

let mastodon: MastodonServer;
let bluesky: BlueskyServer;
let youtube: YouTubeServer;
let core: Core;
let server: WebServer;
let client: BridgeClient;
let dataDir: string;
let staticDir: string;
const keychain = new KeytarSecretStore(`Parvis leak test ${randomUUID()}`);
const logs: string[] = [];
const consoleLines: string[] = [];
/** Every secret the session used, labelled: filled as the session goes. */
const used: { label: string; value: string }[] = [];

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
  }
  mastodon = await startMastodonServer();
  bluesky = await startBlueskyServer();
  youtube = await startYouTubeServer({ ...GOOGLE, dailyQuota: 1_000_000 });
  const networks: CoreNetworks = {
    endpoints: { bluesky: { service: bluesky.url }, youtube: { api: youtube.url, authorize: `${youtube.url}/o/oauth2/v2/auth`, token: `${youtube.url}/token` } },
    developerApps: { youtube: GOOGLE },
    environment: {},
  };
  dataDir = mkdtempSync(join(tmpdir(), 'parvis-leak-'));
  staticDir = mkdtempSync(join(tmpdir(), 'parvis-leak-static-'));
  core = createCore({
    dataDir,
    secrets: keychain,
    settings: createConfSettingsStore(dataDir),
    shell: 'web',
    myName: 'Alex',
    networks,
    log: (level, message) => void logs.push(`${level} ${message}`),
    syncOptions: {
      backoff: { baseMs: 50, capMs: 400 },
      hasMoreDelayMs: 10,
      quotas: { youtube: { limit: 1_000_000, timeZone: PACIFIC_TIME_ZONE, pollCostUnits: 1, reserveUnits: 1_000 } },
    },
    outboxOptions: { backoff: { baseMs: 50, capMs: 400 } },
  });
  server = await startWebServer({ core, staticDir, log: (level, message) => void logs.push(`web ${level} ${message}`) });
  client = await BridgeClient.open(server);
  used.push({ label: 'bluesky app password', value: bluesky.control.account.password }, { label: 'google client secret', value: GOOGLE.clientSecret });
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await core?.close();
  for (let id = 1; id <= 10; id++) await keychain.delete(accountSecretKey(id)).catch(() => false);
  await Promise.all([mastodon?.close(), bluesky?.close(), youtube?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** The user's browser: follows the authorize page's redirects to Parvis's loopback listener. */
async function approveInBrowser(authorizeUrl: string): Promise<void> {
  let url = authorizeUrl;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(url, { redirect: 'manual' });
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (!location) return;
    url = new URL(location, url).toString();
    // The authorization code is a secret too, however short its life.
    const code = new URL(url).searchParams.get('code');
    if (code) used.push({ label: 'authorization code', value: code });
  }
}

async function connectWithOAuth(input: Record<string, unknown>): Promise<Account> {
  const start = await client.ok<{ kind: string; flowId: string; authorizeUrl: string }>('accounts.connect', input);
  expect(start.kind).toBe('browser');
  const finishing = client.ok<{ account: Account }>('accounts.finishConnect', { flowId: start.flowId });
  await approveInBrowser(start.authorizeUrl);
  return (await finishing).account;
}

/** What the keychain holds now, for every account; added to the secrets looked for. */
async function snapshotKeychain(accounts: Account[]): Promise<Map<number, Record<string, string>>> {
  const out = new Map<number, Record<string, string>>();
  for (const account of accounts) {
    const raw = await keychain.get(accountSecretKey(account.id));
    expect(raw, `${account.network} credentials are in the keychain`).not.toBeNull();
    const credentials = JSON.parse(raw!) as Record<string, string>;
    out.set(account.id, credentials);
    used.push(...secretValues(account.network, credentials));
  }
  return out;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('secrets never leak', () => {
  it('a whole session leaves no token, password or client secret on disk, in the logs or in what the renderer receives', { timeout: 90_000 }, async () => {
    // The user picks a language (settings.json is written), then connects three accounts.
    await client.ok('settings.set', { language: 'fr', pollIntervalSeconds: 300 });
    const mastodonAccount = await connectWithOAuth({ network: 'mastodon', fields: { server: mastodon.url } });
    const youtubeAccount = await connectWithOAuth({ network: 'youtube' });
    const connected = await client.ok<{ kind: string; account: Account }>('accounts.connect', {
      network: 'bluesky',
      fields: { server: bluesky.url, handle: bluesky.control.account.handle, password: bluesky.control.account.password },
    });
    const accounts = [mastodonAccount, youtubeAccount, connected.account];
    const before = await snapshotKeychain(accounts);

    // The community writes; Parvis polls and answers on every network.
    mastodon.control.addMention({ from: 'alice', text: 'Bonjour, ma commande est arrivée cassée' });
    const post = bluesky.control.addOwnPost('Notre nouvelle version est disponible !');
    bluesky.control.addReply(post.uri, { text: 'Le mode sombre ne marche pas chez moi' });
    const video = youtube.control.addVideo({ title: 'Notre atelier' });
    youtube.control.addThread({ videoId: video.id, text: 'Super vidéo, merci !' });
    // YouTube reads its review queue, then its published comments: a few polls make a cycle.
    let inbox = { items: [] as { id: number; network: string }[] };
    await waitFor('a conversation on every network', async () => {
      for (const account of accounts) await client.ok('accounts.pollNow', { accountId: account.id });
      inbox = await client.ok<typeof inbox>('inbox.list', { filter: {}, limit: 50 });
      return new Set(inbox.items.map((i) => i.network)).size === 3;
    });
    for (const conversation of inbox.items) {
      await client.ok('reply.send', { conversationId: conversation.id, text: `Merci, on regarde ça (${conversation.network}) !` });
    }
    const unsent = () => (core.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state <> 'sent'`).get() as { n: number }).n;
    await waitFor('every reply sent', () => unsent() === 0);

    // Every access token expires: polling renews them with the refresh tokens.
    mastodon.control.expireTokens();
    bluesky.control.expireAccessTokens();
    youtube.control.expireAccessTokens();
    for (const account of accounts) await client.ok('accounts.pollNow', { accountId: account.id });
    const after = await snapshotKeychain(accounts);
    for (const account of accounts) {
      const token = (c: Record<string, string>) => c.accessToken ?? c.accessJwt;
      expect(token(after.get(account.id)!), `${account.network} token refreshed`).not.toBe(token(before.get(account.id)!));
    }
    const listed = await client.ok<Account[]>('accounts.list', {});
    expect(listed.every((a) => a.state === 'ok')).toBe(true);

    // A refresh the network refuses: the error the renderer sees must not carry the token either.
    youtube.control.revokeRefreshTokens();
    youtube.control.expireAccessTokens();
    await client.ok('accounts.pollNow', { accountId: youtubeAccount.id });
    const refused = (await client.ok<Account[]>('accounts.list', {})).find((a) => a.id === youtubeAccount.id)!;
    expect(refused.state).toBe('needs-sign-in');
    expect(refused.lastError?.kind).toBe('auth');

    // Look everywhere.
    const haystacks: Haystack[] = [
      ...profileFiles(dataDir),
      { where: 'core log', text: logs.join('\n') },
      { where: 'console', text: consoleLines.join('\n') },
      { where: 'bridge frames', text: client.frames.join('\n') },
    ];
    // The scan is not vacuous: the profile holds the session, the renderer saw it.
    expect(haystacks.map((h) => h.where)).toEqual(expect.arrayContaining([join(dataDir, 'parvis.db'), join(dataDir, 'settings.json')]));
    expect(client.frames.length).toBeGreaterThan(20);
    expect(client.frames.some((f) => f.includes('needs-sign-in'))).toBe(true);
    expect(used.filter((s) => /refresh/i.test(s.label)).length).toBeGreaterThanOrEqual(4);
    expect(used.some((s) => s.label === 'authorization code')).toBe(true);
    expect(leaks(used, haystacks)).toEqual([]);

    // Removing the accounts removes their secrets from the keychain.
    for (const account of accounts) await client.ok('accounts.remove', { accountId: account.id });
    for (const account of accounts) expect(await keychain.get(accountSecretKey(account.id))).toBeNull();
  });
});
