/**
 * Pure converters from Bluesky wire objects to the shared model: a notification (plus the hydrated
 * post views the AppView gave for it) becomes one NormalizedItem.
 */
import type { Attachment } from '../../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../types';
import {
  checkPostRecord,
  type WireFacet,
  type WireNotification,
  type WirePostRecord,
  type WirePostView,
  type WireProfile,
  type WireStrongRef,
} from './wire';

/** The parts of an at:// URI. */
export interface AtUriParts {
  /** The repo: a DID (or, in old data, a handle). */
  repo: string;
  collection: string;
  rkey: string;
}

/** Splits `at://repo/collection/rkey`; null for anything else. */
export function parseAtUri(uri: string): AtUriParts | null {
  const match = /^at:\/\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)$/.exec(uri);
  if (!match) return null;
  return { repo: match[1]!, collection: match[2]!, rkey: match[3]! };
}

/** The bsky.app page of a post (profile by DID: stable when the handle changes). */
export function postPermalink(uri: string): string | null {
  const parts = parseAtUri(uri);
  if (!parts || parts.collection !== 'app.bsky.feed.post') return null;
  return `https://bsky.app/profile/${parts.repo}/post/${parts.rkey}`;
}

/** The bsky.app page of an account. */
export function profilePermalink(handleOrDid: string): string {
  return `https://bsky.app/profile/${handleOrDid}`;
}

/** An author from a profile view; `handle.invalid` (an unresolvable handle) falls back to the DID. */
export function toAuthor(profile: WireProfile): NormalizedAuthor {
  const handle = profile.handle && profile.handle !== 'handle.invalid' ? profile.handle : profile.did;
  const name = profile.displayName?.trim() || handle;
  return {
    remoteId: profile.did,
    handle,
    name,
    avatarUrl: profile.avatar ?? null,
    profileUrl: profilePermalink(handle === profile.did ? profile.did : handle),
  };
}

/**
 * The post text with every link facet's visible text replaced by the full URL it points to:
 * Bluesky clients shorten long links in the text ("example.com/very-lo…") and keep the real URL in
 * the facet, whose offsets count UTF-8 bytes. Facets that do not fit the text are ignored.
 */
export function textWithLinks(text: string, facets: readonly WireFacet[] | undefined): string {
  if (!facets?.length) return text;
  const bytes = Buffer.from(text, 'utf8');
  const links = facets
    .map((facet) => {
      const link = facet.features.find((f) => f.$type === 'app.bsky.richtext.facet#link') as { uri?: unknown } | undefined;
      return typeof link?.uri === 'string' ? { start: facet.index.byteStart, end: facet.index.byteEnd, uri: link.uri } : null;
    })
    .filter((l): l is { start: number; end: number; uri: string } => l !== null)
    .filter((l) => Number.isInteger(l.start) && Number.isInteger(l.end) && l.start >= 0 && l.start < l.end && l.end <= bytes.length)
    .sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const link of links) {
    if (link.start < cursor) continue; // overlapping facets: keep the first
    out += bytes.subarray(cursor, link.start).toString('utf8');
    const shown = bytes.subarray(link.start, link.end).toString('utf8');
    out += sameLink(shown, link.uri) ? shown : link.uri;
    cursor = link.end;
  }
  return out + bytes.subarray(cursor).toString('utf8');
}

function sameLink(shown: string, uri: string): boolean {
  const bare = (s: string) => s.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return bare(shown) === bare(uri);
}

