/**
 * WordPress comments through the real core (connect flow, keychain, scheduler, ingest, outbox,
 * moderation) against the local WordPress (e2e/networks/wordpress.ts, checked against a real
 * WordPress by e2e/real/wordpress.test.ts):
 * - a held comment arrives within one poll, held; the reply reaches the site under it; approving
 *   it and marking another as spam reach the site;
 * - a 429 with Retry-After (a host's firewall) pauses only that site, until the wait is over;
 * - a revoked application password turns the account "needs sign-in", the queued reply is kept
 *   and goes out once the user signs in again (the same account, repaired).
 */
import { MODERATION_UNDO_WINDOW_MS } from '../../../../shared/model';
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, startRelay, waitFor, type Relay } from '../../../../e2e/networks/fixture';
import { startLocalServer } from '../../../../e2e/networks/server-kit';
import { startWordPressServer, type WordPressServer } from '../../../../e2e/networks/wordpress';
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
const servers: WordPressServer[] = [];
let relay: Relay | undefined;
let statuses: SyncStatus[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await relay?.close();
  relay = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function startCore(settings?: SettingsStore) {
  const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
  const c = makeCore({ ...networkWiring(networks), ...(settings ? { settings } : {}), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
  statuses = [];
  c.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  core = c;
  return c;
}

async function site(options: Parameters<typeof startWordPressServer>[0] = {}) {
  const server = await startWordPressServer(options);
  servers.push(server);
  const post = server.control.addPost('Notre nouvelle lampe Dune');
  return { server, control: server.control, post };
}

function message(accountId: number, remoteId: string) {
  return core!.db
    .prepare<[number, string], { id: number; conversation_id: number; text: string; moderation: string }>('SELECT id, conversation_id, text, moderation FROM messages WHERE account_id = ? AND remote_id = ?')
    .get(accountId, remoteId);
}

it('a held comment arrives within one poll; the reply goes under it; approve and spam reach the site', async () => {
  const { server, control, post } = await site();
  const c = startCore();
  const account = await connectAccount(c, { network: 'wordpress', fields: { site: server.url, user: control.user, password: control.appPassword } });
  expect(account).toMatchObject({ network: 'wordpress', handle: `admin@${new URL(server.url).host}`, state: 'ok' });
  // The password is in the keychain, nowhere in the database.
  expect(JSON.parse((await c.secrets.get(accountSecretKey(account.id)))!)).toMatchObject({ user: 'admin', appPassword: control.appPassword });
  expect(JSON.stringify(c.db.prepare('SELECT * FROM accounts').all())).not.toContain(control.appPassword);
  await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);

  const held = control.addComment({ post: post.id, author: 'Camille', text: 'Elle existe en blanc ?', status: 'hold' });
  const junk = control.addComment({ post: post.id, author: 'Promo', text: 'Lampes pas chères ici', status: 'approved' });
  const before = control.requests().filter((r) => r.route === '/wp/v2/comments').length;
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const stored = await waitFor('the held comment', () => message(account.id, String(held.id)));
  // One poll: the approved-and-held list and the spam list, one page each.
  expect(control.requests().filter((r) => r.route === '/wp/v2/comments').length - before).toBe(2);
  expect(stored).toMatchObject({ text: 'Elle existe en blanc ?', moderation: 'held' });
  const conversation = c.db.prepare<[number], { context_text: string }>('SELECT context_text FROM conversations WHERE id = ?').get(stored.conversation_id);
  expect(conversation?.context_text).toBe('Notre nouvelle lampe Dune');

  await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Bonjour Camille, oui, en blanc et en noir.' });
  const reply = await waitFor('the reply on the site', () => control.comments().find((x) => x.content.startsWith('Bonjour Camille')));
  expect(reply).toMatchObject({ post: post.id, parent: held.id, author: 1, status: 'approved' });
  // Camille answers our reply: same conversation, under our reply.
  const thanks = control.addComment({ post: post.id, author: 'Camille', text: 'Merci !', status: 'approved', parent: reply.id });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const thanksStored = await waitFor('the answer', () => message(account.id, String(thanks.id)));
  expect(thanksStored.conversation_id).toBe(stored.conversation_id);

  await callCore(c, 'moderation.act', { messageId: stored.id, action: 'approve' });
  await waitFor('approved on the site', () => control.comment(held.id)?.status === 'approved');
  const junkStored = await waitFor('the other comment', () => message(account.id, String(junk.id)));
  await callCore(c, 'moderation.act', { messageId: junkStored.id, action: 'spam' });
  await waitFor('spam on the site', () => control.comment(junk.id)?.status === 'spam', HELD_ACTION_WAIT_MS);

  // Another moderator trashes a comment in the dashboard: Parvis keeps it, marked deleted.
  control.setStatus(held.id, 'trash');
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('the deletion', () => c.db.prepare<[number, string], { deleted_at: number | null }>('SELECT deleted_at FROM messages WHERE account_id = ? AND remote_id = ?').get(account.id, String(held.id))?.deleted_at);
  // Nothing doubled: each comment once.
  const counts = c.db.prepare<[number], { remote_id: string; n: number }>('SELECT remote_id, COUNT(*) AS n FROM messages WHERE account_id = ? GROUP BY remote_id HAVING n > 1').all(account.id);
  expect(counts).toEqual([]);
});

it('a 429 with Retry-After pauses only that site until the wait is over, while another site keeps polling', async () => {
  const limited = await site();
  const other = await site({ user: 'editor', appPassword: 'zzzz yyyy xxxx wwww vvvv uuuu' });
  relay = await startRelay(limited.server.url);
  const c = startCore(everySecond);
  const a = await connectAccount(c, { network: 'wordpress', fields: { site: relay.url, user: 'admin', password: limited.control.appPassword } });
  const b = await connectAccount(c, { network: 'wordpress', fields: { site: other.server.url, user: 'editor', password: other.control.appPassword } });
  expect(b.id).not.toBe(a.id);
  await waitFor('first polls', async () => (await callCore(c, 'accounts.list', {})).every((acc) => acc.lastPollAt !== null));

  limited.control.fail({ kind: 'rate-limit', resetInSeconds: 3 });
  const refused = await waitFor('the 429', () => statuses.find((s) => s.accountId === a.id && s.lastError?.kind === 'rate-limited'));
  const until = refused.nextPollAt!;
  expect(refused).toMatchObject({ state: 'ok', polling: false });
  expect(until - Date.now()).toBeGreaterThan(1500);
  const requestsAtRefusal = relay.requests.length;

  const elsewhere = other.control.addComment({ post: other.post.id, author: 'Dan', text: 'Any news about order 51877?' });
  const waiting = limited.control.addComment({ post: limited.post.id, author: 'Hugo', text: 'Toujours rien reçu' });
  await waitFor('the other site’s comment', () => message(b.id, String(elsewhere.id)), 3000);
  expect(Date.now()).toBeLessThan(until);
  expect(message(a.id, String(waiting.id))).toBeUndefined();
  await waitFor('the limited site’s comment after the wait', () => message(a.id, String(waiting.id)), 6000);
  expect(relay.requests.slice(requestsAtRefusal).filter((r) => r.at < until)).toEqual([]);
});

it('a revoked application password turns the site "needs sign-in"; the reply waits and goes out after signing in again', async () => {
  const { server, control, post } = await site();
  const c = startCore();
  const question = control.addComment({ post: post.id, author: 'Camille', text: 'Où en est ma commande n°48213 ?', status: 'approved' });
  const account = await connectAccount(c, { network: 'wordpress', fields: { site: server.url, user: 'admin', password: control.appPassword } });
  const stored = await waitFor('the comment', () => message(account.id, String(question.id)));

  const old = control.appPassword;
  control.revokePassword();
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'));
  const listed = (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id);
  expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth', message: expect.stringMatching(/refused the user name or the application password/) } });
  expect(listed!.lastError!.message).not.toContain(old.replace(/\s/g, ''));

  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Elle part demain.' });
  const outbox = () => c.db.prepare<[number], { state: string; attempts: number }>('SELECT o.state, o.attempts FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
  await waitFor('the reply waiting', () => outbox()?.state === 'failed');
  expect(control.comments().filter((x) => x.content === 'Elle part demain.')).toEqual([]);

  control.setPassword('nouv eau0 mot2 depa sse9 xyzw');
  const again = await connectAccount(c, { network: 'wordpress', fields: { site: server.url, user: 'admin', password: 'nouv eau0 mot2 depa sse9 xyzw' } });
  expect(again.id).toBe(account.id);
  const sent = await waitFor('the reply delivered', () => control.comments().find((x) => x.content === 'Elle part demain.'));
  expect(sent.parent).toBe(question.id);
  await waitFor('the account back to ok', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.state === 'ok');
});

it('a site that is not WordPress, or is down, is refused at sign-in in plain words', async () => {
  const c = startCore();
  const notWordPress = await startLocalServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>Une boutique</title>');
  });
  servers.push({ url: notWordPress.url, close: notWordPress.close } as WordPressServer);
  await expect(connectAccount(c, { network: 'wordpress', fields: { site: 'http://127.0.0.1:9', user: 'admin', password: 'abcd efgh ijkl mnop qrst uvwx' } })).rejects.toThrow(/did not answer/);
  // A web server that is not WordPress: no discovery header, no REST index.
  await expect(connectAccount(c, { network: 'wordpress', fields: { site: notWordPress.url, user: 'admin', password: 'abcd efgh ijkl mnop qrst uvwx' } })).rejects.toThrow(/No WordPress REST API answers/);
  expect(await callCore(c, 'accounts.list', {})).toEqual([]);
});
