/**
 * Bluesky sessions with app passwords: `com.atproto.server.createSession` signs in,
 * `refreshSession` trades the refresh JWT for a new pair (the old refresh JWT then stops working),
 * and `BlueskySession` is the @atproto/api SessionManager that adds the access JWT to each call,
 * refreshes once on ExpiredToken and retries. The tokens go back to the caller, who keeps them in
 * the keychain; the app password itself is never kept.
 */
import { Agent } from '@atproto/api';
import type { AccountContext } from '../types';
import { ConnectorError } from '../types';
import { toBlueskyError, type Transport } from './client';

/** What the keychain holds for a Bluesky account. */
export interface BlueskyCredentials {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

/** Credentials as the keychain stores them (a flat string map). */
export function credentialsRecord(credentials: BlueskyCredentials): Record<string, string> {
  return { accessJwt: credentials.accessJwt, refreshJwt: credentials.refreshJwt, did: credentials.did, handle: credentials.handle };
}

/** The tokens of an account, or an `auth` error saying that it must sign in. */
export function readCredentials(ctx: AccountContext): BlueskyCredentials {
  const { accessJwt, refreshJwt } = ctx.credentials;
  const did = ctx.credentials.did || ctx.remoteId;
  const handle = ctx.credentials.handle || ctx.handle;
  if (!accessJwt || !refreshJwt || !did) {
    throw new ConnectorError('auth', 'No Bluesky session is stored for this account: sign in with an app password.');
  }
  return { accessJwt, refreshJwt, did, handle };
}

/** An agent without a session, for the session calls themselves. */
function sessionlessAgent(transport: Transport, serviceUrl: string): Agent {
  return new Agent({ did: undefined, fetchHandler: (url: string, init: RequestInit) => transport.send(new URL(url, serviceUrl).toString(), init) });
}

/** Signs in with a handle (or DID, or email) and an app password. */
export async function createSession(
  transport: Transport,
  serviceUrl: string,
  identifier: string,
  appPassword: string,
): Promise<BlueskyCredentials> {
  transport.secrets.push(appPassword);
  try {
    const res = await sessionlessAgent(transport, serviceUrl).com.atproto.server.createSession({
      identifier: identifier.trim().replace(/^@/, ''),
      password: appPassword,
    });
    const { accessJwt, refreshJwt, did, handle } = res.data;
    transport.secrets.push(accessJwt, refreshJwt);
    return { accessJwt, refreshJwt, did, handle };
  } catch (err) {
    const error = toBlueskyError(err, 'createSession', transport);
    if (error.kind !== 'auth') throw error;
    const hint = /AuthFactorTokenRequired/.test(error.message)
      ? 'This account asks for a sign-in code: use an app password instead of the main password.'
      : 'Check the handle and the app password (Settings → Privacy and security → App passwords).';
    throw new ConnectorError('auth', `Bluesky refused the sign-in. ${hint} (${error.message})`, null, error.status, { detail: error.detail });
  }
}

/** Trades a refresh JWT for a new session; an `auth` error means the account must sign in again. */
export async function refreshSession(transport: Transport, serviceUrl: string, refreshJwt: string): Promise<BlueskyCredentials> {
  transport.secrets.push(refreshJwt);
  try {
    const res = await sessionlessAgent(transport, serviceUrl).com.atproto.server.refreshSession(undefined, {
      headers: { authorization: `Bearer ${refreshJwt}` },
    });
    const { accessJwt, refreshJwt: nextRefresh, did, handle } = res.data;
    transport.secrets.push(accessJwt, nextRefresh);
    return { accessJwt, refreshJwt: nextRefresh, did, handle };
  } catch (err) {
    const error = toBlueskyError(err, 'refreshSession', transport);
    if (error.kind !== 'auth') throw error;
    throw new ConnectorError('auth', `The Bluesky session has ended: sign in again with an app password. (${error.message})`, null, error.status, { detail: error.detail });
  }
}

/**
 * Runs one refresh per refresh JWT at a time: two calls of the same account that both meet an
 * expired token must not both spend the refresh JWT, since the PDS rotates it on use.
 */
export type RefreshCoordinator = (refreshJwt: string, refresh: () => Promise<BlueskyCredentials>) => Promise<BlueskyCredentials>;

/**
 * A coordinator that shares a refresh in flight, and remembers for a while what a spent refresh JWT
 * was traded for: a call whose request left before the refresh but whose ExpiredToken answer came
 * back after it must use the new session, not spend the old refresh JWT again.
 */
export function createRefreshCoordinator(remember = 64): RefreshCoordinator {
  const inFlight = new Map<string, Promise<BlueskyCredentials>>();
  const traded = new Map<string, BlueskyCredentials>();
  return (refreshJwt, refresh) => {
    const done = traded.get(refreshJwt);
    if (done) return Promise.resolve(done);
    const running = inFlight.get(refreshJwt);
    if (running) return running;
    const promise = refresh()
      .then((fresh) => {
        traded.set(refreshJwt, fresh);
        if (traded.size > remember) traded.delete(traded.keys().next().value as string);
        return fresh;
      })
      .finally(() => inFlight.delete(refreshJwt));
    inFlight.set(refreshJwt, promise);
    return promise;
  };
}

async function isExpiredTokenAnswer(response: Response): Promise<boolean> {
  if (response.status !== 400 && response.status !== 401) return false;
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return body.error === 'ExpiredToken' || body.error === 'InvalidToken';
  } catch {
    return false;
  }
}

