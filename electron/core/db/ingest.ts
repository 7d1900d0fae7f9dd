/**
 * The one ingest function every connector writes through: a normalized page of messages and the
 * account's cursor, in ONE transaction, deduplicated by (account, remote id). A crash before the
 * commit leaves the old cursor, so the next poll fetches the page again; a crash after it leaves
 * both. Polling the same page twice changes nothing. Every write goes through the message writer
 * (messages.ts); this file orders a page's writes in one transaction.
 */
import type { NormalizedDeletion, NormalizedItem } from '../connectors/types';
import { storageErrorOf, type Db } from './connection';
import { IndexBatch, createMessageWriter, type MessageWriter } from './messages';

export interface IngestPage {
  items: readonly NormalizedItem[];
  /** The cursor to resume from; null keeps the current one. */
  cursor: string | null;
  /** Messages the network reports deleted: marked and kept, their words unindexed. */
  deleted?: readonly NormalizedDeletion[];
}

export interface IngestedMessage {
  messageId: number;
  conversationId: number;
  authorId: number;
  /** The conversation was created by this page. */
  newConversation: boolean;
  item: NormalizedItem;
}

export interface IngestResult {
  newMessageIds: number[];
  /** Every conversation this page touched (new messages, moderation states, edits, deletions). */
  conversationIds: number[];
}

/**
 * Runs inside the ingest transaction for the messages that are new, before the commit; a rule
 * engine uses it to hold, tag or assign a message before it ever shows as open.
 */
export type NewMessagesHook = (db: Db, accountId: number, messages: IngestedMessage[]) => void;

export interface IngestOptions {
  onNewMessages?: NewMessagesHook;
}

export type Ingest = (accountId: number, page: IngestPage) => IngestResult;

/** Prepares the statements once and returns the ingest function for this connection. */
export function createIngest(db: Db, opts: IngestOptions = {}, writer: MessageWriter = createMessageWriter(db)): Ingest {
  const accountNetwork = db.prepare<[number], { network: string }>('SELECT network FROM accounts WHERE id = ?');
  const writeCursor = db.prepare<[string, number]>('UPDATE accounts SET cursor = ? WHERE id = ?');

  const run = db.transaction((accountId: number, page: IngestPage): IngestResult => {
    const network = accountNetwork.get(accountId)?.network;
    if (!network) throw new Error(`Account ${accountId} does not exist`);
    const touched = new Set<number>();
    const fresh: IngestedMessage[] = [];
    // Full-text rows go in last (see messages.ts): written after the rules hook and the cursor.
    const batch = new IndexBatch();
    for (const item of page.items) {
      const existing = writer.findByRemoteId(accountId, item.remoteId);
      if (existing) {
        // Its conversation may have new messages of this page waiting to be written: first them.
        writer.settleConversations(batch, existing.conversation_id);
        // Seen before: the network's moderation verdict may change (e.g. held → published), and
        // the network may report an edit.
        if (item.moderation && item.moderation !== existing.moderation) {
          writer.setModeration(existing.id, existing.conversation_id, item.moderation);
          existing.moderation = item.moderation;
          touched.add(existing.conversation_id);
        }
        if (writer.applyNetworkEdit(existing, item, batch)) touched.add(existing.conversation_id);
        continue;
      }
      const authorId = writer.upsertAuthor(accountId, item.author);
      const added = writer.addFromNetwork(accountId, network, item, authorId, batch);
      touched.add(added.conversationId);
      fresh.push({ ...added, authorId, item });
    }
    // The conversations are written before deletions and the rules read or change them.
    writer.settleConversations(batch);
    for (const gone of page.deleted ?? []) {
      const existing = writer.findByRemoteId(accountId, gone.remoteId);
      // A deletion of a message never stored has nothing to mark.
      if (existing && writer.markDeletedOnNetwork(existing, gone.deletedAt, batch)) touched.add(existing.conversation_id);
    }
    if (fresh.length > 0) opts.onNewMessages?.(db, accountId, fresh);
    if (page.cursor !== null) writeCursor.run(page.cursor, accountId);
    writer.flushIndex(batch);
    return { newMessageIds: fresh.map((m) => m.messageId), conversationIds: [...touched] };
  });

  return (accountId, page) => {
    try {
      return run.immediate(accountId, page);
    } catch (err) {
      // The sync status shows this message: a full disk in plain words, not SQLite's.
      throw storageErrorOf(err) ?? err;
    }
  };
}