/** Attachments from a hydrated embed view (the AppView's, with CDN URLs). */
export function attachmentsFromEmbedView(embed: WirePostView['embed']): Attachment[] {
  if (!embed) return [];
  const e = embed as Record<string, unknown> & { $type: string };
  switch (e.$type) {
    case 'app.bsky.embed.images#view': {
      const images = Array.isArray(e.images) ? (e.images as Record<string, unknown>[]) : [];
      return images
        .filter((img) => typeof img.fullsize === 'string')
        .map((img) => ({
          kind: 'image' as const,
          url: String(img.fullsize),
          previewUrl: typeof img.thumb === 'string' ? img.thumb : null,
          alt: typeof img.alt === 'string' && img.alt ? img.alt : null,
        }));
    }
    case 'app.bsky.embed.external#view': {
      const ext = (e.external ?? {}) as Record<string, unknown>;
      if (typeof ext.uri !== 'string') return [];
      return [
        {
          kind: 'link',
          url: ext.uri,
          previewUrl: typeof ext.thumb === 'string' ? ext.thumb : null,
          alt: typeof ext.title === 'string' && ext.title ? ext.title : null,
        },
      ];
    }
    case 'app.bsky.embed.video#view': {
      if (typeof e.playlist !== 'string') return [];
      return [
        {
          kind: 'video',
          url: e.playlist,
          previewUrl: typeof e.thumbnail === 'string' ? e.thumbnail : null,
          alt: typeof e.alt === 'string' && e.alt ? e.alt : null,
        },
      ];
    }
    case 'app.bsky.embed.recordWithMedia#view':
      return attachmentsFromEmbedView(e.media as WirePostView['embed']);
    default:
      // Quoted records are context, not attachments.
      return [];
  }
}

/**
 * Attachments from the raw record, when the AppView gave no view of the post: only what needs no
 * CDN (external links). Images in a raw record are blob references without a URL.
 */
export function attachmentsFromRecord(record: WirePostRecord): Attachment[] {
  const embed = record.embed as Record<string, unknown> | undefined;
  if (!embed) return [];
  const media = embed.$type === 'app.bsky.embed.recordWithMedia' ? (embed.media as Record<string, unknown> | undefined) : embed;
  if (media?.$type === 'app.bsky.embed.external') {
    const ext = (media.external ?? {}) as Record<string, unknown>;
    if (typeof ext.uri === 'string') {
      return [{ kind: 'link', url: ext.uri, previewUrl: null, alt: typeof ext.title === 'string' && ext.title ? ext.title : null }];
    }
  }
  return [];
}

/** The post a record quotes (embed.record or recordWithMedia.record), if any. */
export function quotedRef(record: WirePostRecord): WireStrongRef | null {
  const embed = record.embed as Record<string, unknown> | undefined;
  if (!embed) return null;
  const ref =
    embed.$type === 'app.bsky.embed.record'
      ? embed.record
      : embed.$type === 'app.bsky.embed.recordWithMedia'
        ? (embed.record as Record<string, unknown> | undefined)?.record
        : undefined;
  const r = ref as Partial<WireStrongRef> | undefined;
  return typeof r?.uri === 'string' && typeof r.cid === 'string' ? { uri: r.uri, cid: r.cid } : null;
}

/**
 * The URI of the post a notification's conversation hangs on: the thread root for replies (and
 * for mentions made inside a thread), the quoted post for quotes. Null when it is the post itself.
 */
export function contextUriOf(notification: WireNotification): string | null {
  const record = checkPostRecord(notification.record);
  if (!record.ok) return null;
  if (notification.reason === 'quote') return quotedRef(record.value)?.uri ?? null;
  return record.value.reply?.root.uri ?? null;
}

/** The `context` of an item from the post it hangs on. */
export function contextFromPost(view: WirePostView): NonNullable<NormalizedItem['context']> {
  const record = checkPostRecord(view.record);
  const text = record.ok ? textWithLinks(record.value.text, record.value.facets) : '';
  return { remoteId: view.uri, text, url: postPermalink(view.uri), authorName: toAuthor(view.author).name };
}

/** Whether a root post's threadgate (as the AppView attaches it) hides `uri`. */
export function isHiddenBy(root: WirePostView | undefined, uri: string): boolean {
  const hidden = (root?.threadgate?.record as { hiddenReplies?: unknown } | undefined)?.hiddenReplies;
  return Array.isArray(hidden) && hidden.includes(uri);
}

