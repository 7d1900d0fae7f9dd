/**
 * The local Graph API answers in the shapes Meta documents. Meta's node descriptions (the business
 * SDK codegen specs) may not be copied into the repo, so the field names checked here are stated
 * from them: every field the fake returns must be a field of that node in Meta's description
 * (Comment, IGComment, IGMedia, UnifiedThread, Page), and paging, errors, batches, usage headers,
 * the login and the messaging window behave as documented.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are read as plain JSON here; the assertions state their shape */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMetaServer, type MetaServer } from './meta';

/** Field names of each node, from Meta's business SDK specs (api_specs/specs/<Node>.json). */
const DOCUMENTED: Record<string, readonly string[]> = {
  Comment: ['admin_creator', 'application', 'attachment', 'can_comment', 'can_hide', 'can_like', 'can_remove', 'can_reply_privately', 'comment_count', 'created_time', 'from', 'id', 'is_hidden', 'is_private', 'like_count', 'live_broadcast_timestamp', 'message', 'message_tags', 'object', 'parent', 'permalink_url', 'private_reply_conversation', 'user_likes'],
  IGComment: ['from', 'hidden', 'id', 'legacy_instagram_comment_id', 'like_count', 'media', 'parent_id', 'text', 'timestamp', 'user', 'username', 'replies'],
  IGMedia: ['alt_text', 'caption', 'comments_count', 'id', 'ig_id', 'is_comment_enabled', 'is_shared_to_feed', 'like_count', 'media_product_type', 'media_type', 'media_url', 'owner', 'permalink', 'shortcode', 'thumbnail_url', 'timestamp', 'username'],
  UnifiedThread: ['can_reply', 'folder', 'former_participants', 'id', 'is_owner', 'is_subscribed', 'link', 'message_count', 'name', 'participants', 'scoped_thread_key', 'senders', 'snippet', 'unread_count', 'updated_time', 'wallpaper', 'messages'],
  PagePost: ['created_time', 'from', 'id', 'message', 'permalink_url', 'story', 'updated_time', 'status_type'],
};

let meta: MetaServer;
let pageToken = '';

beforeEach(async () => {
  meta = await startMetaServer();
});
afterEach(async () => {
  await meta.close();
});

const api = (path: string) => `${meta.url}/v21.0/${path}`;

