/**
 * The outbox executor: delivers queued actions to the networks, exactly once, in order per
 * conversation, with retries.
 *
 * - Claim: a due row turns `sending` (attempts + 1) in its own transaction before the network call.
 * - Success: the row turns `sent` and the local message gets its remote id, in one transaction.
 * - Failure: `failed` with exponential backoff (a rate limit waits for its reset; an expired sign-in
 *   waits for the account to be signed in again), `dead` after `maxAttempts` or when the network
 *   cannot do it; the user sees it and can retry or discard.
 * - After a crash, a row found `sending` may or may not have reached the network: it is reconciled
 *   first (the connector looks for the remote result; networks with an Idempotency-Key replay the
 *   same key), and only resent when the network has nothing.
 */
import type { Db } from '../db/connection';
import { backoffDelay, redact } from '../connectors/http';
import { ConnectorError, type AccountContext, type Connector, type ModerateRequest, type ReplyRequest, type ReplyResult } from '../connectors/types';
import type { OutboxRow, ReplyPayload } from './queue';

export interface ModeratePayload {
  action: ModerateRequest['action'];
  messageRemoteId: string;
  authorRemoteId: string;
  conversationRemoteId: string;
  reason?: string;
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
  /** Units one write costs on a quota network (YouTube: comments.insert and setModerationStatus cost 50). */
  writeCostUnits?: number;
  /** Networks that replay an Idempotency-Key: a `sending` row is simply sent again with it. */
  idempotentNetworks?: ReadonlySet<string>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const TERMINAL_KINDS = new Set(['not-supported']);

export class OutboxExecutor {
  private readonly db: Db;
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

  /** Something was queued (or the network came back): deliver now. */
  wake(): void {
    if (!this.timersEnabled) return;
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
    try {
      do {
        this.kick = false;
        for (let row = this.nextDue(); row && !this.closed; row = this.nextDue()) {
          await this.deliver(row);
        }
      } while (this.kick && !this.closed);
    } finally {
      this.running = false;
    }
    this.armTimer();
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
      this.fail(row, new ConnectorError('auth', 'The account needs to be signed in again'), false);
      return;
    }
    const quota = this.opts.quotaFor?.(ctx.network) ?? null;
    const cost = this.opts.writeCostUnits ?? 50;
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
      this.fail(row, e, TERMINAL_KINDS.has(e.kind));
    }
  }

  private succeedReply(row: OutboxRow, result: ReplyResult): void {
    this.db.transaction(() => {
      // The poll may have fetched our own reply before we recorded it: keep ours, drop the copy.
      const copies = this.db
        .prepare<[number, string, number], { id: number }>(
          'SELECT id FROM messages WHERE account_id = ? AND remote_id = ? AND id <> ?',
        )
        .all(row.account_id, result.remoteId, row.message_id ?? -1);
      for (const copy of copies) {
        this.db.prepare('DELETE FROM messages_fts WHERE rowid = ?').run(copy.id);
        this.db.prepare('DELETE FROM messages WHERE id = ?').run(copy.id);
        this.db.prepare('UPDATE conversations SET message_count = message_count - 1 WHERE id = ?').run(row.conversation_id);
      }
      if (row.message_id !== null) {
        this.db
          .prepare('UPDATE messages SET remote_id = ?, permalink = ?, extra = ? WHERE id = ?')
          .run(result.remoteId, result.permalink ?? null, result.extra ? JSON.stringify(result.extra) : null, row.message_id);
      }
      this.db
        .prepare(`UPDATE outbox SET state = 'sent', remote_result = ?, last_error = NULL, updated_at = ? WHERE id = ?`)
        .run(JSON.stringify(result), this.now(), row.id);
      this.db
        .prepare('INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, ?, ?, ?)')
        .run(this.now(), 'system', row.conversation_id, 'reply-sent', JSON.stringify({ remoteId: result.remoteId }));
    })();
    this.changed(row);
  }

  private fail(row: OutboxRow, err: ConnectorError, terminal: boolean): void {
    const attempts = row.attempts + 1;
    const dead = terminal || attempts >= this.maxAttempts;
    const backoff = this.opts.backoff ?? { baseMs: 2_000, capMs: 10 * 60_000 };
    let delay = backoffDelay(attempts - 1, backoff.baseMs, backoff.capMs, this.opts.random);
    if (err.kind === 'rate-limited' && err.retryAfterMs !== null) delay = Math.max(delay, err.retryAfterMs);
    // Signed out: nothing to do until the account is signed in again (resume wakes the outbox).
    if (err.kind === 'auth') delay = Math.max(delay, 5 * 60_000);
    const message = redact(err.message);
    this.db
      .prepare('UPDATE outbox SET state = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?')
      .run(dead ? 'dead' : 'failed', `${err.kind}: ${message}`, this.now() + delay, this.now(), row.id);
    this.opts.log?.(dead ? 'error' : 'warn', `outbox ${row.kind} #${row.id} ${dead ? 'gave up' : 'will retry'}: ${err.kind}`);
    this.changed(row);
  }

  private changed(row: OutboxRow): void {
    if (row.conversation_id !== null) this.opts.onChange([row.conversation_id]);
  }
}
