/**
 * What the sync scheduler needs from the store, and nothing more. The store (core/db) implements
 * it over SQLite; tests implement it in memory.
 *
 * The scheduler keeps no copy of a cursor: it reads the account before every poll, so a page whose
 * commit failed (crash, full disk) is simply fetched again from the cursor that is still stored.
 */
import type { AccountState, AppError, Network, RateLimit } from '../../../shared/model';
import type { NormalizedDeletion, NormalizedItem } from '../connectors/types';

/** An account as the scheduler sees it. */
export interface SyncAccount {
  id: number;
  network: Network;
  /** Base URL of the server (Mastodon instance, PDS, API root). */
  serverUrl: string;
  /** Network's id of the connected account. */
  remoteId: string;
  handle: string;
  /**
   * The manager paused syncing. Kept apart from `state`, which says how the last sync went: a paused
   * account that needs sign-in still needs it once resumed. Statuses show `paused` while it is set.
   */
  paused: boolean;
  /** How syncing stands: `ok`, `needs-sign-in` (stopped until resumed or signed in again) or `error`. */
  state: AccountState;
  /** Where the next poll resumes; null before the first page. Written only by `commitPage`. */
  cursor: string | null;
  /** This account's poll interval; null uses the default setting. */
  intervalSeconds: number | null;
  /** Last rate-limit state seen, including a daily quota's use (YouTube). */
  rateLimit: RateLimit | null;
  /** Last successful poll, epoch ms. */
  lastPollAt: number | null;
  /** When the scheduler plans the next poll, epoch ms; null when it does not poll the account. */
  nextPollAt: number | null;
  /** Why the last poll failed; null after a success. */
  lastError: AppError | null;
  /** The account's settings (the descriptor's `accountSettings`), as the user set them. */
  settings?: Record<string, string | number | boolean>;
}

/** What one committed page changed. */
export interface CommitResult {
  /** Messages that were not in the store before (dedup by account and remote id). */
  newMessageIds: number[];
  /** Conversations that gained or changed messages. */
  conversationIds: number[];
}

/** The sync fields the scheduler writes after each poll, pause or resume. */
export type AccountSyncPatch = Partial<
  Pick<SyncAccount, 'state' | 'paused' | 'lastPollAt' | 'nextPollAt' | 'rateLimit' | 'lastError'>
>;

export interface SyncStore {
  /** Every connected account (paused ones included). */
  listAccounts(): SyncAccount[];
  /** One account, or null when it was removed. */
  getAccount(id: number): SyncAccount | null;
  /**
   * Writes the page's items, its deletions and its cursor in ONE transaction (the store's ingest
   * function): either all land or none does. A null cursor keeps the stored one. Ingesting an item
   * or a deletion twice changes nothing (dedup by account and remote id). Throws when the
   * transaction fails.
   */
  commitPage(accountId: number, page: { items: NormalizedItem[]; cursor: string | null; deleted?: NormalizedDeletion[] }): CommitResult;
  /** Updates the account's sync fields (absent fields are left alone). */
  updateAccountSync(accountId: number, patch: AccountSyncPatch): void;
  /** Which of these remote ids the account's messages already hold (connectors re-reading a stretch). */
  knownRemoteIds?(accountId: number, remoteIds: string[]): Set<string>;
}

/**
 * Where the scheduler reads and writes an account's secrets. The core backs it by the keychain
 * (SecretStore); values never leave the main process and never reach a log.
 */
export interface CredentialsProvider {
  /** The account's credentials, or null when there are none (the account must sign in). */
  get(accountId: number): Promise<Record<string, string> | null>;
  /** Replaces the account's credentials (after a token refresh). */
  set(accountId: number, credentials: Record<string, string>): Promise<void>;
}
