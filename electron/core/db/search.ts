/**
 * Full-text search. `parseSearchQuery` turns what a user types in the search box into a safe FTS5
 * expression; `createFullTextSearch` pages through the conversations it finds, the one with the
 * newest matching message first (as mail search does).
 *
 * Supported syntax: plain words (all must match), a trailing * for a prefix, "quoted phrases",
 * and `from:name` to match the author's name or handle. Plain words and phrases match what people
 * wrote and their names, never handles or servers (`from:` is for those). Everything else is
 * quoted, so no user input can inject FTS5 syntax.
 */
import type { Statement } from 'better-sqlite3';

export interface ParsedQuery {
  /** The FTS5 MATCH expression, or null when nothing searchable was typed. */
  match: string | null;
  /** Something was typed, but no letter or digit to search for (`"`, `?!`): nothing matches. */
  unsearchable: boolean;
  /** Words to highlight in results. */
  highlight: string[];
}

// A "word" for the tokenizer: letters and digits in any script.
const WORD = /[\p{L}\p{N}]+/gu;

function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The columns plain words search: what was written, and the author's name. */
const PLAIN = '{text author}';
/** The columns `from:` searches: the author's name and handle. */
const FROM = '{author handle}';

function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** The FTS5 expression and the words to highlight of what the user typed. */
export function parseSearchQuery(input: string): ParsedQuery {
  const parts: string[] = [];
  const highlight: string[] = [];
  const re = /(from:)?(?:"([^"]*)"?|(\S+))/giu;
  for (const m of input.matchAll(re)) {
    const isFrom = Boolean(m[1]);
    const phrase = m[2];
    const bare = m[3];
    if (phrase !== undefined) {
      const ws = words(phrase);
      if (ws.length === 0) continue;
      const expr = quote(ws.join(' '));
      parts.push(isFrom ? `${FROM} : ${expr}` : `${PLAIN} : ${expr}`);
      if (!isFrom) highlight.push(ws.join(' '));
      continue;
    }
    if (bare === undefined) continue;
    const prefix = bare.endsWith('*');
    const ws = words(bare);
    if (ws.length === 0) continue;
    // "l'avion" or "e-mail" are several tokens: match them as a phrase.
    const body = ws.length === 1 ? quote(ws[0]!) : quote(ws.join(' '));
    const expr = prefix ? `${body}*` : body;
    if (isFrom) {
      parts.push(`${FROM} : ${expr}${prefix ? '' : '*'}`);
    } else {
      parts.push(`${PLAIN} : ${expr}`);
      highlight.push(ws.join(' '));
    }
  }
  return {
    match: parts.length ? parts.join(' AND ') : null,
    unsearchable: parts.length === 0 && input.trim() !== '',
    highlight: highlight.map((h) => h.toLowerCase()),
  };
}

/** SQL conditions on the conversation `c`, with their parameters. */
export interface Conditions {
  sql: string[];
  params: unknown[];
}

/**
 * The rest of the filter a search must also satisfy, written twice: `check` tests one
 * conversation already found (by its id), `enumerate` lists the matching conversations from
 * their indexes. Both have the same meaning; an empty `sql` means no condition.
 */
export interface SearchConditions {
  check: Conditions;
  enumerate: Conditions;
}

/** How a page was read: from the matching messages, or from the filter's conversations. */
export type SearchPlan = 'hits' | 'filter-first';

/** One page of a search, as conversation ids. */
export interface SearchHitsPage {
  /** Conversation ids, the one with the newest matching message first. */
  conversationIds: number[];
  /**
   * The id of the newest matching message of the last conversation returned, when more
   * conversations follow: the next page reads the matching messages older than it.
   */
  nextBefore: number | null;
  /** The plan that read this page: the next page uses it too. */
  plan: SearchPlan;
}

/** Where the search changes plans; the defaults suit the app, tests force each plan. */
export interface FullTextSearchOptions {
  /**
   * Matching messages read newest first before asking whether the filter is small enough to
   * start from its conversations instead (a common word in a narrow view).
   */
  scanBudget?: number;
  /** Filters matching at most this many conversations may be searched from their conversations. */
  smallFilter?: number;
}

interface Found {
  conversationId: number;
  hit: number;
}

