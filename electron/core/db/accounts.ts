/**
 * Connected accounts and their sync state (cursor, last/next poll, last error, rate limit).
 * Secrets are never here: they live in the OS keychain.
 */
import { errorCodeFor, isErrorCode } from '../../../shared/errors';
import { ERROR_KINDS, type Account, type AccountState, type AppError, type Network, type RateLimit } from '../../../shared/model';
import type { AccountSyncPatch, SyncAccount } from '../sync/store';
import type { Db } from './connection';
import { NotFoundError } from './conversations';
import { ConflictError } from './workspace';

interface AccountRow {
  id: number;
  network: Network;
  server_url: string;
  remote_id: string;
  handle: string;
  display_name: string;
  label: string | null;
  state: AccountState;
  paused: number;
  cursor: string | null;
  interval_s: number | null;
  last_poll_at: number | null;
  next_poll_at: number | null;
  last_error: string | null;
  rate_limit: string | null;
  settings: string | null;
  removing: number;
  created_at: number;
}

/** An account as the sync engine sees it, with its display name. */
export interface StoredAccount extends SyncAccount {
  displayName: string;
  /** The user's own name for the account (null: none). */
  label?: string | null;
  /** Its removal has begun (see `account-removal.ts`). */
  removing?: boolean;
}

export interface NewAccount {
  network: Network;
  serverUrl: string;
  remoteId: string;
  handle: string;
  displayName: string;
}

export type { AccountSyncPatch };

/** Connecting again an account whose removal has not finished. */
export class AccountBeingRemovedError extends ConflictError {
  constructor(readonly handle: string) {
    super(`${handle} is still being removed: connect it again when its removal has finished`);
    this.name = 'AccountBeingRemovedError';
  }
}

function json<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function toStored(r: AccountRow): StoredAccount {
  return {
    id: r.id,
    network: r.network,
    serverUrl: r.server_url,
    remoteId: r.remote_id,
    handle: r.handle,
    displayName: r.display_name,
    label: r.label,
    paused: r.paused === 1,
    state: r.state,
    cursor: r.cursor,
    intervalSeconds: r.interval_s,
    rateLimit: json<RateLimit>(r.rate_limit),
    lastPollAt: r.last_poll_at,
    nextPollAt: r.next_poll_at,
    lastError: storedError(json<Partial<AppError>>(r.last_error)),
    settings: json<Record<string, string | number | boolean>>(r.settings) ?? {},
    ...(r.removing === 1 ? { removing: true } : {}),
  };
}

/** A stored last error; one written before errors had codes gets its kind's code. */
function storedError(error: Partial<AppError> | null): AppError | null {
  if (!error) return null;
  const kind = error.kind && (ERROR_KINDS as readonly string[]).includes(error.kind) ? error.kind : 'internal';
  const code = isErrorCode(error.code) ? error.code : errorCodeFor(kind);
  return { kind, code, message: error.message ?? '', ...(error.detail ? { detail: error.detail } : {}) };
}

export function toAccount(a: StoredAccount, createdAt: number): Account {
  return {
    id: a.id,
    network: a.network,
    handle: a.handle,
    displayName: a.displayName,
    label: a.label ?? null,
    serverUrl: a.serverUrl,
    state: a.paused ? 'paused' : a.state,
    lastPollAt: a.lastPollAt,
    nextPollAt: a.nextPollAt,
    lastError: a.lastError,
    rateLimit: a.rateLimit,
    createdAt,
    ...(a.settings && Object.keys(a.settings).length ? { settings: a.settings } : {}),
    ...(a.removing ? { removing: true } : {}),
  };
}

export function createAccountQueries(db: Db, now: () => number) {
  const all = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY network, handle');
  const one = db.prepare<[number], AccountRow>('SELECT * FROM accounts WHERE id = ?');
  return {
    list: (): Account[] => all.all().map((r) => toAccount(toStored(r), r.created_at)),
    listStored: (): StoredAccount[] => all.all().map(toStored),
    get: (id: number): StoredAccount | null => {
      const r = one.get(id);
      return r ? toStored(r) : null;
    },
    require(id: number): StoredAccount {
      const r = one.get(id);
      if (!r) throw new NotFoundError(`Account ${id}`);
      return toStored(r);
    },
    /** Adds an account, or returns the existing one for the same network, server and remote id. */
    upsert(a: NewAccount): StoredAccount {
      const row = db
        .prepare<[string, string, string, string, string, number], { id: number }>(`
          INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at)
          VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (network, server_url, remote_id) DO UPDATE SET
            handle = excluded.handle, display_name = excluded.display_name, state = 'ok', last_error = NULL
          WHERE removing = 0
          RETURNING id`)
        .get(a.network, a.serverUrl, a.remoteId, a.handle, a.displayName, now());
      // The same account is still being removed: connecting it again must wait for the end,
      // or the removal would take the new connection with it.
      if (!row) throw new AccountBeingRemovedError(a.handle);
      return toStored(one.get(row.id)!);
    },
    /** Which of these remote ids the account's messages already hold (one query, any count). */
    knownRemoteIds(accountId: number, remoteIds: string[]): Set<string> {
      if (remoteIds.length === 0) return new Set();
      const rows = db
        .prepare<[number, string], { remote_id: string }>('SELECT remote_id FROM messages WHERE account_id = ? AND remote_id IN (SELECT value FROM json_each(?))')
        .all(accountId, JSON.stringify(remoteIds));
      return new Set(rows.map((r) => r.remote_id));
    },
    /** Names the account in Parvis (null or blank: back to the network's display name). */
    setLabel(id: number, label: string | null) {
      const value = label === null || label.trim() === '' ? null : label.trim();
      if (db.prepare('UPDATE accounts SET label = ? WHERE id = ?').run(value, id).changes === 0) throw new NotFoundError(`Account ${id}`);
    },
    /** Replaces the account's settings (checked by the caller against its network's fields). */
    setSettings(id: number, settings: Record<string, string | number | boolean>) {
      if (db.prepare('UPDATE accounts SET settings = ? WHERE id = ?').run(JSON.stringify(settings), id).changes === 0) throw new NotFoundError(`Account ${id}`);
    },
    remove(id: number) {
      if (db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`Account ${id}`);
    },
    updateSync(id: number, patch: AccountSyncPatch) {
      const sets: string[] = [];
      const params: unknown[] = [];
      const put = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        params.push(value);
      };
      if (patch.state !== undefined) put('state', patch.state);
      if (patch.paused !== undefined) put('paused', patch.paused ? 1 : 0);
      if (patch.lastPollAt !== undefined) put('last_poll_at', patch.lastPollAt);
      if (patch.nextPollAt !== undefined) put('next_poll_at', patch.nextPollAt);
      if (patch.rateLimit !== undefined) put('rate_limit', patch.rateLimit ? JSON.stringify(patch.rateLimit) : null);
      if (patch.lastError !== undefined) put('last_error', patch.lastError ? JSON.stringify(patch.lastError) : null);
      if (sets.length === 0) return;
      db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
    },
  };
}
export type AccountQueries = ReturnType<typeof createAccountQueries>;
