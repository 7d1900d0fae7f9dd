/**
 * Opens the SQLite database with the pragmas Parvis relies on, and runs the migrations.
 * One connection is the single writer (better-sqlite3 is synchronous).
 */
import Database from 'better-sqlite3';
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

/** Opens (creating if needed) the database at `file` (":memory:" for tests) and migrates it. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new StorageError(`Cannot open the database at ${file}: ${(err as Error).message}`, err);
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
    db.pragma('mmap_size = 268435456');
    if (!opts.readonly) runMigrations(db, MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StorageError) throw err;
    throw new StorageError(`Cannot prepare the database at ${file}: ${(err as Error).message}`, err);
  }
}
