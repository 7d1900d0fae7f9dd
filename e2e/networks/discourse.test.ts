/**
 * Contract test of the local Discourse: its answers (and the bodies Parvis sends) match the schemas
 * of Discourse's official OpenAPI description (specs/discourse/openapi.json), and it orders, pages,
 * limits and refuses as Discourse does (notifications by offset, /posts.json by `before=`, 403
 * invalid_access, 422 `errors`, 429 with Retry-After, the memoized API create, the review queue's
 * versions).
 *
 * One known error of the OpenAPI file is corrected before validating: it types
 * `reply_to_post_number` as a string, where Discourse's serializers send the post number (an
 * integer, or null). Both are accepted here; the connector reads both.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { decryptPayload, signInKeyPair, userApiKeyRequest } from '../../electron/core/connectors/discourse/auth';
import { startDiscourseServer, type DiscourseServer, type FakeUser } from './discourse';

type Json = Record<string, unknown>;
const spec = JSON.parse(readFileSync(new URL('./specs/discourse/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, Json>> };

function widenReplyTo(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(widenReplyTo);
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  const props = o.properties as Record<string, Json> | undefined;
  if (props?.reply_to_post_number) props.reply_to_post_number = { type: ['integer', 'string', 'null'] };
  Object.values(o).forEach(widenReplyTo);
}
widenReplyTo(spec);

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map<string, ReturnType<Ajv['compile']>>();
function schemaOf(method: string, path: string, part: 'response' | 'request', status = '200') {
  const op = spec.paths[path]?.[method.toLowerCase()] as Json | undefined;
  if (!op) throw new Error(`the spec has no ${method} ${path}`);
  const holder = part === 'response' ? (op.responses as Record<string, Json>)[status] : (op.requestBody as Json | undefined);
  const schema = (holder?.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
  if (!schema) throw new Error(`the spec documents no JSON ${part} for ${method} ${path} ${status}`);
  return schema;
}
function check(method: string, path: string, body: unknown, part: 'response' | 'request' = 'response'): string[] {
  const key = `${method} ${path} ${part}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schemaOf(method, path, part));
    compiled.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

let server: DiscourseServer;
let keyPair: Promise<{ publicKey: string; privateKey: string }> | undefined;
/** One key pair for the file's sign-ins (making one takes a while). */
const keys = () => (keyPair ??= signInKeyPair());
let clock = Date.parse('2026-12-01T10:00:00Z');
let auth: Record<string, string>;

beforeEach(async () => {
  clock = Date.parse('2026-12-01T10:00:00Z');
  server = await startDiscourseServer({ now: () => clock });
  auth = { 'Api-Key': server.control.adminApiKey, 'Api-Username': server.control.me.username };
});
afterEach(async () => {
  await server.close();
});

async function api(method: string, path: string, body?: unknown, headers = auth): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

function forum() {
  const { control } = server;
  const camille = control.user({ username: 'camille', name: 'Camille Roche' });
  const support = control.category({ name: 'Support', slug: 'support' });
  const { topic, post } = control.topic({ title: 'La lampe Dune clignote', by: camille, raw: 'Ma lampe Dune clignote depuis hier soir, une idée ?', categoryId: support.id, tags: ['dune'] });
  return { control, camille, support, topic, first: post };
}

describe('the validator', () => {
  it('catches a wrong type, a missing field and an unknown one', () => {
    expect(check('GET', '/posts.json', { latest_posts: [{ id: 'x' }] })).not.toEqual([]);
    expect(check('POST', '/posts.json', { topic_id: 1 }, 'request')).not.toEqual([]);
    expect(check('POST', '/post_actions.json', { id: 1, post_action_type_id: 8, extra: true }, 'request')).not.toEqual([]);
  });
});

