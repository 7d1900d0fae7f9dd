/**
 * Schema v4: edits and deletions reported by the networks. A message deleted on its network keeps
 * its row (the manager may need to see what was said) and is marked, never removed locally.
 */
import type { Migration } from '../migrate';

export const messageEdits: Migration = {
  version: 40,
  name: '0040-message-edits',
  up(db) {
    db.exec(`
      -- When the network last reported an edit of this message (its own time, epoch ms).
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      -- When Parvis learned that the message was deleted on its network (epoch ms).
      ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
    `);
  },
};
