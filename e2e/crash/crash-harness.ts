/**
 * The crash harness: runs the real app (crash-child.ts) on one profile against the local networks,
 * kills it with SIGKILL at random moments, starts it again, N times, then lets it finish and checks
 * that nothing was corrupted, duplicated, lost or posted twice.
 *
 * Kills are aimed at the moments that matter, chosen with a seeded generator:
 * - `timer`: any moment (a random delay after the app is up);
 * - `ingest`: while a page of new messages is being written (the transaction is open);
 * - `reply-request`: when a reply request reaches a network (the row was just claimed `sending`);
 * - `reply-answered`: when the network has posted the reply but the answer has not reached the app
 *   (the network has it, the outbox still says `sending`: the restart must not post it again);
 * - `publish-answered`: when a network has published a scheduled post but the answer has not
 *   reached the app (the target still says `publishing`: the restart must not publish it again).
 * After each kill the database on disk is copied and checked (integrity, the store's invariants),
 * and the harness notes whether the kill really landed in the window it aimed at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../../electron/core/security/seeded-random';
import type { CrashChildConfig } from './crash-child';
import { replyToken, startCrashNetworks, type CrashNetwork, type CrashNetworks, type ReplyOnTheWire } from './crash-networks';
import {
  accountsByNetwork,
  duplicateRemoteIds,
  hasMessage,
  messageCount,
  missingMessages,
  postTargetRecords,
  postTargetStates,
  replyState,
  soundnessProblems,
  storedReplies,
  unpublishedTargets,
  withDiskCopy,
  withLiveReader,
} from './profile-inspection';

export type KillMode = 'timer' | 'ingest' | 'reply-request' | 'reply-answered' | 'publish-answered';
const KILL_MODES: readonly KillMode[] = ['timer', 'ingest', 'ingest', 'reply-request', 'reply-answered', 'reply-answered', 'timer', 'publish-answered', 'publish-answered'];

export interface CrashHarnessOptions {
  /** How many times the app is killed. */
  runs: number;
  seed: number;
  /** Progress lines (the CLI prints them; the test keeps them for a failure message). */
  log?: (line: string) => void;
  /** How long the last start may take to deliver everything and catch up. */
  settleTimeoutMs?: number;
}

/** What the harness found. Every list is empty when the app survived everything. */
export interface CrashReport {
  seed: number;
  killsRequested: number;
  /** Kills after which the app started again on the same profile and came back up. */
  killsSurvived: number;
  killsByMode: Record<KillMode, number>;
  /** Kills that landed while a page's transaction was open (the page was absent afterwards). */
  killsInsideIngest: number;
  /** Kills that landed after a network posted a reply and before the app recorded it. */
  killsAfterRemotePost: number;
  /** Kills that landed after a network published a scheduled post and before the app recorded it. */
  killsAfterRemotePublish: number;
  /** Posts scheduled (each for Mastodon and Bluesky). */
  postsScheduled: number;
  /** Scheduled posts missing on a network at the end, or not recorded as published. */
  postsLost: string[];
  /** Scheduled posts a network published more than once, or that the app never scheduled. */
  postsPublishedTwice: string[];
  /** Database or store invariants broken (after a kill, or at the end). */
  corruption: string[];
  /** A message stored twice (same account and remote id, or a delivered reply beside its polled copy). */
  duplicates: string[];
  /** Messages a network has that the store has not after the final poll, and queued replies lost. */
  losses: string[];
  /** Replies a network received more than once. */
  repliesPostedTwice: string[];
  /** Queued replies not `sent` at the end, or sent without being on the network. */
  repliesNotDelivered: string[];
  /** Anything else that went wrong (the app reported an error, did not start, did not stop cleanly). */
  failures: string[];
  repliesQueued: number;
  /** Queued replies by network (YouTube's come back in polls: the copy must not stay beside ours). */
  repliesByNetwork: Record<CrashNetwork, number>;
  repliesPosted: number;
  messagesWritten: Record<CrashNetwork, number>;
  messagesStored: number;
  durationMs: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../..');
const childScript = join(here, 'crash-child.ts');

/** One start of the app. */
interface AppProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  /** Called on each INGEST line: account, page size, first new remote id. */
  onIngest: ((accountId: number, size: number, remoteId: string) => void) | null;
  queued: string[];
  scheduled: string[];
  errors: string[];
  stderrTail: string[];
}

