/**
 * Graph API payloads of a Facebook Page and an Instagram account into inbox items, on payloads
 * shaped like Meta's (fields of Comment, UnifiedThread, IGComment, IGMedia): threads and parents,
 * directions, the post as context, hidden comments; a broken item is skipped with its id and the
 * rest kept. And the Graph error codes and usage headers read as the documentation says.
 */
import { describe, expect, it } from 'vitest';
import { convertMediaComments, WireMedia } from '../instagram/convert';
import { convertComments, convertThread, graphTime, WirePost } from './convert';
import { graphError, missingPermission, readUsage, usageToRateLimit } from './graph';
import { messagingTypeFor } from './messaging';

const PAGE = '104857600012345';
const rawPost = { id: `${PAGE}_9001`, message: 'Notre lampe Dune est arrivée', created_time: '2026-12-01T09:00:00+0000', permalink_url: 'https://www.facebook.com/104857600012345/posts/9001', from: { id: PAGE, name: 'Atelier Lumen' } };
const post = WirePost.parse(rawPost);

describe('Facebook comments', () => {
  const page = [
    { id: '9001_1', message: 'Elle existe en blanc ?', created_time: '2026-12-01T10:00:00+0000', from: { id: '5550001', name: 'Camille Roux' }, is_hidden: false, can_reply_privately: true, permalink_url: 'https://www.facebook.com/x?comment_id=9001_1' },
    { id: '9001_2', message: 'Oui, en blanc craie !', created_time: '2026-12-01T10:05:00+0000', from: { id: PAGE, name: 'Atelier Lumen' }, parent: { id: '9001_1' } },
    { id: '9001_3', message: 12345, from: { id: '5550002' } },
    { id: '9001_4', message: 'Arnaque', created_time: '2026-12-01T11:00:00+0000', from: { id: '5550002', name: 'Hugo' }, is_hidden: true },
  ];

  it('a top-level comment and its replies are one conversation, with the post as context; the Page’s own answers are outgoing', () => {
    const { items, skipped } = convertComments(page, post, PAGE, 'own');
    expect(items.map((i) => [i.remoteId, i.threadRemoteId, i.parentRemoteId, i.direction])).toEqual([
      ['9001_1', '9001_1', null, 'in'],
      ['9001_2', '9001_1', '9001_1', 'out'],
      ['9001_4', '9001_4', null, 'in'],
    ]);
    expect(items[0]).toMatchObject({ kind: 'comment', text: 'Elle existe en blanc ?', createdAt: Date.parse('2026-12-01T10:00:00Z'), author: { remoteId: '5550001', name: 'Camille Roux' }, context: { remoteId: post.id, text: 'Notre lampe Dune est arrivée' }, extra: { type: 'comment', userId: '5550001', canReplyPrivately: true } });
    expect(items[2]!.moderation).toBe('hidden');
    // The broken comment is skipped with its id and why; the others are kept.
    expect(skipped).toEqual([{ remoteId: '9001_3', reason: expect.stringMatching(/^comment: message/) }]);
  });

  it('on a visitor’s post the conversation is the post, and a top-level comment answers it', () => {
    const visitor = WirePost.parse({ ...rawPost, id: `${PAGE}_9002`, from: { id: '5550003', name: 'Inès' } });
    const { items } = convertComments([page[0]], visitor, PAGE, 'visitor');
    expect(items[0]).toMatchObject({ threadRemoteId: visitor.id, parentRemoteId: visitor.id, context: null });
  });

  it('Graph times with +0000 are read; a bad one is refused', () => {
    expect(graphTime('2026-12-01T10:00:00+0000')).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(graphTime('yesterday')).toBeNull();
  });
});

describe('Messenger and Instagram Direct threads', () => {
  it('each message is in the thread, from the person or from the Page, with the time the window runs from', () => {
    const thread = {
      id: 't_1',
      updated_time: '2026-12-01T10:10:00+0000',
      messages: {
        data: [
          { id: 'm_2', message: 'Elle part demain.', created_time: '2026-12-01T10:10:00+0000', from: { id: PAGE, name: 'Atelier Lumen' } },
          { id: 'm_1', message: 'Où en est ma commande ?', created_time: '2026-12-01T10:00:00+0000', from: { id: '77', name: 'Hugo Petit' } },
          { id: 'm_0', created_time: 'not a time', from: { id: '77' } },
        ],
      },
    };
    const { items, skipped } = convertThread(thread, PAGE);
    expect(items.map((i) => [i.remoteId, i.threadRemoteId, i.direction, i.kind])).toEqual([
      ['m_2', 't_1', 'out', 'dm'],
      ['m_1', 't_1', 'in', 'dm'],
    ]);
    expect(items[1]!.extra).toEqual({ type: 'message', userId: '77', at: Date.parse('2026-12-01T10:00:00Z') });
    expect(skipped).toEqual([{ remoteId: 'm_0', reason: expect.stringMatching(/^message: created_time/) }]);
  });

  it('messaging window: 24 hours as a response, 7 days with the human agent tag, then nothing', () => {
    const now = Date.parse('2026-12-10T12:00:00Z');
    expect(messagingTypeFor(now - 23 * 3_600_000, now)).toEqual({ messaging_type: 'RESPONSE' });
    expect(messagingTypeFor(now - 3 * 86_400_000, now)).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(messagingTypeFor(now - 8 * 86_400_000, now)).toBeNull();
  });
});

