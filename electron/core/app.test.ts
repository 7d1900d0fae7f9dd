import { afterEach, describe, expect, it } from 'vitest';
import { CALL_NAMES, calls, type CallName } from '../../shared/contract';
import { dispatch } from './rpc';
import { addAccount, item, makeCore } from './testing/core-fixture';
import { accountSecretKey } from './secrets/secret-store';
import { createRegistry } from './connectors/registry';
import type { Connector } from './connectors/types';
import type { SignInProvider } from './connectors/sign-in';

/** Test doubles: a network that has nothing new, and sign-ins that always succeed. */
const quietConnector: Connector = {
  network: 'mastodon',
  capabilities: { maxReplyLength: 500, directMessages: true, reply: true, moderation: ['block-author', 'mute-author', 'report'] },
  verify: async () => ({ remoteId: 'me', handle: '@brand', name: 'Brand' }),
  poll: async () => ({ items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] }),
  reply: async () => ({ remoteId: 'r1', createdAt: 1 }),
  moderate: async () => ({}),
};
const identity = { remoteId: 'did:plc:brand', handle: 'brand.bsky.social', name: 'Brand' };
const signIn: SignInProvider[] = [
  { network: 'bluesky', signIn: 'app-password', needsServer: false, defaultServer: 'https://bsky.social',
    signInWithPassword: async (server) => ({ serverUrl: server ?? 'https://bsky.social', identity, credentials: { accessJwt: 'a', refreshJwt: 'r' } }) },
  { network: 'mastodon', signIn: 'oauth', needsServer: true, defaultServer: null,
    beginOAuth: async (server) => ({
      authorizeUrl: `${server}/oauth/authorize?client_id=x`,
      complete: async () => ({ serverUrl: server!, identity: { remoteId: '42', handle: '@brand@example.social', name: 'Brand' }, credentials: { accessToken: 't' } }),
      cancel: () => {},
    }) },
];

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

async function call(name: string, input: unknown) {
  return dispatch(core.handlers, name, input);
}
async function ok<T = unknown>(name: CallName, input: unknown): Promise<T> {
  const res = await call(name, input);
  if (!res.ok) throw new Error(`${name}: ${res.error.kind} ${res.error.message}`);
  // Every answer matches the contract's output schema.
  expect(calls[name].output.safeParse(res.value).success, `${name} output matches the contract`).toBe(true);
  return res.value as T;
}

