/**
 * Reddit converters on API-shaped things (reddit.com/dev/api): inbox comments threaded on their
 * post through `context`, mentions, private messages in their first message's thread, modqueue
 * items held with their reports, edits; a broken thing skipped with the rest kept.
 */
import { describe, expect, it } from 'vitest';
import { parseSubreddits } from './auth';
import { thingsToItems } from './convert';

const inboxReply = {
  kind: 't1',
  data: { id: 'kq1x2c3', name: 't1_kq1x2c3', author: 'camille_rx', body: 'Elle existe en blanc ?', created_utc: 1_796_000_000, subreddit: 'AtelierLumen', parent_id: 't3_1hk2m3', context: '/r/AtelierLumen/comments/1hk2m3/la_lampe_dune/kq1x2c3/?context=3', link_title: 'La lampe Dune', type: 'post_reply', subject: 'post reply', was_comment: true },
};
const mention = { kind: 't1', data: { ...inboxReply.data, id: 'kq1x2c4', name: 't1_kq1x2c4', type: 'username_mention', subject: 'username mention', parent_id: 't1_kq0000' } };
const pm = { kind: 't4', data: { id: '2abcd', name: 't4_2abcd', author: 'hugo_m', body: 'Rien reçu', subject: 'Colis', created_utc: 1_796_000_100, first_message_name: null, dest: 'AtelierLumen' } };
const pmReply = { kind: 't4', data: { ...pm.data, id: '2abce', name: 't4_2abce', body: 'Toujours rien', first_message_name: 't4_2abcd' } };
const queued = {
  kind: 't1',
  data: { id: 'kq9', name: 't1_kq9', author: 'troll42', body: 'Arnaque', created_utc: 1_796_000_200, subreddit: 'AtelierLumen', link_id: 't3_1hk2m3', parent_id: 't3_1hk2m3', permalink: '/r/AtelierLumen/comments/1hk2m3/la_lampe_dune/kq9/', num_reports: 1, user_reports: [['Harcèlement', 1, false, false]], mod_reports: [], edited: 1_796_000_300 },
};
const queuedPost = { kind: 't3', data: { id: '1hk9', name: 't3_1hk9', author: 'spam_bot', title: 'Promo', selftext: 'lien', created_utc: 1_796_000_250, subreddit: 'AtelierLumen', permalink: '/r/AtelierLumen/comments/1hk9/promo/' } };

describe('thingsToItems', () => {
  it('threads inbox comments on their post, tells mentions apart, and keeps private messages in their first message’s thread', () => {
    const { items, skipped } = thingsToItems([inboxReply, mention, pm, pmReply, { kind: 't1', data: { id: 'bad' } }, { kind: 't5', data: { name: 't5_x' } }, 'nope'], 'inbox', 'AtelierLumen');
    expect(items.map((i) => [i.remoteId, i.threadRemoteId, i.kind])).toEqual([
      ['t1_kq1x2c3', 't3_1hk2m3', 'comment'],
      ['t1_kq1x2c4', 't3_1hk2m3', 'mention'],
      ['t4_2abcd', 't4_2abcd', 'dm'],
      ['t4_2abce', 't4_2abcd', 'dm'],
    ]);
    expect(items[0]).toMatchObject({ parentRemoteId: 't3_1hk2m3', author: { handle: 'u/camille_rx', profileUrl: 'https://www.reddit.com/user/camille_rx' }, context: { text: 'La lampe Dune' }, moderation: 'visible' });
    expect(items[2]!.text).toBe('Colis\n\nRien reçu');
    expect(items[3]!.text).toBe('Toujours rien');
    expect(skipped.map((s) => s.remoteId)).toEqual([null, 't5_x', null]);
    expect(skipped[0]!.reason).toMatch(/not a readable Reddit t1/);
  });

  it('holds modqueue items, with their reports, their subreddit for bans, and an edit time', () => {
    const { items } = thingsToItems([queued, queuedPost], 'modqueue', 'AtelierLumen');
    expect(items[0]).toMatchObject({ moderation: 'held', threadRemoteId: 't3_1hk2m3', editedAt: 1_796_000_300_000, extra: { fullname: 't1_kq9', subreddit: 'AtelierLumen', listedIn: 'modqueue', reports: ['Harcèlement'] } });
    expect(items[1]).toMatchObject({ moderation: 'held', threadRemoteId: 't3_1hk9', text: 'Promo\n\nlien', kind: 'comment' });
  });
});

describe('parseSubreddits', () => {
  it('reads names as users type them and drops what Reddit would not accept', () => {
    expect(parseSubreddits('r/AtelierLumen, /r/lampes ;design_fr  r/x r/AtelierLumen')).toEqual(['AtelierLumen', 'lampes', 'design_fr']);
  });
});
