/**
 * Facebook Login for a desktop app, with the user's own Meta app: the login dialog in the system
 * browser (authorization code with PKCE S256, loopback redirect), the code exchanged for a user
 * token, that token exchanged for a long-lived one (60 days, needs the app secret), then
 * `/me/accounts`: every Page the user manages with its Page token (a Page token obtained from a
 * long-lived user token does not expire) and the Instagram professional account linked to it.
 * One sign-in gives all of them; the user picks which to add.
 *
 * Credentials kept in the keychain per account: `{ accessToken, pageId }` (the Page token, which
 * also serves the Page's Instagram account and its Direct messages).
 */
import { startLoopbackAuthorization } from '../oauth';
import type { SignInResult } from '../sign-in';
import { ConnectorError } from '../types';
import { GraphClient, type GraphPage } from './graph';

/** What Parvis asks for: read and answer the Pages' comments and messages, and the Instagram accounts'. */
export const META_SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'pages_read_user_content',
  'pages_manage_engagement',
  'pages_messaging',
  'instagram_basic',
  'instagram_manage_comments',
  'instagram_manage_messages',
  'business_management',
] as const;

/** Without these nothing works; the others only remove a part (Instagram, messages). */
const ESSENTIAL = ['pages_show_list', 'pages_read_engagement'];

export interface MetaAppCredentials {
  clientId: string;
  clientSecret?: string;
}

export interface FacebookSignInOptions {
  app: MetaAppCredentials;
  /** Graph API origin (https://graph.facebook.com). */
  apiBaseUrl: string;
  version: string;
  /** The login dialog (https://www.facebook.com/{version}/dialog/oauth). */
  authorizeUrl: string;
  openBrowser: (url: string) => void | Promise<void>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The network ids the results are filed under (a Page, its Instagram account). */
  networks: { page: string; instagram: string };
}

interface WireAccount {
  id?: unknown;
  name?: unknown;
  access_token?: unknown;
  tasks?: unknown;
  instagram_business_account?: { id?: unknown; username?: unknown; name?: unknown; profile_picture_url?: unknown } | null;
}

/** Runs the whole sign-in and returns every Page and Instagram account it gives. */
export async function signInWithFacebook(options: FacebookSignInOptions): Promise<SignInResult[]> {
  const { app } = options;
  if (!app.clientSecret) throw new ConnectorError('not-supported', 'Facebook needs your Meta app’s secret too (App settings → Basic): Meta turns a sign-in into a lasting one only with it.');
  const authorization = await startLoopbackAuthorization({
    authorizeUrl: options.authorizeUrl,
    clientId: app.clientId,
    scope: META_SCOPES.join(','),
    // rerequest: permissions declined earlier are asked again.
    extraParams: { auth_type: 'rerequest' },
    openBrowser: options.openBrowser,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const anonymous = new GraphClient({ baseUrl: options.apiBaseUrl, version: options.version, token: '', secrets: [app.clientSecret, authorization.code, authorization.codeVerifier], retries: 0 });
  const short = await anonymous.get<{ access_token?: unknown }>('oauth/access_token', {
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: authorization.redirectUri,
    code: authorization.code,
    code_verifier: authorization.codeVerifier,
  });
  if (typeof short.access_token !== 'string') throw new ConnectorError('bad-response', 'Facebook gave no access token for this sign-in');
  const exchange = new GraphClient({ baseUrl: options.apiBaseUrl, version: options.version, token: '', secrets: [app.clientSecret, short.access_token], retries: 0 });
  const long = await exchange.get<{ access_token?: unknown }>('oauth/access_token', {
    grant_type: 'fb_exchange_token',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    fb_exchange_token: short.access_token,
  });
  if (typeof long.access_token !== 'string') throw new ConnectorError('bad-response', 'Facebook did not make the sign-in a lasting one');
  const userToken = long.access_token;
  const graph = new GraphClient({ baseUrl: options.apiBaseUrl, version: options.version, token: userToken });

  const permissions = await graph.get<GraphPage<{ permission?: unknown; status?: unknown }>>('me/permissions');
  const grantedSet = new Set(permissions.data.filter((p) => p.status === 'granted').map((p) => String(p.permission)));
  const missing = ESSENTIAL.filter((p) => !grantedSet.has(p));
  if (missing.length > 0) {
    throw new ConnectorError('auth', `Facebook did not give Parvis the permission “${missing[0]}”: sign in again and allow it (without it Parvis cannot see your Pages).`);
  }

  const results: SignInResult[] = [];
  let after: string | undefined;
  for (let pageNo = 0; pageNo < 20; pageNo++) {
    const page = await graph.get<GraphPage<WireAccount>>('me/accounts', {
      fields: 'id,name,access_token,tasks,instagram_business_account{id,username,name,profile_picture_url}',
      limit: '100',
      ...(after ? { after } : {}),
    });
    for (const account of page.data) {
      if (typeof account.id !== 'string' || typeof account.access_token !== 'string') continue;
      const name = typeof account.name === 'string' ? account.name : account.id;
      const credentials = { accessToken: account.access_token, pageId: account.id, grantedScopes: [...grantedSet].join(',') };
      results.push({
        network: options.networks.page,
        serverUrl: options.apiBaseUrl,
        identity: { remoteId: account.id, handle: name, name, profileUrl: `https://www.facebook.com/${account.id}` },
        credentials,
      });
      const ig = account.instagram_business_account;
      if (ig && typeof ig.id === 'string' && grantedSet.has('instagram_basic')) {
        const username = typeof ig.username === 'string' ? ig.username : ig.id;
        results.push({
          network: options.networks.instagram,
          serverUrl: options.apiBaseUrl,
          identity: {
            remoteId: ig.id,
            handle: `@${username}`,
            name: typeof ig.name === 'string' && ig.name ? ig.name : username,
            avatarUrl: typeof ig.profile_picture_url === 'string' ? ig.profile_picture_url : null,
            profileUrl: `https://www.instagram.com/${encodeURIComponent(username)}/`,
          },
          credentials,
        });
      }
    }
    after = page.paging?.next ? page.paging.cursors?.after : undefined;
    if (!after) break;
  }
  return results;
}
