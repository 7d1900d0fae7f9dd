/**
 * Publishing through the core's store and publish job against the local Mastodon and Bluesky
 * servers: a post goes out once on each network at its time with its permalink; Mastodon holds a
 * post scheduled far ahead and publishes it with Parvis closed; a post due while the connection is
 * cut goes out once when it is back; a crash between the network call and the record publishes
 * nothing twice; a post due while Parvis was closed waits for a decision.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNetworkLink, type NetworkLink } from '../../../e2e/crash/network-link';
import { startBlueskyServer, type BlueskyServer } from '../../../e2e/networks/bluesky';
import { startMastodonServer, type MastodonServer } from '../../../e2e/networks/mastodon';
import { createBlueskyConnector, signInToBluesky } from '../connectors/bluesky';
import { testConnector } from '../connectors/mastodon/fixtures/local-account';
import type { AccountContext, Connector } from '../connectors/types';
import { createPostStore, type TargetRow } from '../db/posts';
import { makeCore } from '../testing/core-fixture';
import { Publisher } from './publisher';

const START = Date.parse('2026-12-07T10:00:00.000Z');
const MINUTE = 60_000;
let clock = START;
const now = () => clock;

let mastodon: MastodonServer;
let bluesky: BlueskyServer;
let links: NetworkLink[] = [];
let core: ReturnType<typeof makeCore>;
let publishers: Publisher[] = [];

beforeEach(async () => {
  clock = START;
  mastodon = await startMastodonServer({ now });
  bluesky = await startBlueskyServer({ now });
  links = [await startNetworkLink({ target: mastodon.url }), await startNetworkLink({ target: bluesky.url })];
  core = makeCore({ startSync: false, now });
});

afterEach(async () => {
  for (const p of publishers) p.stop();
  publishers = [];
  for (const l of links) await l.close();
  await mastodon.close();
  await bluesky.close();
  await core.dispose();
});

async function setup() {
  const [mastodonLink, blueskyLink] = links as [NetworkLink, NetworkLink];
  const mastodonAccount = core.accounts.upsert({ network: 'mastodon', serverUrl: mastodonLink.url, remoteId: mastodon.control.meId, handle: '@parvis', displayName: 'Parvis' });
  const signIn = await signInToBluesky(blueskyLink.url, bluesky.control.account.handle, bluesky.control.account.password, { now });
  const blueskyAccount = core.accounts.upsert({ network: 'bluesky', serverUrl: blueskyLink.url, remoteId: signIn.author.remoteId, handle: signIn.author.handle, displayName: 'Parvis' });
  const contexts = new Map<number, AccountContext>([
    [mastodonAccount.id, { accountId: mastodonAccount.id, network: 'mastodon', serverUrl: mastodonLink.url, remoteId: mastodon.control.meId, handle: '@parvis', credentials: { accessToken: mastodon.control.accessToken } }],
    [blueskyAccount.id, { accountId: blueskyAccount.id, network: 'bluesky', serverUrl: blueskyLink.url, remoteId: signIn.author.remoteId, handle: signIn.author.handle, credentials: signIn.credentials }],
  ]);
  const connectors = new Map<number, Connector>([
    [mastodonAccount.id, testConnector({ retries: 0 })],
    [blueskyAccount.id, createBlueskyConnector({ now, sleep: async () => {}, timeoutMs: 2_000, retries: 0 })],
  ]);
  const posts = createPostStore(core.db, now);
  /** A running Parvis: a new one after each restart, on the same data. */
  const startParvis = (wrap: (c: Connector) => Connector = (c) => c) => {
    const p = new Publisher({
      db: core.db,
      now,
      connectorFor: (id) => (connectors.has(id) ? wrap(connectors.get(id)!) : null),
      contextFor: async (id) => contexts.get(id) ?? null,
      backoff: { baseMs: 1_000, capMs: 10_000 },
      random: () => 0.5,
    });
    publishers.push(p);
    return p;
  };
  const targets = (postId: number) => posts.get(postId).targets;
  const byNetwork = (postId: number) => {
    const [m, b] = targets(postId);
    return { m: m!, b: b! };
  };
  const onMastodon = (text: string) => mastodon.control.state().posted.filter((p) => p.text === text && !p.deleted);
  const onBluesky = (text: string) => bluesky.control.state().posts.filter((p) => p.text === text && p.author === signIn.author.remoteId);
  return { mastodonAccount, blueskyAccount, posts, startParvis, targets, byNetwork, onMastodon, onBluesky, mastodonLink, blueskyLink };
}

