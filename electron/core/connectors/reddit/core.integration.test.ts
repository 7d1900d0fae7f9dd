/**
 * Reddit through the real core against the local Reddit API (e2e/networks/reddit.ts):
 * - connected through the browser sign-in (installed app, Basic auth with an empty secret), a
 *   reported comment in the modqueue, a private message and a new comment of a watched subreddit
 *   arrive within one poll, every request with Reddit's descriptive User-Agent; the replies reach
 *   Reddit under the comment and in the message thread; the comment is removed and its author
 *   banned from the subreddit with the reason; an edit and a deletion reach the inbox through the
 *   message writer;
 * - a 429 with its reset pauses only that account;
 * - a refresh token Reddit refuses turns the account "needs sign-in", and the queued reply waits.
 */
import { MODERATION_UNDO_WINDOW_MS } from '../../../../shared/model';
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, waitFor } from '../../../../e2e/networks/fixture';
import { startRedditServer, type RedditServer } from '../../../../e2e/networks/reddit';
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
const servers: RedditServer[] = [];
let statuses: SyncStatus[] = [];

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function redditServer(options: Parameters<typeof startRedditServer>[0] = {}): Promise<RedditServer> {
  const server = await startRedditServer({ clientId: 'parvis-local-reddit', ...options });
  servers.push(server);
  server.control.subreddit('AtelierLumen', { moderated: true });
  return server;
}

function startCore(server: RedditServer, settings?: SettingsStore) {
  const c = makeCore({
    ...networkWiring(localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9', reddit: server.url })),
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
    .prepare<[number, string], { id: number; conversation_id: number; text: string; moderation: string; deleted_at: number | null }>('SELECT id, conversation_id, text, moderation, deleted_at FROM messages WHERE account_id = ? AND remote_id = ?')
    .get(accountId, remoteId);
}

it('a modqueue item, a private message and a watched subreddit’s comment arrive within one poll; replies thread on Reddit; remove and ban reach it; edits and deletions follow', async () => {
  const server = await redditServer();
  const { control } = server;
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'reddit', fields: { subreddits: 'r/AtelierLumen' } });
  expect(account).toMatchObject({ network: 'reddit', handle: 'u/AtelierLumen', state: 'ok' });
  await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);

  const post = control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Ma lampe Dune clignote' });
  const rude = control.comment({ parent: post.name, author: 'troll42', text: 'Marque de voleurs, fuyez' });
  control.report(rude.name, 'Harcèlement');
  const kind = control.comment({ parent: post.name, author: 'dan_k', text: 'Essayez une autre ampoule' });
  const pm = control.message({ from: 'camille_rx', subject: 'Commande 48213', text: 'Bonjour, ma commande n’est pas arrivée.' });
  const before = control.requests.filter((r) => r.path === '/message/inbox').length;
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const queued = await waitFor('the modqueue comment', () => message(account.id, rude.name));
  expect(control.requests.filter((r) => r.path === '/message/inbox').length - before).toBe(1);
  expect(queued.moderation).toBe('held');
  expect(message(account.id, kind.name)).toMatchObject({ text: 'Essayez une autre ampoule', moderation: 'visible' });
  const storedPm = message(account.id, pm.name)!;
  expect(storedPm.text).toBe('Commande 48213\n\nBonjour, ma commande n’est pas arrivée.');
  // Every request of Parvis (the consent page is the user's browser) says who it is, as Reddit requires.
  const fromParvis = control.requests.filter((r) => !r.path.startsWith('/api/v1/authorize'));
  expect(fromParvis.length).toBeGreaterThan(3);
  expect(fromParvis.filter((r) => r.userAgent !== 'desktop:app.parvis.inbox:0.1.0 (by /u/parvis-app)')).toEqual([]);

  await callCore(c, 'reply.send', { conversationId: storedPm.conversation_id, text: 'Bonjour Camille, elle part demain.' });
  const pmReply = await waitFor('the message answer', () => control.replies.find((r) => r.body === 'Bonjour Camille, elle part demain.'));
  expect(pmReply).toMatchObject({ kind: 't4', dest: 'camille_rx', firstMessageName: pm.name });
  // A reply to a comment goes under that comment, not under the post.
  const kindRow = message(account.id, kind.name)!;
  await callCore(c, 'reply.send', { conversationId: kindRow.conversation_id, text: 'Merci Dan !' });
  const commentReply = await waitFor('the comment reply', () => control.replies.find((r) => r.body === 'Merci Dan !'));
  expect(commentReply).toMatchObject({ kind: 't1', linkId: post.name });
  expect([kind.name, post.name]).toContain(commentReply.parentId);

  await callCore(c, 'moderation.act', { messageId: queued.id, action: 'remove' });
  await waitFor('removed on Reddit', () => control.get(rude.name)?.removed === true, HELD_ACTION_WAIT_MS);
  expect(control.get(rude.name)!.spam).toBe(false);
  await callCore(c, 'moderation.act', { messageId: queued.id, action: 'ban-author', reason: 'Insultes répétées' });
  const ban = await waitFor('the ban', () => control.bans[0], HELD_ACTION_WAIT_MS);
  expect(ban).toEqual({ subreddit: 'AtelierLumen', name: 'troll42', reason: 'Insultes répétées', duration: null });

  // An edit and a deletion of items still in the modqueue reach the inbox through the message writer.
  const edited = control.comment({ parent: post.name, author: 'hugo_m', text: 'Arnaque totale' });
  control.report(edited.name, 'Spam');
  const gone = control.comment({ parent: post.name, author: 'zoe', text: 'Lien douteux' });
  control.filter(gone.name);
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('both queued', () => message(account.id, edited.name) && message(account.id, gone.name));
  control.edit(edited.name, 'Arnaque totale, je demande un remboursement');
  control.deleteByAuthor(gone.name);
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('the edit', () => message(account.id, edited.name)?.text === 'Arnaque totale, je demande un remboursement');
  await waitFor('the deletion', () => message(account.id, gone.name)?.deleted_at);
});

