/**
 * Pure conversions from YouTube's wire objects to Parvis's model. No I/O: tested on
 * recorded-shape JSON.
 *
 * A YouTube conversation is a comment thread: its id is the top-level comment's id (YouTube uses
 * the same id for both), replies are one level deep and point at it with `snippet.parentId`.
 */
import type { ModerationState } from '../../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../types';
import { WireChannel, WireComment, WireCommentThread, WireVideo, type WireCommentSnippet } from './wire';

/** The listing a comment came from: a moderation queue, the published comments, or none (by id). */
export type ListedAs = 'published' | 'heldForReview' | 'likelySpam' | null;

/** What the inbox shows about the video a thread hangs on. */
export interface VideoInfo {
  title: string;
  channelTitle: string | null;
}

export interface ConvertContext {
  /** The connected channel: its own comments are outgoing. */
  ownChannelId: string;
  listedAs: ListedAs;
  /** Titles of the videos commented on, by video id (missing ones fall back to a link). */
  videos: ReadonlyMap<string, VideoInfo>;
}

/** A checked wire object, or why it was refused (the rest of the page is kept). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; remoteId: string | null; reason: string };

function idOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string') return (raw as { id: string }).id;
  return null;
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(item)'}: ${i.message}`)
    .join('; ');
}

/** Checks one `commentThreads.list` item. */
export function parseThread(raw: unknown): Parsed<WireCommentThread> {
  const result = WireCommentThread.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, remoteId: idOf(raw), reason: `unreadable comment thread: ${describeIssues(result.error.issues)}` };
}

/** Checks one comment (an embedded reply or a `comments.list` item). */
export function parseComment(raw: unknown): Parsed<WireComment> {
  const result = WireComment.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, remoteId: idOf(raw), reason: `unreadable comment: ${describeIssues(result.error.issues)}` };
}

/** Checks one `channels.list` item. */
export function parseChannel(raw: unknown): Parsed<WireChannel> {
  const result = WireChannel.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, remoteId: idOf(raw), reason: `unreadable channel: ${describeIssues(result.error.issues)}` };
}

/** When the comment was published, epoch ms. */
export function publishedAtOf(comment: WireComment): number {
  return Date.parse(comment.snippet.publishedAt);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** Plain text of YouTube's `textDisplay` HTML: line breaks kept, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name: string) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16)) ?? whole;
      if (lower.startsWith('#') && lower !== '#39') return safeCodePoint(Number.parseInt(lower.slice(1), 10)) ?? whole;
      return ENTITIES[lower] ?? whole;
    });
}

