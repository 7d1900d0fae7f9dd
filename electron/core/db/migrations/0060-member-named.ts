/**
 * Schema v6: whether a member's name was given by a person. The member who uses the app ("me")
 * used to be named after the operating-system user ("Root"); now the user names themselves at
 * first start, and an existing "me" is asked once (its current name offered).
 */
import type { Migration } from '../migrate';

export const memberNamed: Migration = {
  version: 60,
  name: '0060-member-named',
  up(db) {
    db.exec(`
      ALTER TABLE members ADD COLUMN named INTEGER NOT NULL DEFAULT 1;
      UPDATE members SET named = 0 WHERE is_me = 1;
    `);
  },
};
