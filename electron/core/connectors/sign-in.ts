/**
 * What a sign-in yields. Each network's descriptor runs its own sign-in (OAuth in the system
 * browser, an app password, an API key, a server login…); the core stores the credentials in the
 * keychain and the accounts in the store.
 */
import type { NormalizedAuthor } from './types';

/** One account a sign-in gave. Credentials go to the keychain only. */
export interface SignInResult {
  /**
   * The network of this account, when one sign-in gives accounts of several networks (a Facebook
   * Login gives Pages and their linked Instagram accounts); the signing-in descriptor's by default.
   */
  network?: string;
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
