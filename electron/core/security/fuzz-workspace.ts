/**
 * The workspace the contract fuzz runs against: a core with one account, a few conversations and
 * one of everything (tag, member, saved reply, view, failed reply), and a valid input for every
 * call that points at those, for the fuzz to start its mutations from.
 */
import { CALL_NAMES, type CallName, type LexiconSet, type Rule } from '../../../shared/contract';
import { addAccount, item, makeCore } from '../testing/core-fixture';

export type FuzzCore = ReturnType<typeof makeCore>;

/**
 * A core with something behind every id a call can take, and a valid input for every call (`{}`
 * for a call added to the contract since: the fuzz covers it from the start).
 */
export async function makeFuzzCore(): Promise<{ core: FuzzCore; valid: Record<CallName, unknown> }> {
  const core = makeCore();
  const account = addAccount(core);
  core.ingest(account.id, {
    items: [
      item({ remoteId: 'p', threadRemoteId: 'T', text: 'Ma lampe est arrivée cassée' }),
      item({ remoteId: 'q', threadRemoteId: 'U', text: 'Superbe lampe', author: { remoteId: 'a2', handle: '@hugo', name: 'Hugo' } }),
    ],
    cursor: null,
  });
  const [first, second] = (core.db.prepare('SELECT id FROM conversations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  const tag = core.workspace.tags.create('urgent', '#ff0000');
  const member = core.workspace.members.create('Léa');
  const authorId = (core.db.prepare('SELECT id FROM authors LIMIT 1').get() as { id: number }).id;
  const savedReply = core.workspace.savedReplies.create('Merci', 'Merci {name} !');
  const view = core.workspace.views.create('Urgent', { tagId: tag.id });
  const { messageId } = core.outbox.enqueueReply(first!, 'queued reply');
  core.db.prepare(`UPDATE outbox SET state = 'failed'`).run();
  const convId = first!;
  const firstMessageId = (core.db.prepare(`SELECT id FROM messages WHERE direction = 'in' ORDER BY id LIMIT 1`).get() as { id: number }).id;
  // The moderation calls take whole rules and lexicons: start from the shipped ones.
  const rules = (await core.handlers['rules.list']({})) as Rule[];
  const lexicons = (await core.handlers['lexicons.get']({})) as LexiconSet;
  const rule = rules[0]!.definition;
  const known: Partial<Record<CallName, unknown>> = {
    'app.info': {},
    'accounts.list': {},
    'accounts.remove': { accountId: account.id + 1000 },
    'accounts.pause': { accountId: account.id },
    'accounts.resume': { accountId: account.id },
    'accounts.pollNow': { accountId: account.id },
    'accounts.networks': {},
    'accounts.connect': { network: account.network, fields: { handle: 'brand.example', password: 'abcd-efgh-ijkl-mnop' } },
    'accounts.choose': { flowId: '00000000-0000-0000-0000-000000000000', choiceIds: ['page-1'] },
    'developerApps.set': { network: account.network, clientId: 'client-id-1', clientSecret: 'client-secret-1' },
    'developerApps.clear': { network: account.network },
    'accounts.finishConnect': { flowId: '00000000-0000-0000-0000-000000000000' },
    'accounts.cancelConnect': { flowId: '00000000-0000-0000-0000-000000000000' },
    'inbox.list': { filter: { status: ['open'], network: [account.network], query: 'lampe', since: 0 }, cursor: null, limit: 10 },
    'inbox.count': { filters: { open: { status: ['open'] }, mine: { assigneeId: member.id } } },
    'inbox.viewCounts': { filters: { open: { status: ['open'] }, mine: { assigneeId: member.id } } },
    'inbox.summaries': { conversationIds: [first, second] },
    'conversation.get': { conversationId: second, markRead: true },
    'conversation.setStatus': { conversationIds: [second], status: 'snoozed', snoozeUntil: 4_000_000_000_000 },
    'conversation.markRead': { conversationIds: [second], unread: true },
    'conversation.tag': { conversationIds: [second], tagId: tag.id },
    'conversation.untag': { conversationIds: [second], tagId: tag.id },
    'conversation.assign': { conversationIds: [second], memberId: member.id },
    'conversation.addNote': { conversationId: second, text: 'Client fidèle' },
    'tags.list': {},
    'tags.create': { name: 'livraison', color: '#2563eb' },
    'tags.rename': { tagId: tag.id, name: 'URGENT' },
    'tags.recolor': { tagId: tag.id, color: '#000000' },
    'tags.delete': { tagId: tag.id + 1000 },
    'members.list': {},
    'members.create': { name: 'Karim' },
    'members.rename': { memberId: member.id, name: 'Léa M.' },
    'members.delete': { memberId: member.id + 1000 },
    'draft.save': { conversationId: convId, text: 'Bonjour…' },
    'draft.get': { conversationId: convId },
    'author.setNotes': { authorId, notes: 'VIP' },
    'reply.send': { conversationId: convId, text: 'Désolés !' },
    'reply.retry': { messageId },
    'attachment.fetch': { messageId: firstMessageId, index: 0 },
    'reply.discard': { messageId: messageId + 1000 },
    'savedReplies.list': {},
    'savedReplies.create': { name: 'Bonjour', text: 'Bonjour {name}' },
    'savedReplies.update': { id: savedReply.id, name: 'Merci 2', text: 'Merci beaucoup {name} !' },
    'savedReplies.delete': { id: savedReply.id + 1000 },
    'views.list': {},
    'views.create': { name: 'À moi', filter: { assigneeId: member.id, unread: true } },
    'views.update': { id: view.id, name: 'Très urgent', position: 2 },
    'views.delete': { id: view.id + 1000 },
    'moderation.capabilities': {},
    'moderation.act': { messageId: firstMessageId, action: 'hide', reason: 'spam' },
    'rules.list': {},
    'rules.save': { rule: { ...rule, id: 'fuzz-rule', name: 'Fuzz' } },
    'rules.delete': { ruleId: 'no-such-rule' },
    'rules.reorder': { ruleIds: rules.map((r) => r.definition.id) },
    'rules.dryRun': { rule, lastN: 10 },
    'rules.setAutoHide': { enabled: false },
    'lexicons.get': {},
    'lexicons.set': { lexicons: lexicons.lexicons.slice(0, 1), allow: ['cul-de-sac'] },
    'audit.list': { query: 'hide', cursor: null, limit: 10 },
    'settings.get': {},
    'settings.set': { language: 'fr', pollIntervalSeconds: 120 },
  };
  const valid = Object.fromEntries(CALL_NAMES.map((name) => [name, known[name] ?? {}])) as Record<CallName, unknown>;
  return { core, valid };
}
