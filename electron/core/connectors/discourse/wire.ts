/**
 * Discourse's JSON API wire format (https://docs.discourse.org, the official OpenAPI description,
 * and the controllers it leaves out: /review.json, /session/current.json): the parts this
 * connector reads, as zod schemas. Answers are untrusted: each item is parsed before use, what the
 * inbox cannot do without is required, the rest defaulted; unknown fields are ignored.
 */
import { z } from 'zod';

const OptString = z.string().nullish().catch(null);
const OptInt = z.number().int().nullish().catch(null);

/**
 * Notification types (Notification.types in Discourse) the inbox takes: someone mentioned,
 * answered or quoted the user, wrote in a private message, or posted in something watched.
 */
export const NOTIFICATION_TYPES = {
  mentioned: 1,
  replied: 2,
  quoted: 3,
  private_message: 6,
  posted: 9,
  group_mentioned: 15,
  watching_first_post: 17,
} as const;

/** GET /notifications.json: newest first. */
export const WireNotification = z.object({
  id: z.number().int().positive(),
  notification_type: z.number().int(),
  created_at: z.string(),
  topic_id: OptInt,
  post_number: OptInt,
  data: z
    .object({
      original_post_id: z.union([z.number(), z.string()]).nullish().catch(null),
      topic_title: OptString,
      display_username: OptString,
      original_username: OptString,
    })
    .passthrough()
    .catch({ original_post_id: null, topic_title: null, display_username: null, original_username: null }),
});
export type WireNotification = z.infer<typeof WireNotification>;

export const WireNotificationList = z.object({
  notifications: z.array(z.unknown()),
  total_rows_notifications: z.number().int().optional().catch(undefined),
  load_more_notifications: OptString,
});

/** A post as /posts.json, /posts/{id}.json and /t/{id}/posts.json give it. */
export const WirePost = z.object({
  id: z.number().int().positive(),
  username: z.string(),
  name: OptString,
  avatar_template: OptString,
  created_at: z.string(),
  updated_at: OptString,
  cooked: z.string(),
  raw: OptString,
  post_number: z.number().int().positive(),
  /** 1 regular, 2 moderator action, 3 small action, 4 whisper. */
  post_type: z.number().int().catch(1),
  /** Discourse sends a number (the OpenAPI file says string): both are read. */
  reply_to_post_number: z.union([z.number(), z.string()]).nullish().catch(null),
  topic_id: z.number().int().positive(),
  topic_slug: OptString,
  topic_title: OptString,
  category_id: OptInt,
  user_id: z.number().int(),
  hidden: z.boolean().catch(false),
  deleted_at: OptString,
  /** The author deleted it: its text is now "(post deleted by author)" until the stub goes (PostDestroyer#mark_for_deletion). */
  user_deleted: z.boolean().catch(false),
  /** Hidden and the viewer is not staff: `cooked` is a placeholder, not the post (BasicPostSerializer). */
  cooked_hidden: z.boolean().optional().catch(undefined),
  version: z.number().int().catch(1),
  yours: z.boolean().optional().catch(undefined),
  reviewable_id: OptInt,
});
export type WirePost = z.infer<typeof WirePost>;

export const WireTopicPosts = z.object({ post_stream: z.object({ posts: z.array(z.unknown()) }) });

/** GET /t/{id}.json: the topic's title, archetype and the ids of all its posts. */
export const WireTopic = z.object({
  id: z.number().int(),
  title: z.string().catch(''),
  archetype: z.string().catch('regular'),
  slug: OptString,
  post_stream: z.object({ stream: z.array(z.number().int()).catch([]), posts: z.array(z.unknown()).catch([]) }),
});
export type WireTopic = z.infer<typeof WireTopic>;

/** GET /session/current.json and /u/{username}.json: who the key acts as. */
export const WireCurrentUser = z.object({
  id: z.number().int(),
  username: z.string(),
  name: OptString,
  avatar_template: OptString,
  admin: z.boolean().catch(false),
  moderator: z.boolean().catch(false),
});
export type WireCurrentUser = z.infer<typeof WireCurrentUser>;

/** A reviewable of GET /review.json (ReviewableSerializer and its subclasses). */
export const WireReviewable = z.object({
  id: z.number().int().positive(),
  type: z.string(),
  topic_id: OptInt,
  target_id: OptInt,
  target_created_by_id: OptInt,
  created_by_id: OptInt,
  created_at: z.string(),
  version: z.number().int().catch(0),
  /** A flagged post's text (target attributes of ReviewableFlaggedPostSerializer). */
  cooked: OptString,
  raw: OptString,
  post_number: OptInt,
  reply_to_post_number: OptInt,
  /** A queued post's text and topic (ReviewableQueuedPost's payload). */
  payload: z
    .object({ raw: OptString, title: OptString, reply_to_post_number: OptInt })
    .passthrough()
    .nullish()
    .catch(null),
  bundled_actions: z
    .array(z.object({ id: z.string(), actions: z.array(z.object({ id: z.string() }).passthrough()).catch([]) }).passthrough())
    .catch([]),
});
export type WireReviewable = z.infer<typeof WireReviewable>;

export const WireReviewList = z.object({
  reviewables: z.array(z.unknown()),
  users: z.array(z.object({ id: z.number().int(), username: z.string(), name: OptString, avatar_template: OptString }).passthrough()).catch([]),
  topics: z.array(z.object({ id: z.number().int(), title: z.string().catch(''), slug: OptString }).passthrough()).catch([]),
  meta: z.object({ total_rows_reviewables: OptInt, load_more_reviewables: OptString }).passthrough().catch({ total_rows_reviewables: null, load_more_reviewables: null }),
});
export type WireReviewList = z.infer<typeof WireReviewList>;

/** Discourse's error body: `{ errors: [...], error_type }`, `extras.wait_seconds` on a 429. */
export const WireError = z.object({
  errors: z.array(z.string()).catch([]),
  error_type: OptString,
  extras: z.object({ wait_seconds: z.number().nullish() }).passthrough().nullish().catch(null),
});

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
