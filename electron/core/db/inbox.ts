/**
 * The inbox list: keyset-paginated (last activity, id), one index behind every filter. With a
 * full-text query, the conversations whose newest matching message is newest come first
 * (search.ts).
 */
import type { InboxFilter, InboxPage } from '../../../shared/contract';
import { STATUSES, type ConversationSummary } from '../../../shared/model';
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';
import { createFullTextSearch, parseSearchQuery, type Conditions, type FullTextSearchOptions, type SearchConditions, type SearchPlan } from './search';

/** A conversation's list row as SQLite returns it (`SUMMARY_COLUMNS`). */
export interface ConversationRow {
  id: number;
  uid?: string | null;
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
  c.id, c.uid, c.account_id, c.network, c.kind, c.status, c.snooze_until, c.assignee_id, c.unread, c.held,
  c.last_activity_at, c.snippet, c.message_count, c.context_text, c.author_id,
  a.name AS author_name, a.handle AS author_handle,
  (SELECT group_concat(tag_id) FROM conversation_tags ct WHERE ct.conversation_id = c.id) AS tag_ids`;

/** The contract's list row from a database row. */
export function toSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    ...(row.uid ? { uid: row.uid } : {}),
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

/** A filter without its full-text query: what the list's indexes serve. */
export type ListFilter = Omit<InboxFilter, 'query'>;

/**
 * How conditions are written. `index`: any of them may drive the query through its index (lists,
 * counts). `check`: they are only checked on conversations found otherwise (by id, or through
 * the held index): the tag is an EXISTS on its key, and a unary + keeps the planner from driving
 * the query by the columns that lead the other indexes.
 */
type ConditionForm = 'index' | 'check';

/** The conditions of a filter on the conversation `c` (the tests check the plans they give). */
function listConditions(filter: ListFilter, form: ConditionForm = 'index'): Conditions {
  const sql: string[] = [];
  const params: unknown[] = [];
  const column = (name: string) => (form === 'check' ? `+c.${name}` : `c.${name}`);
  const inList = (expr: string, values: readonly unknown[]) => {
    const distinct = [...new Set(values)];
    sql.push(distinct.length === 1 ? `${expr} = ?` : `${expr} IN (${distinct.map(() => '?').join(', ')})`);
    params.push(...distinct);
  };
  // Status and activity lead the held index too, so they stay usable in the check form.
  if (filter.status) inList('c.status', filter.status);
  if (filter.network) inList(column('network'), filter.network);
  if (filter.accountId) inList(column('account_id'), filter.accountId);
  // No index leads with the kind: a check on the rows an index gives.
  if (filter.kind) inList('+c.kind', filter.kind);
  if (filter.assigneeId !== undefined) {
    sql.push(`${column('assignee_id')} = ?`);
    params.push(filter.assigneeId);
  }
  if (filter.unassigned) sql.push(`${column('assignee_id')} IS NULL`);
  if (filter.unread) sql.push(`${column('unread')} = 1`);
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
    sql.push(
      form === 'check'
        ? 'EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id AND ct.tag_id = ?)'
        : 'c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag_id = ?)',
    );
    params.push(filter.tagId);
  }
  return { sql, params };
}

interface Where extends Conditions {
  highlight: string[];
}

/**
 * The WHERE clause of a whole filter, full-text query included, for checking a few known
 * conversations against it (`c.id IN (...)` added by the caller). Lists and counts do not use it.
 */
export function filterWhere(filter: InboxFilter): Where {
  const { query, ...rest } = filter;
  const { sql, params } = listConditions(rest);
  let highlight: string[] = [];
  if (query) {
    const parsed = parseSearchQuery(query);
    highlight = parsed.highlight;
    // Only punctuation: there is nothing to search for, so nothing matches (not everything).
    if (parsed.unsearchable) sql.push('0');
    if (parsed.match) {
      sql.push(
        'c.id IN (SELECT m.conversation_id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?)',
      );
      params.push(parsed.match);
    }
  }
  return { sql, params, highlight };
}

/** The rest of a search's filter, in the two forms the search needs. */
export function searchConditions(filter: ListFilter): SearchConditions {
  return { check: listConditions(filter, 'check'), enumerate: listConditions(filter) };
}

const CURSOR = /^(\d{1,16})\.(\d{1,16})$/;
const SEARCH_CURSOR = /^([hf])(\d{1,16})$/;

/** The cursor of a list page: the last row's (last activity, id). */
export function encodeCursor(lastActivityAt: number, id: number): string {
  return `${lastActivityAt}.${id}`;
}

/** The list cursor's parts, or null when it is not one. */
export function decodeCursor(cursor: string): { at: number; id: number } | null {
  const m = CURSOR.exec(cursor);
  return m ? { at: Number(m[1]), id: Number(m[2]) } : null;
}

/**
 * The cursor of a search page: the newest matching message of its last conversation, and the
 * plan that read it (h: from the matching messages, f: filter first).
 */
export function encodeSearchCursor(before: number, plan: SearchPlan): string {
  return `${plan === 'hits' ? 'h' : 'f'}${before}`;
}

/** The search cursor's parts, or null when it is not one. */
export function decodeSearchCursor(cursor: string): { before: number; plan: SearchPlan } | null {
  const m = SEARCH_CURSOR.exec(cursor);
  return m ? { before: Number(m[2]), plan: m[1] === 'h' ? 'hits' : 'filter-first' } : null;
}

/** A page cursor that this list did not hand out (the bridge answers `invalid-input`). */
export class InvalidCursorError extends Error {
  constructor() {
    super('The page cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

/** More arms than this and the list sorts instead (a filter naming dozens of accounts). */
const MAX_ARMS = 32;

/**
 * Splits a filter into filters that each name one status (and one account, or one network):
 * each is then a single ordered range of an index, so the page reads its first rows instead of
 * sorting every match. A conversation has one status, account and network, so the arms do not
 * overlap. The network, account and assignee indexes have the status second, and a tag alone
 * would be read from the tag's index and sorted: without a status, such filters are split over
 * every status.
 */
export function listArms(filter: ListFilter): ListFilter[] {
  const sortsWithoutStatus =
    filter.network !== undefined ||
    filter.accountId !== undefined ||
    filter.assigneeId !== undefined ||
    filter.unassigned === true ||
    filter.tagId !== undefined ||
    // The unread index has the status first too; without it, unread rows would be sought among all.
    filter.unread === true;
  const statuses: readonly unknown[] = filter.status ?? (sortsWithoutStatus ? STATUSES : []);
  let arms: ListFilter[] = [filter];
  const split = (key: 'status' | 'network' | 'accountId', list: readonly unknown[]) => {
    const values = [...new Set(list)];
    if (values.length < 2 || arms.length * values.length > MAX_ARMS) return;
    arms = arms.flatMap((arm) => values.map((value) => ({ ...arm, [key]: [value] }) as ListFilter));
  };
  split('status', statuses);
  // The account index leads with the account; the network is then only a check.
  if (filter.accountId) split('accountId', filter.accountId);
  else split('network', filter.network ?? []);
  return arms;
}

/**
 * One arm of a tag's list: an ordered range of `conversation_tags_list` (the tag's rows carry
 * their conversation's status and last activity, migration 0280), the rest of the filter checked
 * on each row's conversation, found by id. The cost follows the page, not the number of tagged
 * conversations.
 */
function tagArmQuery(arm: ListFilter, after: { at: number; id: number } | null, limit: number): { sql: string; params: unknown[] } {
  const sql = ['ct.tag_id = ?'];
  const params: unknown[] = [arm.tagId];
  if (arm.status) {
    const statuses = [...new Set(arm.status)];
    sql.push(statuses.length === 1 ? 'ct.status = ?' : `ct.status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (arm.since !== undefined) {
    sql.push('ct.last_activity_at >= ?');
    params.push(arm.since);
  }
  if (arm.until !== undefined) {
    sql.push('ct.last_activity_at < ?');
    params.push(arm.until);
  }
  if (after) {
    sql.push('(ct.last_activity_at, ct.conversation_id) < (?, ?)');
    params.push(after.at, after.id);
  }
  const { status: _status, since: _since, until: _until, tagId: _tag, ...rest } = arm;
  const checks = listConditions(rest, 'check');
  sql.push(...checks.sql);
  params.push(...checks.params, limit + 1);
  // CROSS JOIN: the tag's range drives, each conversation is then read by id.
  const join = checks.sql.length > 0 ? 'CROSS JOIN conversations c ON c.id = ct.conversation_id' : '';
  return {
    sql: `SELECT ct.conversation_id AS id, ct.last_activity_at FROM conversation_tags ct ${join} WHERE ${sql.join(' AND ')}
      ORDER BY ct.last_activity_at DESC, ct.conversation_id DESC LIMIT ?`,
    params,
  };
}

