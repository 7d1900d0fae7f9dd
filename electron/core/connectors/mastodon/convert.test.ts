import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  authorFromAccount,
  comparableText,
  conversationKindOf,
  fullHandle,
  itemFromStatus,
  readConversation,
  readNotification,
  readStatus,
  replyTargetFromExtra,
  replyText,
  threadRootOf,
  type ReadEntry,
} from './convert';
import type { WireStatus } from './wire';

/** Entities in the shapes a Mastodon 4.x instance answers (ids, HTML and fields as recorded). */
const recorded = JSON.parse(readFileSync(new URL('./fixtures/recorded.json', import.meta.url), 'utf8')) as {
  me: { id: string };
  notifications: unknown[];
  contextOfNested: { ancestors: unknown[]; descendants: unknown[] };
  conversations: unknown[];
};
const ME = recorded.me.id;
const HOST = 'mastodon.social';

function statusOf(entry: ReadEntry): WireStatus {
  if (entry.kind !== 'status') throw new Error(`expected a status, got ${entry.kind}`);
  return entry.status;
}

const entries = recorded.notifications.map(readNotification);
const [dmEntry, mentionEntry, brokenEntry, nestedEntry, favouriteEntry, replyEntry] = entries as [
  ReadEntry,
  ReadEntry,
  ReadEntry,
  ReadEntry,
  ReadEntry,
  ReadEntry,
];
const context = [...recorded.contextOfNested.ancestors, ...recorded.contextOfNested.descendants]
  .map(readStatus)
  .filter((s): s is WireStatus => s !== null);

describe('reading notifications', () => {
  it('keeps mentions, ignores other types and skips an unreadable one with a reason', () => {
    expect(entries.map((e) => e.kind)).toEqual(['status', 'status', 'skipped', 'status', 'ignored', 'status']);
    expect(brokenEntry).toMatchObject({ kind: 'skipped', skipped: { remoteId: '60000003' } });
    if (brokenEntry.kind === 'skipped') expect(brokenEntry.skipped.reason).toMatch(/created_at|status/);
    expect(favouriteEntry).toEqual({ kind: 'ignored', entryId: '60000001' });
  });

  it('reads a conversation, ignores one without a status and skips a broken one', () => {
    const conversations = recorded.conversations.map(readConversation);
    expect(conversations.map((c) => c.kind)).toEqual(['status', 'ignored', 'skipped']);
    expect(conversations[0]).toMatchObject({ kind: 'status', extra: { conversationId: '418450' } });
  });
});

describe('threads and kinds', () => {
  const known = new Map(context.map((s) => [s.id, s]));
  const nested = statusOf(nestedEntry);
  const reply = statusOf(replyEntry);

  it('walks in_reply_to_id up to the root when the ancestors are known', () => {
    expect(threadRootOf(nested, known)).toEqual({ rootId: '113500000000000001', complete: true });
  });

  it('stops at the first unknown ancestor and names it (same for the whole thread)', () => {
    expect(threadRootOf(nested, new Map())).toEqual({ rootId: reply.id, complete: false });
    expect(threadRootOf(reply, new Map())).toEqual({ rootId: '113500000000000001', complete: false });
  });

  it('survives a reply cycle', () => {
    const a = { id: '1', in_reply_to_id: '2' };
    const b = { id: '2', in_reply_to_id: '1' };
    expect(threadRootOf(a, new Map([['1', a], ['2', b]])).complete).toBe(true);
  });

  it('classifies: DM, comment in a thread on our post, mention elsewhere', () => {
    const root = known.get('113500000000000001')!;
    expect(conversationKindOf(statusOf(dmEntry), ME, null)).toBe('dm');
    // Bob answers Alice, not us, but under our post: a comment.
    expect(conversationKindOf(nested, ME, root)).toBe('comment');
    expect(conversationKindOf(reply, ME, null)).toBe('comment');
    expect(conversationKindOf(statusOf(mentionEntry), ME, null)).toBe('mention');
  });
});

