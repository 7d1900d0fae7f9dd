/**
 * No keychain, no account: when the system keychain cannot be reached, connecting an account fails
 * with `keychain-unavailable` in plain words, and nothing is kept anywhere (no account row, no
 * token on disk). Shown twice: with a keychain whose every call fails (through the web bridge, for
 * an app-password and an OAuth sign-in), and with the real keytar in a process without D-Bus.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueskyServer, type BlueskyServer } from '../../../e2e/networks/bluesky';
import { startMastodonServer, type MastodonServer } from '../../../e2e/networks/mastodon';
import { createCore, type Core } from '../app';
import { KeychainUnavailableError, type SecretStore } from '../secrets/secret-store';
import { createConfSettingsStore } from '../settings/conf-store';
import { startWebServer, type WebServer } from '../../web/server';
import { BridgeClient } from './bridge-client';
import { leaks, profileFiles, secretValues } from './secret-scan';

/** A keychain that cannot be reached; it keeps what it was asked to store, to look for it later. */
class UnreachableKeychain implements SecretStore {
  readonly asked: { label: string; value: string }[] = [];
  private refuse(): never {
    throw new KeychainUnavailableError('Cannot autolaunch D-Bus without X11 $DISPLAY');
  }
  async get(): Promise<string | null> {
    this.refuse();
  }
  async set(key: string, value: string): Promise<void> {
    this.asked.push(...secretValues(key, JSON.parse(value) as Record<string, string>));
    this.refuse();
  }
  async delete(): Promise<boolean> {
    this.refuse();
  }
}

let mastodon: MastodonServer;
let bluesky: BlueskyServer;
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  mastodon = await startMastodonServer();
  bluesky = await startBlueskyServer();
});

afterAll(async () => {
  await Promise.all([mastodon.close(), bluesky.close()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function expectPlainKeychainError(answer: unknown): void {
  expect(answer).toMatchObject({ ok: false, error: { kind: 'keychain-unavailable' } });
  const message = (answer as { error: { message: string } }).error.message;
  expect(message).toMatch(/system keychain is not available/);
  expect(message).toMatch(/GNOME Keyring or KWallet/);
}

describe('connecting without a keychain', () => {
  let core: Core;
  let server: WebServer;
  let client: BridgeClient;
  let dataDir: string;
  const keychain = new UnreachableKeychain();

  beforeAll(async () => {
    dataDir = tempDir('parvis-no-keychain-');
    core = createCore({
      dataDir,
      secrets: keychain,
      settings: createConfSettingsStore(dataDir),
      shell: 'web',
      myName: 'Alex',
      networks: { endpoints: { bluesky: { service: bluesky.url } } },
    });
    server = await startWebServer({ core, staticDir: tempDir('parvis-static-') });
    client = await BridgeClient.open(server);
  });

  afterAll(async () => {
    client.close();
    await server.close();
    await core.close();
  });

  it('fails in plain words and keeps nothing, for an app password and for OAuth', { timeout: 30_000 }, async () => {
    const password = await client.call('accounts.connect', {
      network: 'bluesky',
      fields: { server: bluesky.url, handle: bluesky.control.account.handle, password: bluesky.control.account.password },
    });
    expectPlainKeychainError(password);

    const start = await client.ok<{ flowId: string; authorizeUrl: string }>('accounts.connect', { network: 'mastodon', fields: { server: mastodon.url } });
    const finishing = client.call('accounts.finishConnect', { flowId: start.flowId });
    await (await fetch(start.authorizeUrl)).arrayBuffer();
    expectPlainKeychainError(await finishing);

    expect(await client.ok('accounts.list', {})).toEqual([]);
    expect(core.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 0 });
    // Parvis did get tokens from both networks, and tried to keep them in the keychain only.
    const asked = keychain.asked.map((a) => a.label.replace(/^account:\d+\./, ''));
    expect(asked).toEqual(expect.arrayContaining(['accessJwt', 'refreshJwt', 'accessToken', 'clientSecret']));
    const secrets = [...keychain.asked, { label: 'app password', value: bluesky.control.account.password }];
    const haystacks = [...profileFiles(dataDir), { where: 'bridge frames', text: client.frames.join('\n') }];
    expect(leaks(secrets, haystacks)).toEqual([]);
  });
});

describe('connecting with the real keytar and no D-Bus session', () => {
  it('fails in plain words and leaves no account and no token on disk', { timeout: 30_000 }, async () => {
    const dataDir = tempDir('parvis-no-dbus-');
    const script = fileURLToPath(new URL('./keychain-unavailable.fixture.ts', import.meta.url));
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' };
    // Asynchronously: the Bluesky server it signs in to runs in this process.
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, dataDir, bluesky.url, bluesky.control.account.handle, bluesky.control.account.password],
      { env, encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
    );
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { answer: unknown; accounts: { ok: boolean; value: unknown[] } };
    expectPlainKeychainError(result.answer);
    expect(result.accounts).toEqual({ ok: true, value: [] });
    const files = profileFiles(dataDir);
    expect(leaks([{ label: 'app password', value: bluesky.control.account.password }], files)).toEqual([]);
    // The session tokens Bluesky issued are JWTs: none may be in the profile.
    expect(files.filter((f) => /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./.test(f.text)).map((f) => f.where)).toEqual([]);
  });
});
