import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../connectors/registry';
import type { Connector } from '../connectors/types';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { generateSeededMessages } from './testdata/seeded-messages';
import { MODERATION_UNDO_WINDOW_MS } from '../../../shared/model';

const SEEDED = generateSeededMessages(20251124, 200);

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

/** A test double with YouTube's moderation capabilities. */
const youtubeLike: Connector = {
  network: 'youtube',
  capabilities: {
    maxReplyLength: 10_000, directMessages: false, reply: true,
    moderation: ['hold', 'approve', 'remove', 'ban-author', 'delete-own'],
    unsupportedReasons: { 'block-author': 'YouTube has no block: ban the author instead (reject + ban).' },
    banRemovesMessage: true,
  },
  verify: async () => ({ remoteId: 'me', handle: '@brand', name: 'Brand' }),
  poll: async () => ({ items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] }),
  reply: async () => ({ remoteId: 'r', createdAt: 1 }),
  moderate: async () => ({ remoteResult: { ok: true } }),
};

function setup() {
  core = makeCore({ registry: createRegistry([youtubeLike]), startSync: false });
  return addAccount(core, 'youtube');
}
const call = <T>(name: string, input: unknown) => (core.handlers as unknown as Record<string, (i: unknown) => T>)[name]!(input);

describe('netiquette on ingest', () => {
  it('holds an insulting comment before it shows as open, flags the words and tags it', () => {
    const acc = setup();
    core.ingest(acc.id, {
      items: [
        item({ remoteId: 'ok', threadRemoteId: 'A', text: 'Merci pour la livraison rapide !' }),
        item({ remoteId: 'bad', threadRemoteId: 'B', text: 'Bande de c0nnards, remboursez-moi', author: { remoteId: 'troll', handle: '@troll', name: 'Troll' } }),
      ],
      cursor: null,
    });
    const inbox = call<{ items: { snippet: string }[] }>('inbox.list', { filter: { status: ['open'], held: false }, limit: 50 });
    expect(inbox.items.map((i) => i.snippet)).toEqual(['Merci pour la livraison rapide !']);
    const queue = call<{ items: { id: number; held: boolean; tagIds: number[] }[] }>('inbox.list', { filter: { held: true }, limit: 50 });
    expect(queue.items).toHaveLength(1);
    const detail = call<{ messages: { text: string; moderation: string; flags: { ruleName: string; matches: { start: number; end: number }[] }[] }[] }>('conversation.get', { conversationId: queue.items[0]!.id });
    const msg = detail.messages[0]!;
    expect(msg.moderation).toBe('held');
    expect(msg.flags[0]!.ruleName).toBe('Netiquette');
    const m = msg.flags[0]!.matches[0]!;
    expect(msg.text.slice(m.start, m.end).toLowerCase()).toContain('c0nnards');
    const netiquette = core.workspace.tags.list().find((t) => t.name === 'netiquette')!;
    expect(queue.items[0]!.tagIds).toEqual([netiquette.id]);
    expect(call<{ definition: { id: string }; hits: number }[]>('rules.list', {}).find((r) => r.definition.id === 'netiquette')!.hits).toBe(1);
    // The rule acts locally only: nothing goes to the network by default.
    expect(core.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });

  it('with auto-hide on, a caught comment is also queued for the network at once', () => {
    const acc = setup();
    call('rules.setAutoHide', { enabled: true });
    core.ingest(acc.id, { items: [item({ remoteId: 'bad', threadRemoteId: 'B', text: 'sale connard' })], cursor: null });
    // Still in the review queue locally; YouTube has no "hide", so the comment is rejected there.
    expect(core.db.prepare('SELECT moderation FROM messages').get()).toEqual({ moderation: 'held' });
    expect(core.db.prepare(`SELECT json_extract(payload, '$.action') AS action, state FROM outbox`).all()).toEqual([{ action: 'remove', state: 'queued' }]);
    const audit = call<{ items: { action: string; origin: string; outcome: string }[] }>('audit.list', { limit: 10 });
    expect(audit.items.map((a) => [a.action, a.origin, a.outcome])).toEqual([
      ['hold', 'rule: Netiquette', 'local'],
      ['hide', 'rule: Netiquette', 'queued'],
    ]);
  });

  it('counts an author\'s earlier messages for a "new author" rule', () => {
    const acc = setup();
    call('rules.save', { rule: { id: 'newcomer-links', name: 'Liens de nouveaux', conditions: [{ type: 'new-author', maxPriorMessages: 1 }, { type: 'links', min: 1 }], actions: [{ type: 'hold' }] } });
    const from = { remoteId: 'new', handle: '@new', name: 'Newcomer' };
    const texts = ['promo https://spam.example', 'encore https://spam.example', 'et encore https://spam.example'];
    core.ingest(acc.id, { items: texts.map((text, i) => item({ remoteId: `n${i}`, threadRemoteId: `N${i}`, text, author: from })), cursor: null });
    const held = core.db.prepare(`SELECT remote_id, moderation FROM messages ORDER BY id`).all();
    expect(held).toEqual([
      { remote_id: 'n0', moderation: 'held' },
      { remote_id: 'n1', moderation: 'held' },
      { remote_id: 'n2', moderation: 'visible' },
    ]);
  });

  it('reports the right count in a dry run over a seeded set', () => {
    const acc = setup();
    core.db.prepare(`UPDATE rules SET definition = json_set(definition, '$.enabled', json('false'))`).run();
    core.ingest(acc.id, { items: SEEDED.map((m, i) => item({ remoteId: `s${i}`, threadRemoteId: `S${i}`, text: m.message.text, author: { remoteId: `a${i}`, handle: m.message.authorHandle, name: m.message.authorHandle } })), cursor: null });
    const expected = SEEDED.filter((m) => m.offensive).length;
    const netiquette = call<{ definition: unknown }[]>('rules.list', {})[0]!.definition;
    const report = call<{ scanned: number; count: number }>('rules.dryRun', { rule: netiquette, lastN: 1000 });
    expect(report).toMatchObject({ scanned: SEEDED.length, count: expected });
    expect(expected).toBeGreaterThan(10);
  });
});

describe('manual moderation', () => {
  it('applies locally at once, queues the network call, and logs who did what', () => {
    const acc = setup();
    core.ingest(acc.id, { items: [item({ remoteId: 'c1', threadRemoteId: 'T', text: 'spam spam', author: { remoteId: 'UCspam', handle: '@spammer', name: 'Spammer' } })], cursor: null });
    const messageId = (core.db.prepare('SELECT id FROM messages').get() as { id: number }).id;
    call('moderation.act', { messageId, action: 'ban-author' });
    expect(core.db.prepare('SELECT moderation FROM messages').get()).toEqual({ moderation: 'removed' });
    expect(core.db.prepare('SELECT banned, blocked FROM authors WHERE remote_id = ?').get('UCspam')).toEqual({ banned: 1, blocked: 0 });
    const row = core.db.prepare(`SELECT kind, state, json_extract(payload, '$.action') AS action, json_extract(payload, '$.authorRemoteId') AS author FROM outbox`).get();
    expect(row).toEqual({ kind: 'moderate', state: 'queued', action: 'ban-author', author: 'UCspam' });
    const audit = call<{ items: { actor: string; action: string; origin: string; outcome: string; target: string }[] }>('audit.list', { query: 'spammer', limit: 10 });
    expect(audit.items[0]).toMatchObject({ actor: 'Alex', action: 'ban-author', origin: 'manual', outcome: 'queued' });
    expect(audit.items[0]!.target).toContain('spam spam');
  });

  it('a ban leaves the message where the network leaves it (Reddit keeps it: remove it as well if it must go)', () => {
    const redditLike: Connector = { ...youtubeLike, network: 'reddit', capabilities: { ...youtubeLike.capabilities, banRemovesMessage: undefined, moderation: ['approve', 'remove', 'spam', 'ban-author'] } };
    core = makeCore({ registry: createRegistry([redditLike]), startSync: false });
    const acc = core.accounts.upsert({ network: 'reddit', serverUrl: 'https://oauth.reddit.com', remoteId: 't2_me', handle: 'u/brand', displayName: 'Brand' });
    core.ingest(acc.id, { items: [item({ remoteId: 't1_c1', threadRemoteId: 'T', text: 'pub pour mon site', author: { remoteId: 'spammer', handle: 'u/spammer', name: 'spammer' } })], cursor: null });
    const messageId = (core.db.prepare('SELECT id FROM messages').get() as { id: number }).id;
    call('moderation.act', { messageId, action: 'ban-author' });
    expect(core.db.prepare('SELECT moderation FROM messages').get()).toEqual({ moderation: 'visible' });
    expect(core.db.prepare('SELECT banned FROM authors WHERE remote_id = ?').get('spammer')).toEqual({ banned: 1 });
    call('moderation.act', { messageId, action: 'remove' });
    expect(core.db.prepare('SELECT moderation FROM messages').get()).toEqual({ moderation: 'removed' });
  });

  it('holds a harsh action in the outbox for the undo window, and undo drops it unsent and restores the state', () => {
    const acc = setup();
    core.ingest(acc.id, { items: [item({ remoteId: 'c1', threadRemoteId: 'T', text: 'spam spam', author: { remoteId: 'UCspam', handle: '@spammer', name: 'Spammer' } })], cursor: null });
    const messageId = (core.db.prepare('SELECT id FROM messages').get() as { id: number }).id;
    const before = core.now();
    const done = call<{ actionId: number; undoUntil: number | null }>('moderation.act', { messageId, action: 'ban-author' });
    const after = core.now();
    // The window starts when the action is taken (the clock is real: it may tick during the call).
    expect(done.undoUntil).toBeGreaterThanOrEqual(before + MODERATION_UNDO_WINDOW_MS);
    expect(done.undoUntil).toBeLessThanOrEqual(after + MODERATION_UNDO_WINDOW_MS);
    expect(core.db.prepare('SELECT next_attempt_at AS at FROM outbox').get()).toEqual({ at: done.undoUntil });

    call('moderation.undo', { actionIds: [done.actionId] });
    expect(core.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(core.db.prepare('SELECT moderation FROM messages').get()).toEqual({ moderation: 'visible' });
    expect(core.db.prepare('SELECT banned, blocked, muted FROM authors WHERE remote_id = ?').get('UCspam')).toEqual({ banned: 0, blocked: 0, muted: 0 });
    const audit = call<{ items: { action: string; outcome: string }[] }>('audit.list', { limit: 10 });
    expect(audit.items[0]).toMatchObject({ action: 'ban-author', outcome: 'discarded' });
    // Undoing again changes nothing.
    call('moderation.undo', { actionIds: [done.actionId] });
    expect(core.db.prepare('SELECT moderation FROM messages').get()).toEqual({ moderation: 'visible' });
  });

  it('refuses to undo an action that has left for the network, and changes nothing', () => {
    const acc = setup();
    core.ingest(acc.id, { items: [item({ remoteId: 'c1', author: { remoteId: 'UCx', handle: '@x', name: 'X' } }), item({ remoteId: 'c2', threadRemoteId: 'T2' })], cursor: null });
    const [first, second] = (core.db.prepare('SELECT id FROM messages ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const a = call<{ actionId: number }>('moderation.act', { messageId: first, action: 'remove' });
    const b = call<{ actionId: number }>('moderation.act', { messageId: second, action: 'remove' });
    core.db.prepare(`UPDATE outbox SET state = 'sent' WHERE message_id = ?`).run(first);
    expect(() => call('moderation.undo', { actionIds: [a.actionId, b.actionId] })).toThrow(/already reached the network/);
    // All or nothing: the second one, still waiting, was not undone either.
    expect(core.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 2 });
    expect(core.db.prepare('SELECT moderation FROM messages ORDER BY id').all()).toEqual([{ moderation: 'removed' }, { moderation: 'removed' }]);
  });

  it('does not hold the ways back, nor what rules do', () => {
    const acc = setup();
    core.ingest(acc.id, { items: [item({ remoteId: 'c1' })], cursor: null });
    const messageId = (core.db.prepare('SELECT id FROM messages').get() as { id: number }).id;
    expect(call<{ undoUntil: number | null }>('moderation.act', { messageId, action: 'hold' }).undoUntil).toBeNull();
    expect(call<{ undoUntil: number | null }>('moderation.act', { messageId, action: 'approve' }).undoUntil).toBeNull();
    // Due at once, not after an undo window.
    expect((core.db.prepare('SELECT next_attempt_at AS at FROM outbox').get() as { at: number }).at).toBeLessThanOrEqual(core.now());
  });

  it('refuses what the network cannot do, with the reason', () => {
    const acc = setup();
    core.ingest(acc.id, { items: [item({ remoteId: 'c1' })], cursor: null });
    const messageId = (core.db.prepare('SELECT id FROM messages').get() as { id: number }).id;
    expect(() => call('moderation.act', { messageId, action: 'block-author' })).toThrow(/ban the author instead/);
    expect(call<Record<string, { moderation: string[]; unsupportedReasons: Record<string, string> }>>('moderation.capabilities', {}).youtube).toMatchObject({
      moderation: ['hide', 'unhide', 'remove', 'hold', 'approve', 'delete-own', 'ban-author'],
      unsupportedReasons: { 'block-author': expect.stringContaining('ban') },
    });
  });
});

describe('a ban with a duration', () => {
  /** A test double with Reddit's bans: 1..999 days, or permanent. */
  const redditLike: Connector = {
    ...youtubeLike,
    network: 'reddit',
    capabilities: {
      maxReplyLength: 10_000, directMessages: true, reply: true,
      moderation: ['approve', 'remove', 'spam', 'ban-author'],
      banDuration: { maxDays: 999, permanent: true, defaultDays: null },
    },
  };

  function withBothNetworks() {
    core = makeCore({ registry: createRegistry([youtubeLike, redditLike]), startSync: false });
    const reddit = core.accounts.upsert({ network: 'reddit', serverUrl: 'https://oauth.reddit.example', remoteId: 't2_me', handle: 'u/brand', displayName: 'Brand' });
    const youtube = addAccount(core, 'youtube');
    const author = { remoteId: 'troll42', handle: 'u/troll42', name: 'troll42' };
    core.ingest(reddit.id, { items: [item({ remoteId: 't1_bad', threadRemoteId: 't3_post', text: 'camelote', author })], cursor: null });
    core.ingest(youtube.id, { items: [item({ remoteId: 'yt1', threadRemoteId: 'V', text: 'camelote', author: { remoteId: 'UCtroll', handle: '@troll', name: 'Troll' } })], cursor: null });
    const idOf = (remoteId: string) => (core.db.prepare('SELECT id FROM messages WHERE remote_id = ?').get(remoteId) as { id: number }).id;
    return { redditMessage: idOf('t1_bad'), youtubeMessage: idOf('yt1') };
  }
  const queued = () => core.db.prepare(`SELECT json_extract(payload, '$.action') AS action, json_extract(payload, '$.durationDays') AS days, json_extract(payload, '$.reason') AS reason FROM outbox`).all();

  it('carries the days chosen to the outbox job that the connector receives, and says so in the audit log', () => {
    const { redditMessage } = withBothNetworks();
    call('moderation.act', { messageId: redditMessage, action: 'ban-author', reason: 'Spam répété', durationDays: 7 });
    expect(queued()).toEqual([{ action: 'ban-author', days: 7, reason: 'Spam répété' }]);
    const logged = core.db.prepare(`SELECT json_extract(detail, '$.durationDays') AS days FROM activity WHERE kind = 'moderation'`).get();
    expect(logged).toEqual({ days: 7 });
  });

  it('a ban without days is permanent: the job carries no duration', () => {
    const { redditMessage } = withBothNetworks();
    call('moderation.act', { messageId: redditMessage, action: 'ban-author' });
    expect(queued()).toEqual([{ action: 'ban-author', days: null, reason: null }]);
  });

  it('refuses, queueing nothing, days on a network whose bans have no length, beyond its longest ban, or on another action', () => {
    const { redditMessage, youtubeMessage } = withBothNetworks();
    expect(() => call('moderation.act', { messageId: youtubeMessage, action: 'ban-author', durationDays: 7 })).toThrow(/has no duration/);
    expect(() => call('moderation.act', { messageId: redditMessage, action: 'ban-author', durationDays: 1000 })).toThrow(/at most 999 days/);
    expect(() => call('moderation.act', { messageId: redditMessage, action: 'remove', durationDays: 7 })).toThrow(/Only a ban/);
    expect(queued()).toEqual([]);
    expect(core.db.prepare('SELECT count(*) AS n FROM authors WHERE banned = 1').get()).toEqual({ n: 0 });
  });

  it('tells the renderer which networks take a duration', () => {
    withBothNetworks();
    const caps = call<Record<string, { banDuration?: unknown }>>('moderation.capabilities', {});
    expect(caps.reddit!.banDuration).toEqual({ maxDays: 999, permanent: true, defaultDays: null });
    expect(caps.youtube!.banDuration).toBeNull();
  });
});
