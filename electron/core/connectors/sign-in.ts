/**
 * What a sign-in yields. Each network's descriptor runs its own sign-in (OAuth in the system
 * browser, an app password, an API key, a server login…); the core stores the credentials in the
 * keychain and the accounts in the store.
 */
import type { NormalizedAuthor } from './types';

/** One account a sign-in gave. Credentials go to the keychain only. */
export interface SignInResult {
  serverUrl: string;
  identity: NormalizedAuthor;
  credentials: Record<string, string>;
}

/** A browser sign-in in progress: open `authorizeUrl`, then await `complete()`. */
export interface OAuthFlow {
  authorizeUrl: string;
  /** The accounts the sign-in gave (one for most networks; several Pages for a Meta sign-in). */
  complete(): Promise<SignInResult[]>;
  cancel(): void;
}
