/**
 * The message writer through the core: a reply sent from Parvis is found by its author and its
 * words; a network edit replaces the message in place; a network deletion keeps the row, marks it
 * and takes its words out of search; replaying either changes nothing; every record gets a uid.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationSummary, Message } from '../../../shared/model';
import { addAccount, item, makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

const search = (query: string): number[] =>
  (core.handlers['inbox.list']({ filter: { query }, cursor: null, limit: 50 }) as { items: ConversationSummary[] }).items.map((c) => c.id);
const thread = (conversationId: number): Message[] =>
  (core.handlers['conversation.get']({ conversationId, markRead: false }) as { messages: Message[] }).messages;
const summary = (conversationId: number): ConversationSummary => (core.handlers['inbox.summaries']({ conversationIds: [conversationId] }) as ConversationSummary[])[0]!;
const count = (sql: string, ...params: unknown[]) => (core.db.prepare(sql).get(...params) as { n: number }).n;

function seedThread() {
  const acc = core.accounts.upsert({
    network: 'mastodon',
    serverUrl: 'https://mastodon.example',
    remoteId: 'me-1',
    handle: '@maisonlumen@mastodon.example',
    displayName: 'Maison Lumen',
  });
  const { conversationIds } = core.ingest(acc.id, {
    items: [item({ remoteId: 'q1', threadRemoteId: 'thread-1', text: 'Ma lampe grésille depuis hier', createdAt: 1_000 })],
    cursor: null,
  });
  return { acc, conversationId: conversationIds[0]! };
}

describe('a reply sent from Parvis', () => {
  it('is indexed with the account as its author: from: with the name or the handle finds it, and its words too', () => {
    core = makeCore();
    const { conversationId } = seedThread();
    // Another conversation the searches must not find.
    const other = addAccount(core, 'bluesky');
    core.ingest(other.id, { items: [item({ remoteId: 'z', threadRemoteId: 'z', text: 'rien à voir', createdAt: 2_000 })], cursor: null });

    expect(search('from:Lumen')).toEqual([]);
    core.handlers['reply.send']({ conversationId, text: 'Nous vous envoyons un transformateur neuf' });

    expect(search('from:Lumen')).toEqual([conversationId]);
    expect(search('from:"Maison Lumen"')).toEqual([conversationId]);
    expect(search('from:maisonlumen')).toEqual([conversationId]);
    expect(search('transformateur')).toEqual([conversationId]);
    const reply = thread(conversationId).at(-1)!;
    expect(reply.direction).toBe('out');
    expect(reply.uid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(summary(conversationId).snippet).toBe('Nous vous envoyons un transformateur neuf');
  });

  it('when discarded, leaves neither its words in search nor its text as the snippet', () => {
    core = makeCore();
    const { conversationId } = seedThread();
    const { messageId } = core.handlers['reply.send']({ conversationId, text: 'Brouillon envoyé par erreur' }) as { messageId: number };
    core.handlers['reply.discard']({ messageId });
    expect(search('erreur')).toEqual([]);
    expect(summary(conversationId)).toMatchObject({ snippet: 'Ma lampe grésille depuis hier', messageCount: 1 });
  });
});

describe('edits from the network', () => {
  it('replace the text, the snippet and the index in place, without a second message; a replay changes nothing', () => {
    core = makeCore();
    const { acc, conversationId } = seedThread();
    const edited = item({
      remoteId: 'q1',
      threadRemoteId: 'thread-1',
      text: 'Ma lampe clignote depuis hier soir',
      html: '<p>Ma lampe clignote depuis hier soir</p>',
      attachments: [{ kind: 'image', url: 'https://files.example/lampe.jpg' }],
      createdAt: 1_000,
      editedAt: 5_000,
    });
    const result = core.ingest(acc.id, { items: [edited], cursor: null });
    expect(result).toEqual({ newMessageIds: [], conversationIds: [conversationId] });

    const [message] = thread(conversationId);
    expect(thread(conversationId)).toHaveLength(1);
    expect(message).toMatchObject({ text: 'Ma lampe clignote depuis hier soir', html: '<p>Ma lampe clignote depuis hier soir</p>', editedAt: 5_000, deletedAt: null });
    expect(message!.attachments).toEqual([{ kind: 'image', url: 'https://files.example/lampe.jpg' }]);
    expect(summary(conversationId)).toMatchObject({ snippet: 'Ma lampe clignote depuis hier soir', messageCount: 1 });
    expect(search('clignote')).toEqual([conversationId]);
    expect(search('grésille')).toEqual([]);
    // The author is still in the rewritten index row.
    expect(search('from:camille clignote')).toEqual([conversationId]);

    // The same edit again, and an older one arriving late: nothing changes.
    expect(core.ingest(acc.id, { items: [edited], cursor: null })).toEqual({ newMessageIds: [], conversationIds: [] });
    const older = { ...edited, text: 'version intermédiaire', editedAt: 4_000 };
    expect(core.ingest(acc.id, { items: [older], cursor: null }).conversationIds).toEqual([]);
    expect(thread(conversationId)[0]!.text).toBe('Ma lampe clignote depuis hier soir');
    expect(count('SELECT count(*) AS n FROM messages')).toBe(1);
    expect(count(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'intermediaire'`)).toBe(0);
  });

  it('of an older message leaves the snippet to the latest one', () => {
    core = makeCore();
    const { acc, conversationId } = seedThread();
    core.ingest(acc.id, { items: [item({ remoteId: 'q2', threadRemoteId: 'thread-1', text: 'Et maintenant elle s’éteint', createdAt: 2_000 })], cursor: null });
    core.ingest(acc.id, { items: [item({ remoteId: 'q1', threadRemoteId: 'thread-1', text: 'Ma lampe clignote', createdAt: 1_000, editedAt: 3_000 })], cursor: null });
    expect(summary(conversationId).snippet).toBe('Et maintenant elle s’éteint');
    expect(thread(conversationId).map((m) => m.text)).toEqual(['Ma lampe clignote', 'Et maintenant elle s’éteint']);
  });

  it('of a message never seen stores it as new', () => {
    core = makeCore();
    const acc = addAccount(core);
    const result = core.ingest(acc.id, { items: [item({ remoteId: 'late', threadRemoteId: 'tl', text: 'Déjà modifié', editedAt: 9_000 })], cursor: null });
    expect(result.newMessageIds).toHaveLength(1);
    expect(thread(result.conversationIds[0]!)[0]).toMatchObject({ text: 'Déjà modifié', editedAt: 9_000 });
    expect(search('modifie')).toEqual(result.conversationIds);
  });
});

describe('deletions from the network', () => {
  it('mark the message and keep it, take its words out of search, and the thread says so; a replay changes nothing', () => {
    core = makeCore();
    const { acc, conversationId } = seedThread();
    core.ingest(acc.id, { items: [item({ remoteId: 'q2', threadRemoteId: 'thread-1', text: 'Vous êtes des escrocs', createdAt: 2_000, moderation: 'held' })], cursor: null });
    expect(summary(conversationId)).toMatchObject({ held: true, snippet: 'Vous êtes des escrocs' });
    expect(search('escrocs')).toEqual([conversationId]);

    const first = core.ingest(acc.id, { items: [], cursor: null, deleted: [{ remoteId: 'q2', deletedAt: 7_000 }] });
    expect(first.conversationIds).toEqual([conversationId]);

    const messages = thread(conversationId);
    expect(messages).toHaveLength(2);
    // Kept, with its words, for the manager to read; marked as deleted on the network.
    expect(messages[1]).toMatchObject({ remoteId: 'q2', text: 'Vous êtes des escrocs', deletedAt: 7_000 });
    expect(messages[0]!.deletedAt).toBeNull();
    expect(search('escrocs')).toEqual([]);
    expect(search('from:camille escrocs')).toEqual([]);
    expect(search('grésille')).toEqual([conversationId]);
    // Nothing left to review, and the inbox row shows what still exists.
    expect(summary(conversationId)).toMatchObject({ held: false, snippet: 'Ma lampe grésille depuis hier', messageCount: 2 });

    // The same deletion again, then the same message polled again, then a late edit: nothing changes.
    expect(core.ingest(acc.id, { items: [], cursor: null, deleted: [{ remoteId: 'q2', deletedAt: 8_000 }] }).conversationIds).toEqual([]);
    core.ingest(acc.id, { items: [item({ remoteId: 'q2', threadRemoteId: 'thread-1', text: 'Vous êtes des escrocs', createdAt: 2_000 })], cursor: null });
    core.ingest(acc.id, { items: [item({ remoteId: 'q2', threadRemoteId: 'thread-1', text: 'escrocs modifié', createdAt: 2_000, editedAt: 9_000 })], cursor: null });
    expect(thread(conversationId)[1]).toMatchObject({ deletedAt: 7_000 });
    expect(search('escrocs')).toEqual([]);
    expect(count('SELECT count(*) AS n FROM messages')).toBe(2);
  });

  it('of a message never stored is ignored', () => {
    core = makeCore();
    const { acc, conversationId } = seedThread();
    expect(core.ingest(acc.id, { items: [], cursor: 'c2', deleted: [{ remoteId: 'unknown', deletedAt: 1 }] }).conversationIds).toEqual([]);
    expect(core.accounts.get(acc.id)!.cursor).toBe('c2');
    expect(thread(conversationId)).toHaveLength(1);
  });
});

describe('stable ids', () => {
  it('every record created through the core has a unique uid', () => {
    core = makeCore();
    const { conversationId } = seedThread();
    core.handlers['reply.send']({ conversationId, text: 'Merci' });
    const tag = core.handlers['tags.create']({ name: 'livraison', color: '#336699' }) as { id: number; uid?: string };
    core.handlers['members.create']({ name: 'Sam' });
    core.handlers['conversation.addNote']({ conversationId, text: 'rappeler demain' });
    core.handlers['savedReplies.create']({ name: 'merci', text: 'Merci !' });
    core.handlers['views.create']({ name: 'urgent', filter: { tagId: tag.id } });
    expect(tag.uid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    for (const table of ['conversations', 'messages', 'tags', 'notes', 'saved_views', 'saved_replies', 'rules', 'members']) {
      expect(count(`SELECT count(*) AS n FROM ${table}`), table).toBeGreaterThan(0);
      expect(count(`SELECT count(*) AS n FROM ${table} WHERE uid IS NULL OR length(uid) <> 26`), table).toBe(0);
    }
    expect(summary(conversationId).uid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
