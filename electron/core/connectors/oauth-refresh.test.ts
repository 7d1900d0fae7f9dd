import { describe, expect, it, vi } from 'vitest';
import type { TokenSet } from './oauth';
import { accessTokenExpired, freshCredentials, refreshTokens, singleFlightRefresh, tokensFromRecord, tokensToRecord, type OAuthTokens } from './oauth-refresh';
import { ConnectorError } from './types';

interface Creds extends OAuthTokens {
  subreddits: string[];
}
const creds: Creds = { accessToken: 'a1', refreshToken: 'r1', expiresAt: 1_000_000, scope: 'read', subreddits: ['Lampes'] };

describe('token fields in the keychain', () => {
  it('round-trips, leaves absent fields out, ignores a malformed expiry, and needs an access token', () => {
    expect(tokensToRecord(creds)).toEqual({ accessToken: 'a1', refreshToken: 'r1', expiresAt: '1000000', scope: 'read' });
    expect(tokensFromRecord({ accessToken: 'a1', refreshToken: 'r1', expiresAt: '1000000', scope: 'read' }, 'Reddit')).toEqual({ accessToken: 'a1', refreshToken: 'r1', expiresAt: 1_000_000, scope: 'read' });
    expect(tokensToRecord({ accessToken: 'a' })).toEqual({ accessToken: 'a' });
    expect(tokensFromRecord({ accessToken: 'a', expiresAt: 'soon' }, 'X')).toEqual({ accessToken: 'a' });
    expect(() => tokensFromRecord({}, 'Reddit')).toThrow(expect.objectContaining({ kind: 'auth', message: expect.stringContaining('No Reddit access token') }));
  });

  it('counts a token as expired a minute early, and one without an expiry never', () => {
    expect(accessTokenExpired({ expiresAt: 100_000 }, 39_999)).toBe(false);
    expect(accessTokenExpired({ expiresAt: 100_000 }, 40_000)).toBe(true);
    expect(accessTokenExpired({}, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('refreshTokens', () => {
  it('keeps the network’s own fields, and the refresh token and scope the server did not send again', async () => {
    const renewed = await refreshTokens({ networkName: 'Reddit', credentials: creds, request: async () => ({ accessToken: 'a2', expiresAt: 2_000_000 }) as TokenSet });
    expect(renewed).toEqual({ accessToken: 'a2', refreshToken: 'r1', expiresAt: 2_000_000, scope: 'read', subreddits: ['Lampes'] });
  });

  it('takes a rotated refresh token, and drops an expiry the answer no longer gives', async () => {
    const renewed = await refreshTokens({ networkName: 'X', credentials: creds, request: async (token) => ({ accessToken: `a-${token}`, refreshToken: 'r2' }) as TokenSet });
    expect(renewed).toEqual({ accessToken: 'a-r1', refreshToken: 'r2', scope: 'read', subreddits: ['Lampes'] });
  });

  it('without a refresh token: auth, and the server is not asked', async () => {
    const request = vi.fn();
    const { refreshToken: _r, ...noRefresh } = creds;
    await expect(refreshTokens({ networkName: 'Reddit', credentials: noRefresh, request })).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('no refresh token') });
    expect(request).not.toHaveBeenCalled();
  });

  it('a refused refresh is auth ("sign in again"); what the network says refused is its own choice; other failures pass through', async () => {
    const invalidGrant = new ConnectorError('auth', 'invalid_grant', null, 400);
    await expect(refreshTokens({ networkName: 'Reddit', credentials: creds, request: () => Promise.reject(invalidGrant) })).rejects.toMatchObject({
      kind: 'auth',
      status: 400,
      message: 'Reddit refused to renew the sign-in: sign in again (invalid_grant)',
    });
    const invalidRequest = new ConnectorError('bad-response', 'invalid_request', null, 400);
    await expect(refreshTokens({ networkName: 'Reddit', credentials: creds, request: () => Promise.reject(invalidRequest) })).rejects.toBe(invalidRequest);
    await expect(
      refreshTokens({ networkName: 'X', credentials: creds, request: () => Promise.reject(invalidRequest), refused: (e) => e.kind === 'bad-response' && e.status === 400 }),
    ).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('X refused to renew') });
    const down = new ConnectorError('network', 'ECONNREFUSED');
    await expect(refreshTokens({ networkName: 'X', credentials: creds, request: () => Promise.reject(down) })).rejects.toBe(down);
  });
});

describe('singleFlightRefresh', () => {
  it('two callers with the same refresh token share one request; a failure is forgotten at once', async () => {
    let release!: (c: Creds) => void;
    const refresh = vi.fn((c: Creds) => new Promise<Creds>((resolve) => (release = (next) => resolve({ ...c, ...next }))));
    const once = singleFlightRefresh(refresh);
    const a = once(creds);
    const b = once(creds);
    release({ ...creds, accessToken: 'a2', refreshToken: 'r2' });
    expect(await a).toBe(await b);
    expect(refresh).toHaveBeenCalledTimes(1);
    // A caller still holding r1 a moment later gets the same renewal (X would refuse r1 now).
    expect(await once(creds)).toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledTimes(1);

    const failing = vi.fn().mockRejectedValueOnce(new ConnectorError('network', 'down')).mockResolvedValueOnce({ ...creds, accessToken: 'a3' });
    const retrying = singleFlightRefresh<Creds>(failing);
    await expect(retrying(creds)).rejects.toMatchObject({ kind: 'network' });
    expect(await retrying(creds)).toMatchObject({ accessToken: 'a3' });
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('with keepDoneMs 0 (a refresh token that is kept), a later refresh asks again', async () => {
    let n = 0;
    const once = singleFlightRefresh<Creds>(async (c) => ({ ...c, accessToken: `a${++n}` }), { keepDoneMs: 0 });
    const [x, y] = await Promise.all([once(creds), once(creds)]);
    expect(x.accessToken).toBe('a1');
    expect(y).toBe(x);
    expect((await once(creds)).accessToken).toBe('a2');
  });
});

describe('freshCredentials', () => {
  it('renews an expired token and saves the new one before it is used; a valid one is used as it is', async () => {
    const saved: Creds[] = [];
    const refresh = vi.fn(async (c: Creds) => ({ ...c, accessToken: 'a2', expiresAt: 5_000_000 }));
    expect(await freshCredentials(creds, { now: 0, refresh, save: async (c) => void saved.push(c) })).toBe(creds);
    expect(refresh).not.toHaveBeenCalled();
    const renewed = await freshCredentials(creds, { now: 1_000_000, refresh, save: async (c) => void saved.push(c) });
    expect(renewed).toMatchObject({ accessToken: 'a2', subreddits: ['Lampes'] });
    expect(saved).toEqual([renewed]);
  });

  it('a refused refresh saves nothing', async () => {
    const save = vi.fn();
    await expect(freshCredentials(creds, { now: 1_000_000, refresh: () => Promise.reject(new ConnectorError('auth', 'refused')), save })).rejects.toMatchObject({ kind: 'auth' });
    expect(save).not.toHaveBeenCalled();
  });
});
