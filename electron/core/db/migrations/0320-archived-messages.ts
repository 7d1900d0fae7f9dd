/**
 * Schema v320.
 * - A message can be filed into its mailbox's archive folder (email's archive): the moderation
 *   menu then offers to bring it back to the inbox. Older messages are not archived.
 */
import type { Migration } from '../migrate';

export const archivedMessages: Migration = {
  version: 320,
  name: '0320-archived-messages',
  up(db) {
    db.exec(`ALTER TABLE messages ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));`);
  },
};
