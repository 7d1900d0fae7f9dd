/**
 * The connector registry: which networks this build can talk to, and the connector for each.
 *
 * The composition root (core/app.ts) builds it from the network folders; nothing here imports a
 * network, so the scheduler and the outbox depend on this table only.
 */
import type { Network } from '../../../shared/model';
import { ConnectorError, type AccountContext, type Connector } from './types';

/** Builds a network's connector. Called once, on first use: connectors hold no state. */
export type ConnectorFactory = () => Connector;

/**
 * A connector whose network lets an expired token be renewed without the user (OAuth refresh
 * token, Bluesky refreshSession). The scheduler calls it on an `auth` error before giving up and
 * marking the account "needs sign-in".
 */
export interface RefreshableConnector extends Connector {
  /**
   * Returns fresh credentials for the account (the caller stores them in the keychain).
   * Throws a ConnectorError `auth` when the grant is gone and only a new sign-in can help.
   */
  refreshCredentials(ctx: AccountContext): Promise<Record<string, string>>;
}

/** True when the connector can renew its credentials by itself. */
export function canRefreshCredentials(connector: Connector): connector is RefreshableConnector {
  return typeof (connector as Partial<RefreshableConnector>).refreshCredentials === 'function';
}

/** Maps each network to its connector. */
export class ConnectorRegistry {
  private readonly factories = new Map<Network, ConnectorFactory>();
  private readonly built = new Map<Network, Connector>();

  /**
   * Adds a network. Registering the same network twice is a wiring mistake and throws, so that one
   * connector cannot silently shadow another.
   */
  register(network: Network, factory: ConnectorFactory): this {
    if (this.factories.has(network)) throw new Error(`A connector for ${network} is already registered`);
    this.factories.set(network, factory);
    return this;
  }

  /** True when this build has a connector for the network. */
  has(network: Network): boolean {
    return this.factories.has(network);
  }

  /**
   * The connector for a network.
   * @throws ConnectorError `not-supported` when no connector is registered for it.
   */
  get(network: Network): Connector {
    const existing = this.built.get(network);
    if (existing) return existing;
    const factory = this.factories.get(network);
    if (!factory) throw new ConnectorError('not-supported', `Parvis cannot connect to ${network} yet`);
    const connector = factory();
    if (connector.network !== network) {
      throw new Error(`The connector registered for ${network} says it is for ${connector.network}`);
    }
    this.built.set(network, connector);
    return connector;
  }

  /** The networks with a connector, in registration order. */
  networks(): Network[] {
    return [...this.factories.keys()];
  }
}

/** A registry holding these (already built) connectors, each under its own `network`. */
export function createRegistry(connectors: readonly Connector[]): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  for (const connector of connectors) registry.register(connector.network, () => connector);
  return registry;
}
