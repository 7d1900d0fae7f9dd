/**
 * A network that goes away in the middle of paging through a backlog, and comes back, leaves the
 * inbox with exactly the server's messages: none missing, none twice. The page and its cursor are
 * committed together, so a failed poll is read again from the last committed position.
 *
 * - Mastodon (pages forward with min_id): the server stops right after the first page is committed;
 * - Bluesky (pages backwards with an opaque cursor, over several polls): the second page of a poll
 *   fails with 503s after the first page was read, so the whole poll is dropped and read again;
 * - YouTube (one pageToken page per poll): the server stops after the first page is committed.
 *
 * Real core, connectors and sign-ins; each local server sits behind a relay that can go down and
 * come back on the same port.
 */
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import {
  FAST_OUTBOX,
  FAST_SYNC,
  callCore,
  connectAccount,
  localEndpoints,
  networkWiring,
  startNetworks,
  startRelay,
  waitFor,
  type LocalNetworks,
  type Relay,
} from '../../../e2e/networks/fixture';
import { makeCore } from '../testing/core-fixture';

let networks: LocalNetworks | undefined;
let core: ReturnType<typeof makeCore> | undefined;
const relays: Relay[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await Promise.all(relays.splice(0).map((r) => r.close()));
  await networks?.stop();
  networks = undefined;
});

/** Networks behind relays, and a core whose connectors reach them through the relays. */
async function setup() {
  networks = await startNetworks();
  const [mastodon, bluesky, youtube] = await Promise.all([startRelay(networks.urls.mastodon), startRelay(networks.urls.bluesky), startRelay(networks.urls.youtube)]);
  relays.push(mastodon, bluesky, youtube);
  core = makeCore({ ...networkWiring(localEndpoints({ bluesky: bluesky.url, youtube: youtube.url })), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
  const statuses: SyncStatus[] = [];
  core.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  return { networks, core, relays: { mastodon, bluesky, youtube }, statuses };
}

function storedRemoteIds(accountId: number): string[] {
  return core!.db
    .prepare<[number], { remote_id: string }>('SELECT remote_id FROM messages WHERE account_id = ? AND remote_id IS NOT NULL ORDER BY remote_id')
    .all(accountId)
    .map((r) => r.remote_id);
}

/** Stops `relay` as soon as the account's first page of new messages is committed; resolves with how many were stored then. */
function stopAfterFirstPage(accountId: number, relay: Relay): Promise<number> {
  return new Promise((resolve) => {
    const off = core!.onEvent((event, payload) => {
      if (event !== 'inbox.changed' || (payload as { reason: string }).reason !== 'ingest') return;
      const stored = storedRemoteIds(accountId).length;
      if (stored === 0) return;
      off();
      void relay.stop();
      resolve(stored);
    });
  });
}

/** Waits until the account holds exactly `expected`, then polls once more and checks nothing changes. */
async function expectExactly(accountId: number, expected: string[]): Promise<void> {
  const wanted = [...new Set(expected)].sort();
  await waitFor(`all ${wanted.length} messages`, () => storedRemoteIds(accountId).length >= wanted.length, 10_000);
  await callCore(core!, 'accounts.pollNow', { accountId });
  expect(storedRemoteIds(accountId)).toEqual(wanted);
}

it('Mastodon: stopped after the first committed page and started again, no gap and no duplicate', async () => {
  const { networks: net, core: c, relays: r, statuses } = await setup();
  const account = await connectAccount(c, { network: 'mastodon', fields: { server: r.mastodon.url } });
  await waitFor('the first poll', () => c.accounts.get(account.id)?.lastPollAt);

  // A backlog of three pages of mentions (40 a page) and two pages of direct messages (20 a page).
  const backlog = [...net.mastodon.control.addMany(95, 'mention'), ...net.mastodon.control.addMany(25, 'dm')];
  const storedWhenStopped = stopAfterFirstPage(account.id, r.mastodon);
  void callCore(c, 'accounts.pollNow', { accountId: account.id });
  expect(await storedWhenStopped).toBeLessThan(backlog.length);

  // Down: polls fail as network errors (quietly: the account stays ok) and back off.
  const failed = await waitFor('a poll failing while the server is down', () =>
    statuses.find((s) => s.accountId === account.id && s.lastError?.kind === 'network' && !s.polling),
  );
  expect(failed.state).toBe('ok');
  const meanwhile = net.mastodon.control.addMany(5, 'mention', { from: 'latecomer' });
  await r.mastodon.start();

  await expectExactly(account.id, [...backlog, ...meanwhile]);
});

it('Bluesky: 503s on the second page of a poll drop that poll; read again, no gap and no duplicate', async () => {
  const { networks: net, core: c, relays: r, statuses } = await setup();
  const account = await connectAccount(c, { network: 'bluesky', fields: { server: r.bluesky.url, ...net.blueskyLogin } });
  await waitFor('the first poll', () => c.accounts.get(account.id)?.lastPollAt);

  // 230 mentions: more than one poll reads (4 pages of 50), so paging also spans polls.
  const people = net.bluesky.control.community.map((p) => p.handle);
  const backlog = Array.from({ length: 230 }, (_, i) => net.bluesky.control.addMention({ from: people[i % people.length], text: `Question numéro ${i + 1}` }).uri);
  // Every attempt at a next page (first try and the transport's two retries) fails, once.
  const isNextPage = (req: { path: string; query: URLSearchParams }) => req.path.endsWith('/app.bsky.notification.listNotifications') && req.query.has('cursor');
  r.bluesky.failWhen(isNextPage, 3, 503);
  let storedAtFailure: number | null = null;
  const off = c.onEvent((event, payload) => {
    const status = payload as SyncStatus;
    if (event === 'sync.status' && status.lastError?.kind === 'network' && storedAtFailure === null) storedAtFailure = storedRemoteIds(account.id).length;
  });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });

  const failed = await waitFor('the poll failing on its second page', () =>
    statuses.find((s) => s.accountId === account.id && s.lastError?.kind === 'network' && !s.polling),
  );
  off();
  expect(failed.state).toBe('ok');
  expect(r.bluesky.requests.filter((q) => isNextPage(q) && q.status === 503)).toHaveLength(3);
  // The failed poll stored nothing of what it had read.
  expect(storedAtFailure).toBe(0);

  await expectExactly(account.id, backlog);
});

