/**
 * Facebook Pages and Instagram through the real core (connect flow with its chooser, scheduler,
 * ingest, outbox, keychain) against the local Graph API (e2e/networks/meta.ts):
 * - one Facebook Login lists the Pages and their Instagram accounts; the chosen ones are added;
 * - a Page comment, a Messenger message and an Instagram comment arrive within one poll; replies
 *   reach the server under the right parent; a private reply, a hide and a ban reach it too;
 * - a Messenger answer past the 7-day window is refused at once and nothing is queued; between
 *   24 hours and 7 days it goes out with the human agent tag;
 * - a Page throttled by its business use case usage waits, while another Page keeps polling; the
 *   app's usage at 100 % stops every account of the app;
 * - an expired token turns the accounts "needs sign-in", the queued reply waits and goes out after
 *   signing in again;
 * - a malformed comment is skipped and logged, the rest of its page kept.
 */
import { MODERATION_UNDO_WINDOW_MS } from '../../../../shared/model';
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/contract';
import type { Account } from '../../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, approveInBrowser, callCore, localEndpoints, waitFor } from '../../../../e2e/networks/fixture';
import { startMetaServer, type MetaServer } from '../../../../e2e/networks/meta';
import type { Core } from '../../app';
import { accountSecretKey } from '../../secrets/secret-store';
import { makeCore } from '../../testing/core-fixture';

/** Harsh actions wait in the outbox for their undo window before they reach the network. */
const HELD_ACTION_WAIT_MS = MODERATION_UNDO_WINDOW_MS + 5_000;

let core: ReturnType<typeof makeCore> | undefined;
let meta: MetaServer | undefined;
let statuses: SyncStatus[] = [];
const logs: { level: string; message: string }[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await meta?.close();
  meta = undefined;
});

async function startAll() {
  meta = await startMetaServer();
  const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
  const app = { clientId: meta.control.app.clientId, clientSecret: meta.control.app.clientSecret };
  const c = makeCore({
    networks: {
      ...networks,
      endpoints: { ...networks.endpoints, facebook: meta.endpoints, instagram: meta.endpoints },
      developerApps: { ...networks.developerApps, facebook: app, instagram: app },
    },
    syncOptions: FAST_SYNC,
    outboxOptions: FAST_OUTBOX,
    log: (level, message) => logs.push({ level, message }),
  });
  statuses = [];
  c.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  core = c;
  return { c, meta };
}

/** Facebook Login the UI's way: connect, approve in the browser, choose among what it gives. */
async function signIn(c: Core, pick: (choice: { name: string; network?: string }) => boolean): Promise<Account[]> {
  const start = await callCore(c, 'accounts.connect', { network: 'facebook', fields: {} });
  if (start.kind !== 'browser') throw new Error('expected the browser');
  const [outcome] = await Promise.all([callCore(c, 'accounts.finishConnect', { flowId: start.flowId }), approveInBrowser(start.authorizeUrl)]);
  // One account alone is added at once.
  if (outcome.kind === 'connected') return [outcome.account];
  return callCore(c, 'accounts.choose', { flowId: outcome.flowId, choiceIds: outcome.choices.filter(pick).map((ch) => ch.id) });
}

