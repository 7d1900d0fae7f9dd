/**
 * The app process of the crash harness: a real core (store, scheduler, outbox, real connectors) on
 * the profile the harness gives it, talking to the local networks through the harness's links.
 * The harness kills it with SIGKILL at random moments and starts it again on the same profile.
 *
 * Run as `node --import tsx e2e/crash/crash-child.ts` with the configuration in the environment
 * variable PARVIS_CRASH_CHILD (JSON, see `CrashChildConfig`). On its first start it connects the
 * three accounts through the contract, exactly as the renderer does (OAuth in "the browser", which
 * here is a plain fetch of the authorize URL, and an app password).
 *
 * What it prints on stdout, one line each, for the harness:
 *   READY                            accounts connected and polled once: kills may start
 *   INGEST <accountId> <n> <remoteId> a page of n new messages is being written (transaction open)
 *   QUEUED <token>                   a reply was queued (its text carries [token])
 *   SCHEDULED <token>                a post was scheduled for Mastodon and Bluesky (its text carries [token])
 *   ERROR <message>                  something the harness should fail on
 *
 * In "churn" mode it polls every account continuously, queues replies to random conversations and
 * schedules posts due within a second or two; in "settle" mode it only polls and delivers, until
 * SIGTERM (then it closes cleanly). At each start it answers "publish now" for posts whose time
 * passed while it was dead (as the user would, when Parvis offers them for a decision).
 */
import { writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCore } from '../../electron/core/app';
import { ConnectorRegistry } from '../../electron/core/connectors/registry';
import { createMastodonConnector } from '../../electron/core/connectors/mastodon';
import { createBlueskyConnector } from '../../electron/core/connectors/bluesky';
import { createYouTubeConnector } from '../../electron/core/connectors/youtube';
import { localEndpoints } from '../networks/fixture';
import { dispatch } from '../../electron/core/rpc';
import { createConfSettingsStore } from '../../electron/core/settings/conf-store';
import { SeededRandom } from '../../electron/core/security/seeded-random';
import { PACIFIC_TIME_ZONE } from '../../electron/core/sync/quota-budget';
import type { IngestedMessage } from '../../electron/core/db/ingest';
import { FileSecretStore } from './file-secret-store';

/** What the harness passes to the child. */
export interface CrashChildConfig {
  dataDir: string;
  /** Where the test keychain lives (outside the profile). */
  secretsFile: string;
  mode: 'churn' | 'settle';
  /** Which start this is (0 = the first, which connects the accounts). */
  run: number;
  seed: number;
  endpoints: { mastodon: string; bluesky: string; youtube: string };
  bluesky: { handle: string; password: string };
  google: { clientId: string; clientSecret: string };
  /** Delay between two queued replies, ms. */
  replyEveryMs: [number, number];
  /** Delay between two scheduled posts, ms. */
  publishEveryMs: [number, number];
  /** Writing a page is this slow per message (a slow disk, heavy screening), ms. */
  ingestMsPerMessage: number;
}

const config = JSON.parse(process.env.PARVIS_CRASH_CHILD ?? 'null') as CrashChildConfig | null;
if (!config) {
  console.error('crash-child: PARVIS_CRASH_CHILD is not set');
  process.exit(2);
}

/** Unbuffered: the line must leave before a kill that may follow at once. */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

/**
 * Runs inside the ingest transaction: announces the page to the harness, then takes as long as a
 * slow disk would, so that a kill can land while the transaction is open.
 */
function slowScreening(_db: unknown, accountId: number, messages: IngestedMessage[]): void {
  say(`INGEST ${accountId} ${messages.length} ${messages[0]?.item.remoteId ?? '-'}`);
  const until = performance.now() + Math.min(60, 2 + messages.length * config!.ingestMsPerMessage);
  while (performance.now() < until) {
    // Busy on purpose: the transaction stays open for this long.
  }
}

const googleOAuth = {
  clientId: config.google.clientId,
  clientSecret: config.google.clientSecret,
  authorizeUrl: `${config.endpoints.youtube}/o/oauth2/v2/auth`,
  tokenUrl: `${config.endpoints.youtube}/token`,
};

// The real connectors, with the biggest pages each network allows (a big page is a long write).
const registry = new ConnectorRegistry()
  .register('mastodon', () => createMastodonConnector({ notificationsPageSize: 80, conversationsPageSize: 40 }))
  .register('bluesky', () => createBlueskyConnector({ pageSize: 100 }))
  .register('youtube', () => createYouTubeConnector({ oauth: googleOAuth, defaultApiBaseUrl: config!.endpoints.youtube, pageSize: 100 }));

const core = createCore({
  dataDir: config.dataDir,
  secrets: new FileSecretStore(config.secretsFile),
  settings: createConfSettingsStore(config.dataDir),
  shell: 'web',
  myName: 'Crash Test',
  registry,
  // Sign-ins from the networks' descriptors, against the local servers.
  networks: { ...localEndpoints({ bluesky: config.endpoints.bluesky, youtube: config.endpoints.youtube }), developerApps: { youtube: config.google } },
  onNewMessages: slowScreening,
  log: (level, message) => process.stderr.write(`[${level}] ${message}\n`),
  syncOptions: {
    backoff: { baseMs: 100, capMs: 1_000 },
    hasMoreDelayMs: 10,
    // The local YouTube server grants a quota that polling flat out cannot spend.
    quotas: { youtube: { limit: 1_000_000_000, timeZone: PACIFIC_TIME_ZONE, pollCostUnits: 1, reserveUnits: 1_000 } },
  },
  outboxOptions: { backoff: { baseMs: 100, capMs: 1_000 } },
  publisherOptions: { backoff: { baseMs: 100, capMs: 1_000 } },
});

