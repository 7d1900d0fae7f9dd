/**
 * Graph API objects of a Facebook Page into normalized items. Payloads are untrusted: each item is
 * checked with zod; one that does not parse is skipped with its id and the reason, the rest of the
 * page is kept.
 *
 * Conversations: a top-level comment on one of the Page's posts and its replies are one
 * conversation (the post is its context); a visitor's post on the Page, or a post that tags the
 * Page, is one conversation with its comments; a Messenger thread is one conversation.
 */
import { z } from 'zod';
import type { NormalizedItem } from '../types';

/** Graph times: `2026-12-07T10:00:00+0000`. */
export function graphTime(value: string): number | null {
  const t = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : t;
}

const GraphTime = z.string().transform((v, ctx) => {
  const t = graphTime(v);
  if (t === null) {
    ctx.addIssue({ code: 'custom', message: 'not a time' });
    return z.NEVER;
  }
  return t;
});

const Person = z.object({ id: z.string().min(1), name: z.string().optional() });

export const WirePost = z.object({
  id: z.string().min(1),
  message: z.string().optional(),
  story: z.string().optional(),
  created_time: GraphTime,
  permalink_url: z.string().optional(),
  from: Person.optional(),
});
export type WirePost = z.infer<typeof WirePost>;

export const WireComment = z.object({
  id: z.string().min(1),
  message: z.string(),
  created_time: GraphTime,
  from: Person.optional(),
  parent: z.object({ id: z.string() }).optional(),
  is_hidden: z.boolean().optional(),
  can_reply_privately: z.boolean().optional(),
  permalink_url: z.string().optional(),
});

export const WireThreadMessage = z.object({
  id: z.string().min(1),
  message: z.string().default(''),
  created_time: GraphTime,
  from: z.object({ id: z.string(), name: z.string().optional(), username: z.string().optional() }),
});

export const WireThread = z.object({
  id: z.string().min(1),
  updated_time: GraphTime,
  messages: z.object({ data: z.array(z.unknown()) }).optional(),
});

/** What a Facebook item carries for replying and moderating it later. */
export interface FacebookExtra {
  /** `comment`: a comment; `post`: a visitor's or tagging post; `message`: Messenger. */
  type: 'comment' | 'post' | 'message';
  /** The person's Page-scoped id (Messenger) or app-scoped id (comments), for private replies and bans. */
  userId?: string;
  /** When it was written, epoch ms (the messaging window runs from the person's last message). */
  at?: number;
  canReplyPrivately?: boolean;
  [key: string]: unknown;
}

export interface Skipped {
  remoteId: string | null;
  reason: string;
}

const idOf = (raw: unknown): string | null => (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null);
const reasonOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ').slice(0, 200);

const postText = (post: WirePost) => post.message ?? post.story ?? '';

/** Comments of one post (a `filter=stream` page: replies carry their `parent`). */
export function convertComments(
  rawComments: unknown[],
  post: WirePost,
  pageId: string,
  postKind: 'own' | 'visitor' | 'tagged',
): { items: NormalizedItem[]; skipped: Skipped[] } {
  const items: NormalizedItem[] = [];
  const skipped: Skipped[] = [];
  const context = { remoteId: post.id, text: postText(post), url: post.permalink_url ?? null, authorName: post.from?.name ?? null };
  for (const raw of rawComments) {
    const parsed = WireComment.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ remoteId: idOf(raw), reason: `comment: ${reasonOf(parsed.error)}` });
      continue;
    }
    const c = parsed.data;
    const fromId = c.from?.id ?? '';
    const own = fromId === pageId;
    const parentId = c.parent?.id ?? null;
    // A thread on the Page's own post is a top-level comment and its replies; on a visitor's or tagging post, the post.
    const threadRemoteId = postKind === 'own' ? (parentId ?? c.id) : post.id;
    items.push({
      remoteId: c.id,
      threadRemoteId,
      parentRemoteId: postKind === 'own' ? parentId : (parentId ?? post.id),
      kind: 'comment',
      direction: own ? 'out' : 'in',
      author: {
        remoteId: fromId || 'unknown',
        // Meta withholds commenters' names from apps unless they are the Page's or have been in touch.
        handle: c.from?.name ?? 'Facebook user',
        name: c.from?.name ?? '',
        profileUrl: null,
      },
      text: c.message,
      createdAt: c.created_time,
      permalink: c.permalink_url ?? null,
      moderation: c.is_hidden ? 'hidden' : 'visible',
      context: postKind === 'own' ? context : null,
      extra: { type: 'comment', ...(fromId ? { userId: fromId } : {}), at: c.created_time, canReplyPrivately: c.can_reply_privately ?? false } satisfies FacebookExtra,
    });
  }
  return { items, skipped };
}

/** A visitor's post on the Page or a post tagging it: the start of its conversation. */
export function convertPost(post: WirePost, pageId: string, kind: 'visitor' | 'tagged'): NormalizedItem {
  const fromId = post.from?.id ?? '';
  return {
    remoteId: post.id,
    threadRemoteId: post.id,
    parentRemoteId: null,
    kind: kind === 'tagged' ? 'mention' : 'comment',
    direction: fromId === pageId ? 'out' : 'in',
    author: { remoteId: fromId || 'unknown', handle: post.from?.name ?? 'Facebook user', name: post.from?.name ?? '', profileUrl: null },
    text: postText(post),
    createdAt: post.created_time,
    permalink: post.permalink_url ?? null,
    extra: { type: 'post', ...(fromId ? { userId: fromId } : {}), at: post.created_time } satisfies FacebookExtra,
  };
}

/** The messages of one Messenger (or Instagram Direct) thread. `ownId`: the Page's (or Instagram account's) id. */
export function convertThread(rawThread: unknown, ownId: string, options: { permalink?: (threadId: string) => string | null; handlePrefix?: string } = {}): { items: NormalizedItem[]; skipped: Skipped[] } {
  const items: NormalizedItem[] = [];
  const skipped: Skipped[] = [];
  const thread = WireThread.safeParse(rawThread);
  if (!thread.success) return { items, skipped: [{ remoteId: idOf(rawThread), reason: `conversation: ${reasonOf(thread.error)}` }] };
  const messages = thread.data.messages?.data ?? [];
  // The person on the other side: whoever wrote a message that is not ours.
  let userId: string | null = null;
  for (const raw of messages) {
    const from = (raw as { from?: { id?: unknown } } | null)?.from?.id;
    if (typeof from === 'string' && from !== ownId) userId = from;
  }
  for (const raw of messages) {
    const parsed = WireThreadMessage.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ remoteId: idOf(raw), reason: `message: ${reasonOf(parsed.error)}` });
      continue;
    }
    const m = parsed.data;
    const own = m.from.id === ownId;
    const name = m.from.name ?? m.from.username ?? '';
    items.push({
      remoteId: m.id,
      threadRemoteId: thread.data.id,
      parentRemoteId: null,
      kind: 'dm',
      direction: own ? 'out' : 'in',
      author: {
        remoteId: m.from.id,
        handle: m.from.username ? `${options.handlePrefix ?? ''}${m.from.username}` : name || m.from.id,
        name,
        profileUrl: null,
      },
      text: m.message,
      createdAt: m.created_time,
      permalink: options.permalink?.(thread.data.id) ?? null,
      extra: { type: 'message', ...(userId ? { userId } : {}), at: m.created_time } satisfies FacebookExtra,
    });
  }
  return { items, skipped };
}
