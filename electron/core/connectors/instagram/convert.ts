/**
 * Instagram Graph API objects into normalized items: a top-level comment on the account's media
 * and its replies are one conversation (the media's caption is its context); a media that tags
 * the account is a mention, one conversation with its comments. Untrusted: each comment is
 * checked; one that does not parse is skipped, the rest kept.
 */
import { z } from 'zod';
import { graphTime } from '../facebook/convert';
import type { NormalizedItem } from '../types';

const GraphTime = z.string().transform((v, ctx) => {
  const t = graphTime(v);
  if (t === null) {
    ctx.addIssue({ code: 'custom', message: 'not a time' });
    return z.NEVER;
  }
  return t;
});

export const WireMedia = z.object({
  id: z.string().min(1),
  caption: z.string().optional(),
  timestamp: GraphTime,
  permalink: z.string().optional(),
  username: z.string().optional(),
  comments_count: z.number().optional(),
  is_comment_enabled: z.boolean().optional(),
});
export type WireMedia = z.infer<typeof WireMedia>;

const WireIgComment = z.object({
  id: z.string().min(1),
  text: z.string(),
  timestamp: GraphTime,
  username: z.string().optional(),
  from: z.object({ id: z.string(), username: z.string().optional() }).optional(),
  hidden: z.boolean().optional(),
  parent_id: z.string().optional(),
  replies: z.object({ data: z.array(z.unknown()) }).optional(),
});

export interface InstagramExtra {
  type: 'comment' | 'mention' | 'message';
  /** The media commented on (replies to mentions go through the account's `mentions` edge). */
  mediaId?: string;
  userId?: string;
  at?: number;
  mention?: boolean;
  [key: string]: unknown;
}

const idOf = (raw: unknown): string | null => (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null);

/** The comments (with their replies) of one media. `tagged`: someone else's media mentioning the account. */
export function convertMediaComments(rawComments: unknown[], media: WireMedia, igUserId: string, tagged: boolean): { items: NormalizedItem[]; skipped: { remoteId: string | null; reason: string }[] } {
  const items: NormalizedItem[] = [];
  const skipped: { remoteId: string | null; reason: string }[] = [];
  const context = { remoteId: media.id, text: media.caption ?? '', url: media.permalink ?? null, authorName: media.username ? `@${media.username}` : null };
  const one = (raw: unknown, topId: string | null) => {
    const parsed = WireIgComment.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ remoteId: idOf(raw), reason: `comment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 200)}` });
      return null;
    }
    const c = parsed.data;
    const fromId = c.from?.id ?? '';
    const username = c.from?.username ?? c.username ?? '';
    const parent = topId ?? c.parent_id ?? null;
    items.push({
      remoteId: c.id,
      threadRemoteId: tagged ? media.id : (parent ?? c.id),
      parentRemoteId: tagged ? (parent ?? media.id) : parent,
      kind: tagged ? 'mention' : 'comment',
      direction: fromId === igUserId ? 'out' : 'in',
      author: { remoteId: fromId || `@${username}`, handle: username ? `@${username}` : 'Instagram user', name: username, profileUrl: username ? `https://www.instagram.com/${encodeURIComponent(username)}/` : null },
      text: c.text,
      createdAt: c.timestamp,
      permalink: media.permalink ?? null,
      moderation: c.hidden ? 'hidden' : 'visible',
      context: tagged ? null : context,
      extra: { type: 'comment', mediaId: media.id, ...(fromId ? { userId: fromId } : {}), at: c.timestamp, ...(tagged ? { mention: true } : {}) } satisfies InstagramExtra,
      // Comments turned off on the account's media: the menu offers to turn them back on.
      ...(!tagged && media.is_comment_enabled === false ? { locked: true } : {}),
    });
    return c;
  };
  for (const raw of rawComments) {
    const top = one(raw, null);
    for (const reply of top?.replies?.data ?? []) one(reply, top!.id);
  }
  return { items, skipped };
}

/** A media of someone else that tags the account: a mention, the start of its conversation. */
export function convertMention(media: WireMedia): NormalizedItem {
  const username = media.username ?? '';
  return {
    remoteId: media.id,
    threadRemoteId: media.id,
    parentRemoteId: null,
    kind: 'mention',
    direction: 'in',
    author: { remoteId: `@${username}`, handle: username ? `@${username}` : 'Instagram user', name: username, profileUrl: username ? `https://www.instagram.com/${encodeURIComponent(username)}/` : null },
    text: media.caption ?? '',
    createdAt: media.timestamp,
    permalink: media.permalink ?? null,
    extra: { type: 'mention', mediaId: media.id, at: media.timestamp, mention: true } satisfies InstagramExtra,
  };
}
