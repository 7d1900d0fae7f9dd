/**
 * X converters on API-shaped payloads (fixtures/mentions.json follows docs.x.com's examples):
 * threading by conversation, context from the expanded post, edits keeping the first id, DMs,
 * and a broken item skipped with the rest of the page kept.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { affordablePageSize, monthOf, nextMonthStart, readsThisMonth } from './budget';
import { dmEventsToItems, parseIncludes, postsToItems } from './convert';

const page = JSON.parse(readFileSync(new URL('./fixtures/mentions.json', import.meta.url), 'utf8')) as { data: unknown[]; includes: Parameters<typeof parseIncludes>[0] };
const me = { id: '1500000000000000001' };

describe('postsToItems', () => {
  const { items, skipped } = postsToItems(page.data, parseIncludes(page.includes), me);

  it('keeps every readable post and skips the broken one with its id and why', () => {
    expect(items.map((i) => i.remoteId)).toEqual(['1860000000000040961', '1860000000000045057', '1860000000000049999']);
    expect(skipped).toEqual([{ remoteId: '1860000000000049153', reason: expect.stringMatching(/^not a readable X post: .*author_id/) }]);
  });

  it('puts a reply to the account’s post in that post’s thread, as a comment with the post as context', () => {
    expect(items[0]).toMatchObject({
      threadRemoteId: '1860000000000036865',
      parentRemoteId: '1860000000000036865',
      kind: 'comment',
      direction: 'in',
      author: { remoteId: '1700000000000000011', handle: '@camille_rx', name: 'Camille Roux', profileUrl: 'https://x.com/camille_rx' },
      permalink: 'https://x.com/camille_rx/status/1860000000000040961',
      context: { remoteId: '1860000000000036865', text: 'La lampe Dune arrive en boutique jeudi.', relation: 'reply' },
      extra: { kind: 'post', id: '1860000000000040961', ownConversation: true },
    });
  });

  it('makes a post quoting the account a mention, with the quoted post as context, and names an author without a display name by handle', () => {
    expect(items[1]).toMatchObject({ kind: 'mention', threadRemoteId: '1860000000000045057', parentRemoteId: null, context: { relation: 'quote' }, author: { name: 'dan_k' } });
  });

  it('keeps an edited post under its first id, with the newest text and the newest id to answer', () => {
    expect(items[2]).toMatchObject({
      remoteId: '1860000000000049999',
      text: '@atelierlumen ma commande 48213 est arrivée, merci !',
      editedAt: Date.parse('2026-12-07T10:02:00.000Z'),
      extra: { id: '1860000000000053249' },
    });
  });
});

describe('dmEventsToItems', () => {
  it('turns MessageCreate events into DMs of their conversation, the account’s own as outgoing, and skips the rest', () => {
    const users = parseIncludes({ users: [{ id: '1700000000000000011', name: 'Camille Roux', username: 'camille_rx' }] }).users;
    const { items, skipped } = dmEventsToItems(
      [
        { id: '1870000000000000001', event_type: 'MessageCreate', text: 'Bonjour', sender_id: '1700000000000000011', dm_conversation_id: '1500000000000000001-1700000000000000011', created_at: '2026-12-07T09:00:00.000Z' },
        { id: '1870000000000000002', event_type: 'MessageCreate', text: 'Bonjour Camille', sender_id: '1500000000000000001', dm_conversation_id: '1500000000000000001-1700000000000000011', created_at: '2026-12-07T09:01:00.000Z' },
        { id: '1870000000000000003', event_type: 'ParticipantsJoin', sender_id: '1700000000000000011', dm_conversation_id: 'g1' },
        { id: '1870000000000000004', event_type: 'MessageCreate', text: 'x' },
        { nope: true },
      ],
      users,
      me,
    );
    expect(items.map((i) => [i.remoteId, i.threadRemoteId, i.direction, i.kind])).toEqual([
      ['dm:1870000000000000001', 'dm:1500000000000000001-1700000000000000011', 'in', 'dm'],
      ['dm:1870000000000000002', 'dm:1500000000000000001-1700000000000000011', 'out', 'dm'],
    ]);
    expect(items[0]!.author).toMatchObject({ handle: '@camille_rx' });
    expect(skipped.map((s) => s.remoteId)).toEqual(['1870000000000000004', null]);
  });
});

describe('the monthly read budget', () => {
  it('counts reads per UTC month and sizes pages so the cap cannot be passed', () => {
    const dec = Date.parse('2026-12-31T23:59:59.000Z');
    expect(monthOf(dec)).toBe('2026-12');
    expect(nextMonthStart(dec)).toBe(Date.parse('2027-01-01T00:00:00.000Z'));
    expect(readsThisMonth({ month: '2026-12', reads: 40 }, dec)).toBe(40);
    expect(readsThisMonth({ month: '2026-11', reads: 40 }, dec)).toBe(0);
    // Mentions: each post may bring its author and one referenced post (3 reads); pages of 5..100.
    expect(affordablePageSize(1000, 3, 5, 100)).toBe(100);
    expect(affordablePageSize(34, 3, 5, 100)).toBe(11);
    expect(affordablePageSize(14, 3, 5, 100)).toBeNull();
    expect(affordablePageSize(-3, 2, 1, 100)).toBeNull();
  });
});
