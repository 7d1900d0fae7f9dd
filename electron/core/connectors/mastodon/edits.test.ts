/**
 * Edits and deletions as the Mastodon connector learns them from the local server: an `update`
 * notification for a boosted status, the latest polled statuses read again each poll (an edit when
 * `edited_at` moved, a deletion when a status is gone), and nothing when the server lacks the
 * multi-status read or answers it with nothing it understood.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MastodonServer } from '../../../../e2e/networks/mastodon';
import type { AccountContext, PollResult } from '../types';
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

const byId = (result: PollResult, id: string) => result.items.find((i) => i.remoteId === id);

describe('Mastodon edits and deletions', () => {
  it('reads an update notification for a boosted status as an edit of it', async () => {
    const post = server.control.addPost({ text: 'Nouvelle collection' }).statusId;
    const reply = server.control.addReply({ from: 'camille', to: post, text: 'Superbe !' }).statusId;
    server.control.boost(reply);
    const first = await connector.poll(ctx, null);
    expect(byId(first, reply)?.editedAt).toBeUndefined();

    server.control.editStatus(reply, { text: '@parvis Superbe, surtout le vert !' });
    const second = await connector.poll(ctx, first.cursor);
    const edit = byId(second, reply)!;
    expect(edit.text).toContain('surtout le vert');
    expect(edit.editedAt).toBe(server.control.status(reply)!.editedAt);
    expect(edit.threadRemoteId).toBe(post);
    // Found through its notification this time, so it is not also read again.
    expect(second.items.filter((i) => i.remoteId === reply)).toHaveLength(1);
    expect(second.deleted ?? []).toEqual([]);
  });

  it('sees an edit without a notification, and a deletion, by reading the latest statuses again', async () => {
    const a = server.control.addMention({ from: 'hugo', text: 'Livraison en Suisse ?' }).statusId;
    const b = server.control.addMention({ from: 'ines', text: 'Merci pour le colis' }).statusId;
    const first = await connector.poll(ctx, null);
    expect(first.items.map((i) => i.remoteId)).toEqual([a, b]);

    server.control.editStatus(a, { text: '@parvis Livraison en Belgique ?' });
    server.control.deleteStatus(b);
    const second = await connector.poll(ctx, first.cursor);
    expect(second.items.map((i) => [i.remoteId, i.text.replace(/^@parvis /, ''), i.editedAt])).toEqual([
      [a, 'Livraison en Belgique ?', server.control.status(a)!.editedAt],
    ]);
    expect(second.items[0]!.threadRemoteId).toBe(a);
    expect(second.deleted?.map((d) => d.remoteId)).toEqual([b]);
    expect(server.control.state().requests.some((r) => r.path === '/api/v1/statuses' && r.method === 'GET')).toBe(true);

    // Told once: the next poll neither repeats the edit nor the deletion.
    const third = await connector.poll(ctx, second.cursor);
    expect(third.items).toEqual([]);
    expect(third.deleted ?? []).toEqual([]);
  });

  it('reports nothing when the server has no multi-status read (Mastodon before 4.3), and keeps watching', async () => {
    const a = server.control.addMention({ from: 'hugo', text: 'Bonjour' }).statusId;
    const first = await connector.poll(ctx, null);
    server.control.deleteStatus(a);
    server.control.setMultiStatusRead(false);
    const second = await connector.poll(ctx, first.cursor);
    expect(second.deleted ?? []).toEqual([]);
    expect(JSON.parse(second.cursor!).recent.map((w: [string]) => w[0])).toEqual([a]);
    // Once the server answers it (upgraded), the deletion is seen.
    server.control.setMultiStatusRead(true);
    const third = await connector.poll(ctx, second.cursor);
    expect(third.deleted?.map((d) => d.remoteId)).toEqual([a]);
  });
});