it('a 429 with its reset pauses only that account, while another Reddit account keeps polling', async () => {
  const limited = await redditServer();
  const other = await redditServer({ account: 'LumenSupport' });
  other.control.subreddit('LumenSupport', { moderated: true });
  const c = startCore(limited, everySecond);
  const a = await connectAccount(c, { network: 'reddit', fields: {} });
  const b = c.accounts.upsert({ network: 'reddit', serverUrl: other.url, remoteId: 'LumenSupport', handle: 'u/LumenSupport', displayName: 'LumenSupport' });
  const tokens = other.control.issueTokens();
  await c.secrets.set(accountSecretKey(b.id), JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: String(tokens.expiresAt), subreddits: '' }));
  c.scheduler?.refreshAccounts();
  await waitFor('first polls', async () => (await callCore(c, 'accounts.list', {})).every((acc) => acc.lastPollAt !== null));

  limited.control.fail({ kind: 'rate-limit', resetInSeconds: 3 });
  const refused = await waitFor('the 429', () => statuses.find((s) => s.accountId === a.id && s.lastError?.kind === 'rate-limited'));
  const until = refused.nextPollAt!;
  expect(until - Date.now()).toBeGreaterThan(1500);
  const requestsAtRefusal = limited.control.requests.length;

  const elsewhere = other.control.message({ from: 'dan_k', subject: 'Order 51877', text: 'Any news?' });
  const waiting = limited.control.message({ from: 'hugo_m', subject: 'Colis', text: 'Toujours rien reçu' });
  await waitFor('the other account’s message', () => message(b.id, elsewhere.name), 3000);
  expect(Date.now()).toBeLessThan(until);
  expect(limited.control.requests.length).toBe(requestsAtRefusal);
  expect(message(a.id, waiting.name)).toBeUndefined();
  await waitFor('the limited account’s message after the reset', () => message(a.id, waiting.name), 6000);
  expect(limited.control.requests.slice(requestsAtRefusal).filter((r) => r.at < until)).toEqual([]);
});

it('a refresh token Reddit refuses turns the account "needs sign-in"; the queued reply waits and goes out after the new sign-in', async () => {
  const server = await redditServer();
  const { control } = server;
  const pm = control.message({ from: 'camille_rx', subject: 'Commande', text: 'Où en est ma commande ?' });
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'reddit', fields: {} });
  const stored = await waitFor('the message', () => message(account.id, pm.name));

  control.expireAccessTokens();
  control.revokeRefreshTokens();
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'));
  const { messageId } = await callCore(c, 'reply.send', { conversationId: stored.conversation_id, text: 'Elle part demain.' });
  const outbox = () => c.db.prepare<[number], { state: string; attempts: number }>('SELECT o.state, o.attempts FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
  await waitFor('the reply waiting', () => outbox()?.state === 'failed');
  expect(outbox()).toMatchObject({ state: 'failed', attempts: 0 });
  expect(control.replies).toEqual([]);

  const again = await connectAccount(c, { network: 'reddit', fields: {} });
  expect(again.id).toBe(account.id);
  const sent = await waitFor('the reply delivered', () => control.replies.find((r) => r.body === 'Elle part demain.'));
  expect(sent.firstMessageName).toBe(pm.name);
});

