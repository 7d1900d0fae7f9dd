/**
 * Replying and moderating against the local Mastodon server: the reply reaches the server with the
 * right in_reply_to_id, visibility and mentions, one status per Idempotency-Key, findReply finds it
 * after a crash, and block / mute / report / delete are recorded by the server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MastodonServer } from '../../../../e2e/networks/mastodon';
import { ConnectorError, type AccountContext, type ModerateRequest, type ReplyRequest } from '../types';
import { startLocalMastodon, testConnector } from './fixtures/local-account';

let server: MastodonServer;
let ctx: AccountContext;
const connector = testConnector();

beforeEach(async () => {
  ({ server, ctx } = await startLocalMastodon());
});

afterEach(async () => {
  await server.close();
});

/** Polls once and returns the item for a status, as the store would keep it. */
async function polledItem(statusId: string) {
  const result = await connector.poll(ctx, null);
  const item = result.items.find((i) => i.remoteId === statusId);
  if (!item) throw new Error(`status ${statusId} was not polled`);
  return item;
}

function replyTo(item: Awaited<ReturnType<typeof polledItem>>, text: string, key: string): ReplyRequest {
  return { conversationRemoteId: item.threadRemoteId, parentRemoteId: item.remoteId, text, idempotencyKey: key, parentExtra: item.extra };
}

describe('Mastodon reply', () => {
  it('posts in reply to the parent, addressing its author, once per idempotency key', async () => {
    const post = server.control.addPost({ text: 'New release!' });
    const comment = server.control.addReply({ from: 'alice', to: post.statusId, text: 'Does it support exports?' });
    const item = await polledItem(comment.statusId);

    const request = replyTo(item, 'Yes, from the settings page.', 'outbox-action-17');
    const first = await connector.reply(ctx, request);
    const again = await connector.reply(ctx, request);
    expect(again.remoteId).toBe(first.remoteId);

    const posted = server.control.state().posted.filter((p) => p.inReplyToId === comment.statusId);
    expect(posted).toEqual([
      {
        id: first.remoteId,
        text: '@alice Yes, from the settings page.',
        inReplyToId: comment.statusId,
        visibility: 'public',
        idempotencyKey: 'outbox-action-17',
        deleted: false,
      },
    ]);
    const sends = server.control.state().requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');
    expect(sends.map((r) => r.idempotencyKey)).toEqual(['outbox-action-17', 'outbox-action-17']);
    expect(first.permalink).toContain(first.remoteId);
    expect(first.extra).toMatchObject({ visibility: 'public', author: { id: server.control.meId } });
  });

  it('keeps a DM direct, and reads the parent from the server when nothing was stored with it', async () => {
    const dm = server.control.addDirectMessage({ from: 'carol', text: 'my invoice is wrong' });
    const result = await connector.reply(ctx, {
      conversationRemoteId: dm.statusId,
      parentRemoteId: dm.statusId,
      text: 'Sorry! Sending a fix.',
      idempotencyKey: 'outbox-action-18',
    });
    expect(server.control.status(result.remoteId)).toMatchObject({
      visibility: 'direct',
      inReplyToId: dm.statusId,
      text: '@carol Sorry! Sending a fix.',
    });
    expect(server.control.state().requests.some((r) => r.method === 'GET' && r.path === `/api/v1/statuses/${dm.statusId}`)).toBe(true);
  });

  it('finds a reply that was sent before a crash, and nothing when none was', async () => {
    const mention = server.control.addMention({ from: 'bob', text: 'any news?' });
    const item = await polledItem(mention.statusId);
    const request = replyTo(item, 'Soon, promise.', 'outbox-action-19');
    await expect(connector.findReply!(ctx, request)).resolves.toBeNull();

    const sent = await connector.reply(ctx, request);
    await expect(connector.findReply!(ctx, request)).resolves.toMatchObject({ remoteId: sent.remoteId });
    await expect(connector.findReply!(ctx, { ...request, text: 'Something else' })).resolves.toBeNull();
    await expect(connector.findReply!(ctx, { ...request, parentRemoteId: '999' })).resolves.toBeNull();
  });

  it('turns a refused reply into a bad-response error with the server message', async () => {
    const mention = server.control.addMention({ from: 'bob', text: 'write me an essay' });
    const item = await polledItem(mention.statusId);
    const error = await connector.reply(ctx, replyTo(item, 'x'.repeat(600), 'outbox-action-20')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'bad-response', status: 422 });
    expect((error as Error).message).toMatch(/character limit/);
  });
});

