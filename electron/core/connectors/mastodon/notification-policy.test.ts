/**
 * Mastodon 4.3+ notification policies: a mention from an account the user's policy filters (not
 * followed, or created less than 30 days ago) is kept out of GET /api/v1/notifications unless the
 * client asks `include_filtered=true`, and goes to "notification requests" in Mastodon's own app.
 * Parvis reads them anyway: a community manager must see the first message of a new customer.
 * Older servers ignore the parameter (Rails drops parameters a controller does not permit), so it
 * is always sent. A `drop` policy never creates the notification: nothing can be read then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MastodonServer } from '../../../../e2e/networks/mastodon';
import type { AccountContext, PollResult } from '../types';
import { startLocalMastodon, testConnector } from './fixtures/local-account';

let server: MastodonServer;
let ctx: AccountContext;
const connector = testConnector();

beforeEach(async () => {
  ({ server, ctx } = await startLocalMastodon());
});

afterEach(async () => {
  await server.close();
});

const texts = (result: PollResult) => result.items.map((i) => i.text.replace(/^@parvis /, ''));

describe('Mastodon notification policies', () => {
  it('a mention the policy filters reaches Parvis, once, in order with the others', async () => {
    const start = await connector.poll(ctx, null);
    server.control.setNotificationPolicy({ forNotFollowing: 'filter' });
    server.control.follow('alice');
    server.control.addMention({ from: 'alice', text: 'une amie suivie' });
    server.control.addMention({ from: 'newcomer', text: 'ma première question, je ne suis pas suivie' });
    server.control.addMention({ from: 'alice', text: 'encore moi' });

    // What Mastodon's own list shows by default: the filtered mention is not there.
    const plain = await fetch(`${server.url}/api/v1/notifications?types[]=mention`, { headers: { authorization: `Bearer ${server.control.accessToken}` } });
    expect(((await plain.json()) as { status: { content: string } }[]).map((n) => n.status.content)).not.toContainEqual(expect.stringContaining('première question'));

    const polled = await connector.poll(ctx, start.cursor);
    expect(texts(polled)).toEqual(['une amie suivie', 'ma première question, je ne suis pas suivie', 'encore moi']);
    const again = await connector.poll(ctx, polled.cursor);
    expect(again.items).toEqual([]);
  });

  it('filtered mentions across pages: none lost, none doubled', async () => {
    const start = await connector.poll(ctx, null);
    server.control.setNotificationPolicy({ forNewAccounts: 'filter' });
    server.control.addMany(12, 'mention', { from: 'fresh' });
    const seen: string[] = [];
    let cursor = start.cursor;
    for (let i = 0; i < 6; i++) {
      const page = await connector.poll(ctx, cursor);
      seen.push(...texts(page));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `mention number ${i + 1}`));
  });

  it('a dropped notification is never created: only what the server keeps can be read', async () => {
    const start = await connector.poll(ctx, null);
    server.control.setNotificationPolicy({ forNotFollowing: 'drop' });
    server.control.addMention({ from: 'spammer', text: 'achetez maintenant' });
    expect((await connector.poll(ctx, start.cursor)).items).toEqual([]);
  });
});
