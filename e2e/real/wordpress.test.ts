/**
 * Parvis's WordPress connector against a real WordPress (Debian's package, a private MariaDB, PHP's
 * built-in server: e2e/real/harness/wordpress.ts). Visitors' comments and other moderators' work
 * are made on the site with WordPress's own PHP functions; Parvis signs in, reads, replies and
 * moderates through the REST API as a user's copy would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type AccountContext, type NormalizedItem, type PollResult } from '../../electron/core/connectors/types';
import { createWordPressConnector, signInToWordPress } from '../../electron/core/connectors/wordpress/index';
import { startNetworkLink } from '../crash/network-link';
import { startWordPressServer } from '../networks/wordpress';
import { freePort } from './harness/proc';
import { startRealWordPress, type RealWordPress } from './harness/wordpress';

let wp: RealWordPress;
let ctx: AccountContext;
let cursor: string | null = null;
const connector = createWordPressConnector({ retries: 0 });

/** A post by the admin; returns its id. */
const addPost = (title: string) =>
  wp.php<number>(`return wp_insert_post(array('post_title' => ${JSON.stringify(title)}, 'post_content' => 'Texte', 'post_status' => 'publish', 'post_author' => 1), true);`);

/**
 * A visitor's comment as the comment form files it (content filtered by kses like any visitor's),
 * with the status a site's settings or spam filter gave it. Returns its id.
 */
const addComment = (post: number, author: string, content: string, approved: '1' | '0' | 'spam', parent = 0) =>
  wp.php<number>(`
    $data = wp_filter_comment(array(
      'comment_post_ID' => ${post}, 'comment_author' => ${JSON.stringify(author)},
      'comment_author_email' => ${JSON.stringify(`${author.toLowerCase().replace(/\W+/g, '')}@example.test`)},
      'comment_author_url' => '', 'comment_content' => ${JSON.stringify(content)}, 'comment_type' => 'comment',
      'comment_parent' => ${parent}, 'user_id' => 0, 'comment_author_IP' => '127.0.0.1', 'comment_agent' => 'test',
    ));
    $data['comment_approved'] = ${JSON.stringify(approved)};
    return wp_insert_comment($data);
  `);

const commentOnSite = (id: string | number) =>
  wp.php<{ status: string; parent: string; post: string; user: string; content: string } | null>(`
    $c = get_comment(${Number(id)});
    return $c ? array('status' => wp_get_comment_status($c), 'parent' => $c->comment_parent, 'post' => $c->comment_post_ID, 'user' => $c->user_id, 'content' => $c->comment_content) : null;
  `);

const summary = (items: NormalizedItem[]) =>
  items.map((i) => ({ author: i.author.name, text: i.text, moderation: i.moderation, post: i.context?.text ?? null, direction: i.direction, edited: Boolean(i.editedAt) }));

async function poll(): Promise<PollResult> {
  const page = await connector.poll(ctx, cursor);
  cursor = page.cursor ?? cursor;
  return page;
}

let launchPost: number;
const ids = { alice: 0, bob: 0, pills: 0, hostile: 0 };

beforeAll(async () => {
  wp = await startRealWordPress();
  launchPost = await addPost('Notre nouvelle version est là');
  ids.alice = await addComment(launchPost, 'Alice', 'Bravo pour la sortie !', '1');
  ids.bob = await addComment(launchPost, 'Bob', 'Une question sur les tarifs ?', '0');
  ids.pills = await addComment(launchPost, 'Pills', 'Cheap pills <a href="https://spam.example">here</a>', 'spam');
  ids.hostile = await addComment(launchPost, 'Mallory', '<script>alert(1)</script><b>Gras</b> <img src=x onerror=alert(2)>', '0');
});
afterAll(async () => {
  await wp?.stop();
});

