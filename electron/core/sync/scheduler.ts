/**
 * The sync scheduler: decides which account polls when, and turns each poll's outcome into the
 * account's next step.
 *
 * - One loop per account: a timer makes the account due; due accounts wait in one queue, and at
 *   most `concurrency` polls run at once (urgent `pollNow` requests first).
 * - Interval: the account's own, else the default setting (read at each poll, so a changed setting
 *   applies at once), with ±10% jitter so that accounts drift apart.
 * - Rate limits: `remaining: 0` waits for the reset; a 429 blocks only that account until its
 *   `retryAfterMs`; a daily quota (YouTube) is a `QuotaBudget` shared by the network's accounts,
 *   paced over the day and leaving a reserve for the outbox's replies and moderation.
 * - Failures: network, 5xx and bad responses back off exponentially with jitter and recover by
 *   themselves (offline is normal: quiet logs, the account stays `ok`); an `auth` error first asks
 *   the connector to refresh the credentials, else marks the account `needs-sign-in` and stops
 *   polling it until `resume` (nothing queued for it is touched).
 * - Push: once an account has caught up, a connector that can push (IMAP IDLE) gets a watch that
 *   asks for a poll when news arrive (`pollNow`); it is closed when the account is paused,
 *   removed, stopped or signed in again, and polling at the interval goes on underneath.
 * - A page and its cursor are committed together by `store.commitPage`; the cursor is re-read from
 *   the store before every poll, so a failed commit re-polls from the old cursor and never skips.
 */
import type { SyncStatus } from '../../../shared/contract';
import { errorCodeFor } from '../../../shared/errors';
import { ERROR_KINDS, type AppError, type ErrorKind, type Network, type RateLimit } from '../../../shared/model';
import { backoffDelay, redact } from '../connectors/http';
import { canRefreshCredentials, type ConnectorRegistry } from '../connectors/registry';
import { ConnectorError, type AccountContext, type AccountWatch, type Connector, type PollResult } from '../connectors/types';
import { QuotaBudget } from './quota-budget';
import type { AccountSyncPatch, CommitResult, CredentialsProvider, SyncAccount, SyncStore } from './store';

/** Where the scheduler writes what it does. Messages and fields never carry secrets. */
export interface SyncLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Timer functions, injected so that tests drive time. */
export interface SchedulerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How a network's daily quota is spent by polling. */
export interface QuotaPolicy {
  /** Units per quota day. */
  limit: number;
  /** The zone whose midnight starts a new quota day. */
  timeZone: string;
  /**
   * Units one poll is expected to cost, checked before polling. The connector reports what a poll
   * really cost in `PollResult.rateLimit.quotaUsed` (units spent by that poll); absent, this is charged.
   */
  pollCostUnits: number;
  /** Units polling never touches, kept for the outbox's writes. */
  reserveUnits: number;
}

export interface SyncSchedulerOptions {
  store: SyncStore;
  registry: ConnectorRegistry;
  credentials: CredentialsProvider;
  /** Receives every `sync.status` event. */
  emit: (status: SyncStatus) => void;
  /** Called after a committed page changed the inbox (the core emits `inbox.changed`). */
  onIngested?: (accountId: number, result: CommitResult) => void;
  /** The default poll interval setting, seconds; read at each poll. */
  defaultIntervalSeconds: () => number;
  /** Polls running at once, all accounts together. Default 3. */
  concurrency?: number;
  clock?: { now(): number };
  timers?: SchedulerTimers;
  /** Random numbers in [0, 1) for jitter. */
  random?: () => number;
  logger?: SyncLogger;
  /** Daily quotas by network id (from the networks' descriptors). Default: none. */
  quotas?: Partial<Record<Network, QuotaPolicy>>;
  /** Backoff after failures: first delay around `baseMs`, doubling up to `capMs`. Default 5 s, 15 min. */
  backoff?: { baseMs: number; capMs: number };
  /** Delay before fetching the next page when a poll says it has more. Default 1 s. */
  hasMoreDelayMs?: number;
}

