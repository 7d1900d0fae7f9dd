/**
 * Feeds (RSS, Atom, RDF, JSON Feed): nothing to sign in to, one field, the feed's address (or a
 * page that announces its feed). Read-only.
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor } from '../descriptor';
import { createFeedConnector, FEED_CAPABILITIES, followFeed } from './index';

export const feeds: NetworkDescriptor = {
  id: 'feeds',
  // Not a brand: the catalogues name it in each language; this is the name in logs.
  displayName: 'Feeds',
  icon: { glyph: 'RSS', color: '#b34700' },
  signIn: {
    method: 'none',
    fields: [signInField({ name: 'url', kind: 'url', maxLength: 300, example: 'https://blog.example.com/feed.xml', autocomplete: 'url' })],
    yields: 'one',
    async start(fields) {
      return { kind: 'done', results: [await followFeed(String(fields.url))] };
    },
  },
  capabilities: FEED_CAPABILITIES,
  text: { maxReplyLength: FEED_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: [],
  idempotentWrites: false,
  createConnector: () => createFeedConnector(),
};