describe('Instagram comments', () => {
  const media = WireMedia.parse({ id: '17900001', caption: 'Dune, la lampe qui se plie', timestamp: '2026-12-01T09:00:00+0000', permalink: 'https://www.instagram.com/p/abc/', username: 'atelier.lumen', comments_count: 2 });
  it('a comment and its replies are one conversation; the media is the context; hidden ones stay hidden', () => {
    const { items, skipped } = convertMediaComments(
      [
        { id: '1795_1', text: 'Le prix ?', timestamp: '2026-12-01T10:00:00+0000', username: 'lea.design', from: { id: '1789000111', username: 'lea.design' }, hidden: true, replies: { data: [{ id: '1795_2', text: '89 €', timestamp: '2026-12-01T10:02:00+0000', from: { id: '1784IG', username: 'atelier.lumen' }, parent_id: '1795_1' }] } },
        { id: '1795_3', timestamp: '2026-12-01T10:03:00+0000' },
      ],
      media,
      '1784IG',
      false,
    );
    expect(items.map((i) => [i.remoteId, i.threadRemoteId, i.parentRemoteId, i.direction, i.moderation])).toEqual([
      ['1795_1', '1795_1', null, 'in', 'hidden'],
      ['1795_2', '1795_1', '1795_1', 'out', 'visible'],
    ]);
    expect(items[0]).toMatchObject({ author: { handle: '@lea.design' }, context: { text: 'Dune, la lampe qui se plie' }, extra: { type: 'comment', mediaId: '17900001' } });
    expect(skipped).toEqual([{ remoteId: '1795_3', reason: expect.stringMatching(/^comment: text/) }]);
  });
});

describe('Graph errors and usage', () => {
  it('190 is a sign-in to renew, with the reason; 200 names the missing permission; the window subcode is a refusal of one message', () => {
    expect(graphError({ code: 190, error_subcode: 463, message: 'Session has expired' }, 400, 'GET /x', null)).toMatchObject({ kind: 'auth', message: expect.stringMatching(/^The Facebook sign-in has expired/) });
    expect(graphError({ code: 190, error_subcode: 460 }, 400, 'GET /x', null).message).toMatch(/password was changed/);
    expect(graphError({ code: 200, message: '(#200) Requires pages_messaging permission to manage the object' }, 403, 'GET /x', null).message).toMatch(/“pages_messaging”/);
    expect(graphError({ code: 10, error_subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' }, 400, 'POST /x', null).kind).toBe('not-supported');
    expect(missingPermission('(#10) Requires instagram_manage_comments permission')).toBe('instagram_manage_comments');
  });

  it('4, 17, 32, 613 and business use case codes are throttling: the wait is Meta’s estimate when it gives one', () => {
    const usage = readUsage({ 'x-business-use-case-usage': JSON.stringify({ [PAGE]: [{ type: 'pages', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 12 }] }) });
    expect(usage).toEqual({ percent: 100, regainMinutes: 12 });
    for (const code of [4, 17, 32, 613, 80001]) expect(graphError({ code }, 400, 'GET /x', null).kind).toBe('rate-limited');
    expect(graphError({ code: 32 }, 400, 'GET /x', usage).retryAfterMs).toBe(12 * 60_000);
    expect(graphError({ code: 4 }, 400, 'GET /x', null).retryAfterMs).toBe(15 * 60_000);
    expect(graphError({ code: 2 }, 500, 'GET /x', null).kind).toBe('network');
  });

  it('usage headers become the scheduler’s budget: the highest of the app’s and the Page’s, spent at 100 %', () => {
    const now = 1_000_000;
    const usage = readUsage({ 'x-app-usage': JSON.stringify({ call_count: 40, total_cputime: 75, total_time: 10 }), 'x-business-use-case-usage': JSON.stringify({ [PAGE]: [{ type: 'pages', call_count: 20, estimated_time_to_regain_access: 0 }] }) });
    expect(usageToRateLimit(usage, now)).toEqual({ limit: 100, remaining: 25, resetAt: null });
    expect(usageToRateLimit({ percent: 100, regainMinutes: 0 }, now)).toEqual({ limit: 100, remaining: 0, resetAt: now + 15 * 60_000 });
    expect(usageToRateLimit({ percent: 50, regainMinutes: 3 }, now)).toEqual({ limit: 100, remaining: 0, resetAt: now + 3 * 60_000 });
    expect(readUsage({ 'x-app-usage': 'not json' })).toBeNull();
  });
});
