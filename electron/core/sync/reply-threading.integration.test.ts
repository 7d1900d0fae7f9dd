/**
 * A reply written in Parvis reaches each network threaded where the manager answered: Mastodon's
 * `in_reply_to_id`, Bluesky's `reply.root` / `reply.parent` strong refs, YouTube's
 * `snippet.parentId` (always the top-level comment: YouTube has one level of replies).
 *
 * Real core, real connectors and sign-ins, the local servers of e2e/networks on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDetail, Message } from '../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, networkWiring, startNetworks, waitFor, type LocalNetworks } from '../../../e2e/networks/fixture';
import { makeCore } from '../testing/core-fixture';

let networks: LocalNetworks;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  networks = await startNetworks();
  core = makeCore({
    ...networkWiring(networks.endpoints),
    syncOptions: FAST_SYNC,
    outboxOptions: FAST_OUTBOX,
  });
});

afterAll(async () => {
  await core?.dispose();
  await networks?.stop();
});

/** The conversation of `accountId` whose thread root on the network is `rootRemoteId`, once polled in with `messages` remote ids. */
async function polledConversation(accountId: number, rootRemoteId: string, messageRemoteIds: string[]): Promise<ConversationDetail> {
  const row = await waitFor(`conversation ${rootRemoteId}`, () =>
    core.db.prepare<[number, string], { id: number }>('SELECT id FROM conversations WHERE account_id = ? AND remote_id = ?').get(accountId, rootRemoteId),
  );
  return waitFor(`messages ${messageRemoteIds.join(', ')}`, async () => {
    const detail = await callCore(core, 'conversation.get', { conversationId: row.id, markRead: false });
    const have = new Set(detail.messages.map((m) => m.remoteId));
    return messageRemoteIds.every((id) => have.has(id)) ? detail : null;
  });
}

function messageWith(detail: ConversationDetail, remoteId: string): Message {
  const message = detail.messages.find((m) => m.remoteId === remoteId);
  if (!message) throw new Error(`no message ${remoteId}`);
  return message;
}

/** Sends a reply through the contract and waits for the outbox to deliver it; returns its remote id. */
async function replyAndDeliver(conversationId: number, text: string, parentMessageId?: number): Promise<string> {
  const { messageId } = await callCore(core, 'reply.send', { conversationId, text, ...(parentMessageId ? { parentMessageId } : {}) });
  return waitFor(`delivery of "${text}"`, async () => {
    const detail = await callCore(core, 'conversation.get', { conversationId, markRead: false });
    const sent = detail.messages.find((m) => m.id === messageId);
    expect(sent?.delivery, sent?.deliveryError ?? undefined).not.toBe('dead');
    return sent?.delivery === 'sent' ? sent.remoteId : null;
  });
}

describe('replies reach the network threaded where the manager answered', () => {
  it('Mastodon: in_reply_to_id is the message answered (the last incoming one by default)', async () => {
    const { control } = networks.mastodon;
    const post = control.addPost({ text: 'Notre suspension Halo est de retour en stock.' }).statusId;
    const first = control.addReply({ from: 'camille', to: post, text: 'Elle existe en laiton ?' }).statusId;
    const second = control.addReply({ from: 'hugo', to: first, text: 'Même question, et pour la Belgique ?' }).statusId;
    const account = await connectAccount(core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
    const detail = await polledConversation(account.id, post, [first, second]);
    expect(detail.conversation.kind).toBe('comment');

    const toFirst = await replyAndDeliver(detail.conversation.id, 'Oui, en laiton brossé !', messageWith(detail, first).id);
    const toLast = await replyAndDeliver(detail.conversation.id, 'Nous livrons aussi en Belgique.');

    const posted = control.state().posted;
    expect(posted.find((s) => s.id === toFirst)).toMatchObject({ inReplyToId: first, visibility: 'public', deleted: false });
    expect(posted.find((s) => s.id === toFirst)?.text).toContain('Oui, en laiton brossé !');
    expect(posted.find((s) => s.id === toLast)).toMatchObject({ inReplyToId: second });
    // Sent with the outbox's idempotency key, so that a retry can never post twice.
    expect(posted.find((s) => s.id === toFirst)?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('Bluesky: reply.root is the thread root and reply.parent the post answered, both strong refs', async () => {
    const { control } = networks.bluesky;
    const root = control.addOwnPost('Question du jour : quelle finition pour la lampe Orbe ?');
    const alice = control.addReply(root.uri, { from: 'alice.test', text: 'Laiton, sans hésiter.' });
    const bob = control.addReply(alice.uri, { from: 'bob.test', text: 'Plutôt noir mat pour moi.' });
    const account = await connectAccount(core, { network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } });
    const detail = await polledConversation(account.id, root.uri, [alice.uri, bob.uri]);

    const toAlice = await replyAndDeliver(detail.conversation.id, 'Merci Alice, le laiton arrive en mars.', messageWith(detail, alice.uri).id);
    const toBob = await replyAndDeliver(detail.conversation.id, 'Le noir mat est déjà disponible !');

    const posts = control.state().posts;
    expect(posts.find((p) => p.uri === toAlice)).toMatchObject({
      author: control.account.did,
      text: 'Merci Alice, le laiton arrive en mars.',
      reply: { root: { uri: root.uri, cid: root.cid }, parent: { uri: alice.uri, cid: alice.cid } },
    });
    expect(posts.find((p) => p.uri === toBob)?.reply).toEqual({ root: { uri: root.uri, cid: root.cid }, parent: { uri: bob.uri, cid: bob.cid } });
  });

  it('YouTube: snippet.parentId is the top-level comment, even when answering a reply', async () => {
    const { control } = networks.youtube;
    const video = control.addVideo({ title: 'Dans l’atelier : souffler le verre de la lampe Orbe' });
    const top = control.addThread({ videoId: video.id, text: 'Combien de temps pour une lampe ?', author: { name: '@camille' } });
    const reply = control.addReply({ parentId: top.id, text: 'Je me demandais aussi !', author: { name: '@hugo' } });
    const account = await connectAccount(core, { network: 'youtube' });
    const detail = await polledConversation(account.id, top.id, [top.id, reply.id]);
    expect(detail.conversation.contextTitle).toContain('souffler le verre');

    const sent = await replyAndDeliver(detail.conversation.id, 'Environ six heures de travail à deux.', messageWith(detail, reply.id).id);

    expect(control.insertedReplies).toEqual([expect.objectContaining({ id: sent, parentId: top.id, textOriginal: 'Environ six heures de travail à deux.' })]);
    expect(control.comment(sent)).toMatchObject({ parentId: top.id, authorChannelId: control.channelId });
  });
});
