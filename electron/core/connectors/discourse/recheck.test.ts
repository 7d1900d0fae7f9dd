/**
 * Edits and deletions of posts read before, against the local Discourse (which edits, bumps and
 * deletes as Discourse does: a new version bumps the topic only when it is the topic's last post,
 * a small edit by the author within 5 minutes keeps the version, a moderator's deletion shows
 * staff `deleted_at` and hides the post from others, an author's deletion leaves a stub).
 * Without the core: what each poll reports, and what it costs.
 */
import { afterEach, expect, it } from 'vitest';
import { DELETED_BY_AUTHOR, startDiscourseServer, type DiscourseServer, type FakeUser } from '../../../../e2e/networks/discourse';
import type { AccountContext, PollResult } from '../types';
import { createDiscourseConnector } from './index';
import { LOOKUPS, RECHECK_REQUESTS } from './recheck';

let server: DiscourseServer | undefined;
let clock = Date.parse('2026-12-01T10:00:00Z');

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function forum(staff: boolean, perMinute: number | null = null) {
  clock = Date.parse('2026-12-01T10:00:00Z');
  const settings = { now: () => clock, staff, userApiReqsPerMinute: perMinute };
  server = await startDiscourseServer(settings);
  const { control } = server;
  const { key, clientId } = control.issueKey(control.me, 'parvis-test');
  const ctx: AccountContext = {
    accountId: 1,
    network: 'discourse',
    serverUrl: server.url,
    remoteId: String(control.me.id),
    handle: `lumiere@${new URL(server.url).host}`,
    credentials: { mode: 'user-api-key', userApiKey: key, clientId, username: 'lumiere', staff: String(staff), categories: '', tags: '' },
  };
  const connector = createDiscourseConnector({ retries: 0, now: () => clock });
  let cursor: string | null = null;
  /** One poll; the paths it asked for. */
  const poll = async (): Promise<PollResult & { paths: string[] }> => {
    const before = control.requests().length;
    clock += 60_000;
    const result = await connector.poll(ctx, cursor);
    cursor = result.cursor;
    return { ...result, paths: control.requests().slice(before).map((r) => r.path) };
  };
  const camille = control.user({ username: 'camille', name: 'Camille Roche' });
  /** The admin changes max_user_api_reqs_per_minute (the fake reads its options on each request). */
  const setLimit = (n: number | null) => void (settings.userApiReqsPerMinute = n);
  return { control, camille, poll, setLimit };
}

/** `count` topics, each with one mention of the brand by `by`; oldest first. */
function mentions(control: DiscourseServer['control'], by: FakeUser, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const { topic } = control.topic({ title: `Sujet ${i}`, by, raw: `Premier message du sujet numéro ${i}.` });
    const post = control.reply({ topicId: topic.id, by, raw: `@lumiere une question dans le sujet ${i}, merci.` });
    return { topic, post };
  });
}

it('an edit of an older post read polls ago is found within the rotation, dated by the edit; nothing else comes twice; each poll stays within its budget', async () => {
  const { control, camille, poll } = await forum(true);
  const threads = mentions(control, camille, 7);
  const first = await poll();
  expect(first.items.map((i) => i.remoteId).sort()).toEqual(threads.map((t) => String(t.post.id)).sort());
  // Three quiet polls: nothing new, nothing reported, a few requests each.
  for (let i = 0; i < 3; i++) {
    const quiet = await poll();
    expect(quiet.items).toEqual([]);
    expect(quiet.deleted ?? []).toEqual([]);
  }

  // Someone answers in topic 0 afterwards; Camille then corrects her older post there: its topic
  // is not bumped by that (it is not the topic's last post), the version moves.
  const oldest = threads[0]!;
  control.reply({ topicId: oldest.topic.id, by: control.user({ username: 'dan' }), raw: 'Même question pour moi, merci.' });
  const bumpedBefore = control.topicOf(oldest.topic.id)!.bumpedAt;
  clock += 10 * 60_000;
  control.edit(oldest.post.id, '@lumiere une question dans le sujet 0 : la lampe Dune, pas la Lune.');
  expect(control.topicOf(oldest.topic.id)!.bumpedAt).toBe(bumpedBefore);
  expect(control.post(oldest.post.id)!.version).toBe(2);

  const polls: Awaited<ReturnType<typeof poll>>[] = [];
  const within = Math.ceil(threads.length / RECHECK_REQUESTS) + 1;
  for (let i = 0; i < within && !polls.some((p) => p.items.length > 0); i++) polls.push(await poll());
  const found = polls.flatMap((p) => p.items);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ remoteId: String(oldest.post.id), text: '@lumiere une question dans le sujet 0 : la lampe Dune, pas la Lune.', editedAt: control.post(oldest.post.id)!.updatedAt });
  // The edit keeps what the store knows: no moderation verdict comes with it.
  expect(found[0]!.moderation).toBeUndefined();
  for (const p of polls) {
    const rechecks = p.paths.filter((path) => /^\/t\/\d+\/posts\.json$/.test(path) || /^\/posts\/\d+\.json$/.test(path));
    expect(rechecks.length).toBeLessThanOrEqual(RECHECK_REQUESTS + LOOKUPS);
    expect(p.paths.filter((path) => path === '/latest.json')).toHaveLength(1);
  }
  // Reported once: the polls after it say nothing more.
  for (let i = 0; i < within; i++) expect((await poll()).items).toEqual([]);
});

