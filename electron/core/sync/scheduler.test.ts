import { describe, expect, it } from 'vitest';
import { SyncStatus } from '../../../shared/contract';
import type { Network } from '../../../shared/model';
import { createRegistry } from '../connectors/registry';
import {
  ConnectorError,
  notSupported,
  type AccountContext,
  type Capabilities,
  type Connector,
  type NormalizedItem,
  type PollResult,
} from '../connectors/types';
import { SyncScheduler, type QuotaPolicy, type SchedulerTimers, type SyncLogger } from './scheduler';
import { YOUTUBE_QUOTA } from '../connectors/youtube/descriptor';
import type { AccountSyncPatch, CommitResult, SyncAccount, SyncStore } from './store';

// ---- test doubles ---------------------------------------------------------------------------------

/** A clock and timers that only move when the test says so. */
class FakeTime implements SchedulerTimers {
  now: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start: number) {
    this.now = start;
  }

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Lets every pending promise chain run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves the clock forward, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await this.settle();
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
      await this.settle();
    }
    this.now = target;
    await this.settle();
  }

  async advanceTo(at: number): Promise<void> {
    await this.advance(at - this.now);
  }

  pendingTimers(): number {
    return this.timers.size;
  }
}

/** The store in memory: accounts, and messages deduplicated by (account, remote id). */
class MemoryStore implements SyncStore {
  readonly accounts = new Map<number, SyncAccount>();
  readonly messages = new Map<string, { id: number; accountId: number; threadRemoteId: string }>();
  private nextMessageId = 1;
  /** Commits to refuse, as a crash or a full disk would. */
  failCommits = 0;

  add(id: number, network: Network, extra: Partial<SyncAccount> = {}): SyncAccount {
    const account: SyncAccount = {
      id,
      network,
      serverUrl: `https://${network}.example`,
      remoteId: `remote-${id}`,
      handle: `@user${id}`,
      paused: false,
      state: 'ok',
      cursor: null,
      intervalSeconds: null,
      rateLimit: null,
      lastPollAt: null,
      nextPollAt: null,
      lastError: null,
      ...extra,
    };
    this.accounts.set(id, account);
    return account;
  }

  listAccounts(): SyncAccount[] {
    return [...this.accounts.values()].map((a) => ({ ...a }));
  }

  getAccount(id: number): SyncAccount | null {
    const account = this.accounts.get(id);
    return account ? { ...account } : null;
  }

  commitPage(accountId: number, page: { items: NormalizedItem[]; cursor: string | null }): CommitResult {
    if (this.failCommits > 0) {
      this.failCommits--;
      throw new Error('SQLITE_IOERR: disk I/O error');
    }
    const account = this.accounts.get(accountId);
    if (!account) throw new Error('no such account');
    const newMessageIds: number[] = [];
    const threads = new Set<string>();
    for (const item of page.items) {
      const key = `${accountId}:${item.remoteId}`;
      if (this.messages.has(key)) continue;
      const id = this.nextMessageId++;
      this.messages.set(key, { id, accountId, threadRemoteId: item.threadRemoteId });
      newMessageIds.push(id);
      threads.add(item.threadRemoteId);
    }
    if (page.cursor !== null) account.cursor = page.cursor;
    return { newMessageIds, conversationIds: [...threads].map((t) => Number(t.replace(/\D/g, '')) || 1) };
  }

  updateAccountSync(accountId: number, patch: AccountSyncPatch): void {
    const account = this.accounts.get(accountId);
    if (account) Object.assign(account, patch);
  }
}

type PollHandler = (ctx: AccountContext, cursor: string | null, call: number) => Promise<PollResult> | PollResult;

const CAPABILITIES: Capabilities = { maxReplyLength: 500, directMessages: false, reply: true, moderation: [] };

/** A connector whose polls the test scripts; it records every call. */
class FakeConnector implements Connector {
  readonly capabilities = CAPABILITIES;
  readonly calls: { accountId: number; cursor: string | null; at: number; credentials: Record<string, string> }[] = [];

  constructor(
    readonly network: Network,
    private readonly time: FakeTime,
    public handler: PollHandler = (ctx, cursor, call) => page([`${ctx.accountId}-${call}`], `c${call}`),
  ) {}

  callsFor(accountId: number): { cursor: string | null; at: number; credentials: Record<string, string> }[] {
    return this.calls.filter((c) => c.accountId === accountId);
  }

  async verify(): Promise<never> {
    throw notSupported(this.network, 'verify');
  }

  async poll(ctx: AccountContext, cursor: string | null): Promise<PollResult> {
    this.calls.push({ accountId: ctx.accountId, cursor, at: this.time.now, credentials: { ...ctx.credentials } });
    return this.handler(ctx, cursor, this.callsFor(ctx.accountId).length);
  }

  async reply(): Promise<never> {
    throw notSupported(this.network, 'reply');
  }

  async moderate(): Promise<never> {
    throw notSupported(this.network, 'moderate');
  }
}

/** A fake connector that can renew its token. */
class RefreshingConnector extends FakeConnector {
  refreshes = 0;
  refreshWith: (ctx: AccountContext) => Promise<Record<string, string>> = async () => ({
    accessToken: 'fresh-token-SECRET',
    refreshToken: 'refresh-2-SECRET',
  });

