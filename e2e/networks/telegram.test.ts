/**
 * The local Bot API speaks the documented API: every answer it gave in these tests is checked
 * against the types of the Bot API description (specs/telegram, an extract of the community
 * scrape of core.telegram.org), and its getUpdates offset, limits, errors and rights checks are
 * those of the real server.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramServer, type LoggedCall, type TelegramServer } from './telegram';

interface SpecField {
  name: string;
  types: string[];
  required: boolean;
}
interface SpecType {
  fields?: SpecField[];
  subtypes?: string[];
}
interface Spec {
  methods: Record<string, { returns: string[]; fields?: SpecField[] }>;
  types: Record<string, SpecType>;
}

const spec = JSON.parse(readFileSync(new URL('./specs/telegram/api.json', import.meta.url), 'utf8')) as Spec;

/** Errors of `value` against one Bot API type expression ("Integer", "Array of Update", "Message"…). */
function check(typeName: string, value: unknown, path: string): string[] {
  if (typeName.startsWith('Array of ')) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((v, i) => check(typeName.slice(9), v, `${path}[${i}]`));
  }
  switch (typeName) {
    case 'Integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'Float':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'String':
      return typeof value === 'string' ? [] : [`${path}: expected a string`];
    case 'Boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'True':
      return value === true ? [] : [`${path}: expected true`];
  }
  const type = spec.types[typeName];
  if (!type) return [`${path}: type ${typeName} is not in the extract (add it to specs/telegram)`];
  if (type.subtypes) {
    const attempts = type.subtypes.map((sub) => check(sub, value, path));
    return attempts.some((errors) => errors.length === 0) ? [] : [`${path}: matches no ${typeName} subtype (${attempts.map((e) => e[0]).join(' | ')})`];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected a ${typeName} object`];
  const errors: string[] = [];
  const fields = new Map((type.fields ?? []).map((f) => [f.name, f]));
  for (const field of fields.values()) if (field.required && !(field.name in value)) errors.push(`${path}.${field.name}: required by ${typeName}`);
  for (const [key, v] of Object.entries(value)) {
    const field = fields.get(key);
    if (!field) {
      errors.push(`${path}.${key}: not a field of ${typeName}`);
      continue;
    }
    const attempts = field.types.map((t) => check(t, v, `${path}.${key}`));
    if (!attempts.some((a) => a.length === 0)) errors.push(...attempts[0]!);
  }
  // The status of a ChatMember subtype is a fixed word: the subtype must match it.
  const status = (value as { status?: unknown }).status;
  const expected: Record<string, string> = { ChatMemberOwner: 'creator', ChatMemberAdministrator: 'administrator', ChatMemberMember: 'member', ChatMemberRestricted: 'restricted', ChatMemberLeft: 'left', ChatMemberBanned: 'kicked' };
  if (expected[typeName] && status !== expected[typeName]) errors.push(`${path}.status: ${String(status)} is not ${expected[typeName]}`);
  return errors;
}

/** Errors of one logged answer: the envelope, then the result against the method's return type. */
function validateCall(call: LoggedCall): string[] {
  const body = call.response as { ok?: unknown; result?: unknown; error_code?: unknown; description?: unknown; parameters?: unknown } | null;
  if (!body) return call.status === 0 ? [] : [`${call.method}: no body`];
  if (body.ok === true) {
    const method = spec.methods[call.method];
    if (!method) return [`${call.method}: not in the extract`];
    const attempts = method.returns.map((t) => check(t, body.result, `${call.method}.result`));
    return attempts.some((a) => a.length === 0) ? [] : attempts[0]!;
  }
  const errors: string[] = [];
  if (body.ok !== false) errors.push(`${call.method}: ok is neither true nor false`);
  if (body.error_code !== call.status) errors.push(`${call.method}: error_code ${String(body.error_code)} != HTTP ${call.status}`);
  if (typeof body.description !== 'string' || !body.description) errors.push(`${call.method}: no description`);
  if (body.parameters !== undefined) errors.push(...check('ResponseParameters', body.parameters, `${call.method}.parameters`));
  return errors;
}

let server: TelegramServer;

beforeEach(async () => {
  server = await startTelegramServer();
});

afterEach(async () => {
  // Every answer of every test matches the description.
  const errors = server.control.calls.flatMap(validateCall);
  await server.close();
  expect(errors).toEqual([]);
});

/** A Bot API answer, as far as these tests read it. */
interface Answer {
  ok: boolean;
  // The result's shape depends on the method; the tests read it as the documented one.
  result: Upd[] & Upd & { url?: string; status?: string }[] & boolean;
  error_code?: number;
  description?: string;
}
interface Upd {
  update_id: number;
  from?: { id: number };
  text?: string;
  status?: string;
  reply_to_message?: { message_id: number };
  /** Absent on other update kinds: these tests read it only where a message is expected. */
  message: { text?: string };
  [kind: string]: unknown;
}

async function api(method: string, params: Record<string, unknown> = {}, token = server.control.token): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${server.url}/bot${token}/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) });
  return { status: res.status, body: (await res.json()) as Answer };
}

describe('the validator', () => {
  it('catches a misspelt field, a wrong type and a missing required field', () => {
    expect(check('User', { id: 1, is_bot: false, first_name: 'A', user_name: 'x' }, '$')).toEqual(['$.user_name: not a field of User']);
    expect(check('User', { id: '1', is_bot: false, first_name: 'A' }, '$')).toEqual(['$.id: expected an integer']);
    expect(check('Update', {}, '$')).toEqual(['$.update_id: required by Update']);
    expect(check('ChatMember', { status: 'member', user: { id: 1, is_bot: false, first_name: 'A' } }, '$')).toEqual([]);
    expect(check('ChatMember', { status: 'kicked', user: { id: 1, is_bot: false, first_name: 'A' } }, '$')).not.toEqual([]);
  });
});

describe('getUpdates', () => {
  it('forgets for good every update below the offset, and only those', async () => {
    const { control } = server;
    const group = control.addChat({ title: 'Atelier Lumen — communauté' });
    const camille = control.user({ first_name: 'Camille', username: 'camille_l' });
    for (let i = 1; i <= 3; i++) control.post({ chatId: group.id, from: camille, text: `message ${i}` });
    const first = await api('getUpdates', { limit: 2, timeout: 0 });
    expect(first.body.result.map((u: Upd) => u.message.text)).toEqual(['message 1', 'message 2']);
    // Without an offset nothing is confirmed: the same updates come again.
    expect((await api('getUpdates', {})).body.result).toHaveLength(3);
    const ids = first.body.result.map((u: Upd) => u.update_id);
    const next = await api('getUpdates', { offset: ids[1]! + 1 });
    expect(next.body.result.map((u: Upd) => u.message.text)).toEqual(['message 3']);
    // Confirmed updates are gone, even for an offset that asks for them again.
    expect((await api('getUpdates', { offset: ids[0]! })).body.result.map((u: Upd) => u.message.text)).toEqual(['message 3']);
    // A negative offset keeps the last ones and forgets the rest.
    control.post({ chatId: group.id, from: camille, text: 'message 4' });
    expect((await api('getUpdates', { offset: -1 })).body.result.map((u: Upd) => u.message.text)).toEqual(['message 4']);
    expect(control.pendingUpdateIds()).toHaveLength(1);
  });

  it('clamps limit to 1..100, filters with the remembered allowed_updates, and keeps a day at most', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    await server.close();
    server = await startTelegramServer({ now: () => now });
    const { control } = server;
    const group = control.addChat({});
    const dan = control.user({ first_name: 'Dan' });
    for (let i = 0; i < 120; i++) control.post({ chatId: group.id, from: dan, text: `m${i}` });
    expect((await api('getUpdates', { limit: 500 })).body.result).toHaveLength(100);
    expect((await api('getUpdates', { limit: 0 })).body.result).toHaveLength(100);
    await api('getUpdates', { allowed_updates: ['channel_post'], offset: -1 });
    control.post({ chatId: group.id, from: dan, text: 'not asked for' });
    expect((await api('getUpdates', { offset: -1 })).body.result.map((u: Upd) => u.message.text)).toEqual(['m119']);
    now += 25 * 3600 * 1000;
    expect((await api('getUpdates', {})).body.result).toEqual([]);
  });

  it('answers 409 while a webhook is set, or when another consumer takes over', async () => {
    server.control.setWebhook('https://bots.example/hook');
    const hooked = await api('getUpdates');
    expect(hooked).toMatchObject({ status: 409, body: { ok: false, error_code: 409, description: expect.stringMatching(/webhook is active/) } });
    expect((await api('getWebhookInfo')).body.result.url).toBe('https://bots.example/hook');
    server.control.setWebhook(null);
    server.control.competingConsumer();
    expect((await api('getUpdates')).body.description).toMatch(/terminated by other getUpdates request/);
    expect((await api('getUpdates')).status).toBe(200);
  });
});

describe('errors and rights', () => {
  it('answers a revoked token 401 and an unknown one 404; flood control carries retry_after', async () => {
    const old = server.control.token;
    expect((await api('getMe')).body.result).toMatchObject({ id: server.control.bot.id, is_bot: true });
    server.control.revokeToken();
    expect(await api('getMe', {}, old)).toMatchObject({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect((await api('getMe', {}, '1:nope')).status).toBe(404);
    server.control.fail({ kind: 'rate-limit', resetInSeconds: 7 });
    const limited = await fetch(`${server.url}/bot${server.control.token}/getMe`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(await limited.json()).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } });
  });

  it('replies under an existing message only, and deletes within 48 hours with the real refusals', async () => {
    const { control } = server;
    const group = control.addChat({ title: 'Lumen FR', username: 'lumen_fr' });
    const hugo = control.user({ first_name: 'Hugo' });
    const m = control.post({ chatId: group.id, from: hugo, text: 'Ma lampe clignote' });
    const reply = await api('sendMessage', { chat_id: group.id, text: 'Bonjour Hugo !', reply_parameters: { message_id: m.message_id } });
    expect(reply.body.result).toMatchObject({ from: { id: control.bot.id }, reply_to_message: { message_id: m.message_id }, text: 'Bonjour Hugo !' });
    expect((await api('sendMessage', { chat_id: group.id, text: 'x', reply_parameters: { message_id: 999 } })).body.description).toBe('Bad Request: message to be replied not found');
    expect((await api('sendMessage', { chat_id: group.id, text: 'x'.repeat(4097) })).body.description).toBe('Bad Request: message is too long');
    // The bot's own reply gives no update.
    expect(control.pendingUpdateIds()).toHaveLength(1);

    control.age(group.id, m.message_id, 49);
    expect((await api('deleteMessage', { chat_id: group.id, message_id: m.message_id })).body.description).toBe("Bad Request: message can't be deleted for everyone");
    const fresh = control.post({ chatId: group.id, from: hugo, text: 'spam spam' });
    expect((await api('deleteMessage', { chat_id: group.id, message_id: fresh.message_id })).body.result).toBe(true);
    expect((await api('deleteMessage', { chat_id: group.id, message_id: fresh.message_id })).body.description).toBe('Bad Request: message to delete not found');
  });

  it('bans and unbans, restricts only in supergroups, and needs the rights', async () => {
    const { control } = server;
    const group = control.addChat({ type: 'group', title: 'Petit groupe' });
    const weak = control.addChat({ title: 'Sans droits', rights: { can_restrict_members: false } });
    const troll = control.user({ first_name: 'Troll' });
    expect((await api('banChatMember', { chat_id: group.id, user_id: troll.id })).body.result).toBe(true);
    expect(control.chat(group.id)!.banned.has(troll.id)).toBe(true);
    expect((await api('unbanChatMember', { chat_id: group.id, user_id: troll.id, only_if_banned: true })).body.result).toBe(true);
    expect(control.chat(group.id)!.banned.has(troll.id)).toBe(false);
    // until_date: more than 366 days or less than 30 seconds from now is a ban forever (0).
    const inDays = (days: number) => Math.floor(Date.now() / 1000) + days * 86_400;
    const week = inDays(7);
    await api('banChatMember', { chat_id: group.id, user_id: troll.id, until_date: week });
    expect(control.chat(group.id)!.bannedUntil.get(troll.id)).toBe(week);
    await api('banChatMember', { chat_id: group.id, user_id: troll.id, until_date: inDays(400) });
    expect(control.chat(group.id)!.bannedUntil.get(troll.id)).toBe(0);
    await api('banChatMember', { chat_id: group.id, user_id: troll.id, until_date: Math.floor(Date.now() / 1000) + 10 });
    expect(control.chat(group.id)!.bannedUntil.get(troll.id)).toBe(0);
    await api('unbanChatMember', { chat_id: group.id, user_id: troll.id, only_if_banned: true });
    expect(control.chat(group.id)!.bannedUntil.has(troll.id)).toBe(false);
    expect((await api('restrictChatMember', { chat_id: group.id, user_id: troll.id, permissions: { can_send_messages: false } })).body.description).toBe(
      'Bad Request: method is available only for supergroups',
    );
    expect((await api('banChatMember', { chat_id: weak.id, user_id: troll.id })).body.description).toBe('Bad Request: not enough rights to restrict/unrestrict chat member');
    const admins = await api('getChatAdministrators', { chat_id: group.id });
    expect(admins.body.result.map((a: Upd) => a.status)).toEqual(['creator', 'administrator']);
  });

  it('sends edits and the bot’s own status changes as updates', async () => {
    const { control } = server;
    const group = control.addChat({});
    const ada = control.user({ first_name: 'Ada', username: 'ada' });
    const m = control.post({ chatId: group.id, from: ada, text: 'Bonjour' });
    control.edit(group.id, m.message_id, 'Bonjour à tous');
    control.setBotStatus(group.id, 'member');
    const kinds = (await api('getUpdates')).body.result.map((u: Upd) => Object.keys(u).find((k) => k !== 'update_id'));
    expect(kinds).toEqual(['message', 'edited_message', 'my_chat_member']);
  });
});
