/**
 * X through the real core (connect flow, scheduler, ingest, outbox, keychain) against the local
 * X API (e2e/networks/x.ts):
 * - connected through the browser sign-in (PKCE, loopback), a mention with its context and a
 *   direct message arrive within one poll; the reply reaches X under the mention, the DM answer in
 *   its conversation; a reply in the account's own thread is hidden on X; the account shows the
 *   month's reads, equal to what X bills;
 * - a 429 with its reset pauses only that account, until the reset;
 * - the monthly read cap stops polling when the next page would pass it, and the account says so;
 * - a refresh token X refuses turns the account "needs sign-in", the queued reply is kept and goes
 *   out after the new sign-in.
 */
import { MODERATION_UNDO_WINDOW_MS } from '../../../../shared/model';
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, waitFor } from '../../../../e2e/networks/fixture';
import { startXServer, type XServer } from '../../../../e2e/networks/x';
import { accountSecretKey } from '../../secrets/secret-store';
import type { SettingsStore } from '../../settings/settings-store';
import { makeCore } from '../../testing/core-fixture';

/** Harsh actions wait in the outbox for their undo window before they reach the network. */
const HELD_ACTION_WAIT_MS = MODERATION_UNDO_WINDOW_MS + 5_000;

const everySecond: SettingsStore = {
  get: () => ({ ...DEFAULT_SETTINGS, pollIntervalSeconds: 1 }),
  set: () => {
    throw new Error('read-only settings');
  },
};

let core: ReturnType<typeof makeCore> | undefined;
const servers: XServer[] = [];
let statuses: SyncStatus[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function xServer(options: Parameters<typeof startXServer>[0] = {}): Promise<XServer> {
  const server = await startXServer({ clientId: 'parvis-local-x-client', ...options });
  servers.push(server);
  return server;
}

/** A core whose X connector and sign-in reach `server`; the other networks are never reached. */
function startCore(server: XServer, settings?: SettingsStore) {
  const c = makeCore({
    ...networkWiring(localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9', x: server.url })),
    ...(settings ? { settings } : {}),
    syncOptions: FAST_SYNC,
    outboxOptions: FAST_OUTBOX,
  });
  statuses = [];
  c.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  core = c;
  return c;
}

function message(accountId: number, remoteId: string) {
  return core!.db
    .prepare<[number, string], { id: number; conversation_id: number; text: string; direction: string }>('SELECT id, conversation_id, text, direction FROM messages WHERE account_id = ? AND remote_id = ?')
    .get(accountId, remoteId);
}

function outboxState(messageId: number) {
  return core!.db.prepare<[number], { state: string; attempts: number }>('SELECT o.state, o.attempts FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
}

it('a mention with its context and a DM arrive within one poll; the reply and the DM answer reach X in place; a reply in our thread is hidden; reads are counted as X bills them', async () => {
  const server = await xServer();
  const { control } = server;
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'x', fields: { monthlyReadCap: 5000 } });
  expect(account).toMatchObject({ network: 'x', handle: '@atelierlumen', displayName: 'Atelier Lumen', state: 'ok' });
  const stored = JSON.parse((await c.secrets.get(accountSecretKey(account.id)))!) as Record<string, string>;
  expect(stored).toMatchObject({ monthlyReadCap: '5000', accessToken: expect.any(String), refreshToken: expect.any(String) });
  expect(JSON.stringify(c.db.prepare('SELECT * FROM accounts').all())).not.toContain(stored.accessToken);
  await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);

  const camille = control.user({ username: 'camille_rx', name: 'Camille Roux' });
  const launch = control.post({ author: control.account, text: 'La lampe Dune arrive en boutique jeudi.' });
  const question = control.post({ author: camille, text: 'Elle existe en blanc ?', inReplyTo: launch.id });
  const mention = control.post({ author: camille, text: '@atelierlumen ma commande 48213 n’est pas arrivée' });
  const dm = control.dm({ from: camille, text: 'Bonjour, je vous écris en privé pour ma commande.' });
  const before = control.requests.filter((r) => r.path.endsWith('/mentions')).length;
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const storedMention = await waitFor('the mention', () => message(account.id, mention.id));
  expect(control.requests.filter((r) => r.path.endsWith('/mentions')).length - before).toBe(1);
  const storedQuestion = message(account.id, question.id)!;
  const storedDm = message(account.id, `dm:${dm.id}`)!;
  expect(storedDm).toMatchObject({ text: 'Bonjour, je vous écris en privé pour ma commande.', direction: 'in' });
  const conversation = (id: number) => c.db.prepare<[number], { kind: string; context_text: string | null }>('SELECT kind, context_text FROM conversations WHERE id = ?').get(id);
  // A reply under the account's post is a comment on it, with the post as context; the other is a mention.
  expect(conversation(storedQuestion.conversation_id)).toMatchObject({ kind: 'comment', context_text: 'La lampe Dune arrive en boutique jeudi.' });
  expect(conversation(storedMention.conversation_id)).toMatchObject({ kind: 'mention' });
  expect(conversation(storedDm.conversation_id)).toMatchObject({ kind: 'dm' });

  // The month's reads, as X bills them (each post, user and DM event returned).
  const listed = await waitFor('the reads shown', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id && (a.rateLimit?.quotaUsed ?? 0) > 0));
  expect(listed.rateLimit).toMatchObject({ quotaUsed: control.reads - 1, quotaLimit: 5000 });

  await callCore(c, 'reply.send', { conversationId: storedMention.conversation_id, text: 'Bonjour Camille, elle part demain.' });
  const reply = await waitFor('the reply on X', () => control.created.find((p) => p.text.includes('elle part demain')));
  expect(reply.referenced_tweets).toEqual([{ type: 'replied_to', id: mention.id }]);
  expect(reply.conversation_id).toBe(mention.conversation_id);

  await callCore(c, 'reply.send', { conversationId: storedDm.conversation_id, text: 'Merci, je regarde votre commande.' });
  const answer = await waitFor('the DM answer', () => control.dmsSent.find((e) => e.text === 'Merci, je regarde votre commande.'));
  expect(answer.dm_conversation_id).toBe(dm.dm_conversation_id);

  await callCore(c, 'moderation.act', { messageId: storedQuestion.id, action: 'hide' });
  await waitFor('the reply hidden on X', () => control.getPost(question.id)?.hidden === true, HELD_ACTION_WAIT_MS);

  // The answers come back in the next polls without doubling.
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('the DM answer listed once', () => c.db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM messages WHERE account_id = ? AND text = 'Merci, je regarde votre commande.'").get(account.id)?.n === 1);
});

