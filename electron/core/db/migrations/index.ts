/** Every migration, in order. Append only. */
import type { Migration } from '../migrate';
import { init } from './0010-init';
import { moderation } from './0020-moderation';
import { performance } from './0030-performance';
import { messageEdits } from './0040-message-edits';
import { uids } from './0050-uids';
import { memberNamed } from './0060-member-named';
import { authorBans } from './0070-author-bans';
import { contests } from './0180-contests';
import { reportIndexes } from './0190-report-indexes';
import { posts } from './0200-posts';
import { replyScopeAndAccountLabels } from './0210-reply-scope-account-labels';
import { locksAndAccountSettings } from './0230-locks-and-account-settings';
import { postKeyGeneration } from './0261-post-key-generation';
import { keptCounts } from './0280-kept-counts';
import { archivedMessages } from './0320-archived-messages';
import { mediaLibrary } from './0350-media-library';
import { articleTitlesAndReplyCounts } from './0360-article-titles-and-reply-counts';
import { accountRemoval } from './0370-account-removal';

export const MIGRATIONS: readonly Migration[] = [init, moderation, performance, messageEdits, uids, memberNamed, authorBans, contests, reportIndexes, posts, replyScopeAndAccountLabels, locksAndAccountSettings, postKeyGeneration, keptCounts, archivedMessages, mediaLibrary, articleTitlesAndReplyCounts, accountRemoval];
