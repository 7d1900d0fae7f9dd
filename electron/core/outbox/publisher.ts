/**
 * The publish job, alongside the outbox executor and in its style: delivers scheduled post
 * targets exactly once, at their time, with retries.
 *
 * - Schedule: a target's `scheduled_at` is the user's time; `next_attempt_at` is when delivery acts
 *   next. A network that schedules posts itself (Mastodon) is handed the post as soon as it is
 *   scheduled far enough ahead, so it goes out with the computer off; the others are sent at the time.
 * - Claim: a due target turns `publishing` (attempts + 1, how it is sent noted) in its own
 *   transaction before the network call; the result is recorded in one transaction after it.
 * - Failure: `failed` with exponential backoff (a rate limit waits for its reset; no answer at all
 *   waits for the connection however long it takes); given up (`next_attempt_at` NULL) after
 *   `maxAttempts` or when the network cannot do it.
 * - Crash: a target found `publishing` is sent again with the same request and the same key (its
 *   uid): Mastodon replays its Idempotency-Key, Bluesky's record key is derived from it, so the
 *   network answers the first post instead of making a second.
 * - Closed: at start, a target whose time passed while Parvis was not running is set aside as
 *   `needs-decision` (publish now or reschedule), never sent late without asking; one the network
 *   held is not affected.
 */
import type { Db } from '../db/connection';
import { NotFoundError } from '../db/conversations';
import { idempotencyKeyOf, publishedText, type PostRow, type TargetRow } from '../db/posts';
import { backoffDelay, redact } from '../connectors/http';
import { ConnectorError, type AccountContext, type Connector, type PublishMedia, type PublishRequest, type PublishResult } from '../connectors/types';

export interface PublisherOptions {
  db: Db;
  connectorFor(accountId: number): Connector | null;
  contextFor(accountId: number): Promise<AccountContext | null>;
  /** The images a target publishes, in order, from the media library (absent: text only). */
  mediaFor?(target: TargetRow): PublishMedia[];
  /** Called with the post ids whose targets changed state. */
  onChange?(postIds: number[]): void;
  now?: () => number;
  random?: () => number;
  maxAttempts?: number;
  backoff?: { baseMs: number; capMs: number };
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** After a network-held post's time, how long before asking the network whether it went out. */
const CONFIRM_AFTER_MS = 60_000;
/** How often a network-held post past its time is asked about again while the network still holds it. */
const CONFIRM_AGAIN_MS = 5 * 60_000;
/** A signed-out account's target is tried again this often (a wake tries it sooner). */
const SIGN_IN_RETRY_MS = 5 * 60_000;

export type Decision = { action: 'publish-now' } | { action: 'reschedule'; at: number };

export class Publisher {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private timersEnabled = false;
  private closed = false;
  private kick = false;

  constructor(private readonly opts: PublisherOptions) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.maxAttempts = opts.maxAttempts ?? 6;
  }

