/**
 * Discourse through the real core (connect flow with the User API Key approved in the browser,
 * keychain, scheduler, ingest, outbox, moderation) against the local Discourse
 * (e2e/networks/discourse.ts, checked against Discourse's OpenAPI file):
 * - a mention, a private message and the review queue's items arrive within one poll;
 * - a reply goes to the topic under the post answered (`reply_to_post_number`), the PM answer to
 *   the PM; approving a queued post publishes it; flagging, hiding and suspending reach the forum;
 * - a 429 with Retry-After pauses only that forum, until the wait is over;
 * - a revoked key turns the account "needs sign-in", the queued reply is kept and goes out once
 *   the user signs in again;
 * - a post edited or deleted on the forum polls after it was read is updated in the inbox (its new
 *   text, searchable; deleted, kept, unsearchable), nothing doubled.
 */
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/contract';
import { DEFAULT_SETTINGS, MODERATION_UNDO_WINDOW_MS } from '../../../../shared/model';
import { startDiscourseServer, type DiscourseServer } from '../../../../e2e/networks/discourse';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, startRelay, waitFor, type Relay } from '../../../../e2e/networks/fixture';
import { accountSecretKey } from '../../secrets/secret-store';
import type { SettingsStore } from '../../settings/settings-store';
import { makeCore } from '../../testing/core-fixture';

const HELD_ACTION_WAIT_MS = MODERATION_UNDO_WINDOW_MS + 5_000;

const everySecond: SettingsStore = {
  get: () => ({ ...DEFAULT_SETTINGS, pollIntervalSeconds: 1 }),
  set: () => {
    throw new Error('read-only settings');
  },
};

let core: ReturnType<typeof makeCore> | undefined;
const servers: DiscourseServer[] = [];
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

async function forum(options: Parameters<typeof startDiscourseServer>[0] = {}) {
  const server = await startDiscourseServer(options);
  servers.push(server);
  const { control } = server;
  const camille = control.user({ username: 'camille', name: 'Camille Roche' });
  const { topic, post } = control.topic({ title: 'La lampe Dune clignote', by: camille, raw: 'Ma lampe Dune clignote depuis hier soir, une idée ?' });
  return { server, control, camille, topic, first: post };
}

function message(accountId: number, remoteId: string) {
  return core!.db
    .prepare<[number, string], { id: number; conversation_id: number; text: string; moderation: string; kind: string }>(
      'SELECT m.id, m.conversation_id, m.text, m.moderation, c.kind FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.account_id = ? AND m.remote_id = ?',
    )
    .get(accountId, remoteId);
}