it('the last post corrected a minute after it was read is found at the next poll (its topic is bumped), a small quick correction too (same version)', async () => {
  const { control, camille, poll } = await forum(true);
  const threads = mentions(control, camille, 9);
  await poll();
  await poll();
  // Topic 8 is the newest: the rotation starts from the top; topic 1's last post is deep in it.
  const deep = threads[1]!;
  clock += 10 * 60_000;
  control.edit(deep.post.id, '@lumiere une question dans le sujet 1, et une photo de la lampe.');
  const next = await poll();
  expect(next.items).toMatchObject([{ remoteId: String(deep.post.id), text: '@lumiere une question dans le sujet 1, et une photo de la lampe.' }]);

  // A quick small edit by the author: Discourse keeps version 2, `updated_at` and the text move.
  clock += 30_000;
  control.edit(deep.post.id, '@lumiere une question dans le sujet 1, et deux photos de la lampe.');
  expect(control.post(deep.post.id)!.version).toBe(2);
  // Not the newest version: the topic is not bumped, the rotation finds it.
  const polls: Awaited<ReturnType<typeof poll>>[] = [];
  for (let i = 0; i < Math.ceil(threads.length / RECHECK_REQUESTS) + 1 && !polls.some((p) => p.items.length); i++) polls.push(await poll());
  const found = polls.flatMap((p) => p.items);
  expect(found).toMatchObject([{ remoteId: String(deep.post.id), text: '@lumiere une question dans le sujet 1, et deux photos de la lampe.', editedAt: control.post(deep.post.id)!.updatedAt }]);
});

it('deletions: a moderator’s (staff see deleted_at), an author’s (the stub); a moved post is not a deletion', async () => {
  const { control, camille, poll } = await forum(true);
  const [a, b, c] = mentions(control, camille, 3);
  const { topic: elsewhere } = control.topic({ title: 'Ailleurs', by: camille, raw: 'Un autre sujet pour déplacer les messages.' });
  await poll();
  control.deletePost(a!.post.id);
  control.userDeletePost(b!.post.id);
  expect(control.post(b!.post.id)).toMatchObject({ raw: DELETED_BY_AUTHOR, userDeleted: true });
  control.movePost(c!.post.id, elsewhere.id);
  const next = await poll();
  expect((next.deleted ?? []).map((d) => d.remoteId).sort()).toEqual([String(a!.post.id), String(b!.post.id)].sort());
  // The stub's text is never taken for an edit.
  expect(next.items).toEqual([]);

  // The moved post is followed in its new topic: its later edit is found there.
  control.edit(c!.post.id, '@lumiere une question dans le sujet 2, déplacée et complétée.', control.me);
  const after = [await poll(), await poll()];
  expect(after.flatMap((p) => p.items)).toMatchObject([{ remoteId: String(c!.post.id), text: '@lumiere une question dans le sujet 2, déplacée et complétée.' }]);
  expect(after.flatMap((p) => p.deleted ?? [])).toEqual([]);
});

