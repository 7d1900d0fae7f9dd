/**
 * What every OAuth 2 network with refresh tokens (X, Reddit, YouTube) does alike once signed in:
 * the token fields kept in the keychain, when an access token counts as expired, renewing it with
 * the refresh token (a refused refresh is ConnectorError `auth`: the account "needs sign-in"), one
 * refresh at a time per refresh token, and handing the renewed tokens to the keychain.
 *
 * Each network keeps its own specifics in its folder: its token endpoint's client (Reddit's Basic
 * auth with an empty secret and User-Agent), its own credential fields (X's read cap, Reddit's
 * subreddits), and which answers of its token endpoint mean "refused".
 */
import { refreshAccessToken, type RefreshAccessTokenOptions, type TokenSet } from './oauth';
import { ConnectorError } from './types';

/** The token fields of a network's credentials. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
  scope?: string;
}

/** The token fields as keychain strings (absent fields are left out). */
export function tokensToRecord(tokens: OAuthTokens): Record<string, string> {
  const out: Record<string, string> = { accessToken: tokens.accessToken };
  if (tokens.refreshToken) out.refreshToken = tokens.refreshToken;
  if (tokens.expiresAt !== undefined) out.expiresAt = String(tokens.expiresAt);
  if (tokens.scope) out.scope = tokens.scope;
  return out;
}

/**
 * The token fields read back from the keychain; a malformed `expiresAt` is ignored.
 * @throws ConnectorError `auth` when no access token is stored.
 */
export function tokensFromRecord(record: Record<string, string>, networkName: string): OAuthTokens {
  if (!record.accessToken) throw new ConnectorError('auth', `No ${networkName} access token is stored for this account: sign in again.`);
  const expiresAt = record.expiresAt && /^\d+$/.test(record.expiresAt) ? Number(record.expiresAt) : undefined;
  return {
    accessToken: record.accessToken,
    ...(record.refreshToken ? { refreshToken: record.refreshToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(record.scope ? { scope: record.scope } : {}),
  };
}

/** True when the access token is expired or about to be (within `skewMs`): renew it before use. */
export function accessTokenExpired(tokens: Pick<OAuthTokens, 'expiresAt'>, now: number, skewMs = 60_000): boolean {
  return tokens.expiresAt !== undefined && now >= tokens.expiresAt - skewMs;
}

/**
 * The token endpoint's answer as token fields. A refresh answer without a refresh token or scope
 * keeps the previous ones (Reddit and Google do not send them again; X sends a new refresh token).
 */
export function tokensFrom(tokens: TokenSet, previous?: OAuthTokens): OAuthTokens {
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  const scope = tokens.scope ?? previous?.scope;
  return {
    accessToken: tokens.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
    ...(scope ? { scope } : {}),
  };
}

/** A network's credentials with their token fields replaced by `tokens` (its own fields kept). */
export function withTokens<C extends OAuthTokens>(credentials: C, tokens: OAuthTokens): C {
  const { accessToken: _a, refreshToken: _r, expiresAt: _e, scope: _s, ...own } = credentials;
  return { ...own, ...tokens } as C;
}

/** `refreshAccessToken` at a network's token endpoint, for `RefreshOptions.request`. */
export function atTokenEndpoint(endpoint: Omit<RefreshAccessTokenOptions, 'refreshToken'>): (refreshToken: string) => Promise<TokenSet> {
  return (refreshToken) => refreshAccessToken({ ...endpoint, refreshToken });
}

export interface RefreshOptions<C extends OAuthTokens> {
  /** The network's name in messages (X, Reddit, YouTube). */
  networkName: string;
  credentials: C;
  /** Asks the network's token endpoint for new tokens (`atTokenEndpoint` with its client). */
  request: (refreshToken: string) => Promise<TokenSet>;
  /**
   * Which of the token endpoint's errors mean the refresh token is refused (then: `auth`, sign in
   * again). Default: ConnectorError `auth` (`invalid_grant`). Other errors pass through unchanged.
   */
  refused?: (err: ConnectorError) => boolean;
}

/**
 * Renews the access token with the refresh token; the network's own credential fields are kept.
 * @throws ConnectorError `auth` when there is no refresh token, or the network refuses it.
 */
export async function refreshTokens<C extends OAuthTokens>(options: RefreshOptions<C>): Promise<C> {
  const { networkName, credentials } = options;
  if (!credentials.refreshToken) throw new ConnectorError('auth', `The ${networkName} access token expired and there is no refresh token: sign in again.`);
  const refused = options.refused ?? ((err: ConnectorError) => err.kind === 'auth');
  try {
    return withTokens(credentials, tokensFrom(await options.request(credentials.refreshToken), credentials));
  } catch (err) {
    if (err instanceof ConnectorError && refused(err)) {
      throw new ConnectorError('auth', `${networkName} refused to renew the sign-in: sign in again (${err.message})`, null, err.status);
    }
    throw err;
  }
}

/** How long a done refresh is still handed to late callers (who hold the refresh token it used). */
export const SHARED_REFRESH_MS = 60_000;

/**
 * One refresh at a time per refresh token: the poll and the outbox renewing at once share one
 * request (a network that rotates refresh tokens, like X, refuses the second). A failure is
 * forgotten at once (the next try may succeed). A success is handed to callers that still hold the
 * old refresh token for `keepDoneMs` (default `SHARED_REFRESH_MS`, for networks that rotate refresh
 * tokens); 0 for networks that keep the refresh token, where a later refresh must really renew.
 */
export function singleFlightRefresh<C extends OAuthTokens>(refresh: (credentials: C) => Promise<C>, options: { keepDoneMs?: number } = {}): (credentials: C) => Promise<C> {
  const keepDoneMs = options.keepDoneMs ?? SHARED_REFRESH_MS;
  const refreshes = new Map<string, Promise<C>>();
  return (credentials) => {
    const key = credentials.refreshToken ?? '';
    let pending = refreshes.get(key);
    if (!pending) {
      const started = refresh(credentials);
      pending = started;
      refreshes.set(key, started);
      const forget = () => {
        if (refreshes.get(key) === started) refreshes.delete(key);
      };
      started.then(
        () => (keepDoneMs > 0 ? setTimeout(forget, keepDoneMs).unref?.() : forget()),
        forget,
      );
    }
    return pending;
  };
}

/**
 * The credentials to use now: renewed first when the access token has expired, and then handed
 * to `save` (the account's `onCredentialsRefreshed`: the keychain) before they are used.
 */
export async function freshCredentials<C extends OAuthTokens>(
  credentials: C,
  options: { now: number; refresh: (credentials: C) => Promise<C>; save?: (credentials: C) => Promise<void> },
): Promise<C> {
  if (!accessTokenExpired(credentials, options.now)) return credentials;
  const renewed = await options.refresh(credentials);
  await options.save?.(renewed);
  return renewed;
}
