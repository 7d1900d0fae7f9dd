/**
 * Instagram professional accounts (business or creator) linked to a Facebook Page: signed in with
 * Facebook Login and the user's Meta app, like the Pages (one sign-in lists both, the user picks).
 */
import type { NetworkDescriptor } from '../descriptor';
import { META_ACCOUNT_SETTINGS, META_DEVELOPER_APP, metaEndpoints, startMetaSignIn } from '../facebook/descriptor';
import { createInstagramConnector, INSTAGRAM_CAPABILITIES } from './index';

export const instagram: NetworkDescriptor = {
  id: 'instagram',
  displayName: 'Instagram',
  icon: { glyph: 'IG', color: '#a8276b' },
  signIn: {
    method: 'oauth',
    fields: [],
    yields: 'several',
    browserHost: 'www.facebook.com',
    start: (_fields, env) => startMetaSignIn(env, 'Instagram'),
  },
  // One Meta app serves Facebook and Instagram: entered once, under Facebook's entry.
  developerApp: { ...META_DEVELOPER_APP, sharedWith: 'facebook' },
  accountSettings: META_ACCOUNT_SETTINGS,
  capabilities: INSTAGRAM_CAPABILITIES,
  text: { maxReplyLength: INSTAGRAM_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: ['image', 'video'],
  idempotentWrites: false,
  // Meta's Pages and Instagram terms: no "tag your friends to enter" (nor "share to enter").
  contestRules: { tagToEnter: 'forbidden' },
  createConnector: (env) => {
    const { api, version } = metaEndpoints(env);
    return createInstagramConnector({ defaultBaseUrl: api, version });
  },
};
