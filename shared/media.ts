/** The local media library, as the contract carries it (see `electron/core/media/library.ts`). */
import { z } from 'zod';
import { Id, Timestamp } from './model';

/** Image types Parvis publishes (read from the bytes by the core, not from the file's name). */
export const MEDIA_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
/** The largest image Parvis keeps: the largest any supported network takes (Mastodon, 16 MiB). */
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
/** One part of an upload: the web bridge carries messages of at most 1 MB, base64 adds a third. */
export const MEDIA_PART_BYTES = 512 * 1024;
/** Longest alt text Parvis keeps (Mastodon's description limit is 1,500 characters). */
export const MAX_ALT_LENGTH = 1500;

export const MediaItem = z.object({
  id: Id,
  sha256: z.string(),
  mime: z.string(),
  bytes: z.number().int().positive(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  alt: z.string(),
  name: z.string(),
  /** A small picture of the image (data: URL, at most 48 KB), or null. */
  thumbnail: z.string().nullable(),
  /** How many posts use it (it can be deleted only when none does). */
  uses: z.number().int().nonnegative(),
  createdAt: Timestamp,
});
export type MediaItem = z.infer<typeof MediaItem>;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

export const MediaUploadBegin = z
  .object({
    size: z.number().int().positive().max(MAX_MEDIA_BYTES),
    /** What the file input says; checked against the bytes, which decide. */
    mime: z.enum(MEDIA_MIME_TYPES),
    name: z.string().max(255),
  })
  .strict();

export const MediaUploadPart = z
  .object({
    uploadId: z.string().uuid(),
    offset: z.number().int().nonnegative(),
    data: Base64.max(Math.ceil(MEDIA_PART_BYTES / 3) * 4),
  })
  .strict();

export const MediaUploadFinish = z
  .object({
    uploadId: z.string().uuid(),
    /** A thumbnail the renderer drew (JPEG/PNG/WebP, at most 320 px a side, 48 KB), base64. */
    thumbnail: Base64.max(Math.ceil((48 * 1024) / 3) * 4).nullable(),
  })
  .strict();

export const MediaSetAlt = z.object({ mediaId: Id, alt: z.string().max(MAX_ALT_LENGTH) }).strict();
