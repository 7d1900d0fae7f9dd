/**
 * Schema v7: a ban is its own state, apart from a block. Banning an author (YouTube, Telegram)
 * used to be recorded as a block, so the way back offered was "unblock", which those networks do
 * not have. Authors banned before are found in the audit log (a manual or rule `ban-author`).
 */
import type { Migration } from '../migrate';

export const authorBans: Migration = {
  version: 70,
  name: '0070-author-bans',
  up(db) {
    db.exec(`
      -- Banned from the account's channel or group, as far as Parvis has told the network.
      ALTER TABLE authors ADD COLUMN banned INTEGER NOT NULL DEFAULT 0;
      UPDATE authors SET banned = 1, blocked = 0
      WHERE blocked = 1 AND id IN (
        SELECT m.author_id FROM activity a JOIN messages m ON m.id = json_extract(a.detail, '$.messageId')
        WHERE a.kind = 'moderation' AND json_extract(a.detail, '$.action') = 'ban-author' AND m.author_id IS NOT NULL
      );
    `);
  },
};
