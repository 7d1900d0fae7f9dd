/**
 * Bluesky (AT Protocol): a handle and an app password, on bsky.social or the user's own PDS.
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor } from '../descriptor';
import { BLUESKY_CAPABILITIES, createBlueskyConnector, signInToBluesky } from './index';

export const DEFAULT_BLUESKY_SERVICE = 'https://bsky.social';

export const bluesky: NetworkDescriptor = {
  id: 'bluesky',
  displayName: 'Bluesky',
  icon: { glyph: 'B', color: '#0a63d8' },
  signIn: {
    method: 'app-password',
    fields: [
      signInField({ name: 'handle', kind: 'text', minLength: 3, maxLength: 253, example: 'brand.bsky.social', autocomplete: 'username' }),
      signInField({ name: 'password', kind: 'password', minLength: 4, maxLength: 200, example: 'xxxx-xxxx-xxxx-xxxx', helpUrl: 'https://bsky.app/settings/app-passwords' }),
      signInField({ name: 'server', kind: 'url', required: false, advanced: true, example: DEFAULT_BLUESKY_SERVICE }),
    ],
    yields: 'one',
    async start(fields, env) {
      const service = (fields.server as string | undefined) ?? env.endpoints.service ?? DEFAULT_BLUESKY_SERVICE;
      const handle = String(fields.handle).replace(/^@/, '');
      const result = await signInToBluesky(service, handle, String(fields.password));
      return { kind: 'done', results: [{ serverUrl: service, identity: result.author, credentials: result.credentials }] };
    },
  },
  capabilities: BLUESKY_CAPABILITIES,
  // Bluesky counts graphemes: an emoji or an accented letter is one.
  text: { maxReplyLength: BLUESKY_CAPABILITIES.maxReplyLength, counting: 'graphemes', linkLength: null },
  publish: ['text', 'image', 'link'],
  // The lexicon app.bsky.embed.images: at most 4 images, each a blob of at most 2,000,000 bytes
  // ("formerly limited to 1 MB"), any image type; alt text required but unbounded.
  images: { maxImages: 4, maxBytes: 2_000_000, types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], aspectRatio: null, maxAltLength: null },
  idempotentWrites: false,
  createConnector: () => createBlueskyConnector(),
};
