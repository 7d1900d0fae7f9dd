import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/model';
import { setApiClient } from '../api';
import { ApiError } from '../api/apiError';
import { useConnectStore } from './connect';
import { FakeCore } from './fakeCore';

const account: Account = {
  id: 7,
  network: 'mastodon',
  handle: '@brand@example.social',
  displayName: 'Brand',
  serverUrl: 'https://example.social',
  state: 'ok',
  lastPollAt: null,
  nextPollAt: null,
  lastError: null,
  rateLimit: null,
  createdAt: 1,
};
const MASTODON = { network: 'mastodon' as const, signIn: 'oauth' as const, needsServer: true, defaultServer: null };

let core: FakeCore;
let finish: { resolve: (a: Account) => void; reject: (e: unknown) => void } | null;

beforeEach(() => {
  setActivePinia(createPinia());
  core = new FakeCore();
  finish = null;
  core.handle('accounts.connect', () => ({ kind: 'browser', flowId: 'flow-12345678', authorizeUrl: 'https://example.social/oauth/authorize?x=1' }));
  core.handle('accounts.finishConnect', () => new Promise<Account>((resolve, reject) => (finish = { resolve, reject })));
  core.handle('accounts.cancelConnect', () => {
    finish?.reject(new ApiError('not-found', 'cancelled'));
    return { ok: true };
  });
  core.handle('accounts.list', () => [account]);
  setApiClient(core);
});

describe('useConnectStore', () => {
  it('waits in the browser step, then shows the connected account', async () => {
    const connect = useConnectStore();
    connect.choose(MASTODON);
    expect(await connect.begin({ network: 'mastodon', serverUrl: 'example.social' })).toEqual({ openInBrowser: 'https://example.social/oauth/authorize?x=1' });
    expect(connect.step).toBe('browser');
    const waiting = connect.waitForBrowser();
    await Promise.resolve();
    finish?.resolve(account);
    await waiting;
    expect(connect.step).toBe('connected');
    expect(connect.account).toEqual(account);
    expect(core.callsOf('accounts.finishConnect')).toEqual([{ flowId: 'flow-12345678' }]);
  });

  it('cancels the flow and goes back to the form without an error to read', async () => {
    const connect = useConnectStore();
    connect.choose(MASTODON);
    await connect.begin({ network: 'mastodon', serverUrl: 'example.social' });
    const waiting = connect.waitForBrowser();
    await Promise.resolve();
    await connect.cancel();
    await waiting;
    expect(connect.step).toBe('details');
    expect(connect.error).toBeNull();
    expect(core.callsOf('accounts.cancelConnect')).toEqual([{ flowId: 'flow-12345678' }]);
  });

  it('keeps the refusal with its kind, for the dialog to explain (keychain, network…)', async () => {
    core.failing.set('accounts.connect', 'keychain-unavailable');
    const connect = useConnectStore();
    connect.choose({ network: 'bluesky', signIn: 'app-password', needsServer: false, defaultServer: 'https://bsky.social' });
    expect(await connect.begin({ network: 'bluesky', handle: 'brand.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' })).toBeNull();
    expect(connect.step).toBe('details');
    expect(connect.error?.kind).toBe('keychain-unavailable');
  });
});
