/**
 * The local WordPress answers like the real one: its comments, user and errors are compared with
 * answers recorded from a real WordPress 6.1 (electron/core/connectors/wordpress/fixtures/
 * real-answers.json, made with e2e/real/harness/wordpress.ts), field by field for what Parvis
 * reads, and it pages, orders, filters and refuses as WordPress does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import real from '../../electron/core/connectors/wordpress/fixtures/real-answers.json';
import { startWordPressServer, type WordPressServer } from './wordpress';

let server: WordPressServer;
let auth: Record<string, string>;

beforeEach(async () => {
  server = await startWordPressServer();
  auth = { authorization: `Basic ${Buffer.from(`${server.control.user}:${server.control.appPassword}`).toString('base64')}` };
});
afterEach(async () => {
  await server.close();
});

const api = (route: string, query = '') => `${server.url}/index.php?rest_route=/wp/v2/${route}${query ? `&${query}` : ''}`;
const get = async (route: string, query = '', headers = auth) => {
  const res = await fetch(api(route, query), { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};
/** The type of each field, recursively, keyed by path: what the real answer and the fake's must share. */
function shape(value: unknown, path = ''): Record<string, string> {
  if (Array.isArray(value)) return { [path]: 'array', ...(value.length ? shape(value[0], `${path}[]`) : {}) };
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>((acc, [k, v]) => ({ ...acc, ...shape(v, path ? `${path}.${k}` : k) }), {});
  }
  return { [path]: value === null ? 'null' : typeof value };
}
/** The fields Parvis reads, from a shape. */
const READ = /^(id|post|parent|author|author_name|author_email|author_url|date_gmt|content\.(rendered|raw)|link|status|type|author_avatar_urls\.96|_embedded\.up\[\]\.(id|link|type|title\.rendered))$/;
const readShape = (value: unknown) => Object.fromEntries(Object.entries(shape(value)).filter(([k]) => READ.test(k)));

describe('the local WordPress', () => {
  it('lists comments with the fields, types and headers of the real one', async () => {
    const post = server.control.addPost('Notre « nouvelle » version');
    const held = server.control.addComment({ post: post.id, author: 'Alice', text: 'Bravo', status: 'hold' });
    const { status, headers, body } = await get('comments', 'context=edit&status=all&orderby=date_gmt&order=desc&per_page=100&_embed=up');
    expect(status).toBe(200);
    const mine = (body as { id: number }[]).find((c) => c.id === held.id);
    expect(readShape(mine)).toEqual(readShape(real.all.body[1]));
    expect(Object.keys(readShape(mine)).length).toBeGreaterThanOrEqual(14);
    expect(headers.get('x-wp-total')).toBe('1');
    expect(headers.get('x-wp-totalpages')).toBe('1');
    expect(headers.get('link')).toBe(`<${server.url}/index.php?rest_route=/>; rel="https://api.w.org/"`);
  });

  it('answers /users/me and the real errors (wrong password, per_page over 100, unknown comment)', async () => {
    expect(readShape((await get('users/me', 'context=edit')).body)).toMatchObject({ id: 'number', link: 'string' });
    const me = (await get('users/me', 'context=edit')).body as Record<string, unknown>;
    for (const key of ['id', 'name', 'slug', 'username', 'link', 'capabilities']) expect(me[key], key).toEqual(expect.anything());
    expect((me.capabilities as Record<string, boolean>).moderate_comments).toBe(real.me.capabilities.moderate_comments);

    const wrong = await get('users/me', '', { authorization: `Basic ${Buffer.from('admin:aaaabbbbccccddddeeeeffff').toString('base64')}` });
    expect({ status: wrong.status, code: (wrong.body as { code: string }).code }).toEqual({ status: real.badPassword.status, code: real.badPassword.body.code });
    const tooMany = await get('comments', 'per_page=101');
    expect({ status: tooMany.status, code: (tooMany.body as { code: string }).code }).toEqual({ status: real.perPage101.status, code: real.perPage101.body.code });
    const missing = await fetch(api('comments/999'), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'approved' }) });
    expect({ status: missing.status, code: ((await missing.json()) as { code: string }).code }).toEqual({ status: real.missing.status, code: real.missing.body.code });
  });

  it('orders by date then id, newest first, pages with X-WP-TotalPages, and filters by status', async () => {
    const post = server.control.addPost('Concours');
    const at = Math.floor(Date.now() / 1000);
    const made = Array.from({ length: 5 }, (_, i) => server.control.addComment({ post: post.id, author: `P${i}`, text: `n°${i}`, status: i === 4 ? 'spam' : i % 2 ? 'hold' : 'approved', date: at }));
    const older = server.control.addComment({ post: post.id, author: 'Old', text: 'avant', status: 'approved', date: at - 60 });
    const page1 = await get('comments', 'context=edit&status=all&per_page=2&page=1');
    const page2 = await get('comments', 'context=edit&status=all&per_page=2&page=2');
    const page3 = await get('comments', 'context=edit&status=all&per_page=2&page=3');
    const ids = [page1, page2, page3].flatMap((p) => (p.body as { id: number }[]).map((c) => c.id));
    expect(ids).toEqual([made[3]!.id, made[2]!.id, made[1]!.id, made[0]!.id, older.id]);
    expect(page1.headers.get('x-wp-total')).toBe('5');
    expect(page1.headers.get('x-wp-totalpages')).toBe('3');
    expect(await get('comments', 'context=edit&status=all&per_page=2&page=4')).toMatchObject({ status: 200, body: [] });
    expect(((await get('comments', 'context=edit&status=spam')).body as { id: number }[]).map((c) => c.id)).toEqual([made[4]!.id]);
    // Without a password, held and spam comments stay private.
    expect((await get('comments', 'context=edit&status=all', {})).status).toBe(401);
  });

  it('refuses a reply on a closed post and the same reply twice, and trashes before deleting', async () => {
    const post = server.control.addPost('Fermé');
    const c = server.control.addComment({ post: post.id, author: 'Z', text: 'x', status: 'approved' });
    const send = (content: string) => fetch(api('comments'), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ post: post.id, parent: c.id, content }) });
    expect((await send('Bonjour')).status).toBe(201);
    expect((await send('Bonjour')).status).toBe(409);
    server.control.closeComments(post.id);
    expect((await send('Encore')).status).toBe(403);
    const del = () => fetch(api(`comments/${c.id}`), { method: 'DELETE', headers: auth });
    expect((await del()).status).toBe(200);
    expect(server.control.comment(c.id)?.status).toBe('trash');
    expect((await del()).status).toBe(410);
  });
});
