/**
 * The networks this build talks to: their connectors (for the scheduler and the outbox) and how
 * their accounts sign in. The composition root passes both to the core.
 */
import type { Network } from '../../../shared/model';
import { createBlueskyConnector, signInToBluesky } from './bluesky';
import { createMastodonConnector, signInToMastodon } from './mastodon';
import { ConnectorRegistry } from './registry';
import type { OAuthFlow, SignInProvider, SignInResult } from './sign-in';
import { ConnectorError } from './types';
import { createYouTubeConnector, signInToYouTube } from './youtube';
import type { GoogleOAuthClient } from './youtube/auth';

export interface NetworkEndpoints {
  /** Bluesky PDS used when the user gives none. */
  blueskyService?: string;
  /** YouTube Data API root (tests and the demo point it at a local server). */
  youtubeApiBaseUrl?: string;
  /** Parvis's Google OAuth client ("Desktop app"), from the build or the environment. */
  googleOAuth?: GoogleOAuthClient;
}

export const DEFAULT_BLUESKY_SERVICE = 'https://bsky.social';
export const DEFAULT_YOUTUBE_API = 'https://www.googleapis.com';

/** Google's OAuth client: set at build time or in the environment (PARVIS_GOOGLE_CLIENT_ID/SECRET). */
export function googleOAuthFromEnv(env: NodeJS.ProcessEnv = process.env): GoogleOAuthClient | undefined {
  return env.PARVIS_GOOGLE_CLIENT_ID
    ? { clientId: env.PARVIS_GOOGLE_CLIENT_ID, clientSecret: env.PARVIS_GOOGLE_CLIENT_SECRET }
    : undefined;
}

export function createNetworkRegistry(endpoints: NetworkEndpoints = {}): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  registry.register('mastodon', () => createMastodonConnector());
  registry.register('bluesky', () => createBlueskyConnector());
  registry.register('youtube', () =>
    createYouTubeConnector({
      oauth: endpoints.googleOAuth ?? { clientId: '' },
      defaultApiBaseUrl: endpoints.youtubeApiBaseUrl ?? DEFAULT_YOUTUBE_API,
    }),
  );
  return registry;
}

/** Turns a sign-in that takes an `openBrowser` callback into a flow: the URL first, the result later. */
function browserFlow(run: (openBrowser: (url: string) => void, signal: AbortSignal) => Promise<SignInResult>): Promise<OAuthFlow> {
  const controller = new AbortController();
  return new Promise<OAuthFlow>((resolve, reject) => {
    let opened = false;
    const result = run((url) => {
      opened = true;
      resolve({ authorizeUrl: url, complete: () => result, cancel: () => controller.abort() });
    }, controller.signal);
    // A failure before the browser step (unknown instance, app registration refused) is the answer.
    result.catch((err: unknown) => {
      if (!opened) reject(err);
    });
  });
}

export function createSignInProviders(endpoints: NetworkEndpoints = {}): SignInProvider[] {
  const providers: SignInProvider[] = [
    {
      network: 'mastodon',
      signIn: 'oauth',
      needsServer: true,
      defaultServer: null,
      beginOAuth: (serverUrl) => {
        if (!serverUrl) throw new ConnectorError('not-supported', 'Which Mastodon server? Type its address, e.g. mastodon.social');
        return browserFlow(async (openBrowser, signal) => {
          const result = await signInToMastodon({ server: serverUrl, openBrowser, signal, timeoutMs: 10 * 60_000 });
          return { serverUrl: result.serverUrl, identity: result.account, credentials: result.credentials };
        });
      },
    },
    {
      network: 'bluesky',
      signIn: 'app-password',
      needsServer: false,
      defaultServer: endpoints.blueskyService ?? DEFAULT_BLUESKY_SERVICE,
      signInWithPassword: async (serverUrl, handle, password) => {
        const service = serverUrl ?? endpoints.blueskyService ?? DEFAULT_BLUESKY_SERVICE;
        const result = await signInToBluesky(service, handle.replace(/^@/, ''), password);
        return { serverUrl: service, identity: result.author, credentials: result.credentials };
      },
    },
  ];
  const google = endpoints.googleOAuth;
  if (google?.clientId) {
    const apiBaseUrl = endpoints.youtubeApiBaseUrl ?? DEFAULT_YOUTUBE_API;
    providers.push({
      network: 'youtube',
      signIn: 'oauth',
      needsServer: false,
      defaultServer: apiBaseUrl,
      beginOAuth: () =>
        browserFlow(async (openBrowser, signal) => {
          const result = await signInToYouTube(
            { oauth: google, defaultApiBaseUrl: apiBaseUrl },
            { openBrowser, signal, timeoutMs: 10 * 60_000, apiBaseUrl },
          );
          return { serverUrl: apiBaseUrl, identity: result.channel, credentials: result.credentials };
        }),
    });
  }
  return providers;
}

/** The networks with a working sign-in in this build. */
export function connectableNetworks(providers: readonly SignInProvider[]): Network[] {
  return providers.map((p) => p.network);
}