/** setTimeout cannot wait longer than this; longer waits are re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const silentLogger: SyncLogger = { debug() {}, info() {}, warn() {}, error() {} };

const realTimers: SchedulerTimers = {
  // A planned poll alone must not keep the process alive (tests, a CLI that forgot to stop).
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The scheduler's in-memory state of one account. The store holds everything that must survive. */
interface AccountLoop {
  id: number;
  network: Network;
  timer: unknown;
  /** When the armed timer makes the account due. */
  dueAt: number | null;
  queued: boolean;
  /** Queued by `pollNow` or `resume`: goes before accounts that are merely due. */
  urgent: boolean;
  polling: boolean;
  /** A `pollNow` came while polling: poll again right after. */
  pollAgain: boolean;
  paused: boolean;
  /** Waiting for a new sign-in (or a connector that cannot poll it): only `resume` restarts it. */
  stopped: boolean;
  /** Consecutive failures, for the backoff. */
  failures: number;
  /** No request before this instant (rate limit reset, quota day end), even on `pollNow`. */
  blockedUntil: number;
  /** Units the last poll cost, for quota pacing. */
  lastPollCost: number | null;
  /** `pollNow` callers waiting for the next poll to finish (told whether a poll ran). */
  waiters: ((polled: boolean) => void)[];
  /** The connector's push connection, once the account has caught up (see `Connector.watch`). */
  watch: AccountWatch | null;
}

function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** Any thrown value as an AppError, with the account's secrets removed from its message. */
function describeFailure(err: unknown, secrets: readonly string[], fallback: ErrorKind = 'internal'): AppError {
  if (err instanceof ConnectorError) {
    return { kind: err.kind, code: err.code, message: redact(err.message, secrets), detail: err.detail === null ? null : redact(err.detail, secrets) };
  }
  const kind = (err as { kind?: unknown } | null)?.kind;
  const message = err instanceof Error ? err.message : String(err);
  const known = isErrorKind(kind) ? kind : fallback;
  return { kind: known, code: errorCodeFor(known), message: redact(message, secrets) };
}

/** Schedules and runs every account's polls. See the file comment for the rules. */
export class SyncScheduler {
  private readonly store: SyncStore;
  private readonly registry: ConnectorRegistry;
  private readonly credentials: CredentialsProvider;
  private readonly emit: (status: SyncStatus) => void;
  private readonly onIngested: (accountId: number, result: CommitResult) => void;
  private readonly defaultIntervalSeconds: () => number;
  private readonly concurrency: number;
  private readonly clock: { now(): number };
  private readonly timers: SchedulerTimers;
  private readonly random: () => number;
  private readonly logger: SyncLogger;
  private readonly quotaPolicies: Partial<Record<Network, QuotaPolicy>>;
  private readonly budgets = new Map<Network, QuotaBudget>();
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly hasMoreDelayMs: number;