const row = (c: Core, accountId: number, remoteId: string) =>
  c.db.prepare<[number, string], { id: number; conversation_id: number; text: string; moderation: string }>('SELECT id, conversation_id, text, moderation FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId);

const outboxOf = (c: Core, messageId: number) =>
  c.db.prepare<[number], { state: string; attempts: number }>('SELECT o.state, o.attempts FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);

const camille = { id: '5550001', name: 'Camille Roux' };
const hugo = { id: '5550002', name: 'Hugo Petit' };

it('one sign-in gives the Page and its Instagram account; a comment, a Messenger message and an Instagram comment arrive in one poll; replies, a private reply, a hide and a ban reach Meta', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page, instagram } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  control.addPage({ name: 'Lumen Outlet' });

  const accounts = await signIn(c, (ch) => ch.name !== 'Lumen Outlet');
  expect(accounts.map((a) => [a.network, a.handle]).sort()).toEqual([
    ['facebook', 'Atelier Lumen'],
    ['instagram', '@atelier.lumen'],
  ]);
  const fb = accounts.find((a) => a.network === 'facebook')!;
  const ig = accounts.find((a) => a.network === 'instagram')!;
  // The Page token is in the keychain, never in the database.
  const stored = JSON.parse((await c.secrets.get(accountSecretKey(fb.id)))!) as Record<string, string>;
  expect(stored).toMatchObject({ pageId: page.id, accessToken: page.accessToken });
  expect(JSON.stringify(c.db.prepare('SELECT * FROM accounts').all())).not.toContain(page.accessToken);
  await waitFor('the first polls', () => [fb, ig].every((a) => c.accounts.get(a.id)?.lastPollAt));

  const post = control.post(page.id, { message: 'Notre nouvelle lampe Dune est arrivée !' });
  const question = control.comment(post.id, { message: 'Elle existe en blanc ?', from: camille });
  const { thread, message } = control.message(page.id, { from: hugo, text: 'Bonjour, où en est ma commande 48213 ?' });
  const media = control.media(instagram!.id, { caption: 'Dune, la lampe qui se plie' });
  const igQuestion = control.igComment(media.id, { text: 'Le prix ?', from: { id: '1789000111', username: 'lea.design' } });

  const callsBefore = control.calls.length;
  await callCore(c, 'accounts.pollNow', { accountId: fb.id });
  await callCore(c, 'accounts.pollNow', { accountId: ig.id });
  const comment = await waitFor('the Page comment', () => row(c, fb.id, question.id));
  const dm = await waitFor('the Messenger message', () => row(c, fb.id, message.id));
  const igComment = await waitFor('the Instagram comment', () => row(c, ig.id, igQuestion.id));
  expect([comment.text, dm.text, igComment.text]).toEqual(['Elle existe en blanc ?', 'Bonjour, où en est ma commande 48213 ?', 'Le prix ?']);
  // Batches: a poll is two requests, whatever the number of posts.
  expect(control.calls.slice(callsBefore).filter((call) => !call.batched)).toEqual([]);
  expect(new Set(control.calls.map((call) => call.version))).toEqual(new Set(['v21.0']));
  // The post is the comment's context.
  const detail = await callCore(c, 'conversation.get', { conversationId: comment.conversation_id });
  expect(detail.context?.text).toBe('Notre nouvelle lampe Dune est arrivée !');

  await callCore(c, 'reply.send', { conversationId: comment.conversation_id, text: 'Oui, en blanc craie !' });
  await callCore(c, 'reply.send', { conversationId: dm.conversation_id, text: 'Elle part demain, Hugo.' });
  await callCore(c, 'reply.send', { conversationId: igComment.conversation_id, text: '89 €, livraison offerte.' });
  const fbReply = await waitFor('the comment reply', () => control.sent.find((s) => s.text === 'Oui, en blanc craie !'));
  expect(fbReply).toMatchObject({ kind: 'comment-reply', parentId: question.id });
  expect(control.comments.get(fbReply.id)!.parentId).toBe(question.id);
  const dmReply = await waitFor('the Messenger answer', () => control.sent.find((s) => s.text === 'Elle part demain, Hugo.'));
  expect(dmReply).toMatchObject({ kind: 'message', parentId: hugo.id, messagingType: 'RESPONSE' });
  expect(thread.messages.at(-1)!.text).toBe('Elle part demain, Hugo.');
  const igReply = await waitFor('the Instagram reply', () => control.sent.find((s) => s.text === '89 €, livraison offerte.'));
  expect(igReply).toMatchObject({ kind: 'ig-reply', parentId: igQuestion.id });

  // A private reply goes to the commenter in Messenger, once.
  await callCore(c, 'reply.send', { conversationId: comment.conversation_id, text: 'Je vous envoie le nuancier en privé.', parentMessageId: comment.id, private: true });
  const privateReply = await waitFor('the private reply', () => control.sent.find((s) => s.kind === 'private-reply'));
  expect(privateReply).toMatchObject({ parentId: question.id, text: 'Je vous envoie le nuancier en privé.' });
  expect(control.comments.get(question.id)!.privatelyRepliedAt).toBeDefined();

  // Hide the comment, ban its author.
  await callCore(c, 'moderation.act', { messageId: comment.id, action: 'hide' });
  await waitFor('the comment hidden on Facebook', () => control.comments.get(question.id)!.isHidden, HELD_ACTION_WAIT_MS);
  await callCore(c, 'moderation.act', { messageId: comment.id, action: 'ban-author' });
  await waitFor('the author banned from the Page', () => control.pages.get(page.id)!.blocked.has(camille.id), HELD_ACTION_WAIT_MS);
  // Instagram: hide too.
  await callCore(c, 'moderation.act', { messageId: igComment.id, action: 'hide' });
  await waitFor('the Instagram comment hidden', () => control.igComments.get(igQuestion.id)!.hidden, HELD_ACTION_WAIT_MS);
});