export interface BlueskySessionOptions {
  /** Receives the new tokens after a refresh, before the call is retried. */
  onRefreshed?: (credentials: BlueskyCredentials) => Promise<void>;
  coordinateRefresh?: RefreshCoordinator;
}

/** @atproto/api's SessionManager (not exported by name): a DID and a fetch handler. */
type SessionManager = Extract<ConstructorParameters<typeof Agent>[0], { fetchHandler: unknown }>;

/** The SessionManager behind every authenticated call of one account. */
export class BlueskySession implements SessionManager {
  private current: BlueskyCredentials;
  private readonly coordinateRefresh: RefreshCoordinator;

  constructor(
    readonly serviceUrl: string,
    credentials: BlueskyCredentials,
    readonly transport: Transport,
    private readonly opts: BlueskySessionOptions = {},
  ) {
    this.current = credentials;
    this.coordinateRefresh = opts.coordinateRefresh ?? createRefreshCoordinator();
    transport.secrets.push(credentials.accessJwt, credentials.refreshJwt);
  }

  get did(): `did:${string}:${string}` {
    return this.current.did as `did:${string}:${string}`;
  }

  get credentials(): BlueskyCredentials {
    return this.current;
  }

  async fetchHandler(url: string, init: RequestInit): Promise<Response> {
    const target = new URL(url, this.serviceUrl).toString();
    const send = (accessJwt: string) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${accessJwt}`);
      return this.transport.send(target, { ...init, headers });
    };
    const first = await send(this.current.accessJwt);
    if (!(await isExpiredTokenAnswer(first))) return first;
    await first.body?.cancel();
    await this.refresh();
    return send(this.current.accessJwt);
  }

  /** Refreshes the session now and hands the new tokens to `onRefreshed`. */
  async refresh(): Promise<BlueskyCredentials> {
    const before = this.current;
    const next = await this.coordinateRefresh(before.refreshJwt, async () => {
      const fresh = await refreshSession(this.transport, this.serviceUrl, before.refreshJwt);
      if (fresh.did !== before.did) {
        throw new ConnectorError('auth', 'The Bluesky session was refreshed for another account: sign in again.');
      }
      // Saved before anything else happens: the old refresh JWT no longer works.
      await this.opts.onRefreshed?.(fresh);
      return fresh;
    });
    this.current = next;
    this.transport.secrets.push(next.accessJwt, next.refreshJwt);
    return next;
  }
}