it('a 429 with its reset pauses only that account until the reset, while another X account keeps polling', async () => {
  const limited = await xServer();
  const other = await xServer({ account: { id: '1500000000000000099', username: 'lumen_support', name: 'Lumen Support' } });
  const c = startCore(limited, everySecond);
  const a = await connectAccount(c, { network: 'x', fields: {} });
  // The second account is on its own server, signed in there, its tokens in the keychain.
  const b = c.accounts.upsert({ network: 'x', serverUrl: other.url, remoteId: other.control.account.id, handle: '@lumen_support', displayName: 'Lumen Support' });
  const tokens = other.control.issueTokens();
  await c.secrets.set(accountSecretKey(b.id), JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: String(tokens.expiresAt), monthlyReadCap: '10000' }));
  c.scheduler?.refreshAccounts();
  await waitFor('first polls', async () => (await callCore(c, 'accounts.list', {})).every((acc) => acc.lastPollAt !== null));

  limited.control.fail({ kind: 'rate-limit', resetInSeconds: 3 });
  const refused = await waitFor('the 429', () => statuses.find((s) => s.accountId === a.id && s.lastError?.kind === 'rate-limited'));
  const until = refused.nextPollAt!;
  expect(refused).toMatchObject({ state: 'ok', polling: false });
  expect(until - Date.now()).toBeGreaterThan(1500);
  const requestsAtRefusal = limited.control.requests.length;

  const dan = other.control.user({ username: 'dan_k', name: 'Dan' });
  const elsewhere = other.control.post({ author: dan, text: '@lumen_support any news about order 51877?' });
  const hugo = limited.control.user({ username: 'hugo_m', name: 'Hugo' });
  const waiting = limited.control.post({ author: hugo, text: '@atelierlumen toujours rien reçu' });
  await waitFor('the other account’s mention', () => message(b.id, elsewhere.id), 3000);
  expect(Date.now()).toBeLessThan(until);
  await callCore(c, 'accounts.pollNow', { accountId: a.id });
  expect(limited.control.requests.length).toBe(requestsAtRefusal);
  expect(message(a.id, waiting.id)).toBeUndefined();

  await waitFor('the limited account’s mention after the reset', () => message(a.id, waiting.id), 6000);
  expect(limited.control.requests.slice(requestsAtRefusal).filter((r) => r.at < until)).toEqual([]);
});

/** Forty people mention the account, connected with a cap of 100 reads: its first poll reads 33 mentions (66 reads). */
async function fortyFansCappedAt100() {
  const server = await xServer();
  const { control } = server;
  const people = Array.from({ length: 40 }, (_, i) => control.user({ username: `fan${i}`, name: `Fan ${i}` }));
  for (const p of people) control.post({ author: p, text: `@atelierlumen bonjour de ${p.name}` });
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'x', fields: { monthlyReadCap: 100 } });
  // First poll: a page of 33 mentions (each with its author: 66 reads) fits in 100.
  await waitFor('the first page', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.rateLimit?.quotaUsed === 66);
  return { control, people, c, account };
}

