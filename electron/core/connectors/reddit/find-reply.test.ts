/**
 * After a crash or a lost answer, the outbox asks the Reddit connector whether a reply already
 * went out before sending it again: found by its parent and text among the account's comments or
 * sent messages; nothing for a reply that never left.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startRedditServer, type RedditServer } from '../../../../e2e/networks/reddit';
import type { AccountContext, ReplyRequest } from '../types';
import { createRedditConnector } from './index';

let server: RedditServer;
let ctx: AccountContext;
const connector = () => createRedditConnector({ oauth: { clientId: server.control.clientId, tokenUrl: server.endpoints.token }, http: { retries: 0 } });

beforeEach(async () => {
  server = await startRedditServer();
  server.control.subreddit('AtelierLumen', { moderated: true });
  const t = server.control.issueTokens();
  ctx = { accountId: 1, network: 'reddit', serverUrl: server.url, remoteId: server.control.account, handle: 'u/AtelierLumen', credentials: { accessToken: t.accessToken, refreshToken: t.refreshToken, subreddits: '' } };
});
afterEach(async () => {
  await server.close();
});

it('finds a comment reply already posted under its parent, and nothing for one never sent', async () => {
  const post = server.control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Question' });
  const comment = server.control.comment({ parent: post.name, author: 'dan_k', text: 'Et moi ?' });
  const req = (parent: string): ReplyRequest => ({ conversationRemoteId: post.name, parentRemoteId: parent, text: 'Merci !', idempotencyKey: 'k', parentExtra: { fullname: parent } });
  const reddit = connector();
  expect(await reddit.findReply!(ctx, req(comment.name))).toBeNull();
  const sent = await reddit.reply(ctx, req(comment.name));
  expect(await reddit.findReply!(ctx, req(comment.name))).toMatchObject({ remoteId: sent.remoteId });
  expect(await reddit.findReply!(ctx, req(post.name))).toBeNull();
});

it('finds a private message answer already sent in its thread', async () => {
  const pm = server.control.message({ from: 'camille_rx', subject: 'Commande', text: 'Où en est-elle ?' });
  const req: ReplyRequest = { conversationRemoteId: pm.name, parentRemoteId: pm.name, text: 'Elle part demain.', idempotencyKey: 'k', parentExtra: { fullname: pm.name } };
  const reddit = connector();
  expect(await reddit.findReply!(ctx, req)).toBeNull();
  const sent = await reddit.reply(ctx, req);
  expect(await reddit.findReply!(ctx, req)).toMatchObject({ remoteId: sent.remoteId });
});
