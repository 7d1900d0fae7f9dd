/**
 * The networks fixture that Playwright specs and integration tests build on: web mode on a
 * temporary profile syncing with the three local servers (every network connectable, an account
 * connected the UI's way keeps syncing across a restart, a reply reaches the server), and the relay
 * that plays a server going down and coming back.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_OUTBOX, FAST_SYNC, LOCAL_GOOGLE_CLIENT, callCore, connectAccount, startNetworkedWebMode, startNetworks, startRelay, waitFor, type LocalNetworks } from './fixture';

let networks: LocalNetworks;
const staticDir = mkdtempSync(join(tmpdir(), 'parvis-static-'));

beforeAll(async () => {
  networks = await startNetworks();
});

afterAll(async () => {
  await networks?.stop();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('startNetworkedWebMode', () => {
  it('syncs with the local networks, survives a restart, and delivers replies', async () => {
    const mode = await startNetworkedWebMode(networks, { staticDir, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
    try {
      expect((await callCore(mode.core, 'settings.get', {})).pollIntervalSeconds).toBe(15);
      const described = await callCore(mode.core, 'accounts.networks', {});
      expect(described.map((n) => [n.id, n.signIn.method, n.signIn.fields.map((f) => f.name)])).toEqual([
        ['mastodon', 'oauth', ['server']],
        ['bluesky', 'app-password', ['handle', 'password', 'server']],
        ['youtube', 'oauth', []],
        ['facebook', 'oauth', []],
        ['instagram', 'oauth', []],
        ['x', 'oauth', ['monthlyReadCap']],
        ['reddit', 'oauth', ['subreddits']],
        ['telegram', 'api-key', ['token']],
        ['discourse', 'oauth', ['forum', 'categories', 'tags', 'username', 'apiKey']],
        ['wordpress', 'server-login', ['site', 'user', 'password']],
        ['mailbox', 'server-login', ['email', 'password', 'imapHost', 'imapSecurity', 'smtpHost', 'smtpSecurity', 'login', 'imapPort', 'smtpPort', 'certificate', 'customCa']],
        ['feeds', 'none', ['url']],
      ]);
      // The local Google client stands for the one a build embeds: YouTube can be connected at once.
      expect(described[2]!.developerApp).toMatchObject({ source: 'build', clientId: LOCAL_GOOGLE_CLIENT.clientId });
      const account = await connectAccount(mode.core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
      const first = networks.mastodon.control.addMention({ from: 'camille', text: 'Avant le redémarrage' }).statusId;
      await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
      await waitFor('the first mention', () => mode.core.db.prepare('SELECT 1 FROM messages WHERE remote_id = ?').get(first));

      const { port, token, dataDir } = mode;
      await mode.restart();
      expect([mode.port, mode.token]).toEqual([port, token]);
      // Same profile and keychain: the account is still signed in and keeps syncing.
      const second = networks.mastodon.control.addMention({ from: 'hugo', text: 'Après le redémarrage' }).statusId;
      await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
      await waitFor('the second mention', () => mode.core.db.prepare('SELECT 1 FROM messages WHERE remote_id = ?').get(second));

      const conversation = mode.core.db.prepare<[string], { id: number }>('SELECT id FROM conversations WHERE remote_id = ?').get(second)!;
      await callCore(mode.core, 'reply.send', { conversationId: conversation.id, text: 'Merci Hugo !' });
      await waitFor('the reply on the server', () => networks.mastodon.control.state().posted.find((s) => s.inReplyToId === second));
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      await mode.close();
    }
    expect(existsSync(mode.dataDir)).toBe(false);
  });
});

describe('startRelay', () => {
  it('forwards, goes down (connections refused), comes back on the same port, and fails chosen requests', async () => {
    const relay = await startRelay(networks.urls.youtube);
    try {
      const state = `${relay.url}/__control/state`;
      expect((await fetch(state)).status).toBe(200);
      const port = relay.port;

      await relay.stop();
      expect(relay.up).toBe(false);
      await expect(fetch(state)).rejects.toThrow();

      await relay.start();
      expect(relay.port).toBe(port);
      relay.failWhen((req) => req.path === '/__control/state', 1, 503);
      expect((await fetch(state)).status).toBe(503);
      expect((await fetch(state)).status).toBe(200);
      expect(relay.requests.map((r) => r.status)).toEqual([200, 503, 200]);
    } finally {
      await relay.close();
    }
  });
});
