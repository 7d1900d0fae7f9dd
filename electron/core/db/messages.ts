/**
 * The one message writer: every write to messages, to the message-derived columns of conversations
 * (snippet, counters, last activity, held flag, kind, author, context) and to the full-text index
 * goes through a named function here. Ingest, the outbox queue and executor, moderation, media
 * screening and the demo seed all call it, so the invariants live in one place:
 *
 * - every message has a full-text row with its author's name and handle, except a message deleted
 *   on its network (its words must no longer match);
 * - a conversation's snippet is its latest message that still exists, `message_count` counts its
 *   rows, `held` says whether one of its live messages waits for review;
 * - a network edit replaces text, HTML and attachments in place (never a second row); a network
 *   deletion marks the row and keeps it; replaying either changes nothing;
 * - every new conversation and message gets a stable string id (`uid`, a ULID).
 *
 * Functions that write the index take an `IndexBatch`: ingest collects a page's rows and writes
 * them after every other statement of the page, because any later statement that opens a
 * savepoint makes FTS5 flush its pending terms (one tiny index segment per message; measured +48%
 * ingest time). Callers writing one message pass `writer.now` (written at once).
 */
import type { Attachment, ModerationState } from '../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../connectors/types';
import type { Db } from './connection';
import { newUid } from './uid';

const SNIPPET_LENGTH = 240;

/** The inbox row's one-line excerpt of a message. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat;
}

/** What the full-text `author` column holds for an author: name and handle, so `from:` finds either. */
export function indexAuthorOf(name: string, handle: string): IndexedAuthor {
  return { name: name.trim(), handle: handle.trim() };
}

/**
 * What the index knows of a message's author, in two columns: plain words match the name (people
 * search for "Camille"), only `from:` matches the handle (a word like "social" or a digit would
 * otherwise match every author of a server).
 */
export interface IndexedAuthor {
  name: string;
  handle: string;
}

const NO_AUTHOR: IndexedAuthor = { name: '', handle: '' };

type IndexOp = [op: 'add', id: number, text: string, author: IndexedAuthor] | [op: 'remove', id: number];

/** The message-derived columns of a conversation that a new message can move. */
interface ConversationState {
  last: number;
  authorId: number | null;
  unread: number;
  status: string;
  snoozeUntil: number | null;
  held: number;
}

/**
 * A conversation a page has touched and not yet written: what it was (`orig`), what its new
 * messages make it (`cur`). One UPDATE per conversation per page, of the columns that changed only:
 * SQLite rewrites every index over a column named in an UPDATE's SET, changed or not, and a
 * conversation has ten of them (measured: a CASE-for-every-column update was 6–9× slower than one
 * naming only the counter).
 */
interface PendingConversation {
  id: number;
  orig: ConversationState;
  cur: ConversationState;
  /** Messages added since the row was last written. */
  added: number;
  /** The snippet of the newest message added, when it moved the snippet. */
  snippet: string | null;
}

/**
 * What a page writes last (see the file comment): its full-text rows, in order, and the state of
 * the conversations its new messages touched. Named for the index, which it was first.
 */
export class IndexBatch {
  readonly ops: IndexOp[] = [];
  /** Touched conversations by `${accountId}\u0000${threadRemoteId}`, until written. */
  readonly conversations = new Map<string, PendingConversation>();
  add(id: number, text: string, author: IndexedAuthor): void {
    this.ops.push(['add', id, text, author]);
  }
  remove(id: number): void {
    this.ops.push(['remove', id]);
  }
}

