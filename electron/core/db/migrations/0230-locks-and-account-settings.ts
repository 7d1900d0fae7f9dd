/**
 * Schema v230.
 * - A message can be closed to new comments on its network (Reddit's lock of a post or comment,
 *   Instagram's comments turned off on a media): the moderation menu then offers to reopen it.
 * - An account keeps the settings its network declares (X's monthly read cap, the Graph API
 *   version of a Facebook Page or Instagram account), as JSON; secrets never go there.
 */
import type { Migration } from '../migrate';

export const locksAndAccountSettings: Migration = {
  version: 230,
  name: '0230-locks-and-account-settings',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1));
      ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
    `);
  },
};
