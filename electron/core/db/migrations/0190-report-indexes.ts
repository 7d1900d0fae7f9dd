/**
 * Schema v19 (issue 18): reports read messages by time (volumes, busiest hours, most active
 * people) and conversations by when they began (response and resolution times). Without these
 * indexes each report scans the whole store.
 */
import type { Migration } from '../migrate';

export const reportIndexes: Migration = {
  version: 190,
  name: '0190-report-indexes',
  up(db) {
    db.exec(`
      -- Covering: volumes and the most active people are counted from the index alone.
      CREATE INDEX messages_created ON messages (created_at, direction, account_id, author_id, conversation_id);
      CREATE INDEX conv_created ON conversations (created_at);
    `);
  },
};
