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
      CREATE INDEX messages_created ON messages (created_at, direction);
      CREATE INDEX conv_created ON conversations (created_at);
    `);
  },
};