  private readonly loops = new Map<number, AccountLoop>();
  private readonly queue: AccountLoop[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private running = 0;
  private started = false;

  constructor(options: SyncSchedulerOptions) {
    this.store = options.store;
    this.registry = options.registry;
    this.credentials = options.credentials;
    this.emit = options.emit;
    this.onIngested = options.onIngested ?? (() => {});
    this.defaultIntervalSeconds = options.defaultIntervalSeconds;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 3));
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.quotaPolicies = options.quotas ?? {};
    this.backoff = options.backoff ?? { baseMs: 5_000, capMs: 15 * 60_000 };
    this.hasMoreDelayMs = options.hasMoreDelayMs ?? 1_000;
    for (const [network, policy] of Object.entries(this.quotaPolicies) as [Network, QuotaPolicy | undefined][]) {
      if (!policy) continue;
      this.budgets.set(network, new QuotaBudget({ limit: policy.limit, timeZone: policy.timeZone, now: () => this.now() }));
    }
  }

  private now(): number {
    return this.clock.now();
  }

  /**
   * The daily quota budget of a network, or null when it has none. The outbox charges what its
   * actions spend here (and checks `canSpend`), so that polling plans with the same figures.
   */
  quotaBudget(network: Network): QuotaBudget | null {
    return this.budgets.get(network) ?? null;
  }

  /** Starts polling every account that is neither paused nor waiting for a sign-in. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.restoreQuotaUse(this.store.listAccounts());
    this.refreshAccounts();
    this.logger.info('sync started', { accounts: this.loops.size, concurrency: this.concurrency });
  }

  /**
   * Stops scheduling: clears every timer and the queue, and resolves once the polls already
   * running have finished (their pages are still committed). `pollNow` callers are released.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const loop of this.loops.values()) {
      this.disarm(loop);
      this.closeWatch(loop);
      loop.queued = false;
      loop.pollAgain = false;
    }
    this.queue.length = 0;
    await Promise.all([...this.inFlight]);
    for (const loop of this.loops.values()) this.releaseWaiters(loop);
    this.logger.info('sync stopped');
  }

  /**
   * Re-reads the account list: starts loops for new accounts, forgets removed ones, and re-plans
   * accounts that are idle (e.g. signed in again and set back to `ok` by the core).
   */
  refreshAccounts(): void {
    const accounts = this.store.listAccounts();
    const seen = new Set<number>();
    for (const account of accounts) {
      seen.add(account.id);
      let loop = this.loops.get(account.id);
      if (!loop) {
        loop = this.newLoop(account);
        this.loops.set(account.id, loop);
      }
      loop.paused = account.paused;
      if (loop.paused) this.closeWatch(loop);
      // The store's state wins, except during a poll, whose outcome will set it.
      if (!loop.polling && account.state === 'needs-sign-in') loop.stopped = true;
      else if (!loop.polling && account.state === 'ok') loop.stopped = false;
      if (!this.started) continue;
      const idle = loop.timer === null && !loop.queued && !loop.polling;
      if (idle && !loop.paused && !loop.stopped) this.planFirstPoll(loop, account);
      else if (idle) this.emitStatus(account);
    }
    for (const id of [...this.loops.keys()]) if (!seen.has(id)) this.forget(id);
  }

  /**
   * Polls an account as soon as a slot is free, ahead of merely due accounts. Resolves when that
   * poll has finished, or at once when the account cannot be polled now (unknown, paused, the
   * scheduler stopped, or a rate limit / quota in force: the poll then stays planned at the reset).
   * An account waiting for a sign-in is tried again (the user may have fixed it).
   * Resolves with whether a poll ran: the account's stored state then says how it went.
   */
  pollNow(accountId: number): Promise<boolean> {
    const loop = this.loops.get(accountId);
    if (!this.started || !loop || loop.paused) return Promise.resolve(false);
    if (this.now() < loop.blockedUntil) {
      const account = this.store.getAccount(accountId);
      if (account) this.emitStatus(account);
      return Promise.resolve(false);
    }
    loop.stopped = false;
    return new Promise<boolean>((resolve) => {
      loop.waiters.push(resolve);
      if (loop.polling) loop.pollAgain = true;
      else this.enqueue(loop, true);
    });
  }

  /** Stops polling an account until `resume`; a poll already running finishes. Persisted. */
  pause(accountId: number): void {
    const loop = this.loops.get(accountId);
    if (!loop) return;
    loop.paused = true;
    loop.pollAgain = false;
    this.disarm(loop);
    this.closeWatch(loop);
    this.dequeue(loop);
    this.releaseWaiters(loop);
    this.store.updateAccountSync(accountId, { paused: true, nextPollAt: null });
    const account = this.store.getAccount(accountId);
    if (account) this.emitStatus(account);
    this.logger.info('account paused', { accountId });
  }

  /**
   * Resumes a paused account, or one waiting for a sign-in (after the core stored new credentials):
   * polls it now, unless a rate limit or quota is in force (then at its reset). Persisted.
   */
  resume(accountId: number): void {
    let loop = this.loops.get(accountId);
    const account = this.store.getAccount(accountId);
    if (!account) return;
    if (!loop) {
      loop = this.newLoop(account);
      this.loops.set(accountId, loop);
    }
    loop.paused = false;
    loop.stopped = false;
    loop.failures = 0;
    // New credentials may have come with it: the next caught-up poll opens a fresh watch.
    this.closeWatch(loop);
    this.store.updateAccountSync(accountId, { paused: false });
    this.logger.info('account resumed', { accountId });
    if (!this.started || loop.polling || loop.queued) return;
    if (this.now() < loop.blockedUntil) this.arm(loop, loop.blockedUntil);
    else this.enqueue(loop, true);
  }

  /**
   * An account's settings changed (a higher read cap, another API version): a wait that the old
   * settings imposed is lifted and the account polled now with the new ones. A network that still
   * refuses (its own rate limit) blocks it again with its own reset.
   */
  settingsChanged(accountId: number): void {
    const loop = this.loops.get(accountId);
    if (!loop || loop.paused) return;
    loop.blockedUntil = 0;
    loop.stopped = false;
    loop.failures = 0;
    if (!this.started) return;
    if (loop.polling) loop.pollAgain = true;
    else if (!loop.queued) {
      this.disarm(loop);
      this.enqueue(loop, true);
    }
  }

  /**
   * The poll interval setting changed: re-plans the accounts that wait for their regular interval
   * (not those backing off, waiting for a rate limit, or paced by a daily quota).
   */
  intervalsChanged(): void {
    if (!this.started) return;
    const now = this.now();
    for (const loop of this.loops.values()) {
      if (loop.timer === null || loop.failures > 0 || now < loop.blockedUntil || loop.paused || loop.stopped) continue;
      if (this.budgets.has(loop.network)) continue;
      const account = this.store.getAccount(loop.id);
      if (!account) continue;
      const from = account.lastPollAt ?? now;
      this.arm(loop, Math.max(now, Math.min(loop.dueAt ?? now, from + this.intervalMs(account))));
    }
  }

  /** The current status of every account, as `sync.status` payloads. */
  statuses(): SyncStatus[] {
    const out: SyncStatus[] = [];
    for (const account of this.store.listAccounts()) out.push(this.statusOf(account));
    return out;
  }

  // ---- planning -------------------------------------------------------------------------------

  private newLoop(account: SyncAccount): AccountLoop {
    return {
      id: account.id,
      network: account.network,
      timer: null,
      dueAt: null,
      queued: false,
      urgent: false,
      polling: false,
      pollAgain: false,
      paused: account.paused,
      stopped: account.state === 'needs-sign-in',
      failures: 0,
      blockedUntil: 0,
      lastPollCost: null,
      waiters: [],
      watch: null,
    };
  }

  /** At start (or when an account appears): poll now, unless a stored rate limit is still in force. */
  private planFirstPoll(loop: AccountLoop, account: SyncAccount): void {
    const now = this.now();
    const rl = account.rateLimit;
    if (rl && rl.remaining !== null && rl.remaining <= 0 && rl.resetAt !== null && rl.resetAt > now) {
      loop.blockedUntil = Math.max(loop.blockedUntil, rl.resetAt);
    }
    this.arm(loop, Math.max(now, loop.blockedUntil));
  }

  /** Quota use survives a restart through the accounts' stored rate limits. */
  private restoreQuotaUse(accounts: SyncAccount[]): void {
    for (const account of accounts) {
      const budget = this.budgets.get(account.network);
      const rl = account.rateLimit;
      if (budget && rl && typeof rl.quotaUsed === 'number' && rl.resetAt !== null) budget.restore(rl.quotaUsed, rl.resetAt);
    }
  }

  private intervalMs(account: SyncAccount): number {
    const seconds = account.intervalSeconds ?? this.defaultIntervalSeconds();
    const jitter = 1 + (this.random() - 0.5) * 0.2;
    return Math.max(1_000, Math.round(seconds * 1000 * jitter));
  }

  /** Makes the account due at `at` (persisted as its next poll time). */
  private arm(loop: AccountLoop, at: number): void {
    this.disarm(loop);
    if (!this.started || loop.paused || loop.stopped || this.loops.get(loop.id) !== loop) return;
    loop.dueAt = at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.now()));
    loop.timer = this.timers.setTimeout(() => this.onDue(loop), delay);
  }

  private disarm(loop: AccountLoop): void {
    if (loop.timer !== null) this.timers.clearTimeout(loop.timer);
    loop.timer = null;
    loop.dueAt = null;
  }

  private onDue(loop: AccountLoop): void {
    loop.timer = null;
    if (!this.started || loop.paused || loop.stopped || this.loops.get(loop.id) !== loop) return;
    const dueAt = loop.dueAt ?? this.now();
    // Waits longer than setTimeout allows are re-armed until their time.
    if (this.now() < dueAt) return this.arm(loop, dueAt);
    loop.dueAt = null;
    this.enqueue(loop, false);
  }

  private enqueue(loop: AccountLoop, urgent: boolean): void {
    if (!this.started) return;
    this.disarm(loop);
    if (loop.polling) {
      loop.pollAgain ||= urgent;
      return;
    }
    if (loop.queued) {
      if (urgent && !loop.urgent) {
        this.dequeue(loop);
      } else return;
    }
    loop.queued = true;
    loop.urgent = urgent;
    if (urgent) {
      // After the other urgent ones, before every merely due account.
      const firstDue = this.queue.findIndex((l) => !l.urgent);
      this.queue.splice(firstDue === -1 ? this.queue.length : firstDue, 0, loop);
    } else {
      this.queue.push(loop);
    }
    this.pump();
  }

  private dequeue(loop: AccountLoop): void {
    const index = this.queue.indexOf(loop);
    if (index !== -1) this.queue.splice(index, 1);
    loop.queued = false;
    loop.urgent = false;
  }

  /** Starts queued polls while slots are free. */
  private pump(): void {
    while (this.started && this.running < this.concurrency && this.queue.length > 0) {
      const loop = this.queue.shift();
      if (!loop) break;
      loop.queued = false;
      loop.urgent = false;
      this.run(loop);
    }
  }

  private run(loop: AccountLoop): void {
    this.running++;
    loop.polling = true;
    const waiters = loop.waiters;
    loop.waiters = [];
    const task = this.pollAccount(loop)
      .catch((err: unknown) => {
        // pollAccount handles every expected failure; this is a bug, kept from stopping the loop.
        this.logger.error('unexpected sync failure', { accountId: loop.id, error: describeFailure(err, []).message });
        if (this.started && !loop.paused && !loop.stopped) this.arm(loop, this.now() + this.nextBackoff(loop));
      })
      .finally(() => {
        this.running--;
        loop.polling = false;
        this.inFlight.delete(task);
        for (const resolve of waiters) resolve(true);
        const again = loop.pollAgain;
        loop.pollAgain = false;
        const canPoll = this.started && !loop.paused && !loop.stopped && this.now() >= loop.blockedUntil;
        if (again && canPoll && this.loops.get(loop.id) === loop) this.enqueue(loop, true);
        // Asked during this poll and not polled again: the poll that just ended is the answer.
        else this.releaseWaiters(loop, true);
        this.pump();
      });
    this.inFlight.add(task);
  }

  private releaseWaiters(loop: AccountLoop, polled = false): void {
    const waiters = loop.waiters;
    loop.waiters = [];
    for (const resolve of waiters) resolve(polled);
  }

  private forget(id: number): void {
    const loop = this.loops.get(id);
    if (!loop) return;
    this.disarm(loop);
    this.closeWatch(loop);
    this.dequeue(loop);
    loop.pollAgain = false;
    this.releaseWaiters(loop);
    this.loops.delete(id);
  }

  // ---- one poll -------------------------------------------------------------------------------

  /** Polls one account once and plans its next poll from the outcome. */
  private async pollAccount(loop: AccountLoop): Promise<void> {
    const account = this.store.getAccount(loop.id);
    if (!account) return this.forget(loop.id);
    if (account.paused) {
      loop.paused = true;
      return this.emitStatus(account);
    }
    const now = this.now();
    if (now < loop.blockedUntil) return this.waitUntil(loop, account, loop.blockedUntil);

    const policy = this.quotaPolicies[account.network];
    const budget = this.budgets.get(account.network);
    if (policy && budget && !budget.canSpend(this.expectedPollCost(loop, policy) + policy.reserveUnits)) {
      this.logger.info('daily quota spent: polling resumes when it resets', {
        accountId: account.id,
        network: account.network,
        resetAt: new Date(budget.resetAt).toISOString(),
      });
      loop.blockedUntil = budget.resetAt;
      return this.waitUntil(loop, account, budget.resetAt, { rateLimit: this.withQuota(account.network, account.rateLimit) });
    }

    let connector: Connector;
    try {
      connector = this.registry.get(account.network);
    } catch (err) {
      return this.stopPolling(loop, account, 'error', describeFailure(err, [], 'not-supported'));
    }

    let credentials: Record<string, string> | null;
    try {
      credentials = await this.credentials.get(account.id);
    } catch (err) {
      // The keychain may be locked or unavailable for a while: retry later, as for a network error.
      return this.afterFailure(loop, account, describeFailure(err, [], 'keychain-unavailable'), 'error');
    }
    if (!credentials) {
      return this.stopPolling(loop, account, 'needs-sign-in', {
        kind: 'auth',
        code: 'sign-in-refused',
        message: 'No credentials are stored for this account: sign in again.',
      });
    }
    const secrets = Object.values(credentials);

    this.emitStatus(account, true);
    let page: PollResult;
    try {
      page = await this.fetchPage(connector, account, credentials, secrets);
    } catch (err) {
      return this.afterPollError(loop, account, err, secrets);
    }
    this.chargeQuota(loop, account.network, page.rateLimit?.quotaUsed ?? null);

    let committed: CommitResult;
    try {
      committed = this.store.commitPage(account.id, { items: page.items, cursor: page.cursor, deleted: page.deleted });
    } catch (err) {
      // Nothing of the page was written, cursor included: the next poll fetches it again.
      this.logger.error('could not store a polled page; it will be fetched again', {
        accountId: account.id,
        error: describeFailure(err, secrets).message,
      });
      return this.afterFailure(loop, account, describeFailure(err, secrets, 'storage'), 'error');
    }

    for (const skipped of page.skipped) {
      this.logger.warn('skipped an item the connector could not read', {
        accountId: account.id,
        remoteId: skipped.remoteId,
        reason: redact(skipped.reason, secrets),
      });
    }
    if (committed.newMessageIds.length > 0 || committed.conversationIds.length > 0) {
      try {
        this.onIngested(account.id, committed);
      } catch (err) {
        this.logger.error('inbox change listener failed', { accountId: account.id, error: describeFailure(err, secrets).message });
      }
    }
    this.afterSuccess(loop, account, page);
    if (!page.hasMore) this.openWatch(loop, connector, account, credentials);
  }

  /** Opens the connector's push connection for a caught-up account (once; see `Connector.watch`). */
  private openWatch(loop: AccountLoop, connector: Connector, account: SyncAccount, credentials: Record<string, string>): void {
    if (!connector.watch || loop.watch || !this.started || loop.paused || loop.stopped || this.loops.get(loop.id) !== loop) return;
    const ctx: AccountContext = {
      accountId: account.id,
      network: account.network,
      serverUrl: account.serverUrl,
      remoteId: account.remoteId,
      handle: account.handle,
      credentials,
    };
    try {
      loop.watch = connector.watch(ctx, () => {
        if (this.loops.get(loop.id) !== loop || !loop.watch) return;
        this.logger.debug('the network pushed news: polling now', { accountId: loop.id });
        void this.pollNow(loop.id);
      });
      this.logger.debug('push connection opened', { accountId: loop.id });
    } catch (err) {
      this.logger.warn('could not open the push connection; polling at the interval', {
        accountId: loop.id,
        error: describeFailure(err, Object.values(credentials)).message,
      });
    }
  }

  private closeWatch(loop: AccountLoop): void {
    const watch = loop.watch;
    loop.watch = null;
    if (!watch) return;
    watch.close().catch((err: unknown) => this.logger.debug('push connection closed with an error', { accountId: loop.id, error: describeFailure(err, []).message }));
  }

  /** One poll; on `auth`, refreshes the credentials (where the network allows) and polls once more. */
  private async fetchPage(
    connector: Connector,
    account: SyncAccount,
    credentials: Record<string, string>,
    secrets: string[],
  ): Promise<PollResult> {
    const contextWith = (creds: Record<string, string>): AccountContext => ({
      accountId: account.id,
      network: account.network,
      serverUrl: account.serverUrl,
      remoteId: account.remoteId,
      handle: account.handle,
      credentials: creds,
      settings: account.settings ?? {},
      ...(this.store.knownRemoteIds ? { knownRemoteIds: (ids: string[]) => this.store.knownRemoteIds!(account.id, ids) } : {}),
      onCredentialsRefreshed: async (fresh) => {
        secrets.push(...Object.values(fresh));
        await this.credentials.set(account.id, fresh);
        this.logger.info('credentials refreshed by the connector', { accountId: account.id });
      },
    });
    const ctx = contextWith(credentials);
    try {
      return await connector.poll(ctx, account.cursor);
    } catch (err) {
      if (!(err instanceof ConnectorError && err.kind === 'auth') || !canRefreshCredentials(connector)) throw err;
      this.logger.info('credentials refused: refreshing them', { accountId: account.id });
      const fresh = await connector.refreshCredentials(ctx);
      secrets.push(...Object.values(fresh));
      await this.credentials.set(account.id, fresh);
      return await connector.poll(contextWith(fresh), account.cursor);
    }
  }

  private afterSuccess(loop: AccountLoop, account: SyncAccount, page: PollResult): void {
    const now = this.now();
    loop.failures = 0;
    let next = now + (page.hasMore ? this.hasMoreDelayMs : this.intervalMs(account));
    const rl = page.rateLimit;
    if (rl && rl.remaining !== null && rl.remaining <= 0 && rl.resetAt !== null && rl.resetAt > now) {
      // The window is used up: the next request would be refused.
      loop.blockedUntil = rl.resetAt;
      next = Math.max(next, rl.resetAt);
    }
    next = Math.max(next, this.quotaPacedTime(loop, account.network, now));
    // For a quota network, `rl.quotaUsed` is what this poll cost; the stored figure is the day's total.
    const rateLimit = this.budgets.has(account.network) ? this.withQuota(account.network, rl) : rl;
    this.arm(loop, next);
    this.update(account.id, {
      state: 'ok',
      lastPollAt: now,
      nextPollAt: loop.paused || !this.started ? null : next,
      rateLimit,
      lastError: null,
    });
    this.logger.debug('polled', { accountId: account.id, hasMore: page.hasMore, next: new Date(next).toISOString() });
  }

  private afterPollError(loop: AccountLoop, account: SyncAccount, err: unknown, secrets: readonly string[]): void {
    const error = describeFailure(err, secrets);
    const policy = this.quotaPolicies[account.network];
    const budget = this.budgets.get(account.network);
    // Google charges refused requests too; a request that never got an answer costs nothing.
    if (policy && budget && error.kind !== 'network') this.chargeQuota(loop, account.network, null);

    if (!(err instanceof ConnectorError)) {
      this.logger.error('connector failed unexpectedly', { accountId: account.id, error: error.message });
      return this.afterFailure(loop, account, error, 'error');
    }
    switch (err.kind) {
      case 'auth':
        return this.stopPolling(loop, account, 'needs-sign-in', error);
      case 'rate-limited': {
        const now = this.now();
        // A refusal without a wait, or one that lasts until the quota day ends, means the day's
        // quota is spent: for every account of the network, not only this one.
        const quotaSpent = budget !== undefined && (err.retryAfterMs === null || now + err.retryAfterMs >= budget.resetAt - 60_000);
        if (err.retryAfterMs !== null && !quotaSpent) {
          const until = now + Math.max(0, err.retryAfterMs);
          loop.blockedUntil = until;
          this.logger.info('rate limited: this account waits for the reset', { accountId: account.id, until: new Date(until).toISOString() });
          const rateLimit: RateLimit = { ...(account.rateLimit ?? { limit: null }), remaining: 0, resetAt: until };
          return this.waitUntil(loop, account, until, { state: 'ok', lastError: error, rateLimit });
        }
        if (budget && quotaSpent) {
          budget.exhaust();
          loop.blockedUntil = Math.max(budget.resetAt, now + (err.retryAfterMs ?? 0));
          this.logger.info('daily quota spent: polling resumes when it resets', {
            accountId: account.id,
            resetAt: new Date(budget.resetAt).toISOString(),
          });
          return this.waitUntil(loop, account, loop.blockedUntil, {
            state: 'ok',
            lastError: error,
            rateLimit: this.withQuota(account.network, account.rateLimit),
          });
        }
        return this.afterFailure(loop, account, error, 'ok');
      }
      case 'not-supported':
        return this.stopPolling(loop, account, 'error', error);
      case 'network':
        // Offline or a server hiccup: normal, quiet, and the account is not "in error".
        return this.afterFailure(loop, account, error, account.state === 'error' ? 'error' : 'ok');
      case 'bad-response':
        this.logger.warn('unexpected answer from the network', { accountId: account.id, error: error.message });
        return this.afterFailure(loop, account, error, 'error');
    }
  }

  /** A transient failure: retry after an exponential backoff with jitter. */
  private afterFailure(loop: AccountLoop, account: SyncAccount, error: AppError, state: SyncAccount['state']): void {
    const next = Math.max(this.now() + this.nextBackoff(loop), loop.blockedUntil);
    this.logger.debug('poll failed; retrying later', {
      accountId: account.id,
      kind: error.kind,
      failures: loop.failures,
      next: new Date(next).toISOString(),
    });
    this.arm(loop, next);
    this.update(account.id, { state, lastError: error, nextPollAt: loop.paused || !this.started ? null : next });
  }

  private nextBackoff(loop: AccountLoop): number {
    loop.failures++;
    return backoffDelay(loop.failures - 1, this.backoff.baseMs, this.backoff.capMs, this.random);
  }

  /** No poll until `until` (a rate limit or a quota day): not a failure, no backoff. */
  private waitUntil(loop: AccountLoop, account: SyncAccount, until: number, patch: AccountSyncPatch = {}): void {
    this.arm(loop, until);
    this.update(account.id, { ...patch, nextPollAt: loop.paused || !this.started ? null : until });
  }

  /** Stops polling the account until `resume` (sign-in needed, or no connector can poll it). */
  private stopPolling(loop: AccountLoop, account: SyncAccount, state: SyncAccount['state'], error: AppError): void {
    loop.stopped = true;
    loop.pollAgain = false;
    this.disarm(loop);
    this.closeWatch(loop);
    this.dequeue(loop);
    this.logger.warn(state === 'needs-sign-in' ? 'account needs a new sign-in; polling stopped' : 'polling stopped', {
      accountId: account.id,
      kind: error.kind,
      error: error.message,
    });
    this.update(account.id, { state, lastError: error, nextPollAt: null });
  }

  /** Writes a poll's outcome and announces it (the poll is over: `polling` false). */
  private update(accountId: number, patch: AccountSyncPatch): void {
    this.store.updateAccountSync(accountId, patch);
    const account = this.store.getAccount(accountId);
    if (account) this.emitStatus(account, false);
  }

  // ---- quota ----------------------------------------------------------------------------------

  private expectedPollCost(loop: AccountLoop, policy: QuotaPolicy): number {
    return Math.max(policy.pollCostUnits, loop.lastPollCost ?? 0);
  }

  private chargeQuota(loop: AccountLoop, network: Network, reported: number | null): void {
    const policy = this.quotaPolicies[network];
    const budget = this.budgets.get(network);
    if (!policy || !budget) return;
    const cost = reported !== null && Number.isFinite(reported) && reported >= 0 ? reported : policy.pollCostUnits;
    budget.charge(cost);
    loop.lastPollCost = cost;
  }

  /**
   * The earliest next poll that keeps the network's accounts within the day's quota: what is left
   * (minus the outbox's reserve) spread evenly until the reset. The reset itself when nothing is left.
   */
  private quotaPacedTime(loop: AccountLoop, network: Network, now: number): number {
    const policy = this.quotaPolicies[network];
    const budget = this.budgets.get(network);
    if (!policy || !budget) return now;
    const cost = this.expectedPollCost(loop, policy);
    const spendable = budget.remaining - policy.reserveUnits;
    if (spendable < cost) {
      loop.blockedUntil = budget.resetAt;
      return budget.resetAt;
    }
    let sharing = 0;
    for (const other of this.loops.values()) if (other.network === network && !other.paused && !other.stopped) sharing++;
    const pollsLeft = spendable / (cost * Math.max(1, sharing));
    return now + Math.floor((budget.resetAt - now) / pollsLeft);
  }

  /** The account's rate limit with the network's quota figures added (what the UI shows). */
  private withQuota(network: Network, rateLimit: RateLimit | null): RateLimit | null {
    const budget = this.budgets.get(network);
    if (!budget) return rateLimit;
    const quota = budget.snapshot();
    return {
      limit: rateLimit?.limit ?? null,
      remaining: rateLimit?.remaining ?? null,
      // The quota day's end, unless a shorter window is in force.
      resetAt:
        rateLimit?.resetAt != null && rateLimit.remaining === 0 && rateLimit.resetAt > this.now()
          ? rateLimit.resetAt
          : quota.resetAt,
      quotaUsed: quota.used,
      quotaLimit: quota.limit,
    };
  }

  // ---- statuses -------------------------------------------------------------------------------

  private statusOf(account: SyncAccount, polling?: boolean): SyncStatus {
    const loop = this.loops.get(account.id);
    return {
      accountId: account.id,
      state: account.paused ? 'paused' : account.state,
      polling: polling ?? loop?.polling ?? false,
      lastPollAt: account.lastPollAt,
      nextPollAt: account.paused ? null : account.nextPollAt,
      lastError: account.lastError,
      rateLimit: account.rateLimit,
    };
  }

  private emitStatus(account: SyncAccount, polling?: boolean): void {
    try {
      this.emit(this.statusOf(account, polling));
    } catch (err) {
      this.logger.error('sync status listener failed', { accountId: account.id, error: describeFailure(err, []).message });
    }
  }
}
