/**
 * The OS keychain through keytar (macOS Keychain, Windows Credential Vault, Secret Service on Linux).
 * keytar is loaded lazily so that a machine without libsecret still starts and says what is wrong.
 */
import { createRequire } from 'node:module';
import { KeychainUnavailableError, type SecretStore } from './secret-store';

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

export class KeytarSecretStore implements SecretStore {
  private keytar: Keytar | null = null;

  /** `service` separates profiles: the demo and tests use their own. */
  constructor(private readonly service = 'Parvis') {}

  private load(): Keytar {
    if (this.keytar) return this.keytar;
    try {
      const require = createRequire(import.meta.url);
      this.keytar = require('keytar') as Keytar;
      return this.keytar;
    } catch (err) {
      throw new KeychainUnavailableError((err as Error).message.split('\n')[0] ?? 'keytar failed to load');
    }
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof KeychainUnavailableError) throw err;
      throw new KeychainUnavailableError((err as Error).message.split('\n')[0] ?? 'unknown error');
    }
  }

  get(key: string) {
    return this.guard(() => this.load().getPassword(this.service, key));
  }
  set(key: string, value: string) {
    return this.guard(() => this.load().setPassword(this.service, key, value));
  }
  delete(key: string) {
    return this.guard(() => this.load().deletePassword(this.service, key));
  }
}
