/**
 * Posts with images, through the media library, the publish job and the connectors, against the
 * local Mastodon and Bluesky servers: each image goes with its alt text, the post goes out once
 * even when Parvis dies after the uploads, and what a network refuses is given up at once, saying why.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBlueskyServer, type BlueskyServer } from '../../../e2e/networks/bluesky';
import { startMastodonServer, type MastodonServer } from '../../../e2e/networks/mastodon';
import { createBlueskyConnector, signInToBluesky } from '../connectors/bluesky';
import { accountContext, testConnector } from '../connectors/mastodon/fixtures/local-account';
import { ConnectorError, type AccountContext, type Connector, type PublishMedia } from '../connectors/types';
import { makePng } from '../media/test-images';
import { makeCore } from '../testing/core-fixture';
import { Publisher } from './publisher';

const START = Date.parse('2026-12-07T10:00:00.000Z');
const MINUTE = 60_000;
let clock = START;
const now = () => clock;

let mastodon: MastodonServer;
let bluesky: BlueskyServer;
let core: ReturnType<typeof makeCore>;
let publishers: Publisher[] = [];

beforeEach(async () => {
  clock = START;
  mastodon = await startMastodonServer({ now });
  bluesky = await startBlueskyServer({ now });
  core = makeCore({ startSync: false, now });
});

afterEach(async () => {
  for (const p of publishers) p.stop();
  publishers = [];
  await mastodon.close();
  await bluesky.close();
  await core.dispose();
});

function addImage(png: Buffer, alt: string): number {
  const upload = core.media.begin(png.length, 'image.png');
  core.media.append(upload, 0, png);
  const item = core.media.finish(upload, null);
  core.media.setAlt(item.id, alt);
  return item.id;
}

async function setup() {
  const mastodonAccount = core.accounts.upsert({ network: 'mastodon', serverUrl: mastodon.url, remoteId: mastodon.control.meId, handle: '@parvis', displayName: 'Parvis' });
  const signIn = await signInToBluesky(bluesky.url, bluesky.control.account.handle, bluesky.control.account.password, { now });
  const blueskyAccount = core.accounts.upsert({ network: 'bluesky', serverUrl: bluesky.url, remoteId: signIn.author.remoteId, handle: signIn.author.handle, displayName: 'Parvis' });
  const contexts = new Map<number, AccountContext>([
    [mastodonAccount.id, { ...accountContext(mastodon), accountId: mastodonAccount.id }],
    [blueskyAccount.id, { accountId: blueskyAccount.id, network: 'bluesky', serverUrl: bluesky.url, remoteId: signIn.author.remoteId, handle: signIn.author.handle, credentials: signIn.credentials }],
  ]);
  const connectors = new Map<number, Connector>([
    [mastodonAccount.id, testConnector({ retries: 0 })],
    [blueskyAccount.id, createBlueskyConnector({ now, sleep: async () => {}, timeoutMs: 5_000, retries: 0 })],
  ]);
  const startParvis = (wrap: (c: Connector) => Connector = (c) => c) => {
    const p = new Publisher({
      db: core.db,
      now,
      connectorFor: (id) => (connectors.has(id) ? wrap(connectors.get(id)!) : null),
      contextFor: async (id) => contexts.get(id) ?? null,
      // As the core wires it (app.ts): the target's images, read from the library at send time.
      mediaFor: (t) =>
        core.posts.mediaOf(t.post_id, t.id).map((id) => {
          const row = core.media.get(id);
          return { mime: row.mime, alt: row.alt, bytes: row.bytes, width: row.width, height: row.height, sha256: row.sha256, load: () => core.media.read(id) };
        }),
      backoff: { baseMs: 1_000, capMs: 10_000 },
      random: () => 0.5,
    });
    publishers.push(p);
    return p;
  };
  const onMastodon = (text: string) => mastodon.control.state().posted.filter((p) => p.text === text && !p.deleted);
  const onBluesky = (text: string) => bluesky.control.state().posts.filter((p) => p.text === text && p.author === signIn.author.remoteId);
  return { mastodonAccount, blueskyAccount, startParvis, onMastodon, onBluesky, contexts, signIn };
}

describe('publishing a post with images', () => {
  it('sends each image with its alt text, once, even when Parvis dies after the uploads; the upload left behind is attached to nothing', { timeout: 30_000 }, async () => {
    const s = await setup();
    const shop = addImage(makePng(1200, 800, [200, 80, 40]), 'La vitrine de la boutique, décorée pour l’hiver');
    const lamp = addImage(makePng(600, 900, [20, 80, 200]), 'Une lampe orange posée sur une table en chêne');
    const postId = core.posts.create({
      text: 'Notre vitrine d’hiver est prête ❄️',
      media: [shop, lamp],
      targets: [
        { accountId: s.mastodonAccount.id, scheduledAt: START + MINUTE },
        // Bluesky's variant: the lamp alone.
        { accountId: s.blueskyAccount.id, scheduledAt: START + MINUTE, textOverride: 'La lampe de l’hiver ❄️', media: [lamp] },
      ],
    });
    // Each network call succeeds, then the process dies before its answer is recorded.
    const dying = s.startParvis((c) => ({
      ...c,
      network: c.network,
      capabilities: c.capabilities,
      scheduling: c.scheduling,
      publish: async (ctx, req) => {
        await c.publish!(ctx, req);
        return new Promise(() => {});
      },
    }));
    dying.schedule(postId);
    clock += MINUTE;
    void dying.drain();
    const deadline = Date.now() + 10_000;
    while (s.onMastodon('Notre vitrine d’hiver est prête ❄️').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    dying.stop();

    clock += 20_000;
    const restarted = s.startParvis();
    restarted.recoverAtStart();
    // The Bluesky target, not reached before the crash, was due: the user says publish now.
    const blueskyTarget = core.posts.get(postId).targets[1]!;
    expect(blueskyTarget.state).toBe('needs-decision');
    restarted.decide(blueskyTarget.id, { action: 'publish-now' });
    await restarted.drain();

    const toots = s.onMastodon('Notre vitrine d’hiver est prête ❄️');
    expect(toots).toHaveLength(1);
    expect(toots[0]!.media).toEqual([
      { id: expect.any(String), mime: 'image/png', description: 'La vitrine de la boutique, décorée pour l’hiver' },
      { id: expect.any(String), mime: 'image/png', description: 'Une lampe orange posée sur une table en chêne' },
    ]);
    // The resend uploaded both images again; the first two are attached to nothing (Mastodon
    // removes such uploads), and the status was made once thanks to its Idempotency-Key.
    const uploads = mastodon.control.state().uploads;
    expect(uploads).toHaveLength(4);
    expect(uploads.filter((u) => u.statusId === toots[0]!.id)).toHaveLength(2);
    expect(uploads.filter((u) => u.statusId === null)).toHaveLength(2);

    const skeets = s.onBluesky('La lampe de l’hiver ❄️');
    expect(skeets).toHaveLength(1);
    expect(skeets[0]!.embed).toMatchObject({
      $type: 'app.bsky.embed.images',
      images: [{ alt: 'Une lampe orange posée sur une table en chêne', aspectRatio: { width: 600, height: 900 }, image: { mimeType: 'image/png' } }],
    });
    expect(core.posts.get(postId).targets.map((t) => t.state)).toEqual(['published', 'published']);
  });

  it('waits while Mastodon processes an image (202, then 206) and attaches it once processed', { timeout: 30_000 }, async () => {
    const s = await setup();
    mastodon.control.setMediaProcessingReads(2);
    const image = addImage(makePng(800, 800), 'Le logo de la boutique');
    const postId = core.posts.create({ text: 'Nouveau logo', media: [image], targets: [{ accountId: s.mastodonAccount.id, scheduledAt: START + MINUTE }] });
    const parvis = s.startParvis();
    parvis.schedule(postId);
    clock += MINUTE;
    await parvis.drain();
    const toots = s.onMastodon('Nouveau logo');
    expect(toots).toHaveLength(1);
    expect(toots[0]!.media).toMatchObject([{ description: 'Le logo de la boutique' }]);
    const reads = mastodon.control.state().requests.filter((r) => r.path.startsWith('/api/v1/media/'));
    expect(reads.map((r) => r.status)).toEqual([206, 206, 200]);
  });

  it('refuses at once, saying why, an image a network does not take (too large, not an image), and publishes nothing', { timeout: 30_000 }, async () => {
    const s = await setup();
    const ctx = s.contexts.get(s.mastodonAccount.id)!;
    const big = makePng(10, 10, [0, 0, 0], 16 * 1024 * 1024 + 10);
    const media = (bytes: Buffer, mime = 'image/png'): PublishMedia => ({ mime, alt: 'x', bytes: bytes.length, width: 10, height: 10, sha256: 'a'.repeat(64), load: () => bytes });
    const mastodonRefusal = await testConnector({ retries: 0 }).publish!(ctx, { text: 'trop grand', idempotencyKey: 'k1', media: [media(big)] }).catch((e: unknown) => e);
    expect(mastodonRefusal).toBeInstanceOf(ConnectorError);
    expect(mastodonRefusal).toMatchObject({ kind: 'not-supported', status: 422, message: expect.stringMatching(/image 1.*16 MB/) });
    const notImage = Buffer.from('%PDF-1.7 not an image');
    expect(await testConnector({ retries: 0 }).publish!(ctx, { text: 'pdf', idempotencyKey: 'k2', media: [media(notImage)] }).catch((e: unknown) => e)).toMatchObject({ kind: 'not-supported', status: 422 });
    expect(mastodon.control.state().posted).toHaveLength(0);

    // Bluesky: a blob over 2,000,000 bytes is refused by the PDS when the post uses it.
    const bsCtx = s.contexts.get(s.blueskyAccount.id)!;
    const connector = createBlueskyConnector({ now, sleep: async () => {}, timeoutMs: 5_000, retries: 0 });
    const pdf = await connector.publish!(bsCtx, { text: 'pdf', idempotencyKey: 'k3', media: [media(notImage, 'application/pdf')] }).catch((e: unknown) => e);
    expect(pdf).toMatchObject({ kind: 'not-supported', message: expect.stringContaining('Expected "image/*" (got "application/pdf")') });
    const tooLarge = makePng(10, 10, [0, 0, 0], 2_000_100);
    const lying = { ...media(tooLarge), bytes: 1000 }; // the library's size aside, the PDS decides
    expect(await connector.publish!(bsCtx, { text: 'grand', idempotencyKey: 'k4', media: [lying] }).catch((e: unknown) => e)).toMatchObject({ kind: 'not-supported', message: expect.stringContaining('blob too big (maximum 2000000') });
    expect(s.onBluesky('grand')).toHaveLength(0);
    expect(s.onBluesky('pdf')).toHaveLength(0);
  });
});
