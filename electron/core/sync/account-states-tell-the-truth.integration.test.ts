/**
 * Account states tell the truth (issue 11, finding 3), through the real core, scheduler and
 * Bluesky connector against the local Bluesky server:
 * - an account the server no longer has turns "needs sign-in" with the server's reason;
 * - "Check now" answers with what really happened (failed, refused, or not run at all);
 * - an outage leaves the account polling but never "all good" while its last check failed;
 * - signing in again to the same account (same network, server and remote id, even when the
 *   server's address is written another way) repairs it instead of adding a second one, and the
 *   reply queued meanwhile goes out.
 */
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import { accountStatus, type Account } from '../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, startNetworks, waitFor, type LocalNetworks } from '../../../e2e/networks/fixture';
import { accountSecretKey } from '../secrets/secret-store';
import { makeCore } from '../testing/core-fixture';

let networks: LocalNetworks | undefined;
let core: ReturnType<typeof makeCore> | undefined;
let statuses: SyncStatus[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await networks?.stop();
  networks = undefined;
});

async function setup(): Promise<{ net: LocalNetworks; c: NonNullable<typeof core> }> {
  networks = await startNetworks();
  core = makeCore({ ...networkWiring(localEndpoints(networks.urls)), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
  statuses = [];
  core.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  return { net: networks, c: core };
}

function hasMessage(accountId: number, remoteId: string): boolean {
  return core!.db.prepare('SELECT 1 FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId) !== undefined;
}

/** Connected to the local Bluesky server, with one mention polled in. */
async function connectedWithMention(net: LocalNetworks): Promise<{ account: Account; mention: { uri: string; cid: string } }> {
  const mention = net.bluesky.control.addMention({ from: 'bob.test', text: 'Ma lampe Dune clignote' });
  const account = await connectAccount(core!, { network: 'bluesky', fields: { server: net.urls.bluesky, ...net.blueskyLogin } });
  await waitFor('the mention', () => hasMessage(account.id, mention.uri));
  return { account, mention };
}

it('an account deleted on the server turns "needs sign-in" with the reason, and "Check now" says so', async () => {
  const { net } = await setup();
  const { account } = await connectedWithMention(net);

  net.bluesky.control.deleteAccount();
  const outcome = await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  expect(outcome.checked).toBe(true);
  expect(outcome.account).toMatchObject({ id: account.id, state: 'needs-sign-in', nextPollAt: null, lastError: { kind: 'auth' } });
  expect(outcome.account.lastError!.message).toMatch(/Could not find user info/);
  expect(accountStatus(outcome.account)).toBe('needs-sign-in');

  // The list and the last status say the same; no poll is planned until a new sign-in.
  const listed = (await callCore(core!, 'accounts.list', {})).find((a) => a.id === account.id)!;
  expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' } });
  expect(statuses.filter((s) => s.accountId === account.id).at(-1)).toMatchObject({ state: 'needs-sign-in', polling: false, nextPollAt: null });
  const requestsBefore = net.bluesky.control.state().requests.length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(net.bluesky.control.state().requests.length).toBe(requestsBefore);
});

it('an outage keeps the account polling but shows it degraded with its last error, then ok again once a check succeeds', async () => {
  const { net } = await setup();
  const { account } = await connectedWithMention(net);

  // Enough 503s for one check: the call and the session probe, each tried three times.
  net.bluesky.control.injectFault({ kind: 'server-error', status: 503 }, 6);
  const failed = await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  expect(failed.checked).toBe(true);
  // Still polled (an outage passes by itself), but not "all good": the last check failed.
  expect(failed.account).toMatchObject({ state: 'ok', lastError: { kind: 'network' } });
  expect(failed.account.nextPollAt).not.toBeNull();
  expect(accountStatus(failed.account)).toBe('degraded');

  const later = net.bluesky.control.addMention({ from: 'alice.test', text: 'Toujours là ?' });
  await waitFor('the mention after the outage', () => hasMessage(account.id, later.uri), 10_000);
  const recovered = await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  expect(recovered).toMatchObject({ checked: true, account: { state: 'ok', lastError: null } });
  expect(accountStatus(recovered.account)).toBe('ok');
});

it('"Check now" on a paused account says it was not checked', async () => {
  const { net } = await setup();
  const { account } = await connectedWithMention(net);
  await callCore(core!, 'accounts.pause', { accountId: account.id });
  const requestsBefore = net.bluesky.control.state().requests.length;
  const outcome = await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  expect(outcome).toMatchObject({ checked: false, account: { state: 'paused' } });
  expect(net.bluesky.control.state().requests.length).toBe(requestsBefore);
});

it('signing in again to the same account, its server written another way, repairs it: one account, new tokens, state ok, the queued reply sent', async () => {
  const { net } = await setup();
  const { account, mention } = await connectedWithMention(net);
  const before = JSON.parse((await core!.secrets.get(accountSecretKey(account.id)))!) as Record<string, string>;

  net.bluesky.control.revokeSessions();
  const refused = await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  expect(refused.account).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' } });

  const conversation = core!.db.prepare<[number, string], { id: number }>('SELECT id FROM conversations WHERE account_id = ? AND remote_id = ?').get(account.id, mention.uri)!;
  const { messageId } = await callCore(core!, 'reply.send', { conversationId: conversation.id, text: 'Nous regardons cela tout de suite.' });
  const outboxState = () =>
    core!.db.prepare<[number], { state: string }>('SELECT o.state FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId)?.state;
  await waitFor('the reply refused while signed out', () => outboxState() === 'failed');

  // The user types the server as `HTTP://127.0.0.1:port/` this time: the same server.
  const sameServerOtherSpelling = `${net.urls.bluesky.replace(/^http:/, 'HTTP:')}/`;
  expect(sameServerOtherSpelling).not.toBe(net.urls.bluesky);
  const again = await connectAccount(core!, { network: 'bluesky', fields: { server: sameServerOtherSpelling, ...net.blueskyLogin } });
  expect(again.id).toBe(account.id);
  const listed = await callCore(core!, 'accounts.list', {});
  expect(listed.map((a) => a.id)).toEqual([account.id]);
  expect(listed[0]).toMatchObject({ serverUrl: net.urls.bluesky, state: 'ok', lastError: null });

  const after = JSON.parse((await core!.secrets.get(accountSecretKey(account.id)))!) as Record<string, string>;
  expect(after.accessJwt).not.toBe(before.accessJwt);
  await waitFor('the queued reply sent', () => outboxState() === 'sent');
  const sent = net.bluesky.control.state().posts.filter((p) => p.text === 'Nous regardons cela tout de suite.');
  expect(sent).toHaveLength(1);
});
