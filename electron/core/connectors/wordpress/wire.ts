/**
 * WordPress's REST API wire format (https://developer.wordpress.org/rest-api/reference/comments/,
 * /users/, and the embedded post): the parts this connector reads, as zod schemas. Answers are
 * untrusted: every object is parsed here before use; what the inbox cannot do without is
 * required, the rest is defaulted, unknown fields are ignored (plugins add many).
 */
import { z } from 'zod';

const OptionalString = z.string().optional().catch(undefined);

/** The statuses a comment has in `context=edit` (WordPress's words, not the query's). */
export const COMMENT_STATUSES = ['approved', 'hold', 'spam', 'trash'] as const;

/** A post as `_embed=up` embeds it (context `embed`: id, title, link, type). */
export const WireEmbeddedPost = z.object({
  id: z.number().int(),
  link: OptionalString,
  type: OptionalString,
  title: z.object({ rendered: z.string().catch('') }).optional().catch(undefined),
});
export type WireEmbeddedPost = z.infer<typeof WireEmbeddedPost>;

/** https://developer.wordpress.org/rest-api/reference/comments/#schema, `context=edit`. */
export const WireComment = z.object({
  id: z.number().int().positive(),
  post: z.number().int().nonnegative(),
  parent: z.number().int().nonnegative().catch(0),
  /** The user id of a logged-in commenter, 0 for a visitor. */
  author: z.number().int().nonnegative().catch(0),
  author_name: z.string().catch(''),
  author_email: OptionalString,
  author_url: OptionalString,
  /** GMT, without an offset: "2026-12-07T21:07:43". */
  date_gmt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
  content: z.object({ rendered: z.string().catch(''), raw: OptionalString }),
  link: OptionalString,
  status: z.string(),
  type: z.string().catch('comment'),
  author_avatar_urls: z.record(z.string(), z.string()).optional().catch(undefined),
  _embedded: z
    .object({ up: z.array(z.unknown()).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});
export type WireComment = z.infer<typeof WireComment>;

/** https://developer.wordpress.org/rest-api/reference/users/#retrieve-a-user-2 (`/users/me`, `context=edit`). */
export const WireUser = z.object({
  id: z.number().int().positive(),
  name: z.string().catch(''),
  slug: z.string().catch(''),
  username: OptionalString,
  link: OptionalString,
  avatar_urls: z.record(z.string(), z.string()).optional().catch(undefined),
  capabilities: z.record(z.string(), z.boolean()).optional().catch(undefined),
});
export type WireUser = z.infer<typeof WireUser>;

/** A REST error body: `{ code, message, data: { status } }`. */
export const WireError = z.object({ code: z.string(), message: z.string().catch('') });

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** The statuses a post has in `context=edit` that Parvis reads (WordPress's words). */
export const POST_STATUSES = ['publish', 'future', 'draft', 'pending', 'private', 'trash'] as const;

/** https://developer.wordpress.org/rest-api/reference/posts/#schema, `context=edit`: what publishing reads. */
export const WirePost = z.object({
  id: z.number().int().positive(),
  /** GMT, without an offset: "2026-12-08T10:00:00". */
  date_gmt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
  slug: z.string().catch(''),
  status: z.string(),
  link: OptionalString,
});
export type WirePost = z.infer<typeof WirePost>;
