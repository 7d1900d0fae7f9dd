/**
 * The core the bench measures: the app's composition root on a profile directory, with in-memory
 * secrets and settings (as the tests have it), so nothing touches the user's keychain or config.
 */
import { createCore, type Core } from '../../electron/core/app';
import type { NewMessagesHook } from '../../electron/core/db/ingest';
import { MemorySecretStore } from '../../electron/core/secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../../electron/core/settings/settings-store';

export interface BenchCoreOptions {
  dataDir: string;
  now?: () => number;
  /**
   * An extra hook ingest runs inside each page's transaction, after the core's own moderation
   * rules (`createCore({ onNewMessages })`): where another rule set or engine plugs in.
   */
  onNewMessages?: NewMessagesHook;
}

/** Opens (or creates) the core on `dataDir`. */
export function openBenchCore(opts: BenchCoreOptions): Core {
  return createCore({
    dataDir: opts.dataDir,
    secrets: new MemorySecretStore(),
    settings: createSettingsStore(memoryBackend()),
    shell: 'web',
    myName: 'Alex',
    now: opts.now,
    onNewMessages: opts.onNewMessages,
  });
}
