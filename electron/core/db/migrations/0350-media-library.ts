/**
 * Schema v350: the local media library, and the images a post carries.
 *
 * A media item is identified by the SHA-256 of its bytes: the same file added twice is one entry.
 * The bytes live in files under the app's data directory, named by that hash (never in SQLite);
 * the row keeps what the composer checks against each network's limits (type, size, dimensions)
 * and the alt text, which belongs to the image and follows it into every post that uses it.
 *
 * `post_media` orders a post's images: rows with `target_id` NULL are the post's own; a target
 * whose `media_override` is 1 publishes its own rows instead (possibly none), its variant.
 * A media item used by a post cannot be deleted (RESTRICT).
 */
import type { Migration } from '../migrate';

export const mediaLibrary: Migration = {
  version: 350,
  name: '0350-media-library',
  up(db) {
    db.exec(`
      CREATE TABLE media (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
        mime        TEXT    NOT NULL,
        bytes       INTEGER NOT NULL CHECK (bytes > 0),
        width       INTEGER,
        height      INTEGER,
        duration_ms INTEGER,
        alt         TEXT    NOT NULL DEFAULT '',
        -- The file name the user picked (shown in the library; never used as a path).
        name        TEXT    NOT NULL DEFAULT '',
        has_thumbnail INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
      );
      CREATE TABLE post_media (
        post_id   INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        target_id INTEGER REFERENCES post_targets (id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        media_id  INTEGER NOT NULL REFERENCES media (id) ON DELETE RESTRICT
      );
      CREATE UNIQUE INDEX post_media_order ON post_media (post_id, coalesce(target_id, 0), position);
      CREATE INDEX post_media_media ON post_media (media_id);
      ALTER TABLE post_targets ADD COLUMN media_override INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
