/**
 * Test double of the keychain for the crash harness: the app process is killed and restarted many
 * times, so its secrets must outlive it, and a kill must never leave half a file. Kept in a JSON
 * file OUTSIDE the profile directory (the profile must never hold a secret), replaced atomically
 * (write a temporary file, then rename). The real app uses the OS keychain (KeytarSecretStore).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from '../../electron/core/secrets/secret-store';

export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }

  private write(values: Record<string, string>): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(values), { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  async get(key: string): Promise<string | null> {
    return this.read()[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  async delete(key: string): Promise<boolean> {
    const values = this.read();
    if (!(key in values)) return false;
    delete values[key];
    this.write(values);
    return true;
  }
}
