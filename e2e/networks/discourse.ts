/**
 * A local, stateful stand-in for a Discourse forum's JSON API, for integration tests, Playwright
 * specs and the demo. Its answers are checked against Discourse's official OpenAPI description
 * (specs/discourse/openapi.json) by discourse.test.ts; where that file says nothing (the review
 * queue, the user-api-key flow, /session/current.json) it follows Discourse's controllers
 * (UserApiKeysController, ReviewablesController, PostsController, NotificationsController,
 * Auth::DefaultCurrentUserProvider, RateLimiter).
 *
 * - Keys: User API Keys (`User-Api-Key` + `User-Api-Client-Id`), made by the user-api-key flow,
 *   and admin API keys acting as `Api-Username`. An unknown or revoked key, or a suspended user,
 *   answers 403 `{ errors, error_type: "invalid_access" }`.
 * - `/user-api-key/new`: HEAD answers `Auth-Api-Version: 4`; GET checks the parameters, the scopes
 *   and the `auth_redirect` against the allowed patterns (`allowed_user_api_auth_redirects`), then
 *   approves as the signed-in browser user and redirects with `payload`: `{ key, nonce, push, api }`
 *   encrypted with the given public key (RSA PKCS#1 v1.5), base64 with line breaks as Ruby's.
 * - Rate limits: per key and minute (`max_user_api_reqs_per_minute`, `max_admin_api_reqs_per_minute`)
 *   when set; a 429 carries `Retry-After` and `{ errors, error_type: "rate_limit", extras: { wait_seconds } }`.
 * - `/notifications.json`: newest first, 30 a page (limit up to 60), `offset`; `load_more_notifications`.
 * - `/posts.json`: public regular posts, newest first, 50 a page, `before=<post id>` (ids below it).
 * - `/t/{id}.json`, `/t/{id}/posts.json?post_ids[]=`, `/posts/{id}.json`: 404 for unknown or
 *   deleted (for non-staff), 403 for a private message the user is not in.
 * - `POST /posts.json`: 422 `errors` for a body shorter than 20 characters (min_post_length) or
 *   the same body in the same topic within 5 minutes ("too similar"); a closed topic 403; an API
 *   create sent again with the same parameters within 120 s answers the first post (Discourse's
 *   memoized API create) instead of posting twice. Replies and @mentions notify their users.
 * - `POST /post_actions.json`: flags (4 inappropriate, 7 notify moderators, 8 spam) open or add to
 *   a ReviewableFlaggedPost; flagging twice 403; the post answered with its `reviewable_id`.
 * - `/review.json` (staff): pending reviewables, newest first; `/review/{id}.json`;
 *   `PUT /review/{id}/perform/{action}?version=`: a stale version 409, an action not offered 403.
 * - `DELETE /posts/{id}.json`, `PUT /posts/{id}/unhide`, `PUT /admin/users/{id}/silence.json`,
 *   `/suspend.json` (staff; others get 404 as admin routes do), `/categories.json`, `/tag/{name}.json`.
 *
 * Controls (tests only): users, categories, topics, posts by visitors (notifying as Discourse
 * does), queued posts, flags by others, edits and deletions, revoking keys, faults, requests seen.
 */
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultQueue, answerWithFault, readBody, sendJson, startLocalServer, type Fault } from './server-kit';

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  admin: boolean;
  moderator: boolean;
  trustLevel: number;
  silencedTill: string | null;
  suspendedTill: string | null;
  silenceReason: string | null;
  suspendReason: string | null;
}

export interface FakeTopic {
  id: number;
  title: string;
  slug: string;
  categoryId: number | null;
  archetype: 'regular' | 'private_message';
  /** Users allowed in a private message. */
  allowed: number[];
  tags: string[];
  closed: boolean;
  createdAt: number;
  /** Moved by a new post, and by a new version of the topic's last post (PostRevisor#bump_topic). */
  bumpedAt: number;
}

export interface FakePost {
  id: number;
  topicId: number;
  postNumber: number;
  userId: number;
  raw: string;
  createdAt: number;
  updatedAt: number;
  replyToPostNumber: number | null;
  hidden: boolean;
  deletedAt: number | null;
  /** Deleted by its author (not staff): a stub "(post deleted by author)" (PostDestroyer#mark_for_deletion). */
  userDeleted: boolean;
  version: number;
  /** When the current version began, and who edited last: an edit by the same user within the grace period keeps the version. */
  lastVersionAt: number;
  lastEditorId: number;
  postType: number;
  reviewableId: number | null;
}

export interface FakeNotification {
  id: number;
  userId: number;
  type: number;
  topicId: number;
  postNumber: number;
  postId: number;
  actorId: number;
  createdAt: number;
  read: boolean;
}

export interface FakeReviewable {
  id: number;
  type: 'ReviewableFlaggedPost' | 'ReviewableQueuedPost';
  status: 'pending' | 'approved' | 'rejected' | 'ignored' | 'deleted';
  topicId: number | null;
  targetId: number | null;
  createdById: number;
  createdAt: number;
  version: number;
  /** Queued posts: what the author wrote. */
  payload: { raw: string; title?: string; reply_to_post_number?: number | null } | null;
  /** Flags: user id and PostActionType id. */
  flags: { userId: number; typeId: number }[];
}

export interface DiscourseServerOptions {
  /** The brand's account, signed in in the browser that approves keys (staff by default). */
  username?: string;
  staff?: boolean;
  /** Patterns of `allowed_user_api_auth_redirects` (`*` matches anything). */
  allowedRedirects?: string[];
  /** `allow_user_api_key_scopes`. */
  allowedScopes?: string[];
  /** Requests per minute and key; null: not limited (Discourse defaults: 20 for user keys, 60 for admin keys). */
  userApiReqsPerMinute?: number | null;
  adminApiReqsPerMinute?: number | null;
  now?: () => number;
}

