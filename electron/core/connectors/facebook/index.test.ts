/**
 * The Facebook and Instagram connectors against the local Graph API, for what the outbox relies
 * on after a crash: a reply that may or may not have gone out is found on the network (and then
 * not sent twice), and one that did not go out is not invented.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startMetaServer, type MetaServer } from '../../../../e2e/networks/meta';
import { createInstagramConnector } from '../instagram';
import type { AccountContext, ReplyRequest } from '../types';
import { createFacebookConnector } from './index';

let meta: MetaServer;
beforeEach(async () => {
  meta = await startMetaServer();
});
afterEach(async () => {
  await meta.close();
});

/** The Page's token, as the sign-in gives it. */
async function pageToken(): Promise<string> {
  const res = await fetch(`${meta.url}/v21.0/me/accounts?fields=access_token`, { headers: { Authorization: `Bearer ${await userToken()}` } });
  return ((await res.json()) as { data: { access_token: string }[] }).data[0]!.access_token;
}

async function userToken(): Promise<string> {
  const dialog = new URL(meta.endpoints.authorize);
  dialog.searchParams.set('client_id', meta.control.app.clientId);
  dialog.searchParams.set('redirect_uri', 'http://127.0.0.1:1/callback');
  const code = new URL((await fetch(dialog, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const q = new URLSearchParams({ client_id: meta.control.app.clientId, client_secret: meta.control.app.clientSecret, redirect_uri: 'http://127.0.0.1:1/callback', code });
  return ((await (await fetch(`${meta.url}/v21.0/oauth/access_token?${q}`)).json()) as { access_token: string }).access_token;
}

it('Facebook: a comment reply and a Messenger answer that went out are found again; one that did not is not', async () => {
  const { page } = meta.control.addPage({ name: 'Atelier Lumen' });
  const token = await pageToken();
  const connector = createFacebookConnector({ defaultBaseUrl: meta.url });
  const ctx: AccountContext = { accountId: 1, network: 'facebook', serverUrl: meta.url, remoteId: page.id, handle: 'Atelier Lumen', credentials: { accessToken: token, pageId: page.id } };
  const post = meta.control.post(page.id, { message: 'Dune' });
  const question = meta.control.comment(post.id, { message: 'En blanc ?', from: { id: '1', name: 'Camille' } });
  const req: ReplyRequest = { conversationRemoteId: question.id, parentRemoteId: question.id, text: 'Oui, en blanc craie.', idempotencyKey: 'k1', parentExtra: { type: 'comment', userId: '1' } };
  expect(await connector.findReply!(ctx, req)).toBeNull();
  const sent = await connector.reply(ctx, req);
  expect(await connector.findReply!(ctx, req)).toMatchObject({ remoteId: sent.remoteId });
  expect(await connector.findReply!(ctx, { ...req, text: 'Autre chose' })).toBeNull();

  const { thread } = meta.control.message(page.id, { from: { id: '77', name: 'Hugo' }, text: 'Bonjour' });
  const dm: ReplyRequest = { conversationRemoteId: thread.id, parentRemoteId: thread.messages[0]!.id, text: 'Bonjour Hugo', idempotencyKey: 'k2', parentExtra: { type: 'message', userId: '77', at: Date.now() } };
  expect(await connector.findReply!(ctx, dm)).toBeNull();
  const out = await connector.reply(ctx, dm);
  expect(await connector.findReply!(ctx, dm)).toMatchObject({ remoteId: out.remoteId });
  expect(meta.control.sent.filter((s) => s.text === 'Bonjour Hugo')).toHaveLength(1);
});

it('Instagram: a reply under a comment that went out is found again', async () => {
  const { page, instagram } = meta.control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  const token = await pageToken();
  const connector = createInstagramConnector({ defaultBaseUrl: meta.url });
  const ctx: AccountContext = { accountId: 2, network: 'instagram', serverUrl: meta.url, remoteId: instagram!.id, handle: '@atelier.lumen', credentials: { accessToken: token, pageId: page.id } };
  const media = meta.control.media(instagram!.id, { caption: 'Dune' });
  const c = meta.control.igComment(media.id, { text: 'Prix ?', from: { id: '9', username: 'lea' } });
  const req: ReplyRequest = { conversationRemoteId: c.id, parentRemoteId: c.id, text: '89 €', idempotencyKey: 'k3', parentExtra: { type: 'comment', mediaId: media.id } };
  expect(await connector.findReply!(ctx, req)).toBeNull();
  const sent = await connector.reply(ctx, req);
  expect(await connector.findReply!(ctx, req)).toMatchObject({ remoteId: sent.remoteId });
});