/**
 * One page of a list without full-text query: the ids of the first `limit + 1` rows from each
 * arm's index range, merged in list order, then the summary columns of those rows only.
 */
export function buildListQuery(filter: ListFilter, cursor: string | null | undefined, limit: number) {
  const after = cursor ? decodeCursor(cursor) : null;
  if (cursor && !after) throw new InvalidCursorError();
  const params: unknown[] = [];
  const arms = listArms(filter).map((arm) => {
    if (arm.tagId !== undefined) {
      const q = tagArmQuery(arm, after, limit);
      params.push(...q.params);
      return q.sql;
    }
    // Held conversations are few: read from the held index, the rest of the filter only checked
    // (a network's or an account's index would be walked until 51 held ones turned up).
    const where = listConditions(arm, arm.held === true ? 'check' : 'index');
    if (after) {
      where.sql.push('(c.last_activity_at, c.id) < (?, ?)');
      where.params.push(after.at, after.id);
    }
    params.push(...where.params, limit + 1);
    return `SELECT c.id, c.last_activity_at FROM conversations c ${where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : ''}
      ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?`;
  });
  let ids = arms[0]!;
  if (arms.length > 1) {
    ids = `${arms.map((arm) => `SELECT * FROM (${arm})`).join(' UNION ALL ')} ORDER BY last_activity_at DESC, id DESC LIMIT ?`;
    params.push(limit + 1);
  }
  // CROSS JOIN keeps the page's ids outside: the planner would otherwise walk every conversation
  // in list order and look each up among them, to spare itself sorting the page's rows.
  const sql = `SELECT ${SUMMARY_COLUMNS}
    FROM (${ids}) p CROSS JOIN conversations c ON c.id = p.id LEFT JOIN authors a ON a.id = c.author_id
    ORDER BY p.last_activity_at DESC, p.id DESC`;
  return { sql, params };
}