it('a non-staff user: a deleted post is gone from the topic and from /posts (404); a hidden post’s placeholder is no edit, only the hidden state', async () => {
  const { control, camille, poll } = await forum(false);
  const [a, b] = mentions(control, camille, 2);
  await poll();
  control.deletePost(a!.post.id);
  control.post(b!.post.id)!.hidden = true;
  const next = await poll();
  expect(next.deleted?.map((d) => d.remoteId)).toEqual([String(a!.post.id)]);
  expect(next.paths).toContain(`/posts/${a!.post.id}.json`);
  expect(next.items).toHaveLength(1);
  expect(next.items[0]).toMatchObject({ remoteId: String(b!.post.id), moderation: 'hidden', editedAt: null });
  // Shown again: back to visible, its text unchanged (no edit).
  control.post(b!.post.id)!.hidden = false;
  const shown = [await poll(), await poll()].flatMap((p) => p.items);
  expect(shown).toMatchObject([{ remoteId: String(b!.post.id), moderation: 'visible', editedAt: null }]);
});

it('a 429 while re-reading fails the poll as a whole: the cursor stays, the next poll brings the new mention and the edit, once each', async () => {
  // Four requests a minute: a poll's notifications, the new mention's topic, the review queue and
  // /latest.json pass; the re-read of the other topic gets the 429.
  const { control, camille, poll, setLimit } = await forum(true, 4);
  const [a, b] = mentions(control, camille, 2);
  await poll();
  control.edit(a!.post.id, '@lumiere une question dans le sujet 0, précisée après coup.', control.me);
  const mention = control.reply({ topicId: b!.topic.id, by: camille, raw: '@lumiere vous avez vu ma précision ?' });
  clock += 60_000;
  const refused = await (async () => {
    try {
      await poll();
      return null;
    } catch (err) {
      return err;
    }
  })();
  expect(refused).toMatchObject({ kind: 'rate-limited' });
  expect(control.requests().at(-1)?.path).toBe(`/t/${a!.topic.id}/posts.json`);
  setLimit(60);
  const next = await poll();
  expect(next.items.map((i) => i.remoteId).sort()).toEqual([String(a!.post.id), String(mention.id)].sort());
  expect(next.items.find((i) => i.remoteId === String(a!.post.id))?.text).toContain('précisée après coup');
  expect((await poll()).items).toEqual([]);
});

it('a watched post that comes back from the review queue (someone flagged it) is still read again: the deletion that followed the flag is found in the same poll', async () => {
  const { control, camille, poll } = await forum(true);
  const [a] = mentions(control, camille, 1);
  await poll();
  control.flag(a!.post.id, control.user({ username: 'dan' }), 8);
  control.userDeletePost(a!.post.id);
  const next = await poll();
  // The review queue brings it held (its flag), the topic read says its author deleted it.
  expect(next.items).toMatchObject([{ remoteId: String(a!.post.id), moderation: 'held' }]);
  expect(next.deleted?.map((d) => d.remoteId)).toEqual([String(a!.post.id)]);
  expect((await poll()).deleted ?? []).toEqual([]);
});

it('a post its author deleted before the first read is not brought in as "(post deleted by author)"', async () => {
  const { control, camille, poll } = await forum(true);
  const [a, b] = mentions(control, camille, 2);
  control.userDeletePost(a!.post.id);
  const first = await poll();
  expect(first.items.map((i) => i.remoteId)).toEqual([String(b!.post.id)]);
  expect(first.items.map((i) => i.text).join(' ')).not.toContain('deleted by author');
});

it('a topic read for a new mention brings its watched posts along: an edit there is found without a second read of the topic', async () => {
  const { control, camille, poll } = await forum(true);
  const [a] = mentions(control, camille, 1);
  await poll();
  clock += 10 * 60_000;
  control.edit(a!.post.id, '@lumiere une question dans le sujet 0, avec le numéro de commande.');
  const mention = control.reply({ topicId: a!.topic.id, by: camille, raw: '@lumiere et une seconde question, tant qu’à faire.' });
  const next = await poll();
  expect(next.items.map((i) => [i.remoteId, i.text])).toEqual([
    [String(mention.id), '@lumiere et une seconde question, tant qu’à faire.'],
    [String(a!.post.id), '@lumiere une question dans le sujet 0, avec le numéro de commande.'],
  ]);
  expect(next.paths.filter((p) => p === `/t/${a!.topic.id}/posts.json`)).toHaveLength(1);
  // Both watched from now on, nothing reported twice.
  expect((await poll()).items).toEqual([]);
});