it('Messenger: after 24 hours an answer goes out with the human agent tag; after 7 days it is refused at once and nothing is queued', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page } = control.addPage({ name: 'Atelier Lumen' });
  const late = control.message(page.id, { from: camille, text: 'Vous êtes ouverts samedi ?', ageMs: 3 * 86_400_000 });
  const old = control.message(page.id, { from: hugo, text: 'Mon colis est abîmé', ageMs: 8 * 86_400_000 });
  const [fb] = await signIn(c, () => true);
  // The first poll reads two weeks back.
  const lateRow = await waitFor('the 3-day-old message', () => row(c, fb!.id, late.message.id));
  const oldRow = await waitFor('the 8-day-old message', () => row(c, fb!.id, old.message.id));

  await callCore(c, 'reply.send', { conversationId: lateRow.conversation_id, text: 'Oui, de 10 h à 18 h.' });
  const tagged = await waitFor('the tagged answer', () => control.sent.find((s) => s.text === 'Oui, de 10 h à 18 h.'));
  expect(tagged).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

  await callCore(c, 'draft.save', { conversationId: oldRow.conversation_id, text: 'Désolé Hugo, on vous rembourse.' });
  await expect(callCore(c, 'reply.send', { conversationId: oldRow.conversation_id, text: 'Désolé Hugo, on vous rembourse.' })).rejects.toMatchObject({
    kind: 'not-supported',
    message: expect.stringMatching(/allows no answer here any more.*Your text is kept/),
  });
  expect(c.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE conversation_id = ?').get(oldRow.conversation_id)).toEqual({ n: 0 });
  expect((await callCore(c, 'draft.get', { conversationId: oldRow.conversation_id }))?.text).toBe('Désolé Hugo, on vous rembourse.');
  expect(control.sent.filter((s) => s.parentId === hugo.id)).toEqual([]);
});

it('a Page throttled by its usage waits while another Page keeps polling; the app’s usage at 100 % stops every account of the app', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const a = control.addPage({ name: 'Atelier Lumen' }).page;
  const b = control.addPage({ name: 'Lumen Outlet' }).page;
  const accounts = await signIn(c, () => true);
  const fa = accounts.find((x) => x.handle === 'Atelier Lumen')!;
  const fb = accounts.find((x) => x.handle === 'Lumen Outlet')!;
  await waitFor('first polls', () => accounts.every((x) => c.accounts.get(x.id)?.lastPollAt));

  control.throttle(a.id, 7);
  await callCore(c, 'accounts.pollNow', { accountId: fa.id });
  const refused = await waitFor('the throttled Page', () => statuses.find((s) => s.accountId === fa.id && s.lastError?.kind === 'rate-limited'));
  expect(refused.state).toBe('ok');
  // Meta said 7 minutes: the account waits that long, no less.
  expect(refused.nextPollAt! - Date.now()).toBeGreaterThan(6 * 60_000);
  const post = control.post(b.id, { message: 'Soldes' });
  const other = control.comment(post.id, { message: 'Jusqu’à quand ?', from: hugo });
  const postA = control.post(a.id, { message: 'Nouveautés' });
  const waiting = control.comment(postA.id, { message: 'Et la livraison ?', from: camille });
  await callCore(c, 'accounts.pollNow', { accountId: fb.id });
  await waitFor('the other Page’s comment', () => row(c, fb.id, other.id));
  const callsOfA = control.calls.filter((call) => call.path.includes(a.id)).length;
  await callCore(c, 'accounts.pollNow', { accountId: fa.id });
  expect(control.calls.filter((call) => call.path.includes(a.id)).length).toBe(callsOfA);
  expect(row(c, fa.id, waiting.id)).toBeUndefined();

  // The app's hourly budget spent: Meta answers code 4 to every account of the app.
  control.setAppUsage(100);
  await callCore(c, 'accounts.pollNow', { accountId: fb.id });
  const appLimited = await waitFor('the app throttled', () => statuses.find((s) => s.accountId === fb.id && s.lastError?.kind === 'rate-limited'));
  expect(appLimited.lastError!.message).toMatch(/throttling/);
  expect(appLimited.nextPollAt! - Date.now()).toBeGreaterThan(10 * 60_000);
});