it('a mention, a private message and the review queue arrive within one poll; replies go under the right post; moderation reaches the forum', async () => {
  const { server, control, camille, topic } = await forum();
  const c = startCore();
  const account = await connectAccount(c, { network: 'discourse', fields: { forum: server.url } });
  expect(account).toMatchObject({ network: 'discourse', handle: `lumiere@${new URL(server.url).host}`, state: 'ok' });
  // The key is in the keychain, nowhere in the database; Discourse made it for Parvis.
  const issued = control.keys().at(-1)!;
  expect(JSON.parse((await c.secrets.get(accountSecretKey(account.id)))!)).toMatchObject({ mode: 'user-api-key', userApiKey: issued.key, clientId: issued.clientId });
  expect(JSON.stringify(c.db.prepare('SELECT * FROM accounts').all())).not.toContain(issued.key);
  await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);

  // The topic goes on: Dan answers Camille (post 2), Camille mentions the brand (post 3), Dan again (post 4).
  const dan = control.user({ username: 'dan', name: 'Dan' });
  control.reply({ topicId: topic.id, by: dan, raw: 'Même souci chez moi depuis la mise à jour.' });
  const mention = control.reply({ topicId: topic.id, by: camille, raw: '@lumiere pouvez-vous nous aider ? Deux lampes concernées.', replyToPostNumber: 2 });
  control.reply({ topicId: topic.id, by: dan, raw: 'Je confirme, même chose ici ce matin.' });
  const pm = control.topic({ title: 'Commande 48213', by: camille, raw: 'Bonjour, ma commande 48213 est arrivée cassée.', privateTo: [control.me] });
  const queued = control.queue({ topicId: topic.id, by: control.user({ username: 'newbie' }), raw: 'Regardez ma vidéo de démontage complète', replyToPostNumber: 1 });
  const flagged = control.reply({ topicId: topic.id, by: dan, raw: 'Lampes pas chères sur promo.example, foncez' });
  control.flag(flagged.id, camille, 8);

  const before = control.requests().length;
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const stored = await waitFor('the mention', () => message(account.id, String(mention.id)));
  // The topic is one conversation (its first item here is the queued post, a comment).
  expect(stored.moderation).toBe('visible');
  expect(stored.text).toContain('pouvez-vous nous aider');
  const dm = await waitFor('the private message', () => message(account.id, String(pm.post.id)));
  expect(dm.kind).toBe('dm');
  const held = await waitFor('the queued post', () => message(account.id, `q${queued.id}`));
  expect(held.moderation).toBe('held');
  expect((await waitFor('the flagged post', () => message(account.id, String(flagged.id)))).moderation).toBe('held');
  // One poll: notifications, the posts of the two topics, the review queue.
  const poll = control.requests().slice(before).filter((r) => r.path !== '/session/current.json');
  expect(poll.map((r) => r.path).sort()).toEqual(['/notifications.json', '/review.json', `/t/${pm.topic.id}/posts.json`, `/t/${topic.id}/posts.json`].sort());

  // The reply answers post 3 (Camille's), not the topic's last post.
  await callCore(c, 'reply.send', { conversationId: stored.conversation_id, parentMessageId: stored.id, text: 'Bonjour Camille, une mise à jour corrige cela : débranchez-la dix secondes.' });
  const reply = await waitFor('the reply on the forum', () => control.posts().find((p) => p.raw.startsWith('Bonjour Camille, une mise à jour')));
  expect(reply).toMatchObject({ topicId: topic.id, replyToPostNumber: mention.postNumber, userId: control.me.id });
  await callCore(c, 'reply.send', { conversationId: dm.conversation_id, text: 'Nous vous envoyons une nouvelle lampe dès demain.' });
  const answer = await waitFor('the PM answer', () => control.posts().find((p) => p.raw.startsWith('Nous vous envoyons')));
  expect(answer.topicId).toBe(pm.topic.id);

  // Approving the queued post publishes it; flagging Dan's post adds the brand's flag.
  await callCore(c, 'moderation.act', { messageId: held.id, action: 'approve' });
  await waitFor('the queued post published', () => control.reviewable(queued.id)?.status === 'approved');
  expect(control.posts().find((p) => p.raw === 'Regardez ma vidéo de démontage complète')).toMatchObject({ topicId: topic.id, replyToPostNumber: 1 });
  control.reply({ topicId: topic.id, by: dan, raw: '@lumiere vous lisez au moins ?' });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const ping = await waitFor('the second mention', () => c.db.prepare<[number], { id: number }>("SELECT id FROM messages WHERE account_id = ? AND text LIKE '%vous lisez au moins%'").get(account.id));
  await callCore(c, 'moderation.act', { messageId: ping.id, action: 'report' });
  await waitFor('the flag on the forum', () => control.posts().some((p) => p.raw.includes('vous lisez au moins') && p.reviewableId !== null && control.reviewable(p.reviewableId)!.flags.some((f) => f.userId === control.me.id)));
  // Suspending Dan (a harsh action: after its undo window).
  await callCore(c, 'moderation.act', { messageId: ping.id, action: 'ban-author', reason: 'Insultes répétées' });
  await waitFor('Dan suspended', () => control.userById(dan.id)?.suspendedTill, HELD_ACTION_WAIT_MS);
  expect(control.userById(dan.id)?.suspendReason).toBe('Insultes répétées');
  // Nothing doubled.
  const doubles = c.db.prepare<[number], { n: number }>('SELECT remote_id, COUNT(*) AS n FROM messages WHERE account_id = ? GROUP BY remote_id HAVING n > 1').all(account.id);
  expect(doubles).toEqual([]);
}, 30_000);

it('a staff admin API key signs in without the browser', async () => {
  const { server, control } = await forum();
  const c = startCore();
  const account = await connectAccount(c, { network: 'discourse', fields: { forum: server.url, username: 'lumiere', apiKey: control.adminApiKey } });
  expect(account).toMatchObject({ network: 'discourse', state: 'ok' });
  expect(control.keys()).toEqual([]);
  await expect(connectAccount(c, { network: 'discourse', fields: { forum: server.url, username: 'lumiere', apiKey: 'f'.repeat(64) } })).rejects.toThrow(/refused the key/);
});

it('a 429 with Retry-After pauses only that forum until the wait is over, while another keeps polling', async () => {
  const limited = await forum();
  const other = await forum();
  relay = await startRelay(limited.server.url);
  const c = startCore(everySecond);
  const a = await connectAccount(c, { network: 'discourse', fields: { forum: relay.url } });
  const b = await connectAccount(c, { network: 'discourse', fields: { forum: other.server.url } });
  expect(b.id).not.toBe(a.id);
  await waitFor('first polls', async () => (await callCore(c, 'accounts.list', {})).every((acc) => acc.lastPollAt !== null));

  limited.control.fail({ kind: 'rate-limit', resetInSeconds: 3 });
  const refused = await waitFor('the 429', () => statuses.find((s) => s.accountId === a.id && s.lastError?.kind === 'rate-limited'));
  const until = refused.nextPollAt!;
  expect(refused).toMatchObject({ state: 'ok', polling: false });
  expect(until - Date.now()).toBeGreaterThan(1500);
  const requestsAtRefusal = relay.requests.length;

  const elsewhere = other.control.reply({ topicId: other.topic.id, by: other.camille, raw: '@lumiere une question sur la garantie ?' });
  const waiting = limited.control.reply({ topicId: limited.topic.id, by: limited.camille, raw: '@lumiere toujours rien reçu, ma commande ?' });
  await waitFor('the other forum’s mention', () => message(b.id, String(elsewhere.id)), 3000);
  expect(Date.now()).toBeLessThan(until);
  expect(message(a.id, String(waiting.id))).toBeUndefined();
  await waitFor('the limited forum’s mention after the wait', () => message(a.id, String(waiting.id)), 6000);
  expect(relay.requests.slice(requestsAtRefusal).filter((r) => r.at < until)).toEqual([]);
}, 20_000);

