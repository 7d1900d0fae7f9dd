/**
 * Two feeds followed through the real core (connect, scheduler, ingest): a new entry arrives
 * within one poll; the next poll asks with If-None-Match, gets 304 and adds nothing; an entry
 * whose id comes again (in a later document, or twice in one) is stored once; the inbox shows
 * the entries as feed conversations that triage like any other.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from '../../../../e2e/networks/feeds';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, waitFor } from '../../../../e2e/networks/fixture';
import { makeCore } from '../../testing/core-fixture';

let server: FeedServer;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  server = await startFeedServer();
  // Every network of the build; feeds need no endpoint: the user types the feed's address.
  core = makeCore({ networks: { environment: {} }, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
});

afterAll(async () => {
  await core?.dispose();
  await server?.close();
});

function remoteIds(accountId: number): string[] {
  return core.db
    .prepare<[number], { remote_id: string }>('SELECT remote_id FROM messages WHERE account_id = ? ORDER BY remote_id')
    .all(accountId)
    .map((r) => r.remote_id);
}

it('follows two feeds: new entries within one poll, 304 on the next with nothing doubled, repeated ids stored once', async () => {
  const blog = await connectAccount(core, { network: 'feeds', fields: { url: server.feedUrl('blog.rss.xml') } });
  const press = await connectAccount(core, { network: 'feeds', fields: { url: server.feedUrl('broken-dates.rss.xml') } });
  expect(blog).toMatchObject({ network: 'feeds', displayName: 'Lumière & Co – Le blog', serverUrl: server.feedUrl('blog.rss.xml'), state: 'ok' });
  expect(press.displayName).toBe('Revue de presse Lumière');

  await waitFor('the first poll of both feeds', () => core.accounts.get(blog.id)?.lastPollAt && core.accounts.get(press.id)?.lastPollAt);
  expect(remoteIds(blog.id)).toHaveLength(3);
  // The press feed repeats a guid inside its document: stored once.
  const pressIds = remoteIds(press.id);
  expect(pressIds.filter((id) => id === 'presse-2026-041')).toHaveLength(1);
  expect(new Set(pressIds).size).toBe(pressIds.length);

  // Nothing new: the next poll is conditional and answered 304; nothing is added.
  const before = server.control.requestsTo('blog.rss.xml').length;
  await callCore(core, 'accounts.pollNow', { accountId: blog.id });
  const conditional = server.control.requestsTo('blog.rss.xml').slice(before);
  expect(conditional).toHaveLength(1);
  expect(conditional[0]).toMatchObject({ status: 304, ifNoneMatch: expect.stringMatching(/^"/) });
  expect(remoteIds(blog.id)).toHaveLength(3);

  // A new entry arrives within one poll, as its own feed conversation.
  server.control.addEntry('blog.rss.xml', {
    id: 'https://blog.lumiere-et-co.example/?p=1490',
    title: 'Soldes d’hiver : -20 % sur les abat-jour',
    html: '<p>Jusqu’au <strong>31 janvier</strong>. <a href="/boutique/abat-jour/">Voir la sélection</a></p>',
    link: '/2026/11/05/soldes/',
    author: 'Camille Roche',
    publishedAt: new Date(),
  });
  await callCore(core, 'accounts.pollNow', { accountId: blog.id });
  expect(server.control.requestsTo('blog.rss.xml').at(-1)!.status).toBe(200);
  expect(remoteIds(blog.id)).toHaveLength(4);
  const message = core.db
    .prepare<[number, string], { text: string; html: string; permalink: string; kind: string; conversation_id: number }>(
      'SELECT m.text, m.html, m.permalink, c.kind, m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.account_id = ? AND m.remote_id = ?',
    )
    .get(blog.id, 'https://blog.lumiere-et-co.example/?p=1490')!;
  // Relative addresses are read against the feed's own address (no xml:base in this feed).
  expect(message).toMatchObject({ kind: 'feed', permalink: `${server.url}/2026/11/05/soldes/` });
  expect(message.text).toBe('Soldes d’hiver : -20 % sur les abat-jour\n\nJusqu’au 31 janvier. Voir la sélection');
  expect(message.html).toContain(`href="${server.url}/boutique/abat-jour/"`);

  // The same id again in a later document (the post edited and republished): not doubled.
  server.control.addEntry('blog.rss.xml', {
    id: 'https://blog.lumiere-et-co.example/?p=1490',
    title: 'Soldes d’hiver : -30 % sur les abat-jour',
    html: '<p>Prolongées</p>',
    publishedAt: new Date(),
  });
  await callCore(core, 'accounts.pollNow', { accountId: blog.id });
  expect(server.control.requestsTo('blog.rss.xml').at(-1)!.status).toBe(200);
  expect(remoteIds(blog.id).filter((id) => id === 'https://blog.lumiere-et-co.example/?p=1490')).toHaveLength(1);
  expect(remoteIds(blog.id)).toHaveLength(4);

  // The entries triage like any conversation: listed, tagged, done.
  const list = await callCore(core, 'inbox.list', { filter: { network: ['feeds'] }, limit: 50 });
  expect(list.items.every((c) => c.kind === 'feed')).toBe(true);
  expect(list.items.map((c) => c.accountId).sort()).toEqual([...Array(3 + 1).fill(blog.id), ...Array(pressIds.length).fill(press.id)].sort());
  const tag = await callCore(core, 'tags.create', { name: 'Veille', color: '#1d4ed8' });
  await callCore(core, 'conversation.tag', { conversationIds: [message.conversation_id], tagId: tag.id });
  await callCore(core, 'conversation.setStatus', { conversationIds: [message.conversation_id], status: 'done' });
  const tagged = await callCore(core, 'inbox.list', { filter: { tagId: tag.id, status: ['done'] }, limit: 10 });
  expect(tagged.items.map((c) => c.id)).toEqual([message.conversation_id]);

  // Read-only: a reply is refused at once, and nothing is queued.
  await expect(callCore(core, 'reply.send', { conversationId: message.conversation_id, text: 'Merci !' })).rejects.toMatchObject({ kind: 'not-supported' });
  expect(core.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });

  expect(core.accounts.get(blog.id)).toMatchObject({ state: 'ok', lastError: null });
  expect(core.accounts.get(press.id)).toMatchObject({ state: 'ok', lastError: null });
});
