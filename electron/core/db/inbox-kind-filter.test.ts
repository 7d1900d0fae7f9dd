/**
 * The inbox filtered by kind (feed entries, direct messages, mentions…), alone and with the other
 * filters, in lists and searches; a kind no conversation has gives an empty list.
 */
import { afterEach, expect, it } from 'vitest';
import { dispatch } from '../rpc';
import { addAccount, item, makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore> | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

async function list(filter: Record<string, unknown>): Promise<string[]> {
  const res = await dispatch(core!.handlers, 'inbox.list', { filter, limit: 50 });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { items: { snippet: string }[] }).items.map((c) => c.snippet);
}

it('keeps only the conversations of the chosen kinds, with the other filters and the search', async () => {
  core = makeCore();
  const acc = addAccount(core);
  core.ingest(acc.id, {
    items: [
      item({ remoteId: 'f1', threadRemoteId: 'F1', kind: 'feed', text: 'Soldes d’hiver sur les abat-jour', createdAt: 1000 }),
      item({ remoteId: 'd1', threadRemoteId: 'D1', kind: 'dm', text: 'Ma commande 48213 est arrivée cassée', createdAt: 2000 }),
      item({ remoteId: 'm1', threadRemoteId: 'M1', kind: 'mention', text: 'Les abat-jour sont superbes', createdAt: 3000 }),
      item({ remoteId: 'c1', threadRemoteId: 'C1', kind: 'comment', text: 'Et en blanc ?', createdAt: 4000 }),
    ],
    cursor: null,
  });
  expect(await list({ kind: ['feed'] })).toEqual(['Soldes d’hiver sur les abat-jour']);
  expect(await list({ kind: ['dm', 'mention'] })).toEqual(['Les abat-jour sont superbes', 'Ma commande 48213 est arrivée cassée']);
  expect(await list({ kind: ['mention'], status: ['open'], network: ['mastodon'] })).toEqual(['Les abat-jour sont superbes']);
  expect(await list({ kind: ['feed', 'mention'], query: 'abat-jour' })).toEqual(['Les abat-jour sont superbes', 'Soldes d’hiver sur les abat-jour']);
  expect(await list({ kind: ['email'] })).toEqual([]);
  // An unknown kind is refused at the contract, not silently ignored.
  expect((await dispatch(core.handlers, 'inbox.list', { filter: { kind: ['forum'] }, limit: 50 })).ok).toBe(false);
});