/** A message as the writer needs to know it to apply a network update. */
export interface StoredMessageState {
  id: number;
  conversation_id: number;
  moderation: ModerationState;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface AddedMessage {
  messageId: number;
  conversationId: number;
  newConversation: boolean;
}

/** Prepares every statement once and returns the writer for this connection. */
export function createMessageWriter(db: Db) {
  // Most messages come from authors already stored, unchanged: they are read, not rewritten (an
  // upsert writes the row, and its page into the WAL, for every message).
  const knownAuthor = db.prepare<[number, string], { id: number; handle: string; name: string; avatar_url: string | null; profile_url: string | null }>(
    'SELECT id, handle, name, avatar_url, profile_url FROM authors WHERE account_id = ? AND remote_id = ?',
  );
  const upsertAuthor = db.prepare<[number, string, string, string, string | null, string | null], number>(`
    INSERT INTO authors (account_id, remote_id, handle, name, avatar_url, profile_url)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id, remote_id) DO UPDATE SET
      handle = excluded.handle,
      name = excluded.name,
      avatar_url = coalesce(excluded.avatar_url, authors.avatar_url),
      profile_url = coalesce(excluded.profile_url, authors.profile_url)
    RETURNING id`).pluck(true);
  // The connected account's own author row, named as the account is (display name and handle).
  const upsertOwnAuthor = db.prepare<[number], { id: number; name: string; handle: string }>(`
    INSERT INTO authors (account_id, remote_id, handle, name)
    SELECT id, remote_id, handle, display_name FROM accounts WHERE id = ?
    ON CONFLICT (account_id, remote_id) DO UPDATE SET handle = excluded.handle, name = excluded.name
    RETURNING id, name, handle`);
  const findMessage = db.prepare<[number, string], StoredMessageState>(
    'SELECT id, conversation_id, moderation, edited_at, deleted_at FROM messages WHERE account_id = ? AND remote_id = ?',
  );
  const messageAuthor = db.prepare<[number], { name: string | null; handle: string | null }>(
    'SELECT a.name, a.handle FROM messages m LEFT JOIN authors a ON a.id = m.author_id WHERE m.id = ?',
  );
  const findConversation = db.prepare<
    [number, string],
    { id: number; last: number; authorId: number | null; unread: number; status: string; snoozeUntil: number | null; held: number }
  >(`
    SELECT id, last_activity_at AS last, author_id AS authorId, unread, status, snooze_until AS snoozeUntil, held
    FROM conversations WHERE account_id = ? AND remote_id = ?`);
  const insertConversation = db.prepare<
    [string, number, string, string, string, number, string, number | null, string | null, string | null, string | null, string | null, number, number, number]
  >(`
    INSERT INTO conversations
      (uid, account_id, network, remote_id, kind, last_activity_at, snippet, author_id,
       context_remote_id, context_text, context_url, context_author, unread, held, message_count, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`);
  const insertMessage = db.prepare<
    [string, number, number, string | null, string | null, number, string, string, string | null, string, number, string, string | null, string | null, number | null, number]
  >(`
    INSERT INTO messages
      (uid, conversation_id, account_id, remote_id, parent_remote_id, author_id, direction, text, html,
       attachments, created_at, moderation, permalink, extra, edited_at, locked)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFts = db.prepare<[number, string, string, string]>('INSERT INTO messages_fts (rowid, text, author, handle) VALUES (?, ?, ?, ?)');
  const deleteFts = db.prepare<[number]>('DELETE FROM messages_fts WHERE rowid = ?');
  // A newer message moves the conversation up, refreshes its snippet, and an incoming one
  // reopens a done or snoozed conversation and marks it unread (see `touch`). The UPDATE names
  // only the columns that changed; one statement per set of columns, prepared on first use.
  const touchStatements = new Map<string, ReturnType<typeof db.prepare<(string | number | null)[]>>>();
  const touchColumns = [
    ['snippet', 'snippet'],
    ['authorId', 'author_id'],
    ['last', 'last_activity_at'],
    ['unread', 'unread'],
    ['status', 'status'],
    ['snoozeUntil', 'snooze_until'],
    ['held', 'held'],
  ] as const;
  const writeConversation = (pending: PendingConversation) => {
    const values: (string | number | null)[] = [];
    const names: string[] = [];
    if (pending.added > 0) {
      names.push('message_count');
      values.push(pending.added);
    }
    for (const [key, column] of touchColumns) {
      if (key === 'snippet') {
        if (pending.snippet !== null) {
          names.push(column);
          values.push(pending.snippet);
        }
      } else if (pending.cur[key] !== pending.orig[key]) {
        names.push(column);
        values.push(pending.cur[key]);
      }
    }
    if (names.length === 0) return;
    const key = names.join(',');
    let statement = touchStatements.get(key);
    if (!statement) {
      const sets = names.map((name) => (name === 'message_count' ? 'message_count = message_count + ?' : `${name} = ?`));
      statement = db.prepare<(string | number | null)[]>(`UPDATE conversations SET ${sets.join(', ')} WHERE id = ?`);
      touchStatements.set(key, statement);
    }
    statement.run(...values, pending.id);
  };
  /** What one more message does to a conversation; every condition reads the state before it. */
  const touch = (pending: PendingConversation, at: number, snippet: string, authorId: number, incoming: boolean, held: boolean) => {
    const before = pending.cur;
    const cur = { ...before };
    if (at >= before.last) pending.snippet = snippet;
    if (incoming && (at >= before.last || before.authorId === null)) cur.authorId = authorId;
    cur.last = Math.max(before.last, at);
    if (incoming) {
      cur.unread = 1;
      if (before.status === 'done' || before.status === 'snoozed') {
        cur.status = 'open';
        cur.snoozeUntil = null;
      }
    }
    if (held) cur.held = 1;
    pending.cur = cur;
    pending.added += 1;
  };
  /** Writes the page's touched conversations (all, or the one about to be written otherwise). */
  const settle = (batch: IndexBatch, conversationId?: number) => {
    for (const [key, pending] of batch.conversations) {
      if (conversationId !== undefined && pending.id !== conversationId) continue;
      writeConversation(pending);
      // Other writes may follow (held recomputed, snippet of an edit): read it again if needed.
      batch.conversations.delete(key);
    }
  };
  const fillContext = db.prepare<[string | null, string, string | null, string | null, number]>(`
    UPDATE conversations SET context_remote_id = coalesce(context_remote_id, ?), context_text = ?,
      context_url = coalesce(?, context_url), context_author = coalesce(?, context_author)
    WHERE id = ? AND context_text IS NULL`);
  // One definition of "held" everywhere: a live message of the conversation waits for review.
  const recomputeHeld = db.prepare<[number]>(`
    UPDATE conversations SET held = EXISTS (
      SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.moderation = 'held' AND m.deleted_at IS NULL)
    WHERE id = ?`);
  const latestLive = db.prepare<[number], { id: number; text: string }>(`
    SELECT id, text FROM messages WHERE conversation_id = ? AND deleted_at IS NULL
    ORDER BY created_at DESC, id DESC LIMIT 1`);
  const setSnippet = db.prepare<[string, number]>('UPDATE conversations SET snippet = ? WHERE id = ?');
  const countDown = db.prepare<[number]>('UPDATE conversations SET message_count = message_count - 1 WHERE id = ?');
  const setModeration = db.prepare<[string, number]>('UPDATE messages SET moderation = ? WHERE id = ?');
  const setAttachments = db.prepare<[string, number]>('UPDATE messages SET attachments = ? WHERE id = ?');
  const setLocked = db.prepare<[number, number]>('UPDATE messages SET locked = ? WHERE id = ?');
  const setArchived = db.prepare<[number, number]>('UPDATE messages SET archived = ? WHERE id = ?');
  const applyEdit = db.prepare<[string, string | null, string, number, number]>(
    'UPDATE messages SET text = ?, html = ?, attachments = ?, edited_at = ? WHERE id = ?',
  );
  const applyDeletion = db.prepare<[number, number]>('UPDATE messages SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
  const insertLocalReply = db.prepare<[string, number, number, string, number, string, number]>(`
    INSERT INTO messages (uid, conversation_id, account_id, parent_remote_id, author_id, direction, text, created_at, moderation)
    VALUES (?, ?, ?, ?, ?, 'out', ?, ?, 'visible')`);
  const touchForReply = db.prepare<[number, string, number]>(
    'UPDATE conversations SET last_activity_at = max(last_activity_at, ?), snippet = ?, message_count = message_count + 1 WHERE id = ?',
  );
  const linkOutbox = db.prepare<[number, number]>('UPDATE messages SET outbox_id = ? WHERE id = ?');
  const deleteMessage = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');
  const confirmRemote = db.prepare<[string, string | null, string | null, number]>(
    'UPDATE messages SET remote_id = ?, permalink = ?, extra = ? WHERE id = ?',
  );
  const polledCopies = db.prepare<[number, string, number], { id: number; conversation_id: number }>(
    'SELECT id, conversation_id FROM messages WHERE account_id = ? AND remote_id = ? AND id <> ?',
  );

  const ownAuthor = (accountId: number): { id: number; name: string; handle: string } => {
    const row = upsertOwnAuthor.get(accountId);
    if (!row) throw new Error(`Account ${accountId} does not exist`);
    return row;
  };

  /** Writes now (outside a page) or into the page's batch. */
  const NOW = new IndexBatch();
  const flush = (batch: IndexBatch) => {
    for (const op of batch.ops) {
      if (op[0] === 'add') insertFts.run(op[1], op[2], op[3].name, op[3].handle);
      else deleteFts.run(op[1]);
    }
    batch.ops.length = 0;
  };
  const index = (batch: IndexBatch) => {
    if (batch === NOW) {
      settle(NOW);
      flush(NOW);
    }
  };

  /** The snippet follows the latest message that still exists (kept as it was when none is left). */
  const refreshSnippet = (conversationId: number) => {
    const latest = latestLive.get(conversationId);
    if (latest) setSnippet.run(snippetOf(latest.text), conversationId);
  };

  return {
    /** Pass as the batch to write the index at once (one message outside a page). */
    now: NOW,
    /** Writes a page's pending index rows: the last statements of the page's transaction. */
    flushIndex: flush,
    /**
     * Writes the conversations the page's new messages touched: before anything else writes a
     * conversation (moderation, an edit, a deletion, the rules) and at the latest before the
     * index. With an id, only that conversation.
     */
    settleConversations: settle,

    /** Creates or refreshes a network author; returns its id. */
    upsertAuthor(accountId: number, author: NormalizedAuthor): number {
      const name = author.name || author.handle;
      const avatarUrl = author.avatarUrl ?? null;
      const profileUrl = author.profileUrl ?? null;
      const known = knownAuthor.get(accountId, author.remoteId);
      // Unchanged as the upsert would leave it (a missing picture or profile keeps the stored one).
      if (
        known &&
        known.handle === author.handle &&
        known.name === name &&
        (avatarUrl === null || avatarUrl === known.avatar_url) &&
        (profileUrl === null || profileUrl === known.profile_url)
      ) {
        return known.id;
      }
      return upsertAuthor.get(accountId, author.remoteId, author.handle, name, avatarUrl, profileUrl)!;
    },

    /** The connected account's own author row (name and handle as the account has them). */
    ownAuthor,

    /** The stored message with this remote id on this account, if any. */
    findByRemoteId(accountId: number, remoteId: string): StoredMessageState | undefined {
      return findMessage.get(accountId, remoteId);
    },

    /**
     * Stores a message from a network, creating its conversation on first sight and moving the
     * conversation up (see `touch`; written by `settleConversations`). The caller has checked it is new.
     */
    addFromNetwork(accountId: number, network: string, item: NormalizedItem, authorId: number, batch: IndexBatch): AddedMessage {
      const incoming = item.direction === 'in';
      const snippet = snippetOf(item.text);
      const held = item.moderation === 'held';
      const key = `${accountId}\u0000${item.threadRemoteId}`;
      let pending = batch.conversations.get(key);
      let newConversation = false;
      if (!pending) {
        const found = findConversation.get(accountId, item.threadRemoteId);
        if (found) {
          const { id, ...state } = found;
          pending = { id, orig: state, cur: state, added: 0, snippet: null };
          touch(pending, item.createdAt, snippet, authorId, incoming, held);
          if (item.context) {
            fillContext.run(item.context.remoteId ?? null, item.context.text, item.context.url ?? null, item.context.authorName ?? null, id);
          }
        } else {
          // Created as the first message leaves it: one row written, no update after it.
          const state: ConversationState = {
            last: item.createdAt,
            authorId: incoming ? authorId : null,
            unread: incoming ? 1 : 0,
            status: 'open',
            snoozeUntil: null,
            held: held ? 1 : 0,
          };
          const info = insertConversation.run(
            newUid(),
            accountId,
            network,
            item.threadRemoteId,
            item.kind,
            item.createdAt,
            snippet,
            state.authorId,
            item.context?.remoteId ?? null,
            item.context?.text ?? null,
            item.context?.url ?? null,
            item.context?.authorName ?? null,
            state.unread,
            state.held,
            item.createdAt,
          );
          pending = { id: Number(info.lastInsertRowid), orig: state, cur: state, added: 0, snippet: null };
          newConversation = true;
        }
        batch.conversations.set(key, pending);
      } else {
        touch(pending, item.createdAt, snippet, authorId, incoming, held);
        if (item.context) {
          fillContext.run(item.context.remoteId ?? null, item.context.text, item.context.url ?? null, item.context.authorName ?? null, pending.id);
        }
      }
      const conversationId = pending.id;
      const info = insertMessage.run(
        newUid(),
        conversationId,
        accountId,
        item.remoteId,
        item.parentRemoteId ?? null,
        authorId,
        item.direction,
        item.text,
        item.html ?? null,
        JSON.stringify(item.attachments ?? []),
        item.createdAt,
        item.moderation ?? 'visible',
        item.permalink ?? null,
        // How the message relates to its context (a quote, not a reply) is kept with it for the thread view.
        item.extra || item.context?.relation ? JSON.stringify({ ...item.extra, ...(item.context?.relation ? { contextRelation: item.context.relation } : {}) }) : null,
        item.editedAt ?? null,
        item.locked ? 1 : 0,
      );
      const messageId = Number(info.lastInsertRowid);
      batch.add(messageId, item.text, indexAuthorOf(item.author.name, item.author.handle));
      index(batch);
      return { messageId, conversationId, newConversation };
    },

    /**
     * The network's edit of a message we have: text, HTML and attachments replaced in place, the
     * index row rewritten, the snippet too when it is the conversation's latest message. Only an
     * edit newer than the one stored applies, so a replay changes nothing. Returns whether it applied.
     */
    applyNetworkEdit(existing: StoredMessageState, item: NormalizedItem, batch: IndexBatch): boolean {
      const editedAt = item.editedAt ?? null;
      if (editedAt === null || (existing.edited_at !== null && editedAt <= existing.edited_at)) return false;
      settle(batch, existing.conversation_id);
      applyEdit.run(item.text, item.html ?? null, JSON.stringify(item.attachments ?? []), editedAt, existing.id);
      existing.edited_at = editedAt;
      // A deleted message has no index row, and gets none back from a late edit.
      if (existing.deleted_at === null) {
        const author = messageAuthor.get(existing.id);
        batch.remove(existing.id);
        batch.add(existing.id, item.text, author ? indexAuthorOf(author.name ?? '', author.handle ?? '') : NO_AUTHOR);
        if (latestLive.get(existing.conversation_id)?.id === existing.id) setSnippet.run(snippetOf(item.text), existing.conversation_id);
      }
      index(batch);
      return true;
    },

    /**
     * The network deleted a message: the row stays (what was said is not lost locally), marked
     * deleted; its index row goes, so its words no longer match; the snippet and the held flag
     * follow the messages that still exist. Returns false when it was already marked.
     */
    markDeletedOnNetwork(existing: StoredMessageState, deletedAt: number, batch: IndexBatch): boolean {
      if (existing.deleted_at !== null) return false;
      settle(batch, existing.conversation_id);
      if (applyDeletion.run(deletedAt, existing.id).changes === 0) return false;
      existing.deleted_at = deletedAt;
      batch.remove(existing.id);
      refreshSnippet(existing.conversation_id);
      recomputeHeld.run(existing.conversation_id);
      index(batch);
      return true;
    },

    /** A moderation state (from the network, a rule, the manager or screening); `held` follows. */
    setModeration(messageId: number, conversationId: number, state: ModerationState): void {
      setModeration.run(state, messageId);
      recomputeHeld.run(conversationId);
    },

    /** Whether the message is closed to new comments on its network (a lock, or comments turned off). */
    setLocked(messageId: number, locked: boolean): void {
      setLocked.run(locked ? 1 : 0, messageId);
    },

    /** Whether the message was filed into its mailbox's archive folder (email's archive). */
    setArchived(messageId: number, archived: boolean): void {
      setArchived.run(archived ? 1 : 0, messageId);
    },

    /** Attachments rewritten (e.g. with local screening verdicts); entries are kept as given. */
    setAttachments(messageId: number, attachments: readonly (Attachment | Record<string, unknown>)[]): void {
      setAttachments.run(JSON.stringify(attachments), messageId);
    },

    /**
     * The local copy of a reply the manager sends, shown at once while the outbox delivers it:
     * authored and indexed as the connected account, so `from:` with its name or handle finds it.
     */
    addLocalReply(input: { conversationId: number; accountId: number; parentRemoteId: string; text: string; at: number }): number {
      const me = ownAuthor(input.accountId);
      const info = insertLocalReply.run(newUid(), input.conversationId, input.accountId, input.parentRemoteId, me.id, input.text, input.at);
      const messageId = Number(info.lastInsertRowid);
      const indexed = indexAuthorOf(me.name, me.handle);
      insertFts.run(messageId, input.text, indexed.name, indexed.handle);
      touchForReply.run(input.at, snippetOf(input.text), input.conversationId);
      return messageId;
    },

    /** Ties a local reply to the outbox row that delivers it. */
    linkOutbox(messageId: number, outboxId: number): void {
      linkOutbox.run(outboxId, messageId);
    },

    /** Removes a reply that was never sent (discarded by the manager). */
    discardLocalReply(messageId: number, conversationId: number | null): void {
      deleteFts.run(messageId);
      deleteMessage.run(messageId);
      if (conversationId !== null) {
        countDown.run(conversationId);
        refreshSnippet(conversationId);
      }
    },

    /**
     * The network accepted a reply: the local copy gets its remote id. A poll may have fetched the
     * reply before this was recorded: that copy is dropped, ours kept.
     */
    confirmReply(accountId: number, messageId: number | null, result: { remoteId: string; permalink?: string | null; extra?: Record<string, unknown> }): void {
      for (const copy of polledCopies.all(accountId, result.remoteId, messageId ?? -1)) {
        deleteFts.run(copy.id);
        deleteMessage.run(copy.id);
        countDown.run(copy.conversation_id);
      }
      if (messageId !== null) {
        confirmRemote.run(result.remoteId, result.permalink ?? null, result.extra ? JSON.stringify(result.extra) : null, messageId);
      }
    },
  };
}

export type MessageWriter = ReturnType<typeof createMessageWriter>;