/**
 * The SQL of the counts of a list filter, each answered from an index. "Not held" is nearly
 * every conversation and no index says which, so it is counted as all minus the (few) held ones,
 * read from the held index.
 */
export function buildCountQueries(filter: ListFilter): { plus: Conditions; minus: Conditions | null } {
  if (filter.held !== false) return { plus: listConditions(filter), minus: null };
  const { held: _notHeld, ...all } = filter;
  return { plus: listConditions(all), minus: listConditions({ ...all, held: true }, 'check') };
}

/**
 * The count of a list filter from the kept counts (`conversation_counts`, migration 0280): the sum
 * of the cells the filter selects, a few hundred rows at most whatever the size of the base.
 * Null for a filter the cells cannot answer (a date range): that one is counted from its index.
 */
export function buildKeptCountQuery(filter: ListFilter): Conditions | null {
  if (filter.since !== undefined || filter.until !== undefined) return null;
  const sql = ['k.tag_id = ?'];
  const params: unknown[] = [filter.tagId ?? 0];
  const inList = (column: string, values: readonly unknown[]) => {
    const distinct = [...new Set(values)];
    sql.push(distinct.length === 1 ? `${column} = ?` : `${column} IN (${distinct.map(() => '?').join(', ')})`);
    params.push(...distinct);
  };
  if (filter.status) inList('k.status', filter.status);
  if (filter.network) inList('k.network', filter.network);
  if (filter.accountId) inList('k.account_id', filter.accountId);
  if (filter.assigneeId !== undefined) {
    sql.push('k.assignee_id = ?');
    params.push(filter.assigneeId);
  }
  if (filter.unassigned) sql.push('k.assignee_id = 0');
  if (filter.unread) sql.push('k.unread = 1');
  if (filter.held !== undefined) sql.push(filter.held ? 'k.held = 1' : 'k.held = 0');
  return { sql, params };
}

