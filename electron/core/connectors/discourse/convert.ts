/**
 * Discourse posts, notifications and review-queue items into normalized items.
 *
 * A topic is one conversation (its posts are the messages), a private message is a topic too
 * (kind `dm`). Each post keeps its topic id and post number: a reply goes to that topic with
 * `reply_to_post_number`, never to the topic's latest poster. Queued posts (waiting for a
 * moderator, not yet posts) are held messages of their own, keyed by their reviewable id.
 * Post HTML ("cooked") is untrusted: the text is extracted here, the HTML kept for the renderer's
 * sanitizer.
 */
import { htmlToText } from '../comment-html';
import type { ConversationKind, ModerationState } from '../../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../types';
import { NOTIFICATION_TYPES, WireNotification, WirePost, WireReviewable, describeIssues, type WireReviewList } from './wire';


/** An absolute avatar address from Discourse's `avatar_template` (`/user_avatar/…/{size}/…`). */
export function avatarUrl(template: string | null | undefined, forumUrl: string): string | null {
  if (!template) return null;
  try {
    const url = new URL(template.replace('{size}', '96'), `${forumUrl}/`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export function authorOf(user: { id: number; username: string; name?: string | null; avatar_template?: string | null }, forumUrl: string): NormalizedAuthor {
  const host = hostOf(forumUrl);
  return {
    remoteId: String(user.id),
    handle: `${user.username}@${host}`,
    name: user.name?.trim() || user.username,
    avatarUrl: avatarUrl(user.avatar_template, forumUrl),
    profileUrl: `${forumUrl}/u/${encodeURIComponent(user.username)}`,
  };
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The conversation id of a topic (topics and posts have separate id sequences). */
export const topicThread = (topicId: number): string => `t${topicId}`;
/** The message id of a queued post (a reviewable, not yet a post). */
export const queuedRemoteId = (reviewableId: number): string => `q${reviewableId}`;

/** The kind of conversation a notification brings. */
export function kindOfNotification(type: number): ConversationKind | null {
  switch (type) {
    case NOTIFICATION_TYPES.mentioned:
    case NOTIFICATION_TYPES.group_mentioned:
    case NOTIFICATION_TYPES.quoted:
      return 'mention';
    case NOTIFICATION_TYPES.private_message:
      return 'dm';
    case NOTIFICATION_TYPES.replied:
    case NOTIFICATION_TYPES.posted:
    case NOTIFICATION_TYPES.watching_first_post:
      return 'comment';
    default:
      return null;
  }
}

/** The post a notification is about, or null for notifications about no post (badges, likes…). */
export function notificationPostId(n: WireNotification): number | null {
  const id = Number(n.data.original_post_id);
  return Number.isInteger(id) && id > 0 ? id : null;
}

export type Converted<T> = { ok: true; value: T } | { ok: false; remoteId: string | null; reason: string };

export function parseNotification(raw: unknown): Converted<WireNotification> {
  const parsed = WireNotification.safeParse(raw);
  if (!parsed.success) return { ok: false, remoteId: idOf(raw), reason: `notification: ${describeIssues(parsed.error)}` };
  return { ok: true, value: parsed.data };
}

export function parsePost(raw: unknown): Converted<WirePost> {
  const parsed = WirePost.safeParse(raw);
  if (!parsed.success) return { ok: false, remoteId: idOf(raw), reason: `post: ${describeIssues(parsed.error)}` };
  if (Number.isNaN(Date.parse(parsed.data.created_at))) return { ok: false, remoteId: String(parsed.data.id), reason: 'post: created_at is not a date' };
  return { ok: true, value: parsed.data };
}

function idOf(raw: unknown): string | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
}

export interface PostContext {
  forumUrl: string;
  /** The signed-in user's name: their posts are outgoing. */
  me: string;
  kind: ConversationKind;
  topicTitle?: string | null;
  topicSlug?: string | null;
  /** Overrides the post's own state (a flagged post waits in the review queue: `held`). */
  moderation?: ModerationState;
  reviewableId?: number | null;
  reviewableVersion?: number | null;
}

export function postUrl(forumUrl: string, slug: string | null | undefined, topicId: number, postNumber?: number): string {
  return `${forumUrl}/t/${encodeURIComponent(slug || 'topic')}/${topicId}${postNumber ? `/${postNumber}` : ''}`;
}

/** A post as a message of its topic's conversation. */
export function convertPost(post: WirePost, ctx: PostContext): NormalizedItem {
  const replyTo = Number(post.reply_to_post_number);
  const title = post.topic_title ?? ctx.topicTitle ?? null;
  const slug = post.topic_slug ?? ctx.topicSlug ?? null;
  const moderation: ModerationState = ctx.moderation ?? (post.deleted_at ? 'removed' : post.hidden ? 'hidden' : 'visible');
  const createdAt = Date.parse(post.created_at);
  const updatedAt = post.updated_at ? Date.parse(post.updated_at) : Number.NaN;
  return {
    remoteId: String(post.id),
    threadRemoteId: topicThread(post.topic_id),
    parentRemoteId: null,
    kind: ctx.kind,
    direction: post.username.toLowerCase() === ctx.me.toLowerCase() ? 'out' : 'in',
    author: authorOf({ id: post.user_id, username: post.username, name: post.name, avatar_template: post.avatar_template }, ctx.forumUrl),
    text: htmlToText(post.cooked),
    html: post.cooked,
    createdAt,
    permalink: postUrl(ctx.forumUrl, slug, post.topic_id, post.post_number),
    moderation,
    context: title ? { remoteId: String(post.topic_id), text: title, url: postUrl(ctx.forumUrl, slug, post.topic_id) } : null,
    extra: {
      topicId: post.topic_id,
      postNumber: post.post_number,
      replyToPostNumber: Number.isInteger(replyTo) && replyTo > 0 ? replyTo : null,
      categoryId: post.category_id ?? null,
      ...(ctx.kind === 'dm' ? { privateMessage: true } : {}),
      ...(ctx.reviewableId ? { reviewableId: ctx.reviewableId, reviewableVersion: ctx.reviewableVersion ?? 0 } : {}),
    },
    // Discourse counts versions from 1: a later one is an edit, which replaces the stored text.
    editedAt: post.version > 1 && Number.isFinite(updatedAt) ? updatedAt : null,
  };
}

/**
 * The review queue's items: a flagged post (the post itself, held), or a queued post (held, under
 * its own id until a moderator approves it). Users and topics come from the list's side lists.
 * Other reviewables (users waiting for approval, chat messages) are not messages: skipped.
 */
export function convertReviewable(raw: unknown, list: WireReviewList, forumUrl: string, me: string): Converted<NormalizedItem> | null {
  const parsed = WireReviewable.safeParse(raw);
  if (!parsed.success) return { ok: false, remoteId: idOf(raw), reason: `reviewable: ${describeIssues(parsed.error)}` };
  const r = parsed.data;
  const topic = list.topics.find((t) => t.id === r.topic_id);
  const createdAt = Date.parse(r.created_at);
  if (Number.isNaN(createdAt)) return { ok: false, remoteId: String(r.id), reason: 'reviewable: created_at is not a date' };
  const userId = r.target_created_by_id ?? r.created_by_id;
  const user = list.users.find((u) => u.id === userId);
  if (!user) return { ok: false, remoteId: String(r.id), reason: `reviewable: its author ${String(userId)} is not in the list` };
  const extra = { reviewableId: r.id, reviewableVersion: r.version, reviewableType: r.type };
  if (r.type === 'ReviewableFlaggedPost') {
    if (!r.target_id || !r.topic_id || !r.cooked) return { ok: false, remoteId: String(r.id), reason: 'reviewable: a flagged post without its post' };
    return {
      ok: true,
      value: {
        remoteId: String(r.target_id),
        threadRemoteId: topicThread(r.topic_id),
        kind: 'comment',
        direction: user.username.toLowerCase() === me.toLowerCase() ? 'out' : 'in',
        author: authorOf(user, forumUrl),
        text: htmlToText(r.cooked),
        html: r.cooked,
        createdAt,
        permalink: postUrl(forumUrl, topic?.slug, r.topic_id, r.post_number ?? undefined),
        moderation: 'held',
        context: topic ? { remoteId: String(topic.id), text: topic.title, url: postUrl(forumUrl, topic.slug, topic.id) } : null,
        extra: { ...extra, topicId: r.topic_id, postNumber: r.post_number ?? null, replyToPostNumber: r.reply_to_post_number ?? null },
      },
    };
  }
  if (r.type === 'ReviewableQueuedPost') {
    const raw = r.payload?.raw;
    if (!raw) return { ok: false, remoteId: String(r.id), reason: 'reviewable: a queued post without its text' };
    // A queued reply belongs to its topic; a queued new topic is a conversation of its own.
    const title = r.payload?.title ?? topic?.title ?? null;
    return {
      ok: true,
      value: {
        remoteId: queuedRemoteId(r.id),
        threadRemoteId: r.topic_id ? topicThread(r.topic_id) : queuedRemoteId(r.id),
        kind: 'comment',
        direction: 'in',
        author: authorOf(user, forumUrl),
        // Markdown as the author typed it: shown as text, never as HTML.
        text: raw.trim(),
        html: null,
        createdAt,
        permalink: `${forumUrl}/review/${r.id}`,
        moderation: 'held',
        context: title ? { remoteId: r.topic_id ? String(r.topic_id) : null, text: title, url: r.topic_id ? postUrl(forumUrl, topic?.slug, r.topic_id) : null } : null,
        extra: { ...extra, topicId: r.topic_id ?? null, replyToPostNumber: r.payload?.reply_to_post_number ?? null, queued: true },
      },
    };
  }
  return null;
}
