/** Schema v1: the whole model of architecture.md. Never edit once shipped; add a new step. */
import type { Migration } from '../migrate';

export const init: Migration = {
  version: 10,
  name: '0010-init',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        network       TEXT    NOT NULL,
        server_url    TEXT    NOT NULL,
        remote_id     TEXT    NOT NULL,
        handle        TEXT    NOT NULL,
        display_name  TEXT    NOT NULL,
        state         TEXT    NOT NULL DEFAULT 'ok',
        paused        INTEGER NOT NULL DEFAULT 0,
        cursor        TEXT,
        interval_s    INTEGER,
        last_poll_at  INTEGER,
        next_poll_at  INTEGER,
        last_error    TEXT,
        rate_limit    TEXT,
        created_at    INTEGER NOT NULL,
        UNIQUE (network, server_url, remote_id)
      );

      CREATE TABLE members (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL,
        is_me       INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX members_one_me ON members (is_me) WHERE is_me = 1;

      CREATE TABLE authors (
        id           INTEGER PRIMARY KEY,
        account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        remote_id    TEXT    NOT NULL,
        handle       TEXT    NOT NULL,
        name         TEXT    NOT NULL,
        avatar_url   TEXT,
        profile_url  TEXT,
        blocked      INTEGER NOT NULL DEFAULT 0,
        muted        INTEGER NOT NULL DEFAULT 0,
        notes        TEXT    NOT NULL DEFAULT '',
        UNIQUE (account_id, remote_id)
      );

      CREATE TABLE conversations (
        id                INTEGER PRIMARY KEY,
        account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        network           TEXT    NOT NULL,
        remote_id         TEXT    NOT NULL,
        kind              TEXT    NOT NULL,
        status            TEXT    NOT NULL DEFAULT 'open',
        snooze_until      INTEGER,
        assignee_id       INTEGER REFERENCES members (id) ON DELETE SET NULL,
        unread            INTEGER NOT NULL DEFAULT 1,
        held              INTEGER NOT NULL DEFAULT 0,
        last_activity_at  INTEGER NOT NULL,
        snippet           TEXT    NOT NULL DEFAULT '',
        author_id         INTEGER REFERENCES authors (id) ON DELETE SET NULL,
        message_count     INTEGER NOT NULL DEFAULT 0,
        context_remote_id TEXT,
        context_text      TEXT,
        context_url       TEXT,
        context_author    TEXT,
        created_at        INTEGER NOT NULL,
        UNIQUE (account_id, remote_id)
      );
      -- One index behind every inbox filter, each ending with the list order.
      CREATE INDEX conv_status_activity   ON conversations (status, last_activity_at DESC, id DESC);
      CREATE INDEX conv_activity          ON conversations (last_activity_at DESC, id DESC);
      CREATE INDEX conv_network_activity  ON conversations (network, status, last_activity_at DESC, id DESC);
      CREATE INDEX conv_account_activity  ON conversations (account_id, status, last_activity_at DESC, id DESC);
      CREATE INDEX conv_assignee_activity ON conversations (assignee_id, status, last_activity_at DESC, id DESC);
      CREATE INDEX conv_unread_activity   ON conversations (status, last_activity_at DESC, id DESC) WHERE unread = 1;
      CREATE INDEX conv_held_activity     ON conversations (last_activity_at DESC, id DESC) WHERE held = 1;
      CREATE INDEX conv_snoozed           ON conversations (snooze_until) WHERE status = 'snoozed';
      CREATE INDEX conv_author            ON conversations (author_id);

      CREATE TABLE messages (
        id               INTEGER PRIMARY KEY,
        conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        remote_id        TEXT,
        parent_remote_id TEXT,
        author_id        INTEGER REFERENCES authors (id) ON DELETE SET NULL,
        direction        TEXT    NOT NULL,
        text             TEXT    NOT NULL,
        html             TEXT,
        attachments      TEXT    NOT NULL DEFAULT '[]',
        created_at       INTEGER NOT NULL,
        moderation       TEXT    NOT NULL DEFAULT 'visible',
        permalink        TEXT,
        extra            TEXT,
        outbox_id        INTEGER
      );
      CREATE UNIQUE INDEX messages_remote ON messages (account_id, remote_id) WHERE remote_id IS NOT NULL;
      CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id);

      -- Full-text index over message text and author name. Contentless (the text lives in messages)
      -- with delete support; rowid = messages.id. Written in the same transaction as the message.
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text, author,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );

      CREATE TABLE tags (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        color       TEXT    NOT NULL,
        created_at  INTEGER NOT NULL
      );
      CREATE TABLE conversation_tags (
        conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        tag_id          INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (conversation_id, tag_id)
      ) WITHOUT ROWID;
      CREATE INDEX conversation_tags_tag ON conversation_tags (tag_id, conversation_id);

      CREATE TABLE notes (
        id               INTEGER PRIMARY KEY,
        conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        member_id        INTEGER REFERENCES members (id) ON DELETE SET NULL,
        text             TEXT    NOT NULL,
        created_at       INTEGER NOT NULL
      );
      CREATE INDEX notes_conversation ON notes (conversation_id, created_at);

      CREATE TABLE drafts (
        conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
        text            TEXT    NOT NULL,
        updated_at      INTEGER NOT NULL
      );

      CREATE TABLE saved_replies (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        created_at  INTEGER NOT NULL
      );

      CREATE TABLE saved_views (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL,
        filter      TEXT    NOT NULL,
        position    INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
      );

      -- The outbox: every action that must reach a network.
      CREATE TABLE outbox (
        id               INTEGER PRIMARY KEY,
        account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        conversation_id  INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
        message_id       INTEGER REFERENCES messages (id) ON DELETE SET NULL,
        kind             TEXT    NOT NULL,
        payload          TEXT    NOT NULL,
        idempotency_key  TEXT    NOT NULL UNIQUE,
        state            TEXT    NOT NULL DEFAULT 'queued',
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        last_error       TEXT,
        remote_result    TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
      CREATE INDEX outbox_conversation ON outbox (conversation_id, id);

      -- Activity log: who did what, when (triage, moderation, delivery).
      CREATE TABLE activity (
        id               INTEGER PRIMARY KEY,
        at               INTEGER NOT NULL,
        actor            TEXT    NOT NULL,
        conversation_id  INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
        kind             TEXT    NOT NULL,
        detail           TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX activity_conversation ON activity (conversation_id, at);
      CREATE INDEX activity_at ON activity (at);
    `);
  },
};
