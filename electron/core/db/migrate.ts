/**
 * The migration runner: numbered steps in one ordered list, applied in one transaction, then
 * `PRAGMA user_version`. A database newer than the code is refused (never downgrade silently).
 * Shipped migrations are never edited: add a new step instead.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** Strictly increasing; the database's user_version after this step. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export class DatabaseFromTheFutureError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(
      `This database was written by a newer Parvis (schema ${found}; this version knows up to ${supported}). ` +
        'Update Parvis to open it.',
    );
    this.name = 'DatabaseFromTheFutureError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every pending migration in one transaction; returns the versions applied. */
export function runMigrations(db: Database.Database, migrations: readonly Migration[]): number[] {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) {
      throw new Error(`Migrations out of order at ${migrations[i]!.name}`);
    }
  }
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) throw new DatabaseFromTheFutureError(current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return [];
  const apply = db.transaction(() => {
    for (const m of pending) m.up(db);
    db.pragma(`user_version = ${latest}`);
  });
  apply.immediate();
  return pending.map((m) => m.version);
}
