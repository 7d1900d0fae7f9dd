/**
 * Facebook Pages: Facebook Login in the browser with the user's own Meta app; one sign-in lists
 * every Page the user manages and the Instagram professional accounts linked to them, and the user
 * picks which to add (Instagram accounts are filed under the Instagram network).
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor, NetworkEnvironment } from '../descriptor';
import { browserFlow } from '../descriptor';
import { ConnectorError } from '../types';
import { signInWithFacebook } from './auth';
import { GRAPH_API_BASE_URL, GRAPH_API_VERSION } from './graph';
import { FACEBOOK_CAPABILITIES, createFacebookConnector } from './index';

/** The Meta app's settings shared by the Facebook and Instagram descriptors. */
export const META_DEVELOPER_APP = {
  needsSecret: true,
  consoleUrl: 'https://developers.facebook.com/apps/',
  environment: { clientId: 'PARVIS_META_APP_ID', clientSecret: 'PARVIS_META_APP_SECRET' },
} as const;

/**
 * The Graph API version of an account, pinned by default; the user may move an account to a newer
 * one (Meta keeps each version about two years) without waiting for a Parvis release.
 */
export const META_ACCOUNT_SETTINGS = [
  signInField({
    name: 'graphApiVersion',
    kind: 'text',
    required: false,
    maxLength: 8,
    defaultValue: GRAPH_API_VERSION,
    example: GRAPH_API_VERSION,
    pattern: 'v\\d{1,3}\\.\\d{1,2}',
    helpUrl: 'https://developers.facebook.com/docs/graph-api/changelog/versions',
  }),
] as const;

/** Where the Graph API and the login dialog are (tests point them at a local server), and the pinned version. */
export function metaEndpoints(env: NetworkEnvironment): { api: string; authorize: string; version: string } {
  const version = env.endpoints.version ?? GRAPH_API_VERSION;
  return {
    api: env.endpoints.api ?? GRAPH_API_BASE_URL,
    authorize: env.endpoints.authorize ?? `https://www.facebook.com/${version}/dialog/oauth`,
    version,
  };
}

/** The sign-in both descriptors run: every Page and linked Instagram account of the Facebook user. */
export async function startMetaSignIn(env: NetworkEnvironment, appName: string) {
  const app = await env.developerApp();
  if (!app) throw new ConnectorError('not-supported', `${appName} needs your own Meta app (its app ID and secret): add it in Parvis first`);
  const { api, authorize, version } = metaEndpoints(env);
  return browserFlow((openBrowser, signal) =>
    signInWithFacebook({
      app,
      apiBaseUrl: api,
      version,
      authorizeUrl: authorize,
      openBrowser,
      signal,
      timeoutMs: 10 * 60_000,
      networks: { page: 'facebook', instagram: 'instagram' },
    }),
  );
}

export const facebook: NetworkDescriptor = {
  id: 'facebook',
  displayName: 'Facebook',
  icon: { glyph: 'f', color: '#0b5fcc' },
  signIn: {
    method: 'oauth',
    fields: [],
    yields: 'several',
    browserHost: 'www.facebook.com',
    start: (_fields, env) => startMetaSignIn(env, 'Facebook'),
  },
  developerApp: META_DEVELOPER_APP,
  accountSettings: META_ACCOUNT_SETTINGS,
  capabilities: FACEBOOK_CAPABILITIES,
  text: { maxReplyLength: FACEBOOK_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: ['text', 'image', 'video', 'link'],
  // The Graph API takes no idempotency key.
  idempotentWrites: false,
  // Meta's Pages and Instagram terms: no "tag your friends to enter" (nor "share to enter").
  contestRules: { tagToEnter: 'forbidden' },
  createConnector: (env) => {
    const { api, version } = metaEndpoints(env);
    return createFacebookConnector({ defaultBaseUrl: api, version });
  },
};
