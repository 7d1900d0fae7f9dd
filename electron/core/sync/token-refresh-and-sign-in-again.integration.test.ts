/**
 * Expired access tokens are renewed without the user (Bluesky refreshSession, Google's refresh
 * token for YouTube, a Mastodon-compatible server that issues refresh tokens) and the new
 * credentials land in the SecretStore. When renewing is refused (revoked), the account turns
 * `needs-sign-in` (sync.status and accounts.list) and nothing queued for it is lost: a reply sent
 * meanwhile waits in the outbox (failed, never dead) and is delivered once the account is signed in
 * again through the normal connect flow.
 *
 * Real core, connectors and sign-ins against the local servers.
 */
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import type { Account } from '../../../shared/model';
import {
  FAST_OUTBOX,
  FAST_SYNC,
  callCore,
  connectAccount,
  localEndpoints,
  networkWiring,
  startNetworks,
  waitFor,
  type LocalNetworks,
} from '../../../e2e/networks/fixture';
import { startMastodonServer, type MastodonServer } from '../../../e2e/networks/mastodon';
import { accountSecretKey } from '../secrets/secret-store';
import { makeCore } from '../testing/core-fixture';

let networks: LocalNetworks | undefined;
let extraMastodon: MastodonServer | undefined;
let core: ReturnType<typeof makeCore> | undefined;
let statuses: SyncStatus[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await networks?.stop();
  networks = undefined;
  await extraMastodon?.close();
  extraMastodon = undefined;
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

async function storedCredentials(accountId: number): Promise<Record<string, string>> {
  const raw = await core!.secrets.get(accountSecretKey(accountId));
  if (!raw) throw new Error(`no credentials for account ${accountId}`);
  return JSON.parse(raw) as Record<string, string>;
}

function hasMessage(accountId: number, remoteId: string): boolean {
  return core!.db.prepare('SELECT 1 FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId) !== undefined;
}

/** Adds activity with `add`, polls, and waits for it: the poll had to renew the expired token. */
async function pollThroughExpiredToken(account: Account, add: () => string): Promise<void> {
  const remoteId = add();
  await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  await waitFor(`message ${remoteId}`, () => hasMessage(account.id, remoteId));
  expect(core!.accounts.get(account.id)).toMatchObject({ state: 'ok', lastError: null });
}

it('Mastodon (a server that issues refresh tokens): the expired token is renewed and stored', async () => {
  const { net, c } = await setup();
  const account = await connectAccount(c, { network: 'mastodon', fields: { server: net.urls.mastodon } });
  const before = await storedCredentials(account.id);
  expect(before.refreshToken).toBeTruthy();

  net.mastodon.control.expireTokens();
  await pollThroughExpiredToken(account, () => net.mastodon.control.addMention({ from: 'camille', text: 'Ma commande est arrivée cassée' }).statusId);

  const after = await storedCredentials(account.id);
  expect(after.accessToken).not.toBe(before.accessToken);
  // The server rotates refresh tokens: the new one must be kept, or the next renewal fails.
  expect(after.refreshToken).not.toBe(before.refreshToken);
  expect(after).toMatchObject({ clientId: before.clientId, clientSecret: before.clientSecret });
});

it('Bluesky: the expired access JWT is renewed with refreshSession and the new pair is stored', async () => {
  const { net, c } = await setup();
  const account = await connectAccount(c, { network: 'bluesky', fields: { server: net.urls.bluesky, ...net.blueskyLogin } });
  const before = await storedCredentials(account.id);
  // The app password is used once to sign in and never kept.
  expect(Object.values(before)).not.toContain(net.blueskyLogin.password);

  net.bluesky.control.expireAccessTokens();
  await pollThroughExpiredToken(account, () => net.bluesky.control.addMention({ from: 'alice.test', text: 'Superbe lampe !' }).uri);

  const after = await storedCredentials(account.id);
  expect(after.accessJwt).not.toBe(before.accessJwt);
  expect(after.refreshJwt).not.toBe(before.refreshJwt);
  expect(after).toMatchObject({ did: before.did, handle: before.handle });
  expect(net.bluesky.control.state().requests.filter((r) => r.nsid === 'com.atproto.server.refreshSession')).toEqual([
    { method: 'POST', nsid: 'com.atproto.server.refreshSession', status: 200 },
  ]);
});

it('YouTube: the expired access token is renewed with the refresh token, which Google keeps', async () => {
  const { net, c } = await setup();
  const account = await connectAccount(c, { network: 'youtube' });
  const before = await storedCredentials(account.id);
  expect(before.refreshToken).toBeTruthy();

  net.youtube.control.expireAccessTokens();
  await pollThroughExpiredToken(account, () => net.youtube.control.addThread({ text: 'Magnifique vidéo !', author: { name: '@camille' } }).id);

  const after = await storedCredentials(account.id);
  expect(after.accessToken).not.toBe(before.accessToken);
  expect(after.refreshToken).toBe(before.refreshToken);
});

interface RevocationCase {
  /** The account, connected, with one incoming conversation polled in. */
  connect(): Promise<{ account: Account; conversationRemoteId: string }>;
  /** Makes the access token fail and renewing it impossible. */
  revoke(): void;
  /** Signs the account in again the way the user would (the connect dialog). */
  signInAgain(): Promise<Account>;
  /** The reply as the network received it (with its threading), or undefined. */
  received(remoteId: string): unknown;
}

/** The whole story: revoked, needs sign-in, a reply waits, signed in again, the reply goes out. */
async function revokedThenSignedInAgain(story: RevocationCase, expectedOnNetwork: (remoteId: string) => unknown) {
  const { account, conversationRemoteId } = await story.connect();
  const conversation = core!.db
    .prepare<[number, string], { id: number }>('SELECT id FROM conversations WHERE account_id = ? AND remote_id = ?')
    .get(account.id, conversationRemoteId);
  expect(conversation).toBeDefined();

  story.revoke();
  await callCore(core!, 'accounts.pollNow', { accountId: account.id });
  await waitFor('a needs-sign-in status', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'));
  const listed = (await callCore(core!, 'accounts.list', {})).find((a) => a.id === account.id);
  expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' }, nextPollAt: null });

  // The manager answers anyway: the reply is queued, refused, and waits for the sign-in.
  const { messageId } = await callCore(core!, 'reply.send', { conversationId: conversation!.id, text: 'Nous revenons vers vous très vite.' });
  const outbox = () =>
    core!.db.prepare<[number], { state: string; attempts: number; last_error: string | null }>('SELECT o.state, o.attempts, o.last_error FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
  await waitFor('the refused reply', () => outbox()?.state === 'failed');
  // Waiting for a sign-in is not a failed attempt: it can never make the reply dead.
  expect(outbox()).toMatchObject({ state: 'failed', attempts: 0, last_error: expect.stringMatching(/^auth: /) });
  // The account stays stopped: no poll is planned until it is signed in again.
  expect(core!.accounts.get(account.id)).toMatchObject({ state: 'needs-sign-in', nextPollAt: null });

  const again = await story.signInAgain();
  expect(again.id).toBe(account.id);
  const remoteId = await waitFor('the reply delivered after the new sign-in', () => {
    const row = core!.db.prepare<[number], { remote_id: string | null; state: string }>('SELECT m.remote_id, o.state FROM messages m JOIN outbox o ON o.id = m.outbox_id WHERE m.id = ?').get(messageId);
    expect(row?.state).not.toBe('dead');
    return row?.state === 'sent' ? row.remote_id : null;
  });
  expect(story.received(remoteId!)).toEqual(expectedOnNetwork(remoteId!));
  await waitFor('the account back to ok', async () => (await callCore(core!, 'accounts.list', {})).find((a) => a.id === account.id)?.state === 'ok');
  expect(statuses.filter((s) => s.accountId === account.id).at(-1)).toMatchObject({ state: 'ok', lastError: null });
}

it('Mastodon without refresh tokens: a revoked token means sign in again; the queued reply is then delivered', async () => {
  await setup();
  // Mastodon itself issues no refresh token: an expired or revoked token cannot be renewed.
  extraMastodon = await startMastodonServer({ issueRefreshTokens: false });
  const server = extraMastodon;
  let mention = '';
  await revokedThenSignedInAgain(
    {
      connect: async () => {
        mention = server.control.addMention({ from: 'camille', text: 'Où en est ma commande n°48213 ?' }).statusId;
        const account = await connectAccount(core!, { network: 'mastodon', fields: { server: server.url } });
        await waitFor('the mention', () => hasMessage(account.id, mention));
        return { account, conversationRemoteId: mention };
      },
      revoke: () => server.control.expireTokens(),
      signInAgain: () => connectAccount(core!, { network: 'mastodon', fields: { server: server.url } }),
      received: (id) => server.control.state().posted.find((s) => s.id === id)?.inReplyToId,
    },
    () => mention,
  );
});

it('Bluesky: revoked sessions mean sign in again with the app password; the queued reply is then delivered', async () => {
  const { net } = await setup();
  const { control } = net.bluesky;
  let mention = { uri: '', cid: '' };
  await revokedThenSignedInAgain(
    {
      connect: async () => {
        mention = control.addMention({ from: 'bob.test', text: 'Le dimmer de ma lampe Dune ne marche plus' });
        const account = await connectAccount(core!, { network: 'bluesky', fields: { server: net.urls.bluesky, ...net.blueskyLogin } });
        await waitFor('the mention', () => hasMessage(account.id, mention.uri));
        return { account, conversationRemoteId: mention.uri };
      },
      revoke: () => control.revokeSessions(),
      signInAgain: () => connectAccount(core!, { network: 'bluesky', fields: { server: net.urls.bluesky, ...net.blueskyLogin } }),
      received: (uri) => control.state().posts.find((p) => p.uri === uri)?.reply,
    },
    () => ({ root: mention, parent: mention }),
  );
});

it('YouTube: a revoked refresh token means sign in again with Google; the queued reply is then delivered', async () => {
  const { net } = await setup();
  const { control } = net.youtube;
  let thread = '';
  await revokedThenSignedInAgain(
    {
      connect: async () => {
        thread = control.addThread({ text: 'Le verre de ma lampe Orbe est fendu, que faire ?', author: { name: '@hugo' } }).id;
        const account = await connectAccount(core!, { network: 'youtube' });
        await waitFor('the comment', () => hasMessage(account.id, thread));
        return { account, conversationRemoteId: thread };
      },
      revoke: () => {
        control.expireAccessTokens();
        control.revokeRefreshTokens();
      },
      signInAgain: () => connectAccount(core!, { network: 'youtube' }),
      received: (id) => control.insertedReplies.find((r) => r.id === id)?.parentId,
    },
    () => thread,
  );
});