  async refreshCredentials(ctx: AccountContext): Promise<Record<string, string>> {
    this.refreshes++;
    return this.refreshWith(ctx);
  }
}

function item(remoteId: string): NormalizedItem {
  return {
    remoteId,
    threadRemoteId: `thread-${remoteId.split('-')[0]}`,
    kind: 'mention',
    direction: 'in',
    author: { remoteId: 'a1', handle: '@fan', name: 'Fan' },
    text: `hello ${remoteId}`,
    createdAt: 1,
  };
}

function page(ids: string[], cursor: string | null, extra: Partial<PollResult> = {}): PollResult {
  return { items: ids.map(item), cursor, hasMore: false, rateLimit: null, skipped: [], ...extra };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0); // 2026-11-24 12:00 UTC, 04:00 in Los Angeles (PST)
const MINUTE = 60_000;

interface SetupOptions {
  start?: number;
  concurrency?: number;
  quotas?: Partial<Record<Network, QuotaPolicy>>;
  time?: FakeTime;
  store?: MemoryStore;
}

function setup(connectors: Connector[], options: SetupOptions = {}) {
  const time = options.time ?? new FakeTime(options.start ?? T0);
  const store = options.store ?? new MemoryStore();
  const credentials = new Map<number, Record<string, string>>();
  const statuses: SyncStatus[] = [];
  const ingested: { accountId: number; result: CommitResult }[] = [];
  const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: SyncLogger = {
    debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  const scheduler = new SyncScheduler({
    store,
    registry: createRegistry(connectors),
    credentials: {
      get: async (id) => credentials.get(id) ?? null,
      set: async (id, creds) => {
        credentials.set(id, { ...creds });
      },
    },
    // Parsing proves every event matches the contract's payload.
    emit: (status) => statuses.push(SyncStatus.parse(status)),
    onIngested: (accountId, result) => ingested.push({ accountId, result }),
    defaultIntervalSeconds: () => 60,
    clock: { now: () => time.now },
    timers: time,
    random: () => 0.5,
    logger,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    // The quotas the core takes from the descriptors: YouTube's unless a test sets its own.
    quotas: options.quotas ?? { youtube: YOUTUBE_QUOTA },
  });
  const addAccount = (id: number, network: Network, extra: Partial<SyncAccount> = {}): SyncAccount => {
    credentials.set(id, { accessToken: `token-${id}-SECRET` });
    return store.add(id, network, extra);
  };
  const lastStatus = (accountId: number): SyncStatus | undefined => statuses.filter((s) => s.accountId === accountId).at(-1);
  return { time, store, credentials, statuses, ingested, logs, scheduler, addAccount, lastStatus };
}

// ---- tests ----------------------------------------------------------------------------------------

describe('SyncScheduler: regular polling', () => {
  it('polls each account at its own interval or the default one, committing each page with its cursor', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.addAccount(2, 'mastodon', { intervalSeconds: 120 });
    t.scheduler.start();
    await time.advance(0);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null]);
    expect(mastodon.callsFor(2).map((c) => c.cursor)).toEqual([null]);

    await time.advance(MINUTE);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, 'c1']);
    expect(mastodon.callsFor(2)).toHaveLength(1);

    await time.advance(MINUTE);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, 'c1', 'c2']);
    expect(mastodon.callsFor(2).map((c) => c.cursor)).toEqual([null, 'c1']);
    expect(mastodon.callsFor(1).map((c) => c.at - T0)).toEqual([0, MINUTE, 2 * MINUTE]);

    expect(t.store.getAccount(1)).toMatchObject({ cursor: 'c3', state: 'ok', lastPollAt: T0 + 2 * MINUTE, nextPollAt: T0 + 3 * MINUTE });
    expect(t.store.messages.size).toBe(5);
    expect(t.ingested.filter((i) => i.accountId === 1)).toHaveLength(3);
    expect(t.ingested[0]?.result.newMessageIds).toHaveLength(1);
    // Each poll is announced (polling) and concluded (not polling) on the status channel.
    const statuses1 = t.statuses.filter((s) => s.accountId === 1);
    expect(statuses1.map((s) => s.polling)).toEqual([true, false, true, false, true, false]);
    expect(t.lastStatus(1)).toMatchObject({ state: 'ok', polling: false, lastError: null, nextPollAt: T0 + 3 * MINUTE });
    await t.scheduler.stop();
  });

  it('calls onIngested only when a page changed the inbox (a page seen twice changes nothing)', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, () => page(['1-same'], 'same'));
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(3 * MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(4);
    expect(t.store.messages.size).toBe(1);
    expect(t.ingested).toHaveLength(1);
    await t.scheduler.stop();
  });

  it('polls again soon while the connector says it has more', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, (_ctx, _cursor, call) =>
      page([`1-${call}`], `c${call}`, { hasMore: call < 3 }),
    );
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(2 * MINUTE);
    expect(mastodon.callsFor(1).map((c) => c.at - T0)).toEqual([0, 1_000, 2_000, 2_000 + MINUTE]);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, 'c1', 'c2', 'c3']);
    await t.scheduler.stop();
  });

  it('applies a changed default interval to accounts waiting for their regular poll', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    let interval = 600;
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    // Rebuild with a settings-backed interval.
    const scheduler = new SyncScheduler({
      store: t.store,
      registry: createRegistry([mastodon]),
      credentials: { get: async () => ({ accessToken: 'x-SECRET' }), set: async () => {} },
      emit: () => {},
      defaultIntervalSeconds: () => interval,
      clock: { now: () => time.now },
      timers: time,
      random: () => 0.5,
    });
    scheduler.start();
    await time.advance(MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(1);
    interval = 30;
    scheduler.intervalsChanged();
    await time.advance(0);
    // Last poll was a minute ago, more than the new 30 s: due now.
    expect(mastodon.callsFor(1)).toHaveLength(2);
    await time.advance(30_000);
    expect(mastodon.callsFor(1)).toHaveLength(3);
    await scheduler.stop();
  });
});

