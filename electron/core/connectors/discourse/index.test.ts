/**
 * The Discourse connector against the local forum, without the core: paging that loses nothing
 * (notifications by offset, watched categories by `before=`), a refused write told apart from a
 * dead key, hiding through the review queue, and a reply found again after a crash.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startDiscourseServer, type DiscourseServer } from '../../../../e2e/networks/discourse';
import { ConnectorError, type AccountContext } from '../types';
import { SUSPEND_DAYS, createDiscourseConnector } from './index';

let server: DiscourseServer;
let ctx: AccountContext;
const connector = createDiscourseConnector({ retries: 0 });

beforeEach(async () => {
  server = await startDiscourseServer();
  const { key, clientId } = server.control.issueKey(server.control.me, 'parvis-test');
  ctx = {
    accountId: 1,
    network: 'discourse',
    serverUrl: server.url,
    remoteId: String(server.control.me.id),
    handle: `lumiere@${new URL(server.url).host}`,
    credentials: { mode: 'user-api-key', userApiKey: key, clientId, username: 'lumiere', staff: 'true', categories: 'support', tags: '' },
  };
});
afterEach(async () => {
  await server.close();
});

it('pages notifications and watched posts down to what it read: 45 mentions and 70 support posts, nothing lost, nothing twice', async () => {
  const { control } = server;
  const camille = control.user({ username: 'camille' });
  const support = control.category({ name: 'Support', slug: 'support' });
  const other = control.category({ name: 'Annonces', slug: 'annonces' });
  const { topic } = control.topic({ title: 'Aide', by: camille, raw: 'Une question sur la lampe Dune, svp.', categoryId: support.id });
  const { topic: news } = control.topic({ title: 'Nouveautés', by: camille, raw: 'Les nouveautés de la semaine sont là.', categoryId: other.id });
  const first = await connector.poll(ctx, null);
  expect(first.items.map((i) => i.text)).toEqual(['Une question sur la lampe Dune, svp.']);

  const mentions = Array.from({ length: 45 }, (_, i) => control.reply({ topicId: topic.id, by: camille, raw: `@lumiere relance numéro ${i} sur ma commande` }));
  const posts = Array.from({ length: 25 }, (_, i) => control.reply({ topicId: topic.id, by: camille, raw: `Détail numéro ${i} de ma question` }));
  control.reply({ topicId: news.id, by: camille, raw: 'Une annonce qui ne nous concerne pas.' });
  const second = await connector.poll(ctx, first.cursor);
  const ids = second.items.map((i) => Number(i.remoteId));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort((a, b) => a - b)).toEqual([...mentions, ...posts].map((p) => p.id));
  expect(second.items.filter((i) => i.kind === 'mention')).toHaveLength(45);
  // A poll with nothing new brings nothing.
  expect((await connector.poll(ctx, second.cursor)).items).toEqual([]);
});

it('tells a refused write (403 on a live key) from a dead key, and hides a post through the review queue', async () => {
  const { control } = server;
  const camille = control.user({ username: 'camille' });
  const { topic, post } = control.topic({ title: 'Aide', by: camille, raw: 'Une question sur la lampe Dune, svp.' });
  const request = { messageRemoteId: String(post.id), authorRemoteId: String(camille.id), conversationRemoteId: `t${topic.id}`, idempotencyKey: 'k1' };
  await connector.moderate(ctx, { ...request, action: 'report' });
  // Flagging twice: Discourse refuses with 403, the key is fine: a refusal, not "needs sign-in".
  await expect(connector.moderate(ctx, { ...request, action: 'report', idempotencyKey: 'k2' })).rejects.toMatchObject({ kind: 'not-supported' });
  await connector.moderate(ctx, { ...request, action: 'hide', messageExtra: { reviewableId: control.post(post.id)!.reviewableId }, idempotencyKey: 'k3' });
  expect(control.post(post.id)?.hidden).toBe(true);
  await connector.moderate(ctx, { ...request, action: 'unhide', idempotencyKey: 'k4' });
  expect(control.post(post.id)?.hidden).toBe(false);

  control.revokeKeys();
  const dead = await connector.moderate(ctx, { ...request, action: 'spam', idempotencyKey: 'k5' }).catch((err: unknown) => err);
  expect(dead).toBeInstanceOf(ConnectorError);
  expect(dead).toMatchObject({ kind: 'auth' });
});

it('finds a reply already sent (a crash after the send) and answers null when there is none', async () => {
  const { control } = server;
  const camille = control.user({ username: 'camille' });
  const { topic } = control.topic({ title: 'Aide', by: camille, raw: 'Une question sur la lampe Dune, svp.' });
  const question = control.reply({ topicId: topic.id, by: camille, raw: '@lumiere et la garantie, elle dure combien ?' });
  const req = { conversationRemoteId: `t${topic.id}`, parentRemoteId: String(question.id), text: 'Bonjour Camille, elle dure deux ans.', idempotencyKey: 'r1', parentExtra: { topicId: topic.id, postNumber: question.postNumber } };
  expect(await connector.findReply!(ctx, req)).toBeNull();
  const sent = await connector.reply(ctx, req);
  expect(control.post(Number(sent.remoteId))).toMatchObject({ replyToPostNumber: question.postNumber });
  expect(await connector.findReply!(ctx, req)).toMatchObject({ remoteId: sent.remoteId });
  // Without the stored numbers, the parent is looked up on the forum.
  const again = await connector.reply(ctx, { ...req, text: 'Et elle couvre aussi la lampe de chevet.', parentExtra: {} });
  expect(control.post(Number(again.remoteId))).toMatchObject({ topicId: topic.id, replyToPostNumber: question.postNumber });
  // Too short for Discourse: a refusal the outbox stops at, with Discourse's words.
  await expect(connector.reply(ctx, { ...req, text: 'Merci !' })).rejects.toMatchObject({ kind: 'not-supported', message: expect.stringMatching(/too short/) });
});

it('suspends for the days chosen, and for SUSPEND_DAYS when none are (Discourse wants an end)', async () => {
  const { control } = server;
  const camille = control.user({ username: 'camille' });
  const dan = control.user({ username: 'dan' });
  const { topic, post } = control.topic({ title: 'Aide', by: camille, raw: 'Une question sur la lampe Dune, svp.' });
  const rude = control.reply({ topicId: topic.id, by: dan, raw: 'Quelle marque de voleurs' });
  const tillOf = (id: number) => Date.parse(control.userById(id)!.suspendedTill!);
  const before = Date.now();
  await connector.moderate(ctx, { action: 'ban-author', messageRemoteId: String(rude.id), authorRemoteId: String(dan.id), conversationRemoteId: `t${topic.id}`, reason: 'Insultes', durationDays: 3, idempotencyKey: 'b1' });
  await connector.moderate(ctx, { action: 'ban-author', messageRemoteId: String(post.id), authorRemoteId: String(camille.id), conversationRemoteId: `t${topic.id}`, reason: 'Spam', idempotencyKey: 'b2' });
  const after = Date.now();
  expect(tillOf(dan.id)).toBeGreaterThanOrEqual(before + 3 * 86_400_000);
  expect(tillOf(dan.id)).toBeLessThanOrEqual(after + 3 * 86_400_000);
  expect(tillOf(camille.id)).toBeGreaterThanOrEqual(before + SUSPEND_DAYS * 86_400_000);
  expect(tillOf(camille.id)).toBeLessThanOrEqual(after + SUSPEND_DAYS * 86_400_000);
});
