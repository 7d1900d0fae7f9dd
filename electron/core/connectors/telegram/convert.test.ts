/**
 * The Telegram converters on updates shaped as the Bot API sends them (fixtures/updates.json):
 * reply chains as conversations, edits kept as the newest text, the channel as the brand's voice,
 * service messages ignored, a broken update skipped without hiding the others.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BoundedThreadMemory, messagePermalink, parseMessageKey, readUpdate, type UpdateEntry } from './convert';

const updates = JSON.parse(readFileSync(new URL('./fixtures/updates.json', import.meta.url), 'utf8')) as unknown[];
const BOT = '7000000001';
const GROUP = '-1001987654321';

function readAll(raw: unknown[], memory = new BoundedThreadMemory()): UpdateEntry[] {
  return raw.map((u) => readUpdate(u, { botId: BOT, memory }));
}

function item(entry: UpdateEntry | undefined) {
  if (entry?.kind !== 'item') throw new Error(`expected an item, got ${JSON.stringify(entry)}`);
  return entry.item;
}

describe('readUpdate', () => {
  const entries = readAll(updates);

  it('reads a group message as an incoming comment in a conversation of its own, the group as context', () => {
    expect(item(entries[0])).toMatchObject({
      remoteId: `${GROUP}:5120`,
      threadRemoteId: `${GROUP}:5120`,
      parentRemoteId: null,
      kind: 'comment',
      direction: 'in',
      author: { remoteId: '184200311', handle: '@camille_roux', name: 'Camille Roux', profileUrl: 'https://t.me/camille_roux' },
      text: 'Bonjour, ma lampe Dune clignote depuis hier, que faire ?',
      createdAt: 1763630000_000,
      permalink: 'https://t.me/atelierlumen/5120',
      context: { remoteId: GROUP, text: 'Atelier Lumen — communauté', url: 'https://t.me/atelierlumen' },
      extra: { chatId: -1001987654321, messageId: 5120, chatType: 'supergroup' },
    });
  });

  it('puts a reply in the conversation of the message it answers', () => {
    expect(item(entries[1])).toMatchObject({ remoteId: `${GROUP}:5121`, threadRemoteId: `${GROUP}:5120`, parentRemoteId: `${GROUP}:5120`, author: { name: 'Hugo', handle: 'Hugo' } });
  });

  it('keeps an edit as a new message of the same conversation with the edited text; the same edit read twice has the same id', () => {
    const edit = item(entries[2]);
    expect(edit).toMatchObject({
      remoteId: `${GROUP}:5120~e1763630120`,
      threadRemoteId: `${GROUP}:5120`,
      parentRemoteId: `${GROUP}:5120`,
      text: 'Bonjour, ma lampe Dune clignote depuis hier soir, que faire ?',
      createdAt: 1763630120_000,
      extra: { chatId: -1001987654321, messageId: 5120, editOf: `${GROUP}:5120`, editedAt: 1763630120_000 },
    });
    expect(item(readAll([updates[2]])[0]).remoteId).toBe(edit.remoteId);
    expect(parseMessageKey(edit.remoteId)).toEqual({ chatId: -1001987654321, messageId: 5120 });
  });

  it('ignores service messages and the bot’s own status changes; skips a broken message with its update id', () => {
    expect(entries[3]).toMatchObject({ kind: 'ignored', updateId: 734120004 });
    expect(entries[4]).toMatchObject({ kind: 'skipped', updateId: 734120005, reason: expect.stringContaining('message_id') });
    expect(entries[7]).toMatchObject({ kind: 'ignored', updateId: 734120008, reason: 'the bot is now left in Ancien groupe' });
    expect(readUpdate({ message: {} }, { botId: BOT, memory: new BoundedThreadMemory() })).toMatchObject({ kind: 'skipped', updateId: null });
  });

  it('reads a channel post as the brand’s own, with its caption, and links its photo to the post when the chat has a link', () => {
    expect(item(entries[5])).toMatchObject({
      direction: 'out',
      text: 'Nouvelle collection Halo',
      author: { remoteId: '-1001555000111', name: 'Atelier Lumen' },
      permalink: 'https://t.me/c/1555000111/88',
      attachments: [{ kind: 'image', url: 'https://t.me/c/1555000111/88' }],
      extra: { media: ['photo'] },
    });
  });

  it('reads a private chat with the bot as a direct message, and an anonymous admin as the group speaking', () => {
    expect(item(entries[6])).toMatchObject({ kind: 'dm', direction: 'in', permalink: null, context: { text: 'Camille' } });
    expect(item(entries[8]).author).toMatchObject({ remoteId: GROUP, name: 'Atelier Lumen — communauté' });
  });
});

describe('reply chains across polls', () => {
  it('a reply to a reply finds the first message’s conversation through the memory carried by the cursor', () => {
    const memory = new BoundedThreadMemory();
    readAll(updates.slice(0, 2), memory);
    // The next poll starts from the cursor's entries only.
    const restored = new BoundedThreadMemory(memory.entries());
    const chat = { id: -1001987654321, title: 'Atelier Lumen — communauté', type: 'supergroup' };
    const third = {
      update_id: 734120100,
      message: {
        message_id: 5140,
        from: { id: 184200311, is_bot: false, first_name: 'Camille' },
        chat,
        date: 1763631000,
        reply_to_message: { message_id: 5121, from: { id: 220011002, is_bot: false, first_name: 'Hugo' }, chat, date: 1763630060, text: 'Pareil chez moi !' },
        text: 'Hugo, tu as essayé de la débrancher ?',
      },
    };
    expect(item(readAll([third], restored)[0]).threadRemoteId).toBe(`${GROUP}:5120`);
    // Forgotten (older than the memory holds): the chain continues from the message answered.
    expect(item(readAll([third], new BoundedThreadMemory())[0]).threadRemoteId).toBe(`${GROUP}:5121`);
  });

  it('the memory is bounded, oldest first', () => {
    const memory = new BoundedThreadMemory([], 2);
    memory.remember('a', 'r');
    memory.remember('b', 'r');
    memory.remember('c', 'r');
    expect(memory.entries()).toEqual([
      ['b', 'r'],
      ['c', 'r'],
    ]);
  });
});

describe('messagePermalink', () => {
  it('links public chats by name, private supergroups by t.me/c, and nothing for basic groups', () => {
    expect(messagePermalink({ id: -1001, type: 'supergroup', username: 'lumen' }, 3)).toBe('https://t.me/lumen/3');
    expect(messagePermalink({ id: -1001987654321, type: 'supergroup' }, 3)).toBe('https://t.me/c/1987654321/3');
    expect(messagePermalink({ id: -4000000777, type: 'group' }, 3)).toBeNull();
  });
});