it('the usage headers are the account’s rate limit: 99 % of the app’s budget used leaves 1 %', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  control.addPage({ name: 'Atelier Lumen' });
  const [fb] = await signIn(c, () => true);
  await waitFor('the first poll', () => c.accounts.get(fb!.id)?.lastPollAt);
  control.setAppUsage(99);
  await callCore(c, 'accounts.pollNow', { accountId: fb!.id });
  const status = await waitFor('the usage read', () => statuses.find((s) => s.accountId === fb!.id && s.rateLimit?.remaining === 1));
  expect(status.rateLimit).toMatchObject({ limit: 100, remaining: 1 });
});

it('an expired token turns the accounts "needs sign-in"; the queued reply waits and goes out after signing in again', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  const post = control.post(page.id, { message: 'Dune' });
  const question = control.comment(post.id, { message: 'Livrez-vous en Belgique ?', from: camille });
  const accounts = await signIn(c, () => true);
  const fb = accounts.find((a) => a.network === 'facebook')!;
  const stored = await waitFor('the comment', () => row(c, fb.id, question.id));

  control.expireTokens();
  await callCore(c, 'accounts.pollNow', { accountId: fb.id });
  await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === fb.id && s.state === 'needs-sign-in'));
  const listed = (await callCore(c, 'accounts.list', {})).find((a) => a.id === fb.id)!;
  expect(listed.lastError).toMatchObject({ kind: 'auth', message: expect.stringMatching(/sign-in has expired: sign in again/) });
  expect(listed.lastError!.message).not.toContain(page.accessToken);

  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Oui, partout en Belgique.' });
  await waitFor('the reply waiting', () => outboxOf(c, messageId)?.state === 'failed');
  expect(outboxOf(c, messageId)).toMatchObject({ state: 'failed', attempts: 0 });
  expect(control.sent).toEqual([]);

  const again = await signIn(c, () => true);
  expect(again.find((a) => a.network === 'facebook')!.id).toBe(fb.id);
  const sent = await waitFor('the reply delivered', () => control.sent.find((s) => s.text === 'Oui, partout en Belgique.'), 8000);
  expect(sent.parentId).toBe(question.id);
});

it('a permission removed in Facebook’s settings turns the account "needs sign-in" with the permission named', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  control.addPage({ name: 'Atelier Lumen' });
  const [fb] = await signIn(c, () => true);
  await waitFor('the first poll', () => c.accounts.get(fb!.id)?.lastPollAt);
  control.revokePermission('pages_messaging');
  await callCore(c, 'accounts.pollNow', { accountId: fb!.id });
  const status = await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === fb!.id && s.state === 'needs-sign-in'));
  expect(status.lastError!.message).toMatch(/permission “pages_messaging”: sign in again and allow it/);
});

