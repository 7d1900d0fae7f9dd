import { describe, expect, it } from 'vitest';
import { convertComment, moderationOf } from './convert';
import real from './fixtures/real-answers.json';

// Recorded from a real WordPress 6.1 (see the note in the fixture): the connected user is id 1.
const ME = 1;
const [reply, held, sample] = real.all.body;
const [spam] = real.spam.body;

describe('WordPress comments into inbox items', () => {
  it('turns a held visitor comment into a held message under its post, HTML made text, e-mail kept out', () => {
    const out = convertComment(held, ME);
    if (!out.ok) throw new Error(out.reason);
    expect(out.item).toMatchObject({
      remoteId: '2',
      threadRemoteId: '2',
      parentRemoteId: null,
      kind: 'comment',
      direction: 'in',
      moderation: 'held',
      author: { name: 'Alice', handle: 'Alice', profileUrl: 'https://alice.example' },
      context: { remoteId: '4', text: 'Notre « nouvelle » version', url: 'https://blog.example.com/?p=4' },
      permalink: 'https://blog.example.com/?p=4#comment-2',
      createdAt: Date.parse(`${held!.date_gmt}Z`),
    });
    expect(out.item.text).toBe('Bravo & merci !\n\nDeuxième paragraphe lien');
    expect(out.item.author.remoteId).toMatch(/^visitor-[0-9a-f]{16}$/);
    expect(JSON.stringify(out.item)).not.toContain('alice@example.test');
  });

  it('marks our own reply as outgoing, under the comment it answers', () => {
    const out = convertComment(reply, ME);
    if (!out.ok) throw new Error(out.reason);
    expect(out.item).toMatchObject({ remoteId: '3', parentRemoteId: '2', threadRemoteId: '2', direction: 'out', author: { remoteId: 'user-1' }, moderation: 'visible' });
    // Seen by another user of the site, the same comment comes from the community.
    const other = convertComment(reply, 7);
    expect(other.ok && other.item.direction).toBe('in');
  });

  it('keeps spam as spam and the sample comment on “Hello world!” as visible', () => {
    expect(convertComment(spam, ME)).toMatchObject({ ok: true, item: { moderation: 'spam', text: 'cheap' } });
    expect(convertComment(sample, ME)).toMatchObject({ ok: true, item: { moderation: 'visible', context: { text: 'Hello world!' } } });
  });

  it('reports a malformed comment or an unknown status instead of throwing, with its id when it has one', () => {
    expect(convertComment({ ...held, date_gmt: 'yesterday' }, ME)).toMatchObject({ ok: false, remoteId: '2' });
    expect(convertComment({ ...held, status: 'pending-review-by-plugin' }, ME)).toEqual({ ok: false, remoteId: '2', reason: 'unknown comment status "pending-review-by-plugin"' });
    expect(convertComment(null, ME)).toMatchObject({ ok: false, remoteId: null });
    expect(convertComment({ id: 'x' }, ME)).toMatchObject({ ok: false, remoteId: 'x' });
  });

  it('neutralises hostile markup: no script, no event handler, in the text', () => {
    const hostile = { ...held, content: { rendered: '<p><script>alert(1)</script>Salut <img src=x onerror="alert(2)"><b>toi</b></p>' } };
    const out = convertComment(hostile, ME);
    expect(out.ok && out.item.text).toBe('Salut toi');
  });

  it('maps every WordPress status Parvis knows', () => {
    expect(['approved', 'hold', 'unapproved', 'spam', 'trash', 'post-trashed', 'other'].map(moderationOf)).toEqual(['visible', 'held', 'held', 'spam', 'removed', 'removed', null]);
  });
});