describe('SyncScheduler: rate limits', () => {
  it('a 429 pauses only that account until the reset while another account keeps polling', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, (ctx, _cursor, call) => {
      if (ctx.accountId === 1 && call === 1) throw new ConnectorError('rate-limited', 'GET /api/v1/notifications: 429', 5 * MINUTE, 429);
      return page([`${ctx.accountId}-${call}`], `c${call}`);
    });
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.addAccount(2, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'ok', nextPollAt: T0 + 5 * MINUTE });
    expect(t.lastStatus(1)?.lastError?.kind).toBe('rate-limited');
    expect(t.lastStatus(1)?.rateLimit).toMatchObject({ remaining: 0, resetAt: T0 + 5 * MINUTE });

    // "Sync now" cannot break the rate limit.
    await t.scheduler.pollNow(1);
    expect(mastodon.callsFor(1)).toHaveLength(1);

    await time.advance(5 * MINUTE - 1);
    expect(mastodon.callsFor(1)).toHaveLength(1);
    expect(mastodon.callsFor(2)).toHaveLength(5);

    await time.advance(1);
    expect(mastodon.callsFor(1)).toHaveLength(2);
    expect(mastodon.callsFor(1)[1]).toMatchObject({ cursor: null, at: T0 + 5 * MINUTE });
    expect(t.lastStatus(1)).toMatchObject({ state: 'ok', lastError: null });
    // A rate limit is not a failure: no backoff afterwards, the regular interval resumes.
    await time.advance(MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(3);
    await t.scheduler.stop();
  });

  it('waits for the reset when a page says no request is left in the window', async () => {
    const time = new FakeTime(T0);
    const bluesky = new FakeConnector('bluesky', time, (_ctx, _cursor, call) =>
      page([`1-${call}`], `c${call}`, {
        rateLimit: call === 1 ? { limit: 3000, remaining: 0, resetAt: time.now + 4 * MINUTE } : { limit: 3000, remaining: 2999, resetAt: null },
      }),
    );
    const t = setup([bluesky], { time });
    t.addAccount(1, 'bluesky');
    t.scheduler.start();
    await time.advance(4 * MINUTE - 1);
    expect(bluesky.callsFor(1)).toHaveLength(1);
    expect(t.store.getAccount(1)?.rateLimit).toMatchObject({ remaining: 0, resetAt: T0 + 4 * MINUTE });
    await time.advance(1);
    expect(bluesky.callsFor(1)).toHaveLength(2);
    await t.scheduler.stop();
  });

  it('after a restart, a stored rate limit still in force delays the first poll', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon', { rateLimit: { limit: 300, remaining: 0, resetAt: T0 + 2 * MINUTE } });
    t.addAccount(2, 'mastodon', { rateLimit: { limit: 300, remaining: 0, resetAt: T0 - 1 } });
    t.scheduler.start();
    await time.advance(0);
    expect(mastodon.callsFor(1)).toHaveLength(0);
    expect(mastodon.callsFor(2)).toHaveLength(1);
    await time.advance(2 * MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(1);
    await t.scheduler.stop();
  });
});

