/**
 * X API v2 wire objects, as the API sends them (docs.x.com data dictionary), checked with zod.
 * Never exported past this folder.
 *
 * Naming: X's reference pages and the live API say `referenced_tweets`, `includes.tweets` and
 * `edit_history_tweet_ids`; the OpenAPI file X's SDK generator pins (2.167) renames them
 * `referenced_posts`, `includes.posts`, `edit_history_post_ids`. Both spellings are read here.
 */
import { z } from 'zod';

/** A user object with the fields Parvis asks for (`user.fields=username,name,profile_image_url`). */
export const WireUser = z.object({
  id: z.string().regex(/^\d{1,19}$/),
  name: z.string(),
  username: z.string().min(1),
  profile_image_url: z.string().optional(),
});
export type WireUser = z.infer<typeof WireUser>;

const WireReference = z.object({ type: z.string(), id: z.string().regex(/^\d{1,19}$/) });

/** A post (tweet) with `tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets`. */
export const WirePost = z
  .object({
    id: z.string().regex(/^\d{1,19}$/),
    text: z.string(),
    author_id: z.string().regex(/^\d{1,19}$/),
    created_at: z.iso.datetime({ offset: true }),
    conversation_id: z.string().regex(/^\d{1,19}$/).optional(),
    in_reply_to_user_id: z.string().optional(),
    referenced_tweets: z.array(WireReference).optional(),
    referenced_posts: z.array(WireReference).optional(),
    edit_history_tweet_ids: z.array(z.string()).optional(),
    edit_history_post_ids: z.array(z.string()).optional(),
  })
  .transform((p) => ({
    id: p.id,
    text: p.text,
    authorId: p.author_id,
    createdAt: Date.parse(p.created_at),
    conversationId: p.conversation_id ?? p.id,
    inReplyToUserId: p.in_reply_to_user_id ?? null,
    references: p.referenced_tweets ?? p.referenced_posts ?? [],
    editHistory: p.edit_history_tweet_ids ?? p.edit_history_post_ids ?? [p.id],
  }));
export type WirePost = z.output<typeof WirePost>;

/** A direct-message event (`dm_event.fields=id,text,event_type,created_at,sender_id,dm_conversation_id`). */
export const WireDmEvent = z.object({
  id: z.string().regex(/^\d{1,19}$/),
  event_type: z.string(),
  text: z.string().optional(),
  sender_id: z.string().regex(/^\d{1,19}$/).optional(),
  dm_conversation_id: z.string().min(1).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
});
export type WireDmEvent = z.infer<typeof WireDmEvent>;

/** Expanded objects; each list is kept raw and parsed item by item (one bad object spoils nothing). */
export const WireIncludes = z
  .object({
    users: z.array(z.unknown()).optional(),
    tweets: z.array(z.unknown()).optional(),
    posts: z.array(z.unknown()).optional(),
  })
  .optional();

/** A list answer (`/2/users/:id/mentions`, `/2/dm_events`): items kept raw, parsed one by one. */
export const WireListPage = z.object({
  data: z.array(z.unknown()).optional(),
  includes: WireIncludes,
  meta: z
    .object({
      result_count: z.number().int().optional(),
      newest_id: z.string().optional(),
      oldest_id: z.string().optional(),
      next_token: z.string().optional(),
    })
    .optional(),
  errors: z.array(z.unknown()).optional(),
});
export type WireListPage = z.infer<typeof WireListPage>;

/** `GET /2/users/me`. */
export const WireMe = z.object({ data: WireUser });

/** `POST /2/tweets` (201). */
export const WireCreatedPost = z.object({ data: z.object({ id: z.string().regex(/^\d{1,19}$/), text: z.string() }) });

/** `POST /2/dm_conversations/:id/messages` (201). */
export const WireCreatedDm = z.object({ data: z.object({ dm_conversation_id: z.string(), dm_event_id: z.string().regex(/^\d{1,19}$/) }) });

/** The first few issues of a failed parse, in one line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
