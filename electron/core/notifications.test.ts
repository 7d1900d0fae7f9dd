import { afterEach, describe, expect, it } from 'vitest';
import { addAccount, item, makeCore } from './testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

describe('desktop notifications', () => {
  it('notifies new messages assigned to me or in a followed view, once per conversation', () => {
    core = makeCore();
    const acc = addAccount(core);
    const me = core.workspace.members.list().find((m) => m.isMe)!;
    const lea = core.workspace.members.create('Léa');
    core.ingest(acc.id, { items: [item({ remoteId: 'a1', threadRemoteId: 'A' }), item({ remoteId: 'b1', threadRemoteId: 'B' }), item({ remoteId: 'c1', threadRemoteId: 'C', text: 'concours !' })], cursor: null });
    const [a, b] = (core.db.prepare('SELECT id FROM conversations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    core.conversations.assign([a!], me.id, me.name);
    core.conversations.assign([b!], lea.id, lea.name);
    const view = core.workspace.views.create('Concours', { query: 'concours' });

    const fresh = core.ingest(acc.id, {
      items: [
        item({ remoteId: 'a2', threadRemoteId: 'A', text: 'Toujours rien', author: { remoteId: 'x', handle: '@cam', name: 'Camille' } }),
        item({ remoteId: 'a3', threadRemoteId: 'A', text: 'Vous êtes là ?', author: { remoteId: 'x', handle: '@cam', name: 'Camille' } }),
        item({ remoteId: 'b2', threadRemoteId: 'B', text: 'pour Léa' }),
        item({ remoteId: 'c2', threadRemoteId: 'C', text: 'je participe au concours' }),
      ],
      cursor: null,
    });
    expect(core.notifier.forNewMessages(fresh.newMessageIds).map((n) => [n.conversationId, n.reason, n.title, n.body])).toEqual([
      [a, 'assigned', 'Camille · Mastodon', 'Vous êtes là ?'],
    ]);
    core.handlers['settings.set']({ followedViewIds: [view.id] });
    const more = core.ingest(acc.id, { items: [item({ remoteId: 'c3', threadRemoteId: 'C', text: 'concours encore' })], cursor: null });
    expect(core.notifier.forNewMessages(more.newMessageIds).map((n) => n.reason)).toEqual(['view']);
    core.handlers['settings.set']({ notifications: false });
    const muted = core.ingest(acc.id, { items: [item({ remoteId: 'a4', threadRemoteId: 'A' })], cursor: null });
    expect(core.notifier.forNewMessages(muted.newMessageIds)).toEqual([]);
  });

  it('counts unread open conversations for the badge', () => {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, { items: [item({ threadRemoteId: 'A' }), item({ threadRemoteId: 'B' }), item({ threadRemoteId: 'C' })], cursor: null });
    const ids = (core.db.prepare('SELECT id FROM conversations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    core.conversations.markRead([ids[0]!], false);
    core.conversations.setStatus([ids[1]!], 'done', null);
    expect(core.notifier.unreadCount()).toBe(1);
  });
});

describe('rule notifications', () => {
  it('carry the rule, so that the shell names a shipped rule in the app’s language and a renamed one as the user named it', async () => {
    core = makeCore();
    const acc = addAccount(core);
    const events: unknown[] = [];
    core.onEvent((name, payload) => {
      if (name === 'notify') events.push(payload);
    });
    const shipped = (await core.handlers['rules.list']({})).find((r) => r.definition.id === 'netiquette')!.definition;
    const conditions = [{ type: 'words' as const, words: ['colis'], negate: false }];
    await core.handlers['rules.save']({ rule: { ...shipped, conditions, actions: [{ type: 'notify' }] } });
    core.ingest(acc.id, { items: [item({ remoteId: 'n1', threadRemoteId: 'N', text: 'Mon colis est cassé', author: { remoteId: 'x', handle: '@cam', name: 'Camille' } })], cursor: null });
    await core.handlers['rules.save']({ rule: { ...shipped, name: 'Colis', conditions, actions: [{ type: 'notify' }] } });
    core.ingest(acc.id, { items: [item({ remoteId: 'n2', threadRemoteId: 'M', text: 'Un autre colis', author: { remoteId: 'x', handle: '@cam', name: 'Camille' } })], cursor: null });
    expect(events).toMatchObject([
      { title: 'Camille · Netiquette', author: 'Camille', rule: { id: 'netiquette', name: 'Netiquette' } },
      { title: 'Camille · Colis', author: 'Camille', rule: { id: 'netiquette', name: 'Colis' } },
    ]);
  });
});
