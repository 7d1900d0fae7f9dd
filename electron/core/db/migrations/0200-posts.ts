/**
 * Schema v200: posts to publish. A post (text, link, first comment) goes to one or more accounts;
 * each target carries its own variant of the text, its time, and its delivery state:
 *
 *   draft → scheduled → publishing → published
 *                     ↘ failed (retried at next_attempt_at; NULL when given up)
 *                     ↘ needs-decision (its time passed while Parvis was closed: publish now or reschedule)
 *
 * `scheduled_at` is the user's time; `next_attempt_at` is when delivery tries next (retries, or a
 * hand-over to the network's own scheduler ahead of time): the two are never mixed. A target's uid
 * is its idempotency key on the network (Mastodon's Idempotency-Key, Bluesky's record key), so a
 * resend after a crash lands on the first post instead of making a second one.
 */
import type { Migration } from '../migrate';

export const posts: Migration = {
  version: 200,
  name: '0200-posts',
  up(db) {
    db.exec(`
      CREATE TABLE posts (
        id             INTEGER PRIMARY KEY,
        uid            TEXT    NOT NULL UNIQUE,
        text           TEXT    NOT NULL DEFAULT '',
        link           TEXT,
        first_comment  TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      );
      CREATE TABLE post_targets (
        id                   INTEGER PRIMARY KEY,
        uid                  TEXT    NOT NULL UNIQUE,
        post_id              INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        account_id           INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        -- The variant for this account; NULL: the post's text.
        text_override        TEXT,
        scheduled_at         INTEGER,
        state                TEXT    NOT NULL DEFAULT 'draft'
                             CHECK (state IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'needs-decision')),
        remote_id            TEXT,
        permalink            TEXT,
        -- Set while the network holds the post for its time (Mastodon's scheduled status id).
        remote_scheduled_id  TEXT,
        -- How the last claim sent it ('now', or 'network-schedule' with scheduled_at): a resend after
        -- a crash repeats the same request, so the network's idempotency answers the first one.
        send_mode            TEXT,
        attempts             INTEGER NOT NULL DEFAULT 0,
        next_attempt_at      INTEGER,
        last_error           TEXT,
        published_at         INTEGER,
        created_at           INTEGER NOT NULL,
        updated_at           INTEGER NOT NULL,
        UNIQUE (post_id, account_id)
      );
      CREATE INDEX post_targets_due ON post_targets (state, next_attempt_at);
      CREATE INDEX post_targets_time ON post_targets (scheduled_at, id);
      CREATE INDEX post_targets_account ON post_targets (account_id);
    `);
  },
};
