/**
 * Images through Parvis's Bluesky connector against Bluesky's own test network (@atproto/dev-env):
 * a post with an image and its alt text is published, read back through getPosts with the alt
 * text and aspect ratio, sent again with the same key without a second post; a blob over the
 * lexicon's 2,000,000 bytes is refused the way the fake says ("blob too big"), publishing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyConnector, signInToBluesky } from '../../electron/core/connectors/bluesky/index';
import type { AccountContext, PublishMedia } from '../../electron/core/connectors/types';
import { makePng } from '../../electron/core/media/test-images';
import { realDriver, type BlueskyDriver } from './bluesky/drivers';

let real: BlueskyDriver;
beforeAll(async () => {
  real = await realDriver();
});
afterAll(async () => {
  await real?.stop();
});

function image(bytes: Buffer, alt: string, width: number, height: number): PublishMedia {
  return { mime: 'image/png', alt, bytes: bytes.length, width, height, sha256: 'b'.repeat(64), load: () => bytes };
}

describe('Bluesky images: the real network', () => {
  it('publishes an image with its alt text once, read back through getPosts; refuses a blob over 2,000,000 bytes', async () => {
    const signIn = await signInToBluesky(real.serverUrl, real.brand.handle, real.brand.appPassword);
    const ctx: AccountContext = { accountId: 1, network: 'bluesky', serverUrl: real.serverUrl, remoteId: signIn.author.remoteId, handle: signIn.author.handle, credentials: signIn.credentials };
    const connector = createBlueskyConnector({ sleep: async () => {}, retries: 0 });
    const alt = 'Une lampe orange posée sur une table en chêne';
    const req = { text: 'Notre lampe de l’hiver', idempotencyKey: 'post-target-images-1', media: [image(makePng(600, 400, [200, 80, 40]), alt, 600, 400)] };
    const first = await connector.publish!(ctx, req);
    // Sent again (a crash before the answer was recorded): the record key finds the first post.
    const again = await connector.publish!(ctx, req);
    expect(first.kind).toBe('published');
    expect(again).toEqual(first);
    await real.settle();
    const uri = (first as { remoteId: string }).remoteId;
    const res = await fetch(`${real.serverUrl}/xrpc/app.bsky.feed.getPosts?uris=${encodeURIComponent(uri)}`, { headers: { authorization: `Bearer ${signIn.credentials.accessJwt}` } });
    expect(res.status).toBe(200);
    const { posts } = (await res.json()) as { posts: { uri: string; record: { text: string }; embed?: { $type: string; images: { alt: string; aspectRatio?: { width: number; height: number } }[] } }[] };
    expect(posts).toHaveLength(1);
    expect(posts[0]!.record.text).toBe('Notre lampe de l’hiver');
    expect(posts[0]!.embed).toMatchObject({ $type: 'app.bsky.embed.images#view', images: [{ alt, aspectRatio: { width: 600, height: 400 } }] });

    const big = makePng(10, 10, [0, 0, 0], 2_000_100);
    const refused = await connector.publish!(ctx, { text: 'Trop lourde', idempotencyKey: 'post-target-images-2', media: [{ ...image(big, 'x', 10, 10), bytes: 1000 }] }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('blob too big (maximum 2000000');
    expect(refused).toMatchObject({ kind: 'not-supported' });
  });
});
