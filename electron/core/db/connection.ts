/**
 * Opens the SQLite database with the pragmas Parvis relies on, and runs the migrations.
 * One connection is the single writer (better-sqlite3 is synchronous).
 */
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { runMigrations } from './migrate';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Opens read-only (no migration). */
  readonly?: boolean;
}

/** Thrown when the store cannot be opened or written (disk full, read-only, corrupt, from the future). */
export class StorageError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StorageError';
  }
}

function sqliteCode(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/**
 * SQLite's storage failures as a StorageError in words the user can act on (SQLite says
 * "database or disk is full"); null for any other error. A failed write is rolled back whole, so
 * these messages can say that nothing was lost.
 */
export function storageErrorOf(err: unknown): StorageError | null {
  if (err instanceof StorageError) return err;
  const code = sqliteCode(err);
  if (code === 'SQLITE_FULL') return new StorageError('The disk is full: free some space, nothing was lost.', err);
  if (code.startsWith('SQLITE_READONLY')) return new StorageError('The data folder is read-only: Parvis cannot save changes.', err);
  if (code.startsWith('SQLITE_IOERR')) {
    return new StorageError('The disk could not be written (input/output error): check the drive; the last change was not saved.', err);
  }
  return null;
}

/** Why the database cannot be opened, in words the user can act on, when the cause is known. */
function openingError(file: string, err: unknown): StorageError | null {
  const folder = dirname(file);
  const code = sqliteCode(err);
  if (code.startsWith('SQLITE_READONLY')) {
    return new StorageError(
      `The data folder ${folder} is read-only: Parvis cannot save anything there. Make it writable again, then restart Parvis; nothing in it was changed.`,
      err,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StorageError(`Parvis cannot open its database in ${folder}: the folder is missing or not accessible. Check that it exists and belongs to you.`, err);
  }
  if (code === 'SQLITE_FULL') return new StorageError('The disk is full: free some space, then restart Parvis; nothing was lost.', err);
  return null;
}

/** Opens (creating if needed) the database at `file` (":memory:" for tests) and migrates it. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw openingError(file, err) ?? new StorageError(`Cannot open the database at ${file}: ${(err as Error).message}`, err);
  }
  try {
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536'); // 64 MiB page cache
    db.pragma('temp_store = MEMORY');
    // No memory map: on a cold start each page fault in a mapped file reads the device's whole
    // read-ahead window (8 MB on the bench machine), so the first inbox page read 166 MB and took
    // 300 ms at a million messages instead of 0.4 MB and 70 ms with plain reads (issue 20).
    db.pragma('mmap_size = 0');
    if (!opts.readonly) runMigrations(db, MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StorageError) throw err;
    throw openingError(file, err) ?? new StorageError(`Cannot prepare the database at ${file}: ${(err as Error).message}`, err);
  }
}
