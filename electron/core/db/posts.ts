/**
 * Posts and their targets (one per account): the composer's data. Delivery state is written by
 * the publisher (`outbox/publisher.ts`); this module creates, edits and reads.
 */
import type { Db } from './connection';
import { NotFoundError } from './conversations';
import { newUid } from './uid';

export type TargetState = 'draft' | 'scheduled' | 'publishing' | 'published' | 'failed' | 'needs-decision';

export interface PostRow {
  id: number;
  uid: string;
  text: string;
  link: string | null;
  first_comment: string | null;
  /** An article's title (networks that publish articles); null: none. */
  title: string | null;
  created_at: number;
  updated_at: number;
}

export interface TargetRow {
  id: number;
  uid: string;
  post_id: number;
  account_id: number;
  text_override: string | null;
  scheduled_at: number | null;
  state: TargetState;
  remote_id: string | null;
  permalink: string | null;
  remote_scheduled_id: string | null;
  send_mode: 'now' | 'network-schedule' | null;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  published_at: number | null;
  /** Renewed when a post the network held is taken back (see migration 0261). */
  key_generation: number;
  /** 1: this target publishes its own images (post_media rows with its id), not the post's (migration 0350). */
  media_override: number;
}

/** The key a target is sent with: its uid, renewed after a take-back from the network's scheduler. */
export function idempotencyKeyOf(t: Pick<TargetRow, 'uid' | 'key_generation'>): string {
  return t.key_generation > 0 ? `${t.uid}.${t.key_generation}` : t.uid;
}

export interface PostInput {
  text: string;
  link?: string | null;
  firstComment?: string | null;
  title?: string | null;
  /** The post's images (media library ids), in order. */
  media?: number[];
  targets: { accountId: number; textOverride?: string | null; scheduledAt?: number | null; media?: number[] | null }[];
}

/** How much of a text the calendar shows. */
const EXCERPT_LENGTH = 80;

export interface CalendarRow {
  target_id: number;
  post_id: number;
  account_id: number;
  at: number;
  state: TargetState;
  remote_scheduled_id: string | null;
  permalink: string | null;
  excerpt: string;
  /** Comments received on the published post (0 before it is published). */
  replies: number;
}

/** One day of the calendar's month grid: how many targets it has, and the first ones by time. */
export interface CalendarDay {
  from: number;
  to: number;
  total: number;
  rows: CalendarRow[];
}

/** Targets whose post may still change (nothing sent, nothing handed to a network). */
const EDITABLE: readonly TargetState[] = ['draft', 'needs-decision', 'failed'];

/** The text a target publishes: its variant or the post's text, with the link when the text lacks it. */
export function publishedText(post: Pick<PostRow, 'text' | 'link'>, target: Pick<TargetRow, 'text_override'>): string {
  const text = (target.text_override ?? post.text).trim();
  const link = post.link?.trim();
  return link && !text.includes(link) ? `${text}\n\n${link}`.trim() : text;
}

/** The title as stored: trimmed, null when blank. */
function titleOf(input: PostInput): string | null {
  const title = input.title?.trim();
  return title ? title : null;
}