interface HitRow {
  hit: number;
  conversation: number;
  passes: number;
}

/** The SQL of every statement a search runs; the tests check each plan. */
export function searchStatements(conditions: SearchConditions) {
  const check = conditions.check.sql.join(' AND ');
  const enumerate = conditions.enumerate.sql.length ? `WHERE ${conditions.enumerate.sql.join(' AND ')}` : '';
  // Matching messages, newest (highest id: ids grow with ingest) first, with their conversation
  // and whether it passes the rest of the filter. CROSS JOIN keeps the full-text index outside,
  // so the rows come in its order and reading stops when the page is full.
  const hits = check
    ? `SELECT f.rowid AS hit, m.conversation_id AS conversation, (${check}) AS passes
       FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid CROSS JOIN conversations c ON c.id = m.conversation_id
       WHERE messages_fts MATCH ?`
    : `SELECT f.rowid AS hit, m.conversation_id AS conversation, 1 AS passes
       FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
       WHERE messages_fts MATCH ?`;
  return {
    hits: `${hits} ORDER BY f.rowid DESC`,
    hitsBefore: `${hits} AND f.rowid < ? ORDER BY f.rowid DESC`,
    /** A conversation's messages from a message id on (what earlier pages may have matched). */
    messagesFrom: 'SELECT id FROM messages WHERE conversation_id = ? AND id >= ?',
    /** Matching message ids from an id on (what earlier pages read). */
    hitIdsFrom: 'SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? AND rowid >= ?',
    /** Every matching message id, newest first, without touching the messages. */
    hitIds: 'SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC',
    /** How many conversations pass the filter, counting no further than a cap. */
    cappedCount: `SELECT count(*) FROM (SELECT 1 FROM conversations c ${enumerate} LIMIT ?)`,
    /** The messages of the conversations that pass the filter, from the index of messages. */
    filterMessages: `SELECT m.id, m.conversation_id FROM conversations c JOIN messages m ON m.conversation_id = c.id ${enumerate}`,
    /** Conversations with a matching message, without other condition. */
    countAll: 'SELECT count(DISTINCT m.conversation_id) FROM messages_fts f JOIN messages m ON m.id = f.rowid WHERE messages_fts MATCH ?',
    /** Conversations that pass the filter and have a matching message. */
    countFiltered: `SELECT count(*) FROM conversations c ${enumerate ? `${enumerate} AND` : 'WHERE'}
      c.id IN (SELECT m.conversation_id FROM messages_fts f JOIN messages m ON m.id = f.rowid WHERE messages_fts MATCH ?)`,
  };
}

/**
 * Pages of conversations matching a full-text expression, ordered by their newest matching
 * message, newest first. A conversation appears once, at its newest matching message: a page
 * starts below the previous page's last hit and skips the conversations that have a matching
 * message at or above it (those were on an earlier page).
 *
 * Two plans give the same pages. Usually the matching messages are read newest first, each with
 * its conversation and whether that passes the rest of the filter, until the page is full: a few
 * dozen rows for a common word. When that goes on for long (a common word in a narrow view) and
 * the filter matches few conversations, the search starts from their messages instead and reads
 * only ids from the full-text index; the following pages keep that plan.
 */