async function get(path: string, token = pageToken): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(api(path), { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function post(path: string, form: Record<string, string>, token = pageToken): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(api(path), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** Facebook Login as a desktop app does it, then the long-lived token and the Page tokens. */
async function signIn(): Promise<{ userToken: string; accounts: any[] }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://127.0.0.1:45678/callback';
  const dialog = new URL(meta.endpoints.authorize);
  for (const [k, v] of Object.entries({ client_id: meta.control.app.clientId, redirect_uri: redirect, state: 's1', response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', scope: 'pages_show_list' })) dialog.searchParams.set(k, v);
  const consent = await fetch(dialog, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(back.searchParams.get('state')).toBe('s1');
  const code = back.searchParams.get('code')!;
  // A wrong verifier is refused.
  const wrong = await get(`oauth/access_token?client_id=${meta.control.app.clientId}&redirect_uri=${encodeURIComponent(redirect)}&code=${code}&code_verifier=nope`, '');
  expect(wrong.body.error).toMatchObject({ code: 100 });
  const consent2 = await fetch(dialog, { redirect: 'manual' });
  const code2 = new URL(consent2.headers.get('location')!).searchParams.get('code')!;
  const short = await get(`oauth/access_token?client_id=${meta.control.app.clientId}&client_secret=${meta.control.app.clientSecret}&redirect_uri=${encodeURIComponent(redirect)}&code=${code2}&code_verifier=${verifier}`, '');
  expect(short.body).toMatchObject({ access_token: expect.any(String), token_type: 'bearer', expires_in: 7200 });
  const long = await get(`oauth/access_token?grant_type=fb_exchange_token&client_id=${meta.control.app.clientId}&client_secret=${meta.control.app.clientSecret}&fb_exchange_token=${short.body.access_token}`, '');
  expect(long.body.expires_in).toBe(60 * 86_400);
  const accounts = await get('me/accounts?fields=id,name,access_token,instagram_business_account{id,username}', long.body.access_token);
  return { userToken: long.body.access_token, accounts: accounts.body.data };
}

function documentedOnly(node: string, obj: Record<string, unknown>): void {
  for (const key of Object.keys(obj)) expect(DOCUMENTED[node], `${node}.${key}`).toContain(key);
}

describe('the local Graph API', () => {
  it('signs in with PKCE and gives Page tokens with the linked Instagram account', async () => {
    const { page, instagram } = meta.control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
    const { accounts } = await signIn();
    expect(accounts).toEqual([{ id: page.id, name: 'Atelier Lumen', access_token: expect.any(String), instagram_business_account: { id: instagram!.id, username: 'atelier.lumen' } }]);
  });

  it('answers comments, media, threads in the documented fields, pages with cursors, and filters by since', async () => {
    const { page, instagram } = meta.control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
    const { accounts } = await signIn();
    pageToken = accounts[0].access_token;
    const post = meta.control.post(page.id, { message: 'Dune' });
    const old = meta.control.comment(post.id, { message: 'Ancien', from: { id: '1', name: 'A' }, ageMs: 3_600_000 });
    const top = meta.control.comment(post.id, { message: 'Première', from: { id: '2', name: 'B' }, ageMs: 2000 });
    meta.control.comment(post.id, { message: 'Réponse', from: { id: '3', name: 'C' }, parentId: top.id, ageMs: 1000 });

    const all = await get(`${post.id}/comments?filter=stream&limit=2&fields=id,message,created_time,from,parent{id},is_hidden,can_reply_privately,permalink_url`);
    expect(all.body.data.map((c: any) => c.message)).toEqual(['Ancien', 'Première']);
    for (const c of all.body.data) documentedOnly('Comment', c);
    expect(all.body.data[0].created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(all.body.paging).toMatchObject({ cursors: { before: expect.any(String), after: expect.any(String) }, next: expect.stringContaining('after=') });
    const next = await get(`${post.id}/comments?filter=stream&limit=2&after=${all.body.paging.cursors.after}&fields=id,message,parent{id}`);
    expect(next.body.data).toEqual([{ id: expect.any(String), message: 'Réponse', parent: { id: top.id } }]);
    expect(next.body.paging.next).toBeUndefined();
    // toplevel by default; since filters on created_time.
    expect((await get(`${post.id}/comments?fields=message`)).body.data.map((c: any) => c.message)).toEqual(['Ancien', 'Première']);
    const since = Math.floor((Date.now() - 60_000) / 1000);
    const recent = await get(`${post.id}/comments?filter=stream&since=${since}&fields=message`);
    expect(recent.body.data.map((c: any) => c.message)).toEqual(['Première', 'Réponse']);
    expect(recent.body.data.some((c: any) => c.id === old.id)).toBe(false);

    const media = meta.control.media(instagram!.id, { caption: 'Dune' });
    const igc = meta.control.igComment(media.id, { text: 'Prix ?', from: { id: '9', username: 'lea' } });
    meta.control.igComment(media.id, { text: 'Merci', from: { id: instagram!.id, username: 'atelier.lumen' }, parentId: igc.id });
    const m = await get(`${instagram!.id}/media?fields=id,caption,timestamp,permalink,username,comments_count,is_comment_enabled`);
    documentedOnly('IGMedia', m.body.data[0]);
    const comments = await get(`${media.id}/comments?fields=id,text,timestamp,username,from,hidden,parent_id,replies{id,text,parent_id}`);
    documentedOnly('IGComment', comments.body.data[0]);
    expect(comments.body.data[0].replies.data).toEqual([{ id: expect.any(String), text: 'Merci', parent_id: igc.id }]);

    meta.control.message(page.id, { from: { id: '77', name: 'Hugo' }, text: 'Bonjour' });
    const threads = await get(`${page.id}/conversations?platform=messenger&fields=id,updated_time,participants,messages.limit(5){id,message,created_time,from}`);
    documentedOnly('UnifiedThread', threads.body.data[0]);
    expect(threads.body.data[0].messages.data[0]).toMatchObject({ message: 'Bonjour', from: { id: '77', name: 'Hugo' } });
    const feed = await get(`${page.id}/feed?fields=id,message,created_time,permalink_url,from`);
    documentedOnly('PagePost', feed.body.data[0]);
  });

  it('answers batches, usage headers, and the documented errors', async () => {
    const { page } = meta.control.addPage({ name: 'Atelier Lumen' });
    const { accounts, userToken } = await signIn();
    pageToken = accounts[0].access_token;
    const batch = await post('', { batch: JSON.stringify([{ method: 'GET', relative_url: `${page.id}/feed?fields=id` }, { method: 'GET', relative_url: '123/comments' }]) });
    expect(batch.body).toHaveLength(2);
    expect(batch.body[0]).toMatchObject({ code: 200, body: expect.any(String) });
    expect(JSON.parse(batch.body[1].body).error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException', fbtrace_id: expect.any(String) });

    const ok = await get(`${page.id}/feed`);
    expect(JSON.parse(ok.headers.get('x-app-usage')!)).toEqual({ call_count: expect.any(Number), total_cputime: expect.any(Number), total_time: expect.any(Number) });
    expect(JSON.parse(ok.headers.get('x-business-use-case-usage')!)[page.id][0]).toMatchObject({ type: 'pages', estimated_time_to_regain_access: 0 });

    meta.control.throttle(page.id, 9);
    const throttled = await get(`${page.id}/feed`);
    expect(throttled.body.error.code).toBe(32);
    expect(JSON.parse(throttled.headers.get('x-business-use-case-usage')!)[page.id][0].estimated_time_to_regain_access).toBe(9);
    meta.control.throttle(page.id, 0);
    meta.control.setAppUsage(100);
    expect((await get(`${page.id}/feed`)).body.error.code).toBe(4);
    meta.control.setAppUsage(5);

    meta.control.revokePermission('pages_messaging');
    expect((await get(`${page.id}/conversations`)).body.error).toMatchObject({ code: 200, message: expect.stringContaining('pages_messaging') });
    meta.control.expireTokens();
    expect((await get('me', userToken)).body.error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('refuses Messenger answers outside the window unless tagged HUMAN_AGENT within 7 days; one private reply per comment', async () => {
    const { page } = meta.control.addPage({ name: 'Atelier Lumen' });
    const { accounts } = await signIn();
    pageToken = accounts[0].access_token;
    meta.control.message(page.id, { from: { id: '77', name: 'Hugo' }, text: 'Bonjour', ageMs: 2 * 86_400_000 });
    const send = (extra: Record<string, string>) => post(`${page.id}/messages`, { recipient: JSON.stringify({ id: '77' }), message: JSON.stringify({ text: 'Réponse' }), ...extra });
    expect((await send({ messaging_type: 'RESPONSE' })).body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    expect((await send({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })).body).toMatchObject({ recipient_id: '77', message_id: expect.any(String) });

    const p = meta.control.post(page.id, { message: 'Dune' });
    const c = meta.control.comment(p.id, { message: 'Q', from: { id: '88', name: 'Léa' } });
    const privately = () => post(`${page.id}/messages`, { recipient: JSON.stringify({ comment_id: c.id }), message: JSON.stringify({ text: 'En privé' }) });
    expect((await privately()).body).toMatchObject({ recipient_id: '88' });
    expect((await privately()).body.error.code).toBe(10900);
  });
});