describe('WordPress: a real site', () => {
  it('refuses a wrong application password and says so; a site that is down says it did not answer', async () => {
    const wrong = await signInToWordPress(wp.url, wp.user, 'abcd efgh ijkl mnop qrst uvwx').then(() => null, (e: unknown) => e);
    expect(wrong).toBeInstanceOf(ConnectorError);
    expect((wrong as ConnectorError).kind).toBe('auth');
    expect((wrong as ConnectorError).message).toMatch(/refused the user name or the application password/);
    expect((wrong as ConnectorError).message).not.toContain('abcd');

    const down = `http://127.0.0.1:${await freePort()}`;
    const err = await signInToWordPress(down, wp.user, wp.appPassword).then(() => null, (e: unknown) => e);
    expect((err as ConnectorError).kind).toBe('network');
    expect((err as ConnectorError).message).toMatch(/did not answer/);
  });

  it('signs in with the site address, the user and an application password (spaces as WordPress shows it)', async () => {
    const spaced = wp.appPassword.replace(/(.{4})(?!$)/g, '$1 ');
    const result = await signInToWordPress(`${wp.url}/`, wp.user, spaced);
    expect(result.serverUrl).toBe(wp.url);
    expect(result.identity.handle).toBe(`admin@${new URL(wp.url).host}`);
    // Plain permalinks (Debian's default): the API root the site announces is ?rest_route=/.
    expect(result.credentials.apiRoot).toBe(`${wp.url}/index.php?rest_route=/`);
    ctx = { accountId: 1, network: 'wordpress', serverUrl: result.serverUrl, remoteId: result.identity.remoteId, handle: result.identity.handle, credentials: result.credentials };
    expect(await connector.verify(ctx)).toMatchObject({ remoteId: result.identity.remoteId, name: 'admin' });
  });

  it('reads every comment the moderator sees, held and spam too, with the post as context and hostile HTML made text', async () => {
    const page = await poll();
    expect(page.skipped).toEqual([]);
    expect(summary(page.items)).toEqual([
      // The sample comment wp_install() leaves on "Hello world!".
      { author: 'A WordPress Commenter', text: expect.stringContaining('Hi, this is a comment.'), moderation: 'visible', post: 'Hello world!', direction: 'in', edited: false },
      { author: 'Alice', text: 'Bravo pour la sortie !', moderation: 'visible', post: 'Notre nouvelle version est là', direction: 'in', edited: false },
      { author: 'Bob', text: 'Une question sur les tarifs ?', moderation: 'held', post: 'Notre nouvelle version est là', direction: 'in', edited: false },
      { author: 'Pills', text: 'Cheap pills here', moderation: 'spam', post: 'Notre nouvelle version est là', direction: 'in', edited: false },
      { author: 'Mallory', text: expect.not.stringMatching(/<|alert\(2\)/), moderation: 'held', post: 'Notre nouvelle version est là', direction: 'in', edited: false },
    ]);
    const bob = page.items.find((i) => i.author.name === 'Bob')!;
    expect(bob).toMatchObject({ remoteId: String(ids.bob), threadRemoteId: String(ids.bob), parentRemoteId: null });
    expect(bob.permalink).toContain(`#comment-${ids.bob}`);
    // Visitors' e-mail addresses stay on the site.
    expect(JSON.stringify(page.items)).not.toContain('@example.test');
    // Nothing new: a second poll brings nothing again.
    expect((await poll()).items).toEqual([]);
  });

  it('replies under the held comment, in the right post, and the reply comes back as our own', async () => {
    const sent = await connector.reply(ctx, {
      conversationRemoteId: String(ids.bob),
      parentRemoteId: String(ids.bob),
      text: 'Bonjour Bob, les tarifs sont sur la page Offres.',
      idempotencyKey: 'k1',
      parentExtra: { post: launchPost },
    });
    expect(await commentOnSite(sent.remoteId)).toEqual({
      status: 'approved',
      parent: String(ids.bob),
      post: String(launchPost),
      user: ctx.remoteId,
      content: 'Bonjour Bob, les tarifs sont sur la page Offres.',
    });
    // After a crash, the outbox finds it instead of sending it twice.
    expect(await connector.findReply!(ctx, { conversationRemoteId: '', parentRemoteId: String(ids.bob), text: 'Bonjour Bob, les tarifs sont sur la page Offres.', idempotencyKey: 'k1' })).toMatchObject({ remoteId: sent.remoteId });

    const page = await poll();
    expect(page.items.map((i) => ({ id: i.remoteId, direction: i.direction, parent: i.parentRemoteId, thread: i.threadRemoteId }))).toEqual([
      { id: sent.remoteId, direction: 'out', parent: String(ids.bob), thread: String(ids.bob) },
    ]);
  });

  it('a visitor’s answer to our reply joins the thread of the comment it started from', async () => {
    const ours = (await wp.php<string>(`return get_comments(array('user_id' => 1, 'number' => 1, 'orderby' => 'comment_ID', 'order' => 'DESC', 'fields' => 'ids'))[0];`)).toString();
    const answer = await addComment(launchPost, 'Bob', 'Merci, c’est clair.', '1', Number(ours));
    const page = await poll();
    expect(page.items.map((i) => ({ id: i.remoteId, parent: i.parentRemoteId, thread: i.threadRemoteId }))).toEqual([{ id: String(answer), parent: ours, thread: String(ids.bob) }]);
  });

  it('approves the held comment, marks another as spam, holds one, trashes one: the site follows and the next poll agrees', async () => {
    await connector.moderate(ctx, { action: 'approve', messageRemoteId: String(ids.bob), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm1' });
    await connector.moderate(ctx, { action: 'spam', messageRemoteId: String(ids.alice), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm2' });
    await connector.moderate(ctx, { action: 'approve', messageRemoteId: String(ids.alice), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm3' });
    await connector.moderate(ctx, { action: 'hold', messageRemoteId: String(ids.alice), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm4' });
    await connector.moderate(ctx, { action: 'spam', messageRemoteId: String(ids.hostile), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm5' });
    await connector.moderate(ctx, { action: 'remove', messageRemoteId: String(ids.pills), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm6' });
    expect((await commentOnSite(ids.bob))?.status).toBe('approved');
    expect((await commentOnSite(ids.alice))?.status).toBe('unapproved');
    expect((await commentOnSite(ids.hostile))?.status).toBe('spam');
    expect((await commentOnSite(ids.pills))?.status).toBe('trash');

    const page = await poll();
    expect(page.items.map((i) => [i.author.name, i.moderation, Boolean(i.editedAt)])).toEqual([
      ['Alice', 'held', false],
      ['Bob', 'visible', false],
      ['Mallory', 'spam', false],
    ]);
    // In the trash, it is gone from what the site shows: a deletion for the message writer.
    expect(page.deleted?.map((d) => d.remoteId)).toEqual([String(ids.pills)]);
    // Refusals the outbox must stop at, not retry: hiding, and acting on a comment that is gone.
    await expect(connector.moderate(ctx, { action: 'hide', messageRemoteId: String(ids.bob), authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm7' })).rejects.toMatchObject({ kind: 'not-supported' });
    await expect(connector.moderate(ctx, { action: 'approve', messageRemoteId: '999999', authorRemoteId: '', conversationRemoteId: '', idempotencyKey: 'm8' })).rejects.toMatchObject({ kind: 'not-supported', status: 404 });
  });

  it('sees what other moderators do on the site: an approval, an edit, a deletion', async () => {
    await wp.php(`wp_set_comment_status(${ids.alice}, 'approve'); return true;`);
    await wp.php(`wp_update_comment(array('comment_ID' => ${ids.bob}, 'comment_content' => 'Une question sur les tarifs ? (corrigé)')); return true;`);
    await wp.php(`wp_delete_comment(${ids.hostile}, true); return true;`);
    const page = await poll();
    expect(summary(page.items).map((i) => [i.author, i.text, i.moderation, i.edited])).toEqual([
      ['Alice', 'Bravo pour la sortie !', 'visible', false],
      ['Bob', 'Une question sur les tarifs ? (corrigé)', 'visible', true],
    ]);
    expect(page.deleted?.map((d) => d.remoteId)).toEqual([String(ids.hostile)]);
  });

  it('pages through a burst of comments with X-WP-TotalPages: none lost, none twice', async () => {
    const busy = await addPost('Concours de fin d’année');
    const burst: number[] = await wp.php<number[]>(`
      $ids = array();
      for ($i = 1; $i <= 130; $i++) {
        $ids[] = wp_insert_comment(array('comment_post_ID' => ${busy}, 'comment_author' => "Participant $i", 'comment_author_email' => "p$i@example.test",
          'comment_content' => "Je participe $i", 'comment_approved' => $i % 2 ? '1' : '0', 'user_id' => 0));
      }
      return $ids;
    `);
    const page = await poll();
    expect(page.items.map((i) => Number(i.remoteId)).sort((a, b) => a - b)).toEqual(burst);
    expect(page.items.filter((i) => i.moderation === 'held')).toHaveLength(65);
    expect((await poll()).items).toEqual([]);
  });

  it('an application password revoked on the site turns into "sign in again"', async () => {
    await wp.php(`WP_Application_Passwords::delete_all_application_passwords(1); return true;`);
    const err = await connector.poll(ctx, cursor).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe('auth');
    expect((err as ConnectorError).message).not.toContain(wp.appPassword);
  });
});

/**
 * The same requests to the real site and to the local one (e2e/networks/wordpress.ts) that the
 * integration tests and Playwright use: statuses, error codes, paging headers and order must agree.
 */
describe('WordPress: the local site answers like the real one', () => {
  it('gives the same statuses, error codes, order and paging for the same requests', async () => {
    const fake = await startWordPressServer();
    try {
      const probe = async (base: string, user: string, password: string, makePost: (title: string, open: boolean) => Promise<number>, makeComment: (post: number, n: number, date: number) => Promise<number>) => {
        const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
        const call = async (method: string, route: string, query = '', body?: unknown, auth = true) => {
          const res = await fetch(`${base}/index.php?rest_route=/wp/v2/${route}${query ? `&${query}` : ''}`, {
            method,
            headers: { ...(auth ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          const json = (await res.json()) as { code?: string } | unknown[];
          return { status: res.status, code: Array.isArray(json) ? `list of ${json.length}` : (json.code ?? 'object') };
        };
        const post = await makePost('Sonde', true);
        const closed = await makePost('Sonde fermée', false);
        const at = Math.floor(Date.now() / 1000) - 3600;
        // Three comments at the same second, one a minute older: the order is date, then id.
        const made = [await makeComment(post, 1, at), await makeComment(post, 2, at), await makeComment(post, 3, at), await makeComment(post, 4, at - 60)];
        const order = await fetch(`${base}/index.php?rest_route=/wp/v2/comments&context=edit&status=all&post=${post}&per_page=2&page=1`, { headers: { authorization } });
        const firstPage = ((await order.json()) as { id: number }[]).map((c) => made.indexOf(c.id) + 1);
        return {
          firstPage,
          total: order.headers.get('x-wp-total'),
          totalPages: order.headers.get('x-wp-totalpages'),
          pastLast: await call('GET', 'comments', `context=edit&status=all&post=${post}&per_page=2&page=9`),
          perPage101: await call('GET', 'comments', 'per_page=101'),
          wrongPassword: await call('GET', 'users/me', '', undefined, false).then(async () => {
            const res = await fetch(`${base}/index.php?rest_route=/wp/v2/users/me`, { headers: { authorization: `Basic ${Buffer.from(`${user}:aaaabbbbccccddddeeeeffff`).toString('base64')}` } });
            return { status: res.status, code: ((await res.json()) as { code: string }).code };
          }),
          privateWithoutPassword: await call('GET', 'comments', 'context=edit&status=all', undefined, false),
          missing: await call('POST', 'comments/999999', '', { status: 'approved' }),
          reply: await call('POST', 'comments', '', { post, parent: made[0], content: 'Réponse sonde' }),
          replyTwice: await call('POST', 'comments', '', { post, parent: made[0], content: 'Réponse sonde' }),
          closedPost: await call('POST', 'comments', '', { post: closed, content: 'Fermé ?' }),
          trash: await call('DELETE', `comments/${made[1]}`),
          trashTwice: await call('DELETE', `comments/${made[1]}`),
          // Undone from Parvis ("unhide" approves): out of the trash, published again.
          untrash: await call('POST', `comments/${made[1]}`, '', { status: 'approved' }),
          afterUntrash: await call('GET', 'comments', `context=edit&status=approve&post=${post}&per_page=10`),
          spam: await call('POST', `comments/${made[2]}`, '', { status: 'spam' }),
        };
      };
      const realAnswers = await probe(
        wp.url,
        wp.user,
        // The scenario above revoked the first password: a new one, as a user would make.
        await wp.php<string>(`list($p) = WP_Application_Passwords::create_new_application_password(1, array('name' => 'Parvis 2')); return $p;`),
        (title, open) => wp.php<number>(`return wp_insert_post(array('post_title' => ${JSON.stringify('__TITLE__')}, 'post_status' => 'publish', 'post_author' => 1, 'comment_status' => '${'__OPEN__'}'));`.replace('__TITLE__', title).replace('__OPEN__', open ? 'open' : 'closed')),
        (post, n, date) => wp.php<number>(`return wp_insert_comment(array('comment_post_ID' => ${post}, 'comment_author' => 'P${n}', 'comment_author_email' => 'p${n}@example.test', 'comment_content' => 'n${n}', 'comment_approved' => '1', 'comment_date_gmt' => gmdate('Y-m-d H:i:s', ${date}), 'comment_date' => gmdate('Y-m-d H:i:s', ${date}), 'user_id' => 0));`),
      );
      const fakeAnswers = await probe(
        fake.url,
        fake.control.user,
        fake.control.appPassword,
        async (title, open) => fake.control.addPost(title, { open }).id,
        async (post, n, date) => fake.control.addComment({ post, author: `P${n}`, text: `n${n}`, status: 'approved', date }).id,
      );
      expect(realAnswers.firstPage).toEqual([3, 2]);
      expect(fakeAnswers).toEqual(realAnswers);
    } finally {
      await fake.close();
    }
  });
});

/**
 * Articles on the real site: published now with the permalink from the answer, held by the site
 * for a later time and published by it, and a resend after an answer lost on the way back that
 * finds the first article (one article on the site). Then the local site's posts endpoint is
 * compared with the real one's (slug uniqueness, trash renaming, status rules, errors).
 */
describe('WordPress: articles on a real site', () => {
  let password: string;
  let actx: AccountContext;
  const KEY = '01KC0000000000000000000000';
  const bySlugPrefix = (prefix: string) =>
    wp.php<{ id: string; status: string; slug: string; title: string; content: string }[]>(`
      global $wpdb;
      return $wpdb->get_results($wpdb->prepare("SELECT ID AS id, post_status AS status, post_name AS slug, post_title AS title, post_content AS content FROM {$wpdb->posts} WHERE post_type = 'post' AND post_name LIKE %s ORDER BY ID", ${JSON.stringify('__PREFIX__')} . '%'), ARRAY_A);
    `.replace('__PREFIX__', prefix));

  beforeAll(async () => {
    // The first scenario revoked the first password: a new one, as a user would make.
    password = await wp.php<string>(`list($p) = WP_Application_Passwords::create_new_application_password(1, array('name' => 'Parvis articles')); return $p;`);
    const signedIn = await signInToWordPress(wp.url, wp.user, password, { retries: 0 });
    actx = { accountId: 2, network: 'wordpress', serverUrl: signedIn.serverUrl, remoteId: signedIn.identity.remoteId, handle: signedIn.identity.handle, credentials: signedIn.credentials };
  });

  it('publishes an article now: escaped title and paragraphs, the permalink from the answer', async () => {
    const result = await connector.publish!(actx, { text: 'Première ligne <b>pas du gras</b>\nDeuxième & https://example.com/x\n\nFin.', title: 'Notes <v2> & plus', idempotencyKey: `${KEY.slice(0, -1)}A`, scheduledAt: null });
    expect(result.kind).toBe('published');
    const published = result as Extract<typeof result, { kind: 'published' }>;
    const [row] = await bySlugPrefix(`parvis-${KEY.slice(0, -1).toLowerCase()}a`);
    expect(row).toMatchObject({ id: published.remoteId, status: 'publish', title: 'Notes &lt;v2&gt; &amp; plus' });
    expect(row!.content).toBe('<p>Première ligne &lt;b&gt;pas du gras&lt;/b&gt;<br />\nDeuxième &amp; <a href="https://example.com/x">https://example.com/x</a></p>\n\n<p>Fin.</p>');
    expect(published.permalink).toBe(await wp.php<string>(`return get_permalink(${published.remoteId});`));
    expect(Math.abs(published.createdAt - Date.now())).toBeLessThan(120_000);
    // What a visitor is shown (the content as the site renders it, through its filters): no markup
    // of the text became markup on the site.
    const view = (await (await fetch(`${wp.url}/index.php?rest_route=/wp/v2/posts/${published.remoteId}`)).json()) as { content: { rendered: string }; title: { rendered: string } };
    expect(view.content.rendered).toContain('&lt;b&gt;pas du gras&lt;/b&gt;');
    expect(view.content.rendered).not.toContain('<b>');
    expect(view.title.rendered).not.toContain('<v2>');
  });

  it('has the site hold an article for later, moves it, and finds it published once the site published it', async () => {
    const at = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
    const req = { text: 'Annonce programmée', title: 'Plus tard', idempotencyKey: `${KEY.slice(0, -1)}B`, scheduledAt: at };
    const held = await connector.publish!(actx, req);
    expect(held.kind).toBe('scheduled');
    const id = (held as { remoteScheduledId: string }).remoteScheduledId;
    expect(await wp.php(`$p = get_post(${id}); return array($p->post_status, $p->post_date_gmt);`)).toEqual(['future', new Date(at).toISOString().slice(0, 19).replace('T', ' ')]);
    // Sent again: the held article answers, no second one.
    expect(await connector.publish!(actx, req)).toEqual(held);
    expect(await connector.findScheduled!(actx, { ...req, remoteScheduledId: id })).toBeNull();
    await connector.rescheduleHeld!(actx, { remoteScheduledId: id, scheduledAt: at + 3_600_000 });
    expect(await wp.php(`return get_post(${id})->post_date_gmt;`)).toBe(new Date(at + 3_600_000).toISOString().slice(0, 19).replace('T', ' '));
    // What WP-Cron does at the time (the harness runs without cron).
    await wp.php(`wp_publish_post(${id}); return true;`);
    const found = await connector.findScheduled!(actx, { ...req, remoteScheduledId: id });
    expect(found).toEqual({ kind: 'published', remoteId: id, permalink: await wp.php<string>(`return get_permalink(${id});`), createdAt: at + 3_600_000 });
    expect(await connector.cancelHeld!(actx, { remoteScheduledId: id })).toBe(false);
    expect(await bySlugPrefix(`parvis-${KEY.slice(0, -1).toLowerCase()}b`)).toHaveLength(1);
  });

  it('takes a held article back to the trash, and a resend finds the first article after an answer lost on its way back: one article on the site', async () => {
    const at = Date.now() + 3_600_000;
    const back = await connector.publish!(actx, { text: 'Repris', title: 'Repris', idempotencyKey: `${KEY.slice(0, -1)}C`, scheduledAt: at });
    expect(await connector.cancelHeld!(actx, { remoteScheduledId: (back as { remoteScheduledId: string }).remoteScheduledId })).toBe(true);
    expect(await wp.php(`return get_post_status(${(back as { remoteScheduledId: string }).remoteScheduledId});`)).toBe('trash');

    // The site carries out the POST; its answer is held back longer than Parvis waits.
    const link = await startNetworkLink({ target: wp.url, answerDelayMs: (r) => (r.method === 'POST' ? 3_000 : 0) });
    try {
      const viaLink = { ...actx, credentials: { ...actx.credentials, apiRoot: `${link.url}/index.php?rest_route=/` } };
      const impatient = createWordPressConnector({ retries: 0, timeoutMs: 1_000 });
      const req = { text: 'Une seule fois', title: 'Une seule fois', idempotencyKey: `${KEY.slice(0, -1)}D`, scheduledAt: null };
      const lost = await impatient.publish!(viaLink, req).then(() => null, (e: unknown) => e as ConnectorError);
      expect(lost).toBeInstanceOf(ConnectorError);
      expect(lost!.kind).toBe('network');
      await new Promise((r) => setTimeout(r, 3_500));
      const again = await connector.publish!(viaLink, req);
      const rows = await bySlugPrefix(`parvis-${KEY.slice(0, -1).toLowerCase()}d`);
      expect(rows.map((r) => [r.slug, r.status])).toEqual([[`parvis-${KEY.slice(0, -1).toLowerCase()}d`, 'publish']]);
      expect(again).toMatchObject({ kind: 'published', remoteId: rows[0]!.id });
      // Trashed on the site since: still not sent again.
      await wp.php(`wp_trash_post(${rows[0]!.id}); return true;`);
      expect(await connector.publish!(viaLink, req)).toMatchObject({ kind: 'published', remoteId: rows[0]!.id });
      expect(await bySlugPrefix(`parvis-${KEY.slice(0, -1).toLowerCase()}d`)).toHaveLength(1);
    } finally {
      await link.close();
    }
  });

  it('the local site answers the posts endpoint like the real one', async () => {
    const fake = await startWordPressServer();
    try {
      const probe = async (base: string, user: string, pass: string) => {
        const authorization = `Basic ${Buffer.from(`${user}:${pass.replace(/\s+/g, '')}`).toString('base64')}`;
        const call = async (method: string, route: string, query = '', body?: unknown, auth: string | null = authorization) => {
          const res = await fetch(`${base}/index.php?rest_route=/wp/v2/${route}${query ? `&${query}` : ''}`, {
            method,
            headers: { ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          const json = (await res.json()) as { code?: string; slug?: string; status?: string } | { slug: string; status: string }[];
          return {
            status: res.status,
            answer: Array.isArray(json) ? json.map((p) => `${p.slug.replace(/^probe-\d+/, 'probe')}:${p.status}`) : (json.code ?? `${(json.slug ?? '').replace(/^probe-\d+/, 'probe')}:${json.status}`),
          };
        };
        const slug = `probe-${Date.now()}`;
        const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19);
        const first = await call('POST', 'posts', '', { title: 'Sonde', content: '<p>x</p>', status: 'publish', slug });
        const id = Number(((await (await fetch(`${base}/index.php?rest_route=/wp/v2/posts&slug=${slug}&status=any&context=edit`, { headers: { authorization } })).json()) as { id: number }[])[0]!.id);
        return {
          first,
          duplicate: await call('POST', 'posts', '', { title: 'Sonde 2', content: '<p>y</p>', status: 'publish', slug }),
          upper: await call('GET', 'posts', `slug=${slug.toUpperCase()}&status=any&context=edit`),
          future: await call('POST', 'posts', '', { title: 'F', content: '<p>f</p>', status: 'future', date_gmt: future, slug: `${slug}-f` }),
          publishInFuture: await call('POST', 'posts', '', { title: 'PF', content: '<p>f</p>', status: 'publish', date_gmt: future, slug: `${slug}-pf` }),
          futurePast: await call('POST', 'posts', '', { title: 'FP', content: '<p>f</p>', status: 'future', date_gmt: '2020-01-01T00:00:00', slug: `${slug}-fp` }),
          draft: await call('POST', 'posts', '', { title: 'D', content: '<p>d</p>', status: 'draft', slug: `${slug}-d` }),
          draftTwice: await call('POST', 'posts', '', { title: 'D', content: '<p>d</p>', status: 'draft', slug: `${slug}-d` }),
          trash: await call('DELETE', `posts/${id}`),
          trashTwice: await call('DELETE', `posts/${id}`),
          anyAfterTrash: await call('GET', 'posts', `slug=${slug}&status=any&context=edit`),
          listWithTrash: await call('GET', 'posts', `slug=${slug},${slug}__trashed&status=publish,future,draft,pending,private,trash&context=edit`),
          empty: await call('POST', 'posts', '', { title: '', content: '', status: 'publish' }),
          badStatus: await call('POST', 'posts', '', { title: 'x', content: 'x', status: 'bogus' }),
          badDate: await call('POST', 'posts', '', { title: 'x', content: 'x', status: 'future', date_gmt: 'demain' }),
          missing: await call('GET', 'posts/999999', 'context=edit'),
          noAuthCreate: await call('POST', 'posts', '', { title: 'x', content: 'x' }, null),
          noAuthAny: await call('GET', 'posts', 'status=any', undefined, null),
          wrongPasswordLookup: await call('GET', 'posts', `slug=${slug}&status=publish,trash&context=edit`, undefined, `Basic ${Buffer.from(`${user}:aaaabbbbccccddddeeeeffff`).toString('base64')}`),
          wrongPasswordCreate: await call('POST', 'posts', '', { title: 'x', content: 'x' }, `Basic ${Buffer.from(`${user}:aaaabbbbccccddddeeeeffff`).toString('base64')}`),
        };
      };
      const realAnswers = await probe(wp.url, wp.user, password);
      const fakeAnswers = await probe(fake.url, fake.control.user, fake.control.appPassword);
      expect(realAnswers.duplicate.answer).toBe('probe-2:publish');
      expect(fakeAnswers).toEqual(realAnswers);
    } finally {
      await fake.close();
    }
  });
});