it('a comment is locked on Reddit after the undo window (an undone lock never leaves), then unlocked; a post locked on Reddit arrives locked', async () => {
  const server = await redditServer();
  const { control } = server;
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'reddit', fields: { subreddits: 'r/AtelierLumen' } });
  const post = control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Débat : lampes Dune ou Sirocco ?' });
  control.get(post.name)!.locked = true;
  control.report(post.name, 'Hors sujet');
  const heated = control.comment({ parent: post.name, author: 'troll42', text: 'Vous êtes tous des vendus' });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const comment = await waitFor('the comment', () => message(account.id, heated.name));
  await waitFor('the locked post from the modqueue', () => message(account.id, post.name));
  const lockedOf = (remoteId: string) => c.db.prepare<[number, string], number>('SELECT locked FROM messages WHERE account_id = ? AND remote_id = ?').pluck(true).get(account.id, remoteId);
  expect(lockedOf(post.name)).toBe(1);
  expect(lockedOf(heated.name)).toBe(0);

  // Undone within its window: Reddit never hears of it, and Parvis shows it open again.
  const first = await callCore(c, 'moderation.act', { messageId: comment.id, action: 'lock' });
  expect(first.undoUntil).not.toBeNull();
  expect(lockedOf(heated.name)).toBe(1);
  await callCore(c, 'moderation.undo', { actionIds: [first.actionId] });
  expect(lockedOf(heated.name)).toBe(0);

  await callCore(c, 'moderation.act', { messageId: comment.id, action: 'lock' });
  await waitFor('locked on Reddit', () => control.get(heated.name)?.locked === true, HELD_ACTION_WAIT_MS);
  expect(control.requests.filter((r) => r.path === '/api/lock')).toHaveLength(1);
  const { messages } = await callCore(c, 'conversation.get', { conversationId: comment.conversation_id, markRead: false });
  expect(messages.find((m) => m.remoteId === heated.name)?.locked).toBe(true);

  // The way back leaves at once (it is not held).
  await callCore(c, 'moderation.act', { messageId: comment.id, action: 'unlock' });
  await waitFor('unlocked on Reddit', () => control.get(heated.name)?.locked === false, 3000);
  expect(lockedOf(heated.name)).toBe(0);
  expect(control.get(post.name)!.locked).toBe(true);
});

it('a ban for 7 days reaches Reddit with duration 7, a permanent one with none, and a ban undone within its window never leaves', async () => {
  const server = await redditServer();
  const { control } = server;
  const c = startCore(server);
  const account = await connectAccount(c, { network: 'reddit', fields: { subreddits: 'r/AtelierLumen' } });
  const post = control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Ma lampe Dune clignote' });
  const comments = ['troll42', 'vendeur_louche', 'dan_k'].map((author) => {
    const comment = control.comment({ parent: post.name, author, text: `Message de ${author}` });
    control.report(comment.name, 'Spam');
    return comment;
  });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const [week, forever, undone] = await Promise.all(comments.map((comment) => waitFor(`the comment of ${comment.author}`, () => message(account.id, comment.name))));

  const caps = await callCore(c, 'moderation.capabilities', {});
  expect(caps.reddit!.banDuration).toEqual({ maxDays: 999, permanent: true, defaultDays: null });

  const takenBack = await callCore(c, 'moderation.act', { messageId: undone!.id, action: 'ban-author', reason: 'Erreur', durationDays: 30 });
  await callCore(c, 'moderation.undo', { actionIds: [takenBack.actionId] });
  await callCore(c, 'moderation.act', { messageId: week!.id, action: 'ban-author', reason: 'Insultes répétées', durationDays: 7 });
  await callCore(c, 'moderation.act', { messageId: forever!.id, action: 'ban-author', reason: 'Publicité' });
  // Reddit's own limit, 999 days, is refused before anything is queued.
  await expect(callCore(c, 'moderation.act', { messageId: undone!.id, action: 'ban-author', durationDays: 1000 })).rejects.toThrow(/999/);

  await waitFor('both bans on Reddit', () => (control.bans.length >= 2 ? true : null), HELD_ACTION_WAIT_MS);
  expect([...control.bans].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { subreddit: 'AtelierLumen', name: 'troll42', reason: 'Insultes répétées', duration: 7 },
    { subreddit: 'AtelierLumen', name: 'vendeur_louche', reason: 'Publicité', duration: null },
  ]);
  // The undone ban's window ended before the others': it would have left with them.
  expect(control.requests.filter((r) => r.path === '/r/AtelierLumen/api/friend')).toHaveLength(2);
  expect(c.db.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'moderate' AND state != 'sent'`).get()).toEqual({ n: 0 });
});
