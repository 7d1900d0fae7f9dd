/**
 * The live demo (`npm run demo`): Parvis connected, through its real connectors and sign-ins, to
 * local simulated networks where the community of "Atelier Lumen", a French design-lamp brand,
 * keeps writing.
 *
 * 1. The seeded demo workspace (../core/demo/workspace.ts) is generated on a throwaway profile and
 *    read back: its people, texts, threads and the team's triage are the live demo's material.
 * 2. Local servers start on 127.0.0.1: the brand's French Mastodon account, its English support
 *    account, a third Mastodon account left for the user to connect through the UI, a Bluesky PDS
 *    and a YouTube Data API (with Google's OAuth endpoints).
 * 3. Web mode starts with the real connector registry and sign-in providers pointed at them, and
 *    the accounts are connected through `accounts.connect` (OAuth approved by a stand-in browser,
 *    an app password for Bluesky), exactly as a user would.
 * 4. The threads are written into the servers with their times (squeezed into the last days, so
 *    that each network's first sync reaches them) and the accounts are polled: the history arrives
 *    through the connectors and the ingest function, like any activity.
 * 5. The team's triage (tags, assignees, statuses, read state) is applied through the contract.
 * 6. The activity simulator (e2e/networks/demo-activity.ts) adds community activity every 20–60 s.
 *
 * The profile is temporary and its secrets stay in memory (web mode's demo keychain).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InboxFilter, InboxPage } from '../../shared/contract';
import type { Account, ConversationKind, ConversationStatus, Network } from '../../shared/model';
import { createCore, type Core } from '../../electron/core/app';
import { DEMO_ACCOUNTS, seedDemoWorkspace, seededRandom } from './seeded-workspace';
import { MemorySecretStore } from '../../electron/core/secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../../electron/core/settings/settings-store';
import { YOUTUBE_QUOTA } from '../../electron/core/connectors/youtube/descriptor';
import { startBlueskyServer, type BlueskyServer, type StrongRef } from '../networks/bluesky';
import { startDemoActivity, type ActivityEvent, type DemoActivity, type DemoLanguage, type DemoPerson, type DemoTexts } from '../networks/demo-activity';
import { LOCAL_GOOGLE_CLIENT, LOCAL_REDDIT_CLIENT, LOCAL_X_CLIENT, callCore, connectAccount, connectAccounts, localEndpoints, networkWiring } from '../networks/fixture';
import { startDiscourseServer, type DiscourseServer } from '../networks/discourse';
import { startFeedServer, type FeedServer } from '../networks/feeds';
import { DEMO_FEEDS, DEMO_NEW_ALERT, demoFeeds } from './demo-feeds';
import { startMetaServer, type MetaServer } from '../networks/meta';
import { startWordPressServer, type WordPressServer } from '../networks/wordpress';
import { writeMetaDemo } from './meta-demo';
import { startMastodonServer, type MastodonServer } from '../networks/mastodon';
import { startRedditServer, type RedditServer } from '../networks/reddit';
import { startXServer, type XServer } from '../networks/x';
import { startTelegramServer, type TelegramServer } from '../networks/telegram';
import { startYouTubeServer, type YouTubeServer } from '../networks/youtube';
import { DEMO_MAILBOX, startDemoMailbox, type DemoMailbox } from './mailbox-demo';
import { startWebMode, type WebMode, type WebModeOptions } from '../../electron/web/start';

/** Conversations in the seeded workspace the demo is made from. */
const SEEDED_CONVERSATIONS = 320;
/** The seeded history spans two weeks; the networks' first sync reads one week back. */
const HISTORY_SQUEEZE = 0.45;
/** The demo's YouTube channel has a quota extension (Google grants them on request). */
const DEMO_YOUTUBE_QUOTA = 1_000_000;
/** How often the demo polls by default (the lowest the settings allow), so activity shows soon. */
const DEMO_POLL_INTERVAL_SECONDS = 15;
/** How long the first sync of the history may take before the demo goes on without it. */
const SETTLE_TIMEOUT_MS = 60_000;

/** The account on the third Mastodon server, for the user to connect through the UI. */
export const UNCONNECTED_MASTODON = { username: 'lumen_presse', displayName: 'Atelier Lumen · Presse' } as const;
/** The Bluesky account's sign-in (what the connect dialog asks for). */
export const DEMO_BLUESKY_LOGIN = { handle: 'atelierlumen.bsky.social', password: 'lumn-demo-2026-live' } as const;

// ---- The seeded workspace, read back -----------------------------------------------------------

interface SeededMessage {
  direction: 'in' | 'out';
  text: string;
  createdAt: number;
  author: { name: string; handle: string };
}

interface SeededThread {
  /** Index in DEMO_ACCOUNTS. */
  account: number;
  kind: ConversationKind;
  context: string | null;
  messages: SeededMessage[];
  triage: {
    status: ConversationStatus;
    snoozeUntil: number | null;
    /** A team member's name, or null; `isMe` for the manager running the demo. */
    assignee: { name: string; isMe: boolean } | null;
    tags: string[];
    unread: boolean;
    lastActivityAt: number;
  };
}

interface SeededWorkspace {
  tags: { name: string; color: string }[];
  /** Team members other than "me". */
  team: string[];
  savedReplies: { name: string; text: string; language: 'fr' | 'en' | null; networks: string[] }[];
  views: { name: string; filter: InboxFilter; tagName: string | null }[];
  threads: SeededThread[];
}

