/**
 * What the harness reads in the app's profile: the database as the disk holds it after a kill
 * (copied first, so that inspecting it never changes what the next start finds), and the figures
 * the final checks compare with the servers' records.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replyToken, type CrashNetwork } from './crash-networks';

/** The database file of a profile. */
export function databaseFile(dataDir: string): string {
  return join(dataDir, 'parvis.db');
}

/** Problems SQLite or the store's own invariants report, empty when the database is sound. */
export function soundnessProblems(db: Database.Database): string[] {
  const problems: string[] = [];
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  if (integrity.join() !== 'ok') problems.push(`integrity_check: ${integrity.slice(0, 5).join('; ')}`);
  try {
    // FTS5's integrity-check command is spelled as an INSERT but writes nothing.
    // eslint-disable-next-line no-restricted-syntax
    db.prepare(`INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`).run();
  } catch (err) {
    problems.push(`full-text index: ${(err as Error).message}`);
  }
  const counts = db
    .prepare<[], { id: number; stored: number; actual: number }>(`
      SELECT c.id, c.message_count AS stored, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS actual
      FROM conversations c WHERE c.message_count <> (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)`)
    .all();
  for (const c of counts.slice(0, 5)) problems.push(`conversation ${c.id} says ${c.stored} messages but has ${c.actual}`);
  const orphans = db
    .prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox o WHERE o.kind = 'reply' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.outbox_id = o.id)`)
    .get()!.n;
  if (orphans > 0) problems.push(`${orphans} outbox replies without their local message`);
  return problems;
}

/**
 * Opens a copy of the database as the disk holds it right now (the app is not running): the same
 * recovery the next start would do, without touching the profile.
 */
export function withDiskCopy<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const scratch = mkdtempSync(join(tmpdir(), 'parvis-crash-copy-'));
  try {
    const file = databaseFile(dataDir);
    const copy = join(scratch, 'parvis.db');
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = new Database(copy);
    try {
      return read(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Reads the live database of a running app (WAL lets a reader in beside the writer). */
export function withLiveReader<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

/** The state of the outbox reply whose text carries `[token]`, or null when there is none. */
export function replyState(db: Database.Database, token: string): string | null {
  const row = db
    .prepare<[string], { state: string }>(`SELECT o.state FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.text LIKE ? ESCAPE '\\'`)
    .get(`%[${token}]%`);
  return row?.state ?? null;
}

/** True when the message (account's remote id) is stored. */
export function hasMessage(db: Database.Database, accountId: number, remoteId: string): boolean {
  return db.prepare('SELECT 1 FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId) !== undefined;
}

/** The account id of each network's account. */
export function accountsByNetwork(db: Database.Database): Partial<Record<CrashNetwork, number>> {
  const out: Partial<Record<CrashNetwork, number>> = {};
  for (const row of db.prepare<[], { id: number; network: CrashNetwork }>('SELECT id, network FROM accounts').all()) out[row.network] = row.id;
  return out;
}

/** Community messages a server has that the store has not, as "network remoteId". */
export function missingMessages(db: Database.Database, expected: Record<CrashNetwork, Set<string>>): string[] {
  const accounts = accountsByNetwork(db);
  const missing: string[] = [];
  for (const network of Object.keys(expected) as CrashNetwork[]) {
    const accountId = accounts[network];
    for (const remoteId of expected[network]) {
      if (accountId === undefined || !hasMessage(db, accountId, remoteId)) missing.push(`${network} ${remoteId}`);
    }
  }
  return missing;
}

/** One queued reply as the store has it. */
export interface StoredReply {
  token: string;
  network: CrashNetwork;
  state: string;
  remoteId: string | null;
  /** Messages of the account carrying the token: 1, or 2 when a polled copy stayed beside ours. */
  copies: number;
}

export function storedReplies(db: Database.Database): StoredReply[] {
  const rows = db
    .prepare<[], { text: string; network: CrashNetwork; state: string; remote_id: string | null; account_id: number }>(`
      SELECT m.text, a.network, o.state, m.remote_id, m.account_id
      FROM outbox o JOIN messages m ON m.outbox_id = o.id JOIN accounts a ON a.id = o.account_id
      WHERE o.kind = 'reply'`)
    .all();
  const copies = db.prepare<[number, string], { n: number }>(`SELECT count(*) AS n FROM messages WHERE account_id = ? AND text LIKE ? ESCAPE '\\'`);
  return rows.flatMap((r) => {
    const token = replyToken(r.text);
    if (!token) return [];
    return [{ token, network: r.network, state: r.state, remoteId: r.remote_id, copies: copies.get(r.account_id, `%[${token}]%`)!.n }];
  });
}

/** (account, remote id) pairs stored more than once. */
export function duplicateRemoteIds(db: Database.Database): string[] {
  return db
    .prepare<[], { account_id: number; remote_id: string; n: number }>(`
      SELECT account_id, remote_id, count(*) AS n FROM messages WHERE remote_id IS NOT NULL
      GROUP BY account_id, remote_id HAVING count(*) > 1`)
    .all()
    .map((r) => `account ${r.account_id} ${r.remote_id} ×${r.n}`);
}

export function messageCount(db: Database.Database): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages').get()!.n;
}

/** The targets of the post whose text carries [token]: each network's state and the id it recorded. */
export function postTargetRecords(db: Database.Database, token: string): { network: string; state: string; remoteId: string | null }[] {
  return db
    .prepare<[string], { network: string; state: string; remoteId: string | null }>(
      `SELECT a.network, t.state, t.remote_id AS remoteId FROM post_targets t JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id
       WHERE p.text LIKE ? ESCAPE '\\'`,
    )
    .all(`%[${token}]%`);
}

/** The states of the targets of the post whose text carries [token]. */
export function postTargetStates(db: Database.Database, token: string): string[] {
  return postTargetRecords(db, token).map((r) => r.state);
}

/** Post targets not published yet (the harness waits for none at the end). */
export function unpublishedTargets(db: Database.Database): number {
  try {
    return db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM post_targets WHERE state != 'published'`).get()!.n;
  } catch {
    return 0; // a profile from before the posts migration
  }
}