/** Data kept with a Bluesky message so that answering or moderating it needs no extra lookup. */
export interface BlueskyMessageExtra {
  uri: string;
  cid: string;
  /** The strong ref a reply to this message must use as `reply.root`. */
  root: WireStrongRef;
  /** The message this one answers, if it is a reply. */
  parent: WireStrongRef | null;
  reason: string;
  indexedAt: string;
  [key: string]: unknown;
}

/** A converted notification, or why it was skipped. */
export type ConvertResult =
  | { ok: true; item: NormalizedItem }
  | { ok: false; remoteId: string | null; reason: string };

/** What the AppView returned around a notification (both optional: posts can vanish). */
export interface NotificationHydration {
  /** The view of the notification's own post (embeds with URLs). */
  post?: WirePostView;
  /** The view of the post it hangs on (see `contextUriOf`). */
  context?: WirePostView;
}

const KIND_BY_REASON: Record<string, NormalizedItem['kind']> = {
  reply: 'comment',
  mention: 'mention',
  quote: 'mention',
};

/**
 * Turns a reply, mention or quote notification into one message. The conversation is the thread
 * root (a reply's `reply.root`, or the post itself when it starts a thread); the parent is
 * `reply.parent`. Anything else, or a record that is not a valid post, is skipped with a reason.
 */
export function notificationToItem(
  notification: WireNotification,
  accountDid: string,
  hydration: NotificationHydration = {},
): ConvertResult {
  const remoteId = notification.uri;
  const kind = KIND_BY_REASON[notification.reason];
  if (!kind) return { ok: false, remoteId, reason: `reason "${notification.reason}" is not read into the inbox` };
  const record = checkPostRecord(notification.record);
  if (!record.ok) return { ok: false, remoteId, reason: `not a valid post: ${record.reason}` };
  const post = record.value;
  const indexedAt = Date.parse(notification.indexedAt);
  if (Number.isNaN(indexedAt)) return { ok: false, remoteId, reason: `indexedAt is not a date: ${notification.indexedAt}` };
  const created = Date.parse(post.createdAt);
  // Like the AppView's sort time: a client's clock may claim the future, the server's may not.
  const createdAt = Number.isNaN(created) ? indexedAt : Math.max(0, Math.min(created, indexedAt));

  const self: WireStrongRef = { uri: notification.uri, cid: notification.cid };
  const root = post.reply?.root ?? self;
  const parent = post.reply?.parent ?? null;
  const view = hydration.post?.uri === remoteId ? hydration.post : undefined;
  const context = hydration.context;

  const extra: BlueskyMessageExtra = {
    uri: notification.uri,
    cid: notification.cid,
    root: { uri: root.uri, cid: root.cid },
    parent: parent ? { uri: parent.uri, cid: parent.cid } : null,
    reason: notification.reason,
    indexedAt: notification.indexedAt,
  };
  if (post.langs?.length) extra.langs = [...post.langs];
  const labels = [...(notification.labels ?? []), ...(view?.labels ?? [])].map((l) => l.val);
  if (labels.length) extra.labels = [...new Set(labels)];

  const item: NormalizedItem = {
    remoteId,
    threadRemoteId: notification.reason === 'quote' ? remoteId : root.uri,
    parentRemoteId: parent?.uri ?? null,
    kind,
    direction: notification.author.did === accountDid ? 'out' : 'in',
    author: toAuthor(notification.author),
    text: textWithLinks(post.text, post.facets),
    html: null,
    attachments: view ? attachmentsFromEmbedView(view.embed) : attachmentsFromRecord(post),
    createdAt,
    permalink: postPermalink(remoteId),
    moderation: notification.reason === 'reply' && isHiddenBy(context, remoteId) ? 'hidden' : 'visible',
    context: context ? { ...contextFromPost(context), relation: notification.reason === 'quote' ? 'quote' : 'reply' } : null,
    extra,
  };
  return { ok: true, item };
}
