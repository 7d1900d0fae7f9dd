/**
 * Schema v261: a post target's idempotency key can be renewed. When a post the network held for
 * its time (Mastodon's scheduled status) is taken back because it was moved to a time too close
 * for the network to hold it, the network remembers the first key for the cancelled scheduled
 * status and would answer "not found" to a resend: the next send uses `<uid>.<generation>`.
 */
import type { Migration } from '../migrate';

export const postKeyGeneration: Migration = {
  version: 261,
  name: '0261-post-key-generation',
  up(db) {
    db.exec(`ALTER TABLE post_targets ADD COLUMN key_generation INTEGER NOT NULL DEFAULT 0`);
  },
};
