/**
 * Removing an account a slice at a time (issue 20: nothing blocks the core).
 *
 * One `DELETE FROM accounts` cascades to every conversation, message, search entry, tag, note and
 * kept count of the account in one transaction: 24,000 messages take ~0.4 s of CPU here, so an
 * account of two million messages would stop the core (and every list and key the user presses)
 * for most of a minute. Instead the account is marked `removing` at once (paused, its outbox
 * emptied, so nothing more is read or sent for it), then its conversations are deleted in small
 * transactions of a bounded number of messages, the event loop running between them, and the
 * account row goes last. Each slice is a whole transaction: a crash leaves a consistent store
 * with fewer conversations, and the removal goes on at the next start.
 */
import type { Db } from './connection';

/** How much one slice deletes: small enough to stay near a frame (16 ms) on these machines. */
export interface RemovalBudget {
  /** Messages per slice (a conversation's messages, or part of one long thread's). */
  messages: number;
  /** Authors per slice, once the conversations are gone. */
  authors: number;
}

export const DEFAULT_REMOVAL_BUDGET: RemovalBudget = { messages: 400, authors: 1000 };

export type SliceOutcome = 'more' | 'done';

export function createAccountRemoval(db: Db) {
  const mark = db.prepare<[number]>('UPDATE accounts SET removing = 1, paused = 1, next_poll_at = NULL WHERE id = ?');
  // Nothing more leaves for an account being removed: its replies, moderation and posts waiting
  // in the outbox go with it (a job already on the wire finishes and finds nothing to record).
  const dropOutbox = db.prepare<[number]>("DELETE FROM outbox WHERE account_id = ? AND state <> 'sending'");
  const conversations = db.prepare<[number, number], { id: number; message_count: number }>(
    'SELECT id, message_count FROM conversations WHERE account_id = ? LIMIT ?',
  );
  // The search index is contentless: its rows go with their messages, by hand, as the message
  // writer does (a cascade would leave them behind, and a reused rowid would then match words
  // the new message never had).
  const unindexConversation = db.prepare<[number]>('DELETE FROM messages_fts WHERE rowid IN (SELECT id FROM messages WHERE conversation_id = ? AND deleted_at IS NULL)');
  const deleteConversationRow = db.prepare<[number]>('DELETE FROM conversations WHERE id = ?');
  const deleteConversation = (id: number) => {
    unindexConversation.run(id);
    deleteConversationRow.run(id);
  };
  const someMessages = db.prepare<[number, number], { id: number; live: number }>(
    'SELECT id, deleted_at IS NULL AS live FROM messages WHERE conversation_id = ? LIMIT ?',
  );
  const unindexMessage = db.prepare<[number]>('DELETE FROM messages_fts WHERE rowid = ?');
  const deleteMessage = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');
  const deleteSomeMessages = (conversationId: number, limit: number): number => {
    const rows = someMessages.all(conversationId, limit);
    for (const m of rows) {
      if (m.live) unindexMessage.run(m.id);
      deleteMessage.run(m.id);
    }
    return rows.length;
  };
  const deleteSomeAuthors = db.prepare<[number, number]>('DELETE FROM authors WHERE id IN (SELECT id FROM authors WHERE account_id = ? LIMIT ?)');
  const deleteAccount = db.prepare<[number]>('DELETE FROM accounts WHERE id = ? AND removing = 1');
  const removingIds = db.prepare<[], { id: number }>('SELECT id FROM accounts WHERE removing = 1 ORDER BY id');
  const isRemoving = db.prepare<[number], { removing: number }>('SELECT removing FROM accounts WHERE id = ?');

  /** Deletes one slice of what the account holds, in one transaction; 'done' once the account row is gone. */
  const slice = db.transaction((accountId: number, budget: RemovalBudget): SliceOutcome => {
    let left = budget.messages;
    for (const c of conversations.all(accountId, 64)) {
      if (c.message_count > left) {
        if (left === budget.messages) {
          // One thread longer than a whole slice: its messages go a slice at a time, the
          // conversation (then nearly empty) with the last of them.
          const removed = deleteSomeMessages(c.id, budget.messages);
          if (removed < budget.messages) deleteConversation(c.id);
        }
        return 'more';
      }
      deleteConversation(c.id);
      left -= Math.max(1, c.message_count);
      if (left <= 0) return 'more';
    }
    if (left < budget.messages) return 'more';
    // No conversation left: the authors, then the account (its last rows cascade with it).
    if (deleteSomeAuthors.run(accountId, budget.authors).changes > 0) return 'more';
    deleteAccount.run(accountId);
    return 'done';
  });

  return {
    /** Starts a removal: the account stops syncing and sending at once. False when there is no such account. */
    begin: db.transaction((accountId: number): boolean => {
      if (mark.run(accountId).changes === 0) return false;
      dropOutbox.run(accountId);
      return true;
    }),
    slice: (accountId: number, budget: RemovalBudget = DEFAULT_REMOVAL_BUDGET): SliceOutcome => slice(accountId, budget),
    /** Accounts whose removal began and has not finished (a restart goes on with them). */
    pending: (): number[] => removingIds.all().map((r) => r.id),
    isRemoving: (accountId: number): boolean => isRemoving.get(accountId)?.removing === 1,
  };
}
export type AccountRemoval = ReturnType<typeof createAccountRemoval>;

/**
 * Runs a removal to its end, yielding to the event loop between slices so that the core keeps
 * answering. Resolves when the account is gone. `onProgress` runs every `progressEveryMs`.
 */
export async function removeInSlices(
  removal: AccountRemoval,
  accountId: number,
  opts: {
    budget?: RemovalBudget;
    onProgress?: () => void;
    progressEveryMs?: number;
    yieldNow?: () => Promise<void>;
    /** Asked before each slice: true stops (the core is closing); the next start goes on. */
    stop?: () => boolean;
  } = {},
): Promise<void> {
  const yieldNow = opts.yieldNow ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const every = opts.progressEveryMs ?? 250;
  let last = Date.now();
  while (!opts.stop?.() && removal.slice(accountId, opts.budget) === 'more') {
    if (opts.onProgress && Date.now() - last >= every) {
      last = Date.now();
      opts.onProgress();
    }
    await yieldNow();
  }
}
