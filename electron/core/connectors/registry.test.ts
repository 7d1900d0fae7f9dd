import { describe, expect, it } from 'vitest';
import type { Network } from '../../../shared/model';
import { canRefreshCredentials, ConnectorRegistry, createRegistry } from './registry';
import { ConnectorError, notSupported, type Connector } from './types';

function fakeConnector(network: Network, extra: Partial<Record<'refreshCredentials', unknown>> = {}): Connector {
  return {
    network,
    capabilities: { maxReplyLength: 500, directMessages: false, reply: true, moderation: [] },
    verify: async () => {
      throw notSupported(network, 'verify');
    },
    poll: async () => ({ items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] }),
    reply: async () => {
      throw notSupported(network, 'reply');
    },
    moderate: async () => {
      throw notSupported(network, 'moderate');
    },
    ...extra,
  } as Connector;
}

describe('ConnectorRegistry', () => {
  it('returns the connector registered for a network and lists the networks in order', () => {
    const mastodon = fakeConnector('mastodon');
    const bluesky = fakeConnector('bluesky');
    const registry = createRegistry([mastodon, bluesky]);
    expect(registry.get('mastodon')).toBe(mastodon);
    expect(registry.get('bluesky')).toBe(bluesky);
    expect(registry.networks()).toEqual(['mastodon', 'bluesky']);
    expect(registry.has('youtube')).toBe(false);
  });

  it('throws a typed not-supported error for a network without a connector', () => {
    const registry = createRegistry([fakeConnector('mastodon')]);
    let caught: unknown;
    try {
      registry.get('reddit');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    expect(caught).toMatchObject({ kind: 'not-supported' });
    expect((caught as Error).message).toContain('reddit');
  });

  it('builds a connector once, on first use', () => {
    let built = 0;
    const registry = new ConnectorRegistry().register('youtube', () => {
      built++;
      return fakeConnector('youtube');
    });
    expect(built).toBe(0);
    const first = registry.get('youtube');
    expect(registry.get('youtube')).toBe(first);
    expect(built).toBe(1);
  });

  it('refuses to register a network twice, or a connector under another network', () => {
    const registry = createRegistry([fakeConnector('mastodon')]);
    expect(() => registry.register('mastodon', () => fakeConnector('mastodon'))).toThrow(/already registered/);
    registry.register('x', () => fakeConnector('bluesky'));
    expect(() => registry.get('x')).toThrow(/says it is for bluesky/);
  });

  it('tells connectors that can refresh their credentials from those that cannot', () => {
    expect(canRefreshCredentials(fakeConnector('mastodon'))).toBe(false);
    expect(canRefreshCredentials(fakeConnector('youtube', { refreshCredentials: async () => ({}) }))).toBe(true);
  });
});
