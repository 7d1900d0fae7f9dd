/** Schema v2: netiquette rules, what they flagged, and the user's lexicon edits. */
import type { Migration } from '../migrate';

export const moderation: Migration = {
  version: 20,
  name: '0020-moderation',
  up(db) {
    db.exec(`
      CREATE TABLE rules (
        rule_key     TEXT    PRIMARY KEY,
        position     INTEGER NOT NULL,
        definition   TEXT    NOT NULL,
        built_in     INTEGER NOT NULL DEFAULT 0,
        hits         INTEGER NOT NULL DEFAULT 0,
        last_hit_at  INTEGER,
        updated_at   INTEGER NOT NULL
      );

      -- Why a message was caught: the rule and the matched passages (offsets into its text).
      CREATE TABLE message_flags (
        id          INTEGER PRIMARY KEY,
        message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        rule_key    TEXT    NOT NULL,
        rule_name   TEXT    NOT NULL,
        matches     TEXT    NOT NULL,
        at          INTEGER NOT NULL
      );
      CREATE INDEX message_flags_message ON message_flags (message_id);

      -- Small moderation settings: the user's lexicons and allow-list, whether defaults were seeded.
      CREATE TABLE moderation_settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );

      -- The audit log is the activity table; moderation rows are found by kind.
      CREATE INDEX activity_kind_at ON activity (kind, at);
    `);
  },
};