describe('SyncScheduler: failures', () => {
  it('backs off exponentially on network errors, quietly, and recovers when the network returns', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, (_ctx, _cursor, call) => {
      if (call <= 4 || call === 6) throw new ConnectorError('network', 'GET https://mastodon.example/api/v1/notifications: ECONNREFUSED');
      return page([`1-${call}`], `c${call}`);
    });
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(10 * MINUTE);
    const at = mastodon.callsFor(1).map((c) => c.at - T0);
    // Equal jitter with random() = 0.5: 3/4 of 5 s · 2^n.
    // Recovered at the 5th poll; the next failure starts the backoff over from its first step.
    expect(at.slice(0, 7)).toEqual([0, 3_750, 11_250, 26_250, 56_250, 56_250 + MINUTE, 56_250 + MINUTE + 3_750]);
    const gaps = at.slice(1, 5).map((v, i) => v - (at[i] ?? 0));
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
    // Offline is normal: the account never shows an error state and nothing is logged above debug.
    expect(t.statuses.filter((s) => s.accountId === 1).every((s) => s.state === 'ok')).toBe(true);
    expect(t.logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'ok', lastError: null, cursor: `c${mastodon.callsFor(1).length}` });
    await t.scheduler.stop();
  });

  it('keeps the jittered backoff within [c/2, c] and capped', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, () => {
      throw new ConnectorError('network', 'timeout of 15000ms exceeded');
    });
    const randoms = [0, 0.999, 0.3, 0.7, 0.1, 0.9, 0.5, 0.2, 0.8, 0.4, 0.6, 0.05];
    let r = 0;
    const store = new MemoryStore();
    store.add(1, 'mastodon');
    const scheduler = new SyncScheduler({
      store,
      registry: createRegistry([mastodon]),
      credentials: { get: async () => ({ accessToken: 'a-SECRET' }), set: async () => {} },
      emit: () => {},
      defaultIntervalSeconds: () => 60,
      clock: { now: () => time.now },
      timers: time,
      random: () => randoms[r++ % randoms.length] ?? 0.5,
      backoff: { baseMs: 1_000, capMs: 20_000 },
    });
    scheduler.start();
    await time.advance(5 * MINUTE);
    const at = mastodon.callsFor(1).map((c) => c.at);
    const gaps = at.slice(1).map((v, i) => v - (at[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(8);
    gaps.forEach((gap, n) => {
      const ceiling = Math.min(20_000, 1_000 * 2 ** n);
      expect(gap).toBeGreaterThanOrEqual(ceiling / 2);
      expect(gap).toBeLessThanOrEqual(ceiling);
    });
    await scheduler.stop();
  });

  it('marks bad responses as an error state, backs off, and returns to ok on success', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, (_ctx, _cursor, call) => {
      if (call === 1) throw new ConnectorError('bad-response', 'GET /api/v1/notifications: 200 not a list');
      if (call === 2) throw new ConnectorError('network', 'GET /api/v1/notifications: 503', null, 503);
      return page([`1-${call}`], `c${call}`);
    });
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'error', lastError: { kind: 'bad-response' }, nextPollAt: T0 + 3_750 });
    await time.advance(3_750);
    // A network error after a bad response keeps the error visible until a poll succeeds.
    expect(t.store.getAccount(1)).toMatchObject({ state: 'error', lastError: { kind: 'network' } });
    await time.advance(7_500);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'ok', lastError: null });
    expect(t.logs.some((l) => l.level === 'warn' && l.message.includes('unexpected answer'))).toBe(true);
    await t.scheduler.stop();
  });

  it('a crash between poll and commit re-polls from the old cursor (never skips)', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, (_ctx, cursor) => {
      const n = cursor === null ? 1 : Number(cursor.slice(1)) + 1;
      return page([`1-${n}`], `c${n}`);
    });
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    expect(t.store.getAccount(1)?.cursor).toBe('c1');

    t.store.failCommits = 1;
    await time.advance(MINUTE);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, 'c1']);
    expect(t.store.getAccount(1)).toMatchObject({ cursor: 'c1', state: 'error', lastError: { kind: 'storage' } });
    expect(t.store.messages.has('1:1-2')).toBe(false);

    // The process dies here; a new scheduler on the same store resumes from the stored cursor.
    await t.scheduler.stop();
    const restarted = setup([mastodon], { time, store: t.store });
    restarted.credentials.set(1, { accessToken: 'token-1-SECRET' });
    restarted.scheduler.start();
    await time.advance(0);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, 'c1', 'c1']);
    expect(t.store.getAccount(1)).toMatchObject({ cursor: 'c2', state: 'ok', lastError: null });
    expect(t.store.messages.has('1:1-2')).toBe(true);
    await restarted.scheduler.stop();
  });

  it('a failed commit is retried with the same cursor by the running scheduler too', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, (_ctx, cursor) => page(['1-x'], cursor === null ? 'c1' : `${cursor}+`));
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.store.failCommits = 1;
    t.scheduler.start();
    await time.advance(3_750);
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, null]);
    expect(t.store.getAccount(1)?.cursor).toBe('c1');
    expect(t.logs.some((l) => l.level === 'error' && l.message.includes('fetched again'))).toBe(true);
    await t.scheduler.stop();
  });
});