export function createPostStore(db: Db, now: () => number) {
  const insertPost = db.prepare<[string, string, string | null, string | null, string | null, number, number]>(
    'INSERT INTO posts (uid, text, link, first_comment, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertTarget = db.prepare<[string, number, number, string | null, number | null, number, number]>(
    'INSERT INTO post_targets (uid, post_id, account_id, text_override, scheduled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const postById = db.prepare<[number], PostRow>('SELECT * FROM posts WHERE id = ?');
  const targetsOf = db.prepare<[number], TargetRow>('SELECT * FROM post_targets WHERE post_id = ? ORDER BY id');
  const calendarColumns = `t.id AS target_id, t.post_id, t.account_id, t.scheduled_at AS at, t.state, t.remote_scheduled_id, t.permalink,
            substr(coalesce(t.text_override, p.text), 1, ${EXCERPT_LENGTH}) AS excerpt, 0 AS replies`;
  const calendarRange = db.prepare<[number, number], CalendarRow>(
    `SELECT ${calendarColumns}
     FROM post_targets t JOIN posts p ON p.id = t.post_id
     WHERE t.scheduled_at >= ? AND t.scheduled_at < ?
     ORDER BY t.scheduled_at, t.id`,
  );
  // The month grid: per day, a count and the first targets, each an indexed range of
  // `post_targets_time` (scheduled_at, id): the count reads the index alone, the rows stop at the limit.
  const dayCount = db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM post_targets WHERE scheduled_at >= ? AND scheduled_at < ?');
  const dayFirst = db.prepare<[number, number, number], CalendarRow>(
    `SELECT ${calendarColumns}
     FROM post_targets t JOIN posts p ON p.id = t.post_id
     WHERE t.scheduled_at >= ? AND t.scheduled_at < ?
     ORDER BY t.scheduled_at, t.id LIMIT ?`,
  );
  /**
   * Replies to published targets, in one grouped query: the messages from others in the
   * conversations whose root is the published post (Mastodon, Bluesky: replies thread on it), or
   * that hang on it as their context (WordPress: a comment thread starts at a top-level comment),
   * on the same account; deleted ones are not counted. Indexed by `conversations (account_id,
   * remote_id)` and `conv_context`.
   */
  const replyCounts = db.prepare<[string], { target_id: number; replies: number }>(
    `WITH pub AS (
       SELECT id, account_id, remote_id FROM post_targets WHERE id IN (SELECT value FROM json_each(?)) AND remote_id IS NOT NULL
     ),
     conv AS (
       SELECT pub.id AS target_id, pub.remote_id, c.id AS conversation_id, c.remote_id AS root FROM pub
         JOIN conversations c ON c.account_id = pub.account_id AND c.remote_id = pub.remote_id
       UNION
       SELECT pub.id, pub.remote_id, c.id, c.remote_id FROM pub
         JOIN conversations c ON c.account_id = pub.account_id AND c.context_remote_id = pub.remote_id
     )
     SELECT conv.target_id, count(m.id) AS replies FROM conv
       JOIN messages m ON m.conversation_id = conv.conversation_id
     -- The post itself, when stored as its thread's first message, is not a reply to it; in a
     -- thread that only names the post as context, ids are another namespace (WordPress comments).
     WHERE m.direction = 'in' AND m.deleted_at IS NULL AND NOT (conv.root = conv.remote_id AND m.remote_id IS conv.remote_id)
     GROUP BY conv.target_id`,
  );
  /** Sets `replies` on the published rows. */
  const withReplies = <R extends CalendarRow>(rows: R[]): R[] => {
    const published = rows.filter((r) => r.permalink !== null || r.state === 'published').map((r) => r.target_id);
    if (published.length === 0) return rows;
    const counts = new Map(replyCounts.all(JSON.stringify(published)).map((r) => [r.target_id, r.replies]));
    for (const r of rows) r.replies = counts.get(r.target_id) ?? 0;
    return rows;
  };
  const accountExists = db.prepare<[number], { id: number }>('SELECT id FROM accounts WHERE id = ?');
  const mediaExists = db.prepare<[number], { id: number }>('SELECT id FROM media WHERE id = ?');
  const insertMedia = db.prepare<[number, number | null, number, number]>('INSERT INTO post_media (post_id, target_id, position, media_id) VALUES (?, ?, ?, ?)');
  const mediaRows = db.prepare<[number], { target_id: number | null; media_id: number }>(
    'SELECT target_id, media_id FROM post_media WHERE post_id = ? ORDER BY coalesce(target_id, 0), position',
  );

  function checkMedia(input: PostInput) {
    for (const id of [...(input.media ?? []), ...input.targets.flatMap((t) => t.media ?? [])]) {
      if (!mediaExists.get(id)) throw new NotFoundError(`Media ${id}`);
    }
  }

  /** Replaces the images of a post (targetId null) or of one target's variant, in order. */
  function writeMedia(postId: number, targetId: number | null, ids: readonly number[]) {
    if (targetId === null) db.prepare('DELETE FROM post_media WHERE post_id = ? AND target_id IS NULL').run(postId);
    else db.prepare('DELETE FROM post_media WHERE target_id = ?').run(targetId);
    ids.forEach((mediaId, position) => insertMedia.run(postId, targetId, position, mediaId));
  }

  function insertTargetWithMedia(postId: number, t: PostInput['targets'][number], at: number) {
    const targetId = Number(insertTarget.run(newUid(), postId, t.accountId, t.textOverride ?? null, t.scheduledAt ?? null, at, at).lastInsertRowid);
    if (t.media) {
      db.prepare('UPDATE post_targets SET media_override = 1 WHERE id = ?').run(targetId);
      writeMedia(postId, targetId, t.media);
    }
  }

  function checkAccounts(input: PostInput) {
    const seen = new Set<number>();
    for (const t of input.targets) {
      if (!accountExists.get(t.accountId)) throw new NotFoundError(`Account ${t.accountId}`);
      if (seen.has(t.accountId)) throw new NotFoundError(`A second target for account ${t.accountId}`);
      seen.add(t.accountId);
    }
  }

  const store = {
    get(postId: number): { post: PostRow; targets: TargetRow[] } {
      const post = postById.get(postId);
      if (!post) throw new NotFoundError(`Post ${postId}`);
      return { post, targets: targetsOf.all(postId) };
    },

    /** A new draft with one target per account. */
    create: db.transaction((input: PostInput): number => {
      checkAccounts(input);
      checkMedia(input);
      const at = now();
      const postId = Number(insertPost.run(newUid(), input.text, input.link ?? null, input.firstComment ?? null, titleOf(input), at, at).lastInsertRowid);
      writeMedia(postId, null, input.media ?? []);
      for (const t of input.targets) insertTargetWithMedia(postId, t, at);
      return postId;
    }),

    /**
     * Edits a post. Targets already sent, being sent or held by a network keep what they have and
     * cannot be removed; the others take the new text, variant and time, back as drafts.
     */
    update: db.transaction((postId: number, input: PostInput): void => {
      const { targets } = store.get(postId);
      checkAccounts(input);
      checkMedia(input);
      const at = now();
      // A target that can no longer change keeps the images it was sent with: the post's current
      // ones become its own before the post's are replaced.
      const postMedia = store.mediaOf(postId, null);
      for (const existing of targets) {
        const editable = EDITABLE.includes(existing.state) || (existing.state === 'scheduled' && existing.remote_scheduled_id === null);
        if (!editable && !existing.media_override) {
          db.prepare('UPDATE post_targets SET media_override = 1 WHERE id = ?').run(existing.id);
          writeMedia(postId, existing.id, postMedia);
        }
      }
      writeMedia(postId, null, input.media ?? []);
      db.prepare('UPDATE posts SET text = ?, link = ?, first_comment = ?, title = ?, updated_at = ? WHERE id = ?').run(
        input.text,
        input.link ?? null,
        input.firstComment ?? null,
        titleOf(input),
        at,
        postId,
      );
      const wanted = new Map(input.targets.map((t) => [t.accountId, t]));
      for (const existing of targets) {
        const editable = EDITABLE.includes(existing.state) || (existing.state === 'scheduled' && existing.remote_scheduled_id === null);
        const next = wanted.get(existing.account_id);
        wanted.delete(existing.account_id);
        if (!editable) {
          if (!next) throw new NotFoundError(`A target that can still be removed (account ${existing.account_id})`);
          continue;
        }
        if (!next) {
          db.prepare('DELETE FROM post_targets WHERE id = ?').run(existing.id);
          continue;
        }
        db.prepare(
          `UPDATE post_targets SET text_override = ?, scheduled_at = ?, state = 'draft', next_attempt_at = NULL, attempts = 0, last_error = NULL, media_override = ?, updated_at = ? WHERE id = ?`,
        ).run(next.textOverride ?? null, next.scheduledAt ?? null, next.media ? 1 : 0, at, existing.id);
        writeMedia(postId, existing.id, next.media ?? []);
      }
      for (const t of wanted.values()) insertTargetWithMedia(postId, t, at);
    }),

    /**
     * The images a target publishes, in order (its variant's, or the post's); with `targetId`
     * null, the post's own.
     */
    mediaOf(postId: number, targetId: number | null): number[] {
      const rows = mediaRows.all(postId);
      const own = targetId === null ? undefined : db.prepare<[number], { media_override: number }>('SELECT media_override FROM post_targets WHERE id = ?').get(targetId);
      const wanted = own?.media_override ? targetId : null;
      return rows.filter((r) => r.target_id === wanted).map((r) => r.media_id);
    },

    /** The post a target belongs to. */
    postOf(targetId: number): number {
      const row = db.prepare<[number], { post_id: number }>('SELECT post_id FROM post_targets WHERE id = ?').get(targetId);
      if (!row) throw new NotFoundError(`Post target ${targetId}`);
      return row.post_id;
    },

    /** A draft target's new time; returns its post, or null when the target is not a draft (the publisher moves those). */
    moveDraft(targetId: number, at: number): number | null {
      const postId = store.postOf(targetId);
      const moved = db.prepare(`UPDATE post_targets SET scheduled_at = ?, updated_at = ? WHERE id = ? AND state = 'draft'`).run(at, now(), targetId);
      return moved.changes > 0 ? postId : null;
    },

    /**
     * The targets with a time in [from, to), by time, with the first words of what each publishes:
     * one indexed range scan (`post_targets_time`), so a month of 10,000 posts stays fast.
     */
    calendar(from: number, to: number): CalendarRow[] {
      return withReplies(calendarRange.all(from, to));
    },

    /**
     * The month grid: for each day between consecutive `dayStarts` (the user's midnights, so the
     * core needs no time zone), the exact number of targets and the first `perDay` by time, with
     * their reply counts. Reads what the grid shows, not the 10,000 posts of a busy month.
     */
    calendarDays(dayStarts: number[], perDay: number): CalendarDay[] {
      const days: CalendarDay[] = [];
      for (let i = 0; i + 1 < dayStarts.length; i++) {
        const from = dayStarts[i]!;
        const to = dayStarts[i + 1]!;
        const total = dayCount.get(from, to)?.n ?? 0;
        days.push({ from, to, total, rows: total === 0 ? [] : dayFirst.all(from, to, perDay) });
      }
      withReplies(days.flatMap((d) => d.rows));
      return days;
    },

    /** Posts with at least one target, by their earliest time (drafts without a time last), newest edits first among equals. */
    list(limit = 200): { post: PostRow; targets: TargetRow[] }[] {
      const ids = db
        .prepare<[number], { id: number }>(
          `SELECT p.id FROM posts p JOIN post_targets t ON t.post_id = p.id
           GROUP BY p.id ORDER BY min(coalesce(t.scheduled_at, 9e15)), p.id LIMIT ?`,
        )
        .all(limit);
      return ids.map((r) => store.get(r.id));
    },
  };
  return store;
}
export type PostStore = ReturnType<typeof createPostStore>;
