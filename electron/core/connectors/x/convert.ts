/**
 * Pure converters from X API v2 objects to the shared model.
 *
 * Threads: a post belongs to the conversation of its `conversation_id` (the post that started the
 * thread), so a mention and the replies under it stay together and a reply from Parvis goes under
 * the post it answers. A conversation started by the account itself is a comment thread (replies
 * to the account's posts); any other is a mention. X counts a reply as a mention of the author
 * answered, so the mentions timeline brings both.
 *
 * Direct messages: remote ids are prefixed `dm:` (DM event ids and post ids are separate spaces),
 * one conversation per DM conversation (`dm:<dm_conversation_id>`).
 *
 * Edits: X gives an edited post a new id and lists the ids of its versions; the message keeps the
 * first id (the edit replaces its text through the message writer), its extra keeps the newest.
 */
import type { NormalizedAuthor, NormalizedItem, PollResult } from '../types';
import { WireDmEvent, WirePost, WireUser, describeIssues } from './wire';

/** What the connector stores with each message, to reply to and moderate it. */
export interface XMessageExtra {
  /** `post` or `dm`. */
  kind: 'post' | 'dm';
  /** The post id or DM event id (without the `dm:` prefix). */
  id: string;
  /** Posts: the conversation's id and whether the account started it (hiding needs that). */
  conversationId?: string;
  ownConversation?: boolean;
  /** DMs: the conversation to answer in. */
  dmConversationId?: string;
}

export const DM_PREFIX = 'dm:';

export function userToAuthor(user: WireUser): NormalizedAuthor {
  return {
    remoteId: user.id,
    handle: `@${user.username}`,
    name: user.name || user.username,
    avatarUrl: user.profile_image_url ?? null,
    profileUrl: `https://x.com/${user.username}`,
  };
}

/** An author known only by id (the expansion did not bring the user). */
function unknownAuthor(id: string): NormalizedAuthor {
  return { remoteId: id, handle: id, name: id, avatarUrl: null, profileUrl: `https://x.com/i/user/${id}` };
}

export function postPermalink(post: { id: string }, username?: string): string {
  return username ? `https://x.com/${username}/status/${post.id}` : `https://x.com/i/web/status/${post.id}`;
}

/** Users and posts of a page's `includes`, parsed one by one (a broken one is left out). */
export interface Includes {
  users: Map<string, WireUser>;
  posts: Map<string, WirePost>;
}

export function parseIncludes(includes: { users?: unknown[]; tweets?: unknown[]; posts?: unknown[] } | undefined): Includes {
  const users = new Map<string, WireUser>();
  const posts = new Map<string, WirePost>();
  for (const raw of includes?.users ?? []) {
    const u = WireUser.safeParse(raw);
    if (u.success) users.set(u.data.id, u.data);
  }
  for (const raw of [...(includes?.tweets ?? []), ...(includes?.posts ?? [])]) {
    const p = WirePost.safeParse(raw);
    if (p.success) posts.set(p.data.id, p.data);
  }
  return { users, posts };
}

function idOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return null;
}

/** Turns one page of posts (mentions) into items; a malformed post is skipped and reported. */
export function postsToItems(
  data: readonly unknown[],
  includes: Includes,
  me: { id: string },
): { items: NormalizedItem[]; skipped: PollResult['skipped'] } {
  const items: NormalizedItem[] = [];
  const skipped: PollResult['skipped'] = [];
  for (const raw of data) {
    const parsed = WirePost.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ remoteId: idOf(raw), reason: `not a readable X post: ${describeIssues(parsed.error)}` });
      continue;
    }
    items.push(postToItem(parsed.data, includes, me));
  }
  return { items, skipped };
}

export function postToItem(post: WirePost, includes: Includes, me: { id: string }): NormalizedItem {
  const author = includes.users.get(post.authorId);
  const repliedTo = post.references.find((r) => r.type === 'replied_to')?.id ?? null;
  const quoted = post.references.find((r) => r.type === 'quoted')?.id ?? null;
  const contextId = repliedTo ?? quoted;
  const contextPost = contextId ? includes.posts.get(contextId) : undefined;
  const contextAuthor = contextPost ? includes.users.get(contextPost.authorId) : undefined;
  // The conversation was started by the account when its root is one of the account's posts.
  const root = includes.posts.get(post.conversationId);
  const ownConversation = root ? root.authorId === me.id : repliedTo !== null && post.inReplyToUserId === me.id && post.conversationId === repliedTo;
  const extra: XMessageExtra = { kind: 'post', id: post.id, conversationId: post.conversationId, ownConversation };
  // An edited post gets a new id and lists the earlier ones, oldest first: the first id names the
  // message for good (the edit replaces its text), the newest is the one to answer and moderate.
  const firstId = post.editHistory[0] ?? post.id;
  const edited = firstId !== post.id;
  return {
    remoteId: firstId,
    threadRemoteId: post.conversationId === firstId ? firstId : post.conversationId,
    parentRemoteId: repliedTo,
    kind: ownConversation ? 'comment' : 'mention',
    direction: post.authorId === me.id ? 'out' : 'in',
    author: author ? userToAuthor(author) : unknownAuthor(post.authorId),
    text: post.text,
    createdAt: post.createdAt,
    permalink: postPermalink(post, author?.username),
    context: contextId
      ? {
          remoteId: contextId,
          text: contextPost?.text ?? '',
          url: contextPost ? postPermalink(contextPost, contextAuthor?.username) : postPermalink({ id: contextId }),
          authorName: contextAuthor ? contextAuthor.name || contextAuthor.username : null,
          relation: repliedTo ? 'reply' : 'quote',
        }
      : null,
    extra: extra as unknown as Record<string, unknown>,
    editedAt: edited ? post.createdAt : null,
  };
}

/** Turns DM events into items (MessageCreate only); a malformed event is skipped and reported. */
export function dmEventsToItems(
  data: readonly unknown[],
  users: Map<string, WireUser>,
  me: { id: string },
): { items: NormalizedItem[]; skipped: PollResult['skipped'] } {
  const items: NormalizedItem[] = [];
  const skipped: PollResult['skipped'] = [];
  for (const raw of data) {
    const parsed = WireDmEvent.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ remoteId: idOf(raw), reason: `not a readable X direct message: ${describeIssues(parsed.error)}` });
      continue;
    }
    const event = parsed.data;
    // Participants joining or leaving a group conversation are not messages.
    if (event.event_type !== 'MessageCreate') continue;
    if (!event.sender_id || !event.dm_conversation_id || !event.created_at || event.text === undefined) {
      skipped.push({ remoteId: event.id, reason: 'X direct message without sender, conversation, time or text' });
      continue;
    }
    const sender = users.get(event.sender_id);
    const extra: XMessageExtra = { kind: 'dm', id: event.id, dmConversationId: event.dm_conversation_id };
    items.push({
      remoteId: `${DM_PREFIX}${event.id}`,
      threadRemoteId: `${DM_PREFIX}${event.dm_conversation_id}`,
      parentRemoteId: null,
      kind: 'dm',
      direction: event.sender_id === me.id ? 'out' : 'in',
      author: sender ? userToAuthor(sender) : unknownAuthor(event.sender_id),
      text: event.text,
      createdAt: Date.parse(event.created_at),
      permalink: `https://x.com/messages/${event.dm_conversation_id}`,
      extra: extra as unknown as Record<string, unknown>,
    });
  }
  return { items, skipped };
}

/** Compares two X ids (snowflakes, up to 19 digits) numerically. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
