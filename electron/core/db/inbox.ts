/**
 * The inbox list: keyset-paginated (last activity, id), one index behind every filter.
 */
import type { InboxFilter, InboxPage } from '../../../shared/contract';
import type { ConversationSummary } from '../../../shared/model';
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';
import { parseSearchQuery } from './search';

export interface ConversationRow {
  id: number;
  account_id: number;
  network: string;
  kind: string;
  status: string;
  snooze_until: number | null;
  assignee_id: number | null;
  unread: number;
  held: number;
  last_activity_at: number;
  snippet: string;
  message_count: number;
  context_text: string | null;
  author_id: number | null;
  author_name: string | null;
  author_handle: string | null;
  tag_ids: string | null;
}

/** Columns of a summary row; `c` is the conversation, `a` its author. */
export const SUMMARY_COLUMNS = `
  c.id, c.account_id, c.network, c.kind, c.status, c.snooze_until, c.assignee_id, c.unread, c.held,
  c.last_activity_at, c.snippet, c.message_count, c.context_text, c.author_id,
  a.name AS author_name, a.handle AS author_handle,
  (SELECT group_concat(tag_id) FROM conversation_tags ct WHERE ct.conversation_id = c.id) AS tag_ids`;

export function toSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    accountId: row.account_id,
    network: row.network as ConversationSummary['network'],
    kind: row.kind as ConversationSummary['kind'],
    status: row.status as ConversationSummary['status'],
    snoozeUntil: row.snooze_until,
    assigneeId: row.assignee_id,
    tagIds: row.tag_ids ? row.tag_ids.split(',').map(Number).sort((x, y) => x - y) : [],
    unread: row.unread === 1,
    held: row.held === 1,
    lastActivityAt: row.last_activity_at,
    snippet: row.snippet,
    messageCount: row.message_count,
    author: row.author_id !== null && row.author_name !== null
      ? { id: row.author_id, name: row.author_name, handle: row.author_handle ?? '' }
      : null,
    contextTitle: row.context_text ? row.context_text.slice(0, 140) : null,
  };
}

interface Where {
  sql: string[];
  params: unknown[];
  highlight: string[];
}

/** Builds the WHERE clause of a filter. Every branch is backed by an index (see the tests). */
export function filterWhere(filter: InboxFilter): Where {
  const sql: string[] = [];
  const params: unknown[] = [];
  let highlight: string[] = [];
  const inList = (column: string, values: readonly unknown[]) => {
    sql.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (filter.status) inList('c.status', filter.status);
  if (filter.network) inList('c.network', filter.network);
  if (filter.accountId) inList('c.account_id', filter.accountId);
  if (filter.assigneeId !== undefined) {
    sql.push('c.assignee_id = ?');
    params.push(filter.assigneeId);
  }
  if (filter.unassigned) sql.push('c.assignee_id IS NULL');
  if (filter.unread) sql.push('c.unread = 1');
  if (filter.held !== undefined) sql.push(filter.held ? 'c.held = 1' : 'c.held = 0');
  if (filter.since !== undefined) {
    sql.push('c.last_activity_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    sql.push('c.last_activity_at < ?');
    params.push(filter.until);
  }
  if (filter.tagId !== undefined) {
    sql.push('c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag_id = ?)');
    params.push(filter.tagId);
  }
  if (filter.query) {
    const parsed = parseSearchQuery(filter.query);
    highlight = parsed.highlight;
    if (parsed.match) {
      sql.push(
        'c.id IN (SELECT m.conversation_id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?)',
      );
      params.push(parsed.match);
    }
  }
  return { sql, params, highlight };
}

const CURSOR = /^(\d{1,16})\.(\d{1,16})$/;

export function encodeCursor(lastActivityAt: number, id: number): string {
  return `${lastActivityAt}.${id}`;
}

export function decodeCursor(cursor: string): { at: number; id: number } | null {
  const m = CURSOR.exec(cursor);
  return m ? { at: Number(m[1]), id: Number(m[2]) } : null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The page cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

export function buildListQuery(filter: InboxFilter, cursor: string | null | undefined, limit: number) {
  const where = filterWhere(filter);
  if (cursor) {
    const c = decodeCursor(cursor);
    if (!c) throw new InvalidCursorError();
    where.sql.push('(c.last_activity_at, c.id) < (?, ?)');
    where.params.push(c.at, c.id);
  }
  const sql = `SELECT ${SUMMARY_COLUMNS}
    FROM conversations c LEFT JOIN authors a ON a.id = c.author_id
    ${where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : ''}
    ORDER BY c.last_activity_at DESC, c.id DESC
    LIMIT ?`;
  return { sql, params: [...where.params, limit + 1], highlight: where.highlight };
}

/** Caches prepared statements by SQL text (filter shapes are few). */
export function statementCache(db: Db, max = 200) {
  const cache = new Map<string, Statement<unknown[]>>();
  return (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare<unknown[]>(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

export function createInboxQueries(db: Db) {
  const prepare = statementCache(db);
  return {
    list(filter: InboxFilter, cursor: string | null | undefined, limit: number): InboxPage {
      const q = buildListQuery(filter, cursor, limit);
      const rows = prepare(q.sql).all(...q.params) as ConversationRow[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      return {
        items: page.map(toSummary),
        nextCursor: more && last ? encodeCursor(last.last_activity_at, last.id) : null,
        highlight: q.highlight,
      };
    },
    count(filter: InboxFilter): number {
      const where = filterWhere(filter);
      const sql = `SELECT count(*) AS n FROM conversations c ${where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : ''}`;
      return (prepare(sql).get(...where.params) as { n: number }).n;
    },
    summaries(ids: readonly number[]): ConversationSummary[] {
      if (ids.length === 0) return [];
      const sql = `SELECT ${SUMMARY_COLUMNS} FROM conversations c LEFT JOIN authors a ON a.id = c.author_id
        WHERE c.id IN (${ids.map(() => '?').join(',')})`;
      return (prepare(sql).all(...ids) as ConversationRow[]).map(toSummary);
    },
  };
}
export type InboxQueries = ReturnType<typeof createInboxQueries>;