  /**
   * At start, before any delivery: targets whose time passed while Parvis was closed wait for the
   * user's decision. Returns their ids.
   */
  recoverAtStart(): number[] {
    const late = this.db
      .prepare<[number], { id: number; post_id: number }>(
        `SELECT id, post_id FROM post_targets
         WHERE scheduled_at < ? AND remote_scheduled_id IS NULL
           AND (state = 'scheduled' OR (state = 'failed' AND next_attempt_at IS NOT NULL))`,
      )
      .all(this.now());
    const mark = this.db.prepare(`UPDATE post_targets SET state = 'needs-decision', next_attempt_at = NULL, updated_at = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const t of late) mark.run(this.now(), t.id);
    })();
    if (late.length > 0) {
      this.opts.log?.('info', `publishing: ${late.length} post target(s) came due while Parvis was closed; they wait for a decision`);
      this.opts.onChange?.([...new Set(late.map((t) => t.post_id))]);
    }
    return late.map((t) => t.id);
  }

  start(): void {
    if (this.closed) return;
    this.timersEnabled = true;
    this.wake();
  }

  stop(): void {
    this.closed = true;
    this.timersEnabled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Something was scheduled, or the connection came back: deliver what is due now. */
  wake(): void {
    if (!this.timersEnabled) return;
    // Targets waiting for the connection try again at once.
    this.db
      .prepare(`UPDATE post_targets SET next_attempt_at = ? WHERE state = 'failed' AND last_error LIKE 'network:%' AND next_attempt_at > ?`)
      .run(this.now(), this.now());
    if (this.running) {
      this.kick = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), 0);
    this.timer.unref?.();
  }

  /** Drafts of a post become scheduled at their times; a network that schedules itself gets them now. */
  schedule(postId: number): void {
    const targets = this.db.prepare<[number], TargetRow>('SELECT * FROM post_targets WHERE post_id = ?').all(postId);
    if (targets.length === 0) throw new NotFoundError(`Post ${postId}`);
    this.db.transaction(() => {
      for (const t of targets) {
        if (t.state !== 'draft') continue;
        if (t.scheduled_at === null) throw new NotFoundError(`A time for account ${t.account_id}`);
        this.setScheduled(t, t.scheduled_at);
      }
    })();
    this.opts.onChange?.([postId]);
    this.wake();
  }

  /**
   * The user's answer for a target whose time passed while Parvis was closed, or that was given up
   * on (a resend keeps its key: a post that went out after all is found, not doubled).
   */
  decide(targetId: number, decision: Decision): void {
    const t = this.db.prepare<[number], TargetRow>('SELECT * FROM post_targets WHERE id = ?').get(targetId);
    const waiting = t && (t.state === 'needs-decision' || (t.state === 'failed' && t.next_attempt_at === null));
    if (!t || !waiting) throw new NotFoundError(`A post waiting for a decision (${targetId})`);
    const at = decision.action === 'publish-now' ? this.now() : decision.at;
    this.setScheduled(t, at);
    this.opts.onChange?.([t.post_id]);
    this.wake();
  }

  /**
   * Moves a target to a new time (the calendar): a draft keeps its state with the new time; a
   * scheduled one is scheduled again at it, and moving one waiting for a decision is that decision
   * (reschedule). One the network holds is moved there when the new time is far enough ahead,
   * otherwise taken back from the network (Parvis sends it at the time, with a renewed key). One
   * being sent or sent cannot move.
   */
  async move(targetId: number, at: number): Promise<void> {
    const t = this.db.prepare<[number], TargetRow>('SELECT * FROM post_targets WHERE id = ?').get(targetId);
    if (!t) throw new NotFoundError(`Post target ${targetId}`);
    const waiting = t.state === 'needs-decision' || (t.state === 'failed' && t.next_attempt_at === null);
    if (t.state === 'scheduled' && t.remote_scheduled_id !== null) {
      await this.moveHeld(t, at);
    } else if (t.state === 'scheduled' || waiting) {
      this.setScheduled(t, at);
    } else if (t.state === 'draft') {
      this.db.prepare('UPDATE post_targets SET scheduled_at = ?, updated_at = ? WHERE id = ?').run(at, this.now(), t.id);
    } else {
      throw new ConnectorError('not-supported', 'This post is being sent or was sent; it cannot be moved');
    }
    this.opts.onChange?.([t.post_id]);
    this.wake();
  }

  private async moveHeld(t: TargetRow, at: number): Promise<void> {
    const connector = this.opts.connectorFor(t.account_id);
    const ctx = await this.opts.contextFor(t.account_id).catch(() => null);
    if (!connector?.rescheduleHeld || !connector.cancelHeld || !connector.scheduling) {
      throw new ConnectorError('not-supported', 'The network holds this post and cannot move it');
    }
    if (!ctx) throw new ConnectorError('auth', 'The account needs to be signed in again');
    if (at - this.now() >= connector.scheduling.minLeadMs) {
      await connector.rescheduleHeld(ctx, { remoteScheduledId: t.remote_scheduled_id!, scheduledAt: at });
      this.db
        .prepare('UPDATE post_targets SET scheduled_at = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?')
        .run(at, at + CONFIRM_AFTER_MS, this.now(), t.id);
      return;
    }
    // Too close for the network to hold it: taken back, Parvis sends it at its time. The network
    // keeps the first key for the cancelled post, so the next send uses a renewed one.
    if (!(await connector.cancelHeld(ctx, { remoteScheduledId: t.remote_scheduled_id! }))) {
      throw new ConnectorError('not-supported', 'The network no longer holds this post: it was published or cancelled there');
    }
    this.db
      .prepare(
        `UPDATE post_targets SET state = 'scheduled', remote_scheduled_id = NULL, send_mode = NULL, key_generation = key_generation + 1,
           scheduled_at = ?, next_attempt_at = ?, attempts = 0, last_error = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(at, at, this.now(), t.id);
  }

  private setScheduled(t: TargetRow, at: number): void {
    const connector = this.opts.connectorFor(t.account_id);
    const handOver = !!connector?.scheduling && at - this.now() >= connector.scheduling.minLeadMs;
    this.db
      .prepare(
        `UPDATE post_targets SET state = 'scheduled', scheduled_at = ?, next_attempt_at = ?, attempts = 0, last_error = NULL, send_mode = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(at, handOver ? this.now() : at, this.now(), t.id);
  }

  /** Delivers every due target, then sleeps until the next one is due. Resolves when idle. */
  async drain(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      do {
        this.kick = false;
        for (let t = this.nextDue(); t && !this.closed; t = this.nextDue()) await this.deliver(t);
      } while (this.kick && !this.closed);
    } catch (err) {
      this.opts.log?.('error', `publishing paused, the store refused a write: ${redact((err as Error)?.message ?? String(err))}`);
    } finally {
      this.running = false;
    }
    this.armTimer();
  }

  private nextDue(): TargetRow | null {
    return (
      this.db
        .prepare<[number], TargetRow>(
          `SELECT * FROM post_targets WHERE state IN ('scheduled', 'publishing', 'failed') AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT 1`,
        )
        .get(this.now()) ?? null
    );
  }

  private armTimer(): void {
    if (!this.timersEnabled || this.closed) return;
    const next = this.db
      .prepare<[], { at: number | null }>(`SELECT min(next_attempt_at) AS at FROM post_targets WHERE state IN ('scheduled', 'publishing', 'failed')`)
      .get()?.at;
    if (next === null || next === undefined) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private async deliver(t: TargetRow): Promise<void> {
    const post = this.db.prepare<[number], PostRow>('SELECT * FROM posts WHERE id = ?').get(t.post_id)!;
    const connector = this.opts.connectorFor(t.account_id);
    if (!connector?.publish) {
      this.fail(t, new ConnectorError('not-supported', 'This network cannot publish posts from Parvis'), true);
      return;
    }
    const text = publishedText(post, t);
    let media: PublishMedia[];
    try {
      media = this.opts.mediaFor?.(t) ?? [];
    } catch (err) {
      this.fail(t, new ConnectorError('not-supported', `An image of this post is missing from the media library: ${(err as Error).message}`), true);
      return;
    }
    if (t.remote_scheduled_id !== null) {
      await this.confirmHeld(t, connector, text, post.title, media);
      return;
    }
    // A resend (after a crash or a failure that may hide a success) repeats the first request, so
    // the network's idempotency answers; a fresh send hands the post to the
    // network's scheduler when it is far enough ahead.
    const mode =
      t.send_mode ??
      ( connector.scheduling && t.scheduled_at !== null && t.scheduled_at - this.now() >= connector.scheduling.minLeadMs
          ? 'network-schedule'
          : 'now');
    this.db
      .prepare(`UPDATE post_targets SET state = 'publishing', send_mode = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`)
      .run(mode, this.now(), t.id);
    this.opts.onChange?.([t.post_id]);
    const ctx = await this.opts.contextFor(t.account_id).catch(() => null);
    if (this.closed) return;
    if (!ctx) {
      this.fail(t, new ConnectorError('auth', 'The account needs to be signed in again'), false);
      return;
    }
    // Images are uploaded again on a resend (an upload is no post: one left over by a crash is
    // never shown, and the networks drop unattached media); the post itself stays exactly once.
    const req: PublishRequest = {
      text,
      idempotencyKey: idempotencyKeyOf(t),
      scheduledAt: mode === 'network-schedule' ? t.scheduled_at : null,
      title: post.title,
      ...(media.length > 0 ? { media } : {}),
    };
    try {
      const result = await connector.publish(ctx, req);
      if (this.closed) return;
      this.record(t, result);
    } catch (err) {
      if (this.closed) return;
      const e = err instanceof ConnectorError ? err : new ConnectorError('bad-response', (err as Error).message);
      this.fail(t, e, e.kind === 'not-supported');
    }
  }

  /** A post the network held: after its time, ask whether it went out. */
  private async confirmHeld(t: TargetRow, connector: Connector, text: string, title: string | null, media: PublishMedia[]): Promise<void> {
    const ctx = await this.opts.contextFor(t.account_id).catch(() => null);
    if (this.closed) return;
    if (!ctx || !connector.findScheduled) {
      this.db.prepare('UPDATE post_targets SET next_attempt_at = ?, updated_at = ? WHERE id = ?').run(this.now() + SIGN_IN_RETRY_MS, this.now(), t.id);
      return;
    }
    try {
      const found = await connector.findScheduled(ctx, {
        text,
        title,
        idempotencyKey: idempotencyKeyOf(t),
        scheduledAt: t.scheduled_at,
        remoteScheduledId: t.remote_scheduled_id!,
        ...(media.length > 0 ? { media } : {}),
      });
      if (this.closed) return;
      if (found) this.record(t, found);
      else this.db.prepare('UPDATE post_targets SET next_attempt_at = ?, updated_at = ? WHERE id = ?').run(this.now() + CONFIRM_AGAIN_MS, this.now(), t.id);
    } catch (err) {
      const e = err instanceof ConnectorError ? err : new ConnectorError('bad-response', (err as Error).message);
      // Gone from the network without being published: the user decides what to do with it.
      if (e.kind === 'bad-response') {
        this.db
          .prepare(`UPDATE post_targets SET state = 'failed', remote_scheduled_id = NULL, next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`)
          .run(`${e.kind}: ${redact(e.message)}`, this.now(), t.id);
        this.opts.onChange?.([t.post_id]);
      } else {
        this.db.prepare('UPDATE post_targets SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?').run(this.now() + CONFIRM_AGAIN_MS, `${e.kind}: ${redact(e.message)}`, this.now(), t.id);
      }
    }
  }

  private record(t: TargetRow, result: PublishResult): void {
    if (result.kind === 'scheduled') {
      const confirmAt = (t.scheduled_at ?? this.now()) + CONFIRM_AFTER_MS;
      this.db
        .prepare(`UPDATE post_targets SET state = 'scheduled', remote_scheduled_id = ?, next_attempt_at = ?, last_error = NULL, updated_at = ? WHERE id = ?`)
        .run(result.remoteScheduledId, confirmAt, this.now(), t.id);
    } else {
      this.db
        .prepare(
          `UPDATE post_targets SET state = 'published', remote_id = ?, permalink = ?, published_at = ?, next_attempt_at = NULL, last_error = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(result.remoteId, result.permalink, result.createdAt, this.now(), t.id);
    }
    this.opts.onChange?.([t.post_id]);
  }

  private fail(t: TargetRow, err: ConnectorError, terminal: boolean): void {
    const attempts = t.attempts + 1;
    const unanswered = err.kind === 'network' && err.status === null;
    const giveUp = terminal || (attempts >= this.maxAttempts && !unanswered && err.kind !== 'auth');
    const backoff = this.opts.backoff ?? { baseMs: 2_000, capMs: 10 * 60_000 };
    let delay = backoffDelay(attempts - 1, backoff.baseMs, backoff.capMs, this.opts.random);
    if (err.kind === 'rate-limited' && err.retryAfterMs !== null) delay = Math.max(delay, err.retryAfterMs);
    if (err.kind === 'auth') delay = Math.max(delay, SIGN_IN_RETRY_MS);
    this.db
      .prepare(`UPDATE post_targets SET state = 'failed', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`)
      .run(`${err.kind}: ${redact(err.message)}`, giveUp ? null : this.now() + delay, this.now(), t.id);
    this.opts.log?.(giveUp ? 'error' : 'warn', `publishing target #${t.id} ${giveUp ? 'gave up' : 'will retry'}: ${err.kind}`);
    this.opts.onChange?.([t.post_id]);
  }
}