it('a malformed comment is skipped and logged; the rest of the page is kept', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page } = control.addPage({ name: 'Atelier Lumen' });
  const [fb] = await signIn(c, () => true);
  await waitFor('the first poll', () => c.accounts.get(fb!.id)?.lastPollAt);
  const post = control.post(page.id, { message: 'Dune' });
  const before = control.comment(post.id, { message: 'Première', from: camille, ageMs: 2000 });
  const broken = control.comment(post.id, { message: 'Cassé', from: hugo, ageMs: 1000, malformed: true });
  const after = control.comment(post.id, { message: 'Troisième', from: hugo });
  const warnings = logs.filter((l) => l.level === 'warn').length;
  await callCore(c, 'accounts.pollNow', { accountId: fb!.id });
  await waitFor('the good comments', () => row(c, fb!.id, before.id) && row(c, fb!.id, after.id));
  expect(row(c, fb!.id, broken.id)).toBeUndefined();
  expect(logs.slice(warnings).some((l) => l.level === 'warn' && /skipped/.test(l.message))).toBe(true);
  expect(c.accounts.get(fb!.id)?.state).toBe('ok');
});

it('a comment edited on Facebook shows its new text, and one deleted there is marked deleted, through the message writer', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page } = control.addPage({ name: 'Atelier Lumen' });
  const post = control.post(page.id, { message: 'Dune' });
  const edited = control.comment(post.id, { message: 'Elle existe en blanc ?', from: camille, ageMs: 60_000 });
  const removed = control.comment(post.id, { message: 'Achetez des abonnés sur promo.example', from: hugo, ageMs: 30_000 });
  const [fb] = await signIn(c, () => true);
  const first = await waitFor('the comments', () => row(c, fb!.id, removed.id) && row(c, fb!.id, edited.id));

  control.editComment(edited.id, 'Elle existe en blanc ou en cuivre ?');
  control.deleteComment(removed.id);
  await callCore(c, 'accounts.pollNow', { accountId: fb!.id });
  await waitFor('the edit', () => row(c, fb!.id, edited.id)?.text === 'Elle existe en blanc ou en cuivre ?');
  const detail = await callCore(c, 'conversation.get', { conversationId: first.conversation_id, markRead: false });
  expect(detail.messages.find((m) => m.remoteId === edited.id)).toMatchObject({ text: 'Elle existe en blanc ou en cuivre ?', editedAt: expect.any(Number) });
  const gone = await waitFor('the deletion', async () => {
    const conversationId = row(c, fb!.id, removed.id)!.conversation_id;
    const d = await callCore(c, 'conversation.get', { conversationId, markRead: false });
    return d.messages.find((m) => m.remoteId === removed.id && m.deletedAt);
  });
  // Kept locally, marked deleted.
  expect(gone.text).toBe('Achetez des abonnés sur promo.example');
  // Polling again changes nothing more.
  await callCore(c, 'accounts.pollNow', { accountId: fb!.id });
  expect(c.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE account_id = ?').get(fb!.id)!.n).toBe(2);
});

it('an Instagram comment deleted on Instagram is marked deleted in Parvis', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { instagram } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  const media = control.media(instagram!.id, { caption: 'Dune' });
  const kept = control.igComment(media.id, { text: 'Superbe', from: { id: '1789000111', username: 'lea.design' }, ageMs: 20_000 });
  const spam = control.igComment(media.id, { text: 'Gagnez 1000 abonnés', from: { id: '1789000222', username: 'promo.bot' }, ageMs: 10_000 });
  const accounts = await signIn(c, () => true);
  const ig = accounts.find((a) => a.network === 'instagram')!;
  await waitFor('the comments', () => row(c, ig.id, kept.id) && row(c, ig.id, spam.id));
  control.igComments.get(spam.id)!.deleted = true;
  await callCore(c, 'accounts.pollNow', { accountId: ig.id });
  await waitFor('the deletion', async () => {
    const d = await callCore(c, 'conversation.get', { conversationId: row(c, ig.id, spam.id)!.conversation_id, markRead: false });
    return d.messages.find((m) => m.remoteId === spam.id && m.deletedAt);
  });
  const other = await callCore(c, 'conversation.get', { conversationId: row(c, ig.id, kept.id)!.conversation_id, markRead: false });
  expect(other.messages.find((m) => m.remoteId === kept.id)?.deletedAt ?? null).toBeNull();
});

