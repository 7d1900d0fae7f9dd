/**
 * How an account is connected, per network: OAuth in the system browser (Mastodon, YouTube) or a
 * handle and app password (Bluesky). Each network folder provides one SignInProvider; the core
 * stores the credentials in the keychain and the account in the store.
 */
import type { Network } from '../../../shared/model';
import type { NormalizedAuthor } from './types';

/** What a successful sign-in yields. Credentials go to the keychain only. */
export interface SignInResult {
  serverUrl: string;
  identity: NormalizedAuthor;
  credentials: Record<string, string>;
}

/** A browser sign-in in progress: open `authorizeUrl`, then await `complete()`. */
export interface OAuthFlow {
  authorizeUrl: string;
  complete(): Promise<SignInResult>;
  cancel(): void;
}

export interface SignInProvider {
  network: Network;
  signIn: 'oauth' | 'app-password';
  needsServer: boolean;
  defaultServer: string | null;
  /** OAuth networks: registers the app where needed and opens a loopback listener. */
  beginOAuth?(serverUrl: string | null): Promise<OAuthFlow>;
  /** Password networks. */
  signInWithPassword?(serverUrl: string | null, handle: string, password: string): Promise<SignInResult>;
}
