/**
 * Schema v210 (numbered after main's 0190, so the branches merge without a clash).
 * - The full-text index keeps the author's name and handle apart: plain words match what people
 *   wrote and their names, only `from:` matches handles (a word like "social", or a digit,
 *   matched every author of a server before).
 * - A saved reply says which language it is written in and on which networks it is offered
 *   (none listed: every network).
 * - An account can carry a label the user chose, shown instead of the network's display name
 *   wherever the account is named (three accounts of one brand all called "Atelier Lumen"
 *   cannot be told apart otherwise).
 */
import type { Migration } from '../migrate';

export const replyScopeAndAccountLabels: Migration = {
  version: 210,
  name: '0210-reply-scope-account-labels',
  up(db) {
    db.exec(`
      ALTER TABLE saved_replies ADD COLUMN language TEXT CHECK (language IN ('fr', 'en'));
      ALTER TABLE saved_replies ADD COLUMN networks TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE accounts ADD COLUMN label TEXT;

      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text, author, handle,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      -- Deleted messages have no index row (see the message writer).
      INSERT INTO messages_fts (rowid, text, author, handle)
        SELECT m.id, m.text, coalesce(a.name, ''), coalesce(a.handle, '')
        FROM messages m LEFT JOIN authors a ON a.id = m.author_id
        WHERE m.deleted_at IS NULL;
    `);
  },
};
