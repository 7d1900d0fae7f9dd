/**
 * Pure converters from Reddit things to the shared model.
 *
 * Threads: comments and posts belong to their post's conversation (`t3_…`), so a reply from
 * Parvis goes under the comment it answers. Private messages belong to the conversation of their
 * first message (`first_message_name`). Authors are known by their user name (bans and messages
 * address users by name). Remote ids are Reddit's fullnames (`t1_…`, `t3_…`, `t4_…`).
 */
import type { NormalizedAuthor, NormalizedItem, PollResult } from '../types';
import { WireComment, WireMessage, WirePost, WireThing, describeIssues } from './wire';

export const REDDIT_WEB = 'https://www.reddit.com';

/** Stored with each message, to reply to and moderate it. */
export interface RedditMessageExtra {
  fullname: string;
  subreddit?: string;
  /** Where it was listed: the inbox, the modqueue, a watched subreddit. */
  listedIn: 'inbox' | 'modqueue' | 'subreddit';
}

export function authorOf(name: string | null): NormalizedAuthor {
  const user = name ?? '[deleted]';
  return { remoteId: user, handle: `u/${user}`, name: user, avatarUrl: null, profileUrl: user === '[deleted]' ? null : `${REDDIT_WEB}/user/${user}` };
}

/** `/r/sub/comments/abc123/title/def456/` → `t3_abc123`. */
export function postOfPermalink(permalink: string | undefined): string | null {
  const m = /\/comments\/([0-9a-z]+)\//.exec(permalink ?? '');
  return m ? `t3_${m[1]}` : null;
}

function reportsOf(thing: { user_reports?: unknown[][]; mod_reports?: unknown[][] }): string[] {
  return [...(thing.user_reports ?? []), ...(thing.mod_reports ?? [])].flatMap((r) => (typeof r[0] === 'string' && r[0] ? [r[0]] : []));
}

function editedAt(edited: boolean | number | undefined): number | null {
  return typeof edited === 'number' ? Math.round(edited * 1000) : null;
}

export function commentToItem(c: WireComment, listedIn: RedditMessageExtra['listedIn'], me: string): NormalizedItem | null {
  const post = c.link_id ?? postOfPermalink(c.context ?? c.permalink);
  if (!post) return null;
  const mention = c.type === 'username_mention';
  const reports = reportsOf(c);
  const extra: RedditMessageExtra & { reports?: string[] } = { fullname: c.name, ...(c.subreddit ? { subreddit: c.subreddit } : {}), listedIn, ...(reports.length ? { reports } : {}) };
  return {
    remoteId: c.name,
    threadRemoteId: post,
    parentRemoteId: c.parent_id ?? null,
    kind: mention ? 'mention' : 'comment',
    direction: c.author.toLowerCase() === me.toLowerCase() ? 'out' : 'in',
    author: authorOf(c.author),
    text: c.body,
    createdAt: Math.round(c.created_utc * 1000),
    permalink: `${REDDIT_WEB}${c.permalink ?? c.context ?? ''}`,
    moderation: listedIn === 'modqueue' ? 'held' : 'visible',
    context: c.link_title ? { remoteId: post, text: c.link_title, url: null, authorName: c.subreddit ? `r/${c.subreddit}` : null } : null,
    extra: extra as unknown as Record<string, unknown>,
    ...(c.locked ? { locked: true } : {}),
    editedAt: editedAt(c.edited),
  };
}

export function postToItem(p: WirePost, listedIn: RedditMessageExtra['listedIn'], me: string): NormalizedItem {
  const reports = reportsOf(p);
  const extra: RedditMessageExtra & { reports?: string[] } = { fullname: p.name, subreddit: p.subreddit, listedIn, ...(reports.length ? { reports } : {}) };
  return {
    remoteId: p.name,
    threadRemoteId: p.name,
    parentRemoteId: null,
    kind: 'comment',
    direction: p.author.toLowerCase() === me.toLowerCase() ? 'out' : 'in',
    author: authorOf(p.author),
    text: p.selftext ? `${p.title}\n\n${p.selftext}` : p.title,
    createdAt: Math.round(p.created_utc * 1000),
    permalink: `${REDDIT_WEB}${p.permalink}`,
    moderation: listedIn === 'modqueue' ? 'held' : 'visible',
    context: { remoteId: p.name, text: p.title, url: `${REDDIT_WEB}${p.permalink}`, authorName: `r/${p.subreddit}` },
    extra: extra as unknown as Record<string, unknown>,
    ...(p.locked ? { locked: true } : {}),
    editedAt: editedAt(p.edited),
  };
}

export function messageToItem(m: WireMessage, me: string): NormalizedItem {
  const extra: RedditMessageExtra = { fullname: m.name, listedIn: 'inbox' };
  return {
    remoteId: m.name,
    threadRemoteId: m.first_message_name ?? m.name,
    parentRemoteId: m.first_message_name ?? null,
    kind: 'dm',
    direction: (m.author ?? '').toLowerCase() === me.toLowerCase() ? 'out' : 'in',
    author: authorOf(m.author),
    text: m.subject && !m.first_message_name ? `${m.subject}\n\n${m.body}` : m.body,
    createdAt: Math.round(m.created_utc * 1000),
    permalink: `${REDDIT_WEB}/message/messages/${m.id}`,
    extra: extra as unknown as Record<string, unknown>,
  };
}

/** A thing's fullname, when it has one (for the skip log). */
function fullnameOf(raw: unknown): string | null {
  const data = (raw as { data?: { name?: unknown } } | null)?.data;
  return typeof data?.name === 'string' ? data.name : null;
}

/** Turns a Listing's children into items; a malformed thing is skipped and reported. */
export function thingsToItems(children: readonly unknown[], listedIn: RedditMessageExtra['listedIn'], me: string): { items: NormalizedItem[]; skipped: PollResult['skipped'] } {
  const items: NormalizedItem[] = [];
  const skipped: PollResult['skipped'] = [];
  for (const raw of children) {
    const thing = WireThing.safeParse(raw);
    if (!thing.success) {
      skipped.push({ remoteId: null, reason: `not a Reddit thing: ${describeIssues(thing.error)}` });
      continue;
    }
    const { kind, data } = thing.data;
    const schema = kind === 't1' ? WireComment : kind === 't3' ? WirePost : kind === 't4' ? WireMessage : null;
    if (!schema) {
      skipped.push({ remoteId: fullnameOf(raw), reason: `Reddit thing of kind ${kind} is not a message` });
      continue;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      skipped.push({ remoteId: fullnameOf(raw), reason: `not a readable Reddit ${kind}: ${describeIssues(parsed.error)}` });
      continue;
    }
    const item =
      kind === 't1' ? commentToItem(parsed.data as WireComment, listedIn, me) : kind === 't3' ? postToItem(parsed.data as WirePost, listedIn, me) : messageToItem(parsed.data as WireMessage, me);
    if (item) items.push(item);
    else skipped.push({ remoteId: fullnameOf(raw), reason: 'Reddit comment without its post' });
  }
  return { items, skipped };
}
