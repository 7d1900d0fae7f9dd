/**
 * The live demo's activity simulator: every kind of community activity lands on its local network
 * in the shape that network notifies (a mention notification, a direct conversation, a reply
 * under the brand's post, a comment held for review…), one event every 20–60 s, and it stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../demo/seeded-workspace';
import { startDemoActivity, type ActivityKind, type ActivityTimers, type DemoPerson, type DemoTexts } from './demo-activity';
import { startNetworks, type LocalNetworks } from './fixture';
import { startMastodonServer } from './mastodon';

const people: DemoPerson[] = [
  { name: 'Camille Rousseau', lang: 'fr', mastodon: 'camille@piaille.fr', bluesky: 'alice.test', youtube: '@CamilleRousseau' },
  { name: 'Dan Whitaker', lang: 'en', mastodon: 'dan@mastodon.online', bluesky: 'bob.test', youtube: '@DanWhitaker' },
];
const texts: DemoTexts = {
  openers: { fr: ['Ma commande n°{n} n’est pas arrivée'], en: ['My order #{n} has not shipped'] },
  followups: { fr: ['Toujours rien reçu ce matin…'], en: ['Still nothing this morning…'] },
};

/** Timers that record what was planned and run it only when told. */
function manualTimers() {
  const planned: { callback: () => void; ms: number; cleared: boolean }[] = [];
  const timers: ActivityTimers = {
    setTimeout: (callback, ms) => {
      const entry = { callback, ms, cleared: false };
      planned.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
  };
  return { timers, planned };
}

let networks: LocalNetworks;

beforeAll(async () => {
  networks = await startNetworks();
});

afterAll(async () => {
  await networks?.stop();
});

describe('demo activity', () => {
  it('writes every kind of activity where the network notifies the brand', () => {
    const { timers } = manualTimers();
    const { mastodon, bluesky, youtube } = networks;
    const post = bluesky.control.addOwnPost('Nouvelle collection Automne : la suspension Halo en laiton brossé');
    const video = youtube.control.addVideo({ title: 'Dans l’atelier : souffler le verre de la lampe Orbe' });
    const activity = startDemoActivity(
      {
        mastodon: [{ control: mastodon.control, lang: 'mixed' }],
        bluesky: { control: bluesky.control, posts: [post] },
        youtube: { control: youtube.control, videoIds: [video.id] },
      },
      { people, texts, random: seededRandom(7), timers },
    );
    const notificationsBefore = bluesky.control.state().notificationCount;
    for (let i = 0; i < 80; i++) activity.step();
    activity.stop();

    const kinds = new Set(activity.events.map((e) => e.kind));
    const all: ActivityKind[] = ['mastodon-mention', 'mastodon-dm', 'mastodon-follow-up', 'bluesky-mention', 'bluesky-reply', 'youtube-comment', 'youtube-held-comment', 'youtube-reply'];
    expect([...kinds].sort()).toEqual([...all].sort());

    for (const event of activity.events) {
      expect(event.text).not.toContain('{n}');
      expect(event.account).toBe({ mastodon: 'parvis', bluesky: bluesky.control.account.handle, youtube: youtube.control.channelId }[event.network]);
      switch (event.network) {
        case 'mastodon': {
          const status = mastodon.control.status(event.remoteId);
          expect(status, event.kind).toBeDefined();
          // Every status names the brand, so that Mastodon notifies it.
          expect(status!.mentionIds).toContain(mastodon.control.meId);
          if (event.kind === 'mastodon-dm') expect(status!.visibility).toBe('direct');
          if (event.kind === 'mastodon-follow-up') expect(status!.inReplyToId).not.toBeNull();
          break;
        }
        case 'bluesky':
          expect(bluesky.control.state().posts.some((p) => p.uri === event.remoteId), event.kind).toBe(true);
          break;
        case 'youtube': {
          const comment = youtube.control.comment(event.remoteId);
          expect(comment?.moderationStatus, event.kind).toBe(event.kind === 'youtube-held-comment' ? 'heldForReview' : 'published');
          if (event.kind === 'youtube-reply') expect(comment?.parentId).not.toBeNull();
          break;
        }
      }
    }
    const blueskyEvents = activity.events.filter((e) => e.network === 'bluesky').length;
    expect(bluesky.control.state().notificationCount - notificationsBefore).toBe(blueskyEvents);
  });

  it('waits 20 to 60 s between events, goes on after each, and stops', () => {
    const { timers, planned } = manualTimers();
    const seen: string[] = [];
    const activity = startDemoActivity(
      { mastodon: [{ control: networks.mastodon.control, lang: 'fr' }] },
      { people, texts, random: seededRandom(3), timers, onActivity: (e) => seen.push(e.remoteId) },
    );
    expect(activity.events).toHaveLength(0);
    for (let i = 0; i < 20; i++) planned.at(-1)!.callback();
    expect(seen).toHaveLength(20);
    // French-speaking community only on this account.
    expect(new Set(activity.events.map((e) => e.author))).toEqual(new Set(['Camille Rousseau']));
    expect(planned).toHaveLength(21);
    for (const { ms } of planned) {
      expect(ms).toBeGreaterThanOrEqual(20_000);
      expect(ms).toBeLessThanOrEqual(60_000);
    }
    expect(new Set(planned.map((p) => p.ms)).size).toBeGreaterThan(5);

    activity.stop();
    expect(planned.at(-1)!.cleared).toBe(true);
  });

  it('shares Mastodon activity between the brand’s accounts by their weight', async () => {
    const quiet = await startMastodonServer({ me: { username: 'lumen_presse' } });
    try {
      const { timers } = manualTimers();
      const activity = startDemoActivity(
        { mastodon: [{ control: networks.mastodon.control, lang: 'mixed' }, { control: quiet.control, lang: 'mixed', weight: 0 }] },
        { people, texts, random: seededRandom(11), timers },
      );
      for (let i = 0; i < 30; i++) activity.step();
      activity.stop();
      expect(new Set(activity.events.map((e) => e.account))).toEqual(new Set(['parvis']));
      for (const event of activity.events) expect(networks.mastodon.control.status(event.remoteId)?.text).toContain(event.text);
    } finally {
      await quiet.close();
    }
  });

  it('refuses to start without people or texts', () => {
    expect(() => startDemoActivity({}, { people: [], texts })).toThrow(/people/);
    expect(() => startDemoActivity({}, { people, texts: { ...texts, openers: { fr: [], en: ['x'] } } })).toThrow(/fr texts/);
  });
});
