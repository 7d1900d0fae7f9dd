/** The media library through the contract: one entry per file, type from the bytes, alt text, images per post and per variant. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaItem } from '../../../shared/media';
import type { Post } from '../../../shared/posts';
import { dispatch } from '../rpc';
import { addAccount, makeCore } from '../testing/core-fixture';
import { makePng } from './test-images';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

async function call<T>(name: string, input: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { kind: string; message: string } }> {
  return (await dispatch(core.handlers, name, input)) as never;
}
async function ok<T>(name: string, input: unknown): Promise<T> {
  const res = await call<T>(name, input);
  if (!res.ok) throw new Error(`${name}: ${res.error.kind} ${res.error.message}`);
  return res.value;
}

/** Adds a file the way the renderer does: begin, parts of at most `part` bytes, finish. */
async function add(bytes: Buffer, name = 'photo.png', part = 512 * 1024, thumbnail: Buffer | null = null): Promise<MediaItem> {
  const { uploadId } = await ok<{ uploadId: string }>('media.uploadBegin', { size: bytes.length, mime: 'image/png', name });
  for (let offset = 0; offset < bytes.length; offset += part) {
    await ok('media.uploadPart', { uploadId, offset, data: bytes.subarray(offset, offset + part).toString('base64') });
  }
  return ok<MediaItem>('media.uploadFinish', { uploadId, thumbnail: thumbnail?.toString('base64') ?? null });
}

describe('media library', () => {
  it('keeps a file once by its hash, on disk and not in SQLite, with its type and size read from the bytes', async () => {
    core = makeCore({ startSync: false });
    const png = makePng(640, 480, [10, 120, 200], 1_200_000);
    const first = await add(png, 'vitrine.png', 512 * 1024, makePng(160, 120));
    expect(first).toMatchObject({ mime: 'image/png', bytes: png.length, width: 640, height: 480, alt: '', name: 'vitrine.png', uses: 0 });
    expect(first.thumbnail).toMatch(/^data:image\/png;base64,/);
    // The same bytes under another name: the same entry.
    const again = await add(png, 'copie.png');
    expect(again.id).toBe(first.id);
    expect(await ok<MediaItem[]>('media.list', {})).toHaveLength(1);
    const dir = join(core.dataDir, 'media');
    expect(readdirSync(dir).sort()).toEqual([first.sha256, `${first.sha256}.thumb`]);
    const columns = core.db.prepare('SELECT * FROM media').get() as Record<string, unknown>;
    expect(Object.values(columns).some((v) => Buffer.isBuffer(v))).toBe(false);
  });

  it('refuses bytes that are not an image it can publish, whatever the renderer says, and a thumbnail too large', async () => {
    core = makeCore({ startSync: false });
    const fake = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const res = await call('media.uploadFinish', { uploadId: (await ok<{ uploadId: string }>('media.uploadBegin', { size: fake.length, mime: 'image/png', name: 'x.png' })).uploadId, thumbnail: null });
    expect(res).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    const big = await call('media.uploadBegin', { size: 17 * 1024 * 1024, mime: 'image/png', name: 'big.png' });
    expect(big).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    // A path instead of bytes is no input the contract takes.
    expect(await call('media.uploadBegin', { path: '/etc/passwd', size: 10, mime: 'image/png', name: 'p' })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    const thumbTooBig = await call('media.uploadFinish', { uploadId: 'x', thumbnail: null });
    expect(thumbTooBig).toMatchObject({ ok: false });
    await expect(add(makePng(10, 10), 'a.png', 512 * 1024, makePng(400, 300))).rejects.toThrow(/320 px/);
    expect(await ok<MediaItem[]>('media.list', {})).toEqual([]);
  });

  it('orders a post’s images, lets a variant have its own, checks alt text and the network’s limits before scheduling, and deletes only unused images', async () => {
    core = makeCore({ startSync: false });
    const mastodon = addAccount(core, 'mastodon');
    const bluesky = addAccount(core, 'bluesky');
    const small = await add(makePng(300, 200, [1, 2, 3]));
    const large = await add(makePng(400, 400, [4, 5, 6], 2_100_000));
    const post = await ok<Post>('posts.create', {
      text: 'Nouvelle vitrine',
      media: [large.id, small.id],
      targets: [
        { accountId: mastodon.id, scheduledAt: 10_000_000 },
        { accountId: bluesky.id, scheduledAt: 10_000_000, media: [small.id] },
      ],
    });
    expect(post.media).toEqual([large.id, small.id]);
    expect(post.targets.map((t) => t.media)).toEqual([null, [small.id]]);
    expect(core.posts.mediaOf(post.id, post.targets[0]!.id)).toEqual([large.id, small.id]);
    expect(core.posts.mediaOf(post.id, post.targets[1]!.id)).toEqual([small.id]);

    // No alt text: refused, image by image, and said why.
    const refused = await call('posts.schedule', { postId: post.id });
    expect(refused).toEqual({
      ok: false,
      error: { kind: 'invalid-input', code: 'invalid-input', message: '@brand@mastodon: image 1 has no alt text; @brand@mastodon: image 2 has no alt text; @brand@bluesky: image 1 has no alt text' },
    });
    await ok('media.setAlt', { mediaId: small.id, alt: 'Une lampe orange sur une table' });
    await ok('media.setAlt', { mediaId: large.id, alt: 'La vitrine de la boutique' });
    // The large image (over 2 MB) would not go to Bluesky: giving Bluesky the same images is refused.
    await ok('posts.update', { postId: post.id, text: 'Nouvelle vitrine', media: [large.id, small.id], targets: [{ accountId: mastodon.id, scheduledAt: 10_000_000 }, { accountId: bluesky.id, scheduledAt: 10_000_000 }] });
    expect(await call('posts.schedule', { postId: post.id })).toEqual({ ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: `@brand@bluesky: image 1 is ${large.bytes} bytes, at most 2000000` } });

    // Used images cannot be deleted; once unused, the file goes with the entry.
    expect(await call('media.delete', { mediaId: large.id })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    await ok('posts.update', { postId: post.id, text: 'Nouvelle vitrine', media: [small.id], targets: [{ accountId: mastodon.id, scheduledAt: 10_000_000 }, { accountId: bluesky.id, scheduledAt: 10_000_000 }] });
    await ok('media.delete', { mediaId: large.id });
    expect(existsSync(join(core.dataDir, 'media', large.sha256))).toBe(false);
    expect(await ok<Post>('posts.get', { postId: post.id })).toMatchObject({ media: [small.id], targets: [{ media: null }, { media: null }] });
  });
});