const random = new SeededRandom(config.seed).fork(`child-${config.run}`);
let stopping = false;

async function call<T>(name: string, input: unknown): Promise<T> {
  const result = await dispatch(core.handlers, name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.kind}: ${result.error.message}`);
  return result.value as T;
}

/** Signs in like a user would; "the browser" follows the authorize URL to the loopback redirect. */
async function connectAccounts(): Promise<void> {
  const browser = async (url: string) => {
    const response = await fetch(url, { redirect: 'follow' });
    await response.arrayBuffer();
  };
  for (const network of ['mastodon', 'youtube'] as const) {
    const start = await call<{ kind: string; flowId: string; authorizeUrl: string }>(
      'accounts.connect',
      network === 'mastodon' ? { network, fields: { server: config!.endpoints.mastodon } } : { network },
    );
    const finishing = call('accounts.finishConnect', { flowId: start.flowId });
    await browser(start.authorizeUrl);
    await finishing;
  }
  await call('accounts.connect', { network: 'bluesky', fields: { server: config!.endpoints.bluesky, ...config!.bluesky } });
}

async function pollForever(): Promise<void> {
  while (!stopping) {
    const accounts = core.accounts.list();
    await Promise.all(accounts.map((a) => core.scheduler!.pollNow(a.id)));
    await sleep(random.int(20, 120));
  }
}

let replies = 0;
async function replyForever(): Promise<void> {
  while (!stopping) {
    await sleep(random.int(config!.replyEveryMs[0], config!.replyEveryMs[1]));
    const page = await call<{ items: { id: number; network: string }[] }>('inbox.list', { filter: {}, limit: 200 });
    if (page.items.length === 0) continue;
    const conversation = random.pick(page.items);
    replies += 1;
    const token = `r${config!.run}-${replies}-${random.int(0, 1e9).toString(36)}`;
    const text = random.pick([
      `Merci pour votre message, on regarde ça tout de suite ! [${token}]`,
      `Thanks for the feedback 🙏 we will get back to you. [${token}]`,
      `Désolés pour ce souci — pouvez-vous nous écrire en privé ? [${token}]`,
    ]);
    try {
      await call('reply.send', { conversationId: conversation.id, text });
      say(`QUEUED ${token}`);
    } catch (err) {
      // A conversation with nothing to answer (only our own messages): pick another next time.
      if (!/not-found/.test((err as Error).message)) throw err;
    }
  }
}

let posts = 0;
async function publishForever(): Promise<void> {
  while (!stopping) {
    await sleep(random.int(config!.publishEveryMs[0], config!.publishEveryMs[1]));
    const targets = core.accounts.list().filter((a) => a.network === 'mastodon' || a.network === 'bluesky');
    posts += 1;
    const token = `p${config!.run}-${posts}-${random.int(0, 1e9).toString(36)}`;
    // Due within two seconds: Parvis sends it itself (too close for Mastodon to hold it).
    const scheduledAt = Date.now() + random.int(0, 2_000);
    const post = await call<{ id: number }>('posts.create', {
      text: `Atelier réparation samedi, venez avec vos lampes ! [${token}]`,
      targets: targets.map((a) => ({ accountId: a.id, scheduledAt, ...(a.network === 'bluesky' ? { textOverride: `Atelier samedi 🛠️ [${token}]` } : {}) })),
    });
    await call('posts.schedule', { postId: post.id });
    say(`SCHEDULED ${token}`);
  }
}

/** The user's answer for posts that came due while Parvis was dead: publish now. */
async function publishLatePosts(): Promise<void> {
  const waiting = core.db.prepare<[], { id: number }>(`SELECT id FROM post_targets WHERE state = 'needs-decision'`).all();
  for (const target of waiting) await call('posts.decide', { targetId: target.id, action: 'publish-now' });
}

process.on('SIGTERM', () => {
  stopping = true;
  void core.close().then(
    () => process.exit(0),
    (err: unknown) => {
      say(`ERROR close failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
});

async function main(): Promise<void> {
  if (core.accounts.list().length === 0) {
    await connectAccounts();
    for (const account of core.accounts.list()) await core.scheduler!.pollNow(account.id);
  }
  await publishLatePosts();
  say('READY');
  const loops = [pollForever()];
  if (config!.mode === 'churn') loops.push(replyForever(), publishForever());
  await Promise.all(loops);
}

main().catch((err: unknown) => {
  // Closing on SIGTERM may interrupt a call in flight: that is the end asked for, not a failure.
  if (stopping) return;
  say(`ERROR ${(err as Error).stack ?? String(err)}`.replace(/\n/g, ' | '));
  process.exit(1);
});