const published = (t: TargetRow) => ({ state: t.state, remoteId: t.remote_id, permalink: t.permalink });

describe('publishing a scheduled post', () => {
  it('goes out once on each network at its time, each with its own variant and permalink', { timeout: 30_000 }, async () => {
    const s = await setup();
    const postId = s.posts.create({
      text: 'Notre collection d’hiver arrive samedi ❄️',
      link: 'https://shop.example/hiver',
      targets: [
        { accountId: s.mastodonAccount.id, scheduledAt: START + 3 * MINUTE },
        { accountId: s.blueskyAccount.id, scheduledAt: START + 3 * MINUTE, textOverride: 'Hiver ❄️ samedi, en avant-première ici' },
      ],
    });
    const parvis = s.startParvis();
    parvis.schedule(postId);
    await parvis.drain();
    // Too soon for Mastodon's own scheduler (5 minutes at least): Parvis sends it at the time.
    expect(s.targets(postId).map((t) => t.state)).toEqual(['scheduled', 'scheduled']);
    expect(mastodon.control.state().posted).toHaveLength(0);
    expect(mastodon.control.state().scheduled).toHaveLength(0);

    clock += 3 * MINUTE;
    await parvis.drain();
    const mastodonText = 'Notre collection d’hiver arrive samedi ❄️\n\nhttps://shop.example/hiver';
    const toots = s.onMastodon(mastodonText);
    const skeets = s.onBluesky('Hiver ❄️ samedi, en avant-première ici\n\nhttps://shop.example/hiver');
    expect(toots).toHaveLength(1);
    expect(skeets).toHaveLength(1);
    const { m, b } = s.byNetwork(postId);
    expect(published(m)).toEqual({ state: 'published', remoteId: toots[0]!.id, permalink: expect.stringContaining(toots[0]!.id) });
    expect(published(b)).toEqual({ state: 'published', remoteId: skeets[0]!.uri, permalink: expect.stringMatching(/^https:\/\/bsky\.app\/profile\/.+\/post\/.+/) });
    expect(b.published_at).toBe(clock);

    clock += 10 * MINUTE;
    await parvis.drain();
    expect(s.onMastodon(mastodonText)).toHaveLength(1);
    expect(s.onBluesky('Hiver ❄️ samedi, en avant-première ici\n\nhttps://shop.example/hiver')).toHaveLength(1);
  });

  it('hands a post scheduled far ahead to Mastodon, which publishes it with Parvis closed; found at its time', { timeout: 30_000 }, async () => {
    const s = await setup();
    const at = START + 24 * 60 * MINUTE;
    const postId = s.posts.create({ text: 'Demain, atelier ouvert à tous', targets: [{ accountId: s.mastodonAccount.id, scheduledAt: at }] });
    const first = s.startParvis();
    first.schedule(postId);
    await first.drain();
    const held = mastodon.control.state().scheduled;
    expect(held).toEqual([{ id: expect.any(String), scheduledAt: at, text: 'Demain, atelier ouvert à tous', idempotencyKey: s.targets(postId)[0]!.uid }]);
    expect(s.targets(postId)[0]).toMatchObject({ state: 'scheduled', remote_scheduled_id: held[0]!.id });
    first.stop(); // Parvis is closed

    clock = at + 2 * 60 * MINUTE;
    const toots = s.onMastodon('Demain, atelier ouvert à tous');
    expect(toots).toHaveLength(1); // published by the server on its own
    const second = s.startParvis();
    expect(second.recoverAtStart()).toEqual([]); // not offered for a decision: it went out on time
    await second.drain();
    expect(published(s.targets(postId)[0]!)).toEqual({ state: 'published', remoteId: toots[0]!.id, permalink: expect.stringContaining(toots[0]!.id) });
    expect(s.onMastodon('Demain, atelier ouvert à tous')).toHaveLength(1);
  });

  it('moves a post Mastodon holds on the server, and takes it back when moved too close for Mastodon to hold: published once, at the new time', { timeout: 30_000 }, async () => {
    const s = await setup();
    const at = START + 24 * 60 * MINUTE;
    const postId = s.posts.create({ text: 'Vente privée jeudi', targets: [{ accountId: s.mastodonAccount.id, scheduledAt: at }] });
    const p = s.startParvis();
    p.schedule(postId);
    await p.drain();
    const [held] = mastodon.control.state().scheduled;
    // A day later: Mastodon keeps holding it, at its new time.
    await p.move(s.targets(postId)[0]!.id, at + 24 * 60 * MINUTE);
    expect(mastodon.control.state().scheduled).toEqual([{ ...held!, scheduledAt: at + 24 * 60 * MINUTE }]);
    expect(s.targets(postId)[0]).toMatchObject({ state: 'scheduled', remote_scheduled_id: held!.id, scheduled_at: at + 24 * 60 * MINUTE });

    // Two minutes from now: too close for Mastodon, so Parvis takes it back and sends it itself.
    const soon = START + 2 * MINUTE;
    await p.move(s.targets(postId)[0]!.id, soon);
    expect(mastodon.control.state().scheduled).toEqual([]);
    expect(s.targets(postId)[0]).toMatchObject({ state: 'scheduled', remote_scheduled_id: null, scheduled_at: soon, key_generation: 1 });
    await p.drain();
    expect(s.onMastodon('Vente privée jeudi')).toHaveLength(0); // not before its time
    clock = soon;
    await p.drain();
    const toots = s.onMastodon('Vente privée jeudi');
    expect(toots).toHaveLength(1);
    expect(published(s.targets(postId)[0]!)).toEqual({ state: 'published', remoteId: toots[0]!.id, permalink: expect.stringContaining(toots[0]!.id) });
    // Sent, it no longer moves.
    await expect(p.move(s.targets(postId)[0]!.id, soon + MINUTE)).rejects.toMatchObject({ kind: 'not-supported' });
  });

  it('waits while the connection is cut at its time, and goes out once on each network when it is back', { timeout: 30_000 }, async () => {
    const s = await setup();
    const postId = s.posts.create({
      text: 'Fermeture exceptionnelle lundi',
      targets: [
        { accountId: s.mastodonAccount.id, scheduledAt: START + MINUTE },
        { accountId: s.blueskyAccount.id, scheduledAt: START + MINUTE },
      ],
    });
    const parvis = s.startParvis();
    parvis.schedule(postId);
    await s.mastodonLink.cut();
    await s.blueskyLink.cut();
    clock += MINUTE;
    for (let i = 0; i < 8; i++) {
      await parvis.drain();
      clock += 20_000;
    }
    // Many tries without an answer: still waiting, never given up on.
    for (const t of s.targets(postId)) {
      expect(t).toMatchObject({ state: 'failed', last_error: expect.stringMatching(/^network:/) });
      expect(t.attempts).toBeGreaterThanOrEqual(6);
      expect(t.next_attempt_at).not.toBeNull();
    }
    expect(s.onMastodon('Fermeture exceptionnelle lundi')).toHaveLength(0);

    await s.mastodonLink.restore();
    await s.blueskyLink.restore();
    clock += 20_000;
    await parvis.drain();
    expect(s.targets(postId).map((t) => t.state)).toEqual(['published', 'published']);
    expect(s.onMastodon('Fermeture exceptionnelle lundi')).toHaveLength(1);
    expect(s.onBluesky('Fermeture exceptionnelle lundi')).toHaveLength(1);
  });

  it('publishes nothing twice when Parvis dies between the network call and the record', { timeout: 30_000 }, async () => {
    const s = await setup();
    const postId = s.posts.create({
      text: 'Jeu concours : les gagnants sont…',
      targets: [
        { accountId: s.mastodonAccount.id, scheduledAt: START + MINUTE },
        { accountId: s.blueskyAccount.id, scheduledAt: START + MINUTE },
      ],
    });
    // The network call succeeds, then the process dies before its answer is recorded.
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
    while (s.onMastodon('Jeu concours : les gagnants sont…').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(s.targets(postId).map((t) => t.state)).toEqual(['publishing', 'scheduled']);
    dying.stop();

    // Restart: the `publishing` target is sent again with the same key; Mastodon answers the first status.
    clock += 30_000;
    const restarted = s.startParvis();
    restarted.recoverAtStart();
    await restarted.drain();
    const toots = s.onMastodon('Jeu concours : les gagnants sont…');
    expect(toots).toHaveLength(1);
    expect(s.byNetwork(postId).m).toMatchObject({ state: 'published', remote_id: toots[0]!.id });
    // The Bluesky target, not reached before the crash, was due: it is offered for a decision.
    expect(s.byNetwork(postId).b.state).toBe('needs-decision');

    // The same crash on Bluesky: the record key derived from the target finds the first post.
    const again = s.posts.create({ text: 'Deuxième tirage ce soir', targets: [{ accountId: s.blueskyAccount.id, scheduledAt: clock + MINUTE }] });
    const dyingAgain = s.startParvis((c) => ({
      ...c,
      network: c.network,
      capabilities: c.capabilities,
      publish: async (ctx, req) => {
        await c.publish!(ctx, req);
        return new Promise(() => {});
      },
    }));
    dyingAgain.schedule(again);
    clock += MINUTE;
    void dyingAgain.drain();
    const until = Date.now() + 10_000;
    while (s.onBluesky('Deuxième tirage ce soir').length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    dyingAgain.stop();
    expect(s.targets(again)[0]!.state).toBe('publishing');
    const third = s.startParvis();
    third.recoverAtStart();
    await third.drain();
    const skeets = s.onBluesky('Deuxième tirage ce soir');
    expect(skeets).toHaveLength(1);
    expect(s.targets(again)[0]).toMatchObject({ state: 'published', remote_id: skeets[0]!.uri });
  });

  it('offers a post that came due while Parvis was closed for a decision at start, and sends it only when asked', { timeout: 30_000 }, async () => {
    const s = await setup();
    const postId = s.posts.create({
      text: 'Soldes : dernier jour',
      targets: [
        { accountId: s.mastodonAccount.id, scheduledAt: START + 2 * MINUTE },
        { accountId: s.blueskyAccount.id, scheduledAt: START + 2 * MINUTE },
      ],
    });
    const first = s.startParvis();
    first.schedule(postId);
    await first.drain();
    first.stop(); // closed before the time

    clock += 3 * 60 * MINUTE;
    const second = s.startParvis();
    const late = second.recoverAtStart();
    expect(late).toHaveLength(2);
    await second.drain();
    expect(s.targets(postId).map((t) => t.state)).toEqual(['needs-decision', 'needs-decision']);
    expect(s.onMastodon('Soldes : dernier jour')).toHaveLength(0);
    expect(s.onBluesky('Soldes : dernier jour')).toHaveLength(0);

    const { m, b } = s.byNetwork(postId);
    second.decide(m.id, { action: 'publish-now' });
    second.decide(b.id, { action: 'reschedule', at: clock + 60 * MINUTE });
    await second.drain();
    expect(s.onMastodon('Soldes : dernier jour')).toHaveLength(1);
    expect(s.onBluesky('Soldes : dernier jour')).toHaveLength(0);
    expect(s.byNetwork(postId).b).toMatchObject({ state: 'scheduled', scheduled_at: clock + 60 * MINUTE });
    expect(() => second.decide(m.id, { action: 'publish-now' })).toThrow(/decision/);
  });

  it('gives up after repeated refusals, and sends once when the user asks again', { timeout: 30_000 }, async () => {
    const s = await setup();
    const postId = s.posts.create({ text: 'Inscriptions ouvertes', targets: [{ accountId: s.mastodonAccount.id, scheduledAt: START + MINUTE }] });
    const parvis = s.startParvis();
    parvis.schedule(postId);
    mastodon.control.failNext({ kind: 'server-error', status: 503 }, 6);
    clock += MINUTE;
    for (let i = 0; i < 8; i++) {
      await parvis.drain();
      clock += 20_000;
    }
    const [givenUp] = s.targets(postId);
    expect(givenUp).toMatchObject({ state: 'failed', attempts: 6, next_attempt_at: null, last_error: expect.stringMatching(/^network:/) });
    expect(s.onMastodon('Inscriptions ouvertes')).toHaveLength(0);

    parvis.decide(givenUp!.id, { action: 'publish-now' });
    await parvis.drain();
    expect(s.targets(postId)[0]!.state).toBe('published');
    expect(s.onMastodon('Inscriptions ouvertes')).toHaveLength(1);
  });
});
