/**
 * Schema v18 (issue 18): contests and their draws. A draw's certificate is stored as written (the
 * JSON anyone can check); a redraw adds a row and never replaces one.
 */
import type { Migration } from '../migrate';

export const contests: Migration = {
  version: 180,
  name: '0180-contests',
  up(db) {
    db.exec(`
      CREATE TABLE contests (
        id          INTEGER PRIMARY KEY,
        uid         TEXT    NOT NULL UNIQUE,
        name        TEXT    NOT NULL,
        posts       TEXT    NOT NULL,
        filters     TEXT    NOT NULL,
        winners     INTEGER NOT NULL,
        alternates  INTEGER NOT NULL,
        created_at  INTEGER NOT NULL
      );
      CREATE TABLE contest_draws (
        id             INTEGER PRIMARY KEY,
        uid            TEXT    NOT NULL UNIQUE,
        contest_id     INTEGER NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
        drawn_at       INTEGER NOT NULL,
        member_id      INTEGER REFERENCES members (id) ON DELETE SET NULL,
        certificate    TEXT    NOT NULL,
        -- The conversations of the winners then alternates, to answer them: JSON array of ids or null.
        conversations  TEXT    NOT NULL
      );
      CREATE INDEX contest_draws_contest ON contest_draws (contest_id, id);
    `);
  },
};
