/**
 * Where secrets (tokens, app passwords) live: the OS keychain through keytar in the app,
 * memory in unit tests. Never SQLite, settings files, logs or the renderer.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Returns true when something was deleted. */
  delete(key: string): Promise<boolean>;
}

/** The keychain cannot be reached (no Secret Service, locked, denied). Nothing is stored in clear text instead. */
export class KeychainUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `The system keychain is not available (${detail}). Parvis keeps tokens only in the keychain, ` +
        'so accounts cannot be connected until it works. On Linux, install and unlock a Secret Service ' +
        '(GNOME Keyring or KWallet).',
    );
    this.name = 'KeychainUnavailableError';
  }
}

/** For unit tests only: secrets in memory. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    return this.values.delete(key);
  }
}

/** The keychain key of an account's credentials. */
export function accountSecretKey(accountId: number): string {
  return `account:${accountId}`;
}