function startApp(config: CrashChildConfig): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
    cwd: repoRoot,
    env: { ...process.env, PARVIS_CRASH_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let markReady: () => void = () => {};
  let failReady: (err: Error) => void = () => {};
  const app: AppProcess = {
    child,
    ready: new Promise<void>((resolveReady, rejectReady) => {
      markReady = resolveReady;
      failReady = rejectReady;
    }),
    exited: new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code))),
    onIngest: null,
    queued: [],
    scheduled: [],
    errors: [],
    stderrTail: [],
  };
  app.ready.catch(() => {});
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const [kind, ...rest] = line.split(' ');
      if (kind === 'READY') markReady();
      else if (kind === 'INGEST') app.onIngest?.(Number(rest[0]), Number(rest[1]), rest[2] ?? '');
      else if (kind === 'QUEUED' && rest[0]) app.queued.push(rest[0]);
      else if (kind === 'SCHEDULED' && rest[0]) app.scheduled.push(rest[0]);
      else if (kind === 'ERROR') app.errors.push(rest.join(' '));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    app.stderrTail.push(...chunk.split('\n').filter(Boolean));
    if (app.stderrTail.length > 40) app.stderrTail.splice(0, app.stderrTail.length - 40);
  });
  void app.exited.then((code) => failReady(new Error(`the app exited (${code}) before it was ready: ${app.errors.join(' ') || app.stderrTail.slice(-5).join(' | ')}`)));
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
    }),
  ]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Replies carry `r…` tokens, scheduled posts `p…` (see crash-child.ts). */
const isReply = (token: string) => token.startsWith('r');

/** What a kill aimed at, to check afterwards whether it landed there. */
type KillTarget =
  | { mode: 'timer' }
  | { mode: 'ingest'; accountId: number; remoteId: string }
  | { mode: 'reply-request' | 'reply-answered' | 'publish-answered'; reply: ReplyOnTheWire }
  | { mode: 'fallback'; aimed: KillMode };

/**
 * Waits for the moment `mode` aims at and kills the app right then (SIGKILL, synchronously from
 * the event that announces the moment). Falls back to a plain timer when the moment does not come.
 */
async function killAt(app: AppProcess, mode: KillMode, networks: CrashNetworks, random: SeededRandom): Promise<KillTarget> {
  // Not always right at start-up: the app first catches up, then runs as usual.
  await sleep(random.int(0, mode === 'timer' ? 1_500 : 500));
  let target: KillTarget | null = null;
  const kill = (t: KillTarget) => {
    if (target) return;
    target = t;
    app.child.kill('SIGKILL');
  };
  const fallback = setTimeout(() => kill({ mode: 'fallback', aimed: mode }), 3_000);
  if (mode === 'timer') {
    kill({ mode });
  } else if (mode === 'ingest') {
    // A big page when one comes quickly, else any page.
    const since = Date.now();
    app.onIngest = (accountId, size, remoteId) => {
      if (size >= 20 || Date.now() - since > 1_500) kill({ mode: 'ingest', accountId, remoteId });
    };
  } else if (mode === 'reply-request') {
    networks.onReplyRequest = (reply) => {
      if (isReply(reply.token)) kill({ mode, reply });
    };
  } else if (mode === 'reply-answered') {
    networks.onReplyAnswered = (reply, answer) => {
      if (isReply(reply.token) && answer.status < 300) kill({ mode, reply });
    };
  } else if (mode === 'publish-answered') {
    networks.onReplyAnswered = (reply, answer) => {
      if (!isReply(reply.token) && answer.status < 300) kill({ mode, reply });
    };
  }
  await app.exited;
  clearTimeout(fallback);
  app.onIngest = null;
  networks.onReplyRequest = null;
  networks.onReplyAnswered = null;
  return target ?? { mode: 'fallback', aimed: mode };
}