export const KEPT_COUNT_SQL = (where: Conditions) => `SELECT coalesce(sum(k.n), 0) FROM conversation_counts k WHERE ${where.sql.join(' AND ')}`;

function countSql(where: Conditions): string {
  return `SELECT count(*) FROM conversations c ${where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : ''}`;
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

/** Tuning for tests and benchmarks; the defaults suit the app. */
export interface InboxQueryOptions {
  /** Tuning of the full-text search's plans (the tests force each one). */
  search?: FullTextSearchOptions;
}

/** The inbox's read queries: list pages, counts for the sidebar, rows by id. */
export function createInboxQueries(db: Db, options: InboxQueryOptions = {}) {
  const prepare = statementCache(db);
  const search = createFullTextSearch(prepare, options.search);

  function summaries(ids: readonly number[]): ConversationSummary[] {
    if (ids.length === 0) return [];
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM conversations c LEFT JOIN authors a ON a.id = c.author_id
      WHERE c.id IN (${ids.map(() => '?').join(',')})`;
    return (prepare(sql).all(...ids) as ConversationRow[]).map(toSummary);
  }

  function count(where: Conditions): number {
    return prepare(countSql(where)).pluck(true).get(...where.params) as number;
  }

  function recount(filter: ListFilter): number {
    const { plus, minus } = buildCountQueries(filter);
    return count(plus) - (minus ? count(minus) : 0);
  }

  return {
    /**
     * One page of `limit` rows after `cursor` (the previous page's `nextCursor`). Newest activity
     * first; with a full-text query, newest matching message first.
     */
    list(filter: InboxFilter, cursor: string | null | undefined, limit: number): InboxPage {
      const { query, ...rest } = filter;
      const parsed = query ? parseSearchQuery(query) : null;
      if (parsed?.unsearchable) return { items: [], nextCursor: null, highlight: [] };
      if (parsed?.match) {
        const after = cursor ? decodeSearchCursor(cursor) : null;
        if (cursor && !after) throw new InvalidCursorError();
        const page = search.page(parsed.match, searchConditions(rest), after?.before ?? null, limit, after?.plan);
        const byId = new Map(summaries(page.conversationIds).map((row) => [row.id, row]));
        return {
          items: page.conversationIds.map((id) => byId.get(id)).filter((row) => row !== undefined),
          nextCursor: page.nextBefore === null ? null : encodeSearchCursor(page.nextBefore, page.plan),
          highlight: parsed.highlight,
        };
      }
      const q = buildListQuery(rest, cursor, limit);
      const rows = prepare(q.sql).all(...q.params) as ConversationRow[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      return {
        items: page.map(toSummary),
        nextCursor: more && last ? encodeCursor(last.last_activity_at, last.id) : null,
        highlight: parsed?.highlight ?? [],
      };
    },
    /** How many conversations `list` would page through (exact). */
    count(filter: InboxFilter): number {
      const { query, ...rest } = filter;
      const parsed = query ? parseSearchQuery(query) : null;
      if (parsed?.unsearchable) return 0;
      const match = parsed?.match ?? null;
      if (match) return search.count(match, searchConditions(rest));
      const kept = buildKeptCountQuery(rest);
      if (kept) return prepare(KEPT_COUNT_SQL(kept)).pluck(true).get(...kept.params) as number;
      return recount(rest);
    },
    /** The same count from the conversations themselves (date ranges; the tests compare both). */
    recount,
    summaries,
  };
}
/** The object `createInboxQueries` returns. */
export type InboxQueries = ReturnType<typeof createInboxQueries>;