describe('Mastodon moderation', () => {
  function request(action: ModerateRequest['action'], statusId: string, authorId: string, reason?: string): ModerateRequest {
    return { action, messageRemoteId: statusId, authorRemoteId: authorId, conversationRemoteId: statusId, reason, idempotencyKey: `mod-${action}` };
  }

  it('blocks, mutes and reports the author; the server records each', async () => {
    const mention = server.control.addMention({ from: 'spammer', text: 'buy followers' });
    const authorId = server.control.status(mention.statusId)!.accountId;

    await expect(connector.moderate(ctx, request('block-author', mention.statusId, authorId))).resolves.toEqual({
      remoteResult: { accountId: authorId, blocking: true },
    });
    await connector.moderate(ctx, request('mute-author', mention.statusId, authorId));
    const report = await connector.moderate(ctx, request('report', mention.statusId, authorId, 'spam: '.padEnd(1500, 'x')));

    const state = server.control.state();
    expect(state.blocks).toEqual([authorId]);
    expect(state.mutes).toEqual([{ accountId: authorId, notifications: true }]);
    expect(state.reports).toHaveLength(1);
    expect(state.reports[0]).toMatchObject({ id: report.remoteResult!.reportId, accountId: authorId, statusIds: [mention.statusId], category: 'spam' });
    expect(state.reports[0]!.comment).toHaveLength(1000);

    await connector.moderate(ctx, request('unblock-author', mention.statusId, authorId));
    await connector.moderate(ctx, request('unmute-author', mention.statusId, authorId));
    expect(server.control.state().blocks).toEqual([]);
    expect(server.control.state().mutes).toEqual([]);
  });

  it('sends report reason codes as Mastodon categories, the code first in the comment when it has none', async () => {
    const mention = server.control.addMention({ from: 'spammer', text: 'insultes' });
    const authorId = server.control.status(mention.statusId)!.accountId;
    await connector.moderate(ctx, request('report', mention.statusId, authorId, 'harassment: insulte tout le monde'));
    await connector.moderate(ctx, request('report', mention.statusId, authorId, 'illegal'));
    // A translated label is not a code: it reaches the moderators as written, under "other".
    await connector.moderate(ctx, request('report', mention.statusId, authorId, 'Spam or scam'));
    expect(server.control.state().reports.map((r) => [r.category, r.comment])).toEqual([
      ['other', 'harassment: insulte tout le monde'],
      ['legal', ''],
      ['other', 'Spam or scam'],
    ]);
  });

  it('deletes our own status, and treats an already deleted one as done', async () => {
    const post = server.control.addPost({ text: 'oops, typo' });
    const req = request('delete-own', post.statusId, server.control.meId);
    await expect(connector.moderate(ctx, req)).resolves.toEqual({ remoteResult: { deletedId: post.statusId } });
    expect(server.control.status(post.statusId)!.deleted).toBe(true);
    await expect(connector.moderate(ctx, req)).resolves.toEqual({ remoteResult: { deletedId: post.statusId, alreadyGone: true } });
  });

  it('refuses what Mastodon cannot do, with the reason the UI shows', async () => {
    const mention = server.control.addMention({ from: 'alice', text: 'hi' });
    const authorId = server.control.status(mention.statusId)!.accountId;
    for (const action of ['hide', 'remove', 'ban-author', 'spam'] as const) {
      const error = await connector.moderate(ctx, request(action, mention.statusId, authorId)).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'not-supported', message: connector.capabilities.unsupportedReasons![action] });
    }
    await expect(connector.moderate(ctx, request('delete-own', mention.statusId, authorId))).rejects.toMatchObject({ kind: 'not-supported' });
    expect(server.control.status(mention.statusId)!.deleted).toBe(false);
    expect(server.control.state().requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('declares its capabilities', () => {
    expect(connector.capabilities).toMatchObject({
      maxReplyLength: 500,
      directMessages: true,
      reply: true,
      moderation: ['block-author', 'unblock-author', 'mute-author', 'unmute-author', 'report', 'delete-own'],
    });
    expect(Object.keys(connector.capabilities.unsupportedReasons!)).toEqual(expect.arrayContaining(['hide', 'remove']));
  });
});