describe('SyncScheduler: sign-in', () => {
  it('on auth, refreshes the credentials, stores them and polls again', async () => {
    const time = new FakeTime(T0);
    const youtube = new RefreshingConnector('youtube', time, (ctx, _cursor, call) => {
      if (ctx.credentials.accessToken !== 'fresh-token-SECRET') {
        throw new ConnectorError('auth', `GET /youtube/v3/commentThreads?access_token=${ctx.credentials.accessToken}: 401`, null, 401);
      }
      return page([`1-${call}`], `c${call}`);
    });
    const t = setup([youtube], { time });
    t.addAccount(1, 'youtube');
    t.scheduler.start();
    await time.advance(0);
    expect(youtube.refreshes).toBe(1);
    expect(youtube.callsFor(1).map((c) => c.credentials.accessToken)).toEqual(['token-1-SECRET', 'fresh-token-SECRET']);
    expect(t.credentials.get(1)).toEqual({ accessToken: 'fresh-token-SECRET', refreshToken: 'refresh-2-SECRET' });
    expect(t.store.getAccount(1)).toMatchObject({ state: 'ok', cursor: 'c2', lastError: null });
    await time.advance(MINUTE);
    expect(youtube.refreshes).toBe(1);
    expect(youtube.callsFor(1)).toHaveLength(3);
    expect(JSON.stringify([t.logs, t.statuses, [...t.store.accounts.values()]])).not.toContain('SECRET');
    await t.scheduler.stop();
  });

  it('stores credentials a connector refreshed by itself during a poll', async () => {
    const time = new FakeTime(T0);
    const bluesky = new FakeConnector('bluesky', time, async (ctx) => {
      await ctx.onCredentialsRefreshed?.({ accessJwt: 'jwt-2-SECRET', refreshJwt: 'refresh-2-SECRET' });
      return page(['1-a'], 'c1');
    });
    const t = setup([bluesky], { time });
    t.addAccount(1, 'bluesky');
    t.scheduler.start();
    await time.advance(0);
    expect(t.credentials.get(1)).toEqual({ accessJwt: 'jwt-2-SECRET', refreshJwt: 'refresh-2-SECRET' });
    await t.scheduler.stop();
  });

  it('when the refresh is refused, marks the account needs-sign-in and stops polling it, losing nothing', async () => {
    const time = new FakeTime(T0);
    const youtube = new RefreshingConnector('youtube', time, (ctx, _cursor, call) => {
      if (ctx.accountId === 1 && call > 1) throw new ConnectorError('auth', 'GET /youtube/v3/commentThreads: 401 Authorization: Bearer token-1-SECRET', null, 401);
      return page([`${ctx.accountId}-${call}`], `c${call}`);
    });
    youtube.refreshWith = async () => {
      throw new ConnectorError('auth', 'POST https://oauth2.googleapis.com/token: 400 invalid_grant', null, 400);
    };
    const t = setup([youtube], { time });
    t.addAccount(1, 'youtube');
    t.addAccount(2, 'youtube');
    t.scheduler.start();
    await time.advance(MINUTE);
    expect(youtube.refreshes).toBe(1);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'needs-sign-in', nextPollAt: null, cursor: 'c1', lastError: { kind: 'auth' } });
    expect(t.lastStatus(1)).toMatchObject({ state: 'needs-sign-in', polling: false, nextPollAt: null });
    expect(t.store.messages.has('1:1-1')).toBe(true);

    await time.advance(60 * MINUTE);
    expect(youtube.callsFor(1)).toHaveLength(2);
    expect(youtube.callsFor(2).length).toBeGreaterThan(50);
    expect(JSON.stringify([t.logs, t.statuses, [...t.store.accounts.values()]])).not.toContain('SECRET');

    // Signed in again: the core stores new credentials and resumes the account, from its old cursor.
    t.credentials.set(1, { accessToken: 'new-SECRET' });
    youtube.handler = (ctx, _cursor, call) => page([`${ctx.accountId}-${call}`], `c${call}`);
    t.scheduler.resume(1);
    await time.advance(0);
    expect(youtube.callsFor(1)[2]).toMatchObject({ cursor: 'c1', credentials: { accessToken: 'new-SECRET' } });
    expect(t.store.getAccount(1)).toMatchObject({ state: 'ok', lastError: null });
    await t.scheduler.stop();
  });

  it('a connector that cannot refresh goes straight to needs-sign-in; so does an account without credentials', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time, () => {
      throw new ConnectorError('auth', 'GET /api/v1/notifications: 401 The access token is invalid', null, 401);
    });
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.store.add(2, 'mastodon');
    t.scheduler.start();
    await time.advance(10 * MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(1);
    expect(mastodon.callsFor(2)).toHaveLength(0);
    expect(t.store.getAccount(1)?.state).toBe('needs-sign-in');
    expect(t.store.getAccount(2)).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' } });
    await t.scheduler.stop();
  });

  it('after a restart, an account still waiting for a sign-in is not polled', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon', { state: 'needs-sign-in' });
    t.scheduler.start();
    await time.advance(10 * MINUTE);
    expect(mastodon.calls).toHaveLength(0);
    expect(t.lastStatus(1)).toMatchObject({ state: 'needs-sign-in', nextPollAt: null });
    await t.scheduler.stop();
  });
});

