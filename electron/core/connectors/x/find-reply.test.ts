/**
 * After a crash or a lost answer, the outbox asks the X connector whether a reply already went
 * out before sending it again: it finds a sent reply (post or DM) by its parent and text, and
 * finds nothing for a reply that never left, so a reply is sent once.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startXServer, type XServer } from '../../../../e2e/networks/x';
import type { AccountContext, ReplyRequest } from '../types';
import { createXConnector } from './index';

let server: XServer;
let ctx: AccountContext;
const connector = () => createXConnector({ oauth: { clientId: server.control.clientId, tokenUrl: server.endpoints.token }, http: { retries: 0 } });

beforeEach(async () => {
  server = await startXServer();
  const t = server.control.issueTokens();
  ctx = { accountId: 1, network: 'x', serverUrl: server.url, remoteId: server.control.account.id, handle: '@atelierlumen', credentials: { accessToken: t.accessToken, refreshToken: t.refreshToken, monthlyReadCap: '10000' } };
});
afterEach(async () => {
  await server.close();
});

it('finds a reply already posted under the mention, and nothing for one never sent', async () => {
  const camille = server.control.user({ username: 'camille_rx', name: 'Camille' });
  const mention = server.control.post({ author: camille, text: '@atelierlumen une question' });
  const other = server.control.post({ author: camille, text: '@atelierlumen une autre' });
  const req = (parent: string, text: string): ReplyRequest => ({ conversationRemoteId: parent, parentRemoteId: parent, text, idempotencyKey: 'k', parentExtra: { kind: 'post', id: parent } });
  const x = connector();
  expect(await x.findReply!(ctx, req(mention.id, 'Bonjour Camille'))).toBeNull();
  const sent = await x.reply(ctx, req(mention.id, 'Bonjour Camille'));
  expect(await x.findReply!(ctx, req(mention.id, 'Bonjour Camille'))).toMatchObject({ remoteId: sent.remoteId });
  // The same words under another post are another reply.
  expect(await x.findReply!(ctx, req(other.id, 'Bonjour Camille'))).toBeNull();
  expect(server.control.created).toHaveLength(1);
});

it('finds a DM answer already sent in its conversation', async () => {
  const camille = server.control.user({ username: 'camille_rx', name: 'Camille' });
  const dm = server.control.dm({ from: camille, text: 'Bonjour' });
  const req: ReplyRequest = { conversationRemoteId: `dm:${dm.dm_conversation_id}`, parentRemoteId: `dm:${dm.id}`, text: 'Bonjour Camille', idempotencyKey: 'k', parentExtra: { kind: 'dm', id: dm.id, dmConversationId: dm.dm_conversation_id } };
  const x = connector();
  expect(await x.findReply!(ctx, req)).toBeNull();
  const sent = await x.reply(ctx, req);
  expect(await x.findReply!(ctx, req)).toMatchObject({ remoteId: sent.remoteId });
});
