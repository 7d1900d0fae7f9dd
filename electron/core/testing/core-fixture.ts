/** Test fixture: a real core on a temporary profile with in-memory secrets and settings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../app';
import { MemorySecretStore } from '../secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../settings/settings-store';
import type { NormalizedItem } from '../connectors/types';

export function makeCore(overrides: Partial<CoreOptions> = {}): Core & { dataDir: string; dispose(): Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'parvis-test-'));
  const core = createCore({
    dataDir,
    secrets: new MemorySecretStore(),
    settings: createSettingsStore(memoryBackend()),
    shell: 'web',
    myName: 'Alex',
    ...overrides,
  });
  return Object.assign(core, {
    dataDir,
    async dispose() {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

let counter = 0;
/** A normalized incoming message with sensible defaults. */
export function item(over: Partial<NormalizedItem> & { remoteId?: string } = {}): NormalizedItem {
  counter += 1;
  return {
    remoteId: over.remoteId ?? `m${counter}`,
    threadRemoteId: over.threadRemoteId ?? `t${counter}`,
    kind: 'comment',
    direction: 'in',
    author: { remoteId: 'a1', handle: '@camille', name: 'Camille Rousseau' },
    text: 'Bonjour, ma commande est arrivée cassée',
    createdAt: 1_700_000_000_000 + counter * 1000,
    ...over,
  };
}

export function addAccount(core: Core, network: 'mastodon' | 'bluesky' | 'youtube' = 'mastodon') {
  return core.accounts.upsert({ network, serverUrl: `https://${network}.example`, remoteId: `me-${network}`, handle: `@brand@${network}`, displayName: 'Brand' });
}
