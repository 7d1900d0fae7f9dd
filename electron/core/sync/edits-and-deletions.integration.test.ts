/**
 * Edits and deletions on the network reach the inbox the way Mastodon tells a polling client:
 * an `update` notification for a status the account boosted, and for the others the statuses
 * polled last, read again (GET /api/v1/statuses). An edit replaces the message in place; a deleted
 * status is kept, marked, and its words leave the search; polling on changes nothing more.
 *
 * Real core, real Mastodon connector and sign-in, the scheduler, the local server of e2e/networks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDetail, ConversationSummary } from '../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, networkWiring, startNetworks, waitFor, type LocalNetworks } from '../../../e2e/networks/fixture';
import { makeCore } from '../testing/core-fixture';

let networks: LocalNetworks;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  networks = await startNetworks();
  core = makeCore({ ...networkWiring(networks.endpoints), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
});

afterAll(async () => {
  await core?.dispose();
  await networks?.stop();
});

async function search(query: string): Promise<number[]> {
  const page = await callCore(core, 'inbox.list', { filter: { query }, cursor: null, limit: 50 });
  return page.items.map((c: ConversationSummary) => c.id);
}

const detailOf = (conversationId: number): Promise<ConversationDetail> => callCore(core, 'conversation.get', { conversationId, markRead: false });

/** Polls the account now and waits until `check` holds on the conversation. */
async function pollUntil(accountId: number, conversationId: number, what: string, check: (d: ConversationDetail) => boolean): Promise<ConversationDetail> {
  return waitFor(what, async () => {
    await callCore(core, 'accounts.pollNow', { accountId });
    const detail = await detailOf(conversationId);
    return check(detail) ? detail : null;
  });
}

describe('Mastodon edits and deletions', () => {
  it('an edited status replaces its message, a deleted one is kept and marked, and replays change nothing', async () => {
    const { control } = networks.mastodon;
    const post = control.addPost({ text: 'Notre lampe Orbe arrive en vert sauge.' }).statusId;
    const boosted = control.addReply({ from: 'camille', to: post, text: 'Elle existe en laiton ?' }).statusId;
    const plain = control.addReply({ from: 'hugo', to: post, text: 'Livraison possible en Suisse ?' }).statusId;
    control.boost(boosted);
    const account = await connectAccount(core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
    const row = await waitFor('the thread', () =>
      core.db.prepare<[number, string], { id: number }>('SELECT id FROM conversations WHERE account_id = ? AND remote_id = ?').get(account.id, post),
    );
    const conversationId = row.id;
    await pollUntil(account.id, conversationId, 'both replies', (d) => d.messages.length === 2);

    // Camille edits the status we boosted: Mastodon sends us an `update` notification.
    expect(control.editStatus(boosted, { text: '@parvis Elle existe en cuivre brossé ?' }).notificationId).not.toBeNull();
    let detail = await pollUntil(account.id, conversationId, 'the boosted edit', (d) => d.messages.some((m) => m.text.includes('cuivre')));
    const edited = detail.messages.find((m) => m.remoteId === boosted)!;
    expect(edited.editedAt).toBe(control.status(boosted)!.editedAt);
    expect(detail.messages).toHaveLength(2);
    expect(await search('cuivre')).toEqual([conversationId]);
    expect(await search('laiton')).toEqual([]);

    // Hugo edits his (not boosted: no notification); the next polls read it again and see it.
    expect(control.editStatus(plain, { text: '@parvis Livraison possible en Belgique ?' }).notificationId).toBeNull();
    detail = await pollUntil(account.id, conversationId, 'the plain edit', (d) => d.messages.some((m) => m.text.includes('Belgique')));
    expect(detail.messages.find((m) => m.remoteId === plain)!.editedAt).not.toBeNull();
    expect(detail.messages).toHaveLength(2);
    expect(await search('Suisse')).toEqual([]);
    expect(await search('Belgique')).toEqual([conversationId]);

    // Hugo deletes his status: its notification disappears, it answers 404; the inbox keeps it, marked.
    control.deleteStatus(plain);
    detail = await pollUntil(account.id, conversationId, 'the deletion', (d) => d.messages.some((m) => m.remoteId === plain && m.deletedAt));
    const gone = detail.messages.find((m) => m.remoteId === plain)!;
    expect(gone.text).toContain('Belgique');
    expect(detail.messages).toHaveLength(2);
    expect(await search('Belgique')).toEqual([]);
    expect(await search('cuivre')).toEqual([conversationId]);

    // More polls: nothing changes (the same deletion, the same edits, no duplicate).
    for (let i = 0; i < 3; i++) await callCore(core, 'accounts.pollNow', { accountId: account.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await detailOf(conversationId);
    expect(after.messages.map((m) => [m.remoteId, m.text, m.editedAt, m.deletedAt])).toEqual(
      detail.messages.map((m) => [m.remoteId, m.text, m.editedAt, m.deletedAt]),
    );
    expect(after.conversation.messageCount).toBe(2);
  });
});
