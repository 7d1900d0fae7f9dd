/**
 * The calendar's reads: the month grid (per day, the exact count and the first posts by time) and
 * each published target's reply count (the comments it got in the inbox, on its account only,
 * deleted ones and the brand's own answers not counted).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAccount, item, makeCore } from '../testing/core-fixture';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);
let core: ReturnType<typeof makeCore>;
beforeEach(() => {
  core = makeCore({ startSync: false });
});
afterEach(async () => {
  await core.dispose();
});

const publish = (targetId: number, remoteId: string) =>
  core.db.prepare(`UPDATE post_targets SET state = 'published', remote_id = ?, permalink = ?, published_at = scheduled_at WHERE id = ?`).run(remoteId, `https://x.example/${remoteId}`, targetId);

describe('the calendar month grid', () => {
  it('counts every post of each day exactly and returns the first ones by time, ties by id', () => {
    const acc = addAccount(core);
    // Day 0: five posts, two at the same minute; day 1: none; day 2: one.
    const times = [T0 + 9 * 3_600_000, T0 + 8 * 3_600_000, T0 + 8 * 3_600_000, T0 + 23 * 3_600_000, T0 + DAY - 1, T0 + 2 * DAY];
    const ids = times.map((at, i) => core.posts.create({ text: `Post ${i}`, targets: [{ accountId: acc.id, scheduledAt: at }] }));
    const days = core.posts.calendarDays([T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY], 3);
    expect(days.map((d) => [d.from, d.total, d.rows.map((r) => r.excerpt)])).toEqual([
      [T0, 5, ['Post 1', 'Post 2', 'Post 0']],
      [T0 + DAY, 0, []],
      [T0 + 2 * DAY, 1, ['Post 5']],
    ]);
    // The same as the full range gives, cut at three per day.
    const full = core.posts.calendar(T0, T0 + 3 * DAY);
    expect(full.map((r) => r.post_id)).toEqual([ids[1], ids[2], ids[0], ids[3], ids[4], ids[5]]);
    expect(days[0]!.rows.map((r) => r.post_id)).toEqual(full.slice(0, 3).map((r) => r.post_id));
  });

  it('reads the month grid of 10,000 posts through the time index: a count and the first rows per day', () => {
    const plan = core.db
      .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM post_targets WHERE scheduled_at >= 1 AND scheduled_at < 2`)
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    expect(plan).toMatch(/USING COVERING INDEX post_targets_time/);
  });
});

describe('reply counts on the calendar', () => {
  it('counts the comments each published post got: replies threaded on it, and comments that name it as their context', () => {
    const mastodon = addAccount(core, 'mastodon');
    const wordpress = core.accounts.upsert({ network: 'wordpress', serverUrl: 'https://blog.example', remoteId: '1', handle: 'admin@blog.example', displayName: 'Blog' });
    const post = core.posts.create({
      text: 'Nouvelle collection',
      title: 'Nouvelle collection',
      targets: [
        { accountId: mastodon.id, scheduledAt: T0 + 3_600_000 },
        { accountId: wordpress.id, scheduledAt: T0 + 3_600_000 },
      ],
    });
    const draft = core.posts.create({ text: 'Brouillon', targets: [{ accountId: mastodon.id, scheduledAt: T0 + 7_200_000 }] });
    const [toot, article] = core.posts.get(post).targets;
    publish(toot!.id, '111');
    publish(article!.id, '42');
    // Mastodon: two replies in the thread rooted at the toot, one of them ours; one deleted later.
    core.ingest(mastodon.id, {
      items: [
        item({ remoteId: '111', threadRemoteId: '111', direction: 'out', text: 'Nouvelle collection' }),
        item({ remoteId: '112', threadRemoteId: '111', parentRemoteId: '111', text: 'Superbe !' }),
        item({ remoteId: '113', threadRemoteId: '111', parentRemoteId: '112', direction: 'out', text: 'Merci !' }),
        item({ remoteId: '114', threadRemoteId: '111', parentRemoteId: '111', text: 'Quel prix ?' }),
        item({ remoteId: '115', threadRemoteId: '115', text: 'Sans rapport' }),
      ],
      cursor: null,
    });
    // WordPress: two threads under the article (each rooted at its top-level comment), with the
    // article as context; a comment on another article is not counted.
    core.ingest(wordpress.id, {
      items: [
        item({ remoteId: '7', threadRemoteId: '7', text: 'Bravo', context: { remoteId: '42', text: 'Nouvelle collection' } }),
        item({ remoteId: '8', threadRemoteId: '7', parentRemoteId: '7', text: 'Oui bravo', context: { remoteId: '42', text: 'Nouvelle collection' } }),
        item({ remoteId: '9', threadRemoteId: '9', text: 'Livraison ?', context: { remoteId: '42', text: 'Nouvelle collection' } }),
        // Comment ids are not post ids: comment 42 under the article is a reply like the others.
        item({ remoteId: '42', threadRemoteId: '9', parentRemoteId: '9', text: 'Vers Lyon', context: { remoteId: '42', text: 'Nouvelle collection' } }),
        item({ remoteId: '10', threadRemoteId: '10', text: 'Autre article', context: { remoteId: '41', text: 'Ancien' } }),
      ],
      cursor: null,
    });
    // The same remote id on another account is not this post's.
    core.ingest(wordpress.id, { items: [item({ remoteId: '111-other', threadRemoteId: '111', text: 'Homonyme' })], cursor: null });
    core.ingest(mastodon.id, { items: [], cursor: null, deleted: [{ remoteId: '114', deletedAt: T0 + DAY }] });

    const replies = () => new Map(core.posts.calendar(T0, T0 + DAY).map((r) => [r.target_id, r.replies]));
    expect(replies()).toEqual(new Map([[toot!.id, 1], [article!.id, 4], [core.posts.get(draft).targets[0]!.id, 0]]));
    // The month grid gives the same counts.
    const [day] = core.posts.calendarDays([T0, T0 + DAY], 10);
    expect(new Map(day!.rows.map((r) => [r.target_id, r.replies]))).toEqual(replies());
  });
});
