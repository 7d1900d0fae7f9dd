/**
 * The three local networks together, and the ways to connect Parvis to them, for integration
 * tests (vitest), Playwright specs and the live demo:
 *
 * - `startNetworks()` starts local Mastodon, Bluesky, YouTube, X and Reddit servers on 127.0.0.1 and gives the
 *   endpoints to build the real connector registry and sign-in providers against them;
 * - `connectAccount(core, request)` connects an account the way the UI does: `accounts.connect`,
 *   the user's browser approving the OAuth page (the local servers approve at once and redirect to
 *   Parvis's loopback listener), then `accounts.finishConnect`;
 * - `startNetworkedWebMode(networks, …)` runs web mode on a temporary profile, syncing with them;
 * - `startRelay(url)` puts a relay in front of a server that can go down and come back on the same
 *   port, refuse chosen requests with a 5xx, and records when each request arrived;
 * - `callCore`, `waitFor`, `FAST_SYNC` / `FAST_OUTBOX`: contract calls, polling waits and the short
 *   delays tests use.
 *
 * Nothing here imports Playwright: specs import these functions and wrap them in their own fixture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallInput, CallName, CallOutput } from '../../shared/contract';
import type { Account } from '../../shared/model';
import type { Core, CoreNetworks, CoreOptions } from '../../electron/core/app';
import { dispatch } from '../../electron/core/rpc';
import { YOUTUBE_QUOTA } from '../../electron/core/connectors/youtube/descriptor';
import { MemorySecretStore } from '../../electron/core/secrets/secret-store';
import { startWebMode, type WebMode, type WebModeOptions } from '../../electron/web/start';
import { startBlueskyServer, type BlueskyServer, type BlueskyServerOptions } from './bluesky';
import { startMastodonServer, type MastodonServer, type MastodonServerOptions } from './mastodon';
import { startRedditServer, type RedditServer, type RedditServerOptions } from './reddit';
import { startXServer, type XServer, type XServerOptions } from './x';
import { startYouTubeServer, type YouTubeServer, type YouTubeServerOptions } from './youtube';

/** The Google OAuth client the local YouTube server accepts (a "Desktop app" client, like Parvis's). */
export const LOCAL_GOOGLE_CLIENT = { clientId: 'parvis-local.apps.googleusercontent.com', clientSecret: 'local-desktop-client-secret' } as const;

/** The X app (a public "Native App" client, no secret) the local X server accepts. */
export const LOCAL_X_CLIENT = { clientId: 'parvis-local-x-client' } as const;

/** The Reddit app (an "installed app": a client id, no secret) the local Reddit server accepts. */
export const LOCAL_REDDIT_CLIENT = { clientId: 'parvis-local-reddit' } as const;

/** Google's OAuth and YouTube Data API endpoints as served by a local YouTube server. */
export function localYouTubeEndpoints(youtubeUrl: string): Record<string, string> {
  return { api: youtubeUrl, authorize: `${youtubeUrl}/o/oauth2/v2/auth`, token: `${youtubeUrl}/token` };
}

/**
 * Scheduler tuning for tests against local servers: short backoff and paging delay, no jitter, and
 * YouTube's quota paced as for a channel with a large quota extension (with the default 10,000
 * units a day, polls of one account are spread about 4 s apart).
 */
export const FAST_SYNC: NonNullable<CoreOptions['syncOptions']> = {
  backoff: { baseMs: 50, capMs: 400 },
  hasMoreDelayMs: 10,
  random: () => 0.5,
  quotas: { youtube: { ...YOUTUBE_QUOTA, limit: 10_000_000 } },
};

/** Outbox tuning for tests: short backoff. */
export const FAST_OUTBOX: NonNullable<CoreOptions['outboxOptions']> = { backoff: { baseMs: 50, capMs: 400 } };

