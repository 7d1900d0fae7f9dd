import { afterEach, describe, expect, it } from 'vitest';
import { CALL_NAMES, calls, type CallName } from '../../shared/contract';
import { ContestFilters } from '../../shared/contest';
import { dispatch } from './rpc';
import { addAccount, item, makeCore } from './testing/core-fixture';
import { accountSecretKey } from './secrets/secret-store';
import { createRegistry } from './connectors/registry';
import type { Connector } from './connectors/types';
import type { NetworkDescriptor } from './connectors/descriptor';
import { signInField } from '../../shared/networks';
import { makePng } from './media/test-images';

/** Test doubles: a network that has nothing new, and sign-ins that always succeed. */
const quietConnector: Connector = {
  network: 'mastodon',
  capabilities: { maxReplyLength: 500, directMessages: true, reply: true, moderation: ['block-author', 'mute-author', 'report'] },
  verify: async () => ({ remoteId: 'me', handle: '@brand', name: 'Brand' }),
  poll: async () => ({ items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] }),
  reply: async () => ({ remoteId: 'r1', createdAt: 1 }),
  moderate: async () => ({}),
  // Publishes, so posts to its account can be scheduled (a connector without it is not offered).
  publish: async () => ({ kind: 'published', remoteId: 'p1', permalink: null, createdAt: 1 }),
  fetchAttachment: async (_ctx, req) => ({ filename: req.attachment.alt ?? 'file', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') }),
};
const identity = { remoteId: 'did:plc:brand', handle: 'brand.bsky.social', name: 'Brand' };
/** What every descriptor double shares. */
const double = {
  icon: { glyph: 'T', color: '#333333' },
  capabilities: quietConnector.capabilities,
  text: { maxReplyLength: 500, counting: 'code-points', linkLength: null },
  publish: [],
  idempotentWrites: false,
  createConnector: () => quietConnector,
} as const;
const descriptors: NetworkDescriptor[] = [
  {
    ...double,
    id: 'bluesky',
    displayName: 'Password network',
    signIn: {
      method: 'app-password',
      yields: 'one',
      fields: [signInField({ name: 'handle', kind: 'text' }), signInField({ name: 'password', kind: 'password' }), signInField({ name: 'server', kind: 'url', required: false })],
      start: async (fields) => ({ kind: 'done', results: [{ serverUrl: (fields.server as string | undefined) ?? 'https://bsky.social', identity, credentials: { accessJwt: 'a', refreshJwt: 'r' } }] }),
    },
  },
  {
    ...double,
    id: 'mastodon',
    displayName: 'Browser network',
    publish: ['text'],
    signIn: {
      method: 'oauth',
      yields: 'one',
      fields: [signInField({ name: 'server', kind: 'url' })],
      start: async (fields) => ({
        kind: 'browser',
        flow: {
          authorizeUrl: `${String(fields.server)}/oauth/authorize?client_id=x`,
          complete: async () => [{ serverUrl: String(fields.server), identity: { remoteId: '42', handle: '@brand@example.social', name: 'Brand' }, credentials: { accessToken: 't' } }],
          cancel: () => {},
        },
      }),
    },
  },
  {
    ...double,
    id: 'pages',
    displayName: 'Several-accounts network',
    signIn: {
      method: 'oauth',
      yields: 'several',
      fields: [],
      start: async (_fields, env) => {
        const app = await env.developerApp();
        if (!app) throw new Error('no developer app');
        return {
          kind: 'done',
          results: ['p1', 'p2', 'p3'].map((id) => ({ serverUrl: 'https://pages.example', identity: { remoteId: id, handle: `@${id}`, name: `Page ${id}` }, credentials: { token: `${app.clientId}-${id}` } })),
        };
      },
    },
    developerApp: { needsSecret: true, consoleUrl: 'https://developers.example/apps', environment: { clientId: 'PARVIS_TEST_PAGES_ID', clientSecret: 'PARVIS_TEST_PAGES_SECRET' } },
  },
];
const networks = { descriptors, environment: {} };

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
  core = makeCore({ registry: createRegistry([quietConnector]), networks });
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
function validInputs(ctx: { postId: number; lateTargetId: number; accId: number; convId: number; tagId: number; memberId: number; authorId: number; replyId: number; messageId: number; viewId: number; flowId: string; incomingId: number; chooseFlowId: string; choiceId: string; actionId: number; contestId?: number; drawnContestId?: number; attachmentMessageId?: number; mediaId: number; openUploadId: string; fullUploadId: string; png: Buffer }): Record<CallName, unknown> {
  return {
    'accounts.choose': { flowId: ctx.chooseFlowId, choiceIds: [ctx.choiceId] },
    'developerApps.set': { network: 'pages', clientId: 'my-app-id', clientSecret: 'my-app-secret' },
    'developerApps.clear': { network: 'pages' },
    'accounts.pause': { accountId: ctx.accId },
    'accounts.setLabel': { accountId: ctx.accId, label: 'Lumen · Mastodon FR' },
    // Mastodon accounts have no settings of their own (X's read cap is in the X tests).
    'accounts.setSettings': { accountId: ctx.accId, settings: {} },
    'accounts.resume': { accountId: ctx.accId },
    'accounts.pollNow': { accountId: ctx.accId },
    'accounts.networks': {},
    'accounts.connect': { network: 'bluesky', fields: { handle: 'brand.bsky.social', password: 'abcd-efgh-ijkl-mnop' } },
    'accounts.finishConnect': { flowId: ctx.flowId },
    'accounts.cancelConnect': { flowId: ctx.flowId },
    'app.info': {},
    'app.connectivity': {},
    'app.checkConnection': {},
    'accounts.list': {},
    'accounts.remove': { accountId: ctx.accId },
    'inbox.list': { filter: { status: ['open'] }, limit: 10 },
    'inbox.count': { filters: { open: { status: ['open'] } } },
    'inbox.viewCounts': { filters: { open: { status: ['open'] } } },
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
    'attachment.fetch': { messageId: ctx.attachmentMessageId ?? ctx.incomingId, index: 0 },
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
    'moderation.undo': { actionIds: [ctx.actionId] },
    'rules.list': {},
    'rules.save': { rule: { id: 'spam-links', name: 'Liens', conditions: [{ type: 'links', min: 3 }], actions: [{ type: 'hold' }] } },
    'rules.delete': { ruleId: 'netiquette' },
    'rules.reorder': { ruleIds: ['netiquette'] },
    'rules.dryRun': { rule: { id: 'x', name: 'X', conditions: [{ type: 'words', words: ['cassée'] }], actions: [{ type: 'hold' }] }, lastN: 100 },
    'rules.setAutoHide': { enabled: true },
    'lexicons.get': {},
    'lexicons.set': { allow: ['con carne'] },
    'audit.list': { query: 'block' },
    'settings.get': {},
    'settings.set': { language: 'fr' },
    'reports.get': { since: 0, until: 86_400_000 * 7, bucket: 'week', timeZone: 'Europe/Paris' },
    'contests.posts': {},
    'contests.preview': { posts: [{ accountId: ctx.accId, postKey: 'post-c' }], filters: { mustContain: ['#concours'] } },
    'contests.create': { name: 'Concours', posts: [{ accountId: ctx.accId, postKey: 'post-c' }], winners: 1 },
    'contests.list': {},
    'contests.draw': { contestId: ctx.contestId },
    'contests.redraw': { contestId: ctx.drawnContestId, reason: 'the winner did not answer' },
    'contests.verify': { certificate: '{}' },
    'posts.create': { text: 'Nouvelle collection', targets: [{ accountId: ctx.accId, scheduledAt: 5_000_000 }] },
    'posts.update': { postId: ctx.postId, text: 'Nouvelle collection !', link: 'https://shop.example/', targets: [{ accountId: ctx.accId, scheduledAt: 6_000_000 }] },
    'posts.list': {},
    'posts.schedule': { postId: ctx.postId },
    'posts.decide': { targetId: ctx.lateTargetId, action: 'reschedule', at: 9_000_000 },
    'posts.get': { postId: ctx.postId },
    'posts.move': { targetId: ctx.lateTargetId, at: 9_500_000 },
    'posts.calendar': { from: 0, to: 30 * 86_400_000 },
    'posts.calendarDays': { dayStarts: [0, 86_400_000, 2 * 86_400_000], perDay: 3 },
    'media.uploadBegin': { size: ctx.png.length, mime: 'image/png', name: 'lampe.png' },
    'media.uploadPart': { uploadId: ctx.openUploadId, offset: 0, data: ctx.png.toString('base64') },
    'media.uploadFinish': { uploadId: ctx.fullUploadId, thumbnail: null },
    'media.list': {},
    'media.setAlt': { mediaId: ctx.mediaId, alt: 'Une lampe orange' },
    'media.delete': { mediaId: ctx.mediaId },
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
      const { actionId } = core.moderation.act(incoming, 'block-author', undefined);
      core.db.prepare(`UPDATE outbox SET state = 'failed'`).run();
      const flow = await ok<{ flowId: string }>('accounts.connect', { network: 'mastodon', fields: { server: 'social.example' } });
      await ok('developerApps.set', { network: 'pages', clientId: 'my-app-id', clientSecret: 'my-app-secret' });
      const choose = await ok<{ flowId: string; choices: { id: string }[] }>('accounts.connect', { network: 'pages', fields: {} });
      const postId = core.posts.create({ text: 'Soldes', targets: [{ accountId: acc.id, scheduledAt: 5_000_000 }] });
      const latePost = core.posts.create({ text: 'Fermé lundi', targets: [{ accountId: acc.id, scheduledAt: 1_000 }] });
      core.db.prepare(`UPDATE post_targets SET state = 'needs-decision' WHERE post_id = ?`).run(latePost);
      const lateTargetId = core.posts.get(latePost).targets[0]!.id;
      // Contests need a commented post and a drawn contest: only their calls pay for them.
      let contest: { id: number } | undefined;
      let drawn: { id: number } | undefined;
      if (name.startsWith('contests.')) {
        core.ingest(acc.id, { items: [item({ remoteId: 'k', threadRemoteId: 'K', text: '#concours', context: { remoteId: 'post-c', text: 'Concours' }, author: { remoteId: 'a3', handle: '@ines', name: 'Inès' } })], cursor: null });
        contest = core.handlers['contests.create']({ name: 'C', posts: [{ accountId: acc.id, postKey: 'post-c' }], winners: 1, alternates: 0, filters: ContestFilters.parse({ excludeEarlierWinners: false }) }) as { id: number };
        drawn = core.handlers['contests.create']({ name: 'D', posts: [{ accountId: acc.id, postKey: 'post-c' }], winners: 1, alternates: 0, filters: ContestFilters.parse({ excludeEarlierWinners: false }) }) as { id: number };
        await core.handlers['contests.draw']({ contestId: drawn.id });
      }
      // An attachment to fetch: a message listing one, on an account with credentials.
      let attachmentMessageId: number | undefined;
      if (name === 'attachment.fetch') {
        await core.secrets.set(accountSecretKey(acc.id), JSON.stringify({ accessToken: 'token' }));
        core.ingest(acc.id, { items: [item({ remoteId: 'with-file', threadRemoteId: 'F', text: 'Voici la facture', attachments: [{ kind: 'file', url: 'imap://x/INBOX;UIDVALIDITY=1/;UID=1/;SECTION=2', alt: 'facture.pdf' }] })], cursor: null });
        attachmentMessageId = (core.db.prepare("SELECT id FROM messages WHERE remote_id = 'with-file'").get() as { id: number }).id;
      }
      const png = makePng(4, 3);
      const first = core.media.begin(png.length, 'a.png');
      core.media.append(first, 0, png);
      const mediaId = core.media.finish(first, null).id;
      const openUploadId = core.media.begin(png.length, 'b.png');
      const fullUploadId = core.media.begin(png.length, 'c.png');
      core.media.append(fullUploadId, 0, png);
      const inputs = validInputs({ mediaId, openUploadId, fullUploadId, png, attachmentMessageId, postId, lateTargetId, contestId: contest?.id, drawnContestId: drawn?.id, chooseFlowId: choose.flowId, choiceId: choose.choices[0]!.id, accId: acc.id, convId: ids[0]!, tagId: tag.id, memberId: member.id, authorId, replyId: reply.id, messageId, viewId: view.id, flowId: flow.flowId, incomingId: (core.db.prepare("SELECT id FROM messages WHERE direction = 'in' LIMIT 1").get() as { id: number }).id, actionId });
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
    expect(await call('no.such.call', {})).toEqual({ ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: 'Unknown call: no.such.call' } });
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

describe('accounts from network descriptors', () => {
  it('checks the sign-in form against the network\'s own fields before anything starts', async () => {
    core = makeCore({ registry: createRegistry([quietConnector]), networks });
    expect(await call('accounts.connect', { network: 'bluesky', fields: { handle: 'brand.bsky.social' } })).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringContaining('password') } });
    expect(await call('accounts.connect', { network: 'bluesky', fields: { handle: 'brand.bsky.social', password: 'pw12', token: 'x' } })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call('accounts.connect', { network: 'nowhere', fields: {} })).toMatchObject({ ok: false, error: { kind: 'not-supported' } });
    expect(core.accounts.list()).toEqual([]);
    const connected = await ok<{ kind: string; account: { network: string; serverUrl: string } }>('accounts.connect', { network: 'bluesky', fields: { handle: 'brand.bsky.social', password: 'pw12', server: 'pds.example' } });
    expect(connected).toMatchObject({ kind: 'connected', account: { network: 'bluesky', serverUrl: 'https://pds.example' } });
  });

  it('describes each network from its descriptor, developer app included, never its secret', async () => {
    core = makeCore({ networks });
    const before = await ok<{ id: string; developerApp: { source: string | null; clientId: string | null } | null; signIn: { fields: { name: string }[] } }[]>('accounts.networks', {});
    expect(before.map((n) => n.id)).toEqual(['bluesky', 'mastodon', 'pages']);
    expect(before[0]!.signIn.fields.map((f) => f.name)).toEqual(['handle', 'password', 'server']);
    expect(before[0]!.developerApp).toBeNull();
    expect(before[2]!.developerApp).toMatchObject({ source: null, clientId: null, consoleUrl: 'https://developers.example/apps' });
    expect(await call('developerApps.set', { network: 'pages', clientId: 'my-app-id' })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    await ok('developerApps.set', { network: 'pages', clientId: 'my-app-id', clientSecret: 'my-app-secret' });
    const after = await ok<{ developerApp: unknown }[]>('accounts.networks', {});
    expect(after[2]!.developerApp).toMatchObject({ source: 'user', clientId: 'my-app-id' });
    expect(JSON.stringify(after)).not.toContain('my-app-secret');
    expect(await core.secrets.get('developer-app:pages')).toContain('my-app-secret');
    expect(await ok('developerApps.clear', { network: 'pages' })).toMatchObject({ source: null });
  });

  it('a run that connects nothing (the offline demo) still describes the build\'s networks, none connectable', async () => {
    core = makeCore();
    const described = await ok<{ id: string; connectable: boolean; text: { maxReplyLength: number } }[]>('accounts.networks', {});
    expect(described.length).toBeGreaterThan(0);
    expect(described.every((n) => !n.connectable && n.text.maxReplyLength > 0)).toBe(true);
    expect(await call('accounts.connect', { network: described[0]!.id, fields: {} })).toMatchObject({ ok: false, error: { kind: 'not-supported' } });
  });

  it('an environment variable overrides the user\'s developer app, and a build default comes last', async () => {
    core = makeCore({ networks: { descriptors, environment: { PARVIS_TEST_PAGES_ID: 'env-id', PARVIS_TEST_PAGES_SECRET: 'env-secret' }, developerApps: { pages: { clientId: 'built-in' } } } });
    await ok('developerApps.set', { network: 'pages', clientId: 'my-app-id', clientSecret: 'my-app-secret' });
    const choose = await ok<{ choices: { id: string }[]; flowId: string }>('accounts.connect', { network: 'pages', fields: {} });
    await ok('accounts.choose', { flowId: choose.flowId, choiceIds: [choose.choices[0]!.id] });
    const [account] = core.accounts.list();
    expect(JSON.parse((await core.secrets.get(accountSecretKey(account!.id)))!)).toEqual({ token: 'env-id-p1' });
    await core.dispose();
    core = makeCore({ networks: { descriptors, environment: {}, developerApps: { pages: { clientId: 'built-in' } } } });
    expect((await ok<{ developerApp: unknown }[]>('accounts.networks', {}))[2]!.developerApp).toMatchObject({ source: 'build', clientId: 'built-in' });
  });

  it('a sign-in that gives several accounts adds only those the user chooses, once', async () => {
    core = makeCore({ networks });
    await ok('developerApps.set', { network: 'pages', clientId: 'my-app-id', clientSecret: 'my-app-secret' });
    const first = await ok<{ kind: string; flowId: string; choices: { id: string; name: string; connected: boolean }[] }>('accounts.connect', { network: 'pages', fields: {} });
    expect(first.kind).toBe('choose');
    expect(first.choices.map((c) => [c.name, c.connected])).toEqual([['Page p1', false], ['Page p2', false], ['Page p3', false]]);
    expect(await call('accounts.choose', { flowId: first.flowId, choiceIds: ['not one of them'] })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const added = await ok<{ displayName: string }[]>('accounts.choose', { flowId: first.flowId, choiceIds: [first.choices[0]!.id, first.choices[2]!.id] });
    expect(added.map((a) => a.displayName)).toEqual(['Page p1', 'Page p3']);
    expect(await call('accounts.choose', { flowId: first.flowId, choiceIds: [first.choices[1]!.id] })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    // Signing in again shows which are connected, and choosing one again repairs it rather than adding it twice.
    const again = await ok<{ flowId: string; choices: { id: string; connected: boolean }[] }>('accounts.connect', { network: 'pages', fields: {} });
    expect(again.choices.map((c) => c.connected)).toEqual([true, false, true]);
    await ok('accounts.choose', { flowId: again.flowId, choiceIds: [again.choices[0]!.id] });
    expect(core.accounts.list().map((a) => a.displayName).sort()).toEqual(['Page p1', 'Page p3']);
  });
});
