/**
 * WordPress articles against the local WordPress: published once with the permalink from the
 * answer, held by the site for a later time, found again (never doubled) after a lost answer, a
 * trashed or unpublished one not sent again, the title and text escaped, and refusals in plain words.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWordPressServer, type WordPressServer } from '../../../../e2e/networks/wordpress';
import { type ConnectorError, type AccountContext, type PublishRequest } from '../types';
import { articleHtml, articleSlug, articleTitle } from './convert';
import { createWordPressConnector, signInToWordPress } from './index';

const START = Date.parse('2026-12-08T10:00:00.000Z');
let clock = START;
const now = () => clock;
let server: WordPressServer;
const connector = createWordPressConnector({ retries: 0, now });

async function contextFor(s: WordPressServer): Promise<AccountContext> {
  const result = await signInToWordPress(s.url, s.control.user, s.control.appPassword, { retries: 0 });
  return { accountId: 1, network: 'wordpress', serverUrl: result.serverUrl, remoteId: result.identity.remoteId, handle: result.identity.handle, credentials: result.credentials };
}

const KEY = '01KBZ3Q8XJ5V7N2M4P6R8T0W2Y';
const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({ text: 'Notre nouvelle version est là.\n\nDétails : https://example.com/v2', title: 'Version 2', idempotencyKey: KEY, scheduledAt: null, ...over });
/** The articles Parvis made (its slugs), whatever their status. */
const articles = () => server.control.posts().filter((p) => p.slug.startsWith('parvis-'));

beforeEach(async () => {
  clock = START;
  server = await startWordPressServer({ now });
});
afterEach(async () => {
  await server.close();
});