/** Generates the seeded demo workspace on a throwaway profile and reads it back through the contract. */
async function readSeededWorkspace(now: number, conversations: number): Promise<SeededWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'parvis-demo-seed-'));
  const core = createCore({ dataDir: dir, secrets: new MemorySecretStore(), settings: createSettingsStore(memoryBackend()), shell: 'web', now: () => now });
  try {
    seedDemoWorkspace(core, { now, conversations });
    const accountIndex = new Map(core.accounts.listStored().map((a) => [a.id, DEMO_ACCOUNTS.findIndex((d) => d.remoteId === a.remoteId)]));
    const tags = await callCore(core, 'tags.list', {});
    const tagName = new Map(tags.map((t) => [t.id, t.name]));
    const members = await callCore(core, 'members.list', {});
    const memberById = new Map(members.map((m) => [m.id, m]));
    const views = (await callCore(core, 'views.list', {})).map((v) => {
      const { tagId, ...filter } = v.filter;
      return { name: v.name, filter, tagName: tagId === undefined ? null : (tagName.get(tagId) ?? null) };
    });
    const threads: SeededThread[] = [];
    let cursor: string | null = null;
    do {
      const page: InboxPage = await callCore(core, 'inbox.list', { filter: {}, cursor, limit: 500 });
      for (const summary of page.items) {
        const detail = await callCore(core, 'conversation.get', { conversationId: summary.id, markRead: false });
        const authors = new Map(detail.authors.map((a) => [a.id, a]));
        const assignee = summary.assigneeId === null ? null : (memberById.get(summary.assigneeId) ?? null);
        threads.push({
          account: accountIndex.get(summary.accountId) ?? 0,
          kind: summary.kind,
          context: detail.context?.text ?? null,
          messages: detail.messages.map((m) => {
            const author = m.authorId === null ? undefined : authors.get(m.authorId);
            return { direction: m.direction, text: m.text, createdAt: m.createdAt, author: { name: author?.name ?? '', handle: author?.handle ?? '' } };
          }),
          triage: {
            status: summary.status,
            snoozeUntil: summary.snoozeUntil,
            assignee: assignee ? { name: assignee.name, isMe: assignee.isMe } : null,
            tags: summary.tagIds.map((id) => tagName.get(id)).filter((n): n is string => n !== undefined),
            unread: summary.unread,
            lastActivityAt: summary.lastActivityAt,
          },
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return {
      tags: tags.map((t) => ({ name: t.name, color: t.color })),
      team: members.filter((m) => !m.isMe).map((m) => m.name),
      savedReplies: (await callCore(core, 'savedReplies.list', {})).map((r) => ({ name: r.name, text: r.text, language: r.language, networks: r.networks })),
      views,
      // Oldest first: the order they are written to the networks in.
      threads: threads.sort((a, b) => (a.messages[0]?.createdAt ?? 0) - (b.messages[0]?.createdAt ?? 0)),
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- People and texts --------------------------------------------------------------------------

/** Letters and digits only, accents dropped: for handles. */
function handlePart(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '');
}

/** The accounts of the workspace with a single language. */
function accountLanguage(account: number): DemoLanguage | null {
  const lang = DEMO_ACCOUNTS[account]?.lang;
  return lang === 'fr' || lang === 'en' ? lang : null;
}

const FRENCH_HINTS = /[éèêàçùâîôœ«»]|\b(je|vous|nous|est|pas|le|la|les|des|une|pour|merci|bonjour)\b/i;

/** Everyone who wrote to the brand, with a handle on each network and the language they write in. */
function communityOf(workspace: SeededWorkspace): DemoPerson[] {
  const byName = new Map<string, { fr: number; en: number }>();
  for (const thread of workspace.threads) {
    const fixed = accountLanguage(thread.account);
    for (const m of thread.messages) {
      if (m.direction !== 'in' || !m.author.name) continue;
      const votes = byName.get(m.author.name) ?? { fr: 0, en: 0 };
      const lang = fixed ?? (FRENCH_HINTS.test(m.text) ? 'fr' : 'en');
      votes[lang] += fixed ? 10 : 1;
      byName.set(m.author.name, votes);
    }
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, votes]) => {
      const lang: DemoLanguage = votes.fr >= votes.en ? 'fr' : 'en';
      const first = handlePart(name.split(' ')[0] ?? name).toLowerCase() || 'someone';
      return {
        name,
        lang,
        mastodon: `${first}@${lang === 'fr' ? 'piaille.fr' : 'mastodon.online'}`,
        bluesky: `${first}.bsky.social`,
        youtube: `@${handlePart(name)}`,
      };
    });
}

/** The first messages (order numbers turned back into `{n}`) and follow-ups people wrote, by language. */
function textsOf(workspace: SeededWorkspace, people: readonly DemoPerson[]): DemoTexts {
  const langOf = new Map(people.map((p) => [p.name, p.lang]));
  const texts = { openers: { fr: new Set<string>(), en: new Set<string>() }, followups: { fr: new Set<string>(), en: new Set<string>() } };
  for (const thread of workspace.threads) {
    thread.messages.forEach((m, i) => {
      const lang = langOf.get(m.author.name);
      if (m.direction !== 'in' || !lang) return;
      if (i === 0) texts.openers[lang].add(m.text.replace(/\b\d{5}\b/, '{n}'));
      else texts.followups[lang].add(m.text);
    });
  }
  return {
    openers: { fr: [...texts.openers.fr], en: [...texts.openers.en] },
    followups: { fr: [...texts.followups.fr], en: [...texts.followups.en] },
  };
}

// ---- The local networks ------------------------------------------------------------------------

/** The servers' clock: real time, except while history is being written with past times. */
interface HistoryClock {
  at: number | null;
  now(): number;
}

interface DemoServers {
  /** The French account, the English support account, and the one left for the user. */
  mastodon: [MastodonServer, MastodonServer, MastodonServer];
  bluesky: BlueskyServer;
  youtube: YouTubeServer;
  /** The Graph API: the brand's Facebook Page and Instagram account. */
  meta: MetaServer;
  x: XServer;
  reddit: RedditServer;
  /** The brand's forum, its blog, and the feeds it follows. */
  discourse: DiscourseServer;
  wordpress: WordPressServer;
  feeds: FeedServer;
  /** The Bot API: the brand's bot, administrator of its community group. */
  telegram: TelegramServer;
  close(): Promise<void>;
}

async function startDemoServers(clock: HistoryClock, people: readonly DemoPerson[]): Promise<DemoServers> {
  const now = () => clock.now();
  const started: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(server: T) => {
    started.push(server);
    return server;
  };
  try {
    const french = track(await startMastodonServer({ me: { username: 'atelierlumen', displayName: 'Atelier Lumen' }, now }));
    const english = track(await startMastodonServer({ me: { username: 'lumen_support', displayName: 'Lumen Support (EN)' }, now }));
    const press = track(await startMastodonServer({ me: UNCONNECTED_MASTODON, now }));
    const bluesky = track(
      await startBlueskyServer({
        account: { handle: DEMO_BLUESKY_LOGIN.handle, password: DEMO_BLUESKY_LOGIN.password, displayName: 'Atelier Lumen' },
        community: people.map((p) => ({ handle: p.bluesky, displayName: p.name })),
        now,
      }),
    );
    const youtubeAccount = DEMO_ACCOUNTS.find((a) => a.network === 'youtube');
    const youtube = track(
      await startYouTubeServer({
        channel: { id: youtubeAccount?.remoteId, title: 'Atelier Lumen', handle: '@AtelierLumen' },
        ...LOCAL_GOOGLE_CLIENT,
        dailyQuota: DEMO_YOUTUBE_QUOTA,
        now,
      }),
    );
    const meta = track(await startMetaServer({ now }));
    const x = track(await startXServer({ clientId: LOCAL_X_CLIENT.clientId, account: { username: 'AtelierLumen', name: 'Atelier Lumen' }, now }));
    const reddit = track(await startRedditServer({ clientId: LOCAL_REDDIT_CLIENT.clientId, account: 'AtelierLumen', now }));
    reddit.control.subreddit('AtelierLumen', { moderated: true });
    const discourse = track(await startDiscourseServer({ username: 'atelierlumen', now }));
    const wordpress = track(await startWordPressServer({ user: 'atelierlumen', now }));
    const feeds = track(await startFeedServer({ extra: demoFeeds(now()) }));
    const telegram = track(await startTelegramServer({ bot: { username: 'AtelierLumenBot', first_name: 'Atelier Lumen' }, now }));
    return { mastodon: [french, english, press], bluesky, youtube, meta, x, reddit, discourse, wordpress, feeds, telegram, close: () => Promise.all(started.map((s) => s.close())).then(() => undefined) };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}

/**
 * A few conversations of the brand on X and in its subreddit, in French and English, written in
 * the last hours: mentions and replies under its announcement, direct and private messages, new
 * comments and a reported one waiting in the modqueue.
 */
/**
 * The brand's community group on Telegram, where its bot is administrator: questions in French and
 * English written in the last hours, some answered by other members (a reply chain is one
 * conversation): eight conversations.
 */
function writeTelegram(servers: DemoServers, now: number): void {
  const t = servers.telegram.control;
  const group = t.addChat({ type: 'supergroup', title: 'Atelier Lumen · Communauté', username: 'atelierlumen_communaute' });
  const at = (minutesAgo: number) => Math.floor((now - minutesAgo * 60_000) / 1000);
  const people = {
    ines: t.user({ first_name: 'Inès', last_name: 'Garnier', username: 'ines_g' }),
    paul: t.user({ first_name: 'Paul', last_name: 'Lefèvre' }),
    olivia: t.user({ first_name: 'Olivia', last_name: 'Hart', username: 'olivia_hart' }),
    malik: t.user({ first_name: 'Malik', username: 'malik_deco' }),
    jeanne: t.user({ first_name: 'Jeanne', last_name: 'Morel' }),
    tom: t.user({ first_name: 'Tom', last_name: 'Becker', username: 'tbecker' }),
  };
  const post = (from: typeof people.ines, text: string, minutesAgo: number, replyTo?: number) => t.post({ chatId: group.id, from, text, date: at(minutesAgo), ...(replyTo ? { replyTo } : {}) }).message_id;
  const bulb = post(people.ines, 'Bonjour à tous ! Quelle ampoule mettez-vous dans la lampe Dune ? La mienne chauffe un peu.', 290);
  post(people.paul, 'Une LED 2700 K, E27, 6 W chez moi : aucune chauffe.', 275, bulb);
  post(people.olivia, 'Hi everyone, is the Halo floor lamp dimmable with a standard dimmer?', 240);
  const workshop = post(people.malik, 'Est-ce que l’atelier de Lyon se visite le samedi ?', 200);
  post(people.jeanne, 'J’y suis allée samedi dernier : ouvert de 10 h à 18 h, sans rendez-vous.', 190, workshop);
  post(people.jeanne, 'Ma commande 48377 indique « livrée » mais je n’ai rien reçu…', 150);
  post(people.tom, 'Do you have spare linen shades for the Dune? Mine got stained.', 110);
  post(people.ines, 'Petite photo de ma Dune dans l’entrée, je l’adore 😍', 80);
  post(people.malik, 'Les abat-jour en lin sont-ils lavables en machine ?', 50);
  post(people.olivia, 'Any news on the Halo restock in the UK shop?', 20);
}

function writeXAndReddit(servers: DemoServers, now: number): void {
  const minutesAgo = (m: number) => now - m * 60_000;
  const x = servers.x.control;
  const people = {
    camille: x.user({ username: 'camille_rx', name: 'Camille Roux' }),
    hugo: x.user({ username: 'hugo_mrt', name: 'Hugo Martin' }),
    sarah: x.user({ username: 'sarah_lights', name: 'Sarah Collins' }),
    yannick: x.user({ username: 'yannick_b', name: 'Yannick Bernard' }),
    emma: x.user({ username: 'emma_designs', name: 'Emma Walsh' }),
    troll: x.user({ username: 'vrai_avis_99', name: 'Vrai Avis' }),
    lea: x.user({ username: 'lea_deco', name: 'Léa Dubois' }),
  };
  const launch = x.post({ author: x.account, text: 'La lampe Dune arrive en boutique jeudi. Laiton brossé, lin naturel. 🌾', at: minutesAgo(300) });
  x.post({ author: people.camille, text: 'Magnifique ! Elle existe en blanc ?', inReplyTo: launch.id, at: minutesAgo(280) });
  x.post({ author: people.troll, text: 'Encore une lampe hors de prix, arnaque', inReplyTo: launch.id, at: minutesAgo(250) });
  x.post({ author: people.hugo, text: '@AtelierLumen ma commande 48213 n’est toujours pas arrivée, vous avez un numéro de suivi ?', at: minutesAgo(200) });
  x.post({ author: people.sarah, text: '@AtelierLumen do you ship the Halo lamp to Ireland?', at: minutesAgo(170) });
  x.post({ author: people.yannick, text: 'Le nouveau showroom de @AtelierLumen à Lyon est superbe', at: minutesAgo(140) });
  x.post({ author: people.emma, text: '@AtelierLumen my Dune lamp flickers since yesterday, any tips?', at: minutesAgo(110) });
  x.post({ author: people.lea, text: '@AtelierLumen vous serez au salon Maison&Objet cette année ?', at: minutesAgo(80) });
  x.post({ author: people.camille, text: '@AtelierLumen merci pour la réponse rapide du SAV !', at: minutesAgo(45) });
  x.dm({ from: people.hugo, text: 'Bonjour, je vous écris en privé : mon adresse de livraison a changé.', at: minutesAgo(60) });
  x.dm({ from: people.emma, text: 'Hi! Could you send me the assembly guide for the Halo floor lamp?', at: minutesAgo(30) });

  const r = servers.reddit.control;
  const sub = 'AtelierLumen';
  const flicker = r.post({ subreddit: sub, author: 'u_marc_l', title: 'Ma Dune clignote après 2 semaines', text: 'Quelqu’un a eu le même souci ?', at: minutesAgo(320) });
  r.comment({ parent: flicker.name, author: 'claire_diy', text: 'Pareil chez moi, c’était l’ampoule LED.', at: minutesAgo(300) });
  const review = r.post({ subreddit: sub, author: 'oak_and_light', title: 'Halo floor lamp: 3 months review', text: 'Solid build, warm light, the dimmer could be smoother.', at: minutesAgo(260) });
  r.comment({ parent: review.name, author: 'nordic_nest', text: 'Great review, does it work with smart bulbs?', at: minutesAgo(240) });
  const shop = r.post({ subreddit: sub, author: 'julie_b', title: 'Showroom de Lyon : horaires de Noël ?', at: minutesAgo(220) });
  r.comment({ parent: shop.name, author: 'thomas_v', text: 'Aussi curieux, u/AtelierLumen vous pouvez confirmer ?', at: minutesAgo(200) });
  const promo = r.post({ subreddit: sub, author: 'deal_hunter_x', title: 'Codes promo ?', at: minutesAgo(180) });
  const spam = r.comment({ parent: promo.name, author: 'cheap_lamps_shop', text: 'Des lampes identiques à -70 % sur mon site, lien en profil', at: minutesAgo(170) });
  r.report(spam.name, 'Spam');
  const rude = r.comment({ parent: review.name, author: 'grumpy_owl', text: 'Marque surcotée, vous êtes des voleurs', at: minutesAgo(150) });
  r.filter(rude.name);
  const kit = r.post({ subreddit: sub, author: 'maker_sam', title: 'DIY: rewiring a vintage Atelier Lumen lamp', at: minutesAgo(130) });
  r.comment({ parent: kit.name, author: 'volt_anna', text: 'Be careful with the old cloth wiring!', at: minutesAgo(120) });
  r.message({ from: 'julie_b', subject: 'Retour produit', text: 'Bonjour, comment retourner une lampe reçue abîmée ?', at: minutesAgo(90) });
  r.message({ from: 'nordic_nest', subject: 'Wholesale', text: 'Hello, we run a design store in Oslo: do you sell wholesale?', at: minutesAgo(50) });
}

/**
 * The brand's forum and blog, in French and English, written in the last hours: questions that
 * mention the brand, a private message, a post waiting in the review queue and a flagged one on
 * the forum; comments under two blog posts, some held for moderation, one spam.
 */
function writeForumAndBlog(servers: DemoServers, now: number): void {
  const minutesAgo = (m: number) => now - m * 60_000;
  const f = servers.discourse.control;
  const people = {
    camille: f.user({ username: 'camille_r', name: 'Camille Roche' }),
    marc: f.user({ username: 'marc_l', name: 'Marc Lefèvre' }),
    sarah: f.user({ username: 'sarah_c', name: 'Sarah Collins' }),
    olaf: f.user({ username: 'olaf_n', name: 'Olaf Nygaard' }),
    newbie: f.user({ username: 'promo_lampes', name: 'Promo Lampes', trustLevel: 0 }),
  };
  const support = f.category({ name: 'Support', slug: 'support' });
  const { topic: flicker } = f.topic({ title: 'Ma Dune clignote le soir', by: people.marc, raw: 'Depuis la dernière mise à jour, ma Dune clignote le soir. Une idée ?', categoryId: support.id });
  f.reply({ topicId: flicker.id, by: people.camille, raw: 'Pareil chez moi, surtout avec le variateur.', at: minutesAgo(240) });
  f.reply({ topicId: flicker.id, by: people.marc, raw: '@atelierlumen vous avez une piste ? Deux lampes concernées.', replyToPostNumber: 2, at: minutesAgo(220) });
  const { topic: halo } = f.topic({ title: 'Halo floor lamp: smart bulbs?', by: people.sarah, raw: 'Does the Halo work with smart bulbs? @atelierlumen any official answer?', categoryId: support.id });
  f.reply({ topicId: halo.id, by: people.olaf, raw: 'Mine works with Hue bulbs, but the dimmer buzzes a little.', at: minutesAgo(150) });
  const { topic: showroom } = f.topic({ title: 'Showroom de Lyon : horaires de Noël', by: people.camille, raw: '@atelierlumen le showroom sera ouvert le 24 décembre ?' });
  f.reply({ topicId: showroom.id, by: people.marc, raw: 'Bonne question, je voulais y passer aussi.', at: minutesAgo(100) });
  f.topic({ title: 'Commande 48213', by: people.camille, raw: 'Bonjour, ma commande 48213 est arrivée avec un abat-jour abîmé. Que faire ?', privateTo: [f.me] });
  f.topic({ title: 'Wholesale enquiry', by: people.olaf, raw: 'Hello, we run a design store in Oslo. Do you sell wholesale?', privateTo: [f.me] });
  f.queue({ topicId: flicker.id, by: people.newbie, raw: 'Des lampes identiques à -70 % sur mon site, lien en profil !', replyToPostNumber: 1 });
  const rude = f.reply({ topicId: halo.id, by: people.newbie, raw: 'Marque surcotée, achetez plutôt chez nous.', at: minutesAgo(60) });
  f.flag(rude.id, people.olaf, 8);

  const w = servers.wordpress.control;
  const dune = w.addPost('La lampe Dune arrive en boutique');
  const halos = w.addPost('Halo: our floor lamp, three months later');
  const at = (m: number) => Math.floor(minutesAgo(m) / 1000);
  w.addComment({ post: dune.id, author: 'Inès', text: 'Elle existe aussi en blanc ?', status: 'hold', date: at(200) });
  w.addComment({ post: dune.id, author: 'Hugo', text: 'Superbe finition, bravo à l’atelier.', status: 'approved', date: at(180) });
  w.addComment({ post: dune.id, author: 'Promo', text: 'Lampes pas chères sur promo.example', status: 'spam', date: at(170) });
  w.addComment({ post: dune.id, author: 'Léa', text: 'Quel est le prix en boutique ?', status: 'hold', date: at(120) });
  w.addComment({ post: halos.id, author: 'Emma', text: 'Does the dimmer work with LED bulbs?', status: 'approved', date: at(90) });
  w.addComment({ post: halos.id, author: 'Nordic Nest', text: 'Lovely review, we stock it in Oslo now.', status: 'approved', date: at(40) });

  servers.feeds.control.addEntry('broken-dates.rss.xml', {
    id: 'presse-2026-052',
    title: 'Maison&Objet : Atelier Lumen parmi les 20 ateliers à suivre',
    html: '<p>Le salon distingue la lampe Dune.</p>',
    link: 'http://presse.example.net/2026/maison-objet',
    author: 'Rédaction',
    publishedAt: new Date(minutesAgo(30)),
  });
  servers.feeds.control.addEntry(DEMO_FEEDS.alerts, { ...DEMO_NEW_ALERT, publishedAt: new Date(minutesAgo(10)) });
}

/** Where each seeded thread landed: the account (DEMO_ACCOUNTS index) and its thread root on the network. */
interface WrittenThread {
  thread: SeededThread;
  account: number;
  root: string;
}

/** What the activity simulator needs from the written history. */
interface WrittenHistory {
  threads: WrittenThread[];
  blueskyPosts: StrongRef[];
  videoIds: string[];
}

/**
 * Writes the seeded threads into the servers, each message at its (squeezed) time, in the shape
 * the network has: Mastodon mentions, replies under the brand's posts and direct messages;
 * Bluesky mentions and replies; YouTube comment threads (some held for review).
 */
function writeHistory(workspace: SeededWorkspace, servers: DemoServers, people: readonly DemoPerson[], clock: HistoryClock, now: number): WrittenHistory {
  const personOf = new Map(people.map((p) => [p.name, p]));
  const squeeze = (t: number) => now - Math.round(Math.max(0, now - t) * HISTORY_SQUEEZE);
  const random = seededRandom(2026);
  const youtubeOwn = { channelId: servers.youtube.control.channelId, name: '@AtelierLumen' };
  const day = (t: number) => Math.floor(t / 86_400_000);

  // The brand's posts people comment under: one per subject and day, created two hours before the first comment.
  const mastodonPosts = new Map<string, string>();
  const blueskyPosts = new Map<string, StrongRef>();
  const videos = new Map<string, string>();
  const at = <T>(time: number, write: () => T): T => {
    const saved = clock.at;
    clock.at = time;
    try {
      return write();
    } finally {
      clock.at = saved;
    }
  };

  interface Progress {
    written: WrittenThread;
    last: { id: string; ref?: StrongRef; direction: 'in' | 'out' } | null;
    rootRef?: StrongRef;
  }
  const progress: Progress[] = [];
  const steps: { thread: number; index: number; time: number }[] = [];
  workspace.threads.forEach((thread, i) => {
    progress.push({ written: { thread, account: thread.account, root: '' }, last: null });
    thread.messages.forEach((m, index) => steps.push({ thread: i, index, time: squeeze(m.createdAt) }));
  });
  steps.sort((a, b) => a.time - b.time || a.thread - b.thread || a.index - b.index);
  // Held for review: some YouTube comments that got no answer yet.
  const held = new Set(workspace.threads.flatMap((t, i) => (DEMO_ACCOUNTS[t.account]?.network === 'youtube' && t.messages.length === 1 && random() < 0.15 ? [i] : [])));

  for (const step of steps) {
    const p = progress[step.thread]!;
    const thread = p.written.thread;
    const message = thread.messages[step.index]!;
    const person = personOf.get(message.author.name);
    const network = DEMO_ACCOUNTS[thread.account]?.network;
    clock.at = step.time;
    if (network === 'mastodon') {
      const server = thread.account === 3 ? servers.mastodon[1] : servers.mastodon[0];
      const control = server.control;
      const dm = thread.kind === 'dm';
      let id: string;
      if (message.direction === 'out') {
        const to = p.last?.id ?? p.written.root;
        const counterpart = thread.messages.find((m) => m.direction === 'in')?.author.name;
        const acct = counterpart ? personOf.get(counterpart)?.mastodon : undefined;
        id = control.addPost({ text: acct ? `@${acct} ${message.text}` : message.text, inReplyToId: to, visibility: dm ? 'direct' : 'public' }).statusId;
      } else {
        if (!person) continue;
        control.addAccount(person.mastodon, person.name);
        if (p.last) {
          id = dm
            ? control.addDirectMessage({ from: person.mastodon, text: message.text, inReplyToId: p.last.id }).statusId
            : control.addReply({ from: person.mastodon, to: p.last.id, text: message.text }).statusId;
        } else if (dm) {
          id = control.addDirectMessage({ from: person.mastodon, text: message.text }).statusId;
          p.written.root = id;
        } else if (thread.kind === 'comment' && thread.context) {
          const key = `${thread.account}|${thread.context}|${day(step.time)}`;
          let post = mastodonPosts.get(key);
          if (!post) {
            post = at(step.time - 2 * 3_600_000, () => control.addPost({ text: thread.context! }).statusId);
            mastodonPosts.set(key, post);
          }
          id = control.addReply({ from: person.mastodon, to: post, text: message.text }).statusId;
          p.written.root = post;
        } else {
          id = control.addMention({ from: person.mastodon, text: message.text }).statusId;
          p.written.root = id;
        }
      }
      p.last = { id, direction: message.direction };
    } else if (network === 'bluesky') {
      const control = servers.bluesky.control;
      const indexedAt = new Date(step.time).toISOString();
      let ref: StrongRef;
      if (message.direction === 'out') {
        if (!p.last?.ref || !p.rootRef) continue;
        ref = control.addOwnPost(message.text, { reply: { root: p.rootRef, parent: p.last.ref }, createdAt: indexedAt });
      } else {
        if (!person) continue;
        if (!p.last?.ref) {
          if (thread.kind === 'comment' && thread.context) {
            const key = `${thread.context}|${day(step.time)}`;
            let post = blueskyPosts.get(key);
            if (!post) {
              post = at(step.time - 2 * 3_600_000, () => control.addOwnPost(thread.context!));
              blueskyPosts.set(key, post);
            }
            ref = control.addReply(post.uri, { from: person.bluesky, text: message.text, indexedAt });
            p.rootRef = post;
          } else {
            ref = control.addMention({ from: person.bluesky, text: message.text, indexedAt });
            p.rootRef = ref;
          }
          p.written.root = p.rootRef.uri;
        } else if (p.last.direction === 'out' || thread.kind === 'comment') {
          // Bluesky notifies replies to the brand's posts, or under a thread the brand started.
          ref = control.addReply(p.last.ref.uri, { from: person.bluesky, text: message.text, indexedAt });
        } else {
          // Answering someone else's post in the thread: naming the brand is what notifies it.
          ref = control.addMention({ from: person.bluesky, text: message.text, indexedAt, fields: { reply: { root: p.rootRef, parent: p.last.ref } } });
        }
      }
      p.last = { id: ref.uri, ref, direction: message.direction };
    } else if (network === 'youtube') {
      const control = servers.youtube.control;
      if (!p.last) {
        if (!person || message.direction !== 'in') continue;
        const title = thread.context ?? 'Atelier Lumen';
        let videoId = videos.get(title);
        if (!videoId) {
          videoId = control.addVideo({ title, description: 'Atelier Lumen — luminaires faits main à Lyon.', publishedAt: step.time - 86_400_000 }).id;
          videos.set(title, videoId);
        }
        const comment = control.addThread({ videoId, text: message.text, author: { name: person.youtube }, publishedAt: step.time, status: held.has(step.thread) ? 'heldForReview' : 'published' });
        p.written.root = comment.id;
        p.last = { id: comment.id, direction: 'in' };
      } else {
        const author = message.direction === 'out' ? youtubeOwn : person ? { name: person.youtube } : null;
        if (!author) continue;
        const reply = control.addReply({ parentId: p.written.root, text: message.text, author, publishedAt: step.time });
        p.last = { id: reply.id, direction: message.direction };
      }
    }
  }
  clock.at = null;

  // A few people already wrote to the account the user may connect themselves.
  const press = servers.mastodon[2].control;
  const writers = people.filter((p) => p.lang === 'fr').slice(0, 6);
  writers.forEach((person, i) => {
    press.addAccount(person.mastodon, person.name);
    at(now - (i + 1) * 2_700_000, () => press.addMention({ from: person.mastodon, text: `Bonjour, je prépare un article sur les luminaires fabriqués en France : pourriez-vous m’accorder un entretien ? (${person.name})` }));
  });

  return {
    threads: progress.map((p) => p.written).filter((w) => w.root !== ''),
    blueskyPosts: [...blueskyPosts.values()],
    videoIds: [...videos.values()],
  };
}

// ---- Sync and triage ---------------------------------------------------------------------------

/** Resolves when each account has polled since `since` and is back to its regular interval (no more pages). */
async function historySynced(core: Core, accountIds: number[], since: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const settled = accountIds.every((id) => {
      const account = core.accounts.get(id);
      return !!account && account.lastPollAt !== null && account.lastPollAt >= since && account.nextPollAt !== null && account.nextPollAt - account.lastPollAt > 5_000;
    });
    if (settled) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Applies the seeded workspace's triage to the synced conversations: the team's work so far. */
async function applyTriage(core: Core, written: WrittenThread[], accountIds: Map<number, number>): Promise<void> {
  const liveId = new Map(
    core.db
      .prepare<[], { id: number; account_id: number; remote_id: string }>('SELECT id, account_id, remote_id FROM conversations')
      .all()
      .map((r) => [`${r.account_id}|${r.remote_id}`, r.id]),
  );
  // Comment threads under the same post are one conversation: the latest triage wins.
  const triageOf = new Map<number, SeededThread['triage']>();
  for (const w of written) {
    const accountId = accountIds.get(w.account);
    const id = accountId === undefined ? undefined : liveId.get(`${accountId}|${w.root}`);
    if (id === undefined) continue;
    const known = triageOf.get(id);
    if (!known || known.lastActivityAt <= w.thread.triage.lastActivityAt) triageOf.set(id, w.thread.triage);
  }

  const tags = new Map((await callCore(core, 'tags.list', {})).map((t) => [t.name, t.id]));
  const members = await callCore(core, 'members.list', {});
  const memberId = (a: { name: string; isMe: boolean }) => members.find((m) => (a.isMe ? m.isMe : m.name === a.name))?.id;
  const groups = new Map<string, number[]>();
  const add = (key: string, id: number) => groups.set(key, [...(groups.get(key) ?? []), id]);
  const now = core.now();
  for (const [id, triage] of triageOf) {
    for (const tag of triage.tags) add(`tag|${tag}`, id);
    const member = triage.assignee ? memberId(triage.assignee) : undefined;
    if (member !== undefined) add(`assign|${member}`, id);
    if (triage.status === 'snoozed' && triage.snoozeUntil !== null && triage.snoozeUntil > now) {
      await callCore(core, 'conversation.setStatus', { conversationIds: [id], status: 'snoozed', snoozeUntil: triage.snoozeUntil });
    } else if (triage.status !== 'open' && triage.status !== 'snoozed') add(`status|${triage.status}`, id);
    if (!triage.unread) add('read', id);
  }
  for (const [key, ids] of groups) {
    const [what, value] = key.split('|') as [string, string | undefined];
    if (what === 'tag' && tags.has(value!)) await callCore(core, 'conversation.tag', { conversationIds: ids, tagId: tags.get(value!)! });
    if (what === 'assign') await callCore(core, 'conversation.assign', { conversationIds: ids, memberId: Number(value) });
    if (what === 'status') await callCore(core, 'conversation.setStatus', { conversationIds: ids, status: value as ConversationStatus });
    if (what === 'read') await callCore(core, 'conversation.markRead', { conversationIds: ids, unread: false });
  }
}

/** The team, tags, saved replies and views of the seeded workspace. */
async function createWorkspace(core: Core, workspace: SeededWorkspace): Promise<void> {
  const tagIds = new Map<string, number>();
  for (const tag of workspace.tags) tagIds.set(tag.name, (await callCore(core, 'tags.create', tag)).id);
  for (const name of workspace.team) await callCore(core, 'members.create', { name });
  for (const reply of workspace.savedReplies) await callCore(core, 'savedReplies.create', reply);
  for (const view of workspace.views) {
    const tagId = view.tagName === null ? undefined : tagIds.get(view.tagName);
    await callCore(core, 'views.create', { name: view.name, filter: { ...view.filter, ...(tagId === undefined ? {} : { tagId }) } });
  }
}

// ---- The demo ----------------------------------------------------------------------------------

export interface LiveDemoOptions {
  dataDir: string;
  staticDir: string;
  port?: number;
  token?: string;
  log?: WebModeOptions['log'];
  /** Wait between two community events; `false` for none. Default 20–60 s. */
  activity?: { minDelayMs: number; maxDelayMs: number } | false;
  /** Size of the workspace the history is made from. Default 320 conversations. */
  conversations?: number;
}

/** A local network of the demo, for the banner. */
export interface DemoNetworkInfo {
  network: Network;
  url: string;
  account: string;
  /** False for the account left for the user to connect through the UI. */
  connected: boolean;
}

/** What the demo looks like once its history is in. */
export interface LiveDemoReady {
  /** Conversations in the inbox, by network. */
  conversations: Partial<Record<Network, number>>;
  /** From the start of `startLiveDemo` until the inbox was full and triaged. */
  elapsedMs: number;
  /** False when the first sync did not finish in time (the demo goes on anyway). */
  complete: boolean;
}

export interface LiveDemo {
  app: WebMode;
  networks: DemoNetworkInfo[];
  /** The Bluesky account's sign-in, for a user who wants to connect it again. */
  blueskyLogin: { handle: string; password: string };
  /** Resolves once the history has synced and the triage is applied; activity starts then. */
  ready: Promise<LiveDemoReady>;
  /** The community activity so far, oldest first (empty until `ready`). */
  activity(): readonly ActivityEvent[];
  close(): Promise<void>;
}

/**
 * Starts the live demo. Resolves once web mode serves the UI and the accounts are connected; the
 * history then syncs in the background (`ready`).
 */
export async function startLiveDemo(options: LiveDemoOptions): Promise<LiveDemo> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const workspace = await readSeededWorkspace(started, options.conversations ?? SEEDED_CONVERSATIONS);
  const people = communityOf(workspace);
  const clock: HistoryClock = { at: null, now: () => clock.at ?? Date.now() };
  const servers = await startDemoServers(clock, people);
  let app: WebMode | null = null;
  let activity: DemoActivity | null = null;
  let mailbox: DemoMailbox | null = null;
  let closed = false;
  const close = async () => {
    closed = true;
    activity?.stop();
    await app?.close();
    await servers.close();
    await mailbox?.close();
  };

  try {
    const local = localEndpoints({ bluesky: servers.bluesky.url, youtube: servers.youtube.url, x: servers.x.url, reddit: servers.reddit.url });
    local.endpoints = { ...local.endpoints, telegram: { api: servers.telegram.url } };
    // The local Meta app stands for the one the user enters (or a build embeds).
    const metaApp = { clientId: servers.meta.control.app.clientId, clientSecret: servers.meta.control.app.clientSecret };
    const endpoints = {
      ...local,
      endpoints: { ...local.endpoints, facebook: servers.meta.endpoints, instagram: servers.meta.endpoints },
      developerApps: { ...local.developerApps, facebook: metaApp, instagram: metaApp },
    };
    app = await startWebMode({
      dataDir: options.dataDir,
      staticDir: options.staticDir,
      port: options.port,
      token: options.token,
      demo: 'live',
      ...networkWiring(endpoints),
      // Local servers answer at once: page through the history without the usual pause.
      syncOptions: { hasMoreDelayMs: 100, quotas: { youtube: { ...YOUTUBE_QUOTA, limit: DEMO_YOUTUBE_QUOTA } } },
      log,
    });
    const core = app.core;
    await callCore(core, 'settings.set', { pollIntervalSeconds: DEMO_POLL_INTERVAL_SECONDS });
    await createWorkspace(core, workspace);

    // Connected before the history is written: their first poll positions the cursors, and the
    // history then arrives as activity does, page after page.
    const [french, english, press] = servers.mastodon;
    const connected: [number, Account][] = [
      [0, await connectAccount(core, { network: 'mastodon', fields: { server: french.url } })],
      [1, await connectAccount(core, { network: 'bluesky', fields: { server: servers.bluesky.url, ...DEMO_BLUESKY_LOGIN } })],
      [2, await connectAccount(core, { network: 'youtube' })],
      [3, await connectAccount(core, { network: 'mastodon', fields: { server: english.url } })],
    ];
    const accountIds = new Map(connected.map(([index, account]) => [index, account.id]));
    for (const [index, account] of connected) {
      const label = DEMO_ACCOUNTS[index]?.label;
      if (label) await callCore(core, 'accounts.setLabel', { accountId: account.id, label });
    }
    // The Page and its Instagram account with their history, then one Facebook sign-in adds both (their first poll reads two weeks back).
    const { pageId, igUserId } = writeMetaDemo(servers.meta.control, people);
    const metaAccounts = await connectAccounts(core, { network: 'facebook', fields: {} });
    // The brand on X and in its subreddit (outside the seeded workspace: its own few conversations).
    const xAccount = await connectAccount(core, { network: 'x', fields: {} });
    const redditAccount = await connectAccount(core, { network: 'reddit', fields: { subreddits: 'r/AtelierLumen' } });
    // The brand's forum (its staff sign in with an admin API key), its blog and the press review feed.
    const forumAccount = await connectAccount(core, {
      network: 'discourse',
      fields: { forum: servers.discourse.url, categories: 'support', username: 'atelierlumen', apiKey: servers.discourse.control.adminApiKey },
    });
    const blogAccount = await connectAccount(core, {
      network: 'wordpress',
      fields: { site: servers.wordpress.url, user: servers.wordpress.control.user, password: servers.wordpress.control.appPassword },
    });
    // The feeds it follows: the press review, its own blog, a community forum, a news alert on its
    // name (demo-feeds.ts; the other test feeds carry images on hosts that do not exist here, which
    // the image screening would try to fetch).
    const feedAccounts = [];
    for (const feed of ['broken-dates.rss.xml', DEMO_FEEDS.blog, DEMO_FEEDS.forum, DEMO_FEEDS.alerts]) {
      feedAccounts.push(await connectAccount(core, { network: 'feeds', fields: { url: servers.feeds.feedUrl(feed) } }));
    }
    // The brand's Telegram bot, administrator of its community group.
    const telegramAccount = await connectAccount(core, { network: 'telegram', fields: { token: servers.telegram.control.token } });
    // The contact mailbox (real Dovecot and Postfix, when installed), with its emails already in.
    mailbox = await startDemoMailbox(core, (level, message) => log(level, message));
    const ids = [...accountIds.values(), ...metaAccounts.map((a) => a.id), xAccount.id, redditAccount.id, telegramAccount.id, forumAccount.id, blogAccount.id, ...feedAccounts.map((a) => a.id), ...(mailbox ? [mailbox.account.id] : [])];
    if (!(await historySynced(core, ids, 0, SETTLE_TIMEOUT_MS))) log('warn', 'demo: the accounts’ first polls are late');

    const history = writeHistory(workspace, servers, people, clock, Date.now());
    writeXAndReddit(servers, Date.now());
    writeForumAndBlog(servers, Date.now());
    writeTelegram(servers, Date.now());
    const writtenAt = Date.now();
    for (const id of ids) void callCore(core, 'accounts.pollNow', { accountId: id }).catch(() => undefined);

    const ready = (async (): Promise<LiveDemoReady> => {
      const complete = await historySynced(core, ids, writtenAt, SETTLE_TIMEOUT_MS);
      if (closed) throw new Error('the demo was closed');
      if (!complete) log('warn', 'demo: the history did not finish syncing in time; it goes on in the background');
      await applyTriage(core, history.threads, accountIds);
      if (options.activity !== false) {
        activity = startDemoActivity(
          {
            mastodon: [
              { control: french.control, lang: 'fr' },
              { control: english.control, lang: 'en' },
              // Quieter until the user connects it: most activity should show in the inbox.
              { control: press.control, lang: 'fr', weight: 0.25 },
            ],
            bluesky: { control: servers.bluesky.control, posts: history.blueskyPosts },
            youtube: { control: servers.youtube.control, videoIds: history.videoIds },
          },
          {
            people,
            texts: textsOf(workspace, people),
            minDelayMs: options.activity?.minDelayMs,
            maxDelayMs: options.activity?.maxDelayMs,
            onActivity: (e) => log('info', `demo: ${e.kind} by ${e.author}: “${e.text.slice(0, 60)}”`),
            onError: (err) => log('warn', `demo: the activity simulator failed once: ${err instanceof Error ? err.message : String(err)}`),
          },
        );
      }
      const counts = core.db
        .prepare<[], { network: Network; n: number }>('SELECT network, count(*) AS n FROM conversations GROUP BY network ORDER BY network')
        .all();
      return { conversations: Object.fromEntries(counts.map((c) => [c.network, c.n])), elapsedMs: Date.now() - started, complete };
    })();
    // Reported by whoever awaits it; never an unhandled rejection when nobody does.
    ready.catch(() => undefined);

    return {
      app,
      networks: [
        { network: 'mastodon', url: french.url, account: `@atelierlumen@${new URL(french.url).host}`, connected: true },
        { network: 'mastodon', url: english.url, account: `@lumen_support@${new URL(english.url).host}`, connected: true },
        { network: 'mastodon', url: press.url, account: `@${UNCONNECTED_MASTODON.username}@${new URL(press.url).host}`, connected: false },
        { network: 'bluesky', url: servers.bluesky.url, account: DEMO_BLUESKY_LOGIN.handle, connected: true },
        { network: 'youtube', url: servers.youtube.url, account: 'Atelier Lumen (@AtelierLumen)', connected: true },
        { network: 'facebook', url: servers.meta.url, account: `Atelier Lumen (Page ${pageId})`, connected: true },
        { network: 'instagram', url: servers.meta.url, account: `@atelier.lumen (${igUserId})`, connected: true },
        { network: 'x', url: servers.x.url, account: '@AtelierLumen', connected: true },
        { network: 'reddit', url: servers.reddit.url, account: 'u/AtelierLumen (r/AtelierLumen)', connected: true },
        { network: 'discourse', url: servers.discourse.url, account: 'atelierlumen (Support)', connected: true },
        { network: 'wordpress', url: servers.wordpress.url, account: servers.wordpress.control.user, connected: true },
        { network: 'feeds', url: servers.feeds.feedUrl('broken-dates.rss.xml'), account: 'Revue de presse Lumière', connected: true },
        { network: 'feeds', url: servers.feeds.feedUrl(DEMO_FEEDS.blog), account: 'Atelier Lumen — Le journal de l’atelier', connected: true },
        { network: 'feeds', url: servers.feeds.feedUrl(DEMO_FEEDS.forum), account: 'Maison & Lumière — le forum : Luminaires', connected: true },
        { network: 'feeds', url: servers.feeds.feedUrl(DEMO_FEEDS.alerts), account: 'Alerte : « Atelier Lumen »', connected: true },
        { network: 'telegram', url: servers.telegram.url, account: '@AtelierLumenBot (Atelier Lumen · Communauté)', connected: true },
        ...(mailbox ? [{ network: 'mailbox', url: `imap://127.0.0.1:${mailbox.mail.imapsPort}`, account: DEMO_MAILBOX.address, connected: true }] : []),
      ],
      blueskyLogin: { ...DEMO_BLUESKY_LOGIN },
      ready,
      activity: () => activity?.events ?? [],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
