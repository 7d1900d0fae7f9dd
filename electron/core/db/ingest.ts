/**
 * The one ingest function every connector writes through: a normalized page of messages and the
 * account's cursor, in ONE transaction, deduplicated by (account, remote id). A crash before the
 * commit leaves the old cursor, so the next poll fetches the page again; a crash after it leaves
 * both. Polling the same page twice changes nothing.
 */
import type { NormalizedItem } from '../connectors/types';
import { storageErrorOf, type Db } from './connection';

export interface IngestPage {
  items: readonly NormalizedItem[];
  /** The cursor to resume from; null keeps the current one. */
  cursor: string | null;
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
  /** Every conversation this page touched (new messages or moderation state changes). */
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

const SNIPPET_LENGTH = 240;

export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat;
}

export type Ingest = (accountId: number, page: IngestPage) => IngestResult;

/** Prepares the statements once and returns the ingest function for this connection. */
export function createIngest(db: Db, opts: IngestOptions = {}): Ingest {
  const upsertAuthor = db.prepare<[number, string, string, string, string | null, string | null], { id: number }>(`
    INSERT INTO authors (account_id, remote_id, handle, name, avatar_url, profile_url)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id, remote_id) DO UPDATE SET
      handle = excluded.handle,
      name = excluded.name,
      avatar_url = coalesce(excluded.avatar_url, authors.avatar_url),
      profile_url = coalesce(excluded.profile_url, authors.profile_url)
    RETURNING id`);
  const findMessage = db.prepare<[number, string], { id: number; conversation_id: number; moderation: string }>(
    'SELECT id, conversation_id, moderation FROM messages WHERE account_id = ? AND remote_id = ?',
  );
  const setModeration = db.prepare<[string, number]>('UPDATE messages SET moderation = ? WHERE id = ?');
  const findConversation = db.prepare<[number, string], { id: number }>(
    'SELECT id FROM conversations WHERE account_id = ? AND remote_id = ?',
  );
  const insertConversation = db.prepare<
    [number, string, string, string, number, string, number | null, string | null, string | null, string | null, string | null, number, number, number]
  >(`
    INSERT INTO conversations
      (account_id, network, remote_id, kind, last_activity_at, snippet, author_id,
       context_remote_id, context_text, context_url, context_author, unread, held, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertMessage = db.prepare<
    [number, number, string, string | null, number, string, string, string | null, string, number, string, string | null, string | null]
  >(`
    INSERT INTO messages
      (conversation_id, account_id, remote_id, parent_remote_id, author_id, direction, text, html,
       attachments, created_at, moderation, permalink, extra)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFts = db.prepare<[number, string, string]>('INSERT INTO messages_fts (rowid, text, author) VALUES (?, ?, ?)');
  // A newer message moves the conversation up, refreshes its snippet, and an incoming one
  // reopens a done or snoozed conversation and marks it unread.
  const touchConversation = db.prepare<{
    id: number; at: number; snippet: string; authorId: number | null; incoming: number; held: number;
  }>(`
    UPDATE conversations SET
      message_count = message_count + 1,
      snippet          = CASE WHEN @at >= last_activity_at THEN @snippet ELSE snippet END,
      author_id        = CASE WHEN @incoming = 1 AND (@at >= last_activity_at OR author_id IS NULL) THEN @authorId ELSE author_id END,
      last_activity_at = max(last_activity_at, @at),
      unread           = CASE WHEN @incoming = 1 THEN 1 ELSE unread END,
      status           = CASE WHEN @incoming = 1 AND status IN ('done', 'snoozed') THEN 'open' ELSE status END,
      snooze_until     = CASE WHEN @incoming = 1 AND status IN ('done', 'snoozed') THEN NULL ELSE snooze_until END,
      held             = CASE WHEN @held = 1 THEN 1 ELSE held END
    WHERE id = @id`);
  const fillContext = db.prepare<[string | null, string, string | null, string | null, number]>(`
    UPDATE conversations SET context_remote_id = coalesce(context_remote_id, ?), context_text = ?,
      context_url = coalesce(?, context_url), context_author = coalesce(?, context_author)
    WHERE id = ? AND context_text IS NULL`);
  const recomputeHeld = db.prepare<[number]>(`
    UPDATE conversations SET held = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.moderation = 'held')
    WHERE id = ?`);
  const accountNetwork = db.prepare<[number], { network: string }>('SELECT network FROM accounts WHERE id = ?');
  const writeCursor = db.prepare<[string, number]>('UPDATE accounts SET cursor = ? WHERE id = ?');

  const run = db.transaction((accountId: number, page: IngestPage): IngestResult => {
    const network = accountNetwork.get(accountId)?.network;
    if (!network) throw new Error(`Account ${accountId} does not exist`);
    const touched = new Set<number>();
    const fresh: IngestedMessage[] = [];
    // Full-text rows go in last: any later statement that opens a savepoint makes FTS5 flush its
    // pending terms, which would write one tiny index segment per message (measured: +48% ingest).
    const ftsRows: [number, string, string][] = [];
    for (const item of page.items) {
      const existing = findMessage.get(accountId, item.remoteId);
      if (existing) {
        // Seen before: only the network's moderation verdict may change (e.g. held → published).
        if (item.moderation && item.moderation !== existing.moderation) {
          setModeration.run(item.moderation, existing.id);
          recomputeHeld.run(existing.conversation_id);
          touched.add(existing.conversation_id);
        }
        continue;
      }
      const authorName = item.author.name || item.author.handle;
      const author = upsertAuthor.get(
        accountId,
        item.author.remoteId,
        item.author.handle,
        authorName,
        item.author.avatarUrl ?? null,
        item.author.profileUrl ?? null,
      )!;
      const incoming = item.direction === 'in';
      const held = item.moderation === 'held' ? 1 : 0;
      const snippet = snippetOf(item.text);
      let conversationId = findConversation.get(accountId, item.threadRemoteId)?.id;
      let newConversation = false;
      if (conversationId === undefined) {
        const info = insertConversation.run(
          accountId,
          network,
          item.threadRemoteId,
          item.kind,
          item.createdAt,
          snippet,
          incoming ? author.id : null,
          item.context?.remoteId ?? null,
          item.context?.text ?? null,
          item.context?.url ?? null,
          item.context?.authorName ?? null,
          incoming ? 1 : 0,
          0,
          item.createdAt,
        );
        conversationId = Number(info.lastInsertRowid);
        newConversation = true;
      } else if (item.context) {
        fillContext.run(item.context.remoteId ?? null, item.context.text, item.context.url ?? null, item.context.authorName ?? null, conversationId);
      }
      const info = insertMessage.run(
        conversationId,
        accountId,
        item.remoteId,
        item.parentRemoteId ?? null,
        author.id,
        item.direction,
        item.text,
        item.html ?? null,
        JSON.stringify(item.attachments ?? []),
        item.createdAt,
        item.moderation ?? 'visible',
        item.permalink ?? null,
        // How the message relates to its context (a quote, not a reply) is kept with it for the thread view.
        item.extra || item.context?.relation ? JSON.stringify({ ...item.extra, ...(item.context?.relation ? { contextRelation: item.context.relation } : {}) }) : null,
      );
      const messageId = Number(info.lastInsertRowid);
      ftsRows.push([messageId, item.text, `${authorName} ${item.author.handle}`]);
      touchConversation.run({ id: conversationId, at: item.createdAt, snippet, authorId: author.id, incoming: incoming ? 1 : 0, held });
      touched.add(conversationId);
      fresh.push({ messageId, conversationId, authorId: author.id, newConversation, item });
    }
    if (fresh.length > 0) opts.onNewMessages?.(db, accountId, fresh);
    if (page.cursor !== null) writeCursor.run(page.cursor, accountId);
    for (const row of ftsRows) insertFts.run(...row);
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
