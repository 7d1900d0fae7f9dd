/**
 * Schema v360: articles and the calendar's reply counts.
 *
 * - `posts.title`: the title of an article, for networks whose publish kind is 'article'
 *   (WordPress); the other networks publish the text alone. NULL: no title.
 * - `conv_context`: the conversations that hang on a post (WordPress comments, whose thread root is
 *   the top-level comment, name the post as their context), so that the calendar counts the replies
 *   each published post got in one grouped, indexed query.
 */
import type { Migration } from '../migrate';

export const articleTitlesAndReplyCounts: Migration = {
  version: 360,
  name: '0360-article-titles-and-reply-counts',
  up(db) {
    db.exec(`
      ALTER TABLE posts ADD COLUMN title TEXT;
      CREATE INDEX conv_context ON conversations (account_id, context_remote_id) WHERE context_remote_id IS NOT NULL;
    `);
  },
};