it('YouTube: stopped after the first committed page and started again, no gap and no duplicate', async () => {
  const { networks: net, core: c, relays: r, statuses } = await setup();
  const account = await connectAccount(c, { network: 'youtube' });
  await waitFor('the first cycle', () => c.accounts.get(account.id)?.lastPollAt);

  // 250 threads, some with a reply: three pages of 100 threads.
  const threads = net.youtube.control.addManyThreads({ count: 250, stepSeconds: 30 });
  const replies = threads.filter((_, i) => i % 10 === 0).map((t) => net.youtube.control.addReply({ parentId: t.id, text: 'Merci pour la réponse !', author: { name: '@camille' } }));
  const storedWhenStopped = stopAfterFirstPage(account.id, r.youtube);
  void callCore(c, 'accounts.pollNow', { accountId: account.id });
  expect(await storedWhenStopped).toBeLessThan(threads.length);

  await waitFor('a poll failing while the server is down', () =>
    statuses.find((s) => s.accountId === account.id && s.lastError?.kind === 'network' && !s.polling),
  );
  await r.youtube.start();

  // The server's own view of what is published on the channel.
  const state = (await (await fetch(`${net.urls.youtube}/__control/state`)).json()) as { comments: { id: string; moderationStatus: string }[] };
  const published = state.comments.filter((cm) => cm.moderationStatus === 'published').map((cm) => cm.id);
  expect(published).toHaveLength(threads.length + replies.length);
  await expectExactly(account.id, published);
});