export interface DiscourseControl {
  readonly me: FakeUser;
  /** An admin API key (Admin › API › Keys, "all users"). */
  readonly adminApiKey: string;
  user(input: { username: string; name?: string; staff?: boolean; trustLevel?: number }): FakeUser;
  category(input: { name: string; slug: string }): { id: number; slug: string; name: string };
  topic(input: { title: string; by: FakeUser; raw: string; categoryId?: number | null; tags?: string[]; privateTo?: FakeUser[] }): { topic: FakeTopic; post: FakePost };
  /** A post by someone: notifies the user answered and the users mentioned, as Discourse does. */
  reply(input: { topicId: number; by: FakeUser; raw: string; replyToPostNumber?: number | null; at?: number }): FakePost;
  /** A post held in the review queue (a new user's, or one a watched word held). */
  queue(input: { topicId: number | null; by: FakeUser; raw: string; title?: string; replyToPostNumber?: number | null }): FakeReviewable;
  /** Someone flags a post. */
  flag(postId: number, by: FakeUser, typeId?: number): FakeReviewable;
  /**
   * An edit (PostRevisor): a new version, unless it is a small edit by the last editor within the
   * grace period (5 minutes: a "ninja edit", same version); `updated_at` moves either way; the
   * topic is bumped only by a new version of its last post. `by` defaults to the author.
   */
  edit(postId: number, raw: string, by?: FakeUser): void;
  /** A moderator deletes the post: staff still see it with `deleted_at`, others no longer see it. */
  deletePost(postId: number): void;
  /** The author deletes their own post: its text becomes "(post deleted by author)", `user_deleted`. */
  userDeletePost(postId: number): void;
  /** A moderator moves a post to another topic (same id, new topic and post number). */
  movePost(postId: number, topicId: number): void;
  closeTopic(topicId: number): void;
  post(id: number): FakePost | undefined;
  posts(): FakePost[];
  topicOf(id: number): FakeTopic | undefined;
  reviewable(id: number): FakeReviewable | undefined;
  reviewables(): FakeReviewable[];
  userById(id: number): FakeUser | undefined;
  /** Revokes every User API Key (the user's "Revoke" in their preferences, or an admin's). */
  revokeKeys(): void;
  /** A User API Key of another user, as if they had approved an app in their browser. */
  issueKey(user: FakeUser, clientId?: string): { key: string; clientId: string };
  /** The User API Keys issued, most recent last. */
  keys(): { key: string; clientId: string; userId: number; scopes: string[]; revoked: boolean }[];
  fail(fault: Fault, count?: number): void;
  requests(): { method: string; path: string; query: Record<string, string | string[]>; at: number; body?: unknown; headers: Record<string, string | string[] | undefined> }[];
}

export interface DiscourseServer {
  url: string;
  control: DiscourseControl;
  close(): Promise<void>;
}

/** Notification.types */
export const NOTIFICATION = { mentioned: 1, replied: 2, quoted: 3, private_message: 6, posted: 9 } as const;
const MIN_POST_LENGTH = 20;
/** SiteSetting.editing_grace_period (s) and editing_grace_period_max_diff (characters; 400 for staff and trust level 2+). */
const EDITING_GRACE_MS = 300_000;
const GRACE_MAX_DIFF = 100;
const GRACE_MAX_DIFF_HIGH_TRUST = 400;
/** I18n js.post.deleted_by_author_simple. */
export const DELETED_BY_AUTHOR = '(post deleted by author)';
/** I18n flagging.user_must_edit: what non-staff see of a hidden post. */
const HIDDEN_PLACEHOLDER = '<p>This post was flagged by the community and is temporarily hidden.</p>';
const UNIQUE_POSTS_MS = 5 * 60_000;
const API_CREATE_MEMO_MS = 120_000;