it('a visitor’s post on the Page and a post tagging it arrive with their comments; answers go under them; an Instagram mention is answered through the mentions edge', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page, instagram } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  const accounts = await signIn(c, () => true);
  const fb = accounts.find((a) => a.network === 'facebook')!;
  const ig = accounts.find((a) => a.network === 'instagram')!;
  await waitFor('the first polls', () => accounts.every((a) => c.accounts.get(a.id)?.lastPollAt));

  const visitor = control.post(page.id, { message: 'Ma commande 48213 n’est jamais arrivée', from: camille, kind: 'visitor' });
  const onVisitor = control.comment(visitor.id, { message: 'Pareil pour moi !', from: hugo });
  const tagging = control.post(page.id, { message: 'Superbe soirée avec les lampes d’Atelier Lumen', from: hugo, kind: 'tagged' });
  const mention = control.media(instagram!.id, { caption: 'Mon salon grâce à @atelier.lumen', taggedBy: 'lea.design' });
  await callCore(c, 'accounts.pollNow', { accountId: fb.id });
  await callCore(c, 'accounts.pollNow', { accountId: ig.id });
  const v = await waitFor('the visitor post', () => row(c, fb.id, visitor.id));
  const vc = await waitFor('its comment', () => row(c, fb.id, onVisitor.id));
  const t = await waitFor('the tagging post', () => row(c, fb.id, tagging.id));
  const m = await waitFor('the Instagram mention', () => row(c, ig.id, mention.id));
  // The visitor's post and its comments are one conversation.
  expect(vc.conversation_id).toBe(v.conversation_id);
  expect(c.db.prepare<[number], { kind: string }>('SELECT kind FROM conversations WHERE id = ?').get(t.conversation_id)!.kind).toBe('mention');

  await callCore(c, 'reply.send', { conversationId: v.conversation_id, text: 'Nous regardons tout de suite, Camille.', parentMessageId: v.id });
  const toPost = await waitFor('the answer under the visitor post', () => control.sent.find((s) => s.text === 'Nous regardons tout de suite, Camille.'));
  expect(toPost).toMatchObject({ kind: 'comment-reply', parentId: visitor.id });
  await callCore(c, 'reply.send', { conversationId: m.conversation_id, text: 'Merci Léa, quel beau salon !' });
  const onMention = await waitFor('the answer to the mention', () => control.sent.find((s) => s.text === 'Merci Léa, quel beau salon !'));
  expect(onMention).toMatchObject({ kind: 'ig-mention-reply', parentId: mention.id });
});

it('thirty Messenger conversations written since the last poll all arrive: the threads are paged while they are recent', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page } = control.addPage({ name: 'Atelier Lumen' });
  const [fb] = await signIn(c, () => true);
  await waitFor('the first poll', () => c.accounts.get(fb!.id)?.lastPollAt);
  const messages = Array.from({ length: 30 }, (_, i) => control.message(page.id, { from: { id: `66000${i}`, name: `Client ${i}` }, text: `Question ${i}`, ageMs: (30 - i) * 1000 }).message);
  await callCore(c, 'accounts.pollNow', { accountId: fb!.id });
  await waitFor('every conversation', () => messages.every((m) => row(c, fb!.id, m.id)));
  expect(control.calls.filter((call) => call.path.endsWith('/conversations') && call.query.get('after'))).toHaveLength(1);
});

