/**
 * What the storage-failure tests share: a network double that serves a big page on demand and
 * records replies, the figures that must not change when a write fails, and the two ways the
 * tests take the disk away from the store.
 *
 * A real full disk needs a small filesystem (a loop mount), which CI machines do not offer:
 * `PRAGMA max_page_count` caps the database at its current size instead, so the next write that
 * needs a new page fails exactly as on a full disk (SQLITE_FULL). A volume gone read-only while
 * the app runs is simulated with `PRAGMA query_only` (every write fails with SQLITE_READONLY);
 * a data folder that is read-only from the start is tested for real with file permissions in
 * read-only-profile.test.ts.
 */
import type Database from 'better-sqlite3';
import type { Connector, NormalizedItem, ReplyRequest } from '../connectors/types';

/** Caps the database at its current size: any write that needs one more page fails. */
export function fillDisk(db: Database.Database): void {
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
}

/** Gives the database room again. */
export function freeDisk(db: Database.Database): void {
  db.pragma('max_page_count = 1073741823');
}

/** Row counts of everything the user could lose. */
export function figures(db: Database.Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of ['accounts', 'authors', 'conversations', 'messages', 'notes', 'tags', 'drafts', 'outbox', 'activity']) {
    out[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  out.cursor = (db.prepare('SELECT count(*) AS n FROM accounts WHERE cursor IS NOT NULL').get() as { n: number }).n;
  return out;
}

export function integrity(db: Database.Database): string {
  return (db.pragma('integrity_check', { simple: true }) as string) ?? '';
}

let sequence = 0;

/** A page of `count` new messages of about `bytes` each, as a busy post brings. */
export function bigPage(count: number, bytes: number): NormalizedItem[] {
  const base = ++sequence * 100_000;
  return Array.from({ length: count }, (_, i) => ({
    remoteId: `big-${base + i}`,
    threadRemoteId: `thread-${base + (i % 20)}`,
    kind: 'comment' as const,
    direction: 'in' as const,
    author: { remoteId: `fan-${i % 50}`, handle: `@fan${i % 50}`, name: `Fan ${i % 50}` },
    text: `Message ${base + i}: ${'commentaire très long '.repeat(Math.ceil(bytes / 22))}`.slice(0, bytes),
    createdAt: 1_700_000_000_000 + base + i,
  }));
}

/**
 * A network double that pages like a real one: `pages[i]` is what a poll from cursor `c<i>` (or
 * no cursor, for i = 0) returns, so a page whose commit failed is served again by the next poll.
 * Replies are posted once per idempotency key (a request sent again under the same key gets the
 * first answer, as Mastodon does), and can be found again by that key.
 */
export function pagingNetwork(onReply?: () => void) {
  const state = { pages: [] as NormalizedItem[][], polls: 0, sent: [] as ReplyRequest[] };
  const byKey = new Map<string, string>();
  const connector: Connector = {
    network: 'mastodon',
    capabilities: { maxReplyLength: 500, directMessages: false, reply: true, moderation: [] },
    verify: async () => ({ remoteId: 'me-mastodon', handle: '@brand', name: 'Brand' }),
    async poll(_ctx, cursor) {
      state.polls += 1;
      const index = cursor ? Number(cursor.slice(1)) : 0;
      const items = state.pages[index];
      if (!items) return { items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] };
      return { items, cursor: `c${index + 1}`, hasMore: false, rateLimit: null, skipped: [] };
    },
    async reply(_ctx, req) {
      // Like Mastodon, the network replays a request it has seen under the same Idempotency-Key.
      const seen = byKey.get(req.idempotencyKey);
      if (seen) return { remoteId: seen, createdAt: 1_700_000_000_000 };
      state.sent.push(req);
      const remoteId = `reply-${state.sent.length}`;
      byKey.set(req.idempotencyKey, remoteId);
      // The network has it now; what happens to the app from here is the test's business.
      onReply?.();
      return { remoteId, createdAt: 1_700_000_000_000 };
    },
    async findReply(_ctx, req) {
      const remoteId = byKey.get(req.idempotencyKey);
      return remoteId ? { remoteId, createdAt: 1_700_000_000_000 } : null;
    },
    moderate: async () => ({}),
  };
  return { connector, state };
}