describe('user API keys', () => {
  it('approves the flow with the loopback redirect and answers an encrypted payload the connector decrypts', async () => {
    const head = await fetch(`${server.url}/user-api-key/new`, { method: 'HEAD' });
    expect(head.headers.get('auth-api-version')).toBe('4');
    const request = userApiKeyRequest(server.url, 'http://127.0.0.1:45678/discourse/callback', await keys());
    const res = await fetch(request.authorizeUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('http://127.0.0.1:45678/discourse/callback');
    const payload = location.searchParams.get('payload')!;
    expect(payload).toContain('\n'); // base64 with Ruby's line breaks
    const key = decryptPayload(payload, request.privateKeyPem, request.nonce);
    expect(server.control.keys().at(-1)).toMatchObject({ key, clientId: request.clientId, scopes: ['read', 'write'], revoked: false });
    // The nonce is checked: a payload for another sign-in is refused.
    expect(() => decryptPayload(payload, request.privateKeyPem, 'another-nonce')).toThrow(/another sign-in/);

    const headers = { 'User-Api-Key': key, 'User-Api-Client-Id': request.clientId };
    expect((await api('GET', '/session/current.json', undefined, headers)).body).toMatchObject({ current_user: { username: server.control.me.username } });
    server.control.revokeKeys();
    expect(await api('GET', '/notifications.json', undefined, headers)).toMatchObject({ status: 403, body: { error_type: 'invalid_access', errors: [expect.any(String)] } });
  });

  it('refuses a redirect the forum does not allow, and scopes it does not offer', async () => {
    const elsewhere = userApiKeyRequest(server.url, 'https://attacker.example/steal', await keys());
    expect((await fetch(elsewhere.authorizeUrl, { redirect: 'manual' })).status).toBe(403);
    const url = new URL(userApiKeyRequest(server.url, 'http://127.0.0.1:1/discourse/callback', await keys()).authorizeUrl);
    url.searchParams.set('scopes', 'read,admin');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(403);
    expect(server.control.keys()).toEqual([]);
  });

  it('limits requests per key and minute with a 429, Retry-After and wait_seconds', async () => {
    await server.close();
    server = await startDiscourseServer({ now: () => clock, adminApiReqsPerMinute: 2 });
    auth = { 'Api-Key': server.control.adminApiKey, 'Api-Username': server.control.me.username };
    expect((await api('GET', '/notifications.json')).status).toBe(200);
    clock += 10_000;
    expect((await api('GET', '/notifications.json')).status).toBe(200);
    const refused = await api('GET', '/notifications.json');
    expect(refused).toMatchObject({ status: 429, body: { error_type: 'rate_limit', extras: { wait_seconds: 50 } } });
    expect(refused.headers.get('retry-after')).toBe('50');
    clock += 50_000;
    expect((await api('GET', '/notifications.json')).status).toBe(200);
  });
});

describe('reading', () => {
  it('notifies a mention and a reply, newest first, in the documented shape, paged by offset', async () => {
    const { control, camille, topic } = forum();
    const mention = control.reply({ topicId: topic.id, by: camille, raw: `@${control.me.username} vous pouvez m’aider ?` });
    const own = control.reply({ topicId: topic.id, by: control.me, raw: 'Bonjour Camille, débranchez-la dix secondes.' });
    control.reply({ topicId: topic.id, by: camille, raw: 'Merci, ça marche maintenant !', replyToPostNumber: own.postNumber });
    const page = await api('GET', '/notifications.json');
    expect(check('GET', '/notifications.json', page.body)).toEqual([]);
    const list = page.body.notifications as { notification_type: number; topic_id: number; post_number: number; data: { original_post_id: number } }[];
    expect(list.map((n) => n.notification_type)).toEqual([2, 1]);
    expect(list[1]).toMatchObject({ topic_id: topic.id, post_number: mention.postNumber, data: { original_post_id: mention.id } });

    for (let i = 0; i < 35; i++) control.reply({ topicId: topic.id, by: camille, raw: `@${control.me.username} relance numéro ${i}` });
    const first = await api('GET', '/notifications.json');
    const second = await api('GET', '/notifications.json?offset=30');
    expect((first.body.notifications as unknown[]).length).toBe(30);
    expect((second.body.notifications as unknown[]).length).toBe(7);
    expect(first.body.load_more_notifications).toBe(`/notifications?offset=30&username=${control.me.username}`);
  });

  it('lists the latest public posts newest first, 50 a page, paged with before=, without private messages', async () => {
    const { control, camille, topic } = forum();
    control.topic({ title: 'Commande 48213', by: camille, raw: 'Bonjour, où en est ma commande 48213 ?', privateTo: [control.me] });
    const made = Array.from({ length: 60 }, (_, i) => control.reply({ topicId: topic.id, by: camille, raw: `Message public numéro ${i} de Camille`, at: clock + i }));
    const page1 = await api('GET', '/posts.json');
    expect(check('GET', '/posts.json', page1.body)).toEqual([]);
    const ids1 = (page1.body.latest_posts as { id: number }[]).map((p) => p.id);
    expect(ids1).toEqual(made.slice(-50).reverse().map((p) => p.id));
    const page2 = await api('GET', `/posts.json?before=${ids1.at(-1)}`);
    const ids2 = (page2.body.latest_posts as { id: number; topic_id: number }[]).map((p) => p.id);
    expect(ids2).toEqual([...made.slice(0, 10).reverse().map((p) => p.id), 1]);
    expect(ids2).not.toContain(2); // the private message's first post
  });

  it('gives a topic’s posts by id and a single post in the documented shapes; a private message only to its members', async () => {
    const { control, camille, topic, first } = forum();
    const reply = control.reply({ topicId: topic.id, by: camille, raw: 'Précision : elle clignote surtout le soir.', replyToPostNumber: 1 });
    const some = await api('GET', `/t/${topic.id}/posts.json?post_ids[]=${reply.id}&post_ids[]=${first.id}`);
    expect(check('GET', '/t/{id}/posts.json', some.body)).toEqual([]);
    expect((some.body.post_stream as { posts: { id: number; reply_to_post_number: number | null }[] }).posts).toMatchObject([{ id: first.id }, { id: reply.id, reply_to_post_number: 1 }]);
    const one = await api('GET', `/posts/${reply.id}.json`);
    expect(check('GET', '/posts/{id}.json', one.body)).toEqual([]);

    const dan = control.user({ username: 'dan' });
    const pm = control.topic({ title: 'Privé', by: camille, raw: 'Un message privé pour la marque seulement.', privateTo: [control.me] });
    const key = await keyFor(dan);
    expect(await api('GET', `/t/${pm.topic.id}.json`, undefined, key)).toMatchObject({ status: 403, body: { error_type: 'invalid_access' } });
    expect((await api('GET', `/t/${pm.topic.id}.json`)).status).toBe(200);
    expect((await api('GET', '/t/999.json')).status).toBe(404);
  });
});

/** Another user's User API Key (headers). */
async function keyFor(user: FakeUser): Promise<Record<string, string>> {
  const { key, clientId } = server.control.issueKey(user);
  return { 'User-Api-Key': key, 'User-Api-Client-Id': clientId };
}

describe('edits and deletions', () => {
  it('lists topics by activity in the documented shape; a new version bumps a topic only from its last post, a quick small edit keeps the version', async () => {
    const { control, camille, topic, first } = forum();
    clock += 60_000;
    const { topic: later } = control.topic({ title: 'Livraison', by: camille, raw: 'Ma livraison est en retard de trois jours.' });
    const latest = async () => ((await api('GET', '/latest.json?order=activity')).body.topic_list as { topics: { id: number; bumped_at: string }[] }).topics;
    const page = await api('GET', '/latest.json?order=activity');
    expect(check('GET', '/latest.json', page.body)).toEqual([]);
    expect((await latest()).map((t) => t.id)).toEqual([later.id, topic.id]);

    // A reply bumps its topic to the top.
    clock += 60_000;
    const reply = control.reply({ topicId: topic.id, by: camille, raw: 'Elle clignote surtout le soir, vers 20 h.' });
    expect((await latest()).map((t) => t.id)).toEqual([topic.id, later.id]);
    const bumped = (await latest())[0]!.bumped_at;

    // The first post edited ten minutes later: version 2, `updated_at` moves, the topic does not.
    clock += 10 * 60_000;
    control.edit(first.id, 'Ma lampe Dune clignote depuis hier soir (modèle 2024), une idée ?');
    const edited = (await api('GET', `/posts/${first.id}.json`)).body;
    expect(edited).toMatchObject({ version: 2, updated_at: new Date(clock).toISOString(), raw: 'Ma lampe Dune clignote depuis hier soir (modèle 2024), une idée ?' });
    expect((await latest())[0]!.bumped_at).toBe(bumped);
    // The last post edited: bumped.
    clock += 10 * 60_000;
    control.edit(reply.id, 'Elle clignote surtout le soir, vers 20 h, même éteinte.');
    expect((await latest())[0]!.bumped_at).toBe(new Date(clock).toISOString());
    // A small edit by the author within five minutes: same version, new text and updated_at, no bump.
    clock += 60_000;
    control.edit(reply.id, 'Elle clignote surtout le soir, vers 20 h, même éteinte !');
    const ninja = (await api('GET', `/posts/${reply.id}.json`)).body;
    expect(ninja).toMatchObject({ version: 2, updated_at: new Date(clock).toISOString() });
    expect((await latest())[0]!.bumped_at).toBe(new Date(clock - 60_000).toISOString());
  });

  it('a moderator’s deletion: staff see deleted_at, others neither the post nor /posts/{id}; an author’s deletion leaves the stub; a hidden post shows others a placeholder', async () => {
    const { control, camille, topic } = forum();
    const gone = control.reply({ topicId: topic.id, by: camille, raw: 'Un message que la modération va supprimer.' });
    const mine = control.reply({ topicId: topic.id, by: camille, raw: 'Un message que Camille va retirer elle-même.' });
    const hidden = control.reply({ topicId: topic.id, by: camille, raw: 'Un message masqué par les signalements.' });
    control.deletePost(gone.id);
    control.post(hidden.id)!.hidden = true;
    const dan = await keyFor(control.user({ username: 'dan' }));
    const ids = `post_ids[]=${gone.id}&post_ids[]=${mine.id}&post_ids[]=${hidden.id}`;
    const staffView = await api('GET', `/t/${topic.id}/posts.json?${ids}`);
    expect(check('GET', '/t/{id}/posts.json', staffView.body)).toEqual([]);
    expect((staffView.body.post_stream as { posts: Json[] }).posts).toMatchObject([{ id: gone.id, deleted_at: expect.any(String) }, { id: mine.id, deleted_at: null }, { id: hidden.id, hidden: true, cooked: '<p>Un message masqué par les signalements.</p>' }]);
    const others = await api('GET', `/t/${topic.id}/posts.json?${ids}`, undefined, dan);
    const seen = (others.body.post_stream as { posts: Json[] }).posts;
    expect(seen.map((p) => p.id)).toEqual([mine.id, hidden.id]);
    expect(seen[1]).toMatchObject({ hidden: true, cooked_hidden: true, cooked: expect.not.stringContaining('masqué') });
    expect((await api('GET', `/posts/${gone.id}.json`, undefined, dan)).status).toBe(404);

    // Camille deletes her own post with her key: a stub, a new version, user_deleted.
    const own = await api('DELETE', `/posts/${mine.id}.json`, undefined, await keyFor(camille));
    expect(own.status).toBe(200);
    const stub = (await api('GET', `/posts/${mine.id}.json`)).body;
    expect(stub).toMatchObject({ user_deleted: true, deleted_at: null, version: 2, raw: '(post deleted by author)' });
  });
});

describe('writing', () => {
  it('creates a reply under a post number in the documented shapes; refuses a short body and the same body again (422 errors)', async () => {
    const { control, camille, topic } = forum();
    const body = { topic_id: topic.id, raw: 'Bonjour Camille, débranchez-la dix secondes.', reply_to_post_number: 1 };
    expect(check('POST', '/posts.json', body, 'request')).toEqual([]);
    const created = await api('POST', '/posts.json', body);
    expect(created.status).toBe(200);
    expect(check('POST', '/posts.json', created.body)).toEqual([]);
    expect(created.body).toMatchObject({ topic_id: topic.id, post_number: 2, reply_to_post_number: 1, username: control.me.username });
    // Camille is told about the answer.
    const told = await api('GET', '/notifications.json', undefined, await keyFor(camille));
    expect(told.body.notifications).toMatchObject([{ notification_type: 2, data: { original_post_id: created.body.id } }]);

    // The same API request again within 120 s: the first post, not a second one.
    clock += 30_000;
    const replay = await api('POST', '/posts.json', body);
    expect(replay.body.id).toBe(created.body.id);
    expect(control.posts().filter((p) => p.raw === body.raw)).toHaveLength(1);
    // After the memo window, Discourse's "too similar" check refuses it (5 minutes).
    clock += 100_000;
    expect(await api('POST', '/posts.json', body)).toMatchObject({ status: 422, body: { errors: ['Body is too similar to what you recently posted'] } });
    expect(await api('POST', '/posts.json', { topic_id: topic.id, raw: 'Merci !' })).toMatchObject({ status: 422, body: { errors: [expect.stringMatching(/too short/)] } });
    control.closeTopic(topic.id);
    expect((await api('POST', '/posts.json', { topic_id: topic.id, raw: 'Une réponse assez longue pour passer.' }, await keyFor(camille))).status).toBe(403);
  });

  it('flags a post into the review queue; a second flag is refused; decisions need the current version', async () => {
    const { control, camille, first } = forum();
    const flag = { id: first.id, post_action_type_id: 8 };
    expect(check('POST', '/post_actions.json', flag, 'request')).toEqual([]);
    const flagged = await api('POST', '/post_actions.json', flag);
    expect(flagged.status).toBe(200);
    expect(check('POST', '/post_actions.json', flagged.body)).toEqual([]);
    const reviewableId = flagged.body.reviewable_id as number;
    expect(reviewableId).toEqual(expect.any(Number));
    expect(await api('POST', '/post_actions.json', flag)).toMatchObject({ status: 403, body: { errors: [expect.any(String)] } });

    control.queue({ topicId: null, by: control.user({ username: 'newbie' }), raw: 'Achetez des lampes pas chères sur promo.example', title: 'Promo' });
    const queue = await api('GET', '/review.json?status=pending');
    const reviewables = queue.body.reviewables as { id: number; type: string; version: number }[];
    expect(reviewables.map((r) => r.type)).toEqual(['ReviewableQueuedPost', 'ReviewableFlaggedPost']);
    expect(queue.body.users).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'camille' })]));
    const version = reviewables[1]!.version;
    expect((await api('PUT', `/review/${reviewableId}/perform/agree_and_hide?version=${version - 1}`)).status).toBe(409);
    expect((await api('PUT', `/review/${reviewableId}/perform/approve_post?version=${version}`)).status).toBe(403);
    expect((await api('PUT', `/review/${reviewableId}/perform/agree_and_hide?version=${version}`)).status).toBe(200);
    expect(control.post(first.id)?.hidden).toBe(true);
    // Non-staff see no review queue.
    expect((await api('GET', '/review.json', undefined, await keyFor(camille))).status).toBe(403);
  });

  it('silences and suspends a user in the documented shapes; admin routes are 404 for others', async () => {
    const { control, camille } = forum();
    const silenced = await api('PUT', `/admin/users/${camille.id}/silence.json`, { silenced_till: '2026-12-08T10:00:00Z', reason: 'Insultes', post_action: 'none' });
    expect(check('PUT', '/admin/users/{id}/silence.json', silenced.body)).toEqual([]);
    expect(check('PUT', '/admin/users/{id}/silence.json', { silenced_till: '2026-12-08T10:00:00Z', reason: 'Insultes', post_action: 'none' }, 'request')).toEqual([]);
    const suspended = await api('PUT', `/admin/users/${camille.id}/suspend.json`, { suspend_until: '2027-01-01T00:00:00Z', reason: 'Spam', post_action: 'none' });
    expect(check('PUT', '/admin/users/{id}/suspend.json', suspended.body)).toEqual([]);
    expect(control.userById(camille.id)).toMatchObject({ silenceReason: 'Insultes', suspendReason: 'Spam' });
    const dan = control.user({ username: 'dan' });
    expect((await api('PUT', `/admin/users/${camille.id}/silence.json`, { reason: 'x' }, await keyFor(dan))).status).toBe(404);
  });

  it('lists categories and a tag’s topics in the documented shapes', async () => {
    const { topic } = forum();
    const categories = await api('GET', '/categories.json');
    expect(check('GET', '/categories.json', categories.body)).toEqual([]);
    const tagged = await api('GET', '/tag/dune.json');
    expect(check('GET', '/tag/{name}.json', tagged.body)).toEqual([]);
    expect((tagged.body.topic_list as { topics: { id: number }[] }).topics.map((t) => t.id)).toEqual([topic.id]);
  });
});
