/**
 * The live demo end to end, smaller and faster: the history reaches the inbox through the real
 * connectors (every account connected through the contract, polled, none in error), the team's
 * triage is applied, held YouTube comments are held, and community activity keeps arriving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { callCore, waitFor } from '../networks/fixture';
import { UNCONNECTED_MASTODON, startLiveDemo, type LiveDemo } from './live-demo';
import { mailServersInstalled } from './mailbox-demo';

const dataDir = mkdtempSync(join(tmpdir(), 'parvis-live-demo-test-'));
let demo: LiveDemo | undefined;

afterAll(async () => {
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('fills the inbox through the connectors, applies the triage, and keeps new activity coming', async () => {
  const logs: string[] = [];
  demo = await startLiveDemo({
    dataDir,
    staticDir: dataDir,
    conversations: 80,
    activity: { minDelayMs: 20, maxDelayMs: 40 },
    log: (level, message) => logs.push(`${level} ${message}`),
  });
  const core = demo.app.core;
  expect((await callCore(core, 'app.info', {})).demo).toBe(true);
  expect(demo.networks.filter((n) => !n.connected).map((n) => n.network)).toEqual(['mastodon']);

  const ready = await demo.ready;
  expect(ready.complete).toBe(true);
  // The contact mailbox needs Dovecot and Postfix (Debian packages); without them the demo has none.
  const withMailbox = mailServersInstalled();
  // Mailbox: three conversations: the damaged lamp (an email and its follow-up), the wholesale enquiry, the press request.
  expect(ready.conversations).toEqual({ mastodon: expect.any(Number), bluesky: expect.any(Number), youtube: expect.any(Number), facebook: expect.any(Number), instagram: expect.any(Number), x: expect.any(Number), reddit: expect.any(Number), discourse: expect.any(Number), wordpress: expect.any(Number), feeds: expect.any(Number), telegram: 8, ...(withMailbox ? { mailbox: 3 } : {}) });
  const accounts = await callCore(core, 'accounts.list', {});
  expect(accounts.map((a) => [a.network, a.state, a.lastError])).toEqual([
    ['bluesky', 'ok', null],
    ['discourse', 'ok', null],
    ['facebook', 'ok', null],
    ['feeds', 'ok', null],
    ['feeds', 'ok', null],
    ['feeds', 'ok', null],
    ['feeds', 'ok', null],
    ['instagram', 'ok', null],
    ...(withMailbox ? [['mailbox', 'ok', null]] : []),
    ['mastodon', 'ok', null],
    ['mastodon', 'ok', null],
    ['reddit', 'ok', null],
    ['telegram', 'ok', null],
    ['wordpress', 'ok', null],
    ['x', 'ok', null],
    ['youtube', 'ok', null],
  ]);

  const counts = await callCore(core, 'inbox.count', {
    filters: {
      all: {},
      done: { status: ['done'] },
      held: { held: true },
      read: { unread: false },
      ...Object.fromEntries(accounts.map((a) => [`account-${a.id}`, { accountId: [a.id] }])),
    },
  });
  for (const a of accounts) {
    if (a.network === 'mailbox') expect(counts[`account-${a.id}`], a.handle).toBe(3);
    // The forum and the blog: a few conversations each; a feed: its entries.
    else if (['discourse', 'wordpress', 'feeds'].includes(a.network)) expect(counts[`account-${a.id}`], a.handle).toBeGreaterThan(1);
    else expect(counts[`account-${a.id}`], a.handle).toBeGreaterThan(5);
  }
  expect(counts.all).toBe(Object.values(ready.conversations).reduce<number>((sum, n) => sum + (n ?? 0), 0));
  expect(counts.done).toBeGreaterThan(0);
  expect(counts.held).toBeGreaterThan(0);
  expect(counts.read).toBeGreaterThan(0);
  const tagged = core.db.prepare('SELECT count(DISTINCT conversation_id) AS n FROM conversation_tags').get() as { n: number };
  expect(tagged.n).toBeGreaterThan(0);
  const assigned = core.db.prepare('SELECT count(*) AS n FROM conversations WHERE assignee_id IS NOT NULL').get() as { n: number };
  expect(assigned.n).toBeGreaterThan(0);

  // Four feeds: the press review, the brand's blog (RSS), a forum's topics (Atom), a news alert
  // (JSON Feed, with the alert added while the history was written); French and English entries.
  const feedTitles = core.db
    .prepare("SELECT c.context_text AS context, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN accounts a ON a.id = m.account_id WHERE a.network = 'feeds'")
    .all() as { context: string | null; text: string }[];
  const said = feedTitles.map((r) => `${r.context ?? ''} ${r.text}`).join('\n');
  for (const words of ['Maison&Objet', 'abat-jour de la Dune', 'why we redesigned the dimmer', 'Lampe Dune d’Atelier Lumen', 'Warm light for a reading corner', 'showroom à Paris', 'ten design studios to watch']) {
    expect(said, words).toContain(words);
  }

  // Activity for a connected account reaches the inbox on the next poll.
  const event = await waitFor('activity for a connected account', () => demo!.activity().find((e) => e.account !== UNCONNECTED_MASTODON.username));
  for (const a of accounts) await callCore(core, 'accounts.pollNow', { accountId: a.id });
  await waitFor(`the ${event.kind} in the inbox`, () => core.db.prepare('SELECT 1 FROM messages WHERE remote_id = ?').get(event.remoteId));
  expect(logs.filter((l) => l.startsWith('error') || l.startsWith('warn'))).toEqual([]);
});
