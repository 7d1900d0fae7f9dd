/**
 * The outbox executor: delivers queued actions to the networks, exactly once, in order per
 * conversation, with retries.
 *
 * - Claim: a due row turns `sending` (attempts + 1) in its own transaction before the network call.
 * - Success: the row turns `sent` and the local message gets its remote id, in one transaction.
 * - Failure: `failed` with exponential backoff (a rate limit waits for its reset), `dead` after
 *   `maxAttempts` or when the network cannot do it; the user sees it and can retry or discard.
 * - Signed out (no credentials, or refused while the account needs a new sign-in): the row waits
 *   for the sign-in without using up its attempts, so it is never lost to `dead`; `wake()` (which
 *   the core calls after a sign-in or a resume) makes it due again at once.
 * - After a crash, a row found `sending` may or may not have reached the network: it is reconciled
 *   first (the connector looks for the remote result; networks with an Idempotency-Key replay the
 *   same key), and only resent when the network has nothing.
 */
import type { ActivityKind } from '../../../shared/model';
import type { Db } from '../db/connection';
import { createMessageWriter, type MessageWriter } from '../db/messages';
import { backoffDelay, redact } from '../connectors/http';
import { ConnectorError, type AccountContext, type Connector, type ModerateRequest, type ReplyRequest, type ReplyResult } from '../connectors/types';
import type { OutboxRow, ReplyPayload } from './queue';

export interface ModeratePayload {
  action: ModerateRequest['action'];
  messageRemoteId: string;
  authorRemoteId: string;
  conversationRemoteId: string;
  reason?: string;
  /** Days a ban lasts (absent: the network's default, permanent where it allows). */
  durationDays?: number;
  messageExtra?: Record<string, unknown>;
}

export interface OutboxExecutorOptions {
  db: Db;
  /** The connector of an account's network, or null when none is registered. */
  connectorFor(accountId: number): Connector | null;
  /** Builds the account's context with its credentials (from the keychain); null when signed out. */
  contextFor(accountId: number): Promise<AccountContext | null>;
  /** Called after rows changed state (the core emits `inbox.changed`). */
  onChange(conversationIds: number[]): void;
  now?: () => number;
  random?: () => number;
  maxAttempts?: number;
  backoff?: { baseMs: number; capMs: number };
  /**
   * A network's daily quota (YouTube), shared with polling: a write is charged before it is sent,
   * and waits for the quota day to end when the budget is spent.
   */
  quotaFor?(network: string): { canSpend(units: number): boolean; charge(units: number): void; resetAt: number } | null;
  /** Units one write costs on a quota network (from its descriptor: YouTube's comments.insert costs 50). */
  writeCostFor?(network: string): number;
  /** Networks that replay an Idempotency-Key: a `sending` row is simply sent again with it. */
  idempotentNetworks?: ReadonlySet<string>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const TERMINAL_KINDS = new Set(['not-supported']);
/** After the store refused a write, delivery waits this long before trying again. */
const STORAGE_RETRY_MS = 10_000;
/** How `last_error` starts for a row waiting for its account's sign-in. */
const SIGN_IN_WAIT = 'auth: ';
/** A row waiting for a sign-in is tried again this often by itself (a wake tries it sooner). */
const SIGN_IN_RETRY_MS = 5 * 60_000;

export class OutboxExecutor {
  private readonly db: Db;
  private readonly writer: MessageWriter;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Timers drive delivery only once started; `drain()` can always be called directly. */
  private timersEnabled = false;
  private closed = false;
  private kick = false;

  constructor(private readonly opts: OutboxExecutorOptions) {
    this.db = opts.db;
    this.writer = createMessageWriter(opts.db);
    this.now = opts.now ?? Date.now;
    this.maxAttempts = opts.maxAttempts ?? 6;
  }

  start(): void {
    if (this.closed) return;
    this.timersEnabled = true;
    this.wake();
  }

