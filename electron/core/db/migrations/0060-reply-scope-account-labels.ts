/**
 * Schema v6: a saved reply says which language it is written in and on which networks it is
 * offered (none listed: every network); an account can carry a label the user chose, shown instead
 * of the network's display name wherever the account is named (three accounts of one brand all
 * called "Atelier Lumen" cannot be told apart otherwise).
 */
import type { Migration } from '../migrate';

export const replyScopeAndAccountLabels: Migration = {
  version: 60,
  name: '0060-reply-scope-account-labels',
  up(db) {
    db.exec(`
      ALTER TABLE saved_replies ADD COLUMN language TEXT CHECK (language IN ('fr', 'en'));
      ALTER TABLE saved_replies ADD COLUMN networks TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE accounts ADD COLUMN label TEXT;
    `);
  },
};