describe('itemFromStatus', () => {
  it('converts a reply to our post: text, html, attachments, context, reply target', () => {
    const reply = statusOf(replyEntry);
    const root = context.find((s) => s.id === '113500000000000001')!;
    const item = itemFromStatus(reply, { meId: ME, instanceHost: HOST, rootId: root.id, root, extra: { notificationId: '60000000' } });
    expect(item).toMatchObject({
      remoteId: '113500000000000010',
      threadRemoteId: '113500000000000001',
      parentRemoteId: '113500000000000001',
      kind: 'comment',
      direction: 'in',
      text: '@parvis Love it! Screenshot below.',
      createdAt: Date.parse('2026-11-20T09:05:12.431Z'),
      permalink: 'https://mastodon.social/@alice/113500000000000010',
      moderation: 'visible',
      author: {
        remoteId: '109412345678901234',
        handle: '@alice@mastodon.social',
        name: 'Alice ✨',
        profileUrl: 'https://mastodon.social/@alice',
      },
      context: {
        remoteId: '113500000000000001',
        text: 'Version 2.0 is out! What do you think?',
        url: 'https://mastodon.social/@parvis/113500000000000001',
        authorName: 'Parvis Community Team',
      },
    });
    expect(item.html).toContain('class="u-url mention"');
    // The attachment without any URL is dropped, not the message.
    expect(item.attachments).toEqual([
      {
        kind: 'image',
        url: 'https://files.mastodon.social/media_attachments/files/113/500/original/shot.png',
        previewUrl: 'https://files.mastodon.social/media_attachments/files/113/500/small/shot.png',
        alt: 'The new dashboard',
      },
    ]);
    expect(item.extra).toMatchObject({
      notificationId: '60000000',
      visibility: 'public',
      author: { id: '109412345678901234', acct: 'alice' },
      mentions: [{ id: ME, acct: 'parvis' }],
    });
  });

  it('converts a remote mention with a content warning and a link card', () => {
    const mention = statusOf(mentionEntry);
    const item = itemFromStatus(mention, { meId: ME, instanceHost: HOST, rootId: mention.id, root: mention });
    expect(item.kind).toBe('mention');
    expect(item.threadRemoteId).toBe(mention.id);
    expect(item.context).toBeNull();
    expect(item.text).toBe('Long review\n\nHas anyone tried @parvis ? https://example.org/review/parvis-2');
    expect(item.author).toMatchObject({ handle: '@carol@piaille.fr', name: 'Carole' });
    expect(item.attachments).toEqual([
      { kind: 'link', url: 'https://example.org/review/parvis-2', previewUrl: 'https://example.org/cover.png', alt: 'Parvis 2 review' },
    ]);
    expect(item.extra).toMatchObject({ spoilerText: 'Long review' });
  });

  it('names an author by username when the display name is empty, and marks our own statuses out', () => {
    const nested = statusOf(nestedEntry);
    expect(authorFromAccount(nested.account, HOST)).toMatchObject({ name: 'bob', handle: '@bob@fosstodon.org' });
    const ours = context.find((s) => s.account.id === ME)!;
    expect(itemFromStatus(ours, { meId: ME, instanceHost: HOST, rootId: ours.id, root: ours }).direction).toBe('out');
  });

  it('marks a direct message as dm', () => {
    const dm = statusOf(dmEntry);
    const item = itemFromStatus(dm, { meId: ME, instanceHost: HOST, rootId: dm.id, root: dm });
    expect(item).toMatchObject({ kind: 'dm', threadRemoteId: dm.id, extra: { visibility: 'direct' } });
  });

  it('refuses unsafe URLs in links', () => {
    const dm = statusOf(dmEntry);
    const hostile = { ...dm, url: 'javascript:alert(1)', uri: 'data:text/html,x', account: { ...dm.account, avatar: 'javascript:x' } };
    const item = itemFromStatus(hostile, { meId: ME, instanceHost: HOST, rootId: dm.id, root: null });
    expect(item.permalink).toBeNull();
    expect(item.author.avatarUrl).toBeNull();
  });
});

describe('replies', () => {
  it('addresses the parent author and the people it mentions, not us, once each', () => {
    const target = { visibility: 'public' as const, author: { id: '2', acct: 'bob@fosstodon.org' }, mentions: [{ id: ME, acct: 'parvis' }, { id: '3', acct: 'alice' }] };
    expect(replyText('Thanks!', target, ME)).toBe('@bob@fosstodon.org @alice Thanks!');
    expect(replyText('@alice and @bob@fosstodon.org: thanks', target, ME)).toBe('@alice and @bob@fosstodon.org: thanks');
    // @alice@elsewhere.example is someone else: @alice is still added.
    expect(replyText('cc @alice@elsewhere.example', { ...target, mentions: [{ id: '3', acct: 'alice' }] }, ME)).toBe(
      '@bob@fosstodon.org @alice cc @alice@elsewhere.example',
    );
  });

  it('reads the reply target back from extra, and refuses a damaged one', () => {
    const dm = statusOf(dmEntry);
    const item = itemFromStatus(dm, { meId: ME, instanceHost: HOST, rootId: dm.id, root: null });
    expect(replyTargetFromExtra(item.extra)).toEqual({
      visibility: 'direct',
      author: { id: '109412345678901234', acct: 'alice' },
      mentions: [{ id: ME, acct: 'parvis' }],
    });
    expect(replyTargetFromExtra({ visibility: 'shouting', author: { id: '1', acct: 'a' }, mentions: [] })).toBeNull();
    expect(replyTargetFromExtra({ visibility: 'public', author: { id: 1 }, mentions: [] })).toBeNull();
    expect(replyTargetFromExtra(undefined)).toBeNull();
  });

  it('compares texts without the leading mentions Mastodon shortens', () => {
    expect(comparableText('@bob@fosstodon.org @alice  Thanks\nfor this')).toBe('Thanks for this');
    expect(comparableText('@bob @alice Thanks for this')).toBe('Thanks for this');
    expect(comparableText('Thanks @alice')).toBe('Thanks @alice');
  });

  it('writes full handles for local accounts', () => {
    expect(fullHandle('alice', HOST)).toBe('@alice@mastodon.social');
    expect(fullHandle('@bob@fosstodon.org', HOST)).toBe('@bob@fosstodon.org');
  });
});
