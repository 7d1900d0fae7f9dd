/**
 * The keychain, for real: runs against the Secret Service started by scripts/with-keyring.sh
 * (npm test does it). Each run uses its own service name so it never meets a user's entries.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from './keytar-store';

const service = `Parvis test ${randomUUID()}`;
const store = new KeytarSecretStore(service);

afterAll(async () => {
  await store.delete('account:1').catch(() => false);
});

describe('KeytarSecretStore (real Secret Service)', () => {
  it('stores, reads, replaces and deletes a secret', async () => {
    expect(await store.get('account:1')).toBeNull();
    await store.set('account:1', '{"accessToken":"tok-1"}');
    expect(await store.get('account:1')).toBe('{"accessToken":"tok-1"}');
    await store.set('account:1', '{"accessToken":"tok-2"}');
    expect(await store.get('account:1')).toBe('{"accessToken":"tok-2"}');
    expect(await store.delete('account:1')).toBe(true);
    expect(await store.get('account:1')).toBeNull();
    expect(await store.delete('account:1')).toBe(false);
  });

  it('keeps secrets of different services apart', async () => {
    const other = new KeytarSecretStore(`${service} other`);
    await store.set('account:1', 'mine');
    expect(await other.get('account:1')).toBeNull();
    await store.delete('account:1');
  });

  it('says plainly when the keychain is unavailable, and stores nothing', () => {
    // A child process without any D-Bus session: keytar cannot reach a Secret Service.
    const script = fileURLToPath(new URL('./keychain-probe.fixture.ts', import.meta.url));
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' };
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { env, encoding: 'utf8' });
    const result = JSON.parse(out) as { kind: string; message: string };
    expect(result.kind).toBe('KeychainUnavailableError');
    expect(result.message).toMatch(/keychain is not available/);
    expect(result.message).toMatch(/Secret Service/);
  });
});
