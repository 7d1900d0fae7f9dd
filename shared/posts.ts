/** Posts to publish, as the contract carries them (see `electron/core/db/posts.ts`). */
import { z } from 'zod';
import { Id, Timestamp } from './model';

/** The most images a post may carry in Parvis (each network's own limit is checked on top). */
export const MAX_POST_MEDIA = 10;

export const TARGET_STATES = ['draft', 'scheduled', 'publishing', 'published', 'failed', 'needs-decision'] as const;

export const PostTarget = z.object({
  id: Id,
  accountId: Id,
  /** The variant for this account; null: the post's text. */
  textOverride: z.string().nullable(),
  scheduledAt: Timestamp.nullable(),
  state: z.enum(TARGET_STATES),
  /** The network holds the post and publishes it at its time, Parvis running or not. */
  heldByNetwork: z.boolean(),
  /** Failed and no longer retried: the user decides. */
  givenUp: z.boolean(),
  remoteId: z.string().nullable(),
  permalink: z.string().nullable(),
  publishedAt: Timestamp.nullable(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** The images of this target's variant, in order; null: the post's images. */
  media: z.array(Id).nullable().optional(),
});
export type PostTarget = z.infer<typeof PostTarget>;

export const Post = z.object({
  id: Id,
  uid: z.string(),
  text: z.string(),
  link: z.string().nullable(),
  firstComment: z.string().nullable(),
  /** An article's title (networks that publish articles, see `NetworkInfo.titleRequired`); null: none. */
  title: z.string().nullable().optional(),
  targets: z.array(PostTarget),
  /** The post's images (media library ids), in order. */
  media: z.array(Id).optional(),
  updatedAt: Timestamp,
});
export type Post = z.infer<typeof Post>;

/** How long an article's title may be (WordPress has no limit of its own; this keeps titles sane). */
export const MAX_TITLE_LENGTH = 300;

export const PostInput = z
  .object({
    text: z.string().max(20_000),
    link: z.string().trim().url().max(2000).nullable().optional(),
    firstComment: z.string().max(20_000).nullable().optional(),
    title: z.string().max(MAX_TITLE_LENGTH).nullable().optional(),
    /** The post's images (media library ids), in order. */
    media: z.array(Id).max(MAX_POST_MEDIA).optional(),
    targets: z
      .array(
        z
          .object({
            accountId: Id,
            textOverride: z.string().max(20_000).nullable().optional(),
            scheduledAt: Timestamp.nullable().optional(),
            /** This account's own images, in order (a variant); null or absent: the post's. */
            media: z.array(Id).max(MAX_POST_MEDIA).nullable().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();
export type PostInput = z.infer<typeof PostInput>;

export const PostDecision = z.discriminatedUnion('action', [
  z.object({ targetId: Id, action: z.literal('publish-now') }).strict(),
  z.object({ targetId: Id, action: z.literal('reschedule'), at: Timestamp }).strict(),
]);
export type PostDecision = z.infer<typeof PostDecision>;

/** One target on the calendar: enough to draw it and move it, without the post's whole text. */
export const CalendarEntry = z.object({
  targetId: Id,
  postId: Id,
  accountId: Id,
  at: Timestamp,
  state: z.enum(TARGET_STATES),
  heldByNetwork: z.boolean(),
  /** The first words of the text this target publishes. */
  excerpt: z.string(),
  permalink: z.string().nullable(),
  /** Comments the published post received (its replies in the inbox); 0 before it is published. */
  replies: z.number().int().nonnegative(),
});
export type CalendarEntry = z.infer<typeof CalendarEntry>;

/**
 * The month grid: the user's midnights (ascending, at most 43: six weeks), and how many targets
 * to draw per day; the others are counted ("+12").
 */
export const CalendarDaysRequest = z
  .object({ dayStarts: z.array(Timestamp).min(2).max(43), perDay: z.number().int().min(1).max(50) })
  .strict()
  .refine((r) => r.dayStarts.every((d, i) => i === 0 || d > r.dayStarts[i - 1]!), { message: 'dayStarts ascending' })
  .refine((r) => r.dayStarts[r.dayStarts.length - 1]! - r.dayStarts[0]! <= 43 * 86_400_000, { message: 'at most 43 days' });

export const CalendarDay = z.object({
  from: Timestamp,
  to: Timestamp,
  /** Every target that day, drawn or not. */
  total: z.number().int().nonnegative(),
  /** The first `perDay` by time. */
  entries: z.array(CalendarEntry),
});
export type CalendarDay = z.infer<typeof CalendarDay>;

/** A window of the calendar (at most 400 days). */
export const CalendarRange = z
  .object({ from: Timestamp, to: Timestamp })
  .strict()
  .refine((r) => r.to > r.from && r.to - r.from <= 400 * 86_400_000, { message: 'from < to, at most 400 days apart' });

export const PostMove = z.object({ targetId: Id, at: Timestamp }).strict();