describe('WordPress article bodies', () => {
  it('makes paragraphs and line breaks of plain text, escapes every character of markup, and links web addresses', () => {
    expect(articleHtml('Bonjour <b>tous</b> & "vous"\nligne 2\n\n\n  Voir https://ex.com/a?b=1&c=2.  \r\n\r\nFin')).toBe(
      '<p>Bonjour &lt;b&gt;tous&lt;/b&gt; &amp; &quot;vous&quot;<br />\nligne 2</p>\n\n' +
        '<p>Voir <a href="https://ex.com/a?b=1&amp;c=2">https://ex.com/a?b=1&amp;c=2</a>.</p>\n\n<p>Fin</p>',
    );
    expect(articleHtml('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(articleHtml('javascript:alert(1) http://"onmouseover=x')).not.toMatch(/href="javascript|onmouseover="/);
    expect(articleTitle('  A <i>b</i> &\n c ')).toBe('A &lt;i&gt;b&lt;/i&gt; &amp; c');
  });

  it('derives one slug per key that WordPress’s -2 of a taken slug can never equal', () => {
    expect(articleSlug(KEY)).toBe(`parvis-${KEY.toLowerCase()}`);
    expect(articleSlug(`${KEY}.2`)).toBe(`parvis-${KEY.toLowerCase()}-g2`);
    expect(articleSlug(`${KEY}.2`)).not.toBe(`${articleSlug(KEY)}-2`);
  });
});

describe('publishing WordPress articles', () => {
  it('publishes the article now, with its permalink from the answer, and escaped title and body', async () => {
    const ctx = await contextFor(server);
    const result = await connector.publish!(ctx, request({ title: 'Version <2> & plus' }));
    expect(result).toEqual({ kind: 'published', remoteId: expect.any(String), permalink: `${server.url}/?p=${(result as { remoteId: string }).remoteId}`, createdAt: START });
    const [post] = articles();
    expect(post).toMatchObject({ status: 'publish', title: 'Version &lt;2&gt; &amp; plus', slug: articleSlug(KEY) });
    expect(post!.content).toBe('<p>Notre nouvelle version est là.</p>\n\n<p>Détails : <a href="https://example.com/v2">https://example.com/v2</a></p>');
  });

  it('answers the first article when the request comes again after a lost answer: one article on the site', async () => {
    const ctx = await contextFor(server);
    server.control.loseAnswers(1, 502, 'POST');
    const lost = await connector.publish!(ctx, request()).then(
      () => null,
      (e: unknown) => e as ConnectorError,
    );
    expect(lost?.kind).toBe('network');
    expect(articles()).toHaveLength(1);
    const again = await connector.publish!(ctx, request());
    expect(articles()).toHaveLength(1);
    expect(again).toMatchObject({ kind: 'published', remoteId: String(articles()[0]!.id) });
    // The second send only looked: one create in all.
    expect(server.control.requests().filter((r) => r.method === 'POST' && r.route === '/wp/v2/posts')).toHaveLength(1);
  });

  it('does not publish again an article someone trashed or turned back into a draft on the site', async () => {
    const ctx = await contextFor(server);
    const first = await connector.publish!(ctx, request());
    const id = Number((first as { remoteId: string }).remoteId);
    server.control.trashPost(id);
    expect(server.control.post(id)!.slug).toBe(`${articleSlug(KEY)}__trashed`);
    expect(await connector.publish!(ctx, request())).toMatchObject({ kind: 'published', remoteId: String(id) });

    const other = request({ idempotencyKey: `${KEY}.1` });
    const second = await connector.publish!(ctx, other);
    server.control.post(Number((second as { remoteId: string }).remoteId))!.status = 'draft';
    expect(await connector.publish!(ctx, other)).toMatchObject({ kind: 'published', remoteId: (second as { remoteId: string }).remoteId });
    expect(articles()).toHaveLength(2);
  });

  it('has the site hold an article for its time, finds it published then, moves it and takes it back', async () => {
    const ctx = await contextFor(server);
    const at = START + 3_600_000;
    const held = await connector.publish!(ctx, request({ scheduledAt: at }));
    expect(held.kind).toBe('scheduled');
    const id = (held as { remoteScheduledId: string }).remoteScheduledId;
    expect(server.control.post(Number(id))).toMatchObject({ status: 'future', date: at / 1000 });
    // Sent again (a lost answer): the held article is answered, not a second one.
    expect(await connector.publish!(ctx, request({ scheduledAt: at }))).toEqual(held);
    expect(await connector.findScheduled!(ctx, { ...request({ scheduledAt: at }), remoteScheduledId: id })).toBeNull();

    await connector.rescheduleHeld!(ctx, { remoteScheduledId: id, scheduledAt: at + 3_600_000 });
    expect(server.control.post(Number(id))).toMatchObject({ status: 'future', date: (at + 3_600_000) / 1000 });

    clock = at + 3_600_000;
    expect(server.control.publishDue().map((p) => p.id)).toEqual([Number(id)]);
    expect(await connector.findScheduled!(ctx, { ...request(), remoteScheduledId: id })).toEqual({ kind: 'published', remoteId: id, permalink: `${server.url}/?p=${id}`, createdAt: at + 3_600_000 });
    // Published: no longer the site's to hold, nothing taken back.
    expect(await connector.cancelHeld!(ctx, { remoteScheduledId: id })).toBe(false);
    expect(server.control.post(Number(id))!.status).toBe('publish');
  });

  it('takes back a held article to the trash, and says when a held one was deleted or unscheduled on the site', async () => {
    const ctx = await contextFor(server);
    const at = START + 3_600_000;
    const held = (await connector.publish!(ctx, request({ scheduledAt: at }))) as { remoteScheduledId: string };
    expect(await connector.cancelHeld!(ctx, { remoteScheduledId: held.remoteScheduledId })).toBe(true);
    expect(server.control.post(Number(held.remoteScheduledId))!.status).toBe('trash');
    const gone = await connector.findScheduled!(ctx, { ...request(), remoteScheduledId: held.remoteScheduledId }).catch((e: unknown) => e as ConnectorError);
    expect(gone).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/no longer scheduled/) });
    const missing = await connector.findScheduled!(ctx, { ...request(), remoteScheduledId: '9999' }).catch((e: unknown) => e as ConnectorError);
    expect(missing).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/deleted there/) });
  });

  it('publishes at once a time already past, and refuses an article without a title before calling the site', async () => {
    const ctx = await contextFor(server);
    expect((await connector.publish!(ctx, request({ scheduledAt: START - 1_000 }))).kind).toBe('published');
    const before = server.control.requests().length;
    const refused = await connector.publish!(ctx, request({ idempotencyKey: `${KEY}.3`, title: '  ' })).catch((e: unknown) => e as ConnectorError);
    expect(refused).toMatchObject({ kind: 'not-supported', message: 'A WordPress article needs a title.' });
    expect(server.control.requests()).toHaveLength(before);
  });

  it('says in plain words when the password was revoked, and stops at a refusal', async () => {
    const ctx = await contextFor(server);
    server.control.revokePassword();
    const auth = await connector.publish!(ctx, request()).catch((e: unknown) => e as ConnectorError);
    expect(auth).toMatchObject({ kind: 'auth', message: expect.stringMatching(/application password/) });
    server.control.setPassword(ctx.credentials.appPassword!);
    const empty = await connector.publish!(ctx, request({ text: '' , title: ' x' })).then((r) => r.kind);
    // A title alone is an article (WordPress refuses only title, content and excerpt all empty).
    expect(empty).toBe('published');
  });
});
