/**
 * Schema 280, for workspaces of ten million messages (issue 20):
 *
 * - **Counts kept, not counted.** `conversation_counts` holds how many conversations share each
 *   combination of what the sidebar's views filter on (account and its network, status, held,
 *   unread, assignee), once for all conversations (`tag_id` 0) and once per tag. A view's count is
 *   the sum of its cells: a few hundred rows, however large the base. SQLite triggers keep the
 *   cells in the transaction of every change that moves a conversation between them (ingest,
 *   triage, moderation, snooze wake-up, account removal), whichever code makes it.
 * - **The tag filter from an index.** `conversation_tags` carries its conversation's status and
 *   last activity (kept by triggers), so a tag's list is one ordered range of
 *   `conversation_tags_list` instead of every tagged conversation read and sorted.
 *
 * Order of the delete triggers: SQLite deletes a conversation's tag rows (ON DELETE CASCADE)
 * before its AFTER DELETE triggers run, and those tag rows' own triggers no longer see the
 * conversation. So the tag cells of a deleted conversation are taken down BEFORE DELETE, and a
 * tag row's delete trigger only counts down while its conversation still exists.
 */
import type { Migration } from '../migrate';

/** The cell key of a conversation row (`r` is `new` or `old`). */
const cell = (r: 'new' | 'old') => `${r}.account_id, ${r}.status, ${r}.held, ${r}.unread, coalesce(${r}.assignee_id, 0)`;
const sameCell = (r: 'new' | 'old') =>
  `account_id = ${r}.account_id AND status = ${r}.status AND held = ${r}.held AND unread = ${r}.unread AND assignee_id = coalesce(${r}.assignee_id, 0)`;

export const keptCounts: Migration = {
  version: 280,
  name: '0280-kept-counts',
  up(db) {
    db.exec(`
      CREATE TABLE conversation_counts (
        tag_id      INTEGER NOT NULL,  -- 0: every conversation; else the conversations with this tag
        account_id  INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        held        INTEGER NOT NULL,
        unread      INTEGER NOT NULL,
        assignee_id INTEGER NOT NULL,  -- 0: unassigned
        network     TEXT    NOT NULL,  -- the account's, for the network filter
        n           INTEGER NOT NULL,
        PRIMARY KEY (tag_id, account_id, status, held, unread, assignee_id)
      ) WITHOUT ROWID;

      INSERT INTO conversation_counts (tag_id, account_id, status, held, unread, assignee_id, network, n)
        SELECT 0, account_id, status, held, unread, coalesce(assignee_id, 0), network, count(*)
        FROM conversations GROUP BY account_id, status, held, unread, coalesce(assignee_id, 0);
      INSERT INTO conversation_counts (tag_id, account_id, status, held, unread, assignee_id, network, n)
        SELECT ct.tag_id, c.account_id, c.status, c.held, c.unread, coalesce(c.assignee_id, 0), c.network, count(*)
        FROM conversation_tags ct JOIN conversations c ON c.id = ct.conversation_id
        GROUP BY ct.tag_id, c.account_id, c.status, c.held, c.unread, coalesce(c.assignee_id, 0);

      CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversation_counts (tag_id, account_id, status, held, unread, assignee_id, network, n)
          VALUES (0, ${cell('new')}, new.network, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;

      CREATE TRIGGER conversation_counts_update AFTER UPDATE OF account_id, status, held, unread, assignee_id ON conversations
      WHEN old.account_id IS NOT new.account_id OR old.status IS NOT new.status OR old.held IS NOT new.held
        OR old.unread IS NOT new.unread OR old.assignee_id IS NOT new.assignee_id
      BEGIN
        UPDATE conversation_counts SET n = n - 1
          WHERE (tag_id = 0 OR tag_id IN (SELECT tag_id FROM conversation_tags WHERE conversation_id = old.id)) AND ${sameCell('old')};
        INSERT INTO conversation_counts (tag_id, account_id, status, held, unread, assignee_id, network, n)
          SELECT 0, ${cell('new')}, new.network, 1
          UNION ALL
          SELECT tag_id, ${cell('new')}, new.network, 1 FROM conversation_tags WHERE conversation_id = new.id
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;

      CREATE TRIGGER conversation_counts_delete BEFORE DELETE ON conversations BEGIN
        UPDATE conversation_counts SET n = n - 1
          WHERE (tag_id = 0 OR tag_id IN (SELECT tag_id FROM conversation_tags WHERE conversation_id = old.id)) AND ${sameCell('old')};
      END;

      CREATE TRIGGER conversation_counts_tag AFTER INSERT ON conversation_tags BEGIN
        INSERT INTO conversation_counts (tag_id, account_id, status, held, unread, assignee_id, network, n)
          SELECT new.tag_id, c.account_id, c.status, c.held, c.unread, coalesce(c.assignee_id, 0), c.network, 1
          FROM conversations c WHERE c.id = new.conversation_id
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;

      CREATE TRIGGER conversation_counts_untag AFTER DELETE ON conversation_tags BEGIN
        UPDATE conversation_counts SET n = n - 1
          WHERE (tag_id, account_id, status, held, unread, assignee_id) IN (
            SELECT old.tag_id, c.account_id, c.status, c.held, c.unread, coalesce(c.assignee_id, 0)
            FROM conversations c WHERE c.id = old.conversation_id);
      END;

      -- A deleted tag's rows went down one by one (cascade); its cells go with it.
      CREATE TRIGGER conversation_counts_tag_deleted AFTER DELETE ON tags BEGIN
        DELETE FROM conversation_counts WHERE tag_id = old.id;
      END;

      -- A tag's list in list order: the conversation's status and last activity, kept beside the tag.
      ALTER TABLE conversation_tags ADD COLUMN status TEXT;
      ALTER TABLE conversation_tags ADD COLUMN last_activity_at INTEGER;
      UPDATE conversation_tags SET (status, last_activity_at) =
        (SELECT c.status, c.last_activity_at FROM conversations c WHERE c.id = conversation_tags.conversation_id);
      CREATE INDEX conversation_tags_list ON conversation_tags (tag_id, status, last_activity_at DESC, conversation_id DESC);

      CREATE TRIGGER conversation_tags_fill AFTER INSERT ON conversation_tags BEGIN
        UPDATE conversation_tags SET (status, last_activity_at) =
          (SELECT c.status, c.last_activity_at FROM conversations c WHERE c.id = new.conversation_id)
        WHERE conversation_id = new.conversation_id AND tag_id = new.tag_id;
      END;

      CREATE TRIGGER conversation_tags_follow AFTER UPDATE OF status, last_activity_at ON conversations
      WHEN old.status IS NOT new.status OR old.last_activity_at IS NOT new.last_activity_at
      BEGIN
        UPDATE conversation_tags SET status = new.status, last_activity_at = new.last_activity_at WHERE conversation_id = new.id;
      END;
    `);
  },
};