it('the monthly read cap stops polling before a page could pass it, and the account says so', async () => {
  const { control, people, c, account } = await fortyFansCappedAt100();
  expect(control.reads - 1).toBe(66);

  const later = Array.from({ length: 20 }, (_, i) => control.post({ author: people[i]!, text: `@atelierlumen encore moi, ${i}` }));
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  // 34 reads left: a page of 11 (22 reads); the next page of 5 would need 15 of the 12 left.
  const stopped = await waitFor('the cap reached', () => statuses.find((s) => s.accountId === account.id && s.lastError?.kind === 'rate-limited'));
  expect(stopped.lastError!.message).toMatch(/monthly read cap of this X account is reached \(88 of 100 reads\)/);
  const firstOfNextMonth = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1);
  // Planned at the month's end (the scheduler adds the wait to its own clock, a few ms later).
  expect(stopped.nextPollAt).toBeGreaterThanOrEqual(firstOfNextMonth);
  expect(stopped.nextPollAt! - firstOfNextMonth).toBeLessThan(1000);
  expect(stopped.rateLimit).toMatchObject({ quotaUsed: 88, quotaLimit: 100 });
  expect(control.reads - 1).toBe(88);
  const stored = c.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE account_id = ?').get(account.id)!.n;
  expect(stored).toBe(33 + 11);
  expect(later.filter((p) => message(account.id, p.id)).length).toBe(11);

  // Asking again reads nothing: the cap holds until the month ends.
  const requests = control.requests.length;
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await new Promise((r) => setTimeout(r, 300));
  expect(control.requests.length).toBe(requests);
  expect(control.reads - 1).toBe(88);
});

it('the monthly read cap raised in the account’s settings applies at once, without signing in again; lowered, it stops polling at the new cap', async () => {
  const { control, people, c, account } = await fortyFansCappedAt100();
  const later = Array.from({ length: 20 }, (_, i) => control.post({ author: people[i]!, text: `@atelierlumen encore moi, ${i}` }));
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('the cap reached', () => statuses.find((s) => s.accountId === account.id && s.lastError?.kind === 'rate-limited'));
  expect(later.filter((p) => message(account.id, p.id)).length).toBe(11);
  const authorizations = control.requests.filter((r) => r.path.includes('oauth2')).length;

  // Raised to 1,000 in the settings: the account is read again at once, up to the new cap.
  const updated = await callCore(c, 'accounts.setSettings', { accountId: account.id, settings: { monthlyReadCap: 1000 } });
  expect(updated.settings).toEqual({ monthlyReadCap: 1000 });
  await waitFor('the rest of the mentions', () => later.every((p) => message(account.id, p.id)), 5000);
  const after = await waitFor('a poll within the new cap', async () => {
    const a = (await callCore(c, 'accounts.list', {})).find((x) => x.id === account.id)!;
    return a.lastError === null && a.rateLimit?.quotaLimit === 1000 ? a : undefined;
  });
  expect(after.state).toBe('ok');
  // No new sign-in: no authorization, no token request, the keychain's cap untouched.
  expect(control.requests.filter((r) => r.path.includes('oauth2')).length).toBe(authorizations);
  expect(JSON.parse((await c.secrets.get(accountSecretKey(account.id)))!)).toMatchObject({ monthlyReadCap: '100' });

  // A cap below what this month already read stops the next poll at once, and says so.
  const reads = control.reads;
  await callCore(c, 'accounts.setSettings', { accountId: account.id, settings: { monthlyReadCap: 100 } });
  const stopped = await waitFor('the lower cap reached', () => [...statuses].reverse().find((s) => s.accountId === account.id && s.lastError?.kind === 'rate-limited' && /of 100 reads/.test(s.lastError.message)));
  expect(stopped.lastError!.message).toMatch(/raise the cap in the account’s settings/);
  expect(control.reads).toBe(reads);
  // A cap out of range is refused, and the setting kept.
  await expect(callCore(c, 'accounts.setSettings', { accountId: account.id, settings: { monthlyReadCap: 5 } })).rejects.toThrow();
  await expect(callCore(c, 'accounts.setSettings', { accountId: account.id, settings: { graphApiVersion: 'v21.0' } })).rejects.toThrow();
  expect((await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)!.settings).toEqual({ monthlyReadCap: 100 });
});

it('a refresh token X refuses turns the account "needs sign-in"; the queued reply waits and goes out after the new sign-in', async () => {
  const server = await xServer();
  const { control } = server;
  const camille = control.user({ username: 'camille_rx', name: 'Camille Roux' });
  const question = control.post({ author: camille, text: '@atelierlumen où en est ma commande 48213 ?' });
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'x', fields: {} });
  const stored = await waitFor('the mention', () => message(account.id, question.id));

  control.expireAccessTokens();
  control.revokeRefreshTokens();
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'));
  const listed = (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id);
  expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth', message: expect.stringMatching(/X refused to renew the sign-in: sign in again/) } });

  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Elle part demain.' });
  await waitFor('the reply waiting', () => outboxState(messageId)?.state === 'failed');
  expect(outboxState(messageId)).toMatchObject({ state: 'failed', attempts: 0 });
  expect(control.created).toEqual([]);

  const again = await connectAccount(c, { network: 'x', fields: {} });
  expect(again.id).toBe(account.id);
  const sent = await waitFor('the reply delivered', () => control.created.find((p) => p.text.endsWith('Elle part demain.')));
  expect(sent.referenced_tweets).toEqual([{ type: 'replied_to', id: question.id }]);
  await waitFor('the account back to ok', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.state === 'ok');
});
