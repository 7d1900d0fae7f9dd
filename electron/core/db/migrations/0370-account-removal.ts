/**
 * Schema 370: an account is removed in slices (issue 20). At ten million messages one account can
 * hold millions of them, and deleting it in one statement blocked the core for tens of seconds.
 * `removing` marks an account whose removal has begun: it is paused, nothing is sent for it, and
 * the core deletes what it holds a slice at a time, going on after a restart until it is gone.
 *
 * Removals before this one left their messages' rows in the (contentless) search index. Those
 * below the newest message id are never matched (searches join the messages); those above it are
 * dangerous, since SQLite gives the next message the next id and the old row would make it match
 * words it does not contain. They go now, by rowid range (cheap at any size).
 */
import type { Migration } from '../migrate';

export const accountRemoval: Migration = {
  version: 370,
  name: '0370-account-removal',
  up(db) {
    db.exec(`
      ALTER TABLE accounts ADD COLUMN removing INTEGER NOT NULL DEFAULT 0;
      DELETE FROM messages_fts WHERE rowid > (SELECT coalesce(max(id), 0) FROM messages);
    `);
  },
};
