/**
 * Discourse forums: a User API Key approved in the browser (Discourse's flow for desktop apps), or,
 * for staff, an admin API key and the user it acts as. Optionally, categories and tags whose new
 * posts come to the inbox beside the user's notifications.
 */
import { signInField } from '../../../../shared/networks';
import { browserFlow, type NetworkDescriptor } from '../descriptor';
import { ConnectorError } from '../types';
import { signInWithApiKey, signInWithUserApiKey } from './auth';
import { DISCOURSE_CAPABILITIES, createDiscourseConnector, parseList } from './index';

export const discourse: NetworkDescriptor = {
  id: 'discourse',
  displayName: 'Discourse',
  icon: { glyph: 'D', color: '#2a6f97' },
  signIn: {
    method: 'oauth',
    fields: [
      signInField({ name: 'forum', kind: 'url', maxLength: 300, example: 'https://forum.example.com', autocomplete: 'url' }),
      signInField({ name: 'categories', kind: 'text', required: false, maxLength: 500, example: 'support, feedback' }),
      signInField({ name: 'tags', kind: 'text', required: false, maxLength: 500, example: 'lampe-dune' }),
      signInField({ name: 'username', kind: 'text', required: false, advanced: true, maxLength: 60, autocomplete: 'username' }),
      signInField({
        name: 'apiKey',
        kind: 'password',
        required: false,
        advanced: true,
        minLength: 32,
        maxLength: 200,
        autocomplete: 'off',
        helpUrl: 'https://meta.discourse.org/t/create-and-configure-an-api-key/230124',
      }),
    ],
    yields: 'one',
    async start(fields) {
      const follow = { categories: parseList(String(fields.categories ?? '')).join(','), tags: parseList(String(fields.tags ?? '')).join(',') };
      const withFollow = <T extends { credentials: Record<string, string> }>(r: T): T => ({ ...r, credentials: { ...r.credentials, ...follow } });
      if (fields.apiKey) {
        if (!fields.username) throw new ConnectorError('not-supported', 'An admin API key needs the user name it acts as (Api-Username)');
        return { kind: 'done', results: [withFollow(await signInWithApiKey(String(fields.forum), String(fields.username), String(fields.apiKey)))] };
      }
      return browserFlow(async (openBrowser, signal) =>
        withFollow(await signInWithUserApiKey({ forum: String(fields.forum), openBrowser, signal, timeoutMs: 10 * 60_000 })),
      );
    },
  },
  capabilities: DISCOURSE_CAPABILITIES,
  text: { maxReplyLength: DISCOURSE_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: [],
  // Discourse refuses the same text in the same topic within minutes (422): the outbox looks first.
  idempotentWrites: false,
  createConnector: () => createDiscourseConnector(),
};
