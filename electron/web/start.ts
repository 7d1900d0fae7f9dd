/**
 * Starts web mode: the core on a profile directory plus the web server. Used by the CLI, the live
 * demo and the Playwright fixtures, so the e2e tests run exactly what a user runs.
 */
import { createCore, type Core, type CoreNetworks, type CoreOptions } from '../core/app';
import type { ConnectorRegistry } from '../core/connectors/registry';
import { createConfSettingsStore } from '../core/settings/conf-store';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import { MemorySecretStore, type SecretStore } from '../core/secrets/secret-store';
import { startWebServer } from './server';

export interface WebModeOptions {
  dataDir: string;
  staticDir: string;
  port?: number;
  token?: string;
  /**
   * A demo run. `true`: the profile is filled at once with the seeded demo workspace and nothing is
   * polled (fast and offline: the Playwright fixture uses it). `'live'`: the live demo, whose
   * accounts the caller connects to local simulated networks through `networks`
   * (see ./demo.ts). Either way the UI says it is a demo and secrets stay in memory.
   */
  demo?: boolean | 'live';
  /** The name of the person using the app, on a new profile; absent, they name themselves at first start (the demo's is Alex Martin). */
  myName?: string;
  /** Fills an empty demo profile (`demo: true`): the seeded demo workspace, from e2e/demo. */
  seed?: (core: Core) => void;
  /** Keychain service name (tests use their own so they never touch the user's entries). */
  keychainService?: string;
  secrets?: SecretStore;
  /** The networks this run talks to; with them the core polls accounts and delivers the outbox. */
  networks?: CoreNetworks;
  /** Connectors instead of the descriptors' (tests). */
  registry?: ConnectorRegistry;
  /** Scheduler tuning (tests, and the live demo's local servers that can be paged faster). */
  syncOptions?: CoreOptions['syncOptions'];
  /** Outbox tuning (tests). */
  outboxOptions?: CoreOptions['outboxOptions'];
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
  const demo = opts.demo !== undefined && opts.demo !== false;
  // The demo talks only to local simulated networks whose tokens protect nothing, and must run on
  // machines without a Secret Service: its tokens stay in memory and die with the process.
  const secrets = opts.secrets ?? (demo ? new MemorySecretStore() : new KeytarSecretStore(opts.keychainService));
  const core = createCore({
    dataDir: opts.dataDir,
    secrets,
    settings: createConfSettingsStore(opts.dataDir),
    shell: 'web',
    demo,
    // The demo's manager has a name, rather than whoever runs it.
    myName: opts.myName ?? (demo ? 'Alex Martin' : undefined),
    now: opts.now,
    log: opts.log,
    networks: opts.networks,
    registry: opts.registry,
    syncOptions: opts.syncOptions,
    outboxOptions: opts.outboxOptions,
    mediaScreening: true,
  });
  try {
    if (opts.demo === true && opts.seed && core.accounts.list().length === 0) opts.seed(core);
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
