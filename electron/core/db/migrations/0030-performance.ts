/**
 * Schema v3, from the benchmark at a million messages: the indexes it showed missing, and the
 * full-text table without its prefix indexes (they doubled its size and halved ingest speed, while
 * prefix queries stay fast enough without them).
 */
import type { Migration } from '../migrate';

export const performance: Migration = {
  version: 30,
  name: '0030-performance',
  up(db) {
    db.exec(`
      -- The rules engine counts an author's earlier messages for every incoming one.
      CREATE INDEX messages_author ON messages (author_id, id);
      -- The review queue (held) by status, and its sidebar count.
      CREATE INDEX conv_held_status_activity ON conversations (status, last_activity_at DESC, id DESC) WHERE held = 1;

      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text, author,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts (rowid, text, author)
        SELECT m.id, m.text, CASE WHEN a.id IS NULL THEN '' ELSE a.name || ' ' || a.handle END
        FROM messages m LEFT JOIN authors a ON a.id = m.author_id;
    `);
  },
};
