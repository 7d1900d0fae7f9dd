/**
 * What a real Bluesky network showed (issue 11): a quote is a quote, not a reply, in the thread
 * view; and undoing a block or a mute on the network clears the author's badge in Parvis.
 *
 * Real core, real connector and sign-in, the local Bluesky server of e2e/networks on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODERATION_UNDO_WINDOW_MS, type ConversationDetail } from '../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, networkWiring, startNetworks, waitFor, type LocalNetworks } from '../../../e2e/networks/fixture';
import { makeCore } from '../testing/core-fixture';

let networks: LocalNetworks;
let core: ReturnType<typeof makeCore>;
let accountId: number;

beforeAll(async () => {
  networks = await startNetworks();
  core = makeCore({ ...networkWiring(networks.endpoints), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
  accountId = (await connectAccount(core, { network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } })).id;
});

afterAll(async () => {
  await core?.dispose();
  await networks?.stop();
});

async function conversationOf(remoteId: string): Promise<ConversationDetail> {
  const row = await waitFor(`conversation ${remoteId}`, () =>
    core.db.prepare<[number, string], { id: number }>('SELECT conversation_id AS id FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId),
  );
  return callCore(core, 'conversation.get', { conversationId: row.id, markRead: false });
}

describe('Bluesky in the inbox', () => {
  it('shows a quote as quoting the post, and a reply as answering it', async () => {
    const { control } = networks.bluesky;
    const root = control.addOwnPost('La lampe Orbe est disponible');
    const quote = control.addQuote(root.uri, { from: 'chloe.test', text: 'Enfin !' });
    const reply = control.addReply(root.uri, { from: 'alice.test', text: 'Quel prix ?' });
    await callCore(core, 'accounts.pollNow', { accountId });
    expect((await conversationOf(quote.uri)).context).toMatchObject({ text: 'La lampe Orbe est disponible', relation: 'quote' });
    expect((await conversationOf(reply.uri)).context).toMatchObject({ text: 'La lampe Orbe est disponible', relation: 'reply' });
  });

  it('unblocks and unmutes an author on the network, and the badges go', { timeout: 30_000 }, async () => {
    const { control } = networks.bluesky;
    const mention = control.addMention({ from: 'bob.test', text: 'spam spam' });
    await callCore(core, 'accounts.pollNow', { accountId });
    const detail = await conversationOf(mention.uri);
    const message = detail.messages.find((m) => m.remoteId === mention.uri)!;
    const authorFlags = async () => {
      const d = await conversationOf(mention.uri);
      const a = d.authors.find((x) => x.id === message.authorId)!;
      return { blocked: a.blocked, muted: a.muted };
    };
    for (const action of ['block-author', 'mute-author'] as const) await callCore(core, 'moderation.act', { messageId: message.id, action });
    // Shown at once, but held in the outbox for the undo window before it leaves.
    expect(await authorFlags()).toEqual({ blocked: true, muted: true });
    expect(control.state().blocks).toHaveLength(0);
    await waitFor(
      'block and mute on the network, after the undo window',
      () => (control.state().blocks.length === 1 && control.state().mutes.length === 1 ? true : null),
      MODERATION_UNDO_WINDOW_MS + 5_000,
    );
    expect(await authorFlags()).toEqual({ blocked: true, muted: true });

    for (const action of ['unblock-author', 'unmute-author'] as const) await callCore(core, 'moderation.act', { messageId: message.id, action });
    await waitFor('unblock and unmute on the network', () => (control.state().blocks.length === 0 && control.state().mutes.length === 0 ? true : null));
    expect(await authorFlags()).toEqual({ blocked: false, muted: false });
  });
});
