/**
 * One malformed item in a page (a notification without an account, a record that is not a post,
 * a comment thread without its comment…) is logged and skipped, and the rest of its page is
 * stored; the account stays `ok`.
 *
 * Real core, connectors and sign-ins against the local servers, which serve the broken items among
 * the good ones in the same list response.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, networkWiring, startNetworks, waitFor, type LocalNetworks } from '../../../e2e/networks/fixture';
import { makeCore } from '../testing/core-fixture';

const SKIPPED = 'skipped an item the connector could not read';

let networks: LocalNetworks;
let core: ReturnType<typeof makeCore>;
const logs: { level: string; message: string }[] = [];

beforeAll(async () => {
  networks = await startNetworks();
  core = makeCore({
    ...networkWiring(networks.endpoints),
    syncOptions: FAST_SYNC,
    outboxOptions: FAST_OUTBOX,
    log: (level, message) => logs.push({ level, message }),
  });
});

afterAll(async () => {
  await core?.dispose();
  await networks?.stop();
});

function storedRemoteIds(accountId: number): string[] {
  return core.db
    .prepare<[number], { remote_id: string }>('SELECT remote_id FROM messages WHERE account_id = ? ORDER BY remote_id')
    .all(accountId)
    .map((r) => r.remote_id);
}

function skipWarnings(): number {
  return logs.filter((l) => l.level === 'warn' && l.message.startsWith(SKIPPED)).length;
}

/** Polls once more: how many items it skipped (0 when the cursor moved past the broken ones). */
async function skippedAgainByNextPoll(accountId: number): Promise<number> {
  const before = skipWarnings();
  await callCore(core, 'accounts.pollNow', { accountId });
  return skipWarnings() - before;
}

/** Connects, lets the first poll find an empty inbox, then runs `addPage` and polls that page. */
async function pollOnePage(request: Parameters<typeof connectAccount>[1], addPage: () => string[]) {
  const account = await connectAccount(core, request);
  await waitFor('the first poll', () => core.accounts.get(account.id)?.lastPollAt);
  const good = addPage();
  const warningsBefore = skipWarnings();
  await callCore(core, 'accounts.pollNow', { accountId: account.id });
  await waitFor('the good items', () => storedRemoteIds(account.id).length >= good.length);
  return { account, good: [...good].sort(), skipped: skipWarnings() - warningsBefore };
}

it('Mastodon: a broken notification and a broken conversation are skipped, the rest of the page is stored', async () => {
  const { control } = networks.mastodon;
  const { account, good, skipped } = await pollOnePage({ network: 'mastodon', fields: { server: networks.urls.mastodon } }, () => {
    const before = [control.addMention({ from: 'camille', text: 'La lampe Orbe est arrivée cassée' }).statusId];
    control.addMalformed('notifications');
    const middle = control.addMention({ from: 'hugo', text: 'Vous livrez en Belgique ?' }).statusId;
    control.addMalformed('conversations');
    const after = control.addDirectMessage({ from: 'lea', text: 'Voici mon numéro de commande : 48213' }).statusId;
    return [...before, middle, after];
  });
  expect(storedRemoteIds(account.id)).toEqual(good);
  expect(skipped).toBe(2);
  expect(core.accounts.get(account.id)).toMatchObject({ state: 'ok', lastError: null });

  expect(await skippedAgainByNextPoll(account.id)).toBe(0);
  expect(storedRemoteIds(account.id)).toEqual(good);
});

it('Bluesky: notifications without an author, with a record that is not a post, or with a bad URI are skipped', async () => {
  const { control } = networks.bluesky;
  const { account, good, skipped } = await pollOnePage({ network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } }, () => {
    const first = control.addMention({ from: 'alice.test', text: 'Superbe collection !' }).uri;
    control.addMalformedNotification('no-author');
    const second = control.addMention({ from: 'bob.test', text: 'Le dimmer de ma Dune ne marche plus' }).uri;
    control.addMalformedNotification('bad-record');
    control.addMalformedNotification('bad-uri');
    const third = control.addMention({ from: 'chloe.test', text: 'Quel délai pour la Belgique ?' }).uri;
    return [first, second, third];
  });
  expect(storedRemoteIds(account.id)).toEqual(good);
  expect(skipped).toBe(3);
  expect(core.accounts.get(account.id)).toMatchObject({ state: 'ok', lastError: null });
  expect(await skippedAgainByNextPoll(account.id)).toBe(0);
});

it('YouTube: a thread without its comment, with a bad date, or that is not an object is skipped', async () => {
  const { control } = networks.youtube;
  const video = control.addVideo({ title: 'Nouvelle collection Automne' });
  const { account, good, skipped } = await pollOnePage({ network: 'youtube' }, () => {
    const first = control.addThread({ videoId: video.id, text: 'Magnifique vidéo !', author: { name: '@camille' } }).id;
    control.addMalformedThread({ variant: 'missing-top-level' });
    control.addMalformedThread({ variant: 'bad-date' });
    const second = control.addThread({ videoId: video.id, text: 'Existe-t-elle en laiton ?', author: { name: '@hugo' } }).id;
    control.addMalformedThread({ variant: 'not-an-object' });
    return [first, second];
  });
  expect(storedRemoteIds(account.id)).toEqual(good);
  expect(skipped).toBe(3);
  expect(core.accounts.get(account.id)).toMatchObject({ state: 'ok', lastError: null });
});
