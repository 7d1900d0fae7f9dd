import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/model';
import { signInField, type NetworkInfo } from '../../../shared/networks';
import { setApiClient } from '../api';
import { ApiError } from '../api/apiError';
import { useAccountsStore } from './accounts';
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
/** A network as `accounts.networks` describes it. */
function networkInfo(over: Partial<NetworkInfo> & Pick<NetworkInfo, 'id' | 'signIn'>): NetworkInfo {
  return {
    displayName: over.id,
    connectable: true,
    icon: { glyph: 'N', color: '#333333' },
    developerApp: null,
    capabilities: { maxReplyLength: 500, reply: true, directMessages: false, moderation: [], unsupportedReasons: {} },
    text: { maxReplyLength: 500, counting: 'graphemes', linkLength: null },
    publish: [],
    quota: null,
    ...over,
  };
}
const BROWSER = networkInfo({ id: 'browser-net', signIn: { method: 'oauth', yields: 'one', browserHost: null, fields: [signInField({ name: 'server', kind: 'text' })] } });
const PASSWORD = networkInfo({
  id: 'password-net',
  signIn: { method: 'app-password', yields: 'one', browserHost: null, fields: [signInField({ name: 'handle', kind: 'text' }), signInField({ name: 'password', kind: 'password' }), signInField({ name: 'server', kind: 'url', required: false, advanced: true })] },
});

let core: FakeCore;
let finish: { resolve: (a: { kind: 'connected'; account: Account }) => void; reject: (e: unknown) => void } | null;