it('comments turned off on an Instagram media from a comment’s menu (after the undo window): Instagram takes no new comment, an answer is refused in plain words; turned back on, Instagram takes comments again; a media with comments off arrives closed', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { instagram } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  const accounts = await signIn(c, () => true);
  const ig = accounts.find((a) => a.network === 'instagram')!;
  const media = control.media(instagram!.id, { caption: 'Soldes : -30 % sur Dune' });
  const heated = control.igComment(media.id, { text: 'Encore des soldes bidon', from: { id: '1789000222', username: 'troll.42' } });
  const closed = control.media(instagram!.id, { caption: 'Concours terminé' });
  const late = control.igComment(closed.id, { text: 'Qui a gagné ?', from: { id: '1789000444', username: 'nina.b' } });
  closed.commentsEnabled = false;
  await callCore(c, 'accounts.pollNow', { accountId: ig.id });
  const comment = await waitFor('the Instagram comment', () => row(c, ig.id, heated.id));
  const lateRow = await waitFor('the comment on the closed media', () => row(c, ig.id, late.id));
  const lockedOf = (id: number) => c.db.prepare<[number], number>('SELECT locked FROM messages WHERE id = ?').pluck(true).get(id);
  expect([lockedOf(comment.id), lockedOf(lateRow.id)]).toEqual([0, 1]);

  await callCore(c, 'moderation.act', { messageId: comment.id, action: 'lock' });
  // Held for its undo window: still open on Instagram meanwhile.
  expect(media.commentsEnabled).toBe(true);
  await waitFor('comments off on Instagram', () => media.commentsEnabled === false, HELD_ACTION_WAIT_MS);
  expect(() => control.igComment(media.id, { text: 'Et maintenant ?', from: { id: '1789000333', username: 'lea.design' } })).toThrow(/Comments are disabled/);
  const { messages } = await callCore(c, 'conversation.get', { conversationId: comment.conversation_id, markRead: false });
  expect(messages.find((m) => m.id === comment.id)?.locked).toBe(true);

  // An answer while comments are off is refused in plain words, and the text is kept.
  const { messageId } = await callCore(c, 'reply.send', { conversationId: comment.conversation_id, text: 'Les soldes sont bien réels.' });
  const refused = await waitFor('the refusal', () => {
    const o = c.db.prepare<[number], { state: string; last_error: string | null }>('SELECT o.state, o.last_error FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
    return o?.last_error ? o : undefined;
  });
  expect(refused.last_error).toMatch(/Comments are turned off on this Instagram post/);
  expect(control.sent.filter((s) => s.text === 'Les soldes sont bien réels.')).toEqual([]);

  // Turned back on (not held): the media takes comments again.
  await callCore(c, 'moderation.act', { messageId: comment.id, action: 'unlock' });
  await waitFor('comments on again', () => media.commentsEnabled === true, 3000);
  expect(control.igComment(media.id, { text: 'Merci !', from: { id: '1789000333', username: 'lea.design' } }).text).toBe('Merci !');
});

it('the Graph API version set in an account’s settings is used at once; one Meta does not serve is said in plain words; a malformed one is refused', async () => {
  const { c, meta } = await startAll();
  const { control } = meta;
  const { page } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  const accounts = await signIn(c, () => true);
  const fb = accounts.find((a) => a.network === 'facebook')!;
  await waitFor('the first poll', () => c.accounts.get(fb.id)?.lastPollAt);
  const networks = await callCore(c, 'accounts.networks', {});
  expect(networks.find((n) => n.id === 'facebook')!.accountSettings?.map((f) => [f.name, f.defaultValue])).toEqual([['graphApiVersion', 'v21.0']]);

  await callCore(c, 'accounts.setSettings', { accountId: fb.id, settings: { graphApiVersion: 'v23.0' } });
  const post = control.post(page.id, { message: 'Nouvelle collection' });
  const question = control.comment(post.id, { message: 'Livrez-vous en Belgique ?', from: camille });
  const since = control.calls.length;
  await waitFor('the comment, read with v23.0', () => row(c, fb.id, question.id));
  expect(new Set(control.calls.slice(since).map((call) => call.version))).toEqual(new Set(['v23.0']));

  // A version Meta does not serve: the account says so, and where to change it.
  await callCore(c, 'accounts.setSettings', { accountId: fb.id, settings: { graphApiVersion: 'v99.0' } });
  const refused = await waitFor('the refusal', () => statuses.find((s) => s.accountId === fb.id && s.lastError?.kind === 'not-supported'));
  expect(refused.lastError!.message).toBe('Meta does not serve the Graph API version v99.0 set in this account’s settings: set a version Meta serves (Parvis is tested with v21.0), or clear it.');

  // Cleared: back to the pinned version, polling again.
  await expect(callCore(c, 'accounts.setSettings', { accountId: fb.id, settings: { graphApiVersion: 'latest' } })).rejects.toThrow();
  const cleared = await callCore(c, 'accounts.setSettings', { accountId: fb.id, settings: { graphApiVersion: '' } });
  expect(cleared.settings).toBeUndefined();
  await waitFor('polling again with v21.0', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === fb.id)?.lastError === null);
  expect(control.calls.at(-1)!.version).toBe('v21.0');
});
