/**
 * Raw Bluesky wire types (the lexicon-generated types of @atproto/api) and the checks that turn an
 * untrusted JSON value into one of them. Used only inside this folder.
 */
import {
  AppBskyFeedDefs,
  AppBskyFeedPost,
  AppBskyNotificationListNotifications,
  jsonToLex,
  type AppBskyActorDefs,
  type AppBskyEmbedExternal,
  type AppBskyEmbedImages,
  type AppBskyEmbedRecord,
  type AppBskyEmbedRecordWithMedia,
  type AppBskyEmbedVideo,
  type AppBskyRichtextFacet,
} from '@atproto/api';

export type WireNotification = AppBskyNotificationListNotifications.Notification;
export type WireListNotificationsOutput = AppBskyNotificationListNotifications.OutputSchema;
export type WirePostView = AppBskyFeedDefs.PostView;
export type WirePostRecord = AppBskyFeedPost.Record;
export type WireProfile = AppBskyActorDefs.ProfileView | AppBskyActorDefs.ProfileViewBasic | AppBskyActorDefs.ProfileViewDetailed;
export type WireProfileDetailed = AppBskyActorDefs.ProfileViewDetailed;
export type WireFacet = AppBskyRichtextFacet.Main;
export type WireImagesView = AppBskyEmbedImages.View;
export type WireExternalView = AppBskyEmbedExternal.View;
export type WireVideoView = AppBskyEmbedVideo.View;
export type WireRecordView = AppBskyEmbedRecord.View;
export type WireRecordWithMediaView = AppBskyEmbedRecordWithMedia.View;

/** `com.atproto.repo.strongRef`: a record pinned by URI and content hash. */
export interface WireStrongRef {
  uri: string;
  cid: string;
}

/** The notification reasons Parvis reads into the inbox. */
export const INBOX_REASONS = ['reply', 'mention', 'quote'] as const;
export type InboxReason = (typeof INBOX_REASONS)[number];

export const POST_COLLECTION = 'app.bsky.feed.post';
export const THREADGATE_COLLECTION = 'app.bsky.feed.threadgate';
export const BLOCK_COLLECTION = 'app.bsky.graph.block';

/** The result of checking an untrusted value against a lexicon definition. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

type Validation<T> = { success: true; value: T } | { success: false; error: Error };

function checked<T>(result: Validation<T>): Checked<T> {
  return result.success ? { ok: true, value: result.value } : { ok: false, reason: result.error.message };
}

/**
 * Records arrive in two forms: parsed by @atproto/api (blobs as BlobRef, links as CIDs) or as
 * plain JSON (blobs as `{$type: 'blob', ref: {$link}}`, e.g. from a stored copy). The lexicon
 * validator wants the first, so plain JSON is converted for the check; the value kept is the one
 * given, since the converter reads only strings from it.
 */
function checkRecordForms<T>(value: T, validate: (v: unknown) => Validation<unknown>): Checked<T> {
  const direct = validate(value);
  if (direct.success) return { ok: true, value };
  try {
    if (validate(jsonToLex(value as never)).success) return { ok: true, value };
  } catch {
    // Not JSON-shaped either: report the first error.
  }
  return { ok: false, reason: direct.error.message };
}

/** Checks one item of a listNotifications page against `#notification`. */
export function checkNotification(value: unknown): Checked<WireNotification> {
  if (!value || typeof value !== 'object') return { ok: false, reason: 'notification is not an object' };
  return checked(AppBskyNotificationListNotifications.validateNotification(value as WireNotification));
}

/** Checks a post record (the `record` of a notification or a post view) against `app.bsky.feed.post`. */
export function checkPostRecord(value: unknown): Checked<WirePostRecord> {
  if (!value || typeof value !== 'object') return { ok: false, reason: 'post record is not an object' };
  const record = value as Record<string, unknown>;
  if (record.$type !== POST_COLLECTION) return { ok: false, reason: `record is ${String(record.$type)}, not a post` };
  return checkRecordForms(record as WirePostRecord, (v) => AppBskyFeedPost.validateRecord(v));
}

/** Checks a post view (getPosts, thread views) against `app.bsky.feed.defs#postView`. */
export function checkPostView(value: unknown): Checked<WirePostView> {
  if (!value || typeof value !== 'object') return { ok: false, reason: 'post view is not an object' };
  return checked(AppBskyFeedDefs.validatePostView(value as WirePostView));
}
