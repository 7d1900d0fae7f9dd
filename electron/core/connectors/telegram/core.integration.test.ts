/**
 * Telegram through the real core (scheduler, ingest, outbox, keychain, connect flow) against the
 * local Bot API (e2e/networks/telegram.ts):
 * - a group message arrives within one poll, and the update is confirmed only by the next poll;
 * - a reply written in Parvis reaches the group as a reply to that message;
 * - a 429 with retry_after pauses only that bot, until the wait is over;
 * - a revoked token turns the account "needs sign-in", the queued reply is kept and delivered
 *   once the new token is entered.
 */
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, startRelay, waitFor, type Relay } from '../../../../e2e/networks/fixture';
import { startTelegramServer, type TelegramServer } from '../../../../e2e/networks/telegram';
import { accountSecretKey } from '../../secrets/secret-store';
import type { SettingsStore } from '../../settings/settings-store';
import { makeCore } from '../../testing/core-fixture';

const everySecond: SettingsStore = {
  get: () => ({ ...DEFAULT_SETTINGS, pollIntervalSeconds: 1 }),
  set: () => {
    throw new Error('read-only settings');
  },
};

let core: ReturnType<typeof makeCore> | undefined;
const servers: TelegramServer[] = [];
let relay: Relay | undefined;
let statuses: SyncStatus[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await relay?.close();
  relay = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A core whose Telegram connector and sign-in reach `api`; the other networks are never reached. */
function startCore(api: string, settings?: SettingsStore) {
  const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
  const c = makeCore({
    ...networkWiring({ ...networks, endpoints: { ...networks.endpoints, telegram: { api } } }),
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

async function bot(options: Parameters<typeof startTelegramServer>[0] = {}) {
  const server = await startTelegramServer(options);
  servers.push(server);
  const group = server.control.addChat({ title: 'Atelier Lumen — communauté', username: 'atelierlumen' });
  return { server, control: server.control, group };
}

function message(accountId: number, remoteId: string) {
  return core!.db
    .prepare<[number, string], { id: number; conversation_id: number; text: string }>('SELECT id, conversation_id, text FROM messages WHERE account_id = ? AND remote_id = ?')
    .get(accountId, remoteId);
}

it('a group message arrives within one poll; the reply reaches the group under it; the update is confirmed by the next poll only', async () => {
  const { server, control, group } = await bot();
  const c = startCore(server.url);
  const account = await connectAccount(c, { network: 'telegram', fields: { token: control.token } });
  expect(account).toMatchObject({ network: 'telegram', handle: '@atelier_lumen_bot', state: 'ok' });
  expect(c.accounts.get(account.id)).toMatchObject({ remoteId: String(control.bot.id), serverUrl: server.url });
  // The token is in the keychain, and nowhere in the database.
  expect(JSON.parse((await c.secrets.get(accountSecretKey(account.id)))!)).toEqual({ token: control.token });
  expect(JSON.stringify(c.db.prepare('SELECT * FROM accounts').all())).not.toContain(control.token.split(':')[1]);
  await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);

  const camille = control.user({ first_name: 'Camille', username: 'camille_roux' });
  const question = control.post({ chatId: group.id, from: camille, text: 'Ma lampe Dune clignote, que faire ?' });
  const before = control.calls.filter((call) => call.method === 'getUpdates').length;
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const stored = await waitFor('the group message', () => message(account.id, `${group.id}:${question.message_id}`));
  expect(control.calls.filter((call) => call.method === 'getUpdates').length - before).toBe(1);
  expect(stored.text).toBe('Ma lampe Dune clignote, que faire ?');
  // Stored, not yet confirmed: the server still holds it until the next call carries the offset.
  expect(control.pendingUpdateIds()).toHaveLength(1);
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('the update confirmed', () => control.pendingUpdateIds().length === 0);

  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Bonjour Camille, débranchez-la dix secondes.' });
  const sent = await waitFor('the reply in the group', () => control.sent.find((s) => s.text.startsWith('Bonjour Camille')));
  expect(sent).toMatchObject({ chatId: group.id, replyToMessageId: question.message_id });
  const row = await waitFor('the reply marked sent', () =>
    c.db.prepare<[number], { remote_id: string; state: string }>('SELECT m.remote_id, o.state FROM messages m JOIN outbox o ON o.id = m.outbox_id WHERE m.id = ?').get(messageId)?.state === 'sent'
      ? c.db.prepare<[number], { remote_id: string }>('SELECT remote_id FROM messages WHERE id = ?').get(messageId)
      : null,
  );
  expect(row.remote_id).toBe(`${group.id}:${sent.messageId}`);

  // An edit shows as the newest text of the same conversation.
  control.edit(group.id, question.message_id, 'Ma lampe Dune clignote depuis hier soir, que faire ?');
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const edit = await waitFor('the edit', () =>
    c.db.prepare<[number, string], { conversation_id: number; text: string }>("SELECT conversation_id, text FROM messages WHERE account_id = ? AND remote_id LIKE ? || '~e%'").get(account.id, `${group.id}:${question.message_id}`),
  );
  expect(edit).toEqual({ conversation_id: stored.conversation_id, text: 'Ma lampe Dune clignote depuis hier soir, que faire ?' });
});

it('a 429 with retry_after pauses only that bot until the wait is over, while another bot keeps polling', async () => {
  const limited = await bot({ bot: { id: 7_000_000_011, username: 'lumen_fr_bot' } });
  const other = await bot({ bot: { id: 7_000_000_022, username: 'lumen_support_bot' } });
  relay = await startRelay(limited.server.url);
  const c = startCore(relay.url, everySecond);
  const a = await connectAccount(c, { network: 'telegram', fields: { token: limited.control.token } });
  // The core knows one Bot API address (the relay); the second bot's account keeps its own server
  // address, as it would after a sign-in there, with its token in the keychain.
  const otherAccount = c.accounts.upsert({ network: 'telegram', serverUrl: other.server.url, remoteId: String(other.control.bot.id), handle: '@lumen_support_bot', displayName: 'Lumen Support' });
  await c.secrets.set(accountSecretKey(otherAccount.id), JSON.stringify({ token: other.control.token }));
  c.scheduler?.refreshAccounts();
  await waitFor('first polls', async () => (await callCore(c, 'accounts.list', {})).every((acc) => acc.lastPollAt !== null));

  limited.control.fail({ kind: 'rate-limit', resetInSeconds: 3 });
  const refused = await waitFor('the 429', () => statuses.find((s) => s.accountId === a.id && s.lastError?.kind === 'rate-limited'));
  const until = refused.nextPollAt!;
  expect(refused).toMatchObject({ state: 'ok', polling: false });
  expect(until - Date.now()).toBeGreaterThan(1500);
  const requestsAtRefusal = relay.requests.length;

  const dan = other.control.user({ first_name: 'Dan' });
  const elsewhere = other.control.post({ chatId: other.group.id, from: dan, text: 'Any news about order 51877?' });
  const hugo = limited.control.user({ first_name: 'Hugo' });
  const waiting = limited.control.post({ chatId: limited.group.id, from: hugo, text: 'Toujours rien reçu' });
  await waitFor('the other bot’s message', () => message(otherAccount.id, `${other.group.id}:${elsewhere.message_id}`), 3000);
  expect(Date.now()).toBeLessThan(until);
  await callCore(c, 'accounts.pollNow', { accountId: a.id });
  expect(relay.requests.length).toBe(requestsAtRefusal);
  expect(message(a.id, `${limited.group.id}:${waiting.message_id}`)).toBeUndefined();

  await waitFor('the limited bot’s message after the wait', () => message(a.id, `${limited.group.id}:${waiting.message_id}`), 6000);
  expect(relay.requests.slice(requestsAtRefusal).filter((r) => r.at < until)).toEqual([]);
});

it('a revoked token turns the bot "needs sign-in", the reply waits, and goes out once the new token is entered', async () => {
  const { server, control, group } = await bot();
  const c = startCore(server.url);
  const camille = control.user({ first_name: 'Camille' });
  const question = control.post({ chatId: group.id, from: camille, text: 'Où en est ma commande n°48213 ?' });
  const account = await connectAccount(c, { network: 'telegram', fields: { token: control.token } });
  const stored = await waitFor('the message', () => message(account.id, `${group.id}:${question.message_id}`));

  const fresh = control.revokeToken();
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'));
  const listed = (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id);
  expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth', message: expect.stringMatching(/revoked.*enter a new one/) } });
  expect(listed!.lastError!.message).not.toContain(control.token.split(':')[1]);

  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Elle part demain.' });
  const outbox = () => c.db.prepare<[number], { state: string; attempts: number }>('SELECT o.state, o.attempts FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
  await waitFor('the reply waiting', () => outbox()?.state === 'failed');
  expect(outbox()).toMatchObject({ state: 'failed', attempts: 0 });
  expect(control.sent).toEqual([]);

  const again = await connectAccount(c, { network: 'telegram', fields: { token: fresh } });
  expect(again.id).toBe(account.id);
  const sent = await waitFor('the reply delivered', () => control.sent.find((s) => s.text === 'Elle part demain.'));
  expect(sent.replyToMessageId).toBe(question.message_id);
  await waitFor('the account back to ok', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.state === 'ok');
});

it('a bot whose updates go to a webhook is refused at sign-in, in plain words', async () => {
  const { server, control } = await bot();
  const c = startCore(server.url);
  control.setWebhook('https://bots.example/hook');
  await expect(connectAccount(c, { network: 'telegram', fields: { token: control.token } })).rejects.toThrow(/webhook.*deleteWebhook/);
  expect(await callCore(c, 'accounts.list', {})).toEqual([]);
});