/** Runs the whole harness and returns its figures. */
export async function runCrashHarness(opts: CrashHarnessOptions): Promise<CrashReport> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const random = new SeededRandom(opts.seed);
  const kills = random.fork('kills');
  const report: CrashReport = {
    seed: opts.seed,
    killsRequested: opts.runs,
    killsSurvived: 0,
    killsByMode: { timer: 0, ingest: 0, 'reply-request': 0, 'reply-answered': 0, 'publish-answered': 0 },
    killsInsideIngest: 0,
    killsAfterRemotePost: 0,
    killsAfterRemotePublish: 0,
    postsScheduled: 0,
    postsLost: [],
    postsPublishedTwice: [],
    corruption: [],
    duplicates: [],
    losses: [],
    repliesPostedTwice: [],
    repliesNotDelivered: [],
    failures: [],
    repliesQueued: 0,
    repliesByNetwork: { mastodon: 0, bluesky: 0, youtube: 0 },
    repliesPosted: 0,
    messagesWritten: { mastodon: 0, bluesky: 0, youtube: 0 },
    messagesStored: 0,
    durationMs: 0,
  };
  const scratch = mkdtempSync(join(tmpdir(), 'parvis-crash-'));
  const dataDir = join(scratch, 'profile');
  const networks = await startCrashNetworks(random.fork('networks'));
  const queued: string[] = [];
  const scheduled: string[] = [];
  const config = (run: number, mode: CrashChildConfig['mode']): CrashChildConfig => ({
    dataDir,
    secretsFile: join(scratch, 'keychain.json'),
    mode,
    run,
    seed: opts.seed,
    endpoints: networks.endpoints,
    bluesky: networks.bluesky,
    google: networks.google,
    replyEveryMs: [60, 220],
    publishEveryMs: [200, 700],
    ingestMsPerMessage: 0.4,
  });
  const collect = (app: AppProcess) => {
    queued.push(...app.queued);
    scheduled.push(...app.scheduled);
    report.failures.push(...app.errors.map((e) => `app error: ${e}`));
  };

  try {
    for (let run = 0; run < opts.runs; run++) {
      const app = startApp(config(run, 'churn'));
      try {
        await withTimeout(app.ready, 60_000, `start ${run}`);
      } catch (err) {
        report.failures.push(`start ${run}: ${(err as Error).message}`);
        app.child.kill('SIGKILL');
        await app.exited;
        collect(app);
        break;
      }
      if (run > 0) report.killsSurvived += 1;
      networks.startActivity();
      const mode = kills.pick(KILL_MODES);
      const target = await killAt(app, mode, networks, kills);
      collect(app);
      const landed = target.mode === 'fallback' ? 'timer' : target.mode;
      report.killsByMode[landed] += 1;
      withDiskCopy(dataDir, (db) => {
        for (const problem of soundnessProblems(db)) report.corruption.push(`after kill ${run + 1}: ${problem}`);
        if (target.mode === 'ingest' && !hasMessage(db, target.accountId, target.remoteId)) report.killsInsideIngest += 1;
        if (target.mode === 'reply-answered' && replyState(db, target.reply.token) === 'sending') report.killsAfterRemotePost += 1;
        if (target.mode === 'publish-answered' && postTargetStates(db, target.reply.token).includes('publishing')) report.killsAfterRemotePublish += 1;
      });
      log(`kill ${run + 1}/${opts.runs}: ${target.mode === 'fallback' ? `timer (no ${target.aimed} moment came)` : target.mode}`);
    }

    // The last start: no more activity; it must deliver everything and catch up with the networks.
    networks.stopActivity();
    const app = startApp(config(opts.runs, 'settle'));
    await withTimeout(app.ready, 60_000, 'final start');
    report.killsSurvived += 1;
    const deadline = Date.now() + (opts.settleTimeoutMs ?? 90_000);
    let settled = false;
    while (Date.now() < deadline && !settled) {
      await sleep(500);
      settled = withLiveReader(dataDir, (db) => {
        const waiting = storedReplies(db).some((r) => r.state !== 'sent');
        return !waiting && unpublishedTargets(db) === 0 && missingMessages(db, networks.expected).length === 0;
      });
    }
    // A last moment for polled copies of our own replies to come in (they must not duplicate ours).
    await sleep(1_500);
    app.child.kill('SIGTERM');
    const code = await withTimeout(app.exited, 30_000, 'clean stop');
    collect(app);
    if (code !== 0) report.failures.push(`the app did not stop cleanly (exit ${code}): ${app.stderrTail.slice(-5).join(' | ')}`);
    if (!settled) {
      // Say why, for whoever reads the failure: each account's sync state and the app's last words.
      const states = withDiskCopy(dataDir, (db) =>
        db.prepare<[], { network: string; state: string; last_error: string | null; cursor: string | null }>('SELECT network, state, last_error, cursor FROM accounts').all(),
      );
      report.failures.push(
        `the app did not catch up within ${opts.settleTimeoutMs ?? 90_000} ms: ` +
          states.map((a) => `${a.network} ${a.state} ${a.last_error ?? ''} cursor ${(a.cursor ?? '').slice(0, 300)}`).join('; ') +
          ` | ${app.stderrTail.slice(-8).join(' | ')}`,
      );
    }

    // The final checks, against the servers' own records.
    const posted = networks.postedReplies();
    // Replies only: the scheduled posts the servers also record are checked on their own below.
    report.repliesPosted = posted.filter((p) => {
      const token = replyToken(p.text);
      return !token || isReply(token);
    }).length;
    report.messagesWritten = networks.written();
    withDiskCopy(dataDir, (db) => {
      report.corruption.push(...soundnessProblems(db).map((p) => `at the end: ${p}`));
      report.duplicates.push(...duplicateRemoteIds(db));
      report.losses.push(...missingMessages(db, networks.expected).map((m) => `not stored: ${m}`));
      report.messagesStored = messageCount(db);
      const accounts = accountsByNetwork(db);
      const replies = storedReplies(db);
      report.repliesQueued = replies.length;
      for (const reply of replies) report.repliesByNetwork[reply.network] += 1;
      const byToken = new Map(replies.map((r) => [r.token, r]));
      for (const token of queued) if (!byToken.has(token)) report.losses.push(`queued reply lost: ${token}`);
      const postsByToken = new Map<string, typeof posted>();
      const publishedByToken = new Map<string, typeof posted>();
      for (const post of posted) {
        const token = replyToken(post.text);
        if (!token) continue;
        if (!isReply(token)) {
          publishedByToken.set(token, [...(publishedByToken.get(token) ?? []), post]);
          continue;
        }
        postsByToken.set(token, [...(postsByToken.get(token) ?? []), post]);
      }
      for (const [token, posts] of postsByToken) {
        if (posts.length > 1) report.repliesPostedTwice.push(`${posts[0]!.network} ${token} ×${posts.length}`);
        if (!byToken.has(token)) report.repliesPostedTwice.push(`${posts[0]!.network} ${token} posted but unknown to the app`);
      }
      for (const reply of replies) {
        const onNetwork = postsByToken.get(reply.token) ?? [];
        if (reply.state !== 'sent') report.repliesNotDelivered.push(`${reply.network} ${reply.token} is ${reply.state}`);
        else if (onNetwork.length === 0) report.repliesNotDelivered.push(`${reply.network} ${reply.token} is sent but not on the network`);
        else if (!onNetwork.some((p) => p.remoteId === reply.remoteId)) {
          report.repliesNotDelivered.push(`${reply.network} ${reply.token} recorded as ${reply.remoteId}, posted as ${onNetwork[0]!.remoteId}`);
        }
        if (reply.copies > 1) report.duplicates.push(`${reply.network} reply ${reply.token} stored ${reply.copies} times (a polled copy beside ours)`);
      }
      // Scheduled posts: once on each network, recorded as published with the network's id.
      report.postsScheduled = scheduled.length;
      const scheduledTokens = new Set(scheduled);
      for (const [token, copies] of publishedByToken) {
        if (!scheduledTokens.has(token)) report.postsPublishedTwice.push(`${token} published but never scheduled by the app`);
        for (const network of ['mastodon', 'bluesky'] as const) {
          const on = copies.filter((c) => c.network === network);
          if (on.length > 1) report.postsPublishedTwice.push(`${network} ${token} ×${on.length}`);
        }
      }
      for (const token of scheduled) {
        const copies = publishedByToken.get(token) ?? [];
        const recorded = postTargetRecords(db, token);
        for (const network of ['mastodon', 'bluesky'] as const) {
          const on = copies.filter((c) => c.network === network);
          const record = recorded.find((r) => r.network === network);
          if (on.length === 0) report.postsLost.push(`${network} ${token} not on the network (${record?.state ?? 'no target'})`);
          else if (!record || record.state !== 'published') report.postsLost.push(`${network} ${token} on the network but ${record?.state ?? 'no target'} in the app`);
          else if (!on.some((c) => c.remoteId === record.remoteId)) report.postsLost.push(`${network} ${token} recorded as ${record.remoteId}, published as ${on[0]!.remoteId}`);
        }
      }
      if (Object.keys(accounts).length !== 3) report.failures.push(`accounts connected: ${Object.keys(accounts).join(', ')}`);
    });
  } finally {
    await networks.close();
    rmSync(scratch, { recursive: true, force: true });
    report.durationMs = Date.now() - started;
  }
  return report;
}

