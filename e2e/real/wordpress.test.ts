/**
 * Parvis's WordPress connector against a real WordPress (Debian's package, a private MariaDB, PHP's
 * built-in server: e2e/real/harness/wordpress.ts). Visitors' comments and other moderators' work
 * are made on the site with WordPress's own PHP functions; Parvis signs in, reads, replies and
 * moderates through the REST API as a user's copy would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type AccountContext, type NormalizedItem, type PollResult } from '../../electron/core/connectors/types';
import { createWordPressConnector, signInToWordPress } from '../../electron/core/connectors/wordpress/index';
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