/** Options of each server; the YouTube server always accepts the LOCAL_GOOGLE_CLIENT. */
export interface NetworksOptions {
  mastodon?: MastodonServerOptions;
  bluesky?: BlueskyServerOptions;
  youtube?: Omit<YouTubeServerOptions, 'clientId' | 'clientSecret'>;
  x?: Omit<XServerOptions, 'clientId'>;
  reddit?: Omit<RedditServerOptions, 'clientId'>;
}

/** The three local servers, running. */
export interface LocalNetworks {
  mastodon: MastodonServer;
  bluesky: BlueskyServer;
  youtube: YouTubeServer;
  x: XServer;
  reddit: RedditServer;
  urls: { mastodon: string; bluesky: string; youtube: string; x: string; reddit: string };
  /** Where the connectors and the sign-ins reach them, and the Google client the local server accepts (CoreOptions.networks). */
  endpoints: CoreNetworks;
  /** The Bluesky account's handle and app password (what a user types in the connect dialog). */
  blueskyLogin: { handle: string; password: string };
  /** Stops the three servers. */
  stop(): Promise<void>;
}

/** Starts local Mastodon, Bluesky, YouTube, X and Reddit servers on 127.0.0.1, each on a free port. */
export async function startNetworks(options: NetworksOptions = {}): Promise<LocalNetworks> {
  const started: { close(): Promise<void> }[] = [];
  try {
    const mastodon = await startMastodonServer(options.mastodon);
    started.push(mastodon);
    const bluesky = await startBlueskyServer(options.bluesky);
    started.push(bluesky);
    const youtube = await startYouTubeServer({ ...options.youtube, ...LOCAL_GOOGLE_CLIENT });
    started.push(youtube);
    const x = await startXServer({ ...options.x, clientId: LOCAL_X_CLIENT.clientId });
    started.push(x);
    const reddit = await startRedditServer({ ...options.reddit, clientId: LOCAL_REDDIT_CLIENT.clientId });
    started.push(reddit);
    return {
      mastodon,
      bluesky,
      youtube,
      x,
      reddit,
      urls: { mastodon: mastodon.url, bluesky: bluesky.url, youtube: youtube.url, x: x.url, reddit: reddit.url },
      endpoints: localEndpoints({ bluesky: bluesky.url, youtube: youtube.url, x: x.url, reddit: reddit.url }),
      blueskyLogin: { handle: bluesky.control.account.handle, password: bluesky.control.account.password },
      stop: () => Promise.all(started.map((s) => s.close())).then(() => undefined),
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}

/**
 * Every network of the build, with Bluesky's default service and YouTube (and Google's OAuth)
 * pointed at local servers; the local Google client stands for the one a build would embed.
 * Mastodon needs nothing: the user types the server's address.
 */
export function localEndpoints(urls: { bluesky: string; youtube: string; x?: string; reddit?: string }): CoreNetworks {
  return {
    endpoints: {
      bluesky: { service: urls.bluesky },
      youtube: localYouTubeEndpoints(urls.youtube),
      ...(urls.x ? { x: localXEndpoints(urls.x) } : {}),
      ...(urls.reddit ? { reddit: localRedditEndpoints(urls.reddit) } : {}),
    },
    developerApps: { youtube: LOCAL_GOOGLE_CLIENT, ...(urls.x ? { x: LOCAL_X_CLIENT } : {}), ...(urls.reddit ? { reddit: LOCAL_REDDIT_CLIENT } : {}) },
    // Never the developer's own PARVIS_GOOGLE_CLIENT_ID: tests use the local client.
    environment: {},
  };
}

/** X's OAuth and API endpoints as served by a local X server. */
export function localXEndpoints(xUrl: string): Record<string, string> {
  return { api: xUrl, authorize: `${xUrl}/i/oauth2/authorize`, token: `${xUrl}/2/oauth2/token` };
}

/**
 * Reddit's OAuth and API endpoints as served by a local Reddit server; the loopback redirect on a
 * free port (a real Reddit app registers one fixed port).
 */
export function localRedditEndpoints(redditUrl: string): Record<string, string> {
  return { api: redditUrl, authorize: `${redditUrl}/api/v1/authorize.compact`, token: `${redditUrl}/api/v1/access_token`, redirectPort: '0' };
}

/** The real connectors and sign-ins, pointed at local servers. */
export function networkWiring(networks: CoreNetworks): { networks: CoreNetworks } {
  return { networks };
}

/**
 * The user's browser on an OAuth consent page: opens it and follows the redirects back to Parvis's
 * loopback listener (the local servers approve without a form).
 */
export async function approveInBrowser(authorizeUrl: string): Promise<void> {
  const response = await fetch(authorizeUrl, { redirect: 'follow' });
  await response.text();
  if (!response.ok) throw new Error(`the consent page answered ${response.status}`);
}

/** A contract call on the core, input parsed as the bridges do; throws an error carrying the `kind`. */
export async function callCore<N extends CallName>(core: Core, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const res = await dispatch(core.handlers, name, input);
  if (!res.ok) throw Object.assign(new Error(`${name}: ${res.error.kind}: ${res.error.message}`), { kind: res.error.kind });
  return res.value as CallOutput<N>;
}

/**
 * Connects an account the way the UI does: `accounts.connect`, then, for OAuth networks, the
 * browser approves the consent page while `accounts.finishConnect` waits for the loopback redirect.
 */
export async function connectAccount(core: Core, request: CallInput<'accounts.connect'>): Promise<Account> {
  const start = await callCore(core, 'accounts.connect', request);
  if (start.kind === 'connected') return start.account;
  if (start.kind === 'choose') throw new Error('connectAccount: this sign-in gave several accounts; use accounts.choose');
  const [outcome] = await Promise.all([
    callCore(core, 'accounts.finishConnect', { flowId: start.flowId }),
    approveInBrowser(start.authorizeUrl).catch(async (err: unknown) => {
      await callCore(core, 'accounts.cancelConnect', { flowId: start.flowId }).catch(() => undefined);
      throw err;
    }),
  ]);
  if (outcome.kind !== 'connected') throw new Error('connectAccount: this sign-in gave several accounts; use accounts.choose');
  return outcome.account;
}

/**
 * Connects the accounts a sign-in gives the way the UI does; when it gives several (a Facebook
 * Login's Pages and Instagram accounts), the user's choice is those `pick` keeps (all by default).
 */
export async function connectAccounts(core: Core, request: CallInput<'accounts.connect'>, pick: (choice: { name: string; handle: string; network?: string }) => boolean = () => true): Promise<Account[]> {
  const start = await callCore(core, 'accounts.connect', request);
  const outcome =
    start.kind === 'browser'
      ? (
          await Promise.all([
            callCore(core, 'accounts.finishConnect', { flowId: start.flowId }),
            approveInBrowser(start.authorizeUrl).catch(async (err: unknown) => {
              await callCore(core, 'accounts.cancelConnect', { flowId: start.flowId }).catch(() => undefined);
              throw err;
            }),
          ])
        )[0]
      : start;
  if (outcome.kind === 'connected') return [outcome.account];
  return callCore(core, 'accounts.choose', { flowId: outcome.flowId, choiceIds: outcome.choices.filter(pick).map((c) => c.id) });
}

/** Web mode syncing with local networks, on a temporary profile. */
export interface NetworkedWebMode extends WebMode {
  dataDir: string;
  /** Stops the server and starts it again on the same profile, port, token and keychain (an app restart). */
  restart(): Promise<void>;
  /** Stops web mode and deletes the profile (the networks keep running: stop them yourself). */
  close(): Promise<void>;
}

export interface NetworkedWebModeOptions {
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  token?: string;
  /** Default poll interval, seconds (15..3600); the settings default (60) when absent. */
  pollIntervalSeconds?: number;
  syncOptions?: CoreOptions['syncOptions'];
  outboxOptions?: CoreOptions['outboxOptions'];
  log?: WebModeOptions['log'];
  /** The user's name on the new profile ('Alex' when absent); null: the app asks for it at first start. */
  myName?: string | null;
}

/**
 * Starts web mode exactly as `npm run web` does, but on a temporary profile with an in-memory
 * keychain and with the connectors pointed at `networks`. No account is connected: connect them
 * through the UI, or with `connectAccount(mode.core, …)`.
 */
export async function startNetworkedWebMode(networks: Pick<LocalNetworks, 'endpoints'>, options: NetworkedWebModeOptions): Promise<NetworkedWebMode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parvis-networked-'));
  // One keychain for the whole fixture, so that a restart finds the accounts' tokens again.
  const secrets = new MemorySecretStore();
  const start = (port?: number, token?: string) =>
    startWebMode({
      dataDir,
      staticDir: options.staticDir,
      port,
      token,
      secrets,
      ...networkWiring(networks.endpoints),
      syncOptions: options.syncOptions,
      outboxOptions: options.outboxOptions,
      log: options.log,
      ...(options.myName === null ? {} : { myName: options.myName ?? 'Alex' }),
    });
  let mode: WebMode;
  try {
    mode = await start(options.port, options.token);
    if (options.pollIntervalSeconds !== undefined) {
      await callCore(mode.core, 'settings.set', { pollIntervalSeconds: options.pollIntervalSeconds });
    }
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    get url() {
      return mode.url;
    },
    get port() {
      return mode.port;
    },
    get token() {
      return mode.token;
    },
    get core() {
      return mode.core;
    },
    dataDir,
    async restart() {
      const { port, token } = mode;
      await mode.close();
      mode = await start(port, token);
    },
    async close() {
      await mode.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A request as the relay saw it. */
export interface RelayedRequest {
  /** Arrival, epoch ms. */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  /** The status the client got (0 while forwarding). */
  status: number;
}

/** A pass-through relay in front of a local server. */
export interface Relay {
  /** Where clients connect instead of the server. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: readonly RelayedRequest[];
  /** True while the relay accepts connections. */
  readonly up: boolean;
  /** Goes down like a stopped server: stops listening and drops every open connection. */
  stop(): Promise<void>;
  /** Comes back on the same port. */
  start(): Promise<void>;
  /** The next `count` requests matching `match` get `status` (a 5xx) instead of the server's answer. */
  failWhen(match: (req: RelayedRequest) => boolean, count: number, status?: number): void;
  /** Stops for good. */
  close(): Promise<void>;
}

/** Starts a relay to `targetUrl` on 127.0.0.1, on a free port that it keeps across stop/start. */
export async function startRelay(targetUrl: string): Promise<Relay> {
  const target = new URL(targetUrl);
  const requests: RelayedRequest[] = [];
  const failures: { match: (req: RelayedRequest) => boolean; left: number; status: number }[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    const seen: RelayedRequest = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status: 0 };
    requests.push(seen);
    const failure = failures.find((f) => f.left > 0 && f.match(seen));
    if (failure) {
      failure.left--;
      seen.status = failure.status;
      req.resume();
      res.writeHead(failure.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Service Unavailable', message: 'relay: refused on purpose' }));
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        seen.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      seen.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end();
    });
    req.pipe(upstream);
  };

  const listen = async () => {
    const next = createServer(forward);
    next.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  const down = async () => {
    const current = server;
    if (!current) return;
    server = null;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    requests,
    get up() {
      return server !== null;
    },
    stop: down,
    async start() {
      if (!server) await listen();
    },
    failWhen(match, count, status = 503) {
      failures.push({ match, left: count, status });
    },
    close: down,
  };
}

/**
 * Polls `check` every `intervalMs` until it returns something other than undefined, null or false,
 * and returns that; throws after `timeoutMs` with `what` in the message.
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 5_000, intervalMs = 20): Promise<NonNullable<Exclude<T, false>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<Exclude<T, false>>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
