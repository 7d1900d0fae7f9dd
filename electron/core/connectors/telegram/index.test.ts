/**
 * The connector's moderation and errors against the local Bot API: what a bot may do as a group
 * administrator, and the refusals in Telegram's own words turned into typed errors.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTelegramServer, type TelegramServer } from '../../../../e2e/networks/telegram';
import { ConnectorError, type AccountContext, type ModerateRequest } from '../types';
import { createTelegramConnector } from './index';

let server: TelegramServer;
const connector = createTelegramConnector({ retries: 0 });

beforeEach(async () => {
  server = await startTelegramServer();
});
afterEach(() => server.close());

function ctx(token = server.control.token): AccountContext {
  return { accountId: 1, network: 'telegram', serverUrl: server.url, remoteId: String(server.control.bot.id), handle: '@atelier_lumen_bot', credentials: { token } };
}

function request(action: ModerateRequest['action'], chatId: number, messageId: number, authorId: number | string): ModerateRequest {
  return { action, messageRemoteId: `${chatId}:${messageId}`, authorRemoteId: String(authorId), conversationRemoteId: `${chatId}:${messageId}`, idempotencyKey: 'k' };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

it('removes a message, and calls one already gone removed; older than 48 hours is refused for good', async () => {
  const { control } = server;
  const group = control.addChat({});
  const troll = control.user({ first_name: 'Troll' });
  const spam = control.post({ chatId: group.id, from: troll, text: 'crypto giveaway' });
  await connector.moderate(ctx(), request('remove', group.id, spam.message_id, troll.id));
  expect(control.message(group.id, spam.message_id)!.deleted).toBe(true);
  expect(await connector.moderate(ctx(), request('remove', group.id, spam.message_id, troll.id))).toMatchObject({ remoteResult: { alreadyGone: true } });

  const old = control.post({ chatId: group.id, from: troll, text: 'old insult' });
  control.age(group.id, old.message_id, 49);
  const refused = await failure(connector.moderate(ctx(), request('remove', group.id, old.message_id, troll.id)));
  expect(refused).toMatchObject({ kind: 'not-supported', status: 400, message: expect.stringContaining("message can't be deleted for everyone") });
});

it('bans the author (undone with unbanChatMember) and restricts them in a supergroup; refuses in a basic group and for a channel author', async () => {
  const { control } = server;
  const group = control.addChat({ title: 'Supergroupe' });
  const basic = control.addChat({ type: 'group', title: 'Groupe simple' });
  const troll = control.user({ first_name: 'Troll' });
  const m = control.post({ chatId: group.id, from: troll, text: 'hors sujet' });
  expect(await connector.moderate(ctx(), request('ban-author', group.id, m.message_id, troll.id))).toMatchObject({ remoteResult: { banned: true, undo: 'unbanChatMember' } });
  expect(control.chat(group.id)!.banned.has(troll.id)).toBe(true);
  await connector.moderate(ctx(), request('mute-author', group.id, m.message_id, troll.id));
  expect(control.chat(group.id)!.restricted.get(troll.id)).toMatchObject({ can_send_messages: false });
  // The ways back: every permission back on lifts the restriction; unbanChatMember lifts the ban.
  expect(await connector.moderate(ctx(), request('unmute-author', group.id, m.message_id, troll.id))).toMatchObject({ remoteResult: { restricted: false } });
  expect(control.chat(group.id)!.restricted.has(troll.id)).toBe(false);
  expect(await connector.moderate(ctx(), request('unban-author', group.id, m.message_id, troll.id))).toMatchObject({ remoteResult: { unbanned: true } });
  expect(control.chat(group.id)!.banned.has(troll.id)).toBe(false);

  const inBasic = control.post({ chatId: basic.id, from: troll, text: 'x' });
  const restricted = await failure(connector.moderate(ctx(), { ...request('mute-author', basic.id, inBasic.message_id, troll.id), messageExtra: { chatId: basic.id, messageId: inBasic.message_id, chatType: 'group' } }));
  expect(restricted.kind).toBe('not-supported');
  // Without the stored chat type, Telegram's own refusal is just as final.
  expect((await failure(connector.moderate(ctx(), request('mute-author', basic.id, inBasic.message_id, troll.id)))).message).toContain('only for supergroups');
  expect((await failure(connector.moderate(ctx(), request('ban-author', group.id, m.message_id, group.id)))).kind).toBe('not-supported');
  expect((await failure(connector.moderate(ctx(), request('report', group.id, m.message_id, troll.id)))).kind).toBe('not-supported');
});

it('turns 401, 409 and 429 into auth, plain words and a wait, without the token in any message', async () => {
  const { control } = server;
  const old = control.token;
  control.fail({ kind: 'rate-limit', resetInSeconds: 12 });
  expect(await failure(connector.poll(ctx(), null))).toMatchObject({ kind: 'rate-limited', retryAfterMs: 12_000 });
  control.setWebhook('https://bots.example/hook');
  const conflict = await failure(connector.poll(ctx(), null));
  expect(conflict).toMatchObject({ kind: 'bad-response', status: 409, message: expect.stringContaining('Remove the webhook (deleteWebhook)') });
  control.setWebhook(null);
  control.competingConsumer();
  expect((await failure(connector.poll(ctx(), null))).message).toContain('Another program is reading this bot’s updates');
  control.revokeToken();
  const revoked = await failure(connector.poll(ctx(old), null));
  expect(revoked).toMatchObject({ kind: 'auth', message: expect.stringContaining('enter a new one') });
  control.fail({ kind: 'server-error', status: 502 });
  const down = await failure(connector.poll(ctx(), null));
  expect(down.kind).toBe('network');
  for (const err of [conflict, revoked, down]) expect(err.message).not.toContain(old.split(':')[1]);
});

it('pages through a backlog 100 updates at a time, past a broken update, and never confirms before the next call', async () => {
  const { control } = server;
  const group = control.addChat({});
  const dan = control.user({ first_name: 'Dan' });
  for (let i = 0; i < 60; i++) control.post({ chatId: group.id, from: dan, text: `m${i}` });
  control.addRawUpdate({ message: { message_id: 'x', chat: { id: group.id, type: 'supergroup' }, date: 1, text: 'broken' } });
  for (let i = 60; i < 130; i++) control.post({ chatId: group.id, from: dan, text: `m${i}` });
  const first = await connector.poll(ctx(), null);
  expect(first).toMatchObject({ hasMore: true, rateLimit: null });
  expect(first.items).toHaveLength(99);
  expect(first.skipped).toEqual([{ remoteId: null, reason: expect.stringContaining('message_id') }]);
  expect(control.pendingUpdateIds()).toHaveLength(131);
  const second = await connector.poll(ctx(), first.cursor);
  expect(second.items.map((i) => i.text)).toEqual(Array.from({ length: 31 }, (_, k) => `m${k + 99}`));
  expect(second.hasMore).toBe(false);
  expect(control.pendingUpdateIds()).toHaveLength(31);
});

it('bans for a number of days with until_date, and forever without one', async () => {
  const { control } = server;
  const group = control.addChat({ title: 'Supergroupe' });
  const troll = control.user({ first_name: 'Troll' });
  const spammer = control.user({ first_name: 'Spammer' });
  const m = control.post({ chatId: group.id, from: troll, text: 'hors sujet' });
  const s = control.post({ chatId: group.id, from: spammer, text: 'crypto' });
  const before = Math.floor(Date.now() / 1000);
  const week = await connector.moderate(ctx(), { ...request('ban-author', group.id, m.message_id, troll.id), durationDays: 7 });
  const after = Math.floor(Date.now() / 1000);
  const until = control.chat(group.id)!.bannedUntil.get(troll.id)!;
  expect(until).toBeGreaterThanOrEqual(before + 7 * 86_400);
  expect(until).toBeLessThanOrEqual(after + 7 * 86_400);
  expect(week.remoteResult).toMatchObject({ banned: true, untilDate: until });
  await connector.moderate(ctx(), request('ban-author', group.id, s.message_id, spammer.id));
  // ChatMemberBanned's until_date 0: forever.
  expect(control.chat(group.id)!.bannedUntil.get(spammer.id)).toBe(0);
  expect(control.chat(group.id)!.banned.has(spammer.id)).toBe(true);
});
