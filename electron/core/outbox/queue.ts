/**
 * The outbox queue: every action that must reach a network is a row with an idempotency key and a
 * state (queued → sending → sent, or failed → retried with backoff → dead). The local effect (a reply
 * shown as queued, a message hidden) is written in the same transaction as the row.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { NotFoundError } from '../db/conversations';
import { createMessageWriter } from '../db/messages';

export type OutboxKind = 'reply' | 'moderate';
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'dead';

export interface OutboxRow {
  id: number;
  account_id: number;
  conversation_id: number | null;
  message_id: number | null;
  kind: OutboxKind;
  payload: string;
  idempotency_key: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  remote_result: string | null;
}

export interface ReplyPayload {
  text: string;
  conversationRemoteId: string;
  parentRemoteId: string;
  parentExtra?: Record<string, unknown>;
  /** Sent to the parent's author privately (Meta's private replies). */
  private?: boolean;
}

export function createOutboxQueue(db: Db, now: () => number) {
  const insertRow = db.prepare<[number, number | null, number | null, string, string, string, number, number, number]>(`
    INSERT INTO outbox (account_id, conversation_id, message_id, kind, payload, idempotency_key, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const parentOf = db.prepare<[number, number], { remote_id: string | null; extra: string | null }>(
    'SELECT remote_id, extra FROM messages WHERE id = ? AND conversation_id = ?',
  );
  const lastIncoming = db.prepare<[number], { id: number; remote_id: string | null; extra: string | null }>(
    `SELECT id, remote_id, extra FROM messages WHERE conversation_id = ? AND direction = 'in' AND remote_id IS NOT NULL
     ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const conversation = db.prepare<[number], { account_id: number; remote_id: string }>(
    'SELECT account_id, remote_id FROM conversations WHERE id = ?',
  );
  const writer = createMessageWriter(db);
  const rowOfMessage = db.prepare<[number], OutboxRow>('SELECT o.* FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?');

  return {
    /** Queues a reply and writes the local outgoing message, in one transaction. */
    enqueueReply: db.transaction((conversationId: number, text: string, parentMessageId?: number, privately?: boolean): { messageId: number; outboxId: number } => {
      const conv = conversation.get(conversationId);
      if (!conv) throw new NotFoundError(`Conversation ${conversationId}`);
      const parent = parentMessageId !== undefined ? parentOf.get(parentMessageId, conversationId) : lastIncoming.get(conversationId);
      if (!parent || !parent.remote_id) throw new NotFoundError('The message to answer');
      const at = now();
      const messageId = writer.addLocalReply({ conversationId, accountId: conv.account_id, parentRemoteId: parent.remote_id, text, at });
      const payload: ReplyPayload = {
        text,
        conversationRemoteId: conv.remote_id,
        parentRemoteId: parent.remote_id,
        parentExtra: parent.extra ? (JSON.parse(parent.extra) as Record<string, unknown>) : undefined,
        ...(privately ? { private: true } : {}),
      };
      const row = insertRow.run(conv.account_id, conversationId, messageId, 'reply', JSON.stringify(payload), randomUUID(), at, at, at);
      const outboxId = Number(row.lastInsertRowid);
      writer.linkOutbox(messageId, outboxId);
      return { messageId, outboxId };
    }),
    /** Puts a failed or dead reply back in the queue, due now. */
    retryMessage(messageId: number) {
      const row = rowOfMessage.get(messageId);
      if (!row) throw new NotFoundError(`Reply ${messageId}`);
      if (row.state !== 'failed' && row.state !== 'dead') return;
      db.prepare(`UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ? WHERE id = ?`).run(now(), now(), row.id);
    },
    /** Puts a message's failed or dead `action` rows back in the queue, due now; returns their conversation. */
    retryModeration(messageId: number, action: string): number {
      const rows = db
        .prepare<[number], { id: number; conversation_id: number; payload: string }>(
          `SELECT id, conversation_id, payload FROM outbox WHERE message_id = ? AND kind = 'moderate' AND state IN ('failed', 'dead')`,
        )
        .all(messageId)
        .filter((r) => (JSON.parse(r.payload) as { action: string }).action === action);
      if (rows.length === 0) throw new NotFoundError(`A failed ${action} on message ${messageId}`);
      const requeue = db.prepare(`UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?`);
      for (const r of rows) requeue.run(now(), now(), r.id);
      return rows[0]!.conversation_id;
    },
    /** Discards a reply that has not been sent. */
    discardMessage: db.transaction((messageId: number) => {
      const row = rowOfMessage.get(messageId);
      if (!row) throw new NotFoundError(`Reply ${messageId}`);
      if (row.state === 'sent' || row.state === 'sending') {
        throw new NotFoundError('An unsent reply');
      }
      writer.discardLocalReply(messageId, row.conversation_id);
      db.prepare('DELETE FROM outbox WHERE id = ?').run(row.id);
      return row.conversation_id;
    }),
  };
}
export type OutboxQueue = ReturnType<typeof createOutboxQueue>;
