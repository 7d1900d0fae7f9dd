/**
 * Discourse payloads into inbox items: posts as Discourse's serializers send them (cooked HTML,
 * avatar templates, post numbers), notifications, the review queue's flagged and queued posts;
 * malformed items skipped with a reason, the rest kept.
 */
import { describe, expect, it } from 'vitest';
import { avatarUrl, convertPost, convertReviewable, kindOfNotification, notificationPostId, parseNotification, parsePost } from './convert';
import { WireReviewList } from './wire';

const FORUM = 'https://forum.lumiere.example';

const post = {
  id: 1234,
  name: 'Camille Roche',
  username: 'camille',
  avatar_template: '/user_avatar/forum.lumiere.example/camille/{size}/42_2.png',
  created_at: '2026-11-30T09:15:00.000Z',
  updated_at: '2026-11-30T09:20:00.000Z',
  cooked:
    '<p><a class="mention" href="/u/lumiere">@lumiere</a> ma lampe <strong>Dune</strong> clignote &amp; grésille.</p>\n<aside class="quote"><div class="title">Dan said:</div><blockquote><p>Même chose ici</p></blockquote></aside>\n<p><img src="/uploads/x.png" alt="photo"><script>alert(1)</script></p>',
  post_number: 3,
  post_type: 1,
  reply_to_post_number: 2,
  topic_id: 77,
  topic_slug: 'la-lampe-dune-clignote',
  topic_title: 'La lampe Dune clignote',
  category_id: 5,
  user_id: 19,
  hidden: false,
  deleted_at: null,
  version: 2,
  yours: false,
  reviewable_id: null,
};

describe('posts', () => {
  it('becomes a message of its topic, with its post number, plain text, the HTML for the sanitizer and its edit', () => {
    const parsed = parsePost(post);
    if (!parsed.ok) throw new Error(parsed.reason);
    const item = convertPost(parsed.value, { forumUrl: FORUM, me: 'lumiere', kind: 'mention' });
    expect(item).toMatchObject({
      remoteId: '1234',
      threadRemoteId: 't77',
      kind: 'mention',
      direction: 'in',
      author: { remoteId: '19', handle: 'camille@forum.lumiere.example', name: 'Camille Roche', avatarUrl: `${FORUM}/user_avatar/forum.lumiere.example/camille/96/42_2.png`, profileUrl: `${FORUM}/u/camille` },
      createdAt: Date.parse('2026-11-30T09:15:00.000Z'),
      permalink: `${FORUM}/t/la-lampe-dune-clignote/77/3`,
      moderation: 'visible',
      context: { remoteId: '77', text: 'La lampe Dune clignote', url: `${FORUM}/t/la-lampe-dune-clignote/77` },
      extra: { topicId: 77, postNumber: 3, replyToPostNumber: 2, categoryId: 5 },
      // Version 2: edited, the text replaces the stored one.
      editedAt: Date.parse('2026-11-30T09:20:00.000Z'),
    });
    expect(item.text).toContain('@lumiere ma lampe Dune clignote & grésille.');
    expect(item.text).toContain('Même chose ici');
    expect(item.text).not.toMatch(/<|alert\(1\)|photo/);
    expect(item.html).toBe(post.cooked);
  });

  it('reads the state Discourse gives (hidden, deleted), the reply number as a string, and the brand’s own posts as outgoing', () => {
    const hidden = parsePost({ ...post, hidden: true, reply_to_post_number: '2', version: 1 });
    if (!hidden.ok) throw new Error(hidden.reason);
    expect(convertPost(hidden.value, { forumUrl: FORUM, me: 'lumiere', kind: 'comment' })).toMatchObject({ moderation: 'hidden', editedAt: null, extra: { replyToPostNumber: 2 } });
    const deleted = parsePost({ ...post, deleted_at: '2026-11-30T10:00:00.000Z' });
    if (!deleted.ok) throw new Error(deleted.reason);
    expect(convertPost(deleted.value, { forumUrl: FORUM, me: 'lumiere', kind: 'comment' }).moderation).toBe('removed');
    const own = parsePost({ ...post, username: 'Lumiere' });
    if (!own.ok) throw new Error(own.reason);
    expect(convertPost(own.value, { forumUrl: FORUM, me: 'lumiere', kind: 'dm' })).toMatchObject({ direction: 'out', kind: 'dm', extra: { privateMessage: true } });
  });

  it('skips a malformed post with a reason', () => {
    expect(parsePost({ ...post, topic_id: 'x' })).toMatchObject({ ok: false, remoteId: '1234', reason: expect.stringMatching(/topic_id/) });
    expect(parsePost({ ...post, created_at: 'hier' })).toMatchObject({ ok: false, remoteId: '1234' });
    expect(parsePost(null)).toMatchObject({ ok: false, remoteId: null });
  });

  it('makes avatar addresses absolute and refuses other schemes', () => {
    expect(avatarUrl('//cdn.example/a/{size}.png', FORUM)).toBe('https://cdn.example/a/96.png');
    expect(avatarUrl('javascript:alert(1)', FORUM)).toBeNull();
    expect(avatarUrl(null, FORUM)).toBeNull();
  });
});