describe('SyncScheduler: control', () => {
  it('never runs more polls at once than the concurrency limit (3 by default)', async () => {
    const time = new FakeTime(T0);
    const gates: { accountId: number; release: () => void }[] = [];
    let running = 0;
    let maxRunning = 0;
    const mastodon = new FakeConnector('mastodon', time, async (ctx, _cursor, call) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const gate = deferred<void>();
      gates.push({ accountId: ctx.accountId, release: () => gate.resolve() });
      await gate.promise;
      running--;
      return page([`${ctx.accountId}-${call}`], `c${call}`);
    });
    const t = setup([mastodon], { time });
    for (let id = 1; id <= 7; id++) t.addAccount(id, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    expect(running).toBe(3);
    expect(gates.map((g) => g.accountId)).toEqual([1, 2, 3]);
    gates[1]?.release();
    await time.settle();
    expect(running).toBe(3);
    expect(gates.map((g) => g.accountId)).toEqual([1, 2, 3, 4]);
    while (gates.some((g) => g.release !== noop)) {
      for (const g of gates) {
        g.release();
        g.release = noop;
      }
      await time.settle();
    }
    expect(mastodon.calls).toHaveLength(7);
    expect(maxRunning).toBe(3);
    await t.scheduler.stop();
  });

  it('pollNow polls at once, ahead of accounts that are merely due, and resolves when done', async () => {
    const time = new FakeTime(T0);
    const first = deferred<PollResult>();
    const mastodon = new FakeConnector('mastodon', time, (ctx, _cursor, call) =>
      ctx.accountId === 1 && call === 1 ? first.promise : page([`${ctx.accountId}-${call}`], `c${call}`),
    );
    const t = setup([mastodon], { time, concurrency: 1 });
    t.addAccount(1, 'mastodon');
    t.addAccount(2, 'mastodon');
    t.addAccount(3, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    expect(mastodon.calls.map((c) => c.accountId)).toEqual([1]);
    let done = false;
    const polled = t.scheduler.pollNow(3).then(() => {
      done = true;
    });
    first.resolve(page(['1-1'], 'c1'));
    await polled;
    expect(done).toBe(true);
    expect(mastodon.calls.map((c) => c.accountId).slice(0, 2)).toEqual([1, 3]);
    await time.settle();
    expect(mastodon.calls.map((c) => c.accountId)).toEqual([1, 3, 2]);

    // Later, between two regular polls: polled at once, and the next regular poll counts from then.
    await time.advance(20_000);
    await t.scheduler.pollNow(1);
    expect(mastodon.callsFor(1).map((c) => c.at - T0)).toEqual([0, 20_000]);
    expect(t.store.getAccount(1)?.nextPollAt).toBe(T0 + 20_000 + MINUTE);
    await time.advance(MINUTE);
    expect(mastodon.callsFor(1).map((c) => c.at - T0)).toEqual([0, 20_000, 20_000 + MINUTE]);
    await t.scheduler.stop();
  });

  it('pollNow during a running poll polls once more right after it', async () => {
    const time = new FakeTime(T0);
    const gate = deferred<PollResult>();
    const mastodon = new FakeConnector('mastodon', time, (_ctx, _cursor, call) => (call === 1 ? gate.promise : page(['1-2'], 'c2')));
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    const polled = t.scheduler.pollNow(1);
    gate.resolve(page(['1-1'], 'c1'));
    await polled;
    expect(mastodon.callsFor(1).map((c) => c.cursor)).toEqual([null, 'c1']);
    await t.scheduler.stop();
  });

  it('pause stops polling an account (persisted, shown as paused) until resume, which polls at once', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.addAccount(2, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    t.scheduler.pause(1);
    expect(t.store.getAccount(1)).toMatchObject({ paused: true, nextPollAt: null });
    expect(t.lastStatus(1)).toMatchObject({ state: 'paused', nextPollAt: null });
    await t.scheduler.pollNow(1);
    await time.advance(10 * MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(1);
    expect(mastodon.callsFor(2)).toHaveLength(11);

    t.scheduler.resume(1);
    await time.advance(0);
    expect(mastodon.callsFor(1)).toHaveLength(2);
    expect(t.store.getAccount(1)).toMatchObject({ paused: false, state: 'ok' });
    expect(t.lastStatus(1)?.state).toBe('ok');
    await time.advance(MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(3);
    await t.scheduler.stop();
  });

  it('a paused account stays paused across a restart', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon', { paused: true });
    t.scheduler.start();
    await time.advance(5 * MINUTE);
    expect(mastodon.calls).toHaveLength(0);
    expect(t.scheduler.statuses()).toEqual([expect.objectContaining({ accountId: 1, state: 'paused' })]);
    await t.scheduler.stop();
  });

  it('stop waits for running polls, keeps their page, and leaves no timer behind', async () => {
    const time = new FakeTime(T0);
    const gate = deferred<PollResult>();
    const mastodon = new FakeConnector('mastodon', time, () => gate.promise);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.addAccount(2, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    let stopped = false;
    const stopping = t.scheduler.stop().then(() => {
      stopped = true;
    });
    await time.settle();
    expect(stopped).toBe(false);
    gate.resolve(page(['x-1'], 'c1'));
    await stopping;
    expect(t.store.getAccount(1)?.cursor).toBe('c1');
    expect(time.pendingTimers()).toBe(0);
    await time.advance(10 * MINUTE);
    expect(mastodon.calls).toHaveLength(2);
  });

  it('picks up added and removed accounts on refreshAccounts', async () => {
    const time = new FakeTime(T0);
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([mastodon], { time });
    t.addAccount(1, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    t.addAccount(2, 'mastodon');
    t.store.accounts.delete(1);
    t.scheduler.refreshAccounts();
    await time.advance(5 * MINUTE);
    expect(mastodon.callsFor(1)).toHaveLength(1);
    expect(mastodon.callsFor(2)).toHaveLength(6);
    await t.scheduler.stop();
  });

  it('an account on a network without a connector is marked in error and not polled', async () => {
    const time = new FakeTime(T0);
    const t = setup([new FakeConnector('mastodon', time)], { time });
    t.addAccount(1, 'reddit');
    t.scheduler.start();
    await time.advance(5 * MINUTE);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'error', nextPollAt: null, lastError: { kind: 'not-supported' } });
    await t.scheduler.stop();
  });
});

describe('SyncScheduler: daily quota (YouTube)', () => {
  // 2026-03-08 is the day Los Angeles moves to daylight time (02:00 PST → 03:00 PDT).
  const DST_DAY_NOON_UTC = Date.UTC(2026, 2, 8, 12); // 05:00 PDT
  const NEXT_PACIFIC_MIDNIGHT = Date.UTC(2026, 2, 9, 7); // 2026-03-09 00:00 PDT
  const smallQuota = { youtube: { limit: 100, timeZone: 'America/Los_Angeles', pollCostUnits: 1, reserveUnits: 0 } };

  it('stops YouTube polling when the quota is spent and resumes after midnight Pacific time', async () => {
    const time = new FakeTime(DST_DAY_NOON_UTC);
    const youtube = new FakeConnector('youtube', time, (_ctx, _cursor, call) =>
      // The first poll walks many videos and spends the whole day's quota.
      page([`1-${call}`], `c${call}`, { rateLimit: { limit: null, remaining: null, resetAt: null, quotaUsed: call === 1 ? 100 : 1 } }),
    );
    const mastodon = new FakeConnector('mastodon', time);
    const t = setup([youtube, mastodon], { time, quotas: smallQuota });
    t.addAccount(1, 'youtube');
    t.addAccount(2, 'mastodon');
    t.scheduler.start();
    await time.advance(0);
    expect(t.store.getAccount(1)).toMatchObject({
      nextPollAt: NEXT_PACIFIC_MIDNIGHT,
      rateLimit: { quotaUsed: 100, quotaLimit: 100, resetAt: NEXT_PACIFIC_MIDNIGHT },
    });
    expect(t.scheduler.quotaBudget('youtube')?.canSpend(1)).toBe(false);
    await t.scheduler.pollNow(1);
    await time.advanceTo(NEXT_PACIFIC_MIDNIGHT - 1);
    expect(youtube.callsFor(1)).toHaveLength(1);
    expect(mastodon.callsFor(2).length).toBeGreaterThan(1000);
    await time.advance(1);
    expect(youtube.callsFor(1).map((c) => c.at)).toEqual([DST_DAY_NOON_UTC, NEXT_PACIFIC_MIDNIGHT]);
    expect(t.store.getAccount(1)?.rateLimit).toMatchObject({ quotaUsed: 1, resetAt: Date.UTC(2026, 2, 10, 7) });
    await t.scheduler.stop();
  });

  it('treats a quotaExceeded refusal as a spent budget, not as an error to retry', async () => {
    const time = new FakeTime(T0);
    const youtube = new FakeConnector('youtube', time, (_ctx, _cursor, call) => {
      if (call === 1) throw new ConnectorError('rate-limited', 'GET /youtube/v3/commentThreads: 403 quotaExceeded', null, 403);
      return page([`1-${call}`], `c${call}`);
    });
    const t = setup([youtube], { time });
    t.addAccount(1, 'youtube');
    t.scheduler.start();
    await time.advance(0);
    const midnight = Date.UTC(2026, 10, 25, 8); // 2026-11-25 00:00 PST
    expect(t.store.getAccount(1)).toMatchObject({ state: 'ok', nextPollAt: midnight, lastError: { kind: 'rate-limited' } });
    expect(t.scheduler.quotaBudget('youtube')?.remaining).toBe(0);
    await time.advanceTo(midnight);
    expect(youtube.callsFor(1).map((c) => c.at)).toEqual([T0, midnight]);
    await t.scheduler.stop();
  });

  it('a refusal lasting until the quota day ends stops every YouTube account, not only the refused one', async () => {
    const time = new FakeTime(T0);
    const midnight = Date.UTC(2026, 10, 25, 8);
    const youtube = new FakeConnector('youtube', time, (ctx, _cursor, call) => {
      if (ctx.accountId === 1 && call === 1) {
        throw new ConnectorError('rate-limited', "YouTube's daily quota is spent (quotaExceeded)", midnight - time.now, 403);
      }
      return page([`${ctx.accountId}-${call}`], `c${call}`);
    });
    const t = setup([youtube], { time, concurrency: 1 });
    t.addAccount(1, 'youtube');
    t.addAccount(2, 'youtube');
    t.scheduler.start();
    await time.advance(0);
    expect(youtube.callsFor(1)).toHaveLength(1);
    expect(youtube.callsFor(2)).toHaveLength(0);
    expect(t.store.getAccount(2)).toMatchObject({ nextPollAt: midnight });
    await time.advanceTo(midnight);
    expect(youtube.callsFor(1).map((c) => c.at)).toEqual([T0, midnight]);
    expect(youtube.callsFor(2).map((c) => c.at)).toEqual([midnight]);
    await t.scheduler.stop();
  });

  it('spreads what is left of the quota over the rest of the day, keeping the reserve for the outbox', async () => {
    const time = new FakeTime(T0); // 04:00 PST: 20 hours to the reset
    const youtube = new FakeConnector('youtube', time);
    const quotas = { youtube: { limit: 1_101, timeZone: 'America/Los_Angeles', pollCostUnits: 1, reserveUnits: 1_000 } };
    const t = setup([youtube], { time, quotas });
    t.addAccount(1, 'youtube');
    t.addAccount(2, 'youtube');
    t.scheduler.start();
    await time.advance(0);
    // 1,101 − 2 spent − 1,000 reserved = 99 units left for 2 accounts over 20 h: a poll every 20 h / (99 / 2).
    const budget = t.scheduler.quotaBudget('youtube');
    expect(budget?.used).toBe(2);
    const secondPoll = t.store.getAccount(2)?.nextPollAt ?? 0;
    expect(secondPoll - T0).toBe(Math.floor((20 * 60 * MINUTE) / (99 / 2)));
    expect(secondPoll - T0).toBeGreaterThan(MINUTE);
    // Polls stop once only the reserve is left; the reserve stays for replies and moderation.
    await time.advance(20 * 60 * MINUTE - 1);
    expect(budget?.used).toBeLessThanOrEqual(101);
    expect(budget?.used).toBeGreaterThan(90);
    expect(budget?.canSpend(1_000)).toBe(true);
    await t.scheduler.stop();
  });

  it('the day’s quota use survives a restart', async () => {
    const time = new FakeTime(T0);
    const youtube = new FakeConnector('youtube', time, (_ctx, _cursor, call) =>
      page([`1-${call}`], `c${call}`, { rateLimit: { limit: null, remaining: null, resetAt: null, quotaUsed: 100 } }),
    );
    const first = setup([youtube], { time, quotas: smallQuota });
    first.addAccount(1, 'youtube');
    first.scheduler.start();
    await time.advance(0);
    await first.scheduler.stop();
    await time.advance(MINUTE);

    const second = setup([youtube], { time, store: first.store, quotas: smallQuota });
    second.credentials.set(1, { accessToken: 'token-1-SECRET' });
    second.scheduler.start();
    await time.advance(MINUTE);
    expect(youtube.callsFor(1)).toHaveLength(1);
    expect(second.scheduler.quotaBudget('youtube')?.used).toBe(100);
    await second.scheduler.stop();
  });
});

function noop(): void {}

/** A fake connector that can push (IMAP IDLE): records the watches it opened and closed. */
class PushingConnector extends FakeConnector {
  readonly watches: { accountId: number; credentials: Record<string, string>; push: () => void; closed: boolean }[] = [];

  watch(ctx: AccountContext, onChange: () => void) {
    const entry = { accountId: ctx.accountId, credentials: { ...ctx.credentials }, push: onChange, closed: false };
    this.watches.push(entry);
    return {
      close: async () => {
        entry.closed = true;
      },
    };
  }

  open(accountId: number) {
    return this.watches.filter((w) => w.accountId === accountId && !w.closed);
  }
}

describe('SyncScheduler: push (watch)', () => {
  it('opens one watch once the account caught up; a push polls at once, not at the interval', async () => {
    const time = new FakeTime(T0);
    const mailbox = new PushingConnector('mailbox', time, (_ctx, _cursor, call) => page([`1-${call}`], `c${call}`, { hasMore: call < 2 }));
    const t = setup([mailbox], { time });
    t.addAccount(1, 'mailbox');
    t.scheduler.start();
    await time.advance(0);
    // Still reading pages: no watch yet.
    expect(mailbox.watches).toHaveLength(0);
    await time.advance(1_000);
    expect(mailbox.callsFor(1)).toHaveLength(2);
    expect(mailbox.open(1)).toHaveLength(1);
    expect(mailbox.open(1)[0]!.credentials).toEqual({ accessToken: 'token-1-SECRET' });

    await time.advance(10_000);
    mailbox.open(1)[0]!.push();
    await time.advance(0);
    expect(mailbox.callsFor(1).map((c) => c.at - T0)).toEqual([0, 1_000, 11_000]);
    expect(t.store.messages.size).toBe(3);
    // Polls after that do not open a second watch.
    await time.advance(2 * MINUTE);
    expect(mailbox.watches).toHaveLength(1);
    await t.scheduler.stop();
    expect(mailbox.open(1)).toHaveLength(0);
  });

  it('closes the watch on pause, on removal and when the account needs a new sign-in; a push after close polls nothing', async () => {
    const time = new FakeTime(T0);
    let refuse = false;
    const mailbox = new PushingConnector('mailbox', time, (_ctx, _cursor, call) => {
      if (refuse) throw new ConnectorError('auth', 'password refused');
      return page([`1-${call}`], `c${call}`);
    });
    const t = setup([mailbox], { time });
    t.addAccount(1, 'mailbox');
    t.addAccount(2, 'mailbox');
    t.scheduler.start();
    await time.advance(0);
    expect(mailbox.open(1)).toHaveLength(1);
    expect(mailbox.open(2)).toHaveLength(1);

    const first = mailbox.open(1)[0]!;
    t.scheduler.pause(1);
    expect(first.closed).toBe(true);
    first.push();
    await time.advance(0);
    expect(mailbox.callsFor(1)).toHaveLength(1);
    // Resumed: polled at once, and a fresh watch after that poll.
    t.scheduler.resume(1);
    await time.advance(0);
    expect(mailbox.callsFor(1)).toHaveLength(2);
    expect(mailbox.open(1)).toHaveLength(1);
    expect(mailbox.open(1)[0]).not.toBe(first);

    // Removed from the store: the next refresh forgets it and closes its watch.
    t.store.accounts.delete(2);
    t.scheduler.refreshAccounts();
    expect(mailbox.open(2)).toHaveLength(0);

    // The password is refused on the next poll: needs sign-in, watch closed.
    refuse = true;
    mailbox.open(1)[0]!.push();
    await time.advance(0);
    expect(t.store.getAccount(1)).toMatchObject({ state: 'needs-sign-in' });
    expect(mailbox.open(1)).toHaveLength(0);
    await t.scheduler.stop();
  });
});
