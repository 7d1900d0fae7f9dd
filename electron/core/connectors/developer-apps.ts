/**
 * The user's own registered applications, for networks that need one (Google, Meta, X, Reddit):
 * the client id and secret live in the keychain. An environment variable overrides them (for
 * developers), and a packaged build may embed defaults.
 */
import type { DeveloperAppInfo } from '../../../shared/networks';
import { CoreError } from '../rpc';
import type { SecretStore } from '../secrets/secret-store';
import type { DeveloperApp, NetworkDescriptor } from './descriptor';

/** The keychain key of a network's developer app. */
export function developerAppSecretKey(network: string): string {
  return `developer-app:${network}`;
}

export interface DeveloperApps {
  /** The app in use for a network: the environment's, else the user's, else the build's. */
  get(network: string): Promise<DeveloperApp | null>;
  /** What the connect dialog shows about it (never the secret). */
  info(network: string): Promise<DeveloperAppInfo | null>;
  set(network: string, app: DeveloperApp): Promise<DeveloperAppInfo>;
  clear(network: string): Promise<DeveloperAppInfo | null>;
}

export function createDeveloperApps(opts: {
  descriptors: readonly NetworkDescriptor[];
  secrets: SecretStore;
  environment?: NodeJS.ProcessEnv;
  /** Apps embedded in this build, by network id. */
  defaults?: Readonly<Record<string, DeveloperApp>>;
}): DeveloperApps {
  const env = opts.environment ?? {};
  const specOf = (network: string) => {
    const spec = opts.descriptors.find((d) => d.id === network)?.developerApp;
    if (!spec) throw new CoreError('invalid-input', `${network} does not use a developer app`);
    return spec;
  };

  const fromEnvironment = (network: string): DeveloperApp | null => {
    const names = specOf(network).environment;
    const clientId = env[names.clientId]?.trim();
    if (!clientId) return null;
    const clientSecret = names.clientSecret ? env[names.clientSecret]?.trim() : undefined;
    return { clientId, ...(clientSecret ? { clientSecret } : {}) };
  };
  /** The network whose keychain entry holds the app (itself, or the one it shares an app with). */
  const owner = (network: string) => specOf(network).sharedWith ?? network;
  const readKeychain = async (key: string): Promise<DeveloperApp | null> => {
    const raw = await opts.secrets.get(key);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<DeveloperApp>;
      return typeof parsed.clientId === 'string' ? { clientId: parsed.clientId, ...(parsed.clientSecret ? { clientSecret: parsed.clientSecret } : {}) } : null;
    } catch {
      return null;
    }
  };
  // An app entered under the sharing network itself (before it shared) still serves.
  const fromKeychain = async (network: string): Promise<DeveloperApp | null> =>
    (await readKeychain(developerAppSecretKey(owner(network)))) ?? (owner(network) !== network ? readKeychain(developerAppSecretKey(network)) : null);
  const resolve = async (network: string): Promise<{ app: DeveloperApp; source: NonNullable<DeveloperAppInfo['source']> } | null> => {
    const environment = fromEnvironment(network);
    if (environment) return { app: environment, source: 'environment' };
    const user = await fromKeychain(network);
    if (user) return { app: user, source: 'user' };
    const built = opts.defaults?.[network] ?? opts.defaults?.[owner(network)];
    return built ? { app: built, source: 'build' } : null;
  };
  const info = async (network: string): Promise<DeveloperAppInfo | null> => {
    const descriptor = opts.descriptors.find((d) => d.id === network);
    const spec = descriptor?.developerApp;
    if (!spec) return null;
    const current = await resolve(network);
    return {
      needsSecret: spec.needsSecret,
      consoleUrl: spec.consoleUrl,
      redirectUri: spec.redirectUri ?? null,
      source: current?.source ?? null,
      clientId: current?.app.clientId ?? null,
      ...(spec.sharedWith ? { sharedWith: spec.sharedWith } : {}),
    };
  };

  return {
    get: async (network) => {
      if (!opts.descriptors.find((d) => d.id === network)?.developerApp) return null;
      return (await resolve(network))?.app ?? null;
    },
    info,
    async set(network, app) {
      const spec = specOf(network);
      if (spec.needsSecret && !app.clientSecret) throw new CoreError('invalid-input', `${network} needs the app's client secret too`);
      await opts.secrets.set(developerAppSecretKey(owner(network)), JSON.stringify(app));
      if (owner(network) !== network) await opts.secrets.delete(developerAppSecretKey(network));
      return (await info(network))!;
    },
    async clear(network) {
      await opts.secrets.delete(developerAppSecretKey(owner(network)));
      if (owner(network) !== network) await opts.secrets.delete(developerAppSecretKey(network));
      return info(network);
    },
  };
}