function lossesByNetwork(losses: string[]): string {
  const counts = new Map<string, number>();
  for (const loss of losses) {
    const network = /(mastodon|bluesky|youtube)/.exec(loss)?.[1] ?? 'queued replies';
    counts.set(network, (counts.get(network) ?? 0) + 1);
  }
  return [...counts].map(([network, n]) => `${network} ${n}`).join(', ');
}

/** The report as the lines the CLI prints. */
export function describeCrashReport(r: CrashReport): string[] {
  const list = (items: string[]) => (items.length === 0 ? '0' : `${items.length}\n      ${items.slice(0, 20).join('\n      ')}`);
  return [
    `seed ${r.seed}, ${(r.durationMs / 1000).toFixed(1)} s`,
    `kills survived: ${r.killsSurvived} of ${r.killsRequested} (${Object.entries(r.killsByMode).map(([m, n]) => `${m} ${n}`).join(', ')})`,
    `  inside an open ingest transaction: ${r.killsInsideIngest}; after a network posted a reply, before the app recorded it: ${r.killsAfterRemotePost}`,
    `messages written by the community: ${Object.entries(r.messagesWritten).map(([n, c]) => `${n} ${c}`).join(', ')}; stored: ${r.messagesStored}`,
    `replies queued: ${r.repliesQueued} (${Object.entries(r.repliesByNetwork).map(([n, c]) => `${n} ${c}`).join(', ')}); posted: ${r.repliesPosted}`,
    `corruption: ${list(r.corruption)}`,
    `duplicates: ${list(r.duplicates)}`,
    `losses: ${list(r.losses)}${r.losses.length > 20 ? `\n      (by network: ${lossesByNetwork(r.losses)})` : ''}`,
    `replies posted twice: ${list(r.repliesPostedTwice)}`,
    `posts scheduled: ${r.postsScheduled} (each for Mastodon and Bluesky); kills after a network published one, before the app recorded it: ${r.killsAfterRemotePublish}`,
    `posts lost: ${list(r.postsLost)}`,
    `posts published twice: ${list(r.postsPublishedTwice)}`,
    `replies not delivered: ${list(r.repliesNotDelivered)}`,
    `other failures: ${list(r.failures)}`,
  ];
}