export function createFullTextSearch(prepare: (sql: string) => Statement<unknown[]>, options: FullTextSearchOptions = {}) {
  const scanBudget = options.scanBudget ?? 1000;
  const smallFilter = options.smallFilter ?? 5000;

  function filterIsSmall(sql: ReturnType<typeof searchStatements>, conditions: SearchConditions): boolean {
    const n = prepare(sql.cappedCount).pluck(true).get(...conditions.enumerate.params, smallFilter + 1) as number;
    return n <= smallFilter;
  }

  /** The message → conversation map of every conversation that passes the filter. */
  function messagesOfFilter(sql: ReturnType<typeof searchStatements>, conditions: SearchConditions): Map<number, number> {
    const conversationOf = new Map<number, number>();
    const rows = prepare(sql.filterMessages).raw(true).all(...conditions.enumerate.params) as [number, number][];
    for (const [messageId, conversationId] of rows) conversationOf.set(messageId, conversationId);
    return conversationOf;
  }

  /** Reads matching messages newest first; null when it gave up for the filter-first plan. */
  function pageFromHits(match: string, conditions: SearchConditions, before: number | null, limit: number): Found[] | null {
    const sql = searchStatements(conditions);
    const filtered = conditions.enumerate.sql.length > 0;
    const messagesFrom = prepare(sql.messagesFrom).pluck(true);
    const decided = new Set<number>();
    const found: Found[] = [];
    // The matching message ids at or above `before`, read once a candidate needs them.
    let earlierHits: Set<number> | null = null;
    const shownEarlier = (conversationId: number): boolean => {
      if (before === null) return false;
      const later = messagesFrom.all(conversationId, before) as number[];
      if (later.length === 0) return false;
      earlierHits ??= new Set(prepare(sql.hitIdsFrom).pluck(true).all(match, before) as number[]);
      return later.some((id) => earlierHits!.has(id));
    };
    const params = [...conditions.check.params, match];
    const rows = (before === null ? prepare(sql.hits).iterate(...params) : prepare(sql.hitsBefore).iterate(...params, before)) as IterableIterator<HitRow>;
    let read = 0;
    try {
      for (const row of rows) {
        read += 1;
        if (filtered && read === scanBudget && filterIsSmall(sql, conditions)) return null;
        if (!row.passes || decided.has(row.conversation)) continue;
        decided.add(row.conversation);
        if (shownEarlier(row.conversation)) continue;
        found.push({ conversationId: row.conversation, hit: row.hit });
        if (found.length > limit) break;
      }
    } finally {
      rows.return?.();
    }
    return found;
  }

  /** Starts from the messages of the (few) conversations that pass the filter. */
  function pageFromFilter(match: string, conditions: SearchConditions, before: number | null, limit: number): Found[] {
    const sql = searchStatements(conditions);
    const conversationOf = messagesOfFilter(sql, conditions);
    const shownEarlier = new Set<number>();
    const taken = new Set<number>();
    const found: Found[] = [];
    for (const hit of prepare(sql.hitIds).pluck(true).all(match) as number[]) {
      const conversationId = conversationOf.get(hit);
      if (conversationId === undefined) continue;
      // Newest first: every hit at or above `before` comes before the first one of this page.
      if (before !== null && hit >= before) {
        shownEarlier.add(conversationId);
        continue;
      }
      if (shownEarlier.has(conversationId) || taken.has(conversationId)) continue;
      taken.add(conversationId);
      found.push({ conversationId, hit });
      if (found.length > limit) break;
    }
    return found;
  }

  return {
    /**
     * One page: at most `limit` conversations whose newest matching message is older than
     * `before` (null: the first page) and that had none at or above it. `plan` is the previous
     * page's; the filter-first plan needs a filter.
     */
    page(match: string, conditions: SearchConditions, before: number | null, limit: number, plan: SearchPlan = 'hits'): SearchHitsPage {
      let found = plan === 'filter-first' && conditions.enumerate.sql.length > 0 ? null : pageFromHits(match, conditions, before, limit);
      const used: SearchPlan = found ? 'hits' : 'filter-first';
      found ??= pageFromFilter(match, conditions, before, limit);
      const more = found.length > limit;
      const page = more ? found.slice(0, limit) : found;
      return { conversationIds: page.map((f) => f.conversationId), nextBefore: more ? page.at(-1)!.hit : null, plan: used };
    },

    /** How many conversations pass the filter and have a matching message. */
    count(match: string, conditions: SearchConditions): number {
      const sql = searchStatements(conditions);
      if (conditions.enumerate.sql.length === 0) return prepare(sql.countAll).pluck(true).get(match) as number;
      if (!filterIsSmall(sql, conditions)) return prepare(sql.countFiltered).pluck(true).get(...conditions.enumerate.params, match) as number;
      const conversationOf = messagesOfFilter(sql, conditions);
      const matching = new Set<number>();
      for (const hit of prepare(sql.hitIds).pluck(true).all(match) as number[]) {
        const conversationId = conversationOf.get(hit);
        if (conversationId !== undefined) matching.add(conversationId);
      }
      return matching.size;
    },
  };
}
/** The object `createFullTextSearch` returns. */
export type FullTextSearch = ReturnType<typeof createFullTextSearch>;
