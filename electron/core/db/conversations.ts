/**
 * A conversation's detail and the triage writes on conversations (status, tags, assignee, read),
 * each recorded in the activity log in the same transaction.
 */
import { codeOfStoredError } from '../../../shared/errors';
import type { Activity, Author, ConversationDetail, ConversationStatus, Message, Note } from '../../../shared/model';
import type { Db } from './connection';
import { SUMMARY_COLUMNS, toSummary, type ConversationRow } from './inbox';
import { newUid } from './uid';

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} was not found`);
    this.name = 'NotFoundError';
  }
}

interface MessageRow {
  id: number;
  uid: string | null;
  edited_at: number | null;
  deleted_at: number | null;
  locked: number;
  archived: number;
  conversation_id: number;
  remote_id: string | null;
  parent_remote_id: string | null;
  author_id: number | null;
  direction: 'in' | 'out';
  text: string;
  html: string | null;
  attachments: string;
  created_at: number;
  moderation: Message['moderation'];
  permalink: string | null;
  delivery: Message['delivery'];
  delivery_error: string | null;
}

interface AuthorRow {
  id: number;
  account_id: number;
  network: Author['network'];
  remote_id: string;
  handle: string;
  name: string;
  avatar_url: string | null;
  profile_url: string | null;
  blocked: number;
  muted: number;
  banned: number;
  notes: string;
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Snoozed conversations whose time has come, and the next snooze time (start-up, then a timer).
 * Both read the snoozed index (snooze time, snoozed only). Left to itself the planner takes the
 * status index and reads every snoozed conversation's row to find the earliest time: at start-up
 * that was most of a cold start (275 MB read from disk at a million messages; seconds at ten).
 */
export const WAKE_SNOOZED_SQL = `UPDATE conversations INDEXED BY conv_snoozed SET status = 'open', snooze_until = NULL, unread = 1
  WHERE status = 'snoozed' AND snooze_until <= ? RETURNING id`;
export const NEXT_SNOOZE_SQL = `SELECT snooze_until AS at FROM conversations INDEXED BY conv_snoozed
  WHERE status = 'snoozed' AND snooze_until IS NOT NULL ORDER BY snooze_until LIMIT 1`;

export function createConversationQueries(db: Db, actorName: () => string, now: () => number) {
  const summary = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM conversations c LEFT JOIN authors a ON a.id = c.author_id WHERE c.id = ?`);
  const quotes = db.prepare<[number], { q: number }>(
    "SELECT 1 AS q FROM messages WHERE conversation_id = ? AND json_extract(extra, '$.contextRelation') = 'quote' LIMIT 1",
  );
  const conv = db.prepare<[number], { account_id: number; context_text: string | null; context_url: string | null; context_author: string | null; author_id: number | null }>(
    'SELECT account_id, context_text, context_url, context_author, author_id FROM conversations WHERE id = ?',
  );
  const account = db.prepare<[number], { id: number; network: Author['network']; handle: string; display_name: string }>(
    'SELECT id, network, handle, display_name FROM accounts WHERE id = ?',
  );
  const messages = db.prepare<[number], MessageRow>(`
    SELECT m.id, m.uid, m.edited_at, m.deleted_at, m.locked, m.archived, m.conversation_id, m.remote_id, m.parent_remote_id, m.author_id, m.direction, m.text, m.html,
           m.attachments, m.created_at, m.moderation, m.permalink,
           o.state AS delivery, o.last_error AS delivery_error
    FROM messages m LEFT JOIN outbox o ON o.id = m.outbox_id
    WHERE m.conversation_id = ? ORDER BY m.created_at, m.id`);
  const authors = db.prepare<[number], AuthorRow>(`
    SELECT au.id, au.account_id, ac.network, au.remote_id, au.handle, au.name, au.avatar_url, au.profile_url,
           au.blocked, au.muted, au.banned, au.notes
    FROM authors au JOIN accounts ac ON ac.id = au.account_id
    WHERE au.id IN (SELECT DISTINCT author_id FROM messages WHERE conversation_id = ? AND author_id IS NOT NULL)`);
  const notes = db.prepare<[number], { id: number; uid: string | null; conversation_id: number; member_id: number | null; text: string; created_at: number }>(
    'SELECT id, uid, conversation_id, member_id, text, created_at FROM notes WHERE conversation_id = ? ORDER BY created_at, id',
  );
  const activity = db.prepare<[number], { id: number; at: number; actor: string; conversation_id: number | null; kind: string; detail: string }>(
    'SELECT id, at, actor, conversation_id, kind, detail FROM activity WHERE conversation_id = ? ORDER BY at DESC, id DESC LIMIT 200',
  );
  const flags = db.prepare<[number], { message_id: number; rule_key: string; rule_name: string; matches: string; at: number }>(`
    SELECT f.message_id, f.rule_key, f.rule_name, f.matches, f.at FROM message_flags f
    JOIN messages m ON m.id = f.message_id WHERE m.conversation_id = ? ORDER BY f.at DESC, f.id DESC`);
  const pendingModeration = db.prepare<[number], { message_id: number; payload: string; state: Message['delivery']; last_error: string | null }>(`
    SELECT message_id, payload, state, last_error FROM outbox
    WHERE conversation_id = ? AND kind = 'moderate' AND state <> 'sent' ORDER BY id`);
  const authorConversations = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM conversations WHERE author_id = ? AND id <> ?',
  );
  const markRead = db.prepare<[number, number]>('UPDATE conversations SET unread = ? WHERE id = ?');
  const setStatus = db.prepare<[string, number | null, number]>('UPDATE conversations SET status = ?, snooze_until = ? WHERE id = ?');
  const tag = db.prepare<[number, number]>('INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id) VALUES (?, ?)');
  const untag = db.prepare<[number, number]>('DELETE FROM conversation_tags WHERE conversation_id = ? AND tag_id = ?');
  const assign = db.prepare<[number | null, number]>('UPDATE conversations SET assignee_id = ? WHERE id = ?');
  const exists = db.prepare<[number], { id: number }>('SELECT id FROM conversations WHERE id = ?');
  const logActivity = db.prepare<[number, string, number | null, string, string]>(
    'INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const addNote = db.prepare<[string, number, number | null, string, number]>(
    'INSERT INTO notes (uid, conversation_id, member_id, text, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const wakeSnoozed = db.prepare<[number], { id: number }>(WAKE_SNOOZED_SQL);
  const nextSnooze = db.prepare<[], { at: number | null }>(NEXT_SNOOZE_SQL);

  function requireAll(ids: readonly number[]) {
    for (const id of ids) if (!exists.get(id)) throw new NotFoundError(`Conversation ${id}`);
  }

  function log(conversationId: number | null, kind: string, detail: Record<string, unknown>, actor = actorName()) {
    logActivity.run(now(), actor, conversationId, kind, JSON.stringify(detail));
  }

  return {
    log,
    /** Throws NotFoundError unless every conversation exists. */
    requireAll,
    get(id: number, opts: { markRead: boolean }): ConversationDetail {
      const c = conv.get(id);
      if (!c) throw new NotFoundError(`Conversation ${id}`);
      if (opts.markRead) markRead.run(0, id);
      const acc = account.get(c.account_id)!;
      const flagsByMessage = new Map<number, Message['flags']>();
      for (const f of flags.all(id)) {
        const list = flagsByMessage.get(f.message_id) ?? [];
        list.push({ ruleId: f.rule_key, ruleName: f.rule_name, matches: parseJson(f.matches, []), at: f.at });
        flagsByMessage.set(f.message_id, list);
      }
      const pendingByMessage = new Map<number, Message['pendingModeration']>();
      for (const p of pendingModeration.all(id)) {
        const list = pendingByMessage.get(p.message_id) ?? [];
        list.push({ action: parseJson<{ action: string }>(p.payload, { action: '?' }).action, state: p.state ?? 'queued', error: p.last_error, errorCode: codeOfStoredError(p.last_error) });
        pendingByMessage.set(p.message_id, list);
      }
      const msgs: Message[] = messages.all(id).map((m) => ({
        id: m.id,
        conversationId: m.conversation_id,
        remoteId: m.remote_id,
        parentRemoteId: m.parent_remote_id,
        authorId: m.author_id,
        direction: m.direction,
        text: m.text,
        html: m.html,
        attachments: parseJson(m.attachments, []),
        createdAt: m.created_at,
        moderation: m.moderation,
        permalink: m.permalink,
        delivery: m.delivery ?? null,
        deliveryError: m.delivery_error,
        deliveryErrorCode: codeOfStoredError(m.delivery_error),
        flags: flagsByMessage.get(m.id) ?? [],
        pendingModeration: pendingByMessage.get(m.id) ?? [],
        ...(m.uid ? { uid: m.uid } : {}),
        editedAt: m.edited_at,
        deletedAt: m.deleted_at,
        ...(m.locked ? { locked: true } : {}),
        ...(m.archived ? { archived: true } : {}),
      }));
      return {
        conversation: toSummary(summary.get(id) as ConversationRow),
        account: { id: acc.id, network: acc.network, handle: acc.handle, displayName: acc.display_name },
        context: c.context_text ? { text: c.context_text, url: c.context_url, authorName: c.context_author, relation: quotes.get(id) ? 'quote' : 'reply' } : null,
        messages: msgs,
        authors: authors.all(id).map((a) => ({
          id: a.id,
          accountId: a.account_id,
          network: a.network,
          remoteId: a.remote_id,
          handle: a.handle,
          name: a.name,
          avatarUrl: a.avatar_url,
          profileUrl: a.profile_url,
          blocked: a.blocked === 1,
          muted: a.muted === 1,
          banned: a.banned === 1,
          notes: a.notes,
        })),
        notes: notes.all(id).map((n): Note => ({ id: n.id, ...(n.uid ? { uid: n.uid } : {}), conversationId: n.conversation_id, memberId: n.member_id, text: n.text, createdAt: n.created_at })),
        activity: activity.all(id).map((a): Activity => ({
          id: a.id,
          at: a.at,
          actor: a.actor,
          conversationId: a.conversation_id,
          kind: a.kind,
          detail: parseJson(a.detail, {}),
        })),
        authorConversationCount: c.author_id ? authorConversations.get(c.author_id, id)!.n : 0,
      };
    },
    setStatus: db.transaction((ids: readonly number[], status: ConversationStatus, snoozeUntil: number | null) => {
      requireAll(ids);
      for (const id of ids) {
        setStatus.run(status, status === 'snoozed' ? snoozeUntil : null, id);
        log(id, 'status', status === 'snoozed' ? { status, until: snoozeUntil } : { status });
      }
    }),
    markRead: db.transaction((ids: readonly number[], unread: boolean) => {
      requireAll(ids);
      for (const id of ids) markRead.run(unread ? 1 : 0, id);
    }),
    tag: db.transaction((ids: readonly number[], tagId: number, tagName: string) => {
      requireAll(ids);
      for (const id of ids) if (tag.run(id, tagId).changes > 0) log(id, 'tag', { tag: tagName });
    }),
    untag: db.transaction((ids: readonly number[], tagId: number, tagName: string) => {
      requireAll(ids);
      for (const id of ids) if (untag.run(id, tagId).changes > 0) log(id, 'untag', { tag: tagName });
    }),
    assign: db.transaction((ids: readonly number[], memberId: number | null, memberName: string | null) => {
      requireAll(ids);
      for (const id of ids) {
        assign.run(memberId, id);
        log(id, memberId === null ? 'unassign' : 'assign', memberName ? { member: memberName } : {});
      }
    }),
    addNote: db.transaction((id: number, memberId: number | null, text: string): number => {
      requireAll([id]);
      const info = addNote.run(newUid(), id, memberId, text, now());
      log(id, 'note', {});
      return Number(info.lastInsertRowid);
    }),
    /** Reopens conversations whose snooze time has come; returns their ids. */
    wakeSnoozed: db.transaction((at: number): number[] => {
      const ids = wakeSnoozed.all(at).map((r) => r.id);
      for (const id of ids) log(id, 'status', { status: 'open', reason: 'snooze-ended' }, 'system');
      return ids;
    }),
    nextSnoozeAt(): number | null {
      return nextSnooze.get()?.at ?? null;
    },
  };
}
export type ConversationQueries = ReturnType<typeof createConversationQueries>;