  /** Stops for good (the core is closing): no new delivery starts. */
  stop(): void {
    this.closed = true;
    this.timersEnabled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Something was queued, or an account was signed in again or resumed: deliver now. Rows waiting
   * for a sign-in are tried again at once (an attempt that is refused again costs them nothing).
   */
  wake(): void {
    if (!this.timersEnabled) return;
    this.db
      .prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'failed' AND last_error LIKE ? AND next_attempt_at > ?`)
      .run(this.now(), `${SIGN_IN_WAIT}%`, this.now());
    if (this.running) {
      this.kick = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), 0);
    this.timer.unref?.();
  }

  /** Delivers every due row, then sleeps until the next one is due. Resolves when idle. */
  async drain(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    let storageFailed = false;
    try {
      do {
        this.kick = false;
        for (let row = this.nextDue(); row && !this.closed; row = this.nextDue()) {
          await this.deliver(row);
        }
      } while (this.kick && !this.closed);
    } catch (err) {
      // The store refused a write (full disk, read-only volume). The row keeps the state it had
      // (a `sending` row is reconciled before any resend), and delivery pauses instead of
      // retrying at once in a loop, or taking the process down with an unhandled rejection.
      storageFailed = true;
      this.opts.log?.('error', `outbox paused, the store refused a write: ${redact((err as Error)?.message ?? String(err))}`);
    } finally {
      this.running = false;
    }
    if (storageFailed) this.armAfterStorageFailure();
    else this.armTimer();
  }

  private armAfterStorageFailure(): void {
    if (!this.timersEnabled || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), STORAGE_RETRY_MS);
    this.timer.unref?.();
  }

  /** The oldest due row whose conversation has nothing earlier still waiting (order per conversation). */
  private nextDue(): OutboxRow | null {
    return (
      this.db
        .prepare<[number], OutboxRow>(`
          SELECT o.* FROM outbox o
          WHERE o.state IN ('queued', 'failed', 'sending') AND o.next_attempt_at <= ?
            AND NOT EXISTS (
              SELECT 1 FROM outbox e
              WHERE e.conversation_id = o.conversation_id AND e.id < o.id AND e.state IN ('queued', 'sending', 'failed'))
          ORDER BY o.id LIMIT 1`)
        .get(this.now()) ?? null
    );
  }

  private armTimer(): void {
    if (!this.timersEnabled || this.closed) return;
    const next = this.db
      .prepare<[], { at: number | null }>(`SELECT min(next_attempt_at) AS at FROM outbox WHERE state IN ('queued', 'failed', 'sending')`)
      .get()?.at;
    if (next === null || next === undefined) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const connector = this.opts.connectorFor(row.account_id);
    const wasSending = row.state === 'sending';
    this.db
      .prepare(`UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`)
      .run(this.now(), row.id);
    this.changed(row);
    if (!connector) {
      this.fail(row, new ConnectorError('not-supported', 'No connector for this network'), true);
      return;
    }
    const ctx = await this.opts.contextFor(row.account_id).catch(() => null);
    if (this.closed) return;
    if (!ctx) {
      this.waitForSignIn(row, new ConnectorError('auth', 'The account needs to be signed in again'));
      return;
    }
    const quota = this.opts.quotaFor?.(ctx.network) ?? null;
    const cost = this.opts.writeCostFor?.(ctx.network) ?? 0;
    if (quota && !quota.canSpend(cost)) {
      const wait = Math.max(0, quota.resetAt - this.now());
      // Waiting for the quota is not a failed attempt: it must never make the action dead.
      this.db.prepare('UPDATE outbox SET attempts = attempts - 1 WHERE id = ?').run(row.id);
      this.fail({ ...row, attempts: row.attempts - 1 }, new ConnectorError('rate-limited', 'The daily quota is spent; this waits for the next quota day', wait), false);
      return;
    }
    quota?.charge(cost);
    try {
      if (row.kind === 'reply') {
        const payload = JSON.parse(row.payload) as ReplyPayload;
        const req: ReplyRequest = {
          conversationRemoteId: payload.conversationRemoteId,
          parentRemoteId: payload.parentRemoteId,
          text: payload.text,
          idempotencyKey: row.idempotency_key,
          parentExtra: payload.parentExtra,
          ...(payload.private ? { private: true } : {}),
        };
        let result: ReplyResult | null = null;
        // A row left in `sending` by a crash, or retried after an error that may have hidden a
        // success: look for the reply on the network before sending it again.
        const mayExist = wasSending || row.attempts > 0;
        if (mayExist && !this.opts.idempotentNetworks?.has(ctx.network) && connector.findReply) {
          result = await connector.findReply(ctx, req);
        }
        result ??= await connector.reply(ctx, req);
        this.succeedReply(row, result);
      } else {
        const payload = JSON.parse(row.payload) as ModeratePayload;
        const out = await connector.moderate(ctx, { ...payload, idempotencyKey: row.idempotency_key });
        this.db
          .prepare(`UPDATE outbox SET state = 'sent', remote_result = ?, last_error = NULL, updated_at = ? WHERE id = ?`)
          .run(JSON.stringify(out.remoteResult ?? { ok: true }), this.now(), row.id);
        this.changed(row);
      }
    } catch (err) {
      const e = err instanceof ConnectorError ? err : new ConnectorError('bad-response', (err as Error).message);
      if (e.kind === 'auth' && this.needsSignIn(row.account_id)) this.waitForSignIn(row, e);
      else this.fail(row, e, TERMINAL_KINDS.has(e.kind));
    }
  }

  /** True when polling found that the account must be signed in again. */
  private needsSignIn(accountId: number): boolean {
    const account = this.db.prepare<[number], { state: string }>('SELECT state FROM accounts WHERE id = ?').get(accountId);
    return account?.state === 'needs-sign-in';
  }

  /**
   * The account is signed out: the row waits for the new sign-in. Waiting is not a failed attempt
   * (the claim's count is taken back), so however long the user takes, the action is never `dead`.
   */
  private waitForSignIn(row: OutboxRow, err: ConnectorError): void {
    this.db
      .prepare(`UPDATE outbox SET state = 'failed', attempts = max(0, attempts - 1), last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`)
      .run(`${SIGN_IN_WAIT}[${err.code}] ${redact(err.message)}`, this.now() + SIGN_IN_RETRY_MS, this.now(), row.id);
    this.opts.log?.('warn', `outbox ${row.kind} #${row.id} waits for the account to be signed in again`);
    this.changed(row);
  }

  private succeedReply(row: OutboxRow, result: ReplyResult): void {
    this.db.transaction(() => {
      // The poll may have fetched our own reply before we recorded it: the writer keeps ours, drops the copy.
      this.writer.confirmReply(row.account_id, row.message_id, result);
      this.db
        .prepare(`UPDATE outbox SET state = 'sent', remote_result = ?, last_error = NULL, updated_at = ? WHERE id = ?`)
        .run(JSON.stringify(result), this.now(), row.id);
      this.db
        .prepare('INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, ?, ?, ?)')
        .run(this.now(), 'system', row.conversation_id, 'reply-sent' satisfies ActivityKind, JSON.stringify({ remoteId: result.remoteId }));
    })();
    this.changed(row);
  }

  private fail(row: OutboxRow, err: ConnectorError, terminal: boolean): void {
    const attempts = row.attempts + 1;
    // No answer at all (offline, server unreachable) says nothing against the action: it waits
    // for the connection however long that takes, instead of dying after a few tries. The
    // attempts still count, so that the next try looks for a reply that may have gone through.
    const unanswered = err.kind === 'network' && err.status === null;
    const dead = terminal || (attempts >= this.maxAttempts && !unanswered);
    const backoff = this.opts.backoff ?? { baseMs: 2_000, capMs: 10 * 60_000 };
    let delay = backoffDelay(attempts - 1, backoff.baseMs, backoff.capMs, this.opts.random);
    if (err.kind === 'rate-limited' && err.retryAfterMs !== null) delay = Math.max(delay, err.retryAfterMs);
    // Refused credentials on an account that polls fine (a token that just expired, a missing
    // permission): polling renews or flags them meanwhile; a wake tries again sooner.
    if (err.kind === 'auth') delay = Math.max(delay, SIGN_IN_RETRY_MS);
    const message = redact(err.message);
    this.db
      .prepare('UPDATE outbox SET state = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?')
      .run(dead ? 'dead' : 'failed', `${err.kind}: [${err.code}] ${message}`, this.now() + delay, this.now(), row.id);
    this.opts.log?.(dead ? 'error' : 'warn', `outbox ${row.kind} #${row.id} ${dead ? 'gave up' : 'will retry'}: ${err.kind}`);
    this.changed(row);
  }

  private changed(row: OutboxRow): void {
    if (row.conversation_id !== null) this.opts.onChange([row.conversation_id]);
  }
}