describe('notifications', () => {
  it('say which post and which kind: mentions, quotes and group mentions; replies; private messages; nothing for likes', () => {
    expect([1, 3, 15, 2, 9, 17, 6, 5, 12].map(kindOfNotification)).toEqual(['mention', 'mention', 'mention', 'comment', 'comment', 'comment', 'dm', null, null]);
    const n = parseNotification({ id: 9, notification_type: 1, created_at: '2026-11-30T09:15:00.000Z', topic_id: 77, post_number: 3, data: { original_post_id: 1234, topic_title: 'La lampe Dune clignote' } });
    if (!n.ok) throw new Error(n.reason);
    expect(notificationPostId(n.value)).toBe(1234);
    const badge = parseNotification({ id: 10, notification_type: 12, created_at: '2026-11-30T09:15:00.000Z', topic_id: null, post_number: null, data: { badge_id: 3 } });
    if (!badge.ok) throw new Error(badge.reason);
    expect(notificationPostId(badge.value)).toBeNull();
    expect(parseNotification({ id: 'x' })).toMatchObject({ ok: false });
  });
});

describe('the review queue', () => {
  const list = WireReviewList.parse({
    reviewables: [],
    users: [
      { id: 19, username: 'camille', name: 'Camille Roche', avatar_template: '/a/{size}.png' },
      { id: 31, username: 'newbie', name: null, avatar_template: '/b/{size}.png' },
    ],
    topics: [{ id: 77, title: 'La lampe Dune clignote', slug: 'la-lampe-dune-clignote' }],
    meta: { total_rows_reviewables: 2 },
  });

  it('holds a flagged post under its own id, with the reviewable to decide on', () => {
    const flagged = convertReviewable(
      { id: 5, type: 'ReviewableFlaggedPost', topic_id: 77, target_id: 1234, target_created_by_id: 19, created_at: '2026-11-30T11:00:00.000Z', version: 2, cooked: '<p>Promo sur <a href="https://spam.example">spam.example</a></p>', post_number: 3 },
      list,
      FORUM,
      'lumiere',
    );
    expect(flagged).toMatchObject({ ok: true, value: { remoteId: '1234', threadRemoteId: 't77', moderation: 'held', text: 'Promo sur spam.example', extra: { reviewableId: 5, reviewableVersion: 2, topicId: 77, postNumber: 3 } } });
  });

  it('holds a queued post as its own message, its Markdown as text, never as HTML', () => {
    const queued = convertReviewable(
      { id: 6, type: 'ReviewableQueuedPost', topic_id: null, created_by_id: 31, created_at: '2026-11-30T11:05:00.000Z', version: 0, payload: { raw: '**Achetez** <b>ici</b>', title: 'Promo' } },
      list,
      FORUM,
      'lumiere',
    );
    expect(queued).toMatchObject({ ok: true, value: { remoteId: 'q6', threadRemoteId: 'q6', moderation: 'held', html: null, text: '**Achetez** <b>ici</b>', author: { name: 'newbie' }, context: { text: 'Promo' }, extra: { queued: true, reviewableId: 6 } } });
  });

  it('skips users waiting for approval, and reports a reviewable whose author is missing', () => {
    expect(convertReviewable({ id: 7, type: 'ReviewableUser', created_at: '2026-11-30T11:05:00.000Z', created_by_id: 31 }, list, FORUM, 'lumiere')).toBeNull();
    expect(convertReviewable({ id: 8, type: 'ReviewableQueuedPost', created_by_id: 99, created_at: '2026-11-30T11:05:00.000Z', payload: { raw: 'x' } }, list, FORUM, 'lumiere')).toMatchObject({ ok: false, remoteId: '8' });
  });
});