beforeEach(() => {
  setActivePinia(createPinia());
  core = new FakeCore();
  finish = null;
  core.handle('accounts.connect', () => ({ kind: 'browser', flowId: 'flow-12345678', authorizeUrl: 'https://example.social/oauth/authorize?x=1' }));
  core.handle('accounts.finishConnect', () => new Promise<{ kind: 'connected'; account: Account }>((resolve, reject) => (finish = { resolve, reject })));
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
    connect.choose(BROWSER);
    connect.fields.server = 'example.social';
    expect(await connect.begin()).toEqual({ openInBrowser: 'https://example.social/oauth/authorize?x=1' });
    expect(core.callsOf('accounts.connect')).toEqual([{ network: 'browser-net', fields: { server: 'example.social' } }]);
    expect(connect.step).toBe('browser');
    const waiting = connect.waitForBrowser();
    await Promise.resolve();
    finish?.resolve({ kind: 'connected', account });
    await waiting;
    expect(connect.step).toBe('connected');
    expect(connect.connectedAccounts).toEqual([account]);
    expect(core.callsOf('accounts.finishConnect')).toEqual([{ flowId: 'flow-12345678' }]);
  });

  it('cancels the flow and goes back to the form without an error to read', async () => {
    const connect = useConnectStore();
    connect.choose(BROWSER);
    connect.fields.server = 'example.social';
    await connect.begin();
    const waiting = connect.waitForBrowser();
    await Promise.resolve();
    await connect.cancel();
    await waiting;
    expect(connect.step).toBe('details');
    expect(connect.error).toBeNull();
    expect(core.callsOf('accounts.cancelConnect')).toEqual([{ flowId: 'flow-12345678' }]);
  });

  it('signs in the way the user chose among the network’s, keeping the address typed but never the password', async () => {
    const MAIL = networkInfo({
      id: 'mail-net',
      signIn: {
        method: 'server-login',
        yields: 'one',
        browserHost: null,
        fields: [signInField({ name: 'email', kind: 'email' }), signInField({ name: 'password', kind: 'password' })],
        alternatives: [
          { id: 'oauth', method: 'oauth', yields: 'one', browserHost: null, fields: [signInField({ name: 'email', kind: 'email' }), signInField({ name: 'provider', kind: 'select', options: ['google', 'microsoft'], defaultValue: 'google' }), signInField({ name: 'clientId', kind: 'text' })] },
        ],
      },
    });
    const connect = useConnectStore();
    connect.choose(MAIL);
    expect(connect.signIn?.method).toBe('server-login');
    Object.assign(connect.fields, { email: 'contact@example.com', password: 'secret-pass' });
    connect.chooseMethod('oauth');
    expect(connect.signIn?.method).toBe('oauth');
    expect(connect.fields).toEqual({ email: 'contact@example.com', provider: 'google', clientId: '' });
    connect.fields.clientId = 'my-client';
    expect(await connect.begin()).toEqual({ openInBrowser: 'https://example.social/oauth/authorize?x=1' });
    expect(core.callsOf('accounts.connect')).toEqual([{ network: 'mail-net', method: 'oauth', fields: { email: 'contact@example.com', provider: 'google', clientId: 'my-client' } }]);
    // Back to the password: the first way again, sent without a method; the password is typed anew.
    await connect.cancel();
    connect.chooseMethod(null);
    expect(connect.method).toBeNull();
    expect(connect.fields).toEqual({ email: 'contact@example.com', password: '' });
  });

  it('keeps the refusal with its kind, for the dialog to explain (keychain, network…)', async () => {
    core.failing.set('accounts.connect', 'keychain-unavailable');
    const connect = useConnectStore();
    connect.choose(PASSWORD);
    Object.assign(connect.fields, { handle: 'brand.bsky.social', password: 'abcd-efgh-ijkl-mnop' });
    expect(await connect.begin()).toBeNull();
    // Empty optional fields are left for the descriptor's default.
    expect(core.callsOf('accounts.connect')).toEqual([{ network: 'password-net', fields: { handle: 'brand.bsky.social', password: 'abcd-efgh-ijkl-mnop' } }]);
    expect(connect.step).toBe('details');
    expect(connect.error?.kind).toBe('keychain-unavailable');
  });

  it('asks for the developer app first when the network needs one and has none, then signs in', async () => {
    const needsApp = networkInfo({ ...BROWSER, id: 'app-net', developerApp: { needsSecret: true, consoleUrl: 'https://console.example', redirectUri: null, source: null, clientId: null } });
    core.handle('developerApps.set', () => ({ needsSecret: true, consoleUrl: 'https://console.example', redirectUri: null, source: 'user', clientId: 'my-id' }));
    const connect = useConnectStore();
    connect.choose(needsApp);
    expect(connect.step).toBe('developer-app');
    await connect.saveDeveloperApp(' my-id ', 'my-secret');
    expect(core.callsOf('developerApps.set')).toEqual([{ network: 'app-net', clientId: 'my-id', clientSecret: 'my-secret' }]);
    expect(connect.step).toBe('details');
    expect(connect.network?.developerApp?.source).toBe('user');
  });

  it('does not ask again for an app another network shares: the Meta app entered for Facebook serves Instagram', async () => {
    const app = { needsSecret: true, consoleUrl: 'https://console.example', redirectUri: null, source: null, clientId: null };
    const fb = networkInfo({ ...BROWSER, id: 'facebook', developerApp: app });
    const ig = networkInfo({ ...BROWSER, id: 'instagram', developerApp: { ...app, sharedWith: 'facebook' } });
    const other = networkInfo({ ...BROWSER, id: 'x', developerApp: app });
    core.handle('developerApps.set', () => ({ ...app, source: 'user', clientId: 'meta-id' }));
    const accounts = useAccountsStore();
    accounts.networks = [fb, ig, other];
    const connect = useConnectStore();
    connect.choose(fb);
    await connect.saveDeveloperApp('meta-id', 'meta-secret');
    connect.choose(accounts.networks.find((n) => n.id === 'instagram')!);
    expect(connect.step).toBe('details');
    expect(accounts.networks.find((n) => n.id === 'x')!.developerApp?.source).toBeNull();
  });

  it('lets the user pick among several accounts a sign-in gave, and adds only those', async () => {
    core.handle('accounts.connect', () => ({ kind: 'choose', flowId: 'flow-choose-1', choices: [{ id: 'a', name: 'Page A', handle: '@a', connected: false }, { id: 'b', name: 'Page B', handle: '@b', connected: true }] }));
    core.handle('accounts.choose', () => [account]);
    const connect = useConnectStore();
    connect.choose(PASSWORD);
    Object.assign(connect.fields, { handle: 'brand', password: 'pw-1234' });
    await connect.begin();
    expect(connect.step).toBe('pick');
    expect(connect.choices.map((c) => c.name)).toEqual(['Page A', 'Page B']);
    await connect.pick(['b']);
    expect(core.callsOf('accounts.choose')).toEqual([{ flowId: 'flow-choose-1', choiceIds: ['b'] }]);
    expect(connect.step).toBe('connected');
  });
});
