/**
 * The networks this build talks to: one descriptor per network folder. Adding a network is its
 * folder and one line here; nothing else in the app names it.
 */
import { bluesky } from './bluesky/descriptor';
import { discourse } from './discourse/descriptor';
import type { DeveloperApp, NetworkDescriptor, NetworkEnvironment } from './descriptor';
import { facebook } from './facebook/descriptor';
import { feeds } from './feeds/descriptor';
import { instagram } from './instagram/descriptor';
import { mailbox } from './mailbox/descriptor';
import { mastodon } from './mastodon/descriptor';
import { reddit } from './reddit/descriptor';
import { ConnectorRegistry } from './registry';
import { telegram } from './telegram/descriptor';
import { wordpress } from './wordpress/descriptor';
import { x } from './x/descriptor';
import { youtube } from './youtube/descriptor';

/** Every network of this build, in the order the connect dialog offers them. */
export const NETWORK_DESCRIPTORS: readonly NetworkDescriptor[] = [mastodon, bluesky, youtube, facebook, instagram, x, reddit, telegram, discourse, wordpress, mailbox, feeds];

/** How the core reaches each network: endpoint overrides and developer apps, by network id. */
export interface NetworkSetup {
  /**
   * Endpoints to use instead of the real services, by network id then by the descriptor's key
   * (tests and the demo point networks at local servers).
   */
  endpoints?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The developer app in use for a network (the core resolves the user's, the environment's, the build's). */
  developerApp?: (network: string) => Promise<DeveloperApp | null>;
}

/** The environment one network's descriptor sees. */
export function networkEnvironment(setup: NetworkSetup, network: string): NetworkEnvironment {
  return {
    endpoints: setup.endpoints?.[network] ?? {},
    developerApp: () => setup.developerApp?.(network) ?? Promise.resolve(null),
  };
}

/** The descriptor of a network, or undefined when this build has none. */
export function descriptorOf(network: string, descriptors: readonly NetworkDescriptor[] = NETWORK_DESCRIPTORS): NetworkDescriptor | undefined {
  return descriptors.find((d) => d.id === network);
}

/** The connectors of these networks, built on first use. */
export function createNetworkRegistry(setup: NetworkSetup = {}, descriptors: readonly NetworkDescriptor[] = NETWORK_DESCRIPTORS): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  for (const descriptor of descriptors) {
    registry.register(descriptor.id, () => descriptor.createConnector(networkEnvironment(setup, descriptor.id)));
  }
  return registry;
}