it('a revoked key turns the forum "needs sign-in"; the reply waits and goes out after signing in again', async () => {
  const { server, control, camille, topic } = await forum();
  const c = startCore();
  const question = control.reply({ topicId: topic.id, by: camille, raw: '@lumiere où en est ma commande 48213 ?' });
  const account = await connectAccount(c, { network: 'discourse', fields: { forum: server.url } });
  const stored = await waitFor('the mention', () => message(account.id, String(question.id)));
  const oldKey = control.keys().at(-1)!.key;

  control.revokeKeys();
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'));
  const listed = (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id);
  expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' } });
  expect(listed!.lastError!.message).not.toContain(oldKey);

  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Elle part demain matin, Camille.' });
  const outbox = () => c.db.prepare<[number], { state: string }>('SELECT o.state FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
  await waitFor('the reply waiting', () => outbox()?.state === 'failed');
  expect(control.posts().filter((p) => p.raw === 'Elle part demain matin, Camille.')).toEqual([]);

  const again = await connectAccount(c, { network: 'discourse', fields: { forum: server.url } });
  expect(again.id).toBe(account.id);
  const sent = await waitFor('the reply delivered', () => control.posts().find((p) => p.raw === 'Elle part demain matin, Camille.'));
  expect(sent.replyToPostNumber).toBe(question.postNumber);
  await waitFor('the account back to ok', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.state === 'ok');
});

it('a post edited on the forum three polls after it was read shows its new text; posts deleted by a moderator and by their author are marked deleted; nothing doubled', async () => {
  const { server, control, camille, topic } = await forum();
  const dan = control.user({ username: 'dan', name: 'Dan' });
  const asked = control.reply({ topicId: topic.id, by: camille, raw: '@lumiere ma lampe Dune clignote, que faire ?' });
  const rude = control.reply({ topicId: topic.id, by: dan, raw: '@lumiere votre support est une honte absolue.' });
  const regret = control.reply({ topicId: topic.id, by: dan, raw: '@lumiere je retire ce que j’ai dit, pardon.' });
  const c = startCore();
  const account = await connectAccount(c, { network: 'discourse', fields: { forum: server.url } });
  const lastPoll = async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt ?? 0;
  const pollOnce = async () => {
    const before = await lastPoll();
    await callCore(c, 'accounts.pollNow', { accountId: account.id });
    await waitFor('a poll', async () => (await lastPoll()) > before);
  };
  const row = (remoteId: number) =>
    c.db
      .prepare<[number, string], { id: number; text: string; edited_at: number | null; deleted_at: number | null }>('SELECT id, text, edited_at, deleted_at FROM messages WHERE account_id = ? AND remote_id = ?')
      .get(account.id, String(remoteId));
  const found = (word: string) => c.db.prepare<[string], { rowid: number }>('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').all(word).map((r) => r.rowid);
  await waitFor('the three mentions', () => row(asked.id) && row(rude.id) && row(regret.id));
  for (let i = 0; i < 3; i++) await pollOnce();

  control.edit(asked.id, '@lumiere ma lampe Dune clignote et grésille, que faire ?');
  control.deletePost(rude.id);
  control.userDeletePost(regret.id);
  await pollOnce();
  const edited = await waitFor('the edit', () => (row(asked.id)?.text.includes('grésille') ? row(asked.id) : undefined));
  expect(edited.edited_at).toBe(control.post(asked.id)!.updatedAt);
  expect(found('grésille')).toEqual([edited.id]);
  // Deleted on the forum: kept (what was said is not lost), marked, out of the search.
  const removed = row(rude.id)!;
  expect(removed.deleted_at).not.toBeNull();
  expect(removed.text).toContain('une honte absolue');
  expect(found('honte')).toEqual([]);
  // The author's stub text never replaces what they wrote.
  expect(row(regret.id)).toMatchObject({ text: expect.stringContaining('je retire'), deleted_at: expect.any(Number) });

  // More polls change nothing; nothing doubled.
  const snapshot = c.db.prepare('SELECT id, text, edited_at, deleted_at FROM messages WHERE account_id = ? ORDER BY id').all(account.id);
  await pollOnce();
  await pollOnce();
  expect(c.db.prepare('SELECT id, text, edited_at, deleted_at FROM messages WHERE account_id = ? ORDER BY id').all(account.id)).toEqual(snapshot);
  const doubles = c.db.prepare<[number], { n: number }>('SELECT remote_id, COUNT(*) AS n FROM messages WHERE account_id = ? GROUP BY remote_id HAVING n > 1').all(account.id);
  expect(doubles).toEqual([]);
}, 30_000);
