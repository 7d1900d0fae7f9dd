/**
 * Reddit wire objects (https://www.reddit.com/dev/api), checked with zod. Never exported past this
 * folder. Reddit wraps every object as a "thing" `{ kind, data }`; lists are Listings
 * `{ kind: 'Listing', data: { children, after, before } }`.
 */
import { z } from 'zod';

const Base36 = z.string().regex(/^[0-9a-z]{1,13}$/);

/** A comment (t1), as listed in a subreddit, the modqueue or the inbox. */
export const WireComment = z.object({
  id: Base36,
  name: z.string().regex(/^t1_[0-9a-z]+$/),
  author: z.string(),
  body: z.string(),
  body_html: z.string().nullable().optional(),
  created_utc: z.number(),
  subreddit: z.string().optional(),
  /** Listings: the post and the parent. The inbox has `context` and `parent_id` instead of `link_id`. */
  link_id: z.string().optional(),
  parent_id: z.string().nullable().optional(),
  link_title: z.string().optional(),
  permalink: z.string().optional(),
  context: z.string().optional(),
  /** Inbox: comment_reply, post_reply, username_mention. */
  type: z.string().optional(),
  edited: z.union([z.boolean(), z.number()]).optional(),
  removed: z.boolean().optional(),
  spam: z.boolean().optional(),
  locked: z.boolean().optional(),
  num_reports: z.number().nullable().optional(),
  user_reports: z.array(z.array(z.unknown())).optional(),
  mod_reports: z.array(z.array(z.unknown())).optional(),
});
export type WireComment = z.infer<typeof WireComment>;

/** A post (t3): a submission, in the modqueue. */
export const WirePost = z.object({
  id: Base36,
  name: z.string().regex(/^t3_[0-9a-z]+$/),
  author: z.string(),
  title: z.string(),
  selftext: z.string().optional(),
  url: z.string().optional(),
  created_utc: z.number(),
  subreddit: z.string(),
  permalink: z.string(),
  edited: z.union([z.boolean(), z.number()]).optional(),
  locked: z.boolean().optional(),
  num_reports: z.number().nullable().optional(),
  user_reports: z.array(z.array(z.unknown())).optional(),
  mod_reports: z.array(z.array(z.unknown())).optional(),
});
export type WirePost = z.infer<typeof WirePost>;

/** A private message (t4). */
export const WireMessage = z.object({
  id: Base36,
  name: z.string().regex(/^t4_[0-9a-z]+$/),
  author: z.string().nullable(),
  body: z.string(),
  subject: z.string().optional(),
  created_utc: z.number(),
  first_message_name: z.string().nullable().optional(),
  dest: z.string().optional(),
});
export type WireMessage = z.infer<typeof WireMessage>;

export const WireThing = z.object({ kind: z.string(), data: z.unknown() });

export const WireListing = z.object({
  kind: z.literal('Listing'),
  data: z.object({ children: z.array(z.unknown()), after: z.string().nullable().optional(), before: z.string().nullable().optional() }),
});
export type WireListing = z.infer<typeof WireListing>;

/** `GET /api/v1/me`. */
export const WireMe = z.object({ id: Base36, name: z.string().min(1), icon_img: z.string().optional() });

/** `POST /api/comment` with `api_type=json`. */
export const WireCommentAnswer = z.object({
  json: z.object({
    errors: z.array(z.array(z.unknown())),
    data: z.object({ things: z.array(WireThing) }).optional(),
  }),
});

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
