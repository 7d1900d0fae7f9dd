/**
 * Polling the local Mastodon server: first poll takes recent history, later polls page forward with
 * the Link header, nothing is delivered twice, threads resolve to their root with one context
 * request, and a malformed item is skipped while the rest of the page is kept.
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

function texts(result: PollResult): string[] {
  return result.items.map((i) => i.text.replace(/^@parvis /, ''));
}

describe('Mastodon poll', () => {
  it('verifies the credentials', async () => {
    await expect(connector.verify(ctx)).resolves.toMatchObject({
      remoteId: server.control.meId,
      handle: `@parvis@${new URL(server.url).host}`,
      name: 'Parvis Community Team',
    });
  });

  it('takes only recent history on the first poll, oldest first, then what is new', async () => {
    server.control.addMany(12, 'mention', { from: 'alice' });
    const first = await connector.poll(ctx, null);
    expect(texts(first)).toEqual(['mention number 8', 'mention number 9', 'mention number 10', 'mention number 11', 'mention number 12']);
    expect(first.hasMore).toBe(false);
    expect(first.skipped).toEqual([]);

    server.control.addMention({ from: 'bob', text: 'one more' });
    const second = await connector.poll(ctx, first.cursor);
    expect(texts(second)).toEqual(['one more']);
    expect(second.hasMore).toBe(false);
  });

  it('pages forward through everything that arrived, a page at a time, hasMore from the Link header', async () => {
    const empty = await connector.poll(ctx, null);
    expect(empty.items).toEqual([]);
    server.control.addMany(12, 'mention');

    const pages: PollResult[] = [];
    let cursor = empty.cursor;
    for (let i = 0; i < 4; i++) {
      const page = await connector.poll(ctx, cursor);
      pages.push(page);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, false]);
    expect(pages.flatMap(texts)).toEqual(Array.from({ length: 12 }, (_, i) => `mention number ${i + 1}`));
    const after = await connector.poll(ctx, cursor);
    expect(after.items).toEqual([]);
    expect(after.hasMore).toBe(false);
  });

  it('delivers nothing twice: same cursor gives the same page, a DM in both lists comes once', async () => {
    const start = await connector.poll(ctx, null);
    server.control.addMention({ from: 'alice', text: 'hello' });
    const dm = server.control.addDirectMessage({ from: 'carol', text: 'a private question' });

    const a = await connector.poll(ctx, start.cursor);
    const b = await connector.poll(ctx, start.cursor);
    const ids = a.items.map((i) => i.remoteId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(2);
    expect(b.items.map((i) => i.remoteId)).toEqual(ids);
    expect(b.cursor).toBe(a.cursor);

    const dmItem = a.items.find((i) => i.remoteId === dm.statusId)!;
    expect(dmItem).toMatchObject({ kind: 'dm', threadRemoteId: dm.statusId, extra: { notificationId: dm.notificationId, conversationId: dm.conversationId } });

    const c = await connector.poll(ctx, a.cursor);
    expect(c.items).toEqual([]);
  });

  it('groups a thread on our post under its root with one context request', async () => {
    const start = await connector.poll(ctx, null);
    const post = server.control.addPost({ text: 'Version 2.0 is out!' });
    const alice = server.control.addReply({ from: 'alice', to: post.statusId, text: 'love it' });
    const bob = server.control.addReply({ from: 'bob', to: alice.statusId, text: 'me too' });
    const elsewhere = server.control.addMention({ from: 'carol', text: 'have you seen this?' });

    const result = await connector.poll(ctx, start.cursor);
    const byId = new Map(result.items.map((i) => [i.remoteId, i]));
    expect(byId.get(alice.statusId)).toMatchObject({
      kind: 'comment',
      threadRemoteId: post.statusId,
      parentRemoteId: post.statusId,
      context: { remoteId: post.statusId, text: 'Version 2.0 is out!', authorName: 'Parvis Community Team' },
    });
    expect(byId.get(bob.statusId)).toMatchObject({ kind: 'comment', threadRemoteId: post.statusId, parentRemoteId: alice.statusId });
    expect(byId.get(elsewhere.statusId)).toMatchObject({ kind: 'mention', threadRemoteId: elsewhere.statusId, context: null });

    const contextRequests = server.control.state().requests.filter((r) => r.path.endsWith('/context'));
    expect(contextRequests).toHaveLength(1);
  });

  it('resolves replies to a status it cannot see to that status id, with one context request', async () => {
    const start = await connector.poll(ctx, null);
    server.control.addAccount('erin');
    // A direct message between others: we cannot see it, but replies that mention us arrive.
    const hidden = server.control.addStatus({ from: 'dave', text: '@erin secret plans', visibility: 'direct' });
    const first = server.control.addMention({ from: 'erin', text: 'what do you think?', inReplyToId: hidden.statusId });
    const second = server.control.addMention({ from: 'frank', text: 'me too', inReplyToId: first.statusId });

    const result = await connector.poll(ctx, start.cursor);
    expect(result.items.map((i) => [i.remoteId, i.threadRemoteId, i.kind])).toEqual([
      [first.statusId, hidden.statusId, 'mention'],
      [second.statusId, hidden.statusId, 'mention'],
    ]);
    expect(server.control.state().requests.filter((r) => r.path.endsWith('/context'))).toHaveLength(1);
  });

  it('skips a malformed item with a reason and keeps the rest of the page', async () => {
    const start = await connector.poll(ctx, null);
    const before = server.control.addMention({ from: 'alice', text: 'before' });
    const broken = server.control.addMalformed('notifications');
    const after = server.control.addMention({ from: 'bob', text: 'after' });
    server.control.addMalformed('conversations');

    const result = await connector.poll(ctx, start.cursor);
    expect(result.items.map((i) => i.remoteId)).toEqual([before.statusId, after.statusId]);
    expect(result.skipped).toHaveLength(2);
    expect(result.skipped[0]).toMatchObject({ remoteId: broken.id });
    expect(result.skipped[0]!.reason).toMatch(/unreadable notification/);
    expect(result.skipped[1]!.reason).toMatch(/unreadable conversation/);

    const next = await connector.poll(ctx, result.cursor);
    expect(next.items).toEqual([]);
    expect(next.skipped).toEqual([]);
  });

  it('reports the rate-limit state of the last answer', async () => {
    const result = await connector.poll(ctx, null);
    expect(result.rateLimit).toMatchObject({ limit: 300 });
    expect(result.rateLimit!.remaining).toBeLessThan(300);
    expect(result.rateLimit!.resetAt).toBeGreaterThan(0);
  });

  it('starts over like a first poll when the cursor is unreadable', async () => {
    server.control.addMention({ from: 'alice', text: 'still here' });
    const result = await connector.poll(ctx, '{not json');
    expect(texts(result)).toEqual(['still here']);
    expect(JSON.parse(result.cursor!)).toMatchObject({ v: 1 });
  });
});
