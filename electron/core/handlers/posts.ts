/** Posts to publish: compose, schedule, and decide about posts that came due while Parvis was closed. */
import type { Post } from '../../../shared/posts';
import { publishesText } from '../../../shared/networks';
import { checkPostText } from '../../../shared/text-length';
import { checkImages, describeImageProblem } from '../../../shared/media-limits';
import { publishedText, type CalendarRow, type PostRow, type TargetRow } from '../db/posts';
import { CoreError } from '../rpc';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

type PostCalls = 'posts.create' | 'posts.update' | 'posts.list' | 'posts.schedule' | 'posts.decide' | 'posts.get' | 'posts.move' | 'posts.calendar' | 'posts.calendarDays';

/** The images of the post (targetId null) or of a target's variant; absent: none known. */
type MediaOf = (targetId: number | null) => number[];

export function toPost(post: PostRow, targets: TargetRow[], mediaOf?: MediaOf): Post {
  return {
    id: post.id,
    uid: post.uid,
    text: post.text,
    link: post.link,
    firstComment: post.first_comment,
    title: post.title,
    updatedAt: post.updated_at,
    targets: targets.map((t) => ({
      id: t.id,
      accountId: t.account_id,
      textOverride: t.text_override,
      scheduledAt: t.scheduled_at,
      state: t.state,
      heldByNetwork: t.remote_scheduled_id !== null && t.state === 'scheduled',
      givenUp: t.state === 'failed' && t.next_attempt_at === null,
      remoteId: t.remote_id,
      permalink: t.permalink,
      publishedAt: t.published_at,
      attempts: t.attempts,
      lastError: t.last_error,
      media: t.media_override && mediaOf ? mediaOf(t.id) : null,
    })),
    media: mediaOf ? mediaOf(null) : [],
  };
}

function toCalendarEntry(r: CalendarRow) {
  return {
    targetId: r.target_id,
    postId: r.post_id,
    accountId: r.account_id,
    at: r.at,
    state: r.state,
    heldByNetwork: r.remote_scheduled_id !== null && r.state === 'scheduled',
    excerpt: r.excerpt,
    permalink: r.permalink,
    replies: r.replies,
  };
}

export function postHandlers(s: CoreServices): DomainHandlers<PostCalls> {
  const mediaOf = (postId: number): MediaOf => (targetId) => s.posts.mediaOf(postId, targetId);
  const read = (postId: number) => {
    const { post, targets } = s.posts.get(postId);
    return toPost(post, targets, mediaOf(postId));
  };
  const publisher = () => {
    if (!s.publisher) throw new CoreError('not-supported', 'Publishing needs the networks, which this run does not connect');
    return s.publisher;
  };
  /** Each draft's text against its network's limits, from the descriptor. */
  const check = (postId: number) => {
    const { post, targets } = s.posts.get(postId);
    const problems: string[] = [];
    for (const t of targets) {
      if (t.state !== 'draft') continue;
      const account = s.accounts.get(t.account_id);
      const descriptor = account ? s.knownDescriptors.find((d) => d.id === account.network) : undefined;
      if (!account || !descriptor || !publishesText(descriptor.publish) || s.connectorPublishes(account.network) === false) {
        problems.push(`account ${t.account_id}: this network cannot publish from Parvis`);
        continue;
      }
      if (descriptor.titleRequired && !post.title?.trim()) problems.push(`${account.handle}: ${descriptor.displayName} needs a title`);
      if (t.scheduled_at === null) problems.push(`${account.handle}: no time set`);
      const problem = checkPostText(publishedText(post, t), descriptor.text);
      if (problem?.kind === 'empty') problems.push(`${account.handle}: the text is empty`);
      if (problem?.kind === 'too-long') problems.push(`${account.handle}: ${problem.length} characters, ${descriptor.displayName} allows ${problem.max}`);
      const images = s.posts.mediaOf(postId, t.id).map((id) => s.media.get(id));
      const limits = descriptor.publish.includes('image') ? descriptor.images : undefined;
      for (const p of checkImages(images, limits)) problems.push(`${account.handle}: ${describeImageProblem(p)}`);
    }
    if (problems.length > 0) throw new CoreError('invalid-input', problems.join('; '));
  };
  const changed = (postId: number) => s.postsChanged([postId]);
  return {
    'posts.create': (input) => {
      const id = s.posts.create(input);
      changed(id);
      return read(id);
    },
    'posts.update': ({ postId, ...input }) => {
      s.posts.update(postId, input);
      changed(postId);
      return read(postId);
    },
    'posts.list': () => s.posts.list().map(({ post, targets }) => toPost(post, targets, mediaOf(post.id))),
    'posts.schedule': ({ postId }) => {
      check(postId);
      publisher().schedule(postId);
      return read(postId);
    },
    'posts.get': ({ postId }) => read(postId),
    'posts.move': async ({ targetId, at }) => {
      // A draft's time is only local data: it moves even in a run that publishes nothing (the demo).
      let postId = s.posts.moveDraft(targetId, at);
      if (postId === null) {
        await publisher().move(targetId, at);
        postId = s.posts.postOf(targetId);
      }
      changed(postId);
      return read(postId);
    },
    'posts.calendar': ({ from, to }) => s.posts.calendar(from, to).map(toCalendarEntry),
    'posts.calendarDays': ({ dayStarts, perDay }) =>
      s.posts.calendarDays(dayStarts, perDay).map((d) => ({ from: d.from, to: d.to, total: d.total, entries: d.rows.map(toCalendarEntry) })),
    'posts.decide': (decision) => {
      const p = publisher();
      p.decide(decision.targetId, decision.action === 'publish-now' ? { action: 'publish-now' } : { action: 'reschedule', at: decision.at });
      const postId = s.db.prepare<[number], { post_id: number }>('SELECT post_id FROM post_targets WHERE id = ?').get(decision.targetId)!.post_id;
      return read(postId);
    },
  };
}