export async function startDiscourseServer(options: DiscourseServerOptions = {}): Promise<DiscourseServer> {
  const now = options.now ?? Date.now;
  const users = new Map<number, FakeUser>();
  const categories: { id: number; slug: string; name: string }[] = [{ id: 1, slug: 'uncategorized', name: 'Uncategorized' }];
  const topics = new Map<number, FakeTopic>();
  const posts = new Map<number, FakePost>();
  const notifications: FakeNotification[] = [];
  const reviewables = new Map<number, FakeReviewable>();
  const userKeys: { key: string; clientId: string; userId: number; scopes: string[]; revoked: boolean }[] = [];
  const adminApiKey = randomBytes(32).toString('hex');
  const faults = new FaultQueue();
  const log: { method: string; path: string; query: Record<string, string | string[]>; at: number; body?: unknown; headers: Record<string, string | string[] | undefined> }[] = [];
  const remember = (body: unknown) => {
    const last = log[log.length - 1];
    if (last) last.body = body;
  };
  const windows = new Map<string, number[]>();
  const memo = new Map<string, { at: number; body: unknown }>();
  const allowedRedirects = options.allowedRedirects ?? ['http://127.0.0.1:*'];
  const allowedScopes = new Set(options.allowedScopes ?? ['read', 'write', 'message_bus', 'push', 'notifications', 'session_info', 'one_time_password']);
  let nextUser = 1;
  let nextTopic = 1;
  let nextPost = 1;
  let nextNotification = 1;
  let nextReviewable = 1;
  let url = '';

  const addUser = (input: { username: string; name?: string; staff?: boolean; trustLevel?: number }): FakeUser => {
    const u: FakeUser = {
      id: nextUser++,
      username: input.username,
      name: input.name ?? input.username,
      admin: input.staff ?? false,
      moderator: false,
      trustLevel: input.trustLevel ?? 1,
      silencedTill: null,
      suspendedTill: null,
      silenceReason: null,
      suspendReason: null,
    };
    users.set(u.id, u);
    return u;
  };
  addUser({ username: 'system', name: 'system', staff: true, trustLevel: 4 });
  const me = addUser({ username: options.username ?? 'lumiere', name: 'Lumière & Co', staff: options.staff ?? true, trustLevel: 4 });

  const iso = (ms: number) => new Date(ms).toISOString();
  const staff = (u: FakeUser) => u.admin || u.moderator;
  const suspended = (u: FakeUser) => u.suspendedTill !== null && Date.parse(u.suspendedTill) > now();
  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const slugify = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'topic';
  /** Discourse's cooking, as far as the tests need it: paragraphs, escaped text, @mentions linked. */
  const cook = (raw: string) =>
    raw
      .trim()
      .split(/\n{2,}/)
      .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>\n').replace(/(^|\s)@([\w.-]+)/g, (m, sp: string, name: string) => ([...users.values()].some((u) => u.username.toLowerCase() === name.toLowerCase()) ? `${sp}<a class="mention" href="/u/${name.toLowerCase()}">@${name}</a>` : m))}</p>`)
      .join('\n');
  const avatar = (u: FakeUser) => `/letter_avatar_proxy/v4/letter/${u.username[0]?.toLowerCase() ?? 'x'}/8e7dd6/{size}.png`;

  function canSeeTopic(t: FakeTopic, viewer: FakeUser): boolean {
    return t.archetype !== 'private_message' || t.allowed.includes(viewer.id) || staff(viewer);
  }
  function canSeePost(p: FakePost, viewer: FakeUser): boolean {
    const t = topics.get(p.topicId);
    if (!t || !canSeeTopic(t, viewer)) return false;
    return p.deletedAt === null || staff(viewer);
  }

  type Shape = 'latest' | 'create' | 'show' | 'topic';
  function wirePost(p: FakePost, viewer: FakeUser, shape: Shape): Record<string, unknown> {
    const u = users.get(p.userId)!;
    const t = topics.get(p.topicId)!;
    const mine = p.userId === viewer.id;
    const pending = p.reviewableId ? reviewables.get(p.reviewableId) : undefined;
    // A hidden post shows others than staff a placeholder (BasicPostSerializer#cooked_hidden).
    const cookedHidden = p.hidden && !staff(viewer);
    const base: Record<string, unknown> = {
      id: p.id,
      name: u.name,
      username: u.username,
      avatar_template: avatar(u),
      created_at: iso(p.createdAt),
      cooked: cookedHidden ? HIDDEN_PLACEHOLDER : cook(p.raw),
      ...(cookedHidden ? { cooked_hidden: true } : {}),
      post_number: p.postNumber,
      post_type: p.postType,
      posts_count: [...posts.values()].filter((x) => x.userId === u.id).length,
      updated_at: iso(p.updatedAt),
      reply_count: [...posts.values()].filter((x) => x.topicId === p.topicId && x.replyToPostNumber === p.postNumber).length,
      // Discourse sends a number (the OpenAPI file says string; see discourse.test.ts).
      reply_to_post_number: p.replyToPostNumber,
      quote_count: 0,
      incoming_link_count: 0,
      reads: 1,
      readers_count: 0,
      score: 0,
      yours: mine,
      topic_id: p.topicId,
      topic_slug: t.slug,
      display_username: u.name,
      primary_group_name: null,
      flair_name: null,
      flair_url: null,
      flair_bg_color: null,
      flair_color: null,
      version: p.version,
      can_edit: mine || staff(viewer),
      can_delete: mine || staff(viewer),
      can_recover: staff(viewer) && p.deletedAt !== null,
      can_wiki: staff(viewer),
      user_title: null,
      actions_summary: [],
      moderator: u.moderator,
      admin: u.admin,
      staff: staff(u),
      user_id: u.id,
      hidden: p.hidden,
      trust_level: u.trustLevel,
      deleted_at: p.deletedAt === null ? null : iso(p.deletedAt),
      user_deleted: p.userDeleted,
      edit_reason: null,
      can_view_edit_history: true,
      wiki: false,
      reviewable_score_count: pending ? pending.flags.length : 0,
      reviewable_score_pending_count: pending?.status === 'pending' ? pending.flags.length : 0,
    };
    const postUrl = `/t/${t.slug}/${t.id}/${p.postNumber}`;
    switch (shape) {
      case 'latest':
        return {
          ...base,
          bookmarked: false,
          raw: p.raw,
          topic_title: t.title,
          topic_html_title: escapeHtml(t.title),
          category_id: t.categoryId ?? 1,
          flair_group_id: null,
          badges_granted: [],
          can_see_hidden_post: staff(viewer),
          excerpt: escapeHtml(p.raw.slice(0, 300)),
          truncated: p.raw.length > 300,
          reviewable_id: null,
          post_url: postUrl,
        };
      case 'create':
        return { ...base, bookmarked: false, raw: p.raw, flair_group_id: null, badges_granted: [], can_see_hidden_post: staff(viewer), draft_sequence: 0, reviewable_id: p.reviewableId, post_url: postUrl, mentioned_users: [], post_localizations: [] };
      case 'show':
        return { ...base, bookmarked: false, raw: p.raw, can_see_hidden_post: staff(viewer), reviewable_id: p.reviewableId, post_url: postUrl };
      case 'topic':
        return { ...base, read: true, ...(p.reviewableId && staff(viewer) ? { reviewable_id: p.reviewableId } : {}) };
    }
  }

  function notify(userId: number, type: number, p: FakePost, actorId: number): void {
    if (userId === actorId) return;
    const u = users.get(userId);
    if (!u) return;
    notifications.push({ id: nextNotification++, userId, type, topicId: p.topicId, postNumber: p.postNumber, postId: p.id, actorId, createdAt: now(), read: false });
  }

  /** What PostAlerter does, in short: PM participants, the user answered, the users mentioned. */
  function alert(p: FakePost): void {
    const t = topics.get(p.topicId)!;
    const done = new Set<number>();
    if (t.archetype === 'private_message') {
      for (const id of t.allowed) if (id !== p.userId) notify(id, NOTIFICATION.private_message, p, p.userId);
      return;
    }
    for (const [, name] of p.raw.matchAll(/(?:^|\s)@([\w.-]+)/g)) {
      const u = [...users.values()].find((x) => x.username.toLowerCase() === String(name).toLowerCase());
      if (u && !done.has(u.id)) {
        notify(u.id, NOTIFICATION.mentioned, p, p.userId);
        done.add(u.id);
      }
    }
    const answered = p.replyToPostNumber
      ? [...posts.values()].find((x) => x.topicId === p.topicId && x.postNumber === p.replyToPostNumber)
      : [...posts.values()].find((x) => x.topicId === p.topicId && x.postNumber === 1);
    if (answered && !done.has(answered.userId)) notify(answered.userId, NOTIFICATION.replied, p, p.userId);
  }

  function createPost(input: { topicId: number; userId: number; raw: string; replyToPostNumber?: number | null; at?: number }): FakePost {
    const inTopic = [...posts.values()].filter((x) => x.topicId === input.topicId);
    const at = input.at ?? now();
    const p: FakePost = {
      id: nextPost++,
      topicId: input.topicId,
      postNumber: inTopic.reduce((m, x) => Math.max(m, x.postNumber), 0) + 1,
      userId: input.userId,
      raw: input.raw,
      createdAt: at,
      updatedAt: at,
      replyToPostNumber: input.replyToPostNumber ?? null,
      hidden: false,
      deletedAt: null,
      userDeleted: false,
      version: 1,
      lastVersionAt: at,
      lastEditorId: input.userId,
      postType: 1,
      reviewableId: null,
    };
    posts.set(p.id, p);
    const t = topics.get(input.topicId);
    if (t) t.bumpedAt = Math.max(t.bumpedAt, at);
    alert(p);
    return p;
  }

  function createTopic(input: { title: string; userId: number; raw: string; categoryId?: number | null; tags?: string[]; privateTo?: number[] }): { topic: FakeTopic; post: FakePost } {
    const t: FakeTopic = {
      id: nextTopic++,
      title: input.title,
      slug: slugify(input.title),
      categoryId: input.privateTo ? null : (input.categoryId ?? 1),
      archetype: input.privateTo ? 'private_message' : 'regular',
      allowed: input.privateTo ? [input.userId, ...input.privateTo] : [],
      tags: input.tags ?? [],
      closed: false,
      createdAt: now(),
      bumpedAt: now(),
    };
    topics.set(t.id, t);
    return { topic: t, post: createPost({ topicId: t.id, userId: input.userId, raw: input.raw }) };
  }

  function openFlag(p: FakePost, by: FakeUser, typeId: number): FakeReviewable {
    let r = p.reviewableId ? reviewables.get(p.reviewableId) : undefined;
    if (!r || r.status !== 'pending') {
      r = { id: nextReviewable++, type: 'ReviewableFlaggedPost', status: 'pending', topicId: p.topicId, targetId: p.id, createdById: by.id, createdAt: now(), version: 0, payload: null, flags: [] };
      reviewables.set(r.id, r);
      p.reviewableId = r.id;
    }
    r.flags.push({ userId: by.id, typeId });
    r.version++;
    return r;
  }

  function wireCategory(c: { id: number; slug: string; name: string }, viewer: FakeUser): Record<string, unknown> {
    const count = [...topics.values()].filter((t) => t.categoryId === c.id).length;
    return {
      id: c.id,
      name: c.name,
      color: '0088CC',
      text_color: 'FFFFFF',
      style_type: 'square',
      emoji: null,
      icon: null,
      slug: c.slug,
      topic_count: count,
      post_count: [...posts.values()].filter((p) => topics.get(p.topicId)?.categoryId === c.id).length,
      position: c.id,
      description: null,
      description_text: null,
      description_excerpt: null,
      topic_url: null,
      read_restricted: false,
      permission: 1,
      notification_level: 1,
      can_edit: staff(viewer),
      topic_template: null,
      topic_title_placeholder: null,
      has_children: false,
      subcategory_count: null,
      sort_order: null,
      sort_ascending: null,
      show_subcategory_list: false,
      num_featured_topics: 3,
      default_view: null,
      subcategory_list_style: 'rows_with_featured_topics',
      default_top_period: 'all',
      default_list_filter: 'all',
      minimum_required_tags: 0,
      navigate_to_first_post_after_read: false,
      topics_day: 0,
      topics_week: count,
      topics_month: count,
      topics_year: count,
      topics_all_time: count,
      is_uncategorized: c.id === 1,
      subcategory_ids: [],
      subcategory_list: null,
      uploaded_logo: null,
      uploaded_logo_dark: null,
      uploaded_background: null,
      uploaded_background_dark: null,
    };
  }

  const ACTIONS: Record<FakeReviewable['type'], string[]> = {
    ReviewableFlaggedPost: ['agree_and_keep', 'agree_and_hide', 'agree_and_delete', 'disagree', 'ignore_and_do_nothing'],
    ReviewableQueuedPost: ['approve_post', 'reject_post', 'delete_user'],
  };

  function wireReviewable(r: FakeReviewable): Record<string, unknown> {
    const p = r.targetId ? posts.get(r.targetId) : undefined;
    return {
      id: r.id,
      type: r.type,
      type_source: r.type,
      status: r.status === 'pending' ? 0 : 1,
      topic_id: r.topicId,
      topic_url: r.topicId ? `/t/${topics.get(r.topicId)?.slug}/${r.topicId}` : null,
      target_id: r.targetId,
      target_type: r.type === 'ReviewableFlaggedPost' ? 'Post' : null,
      target_created_by_id: p ? p.userId : null,
      created_by_id: r.createdById,
      created_at: iso(r.createdAt),
      version: r.version,
      score: r.flags.length * 5,
      can_edit: true,
      editable_fields: [],
      reviewable_scores: r.flags.map((f, i) => ({ id: i + 1, score: 5, user_id: f.userId, reviewable_score_type: f.typeId, status: 0 })),
      bundled_actions:
        r.status === 'pending'
          ? ACTIONS[r.type].map((a) => ({ id: a.split('_')[0], icon: 'check', label: a, actions: [{ id: a, label: a, icon: 'check' }] }))
          : [],
      ...(p ? { cooked: cook(p.raw), raw: p.raw, post_number: p.postNumber, reply_to_post_number: p.replyToPostNumber, post_version: p.version } : {}),
      ...(r.payload ? { payload: r.payload } : {}),
    };
  }
  function reviewSideLists(list: FakeReviewable[]) {
    const userIds = new Set<number>();
    const topicIds = new Set<number>();
    for (const r of list) {
      userIds.add(r.createdById);
      const p = r.targetId ? posts.get(r.targetId) : undefined;
      if (p) userIds.add(p.userId);
      for (const f of r.flags) userIds.add(f.userId);
      if (r.topicId) topicIds.add(r.topicId);
    }
    return {
      users: [...userIds].map((id) => users.get(id)!).map((u) => ({ id: u.id, username: u.username, name: u.name, avatar_template: avatar(u) })),
      topics: [...topicIds].map((id) => topics.get(id)!).map((t) => ({ id: t.id, title: t.title, fancy_title: escapeHtml(t.title), slug: t.slug, posts_count: [...posts.values()].filter((p) => p.topicId === t.id).length })),
    };
  }

  const error = (res: ServerResponse, status: number, errors: string[], errorType?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    sendJson(res, status, { errors, ...(errorType ? { error_type: errorType } : {}), ...extra }, headers);
  const invalidAccess = (res: ServerResponse) => error(res, 403, ['You are not permitted to view the requested resource.'], 'invalid_access');
  const notFound = (res: ServerResponse) => error(res, 404, ['The requested URL or resource could not be found.'], 'not_found');

  function wildcard(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(value);
  }

  /** Who the request acts as, or why not. */
  function authenticate(req: IncomingMessage): { user: FakeUser | null; limiterKey: string | null; limit: number | null } | 'invalid' {
    const userKey = req.headers['user-api-key'];
    const apiKey = req.headers['api-key'];
    if (typeof userKey === 'string') {
      const found = userKeys.find((k) => k.key === userKey && !k.revoked);
      const u = found ? users.get(found.userId) : undefined;
      if (!found || !u || suspended(u)) return 'invalid';
      return { user: u, limiterKey: `user:${userKey}`, limit: options.userApiReqsPerMinute ?? null };
    }
    if (typeof apiKey === 'string') {
      const name = String(req.headers['api-username'] ?? '').toLowerCase();
      const u = [...users.values()].find((x) => x.username.toLowerCase() === name);
      if (apiKey !== adminApiKey || !u || suspended(u)) return 'invalid';
      return { user: u, limiterKey: 'admin', limit: options.adminApiReqsPerMinute ?? null };
    }
    return { user: null, limiterKey: null, limit: null };
  }

  /** RateLimiter: the oldest request of the window says when the next one may come. */
  function limited(key: string, limit: number): number | null {
    const t = now();
    const list = (windows.get(key) ?? []).filter((at) => at > t - 60_000);
    if (list.length >= limit) {
      windows.set(key, list);
      return Math.max(1, Math.ceil((list[0]! + 60_000 - t) / 1000));
    }
    list.push(t);
    windows.set(key, list);
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = u.pathname;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of u.searchParams) {
      if (k.endsWith('[]')) query[k] = [...((query[k] as string[] | undefined) ?? []), v];
      else query[k] = v;
    }
    log.push({ method, path, query, at: now(), headers: { ...req.headers } });
    const fault = faults.take();
    if (fault) {
      answerWithFault(res, fault, {
        rateLimitHeaders: (resetAt) => ({ 'Retry-After': String(Math.max(0, Math.ceil((resetAt.getTime() - now()) / 1000))) }),
        errorBody: (status, message) =>
          status === 429
            ? { errors: ['You’ve performed this action too many times. Please wait a few seconds before trying again.'], error_type: 'rate_limit', extras: { wait_seconds: 0, time_left: 'a few seconds' } }
            : { errors: [message], error_type: 'server_error' },
      });
      return;
    }

    if (path === '/user-api-key/new') return userApiKeyNew(req, res, u, method);

    const auth = authenticate(req);
    if (auth === 'invalid') return invalidAccess(res);
    if (auth.limiterKey && auth.limit !== null) {
      const wait = limited(auth.limiterKey, auth.limit);
      if (wait !== null) {
        return error(res, 429, [`You’ve performed this action too many times. Please wait ${wait} seconds before trying again.`], 'rate_limit', { extras: { wait_seconds: wait, time_left: `${wait} seconds` } }, { 'Retry-After': String(wait) });
      }
    }
    const viewer = auth.user;
    if (path === '/session/current.json' && method === 'GET') {
      if (!viewer) return notFound(res);
      return sendJson(res, 200, { current_user: { id: viewer.id, username: viewer.username, name: viewer.name, avatar_template: avatar(viewer), admin: viewer.admin, moderator: viewer.moderator, staff: staff(viewer), trust_level: viewer.trustLevel } });
    }
    if (!viewer) {
      // Reading public lists needs no key; everything here acts for a user.
      if (path === '/posts.json' && method === 'GET') return latestPosts(res, u, null);
      return error(res, 403, ['You need to be logged in to do that.'], 'not_logged_in');
    }
    if (path === '/notifications.json' && method === 'GET') return listNotifications(res, u, viewer);
    if (path === '/posts.json' && method === 'GET') return latestPosts(res, u, viewer);
    if (path === '/posts.json' && method === 'POST') return create(req, res, viewer);
    if (path === '/post_actions.json' && method === 'POST') return postAction(req, res, viewer);
    if (path === '/latest.json' && method === 'GET') return latestTopics(res, u, viewer);
    if (path === '/categories.json' && method === 'GET') {
      return sendJson(res, 200, { category_list: { can_create_category: staff(viewer), can_create_topic: true, categories: categories.map((c) => wireCategory(c, viewer)) } });
    }
    let m = /^\/tag\/([^/]+)\.json$/.exec(path);
    if (m && method === 'GET') {
      const tag = decodeURIComponent(m[1]!).toLowerCase();
      const tagged = [...topics.values()].filter((t) => t.archetype === 'regular' && t.tags.includes(tag));
      if (!tagged.length && ![...topics.values()].some((t) => t.tags.includes(tag))) return notFound(res);
      return sendJson(res, 200, { users: [], primary_groups: [], topic_list: { can_create_topic: true, per_page: 30, top_tags: [], tags: [{ id: 1, name: tag, topic_count: tagged.length, staff: false }], topics: tagged.reverse().map((t) => ({ id: t.id, title: t.title, fancy_title: escapeHtml(t.title), slug: t.slug, posts_count: [...posts.values()].filter((p) => p.topicId === t.id).length, category_id: t.categoryId, tags: t.tags })) } });
    }
    m = /^\/t\/(\d+)\/posts\.json$/.exec(path);
    if (m && method === 'GET') {
      const t = topics.get(Number(m[1]));
      if (!t) return notFound(res);
      if (!canSeeTopic(t, viewer)) return invalidAccess(res);
      const ids = ((query['post_ids[]'] as string[] | undefined) ?? []).map(Number);
      const list = [...posts.values()].filter((p) => p.topicId === t.id && (ids.length ? ids.includes(p.id) : true) && canSeePost(p, viewer)).sort((a, b) => a.postNumber - b.postNumber);
      return sendJson(res, 200, { post_stream: { posts: list.map((p) => wirePost(p, viewer, 'topic')) }, id: t.id });
    }
    m = /^\/t\/(\d+)\.json$/.exec(path);
    if (m && method === 'GET') {
      const t = topics.get(Number(m[1]));
      if (!t) return notFound(res);
      if (!canSeeTopic(t, viewer)) return invalidAccess(res);
      const list = [...posts.values()].filter((p) => p.topicId === t.id && canSeePost(p, viewer)).sort((a, b) => a.postNumber - b.postNumber);
      return sendJson(res, 200, { id: t.id, title: t.title, fancy_title: escapeHtml(t.title), slug: t.slug, archetype: t.archetype, closed: t.closed, category_id: t.categoryId, tags: t.tags, posts_count: list.length, post_stream: { posts: list.slice(0, 20).map((p) => wirePost(p, viewer, 'topic')), stream: list.map((p) => p.id) } });
    }
    m = /^\/posts\/(\d+)\.json$/.exec(path);
    if (m) {
      const p = posts.get(Number(m[1]));
      if (!p || !canSeePost(p, viewer)) return p && topics.get(p.topicId)?.archetype === 'private_message' && p.deletedAt === null ? invalidAccess(res) : notFound(res);
      if (method === 'GET') return sendJson(res, 200, wirePost(p, viewer, 'show'));
      if (method === 'DELETE') {
        if (p.userId !== viewer.id && !staff(viewer)) return invalidAccess(res);
        if (p.deletedAt !== null || p.userDeleted) return invalidAccess(res);
        // PostDestroyer: staff delete; an author marks their post deleted (a stub until delete_removed_posts_after).
        if (staff(viewer)) p.deletedAt = now();
        else markDeletedByAuthor(p);
        res.writeHead(200, { 'Content-Length': '0' });
        res.end();
        return;
      }
    }
    m = /^\/posts\/(\d+)\/unhide$/.exec(path);
    if (m && method === 'PUT') {
      const p = posts.get(Number(m[1]));
      if (!p) return notFound(res);
      if (!staff(viewer)) return invalidAccess(res);
      p.hidden = false;
      return sendJson(res, 200, { success: 'OK' });
    }
    if (path === '/review.json' && method === 'GET') {
      if (!staff(viewer)) return invalidAccess(res);
      const status = String(query.status ?? 'pending');
      const list = [...reviewables.values()].filter((r) => status === 'all' || r.status === status).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
      const offset = Number(query.offset ?? 0) || 0;
      const page = list.slice(offset, offset + 50);
      return sendJson(res, 200, {
        reviewables: page.map(wireReviewable),
        ...reviewSideLists(page),
        meta: { total_rows_reviewables: list.length, types: { flagged_post: 'ReviewableFlaggedPost', queued_post: 'ReviewableQueuedPost' }, ...(offset + 50 < list.length ? { load_more_reviewables: `/review.json?offset=${offset + 50}&status=${status}` } : {}) },
      });
    }
    m = /^\/review\/(\d+)\.json$/.exec(path);
    if (m && method === 'GET') {
      if (!staff(viewer)) return invalidAccess(res);
      const r = reviewables.get(Number(m[1]));
      if (!r) return notFound(res);
      return sendJson(res, 200, { reviewable: wireReviewable(r), ...reviewSideLists([r]) });
    }
    m = /^\/review\/(\d+)\/perform\/([a-z_]+)$/.exec(path);
    if (m && method === 'PUT') return perform(res, viewer, Number(m[1]), m[2]!, Number(query.version));
    m = /^\/admin\/users\/(\d+)\/(silence|suspend|unsilence|unsuspend)\.json$/.exec(path);
    if (m && method === 'PUT') {
      // Admin routes are behind StaffConstraint: others get a 404.
      if (!staff(viewer)) return notFound(res);
      const target = users.get(Number(m[1]));
      if (!target) return notFound(res);
      if (staff(target)) return error(res, 403, ['You can’t do that to staff.'], 'invalid_access');
      const body = ((await readBody(req)).json ?? {}) as Record<string, unknown>;
      remember(body);
      switch (m[2]) {
        case 'silence':
          target.silencedTill = String(body.silenced_till ?? iso(now() + 100 * 365 * 86_400_000));
          target.silenceReason = String(body.reason ?? '');
          return sendJson(res, 200, { silence: { silenced: true, silence_reason: target.silenceReason, full_silence_reason: target.silenceReason, silenced_till: target.silencedTill, silenced_at: iso(now()), silenced_by: { id: viewer.id, username: viewer.username, name: viewer.name, avatar_template: avatar(viewer) } } });
        case 'suspend':
          if (!body.suspend_until || !body.reason) return error(res, 400, ['param is missing or the value is empty: suspend_until, reason'], 'invalid_parameters');
          target.suspendedTill = String(body.suspend_until);
          target.suspendReason = String(body.reason);
          return sendJson(res, 200, { suspension: { suspend_reason: target.suspendReason, full_suspend_reason: target.suspendReason, suspended_till: target.suspendedTill, suspended_at: iso(now()), suspended_by: { id: viewer.id, username: viewer.username, name: viewer.name, avatar_template: avatar(viewer) } } });
        case 'unsilence':
          target.silencedTill = null;
          return sendJson(res, 200, { unsilence: { silenced: false } });
        default:
          target.suspendedTill = null;
          return sendJson(res, 200, { suspension: { suspended_till: null, suspended_at: null } });
      }
    }
    notFound(res);
  }

  function userApiKeyNew(req: IncomingMessage, res: ServerResponse, u: URL, method: string): void {
    if (method === 'HEAD') {
      res.writeHead(200, { 'Auth-Api-Version': '4' });
      res.end();
      return;
    }
    const p = (name: string) => u.searchParams.get(name);
    for (const name of ['public_key', 'nonce', 'scopes', 'client_id', 'application_name']) {
      if (!p(name)) return void error(res, 400, [`param is missing or the value is empty: ${name}`], 'invalid_parameters');
    }
    const scopes = p('scopes')!.split(',');
    const redirect = p('auth_redirect');
    if (scopes.some((s) => !allowedScopes.has(s)) || (redirect !== null && !allowedRedirects.some((pattern) => wildcard(pattern, redirect)))) {
      res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<p>Oops! That page doesn’t exist or is private.</p>');
      return;
    }
    // The signed-in user approves at once; old keys of the same client id are destroyed.
    for (let i = userKeys.length - 1; i >= 0; i--) if (userKeys[i]!.userId === me.id && userKeys[i]!.clientId === p('client_id')) userKeys.splice(i, 1);
    const key = randomBytes(16).toString('hex');
    userKeys.push({ key, clientId: p('client_id')!, userId: me.id, scopes, revoked: false });
    let encrypted: Buffer;
    try {
      encrypted = publicEncrypt({ key: p('public_key')!, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(JSON.stringify({ key, nonce: p('nonce'), push: false, api: 4 })));
    } catch {
      return void error(res, 500, ['the public key does not parse'], 'server_error');
    }
    // Ruby's Base64.encode64 breaks lines every 60 characters.
    const payload = encrypted.toString('base64').replace(/(.{60})/g, '$1\n') + '\n';
    if (!redirect) return void sendJson(res, 200, { payload, instructions: 'Paste this into Parvis.' });
    const target = new URL(redirect);
    target.searchParams.append('payload', payload);
    res.writeHead(302, { Location: target.toString() });
    res.end();
    void req;
  }

  function listNotifications(res: ServerResponse, u: URL, viewer: FakeUser): void {
    const limitParam = Number(u.searchParams.get('limit') ?? 30);
    const limit = Math.min(60, Math.max(1, Number.isFinite(limitParam) ? limitParam : 30));
    const offset = Math.max(0, Number(u.searchParams.get('offset') ?? 0) || 0);
    const mine = notifications.filter((n) => n.userId === viewer.id).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
    const page = mine.slice(offset, offset + limit);
    sendJson(res, 200, {
      notifications: page.map((n) => {
        const p = posts.get(n.postId);
        const t = topics.get(n.topicId);
        const actor = users.get(n.actorId);
        return {
          id: n.id,
          user_id: n.userId,
          notification_type: n.type,
          read: n.read,
          high_priority: n.type === NOTIFICATION.private_message,
          created_at: iso(n.createdAt),
          post_number: n.postNumber,
          topic_id: n.topicId,
          fancy_title: t ? escapeHtml(t.title) : null,
          slug: t?.slug ?? null,
          data: { topic_title: t?.title ?? '', original_post_id: p?.id ?? n.postId, original_post_type: 1, original_username: actor?.username ?? '', revision_number: null, display_username: actor?.username ?? '' },
        };
      }),
      total_rows_notifications: mine.length,
      seen_notification_id: 0,
      load_more_notifications: `/notifications?offset=${offset + limit}&username=${viewer.username}`,
    });
  }

  function latestPosts(res: ServerResponse, u: URL, viewer: FakeUser | null): void {
    const before = Number(u.searchParams.get('before') ?? 0);
    const anon: FakeUser = { ...me, id: -1, admin: false, moderator: false };
    const who = viewer ?? anon;
    const list = [...posts.values()]
      .filter((p) => topics.get(p.topicId)?.archetype === 'regular' && p.postType === 1 && p.deletedAt === null && (!p.hidden || staff(who)))
      .filter((p) => !(before > 0) || p.id < before)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      .slice(0, 50);
    sendJson(res, 200, { latest_posts: list.map((p) => wirePost(p, who, 'latest')) });
  }

  /** TopicQuery#list_latest: visible public topics, by `bumped_at` (order=activity, the default), 30 a page. */
  function latestTopics(res: ServerResponse, u: URL, viewer: FakeUser): void {
    const perPage = Math.min(100, Math.max(1, Number(u.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(0, Number(u.searchParams.get('page') ?? 0) || 0);
    const order = u.searchParams.get('order') ?? 'activity';
    const key = (t: FakeTopic) => (order === 'created' ? t.createdAt : t.bumpedAt);
    const all = [...topics.values()].filter((t) => t.archetype === 'regular').sort((a, b) => key(b) - key(a) || b.id - a.id);
    const list = all.slice(page * perPage, page * perPage + perPage);
    const live = (t: FakeTopic) => [...posts.values()].filter((p) => p.topicId === t.id && p.deletedAt === null).sort((a, b) => a.postNumber - b.postNumber);
    sendJson(res, 200, {
      users: [],
      primary_groups: [],
      topic_list: {
        can_create_topic: true,
        per_page: perPage,
        ...(all.length > (page + 1) * perPage ? { more_topics_url: `/latest?page=${page + 1}` } : {}),
        topics: list.map((t) => {
          const ps = live(t);
          const last = ps.at(-1);
          return {
            id: t.id,
            title: t.title,
            fancy_title: escapeHtml(t.title),
            slug: t.slug,
            posts_count: ps.length,
            reply_count: Math.max(0, ps.length - 1),
            highest_post_number: last?.postNumber ?? 0,
            created_at: iso(t.createdAt),
            last_posted_at: iso(last?.createdAt ?? t.createdAt),
            bumped: t.bumpedAt > t.createdAt,
            bumped_at: iso(t.bumpedAt),
            archetype: t.archetype,
            unseen: false,
            pinned: false,
            unpinned: null,
            visible: true,
            closed: t.closed,
            archived: false,
            bookmarked: false,
            liked: false,
            views: 1,
            like_count: 0,
            has_summary: false,
            last_poster_username: last ? (users.get(last.userId)?.username ?? '') : '',
            category_id: t.categoryId,
            pinned_globally: false,
            featured_link: null,
            posters: [],
          };
        }),
      },
    });
    void viewer;
  }

  function markDeletedByAuthor(p: FakePost): void {
    revise(p, DELETED_BY_AUTHOR, users.get(p.userId)!, true);
    p.userDeleted = true;
  }

  /** PostRevisor#revise!, in short: see `DiscourseControl.edit`. */
  function revise(p: FakePost, raw: string, editor: FakeUser, force = false): void {
    const t = now();
    const maxDiff = staff(editor) || editor.trustLevel > 1 ? GRACE_MAX_DIFF_HIGH_TRUST : GRACE_MAX_DIFF;
    let common = 0;
    while (common < p.raw.length && common < raw.length && p.raw[common] === raw[common]) common++;
    let tail = 0;
    while (tail < p.raw.length - common && tail < raw.length - common && p.raw[p.raw.length - 1 - tail] === raw[raw.length - 1 - tail]) tail++;
    const diff = p.raw.length - common - tail + (raw.length - common - tail);
    const ninja = !force && p.lastEditorId === editor.id && t - p.lastVersionAt <= EDITING_GRACE_MS && diff <= maxDiff;
    p.raw = raw;
    p.updatedAt = t;
    p.lastEditorId = editor.id;
    if (ninja) return;
    p.version++;
    p.lastVersionAt = t;
    const topic = topics.get(p.topicId);
    const isLast = ![...posts.values()].some((x) => x.topicId === p.topicId && x.deletedAt === null && x.postNumber > p.postNumber);
    if (topic && isLast && p.postType === 1) topic.bumpedAt = t;
  }

  async function create(req: IncomingMessage, res: ServerResponse, viewer: FakeUser): Promise<void> {
    const body = (await readBody(req)).json as Record<string, unknown> | undefined;
    remember(body);
    const signature = JSON.stringify([viewer.id, body]);
    const seen = memo.get(signature);
    // PostsController#create memoizes API creates for 120 s: the same request answers the same post.
    if (seen && now() - seen.at < API_CREATE_MEMO_MS) return sendJson(res, 200, seen.body);
    const raw = String(body?.raw ?? '').trim();
    const topic = topics.get(Number(body?.topic_id));
    if (!topic) return error(res, 422, ['Topic is not found']);
    if (!canSeeTopic(topic, viewer)) return invalidAccess(res);
    if (topic.closed && !staff(viewer)) return error(res, 403, ['You are not permitted to view the requested resource.'], 'invalid_access');
    if (viewer.silencedTill && Date.parse(viewer.silencedTill) > now()) return invalidAccess(res);
    if (raw.length < MIN_POST_LENGTH) return error(res, 422, [`Body is too short (minimum is ${MIN_POST_LENGTH} characters)`]);
    const recent = [...posts.values()].some((p) => p.topicId === topic.id && p.userId === viewer.id && p.raw.trim() === raw && now() - p.createdAt < UNIQUE_POSTS_MS);
    if (recent) return error(res, 422, ['Body is too similar to what you recently posted']);
    const replyTo = body?.reply_to_post_number === undefined || body.reply_to_post_number === null ? null : Number(body.reply_to_post_number);
    const target = replyTo ? [...posts.values()].find((p) => p.topicId === topic.id && p.postNumber === replyTo) : null;
    const p = createPost({ topicId: topic.id, userId: viewer.id, raw, replyToPostNumber: target ? replyTo : null });
    const answer = wirePost(p, viewer, 'create');
    memo.set(signature, { at: now(), body: answer });
    sendJson(res, 200, answer);
  }

  async function postAction(req: IncomingMessage, res: ServerResponse, viewer: FakeUser): Promise<void> {
    const body = ((await readBody(req)).json ?? {}) as Record<string, unknown>;
    remember(body);
    const p = posts.get(Number(body.id));
    if (!p || !canSeePost(p, viewer)) return notFound(res);
    const typeId = Number(body.post_action_type_id);
    if (![2, 3, 4, 6, 7, 8].includes(typeId)) return error(res, 400, ['post_action_type_id is invalid'], 'invalid_parameters');
    if (p.userId === viewer.id && typeId !== 2) return invalidAccess(res);
    const r = p.reviewableId ? reviewables.get(p.reviewableId) : undefined;
    if (r?.status === 'pending' && r.flags.some((f) => f.userId === viewer.id)) return error(res, 403, ['You have already flagged this post.'], 'invalid_access');
    if (typeId !== 2) openFlag(p, viewer, typeId);
    sendJson(res, 200, { ...wirePost(p, viewer, 'show'), flair_group_id: null, badges_granted: [], reviewable_id: p.reviewableId });
  }

  function perform(res: ServerResponse, viewer: FakeUser, id: number, action: string, version: number): void {
    if (!staff(viewer)) return invalidAccess(res);
    const r = reviewables.get(id);
    if (!r) return notFound(res);
    if (!Number.isFinite(version) || version !== r.version) return error(res, 409, ['The reviewable was updated by someone else; refresh it and try again.'], 'conflict');
    if (r.status !== 'pending' || !ACTIONS[r.type].includes(action)) return invalidAccess(res);
    const p = r.targetId ? posts.get(r.targetId) : undefined;
    switch (action) {
      case 'approve_post': {
        const made = r.topicId
          ? createPost({ topicId: r.topicId, userId: r.createdById, raw: r.payload!.raw, replyToPostNumber: r.payload?.reply_to_post_number ?? null })
          : createTopic({ title: r.payload?.title ?? 'Untitled', userId: r.createdById, raw: r.payload!.raw }).post;
        r.targetId = made.id;
        r.topicId = made.topicId;
        r.status = 'approved';
        break;
      }
      case 'reject_post':
      case 'delete_user':
        r.status = 'rejected';
        break;
      case 'agree_and_hide':
        if (p) p.hidden = true;
        r.status = 'approved';
        break;
      case 'agree_and_delete':
        if (p) p.deletedAt = now();
        r.status = 'approved';
        break;
      case 'agree_and_keep':
        r.status = 'approved';
        break;
      case 'disagree':
        if (p) p.hidden = false;
        r.status = 'rejected';
        break;
      default:
        r.status = 'ignored';
    }
    r.version++;
    sendJson(res, 200, { reviewable_perform_result: { success: true, transition_to: r.status, transition_to_id: r.status === 'approved' ? 1 : 2, created_post_id: r.type === 'ReviewableQueuedPost' ? r.targetId : null, version: r.version, reviewable_count: [...reviewables.values()].filter((x) => x.status === 'pending').length } });
  }

  const server = await startLocalServer(handle);
  url = server.url;

  const must = (id: number) => {
    const p = posts.get(id);
    if (!p) throw new Error(`no post ${id}`);
    return p;
  };
  const control: DiscourseControl = {
    me,
    adminApiKey,
    user: (input) => addUser(input),
    category(input) {
      const c = { id: categories.length + 1, slug: input.slug, name: input.name };
      categories.push(c);
      return c;
    },
    topic: (input) => createTopic({ title: input.title, userId: input.by.id, raw: input.raw, categoryId: input.categoryId, tags: input.tags, privateTo: input.privateTo?.map((x) => x.id) }),
    reply: (input) => createPost({ topicId: input.topicId, userId: input.by.id, raw: input.raw, replyToPostNumber: input.replyToPostNumber, at: input.at }),
    queue(input) {
      const r: FakeReviewable = {
        id: nextReviewable++,
        type: 'ReviewableQueuedPost',
        status: 'pending',
        topicId: input.topicId,
        targetId: null,
        createdById: input.by.id,
        createdAt: now(),
        version: 0,
        payload: { raw: input.raw, ...(input.title ? { title: input.title } : {}), reply_to_post_number: input.replyToPostNumber ?? null },
        flags: [],
      };
      reviewables.set(r.id, r);
      return r;
    },
    flag: (postId, by, typeId = 8) => openFlag(must(postId), by, typeId),
    edit(postId, raw, by) {
      const p = must(postId);
      revise(p, raw, by ?? users.get(p.userId)!);
    },
    deletePost: (postId) => void (must(postId).deletedAt = now()),
    userDeletePost: (postId) => markDeletedByAuthor(must(postId)),
    movePost(postId, topicId) {
      const p = must(postId);
      const target = topics.get(topicId);
      if (!target) throw new Error(`no topic ${topicId}`);
      p.topicId = topicId;
      p.postNumber = [...posts.values()].filter((x) => x.topicId === topicId && x !== p).reduce((m, x) => Math.max(m, x.postNumber), 0) + 1;
      target.bumpedAt = Math.max(target.bumpedAt, now());
    },
    closeTopic(topicId) {
      const t = topics.get(topicId);
      if (t) t.closed = true;
    },
    post: (id) => posts.get(id),
    posts: () => [...posts.values()],
    topicOf: (id) => topics.get(id),
    reviewable: (id) => reviewables.get(id),
    reviewables: () => [...reviewables.values()],
    userById: (id) => users.get(id),
    revokeKeys: () => userKeys.forEach((k) => (k.revoked = true)),
    keys: () => userKeys.map((k) => ({ ...k })),
    issueKey(user, clientId = `other-${randomBytes(4).toString('hex')}`) {
      const key = randomBytes(16).toString('hex');
      userKeys.push({ key, clientId, userId: user.id, scopes: ['read', 'write'], revoked: false });
      return { key, clientId };
    },
    fail: (fault, count = 1) => faults.add(fault, count),
    requests: () => [...log],
  };
  return { url, control, close: server.close };
}
