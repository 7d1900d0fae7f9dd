/**
 * Mastodon (and the servers that speak its API): OAuth in the browser against the server the user
 * names, Parvis registering itself there first; Idempotency-Key on every write.
 */
import { signInField } from '../../../../shared/networks';
import { browserFlow, type NetworkDescriptor } from '../descriptor';
import { createMastodonConnector, MASTODON_CAPABILITIES } from './index';
import { signInToMastodon } from './auth';

export const mastodon: NetworkDescriptor = {
  id: 'mastodon',
  displayName: 'Mastodon',
  icon: { glyph: 'M', color: '#5b4be1' },
  signIn: {
    method: 'oauth',
    // A domain, an address or a handle (@name@server): normalizeServerUrl reads all three.
    fields: [signInField({ name: 'server', kind: 'text', maxLength: 300, example: 'mastodon.social', autocomplete: 'url' })],
    yields: 'one',
    start: (fields) =>
      browserFlow(async (openBrowser, signal) => {
        const result = await signInToMastodon({ server: String(fields.server), openBrowser, signal, timeoutMs: 10 * 60_000 });
        return { serverUrl: result.serverUrl, identity: result.account, credentials: result.credentials };
      }),
  },
  capabilities: MASTODON_CAPABILITIES,
  // Mastodon counts code points, and every link as 23 characters.
  text: { maxReplyLength: MASTODON_CAPABILITIES.maxReplyLength, counting: 'code-points-fixed-links', linkLength: 23 },
  publish: ['text', 'image', 'video', 'link'],
  // Mastodon's defaults (GET /api/v2/instance: configuration.media_attachments and statuses):
  // 4 attachments, images up to 16 MiB, descriptions up to 1,500 characters, any proportions.
  images: { maxImages: 4, maxBytes: 16 * 1024 * 1024, types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], aspectRatio: null, maxAltLength: 1500 },
  idempotentWrites: true,
  createConnector: () => createMastodonConnector(),
};