function seed() {
  core = makeCore({ registry: createRegistry([quietConnector]), signIn });
  const acc = addAccount(core);
  core.ingest(acc.id, {
    items: [
      item({ remoteId: 'p', threadRemoteId: 'T', text: 'Ma lampe est arrivée cassée', createdAt: 1000 }),
      item({ remoteId: 'q', threadRemoteId: 'U', text: 'Superbe lampe', createdAt: 2000, author: { remoteId: 'a2', handle: '@hugo', name: 'Hugo' } }),
    ],
    cursor: null,
  });
  const ids = (core.db.prepare('SELECT id FROM conversations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  return { acc, ids };
}

/** A valid input for every call, so that no handler goes untested. */
function validInputs(ctx: { accId: number; convId: number; tagId: number; memberId: number; authorId: number; replyId: number; messageId: number; viewId: number; flowId: string; incomingId: number }): Record<CallName, unknown> {
  return {
    'accounts.pause': { accountId: ctx.accId },
    'accounts.resume': { accountId: ctx.accId },
    'accounts.pollNow': { accountId: ctx.accId },
    'accounts.networks': {},
    'accounts.connect': { network: 'bluesky', handle: 'brand.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' },
    'accounts.finishConnect': { flowId: ctx.flowId },
    'accounts.cancelConnect': { flowId: ctx.flowId },
    'app.info': {},
    'app.connectivity': {},
    'app.checkConnection': {},
    'accounts.list': {},
    'accounts.remove': { accountId: ctx.accId },
    'inbox.list': { filter: { status: ['open'] }, limit: 10 },
    'inbox.count': { filters: { open: { status: ['open'] } } },
    'inbox.summaries': { conversationIds: [ctx.convId, 99999] },
    'conversation.get': { conversationId: ctx.convId },
    'conversation.setStatus': { conversationIds: [ctx.convId], status: 'pending' },
    'conversation.markRead': { conversationIds: [ctx.convId], unread: true },
    'conversation.tag': { conversationIds: [ctx.convId], tagId: ctx.tagId },
    'conversation.untag': { conversationIds: [ctx.convId], tagId: ctx.tagId },
    'conversation.assign': { conversationIds: [ctx.convId], memberId: ctx.memberId },
    'conversation.addNote': { conversationId: ctx.convId, text: 'Client fidèle, rappeler' },
    'tags.list': {},
    'tags.create': { name: 'livraison', color: '#2563eb' },
    'tags.rename': { tagId: ctx.tagId, name: 'URGENT' },
    'tags.recolor': { tagId: ctx.tagId, color: '#000000' },
    'tags.delete': { tagId: ctx.tagId },
    'members.list': {},
    'members.create': { name: 'Karim' },
    'members.rename': { memberId: ctx.memberId, name: 'Léa M.' },
    'members.delete': { memberId: ctx.memberId },
    'draft.save': { conversationId: ctx.convId, text: 'Bonjour…' },
    'draft.get': { conversationId: ctx.convId },
    'author.setNotes': { authorId: ctx.authorId, notes: 'VIP' },
    'reply.send': { conversationId: ctx.convId, text: 'Désolés !' },
    'reply.retry': { messageId: ctx.messageId },
    'reply.discard': { messageId: ctx.messageId },
    'savedReplies.list': {},
    'savedReplies.create': { name: 'Merci', text: 'Merci {name} !' },
    'savedReplies.update': { id: ctx.replyId, name: 'Merci 2', text: 'Merci beaucoup {name} !' },
    'savedReplies.delete': { id: ctx.replyId },
    'views.list': {},
    'views.create': { name: 'Urgent', filter: { tagId: ctx.tagId } },
    'views.update': { id: ctx.viewId, name: 'Très urgent' },
    'views.delete': { id: ctx.viewId },
    'moderation.capabilities': {},
    'moderation.act': { messageId: ctx.incomingId, action: 'block-author' },
    'moderation.retry': { messageId: ctx.incomingId, action: 'block-author' },
    'rules.list': {},
    'rules.save': { rule: { id: 'spam-links', name: 'Liens', conditions: [{ type: 'links', min: 3 }], actions: [{ type: 'hold' }] } },
    'rules.delete': { ruleId: 'netiquette' },
    'rules.reorder': { ruleIds: ['netiquette'] },
    'rules.dryRun': { rule: { id: 'x', name: 'X', conditions: [{ type: 'words', words: ['cassée'] }], actions: [{ type: 'hold' }] }, lastN: 100 },
    'rules.setAutoHide': { enabled: true },
    'lexicons.get': {},
    'lexicons.set': { allow: ['con carne'] },
    'audit.list': { query: 'block' },
    'audit.exportCsv': {},
    'settings.get': {},
    'settings.set': { language: 'fr' },
  };
}

describe('contract handlers', () => {
  it('every call answers in the contract shape for a valid input', async () => {
    for (const name of CALL_NAMES) {
      const { acc, ids } = seed();
      const tag = core.workspace.tags.create('urgent', '#ff0000');
      const member = core.workspace.members.create('Léa');
      const authorId = (core.db.prepare('SELECT id FROM authors LIMIT 1').get() as { id: number }).id;
      const reply = core.workspace.savedReplies.create('x', 'y');
      const view = core.workspace.views.create('v', {});
      const { messageId } = core.outbox.enqueueReply(ids[0]!, 'queued reply');
      core.executor!.stop();
      const incoming = (core.db.prepare("SELECT id FROM messages WHERE direction = 'in' LIMIT 1").get() as { id: number }).id;
      core.moderation.act(incoming, 'block-author', undefined);
      core.db.prepare(`UPDATE outbox SET state = 'failed'`).run();
      const flow = await ok<{ flowId: string }>('accounts.connect', { network: 'mastodon', serverUrl: 'social.example' });
      const inputs = validInputs({ accId: acc.id, convId: ids[0]!, tagId: tag.id, memberId: member.id, authorId, replyId: reply.id, messageId, viewId: view.id, flowId: flow.flowId, incomingId: (core.db.prepare("SELECT id FROM messages WHERE direction = 'in' LIMIT 1").get() as { id: number }).id });
      await ok(name, inputs[name]);
      await core.dispose();
    }
  });

  it('every call turns invalid input into a typed error, never a crash', async () => {
    core = makeCore();
    const garbage: unknown[] = [null, 42, 'text', [], { unexpected: true }, { conversationIds: [-1] }, { conversationId: 'x' }];
    for (const name of CALL_NAMES) {
      for (const input of garbage) {
        const res = await call(name, input);
        if (res.ok) {
          // Only calls whose input is an empty object may accept "nothing" (undefined is absent here).
          expect(calls[name].input.safeParse(input).success, `${name} accepted ${JSON.stringify(input)}`).toBe(true);
        } else {
          expect(['invalid-input', 'not-found']).toContain(res.error.kind);
          expect(res.error.message.length).toBeGreaterThan(0);
        }
      }
    }
    expect(await call('no.such.call', {})).toEqual({ ok: false, error: { kind: 'invalid-input', message: 'Unknown call: no.such.call' } });
  });

  it('reports missing things as not-found and duplicates as conflict', async () => {
    seed();
    expect(await call('conversation.get', { conversationId: 999 })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await call('conversation.tag', { conversationIds: [1], tagId: 999 })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    await ok('tags.create', { name: 'SAV', color: '#ff0000' });
    expect(await call('tags.create', { name: 'sav', color: '#00ff00' })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    const me = core.workspace.members.list().find((m) => m.isMe)!;
    expect(await call('members.delete', { memberId: me.id })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(await call('conversation.setStatus', { conversationIds: [1], status: 'snoozed' })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('triage is persisted, logged in the activity, and announced with inbox.changed', async () => {
    const { ids } = seed();
    const events: unknown[] = [];
    core.onEvent((name, payload) => events.push({ name, payload }));
    const tag = await ok<{ id: number }>('tags.create', { name: 'livraison', color: '#2563eb' });
    const me = core.workspace.members.list().find((m) => m.isMe)!;
    await ok('conversation.tag', { conversationIds: ids, tagId: tag.id });
    await ok('conversation.assign', { conversationIds: [ids[0]], memberId: me.id });
    await ok('conversation.setStatus', { conversationIds: [ids[0]], status: 'done' });
    const detail = await ok<{ conversation: { status: string; tagIds: number[]; assigneeId: number }; activity: { kind: string; actor: string }[] }>('conversation.get', { conversationId: ids[0] });
    expect(detail.conversation).toMatchObject({ status: 'done', tagIds: [tag.id], assigneeId: me.id });
    expect(detail.activity.map((a) => a.kind)).toEqual(['status', 'assign', 'tag']);
    expect(detail.activity[0]!.actor).toBe('Alex');
    expect(events).toContainEqual({ name: 'inbox.changed', payload: { conversationIds: ids, reason: 'triage' } });
  });

  it('a snoozed conversation comes back by itself when its time comes', async () => {
    let clock = 10_000;
    core = makeCore({ now: () => clock });
    const acc = addAccount(core);
    core.ingest(acc.id, { items: [item({ remoteId: 's', threadRemoteId: 'S' })], cursor: null });
    const id = (core.db.prepare('SELECT id FROM conversations').get() as { id: number }).id;
    const woke = new Promise((resolve) => core.onEvent((name, p) => name === 'inbox.changed' && (p as { reason: string }).reason === 'snooze' && resolve(p)));
    clock = 10_000;
    await ok('conversation.setStatus', { conversationIds: [id], status: 'snoozed', snoozeUntil: 10_050 });
    clock = 10_060;
    await woke;
    expect(core.db.prepare('SELECT status, snooze_until, unread FROM conversations').get()).toEqual({ status: 'open', snooze_until: null, unread: 1 });
  });

  it('drafts are saved, restored, and cleared when the reply is queued', async () => {
    const { ids } = seed();
    await ok('draft.save', { conversationId: ids[0], text: 'Bonjour Camille,' });
    expect(await ok('draft.get', { conversationId: ids[0] })).toMatchObject({ text: 'Bonjour Camille,' });
    const { messageId } = await ok<{ messageId: number }>('reply.send', { conversationId: ids[0], text: 'Bonjour Camille, désolés !' });
    expect(await ok('draft.get', { conversationId: ids[0] })).toBeNull();
    const detail = await ok<{ messages: { id: number; direction: string; delivery: string | null; parentRemoteId: string | null }[] }>('conversation.get', { conversationId: ids[0] });
    expect(detail.messages.at(-1)).toMatchObject({ id: messageId, direction: 'out', delivery: 'queued', parentRemoteId: 'p' });
  });

  it('removing an account deletes its conversations and its secrets', async () => {
    const { acc } = seed();
    await core.secrets.set(accountSecretKey(acc.id), '{"accessToken":"secret-token"}');
    await ok('accounts.remove', { accountId: acc.id });
    expect(await core.secrets.get(accountSecretKey(acc.id))).toBeNull();
    expect(core.db.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({ n: 0 });
    expect(core.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  });

  it('settings are validated and kept', async () => {
    core = makeCore();
    expect(await ok('settings.set', { theme: 'dark' })).toMatchObject({ theme: 'dark', language: 'system' });
    expect(await call('settings.set', { theme: 'neon' })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await ok('settings.get', {})).toMatchObject({ theme: 'dark' });
  });
});
