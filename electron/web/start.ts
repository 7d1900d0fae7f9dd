/**
 * Starts web mode: the core on a profile directory plus the web server. Used by the CLI and by the
 * Playwright fixture, so the e2e tests run exactly what a user runs.
 */
import { createCore, type Core } from '../core/app';
import { createConfSettingsStore } from '../core/settings/conf-store';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import { MemorySecretStore, type SecretStore } from '../core/secrets/secret-store';
import { seedDemoWorkspace } from '../core/demo/workspace';
import { startWebServer } from './server';

export interface WebModeOptions {
  dataDir: string;
  staticDir: string;
  port?: number;
  token?: string;
  demo?: boolean;
  /** Keychain service name (tests use their own so they never touch the user's entries). */
  keychainService?: string;
  secrets?: SecretStore;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface WebMode {
  url: string;
  port: number;
  token: string;
  core: Core;
  close(): Promise<void>;
}

export async function startWebMode(opts: WebModeOptions): Promise<WebMode> {
  // The demo talks only to local simulated networks whose tokens protect nothing, and must run on
  // machines without a Secret Service: its tokens stay in memory and die with the process.
  const secrets = opts.secrets ?? (opts.demo ? new MemorySecretStore() : new KeytarSecretStore(opts.keychainService));
  const core = createCore({
    dataDir: opts.dataDir,
    secrets,
    settings: createConfSettingsStore(opts.dataDir),
    shell: 'web',
    demo: opts.demo ?? false,
    now: opts.now,
    log: opts.log,
  });
  try {
    if (opts.demo && core.accounts.list().length === 0) seedDemoWorkspace(core, { now: core.now() });
    const server = await startWebServer({ core, staticDir: opts.staticDir, port: opts.port, token: opts.token, log: opts.log });
    return {
      url: server.url,
      port: server.port,
      token: server.token,
      core,
      async close() {
        await server.close();
        await core.close();
      },
    };
  } catch (err) {
    await core.close();
    throw err;
  }
}
