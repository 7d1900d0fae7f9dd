/**
 * YouTube Data API v3 wire shapes (the Discovery document's `Comment`, `CommentThread`,
 * `Channel`, `Video` and their list responses), as zod schemas: what the connector reads is
 * checked here, item by item, so one broken item never stops the rest of a page.
 * Only the fields Parvis uses are declared; unknown fields are dropped. Used inside this folder only.
 */
import { z } from 'zod';

/** RFC 3339 date-time as the API sends it ("2026-11-24T10:15:30Z", fractions and offsets allowed). */
const DateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'not an RFC 3339 date-time')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date');

export const WireCommentSnippet = z
  .object({
    authorDisplayName: z.string(),
    authorProfileImageUrl: z.string().optional(),
    authorChannelUrl: z.string().optional(),
    authorChannelId: z.object({ value: z.string().min(1) }).optional(),
    channelId: z.string().optional(),
    videoId: z.string().optional(),
    postId: z.string().optional(),
    textDisplay: z.string().optional(),
    textOriginal: z.string().optional(),
    parentId: z.string().optional(),
    likeCount: z.number().int().nonnegative().optional(),
    moderationStatus: z.string().optional(),
    publishedAt: DateTime,
    updatedAt: DateTime.optional(),
  })
  .refine((s) => s.textDisplay !== undefined || s.textOriginal !== undefined, 'the comment has no text');
export type WireCommentSnippet = z.infer<typeof WireCommentSnippet>;

/** A `youtube#comment` resource. */
export const WireComment = z.object({
  id: z.string().min(1),
  snippet: WireCommentSnippet,
});
export type WireComment = z.infer<typeof WireComment>;

/**
 * A `youtube#commentThread` resource. Replies stay `unknown` here so that each one is checked on
 * its own (a broken reply is skipped, its thread kept).
 */
export const WireCommentThread = z.object({
  id: z.string().min(1),
  snippet: z.object({
    channelId: z.string().optional(),
    videoId: z.string().optional(),
    postId: z.string().optional(),
    topLevelComment: WireComment,
    totalReplyCount: z.number().int().nonnegative().default(0),
    canReply: z.boolean().optional(),
    isPublic: z.boolean().optional(),
  }),
  replies: z.object({ comments: z.array(z.unknown()).default([]) }).optional(),
});
export type WireCommentThread = z.infer<typeof WireCommentThread>;

/** Any `*ListResponse`: the items stay `unknown` until checked one by one. */
export const WireListResponse = z.object({
  items: z.array(z.unknown()).default([]),
  nextPageToken: z.string().min(1).optional(),
});
export type WireListResponse = z.infer<typeof WireListResponse>;

const WireThumbnails = z
  .object({
    default: z.object({ url: z.string() }).optional(),
    medium: z.object({ url: z.string() }).optional(),
    high: z.object({ url: z.string() }).optional(),
  })
  .optional();

/** A `youtube#channel` resource with its snippet. */
export const WireChannel = z.object({
  id: z.string().min(1),
  snippet: z
    .object({
      title: z.string(),
      customUrl: z.string().optional(),
      thumbnails: WireThumbnails,
    })
    .optional(),
});
export type WireChannel = z.infer<typeof WireChannel>;

/** A `youtube#video` resource with its snippet. */
export const WireVideo = z.object({
  id: z.string().min(1),
  snippet: z
    .object({
      title: z.string(),
      channelTitle: z.string().optional(),
    })
    .optional(),
});
export type WireVideo = z.infer<typeof WireVideo>;

/** Google's error body: `{ error: { code, message, errors: [{ domain, reason, message }] } }`. */
export const WireGoogleError = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    errors: z.array(z.object({ domain: z.string().optional(), reason: z.string().optional(), message: z.string().optional() })).optional(),
    status: z.string().optional(),
  }),
});
export type WireGoogleError = z.infer<typeof WireGoogleError>;

/** The body YouTube expects for `comments.insert` of a reply. */
export interface WireReplyInsert {
  snippet: { parentId: string; textOriginal: string };
}