function safeCodePoint(n: number): string | null {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/** The local moderation state of a comment from its `moderationStatus` and where it was listed. */
export function moderationOf(status: string | undefined, listedAs: ListedAs): ModerationState {
  switch (status) {
    case 'heldForReview':
      return 'held';
    case 'likelySpam':
      return 'spam';
    case 'rejected':
      return 'removed';
    case 'published':
      return 'visible';
    default:
      // The field is only sent to the owner in a moderation listing; the listing then tells.
      return listedAs === 'heldForReview' ? 'held' : listedAs === 'likelySpam' ? 'spam' : 'visible';
  }
}

/** The author of a comment. YouTube shows handles ("@ada") as display names. */
export function authorOf(snippet: WireCommentSnippet): NormalizedAuthor {
  const url = snippet.authorChannelUrl ?? null;
  const fromUrl = url ? /\/(@[^/?#]+)/.exec(url)?.[1] : undefined;
  const handle = snippet.authorDisplayName.startsWith('@') ? snippet.authorDisplayName : (fromUrl ?? null);
  const channelId = snippet.authorChannelId?.value ?? null;
  return {
    // Deleted or hidden channels come without an id: the display name is all there is.
    remoteId: channelId ?? `name:${snippet.authorDisplayName}`,
    handle: handle ? handle.slice(1) : (channelId ?? snippet.authorDisplayName),
    name: snippet.authorDisplayName,
    avatarUrl: snippet.authorProfileImageUrl ?? null,
    profileUrl: url ? url.replace(/^http:\/\//, 'https://') : channelId ? `https://www.youtube.com/channel/${channelId}` : null,
  };
}

/** The public link of a comment: on its video, its post, or null. */
export function permalinkOf(comment: WireComment): string | null {
  const s = comment.snippet;
  const lc = encodeURIComponent(comment.id);
  if (s.videoId) return `https://www.youtube.com/watch?v=${encodeURIComponent(s.videoId)}&lc=${lc}`;
  if (s.postId) return `https://www.youtube.com/post/${encodeURIComponent(s.postId)}?lc=${lc}`;
  return null;
}

/** What the thread hangs on: the video (title, link, channel) or the post; null for channel comments. */
export function contextOf(snippet: WireCommentSnippet, videos: ReadonlyMap<string, VideoInfo>): NormalizedItem['context'] {
  if (snippet.videoId) {
    const url = `https://www.youtube.com/watch?v=${encodeURIComponent(snippet.videoId)}`;
    const video = videos.get(snippet.videoId);
    return { remoteId: snippet.videoId, text: video?.title ?? url, url, authorName: video?.channelTitle ?? null };
  }
  if (snippet.postId) {
    const url = `https://www.youtube.com/post/${encodeURIComponent(snippet.postId)}`;
    return { remoteId: snippet.postId, text: url, url, authorName: null };
  }
  return null;
}

/**
 * One comment (top-level or reply) as an inbox item of the thread `threadId`.
 * `textOriginal` is the text; `textDisplay` (HTML, as requested with textFormat=html) is the html.
 */
export function commentToItem(comment: WireComment, threadId: string, ctx: ConvertContext): NormalizedItem {
  const s = comment.snippet;
  const author = authorOf(s);
  const isReply = comment.id !== threadId;
  const extra: Record<string, unknown> = { authorChannelId: s.authorChannelId?.value ?? null };
  if (s.videoId) extra.videoId = s.videoId;
  if (s.channelId) extra.channelId = s.channelId;
  if (s.likeCount !== undefined) extra.likeCount = s.likeCount;
  if (s.updatedAt) extra.updatedAt = s.updatedAt;
  if (s.moderationStatus) extra.moderationStatus = s.moderationStatus;
  return {
    remoteId: comment.id,
    threadRemoteId: threadId,
    parentRemoteId: isReply ? (s.parentId ?? threadId) : null,
    kind: 'comment',
    direction: s.authorChannelId?.value === ctx.ownChannelId ? 'out' : 'in',
    author,
    text: s.textOriginal ?? htmlToText(s.textDisplay ?? ''),
    html: s.textDisplay ?? null,
    attachments: [],
    createdAt: Date.parse(s.publishedAt),
    permalink: permalinkOf(comment),
    moderation: moderationOf(s.moderationStatus, ctx.listedAs),
    context: contextOf(s, ctx.videos),
    extra,
  };
}

/** The connected channel as an author (what `verify` returns). */
export function channelToAuthor(channel: WireChannel): NormalizedAuthor {
  const title = channel.snippet?.title ?? channel.id;
  const customUrl = channel.snippet?.customUrl;
  const handle = customUrl ? customUrl.replace(/^@/, '') : channel.id;
  const thumbs = channel.snippet?.thumbnails;
  return {
    remoteId: channel.id,
    handle,
    name: title,
    avatarUrl: thumbs?.default?.url ?? thumbs?.medium?.url ?? null,
    profileUrl: customUrl ? `https://www.youtube.com/${customUrl.startsWith('@') ? customUrl : `@${customUrl}`}` : `https://www.youtube.com/channel/${channel.id}`,
  };
}

/** Video titles by id, from `videos.list` items (broken items are left out: the link stands in). */
export function videoInfos(items: readonly unknown[]): Map<string, VideoInfo> {
  const out = new Map<string, VideoInfo>();
  for (const raw of items) {
    const parsed = WireVideo.safeParse(raw);
    if (parsed.success && parsed.data.snippet) {
      out.set(parsed.data.id, { title: parsed.data.snippet.title, channelTitle: parsed.data.snippet.channelTitle ?? null });
    }
  }
  return out;
}
