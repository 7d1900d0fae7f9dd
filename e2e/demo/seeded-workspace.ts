/**
 * The demo workspace: a French design-lamp brand, "Atelier Lumen", with accounts on several
 * networks and a few hundred conversations in French and English, some threads long. Everything is
 * written through the same ingest function the connectors use. Deterministic (seeded), so tests
 * can rely on it.
 */
import type { NormalizedItem } from '../../electron/core/connectors/types';
import type { Core } from '../../electron/core/app';
import type { ConversationKind, Network } from '../../shared/model';

/** A small, fast, seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

interface DemoAccount {
  network: Network;
  serverUrl: string;
  remoteId: string;
  handle: string;
  displayName: string;
  /** The name the demo brand gave the account in Parvis: three of them share one display name. */
  label?: string;
  lang: 'fr' | 'en' | 'mixed';
  kinds: ConversationKind[];
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { network: 'mastodon', serverUrl: 'https://mastodon.social', remoteId: '109000000000000001', handle: '@atelierlumen@mastodon.social', displayName: 'Atelier Lumen', label: 'Lumen · Mastodon', lang: 'fr', kinds: ['mention', 'comment', 'dm'] },
  { network: 'bluesky', serverUrl: 'https://bsky.social', remoteId: 'did:plc:atelierlumen0000000000', handle: 'atelierlumen.bsky.social', displayName: 'Atelier Lumen', label: 'Lumen · Bluesky', lang: 'mixed', kinds: ['comment', 'mention'] },
  { network: 'youtube', serverUrl: 'https://www.googleapis.com', remoteId: 'UCatelierLumen000000000', handle: '@AtelierLumen', displayName: 'Atelier Lumen', label: 'Lumen · YouTube', lang: 'mixed', kinds: ['comment'] },
  { network: 'mastodon', serverUrl: 'https://mastodon.online', remoteId: '110000000000000002', handle: '@lumen_support@mastodon.online', displayName: 'Lumen Support (EN)', lang: 'en', kinds: ['mention', 'dm'] },
];

const PEOPLE_FR = ['Camille Rousseau', 'Léa Martin', 'Hugo Bernard', 'Chloé Petit', 'Louis Durand', 'Manon Leroy', 'Jules Moreau', 'Inès Fournier', 'Gabriel Girard', 'Zoé Lambert', 'Nathan Bonnet', 'Louise Fontaine', 'Théo Chevalier', 'Jade Robin', 'Arthur Gauthier', 'Emma Perrin', 'Raphaël Morel', 'Lina Mercier', 'Mathis Blanc', 'Alice Dupuis', 'Yasmine Benali', 'Karim Haddad', 'Océane Faure', 'Étienne Roux'];
const PEOPLE_EN = ['Dan Whitaker', 'Priya Natarajan', 'Olivia Brooks', 'Marcus Hill', 'Sofia Alvarez', 'Ethan Cole', 'Grace Kim', 'Liam O’Connor', 'Hannah Schmidt', 'Noah Patel', 'Ava Thompson', 'Lucas Silva', 'Mia Johansson', 'Jack Turner', 'Chen Wei', 'Zara Ahmed', 'Owen Price', 'Ruby Evans', 'Leo Fischer', 'Isla Murray'];

const OPENERS_FR = [
  'Bonjour, ma commande n°{n} n’est toujours pas arrivée, pouvez-vous vérifier ?',
  'Le produit est arrivé cassé, le verre de la lampe Orbe est fendu. Que faire ?',
  'Superbe lampe, elle illumine tout mon salon ! Merci pour la qualité.',
  'Est-ce que la suspension Halo existe en version laiton ?',
  'Je participe au concours ! J’adore la nouvelle collection 🌟',
  'Quel est le délai de livraison pour la Belgique ?',
  'L’ampoule fournie grésille depuis deux jours, c’est normal ?',
  'Vous faites des remises pour les architectes d’intérieur ?',
  'Impossible de finaliser le paiement sur votre site, erreur 502.',
  'Magnifique vidéo, on voit vraiment le travail de l’atelier.',
  'Pourquoi le prix de la lampe Dune a augmenté de 20 € ?',
  'Le colis indique « livré » mais je n’ai rien reçu…',
  'Vous recrutez ? Je suis souffleur de verre à Lyon.',
  'La notice de montage de la Halo est introuvable, vous l’avez en PDF ?',
  'Commande annulée sans explication, je suis très déçue.',
];
const OPENERS_EN = [
  'Hi! My order #{n} still hasn’t shipped, any update?',
  'Does the Orbe lamp work with 110 V outlets in the US?',
  'Absolutely love my Halo pendant, best purchase this year.',
  'The dimmer on my Dune lamp stopped working after a week.',
  'Do you ship to Canada? Customs fees included?',
  'Entering the giveaway! Tagging @sam because she needs a new lamp.',
  'Your website keeps logging me out at checkout.',
  'What’s the warranty on the brass finish?',
  'Any update on my order? It’s been three weeks.',
  'Gorgeous craftsmanship in this video, how long does one lamp take?',
  'I received the wrong colour: ordered sage, got terracotta.',
  'Is the cable length adjustable on the Halo?',
  'Can I get a refund instead of a replacement?',
];
const FOLLOWUPS_FR = ['Merci pour votre retour rapide !', 'Toujours rien reçu ce matin…', 'Voici la photo du colis abîmé.', 'D’accord, j’attends votre mail.', 'C’est réglé, merci beaucoup 🙏', 'Vous pouvez me rappeler ?', 'J’ai bien reçu le remplacement, parfait.', 'Le numéro de suivi ne fonctionne pas.'];
const FOLLOWUPS_EN = ['Thanks for the quick reply!', 'Still nothing this morning…', 'Here is a photo of the damaged box.', 'OK, waiting for your email.', 'All sorted, thank you so much 🙏', 'Tracking number doesn’t work.', 'Got the replacement, perfect.', 'Can someone call me?'];
const ANSWERS_FR = ['Bonjour {name}, désolés pour ce désagrément ! Pouvez-vous nous écrire en privé avec votre numéro de commande ?', 'Merci {name} ! Toute l’équipe de l’atelier est ravie 😊', 'Nous vérifions avec le transporteur et revenons vers vous aujourd’hui.', 'Un remplacement part demain, vous recevrez le suivi par e-mail.', 'La notice est ici : https://atelier-lumen.example/notices/halo.pdf'];
const ANSWERS_EN = ['Hi {name}, sorry about that! Could you DM us your order number?', 'Thank you {name}! The whole workshop is thrilled 😊', 'We are checking with the carrier and will get back to you today.', 'A replacement ships tomorrow, tracking will follow by email.', 'Yes, the Halo cable can be shortened up to 40 cm.'];
const CONTEXTS: { fr: string; en: string; giveaway?: boolean }[] = [
  { fr: 'Nouvelle collection Automne : la suspension Halo en laiton brossé', en: 'New Autumn collection: the Halo pendant in brushed brass' },
  { fr: 'Dans l’atelier : souffler le verre de la lampe Orbe', en: 'Inside the workshop: blowing the glass of the Orbe lamp' },
  { fr: 'Grand concours : gagnez une lampe Dune !', en: 'Giveaway: win a Dune lamp!', giveaway: true },
  { fr: 'Livraisons : nos délais pendant les fêtes', en: 'Shipping: our holiday delivery times' },
];
const TAGS = [
  { name: 'livraison', color: '#2563eb' },
  { name: 'SAV', color: '#dc2626' },
  { name: 'question', color: '#7c3aed' },
  { name: 'compliment', color: '#16a34a' },
  { name: 'concours', color: '#d97706' },
  { name: 'urgent', color: '#be123c' },
];
const TEAM = ['Léa Morel', 'Karim Benali', 'Sophie Laurent'];

export interface DemoOptions {
  now: number;
  conversations?: number;
  seed?: number;
}

/** Fills an empty core with the demo workspace. Returns the number of conversations written. */
export function seedDemoWorkspace(core: Core, opts: DemoOptions): number {
  const rnd = seededRandom(opts.seed ?? 42);
  const total = opts.conversations ?? 320;
  const accounts = DEMO_ACCOUNTS.map((a) => core.accounts.upsert(a));
  DEMO_ACCOUNTS.forEach((a, i) => {
    if (a.label) core.accounts.setLabel(accounts[i]!.id, a.label);
  });
  const tags = TAGS.map((t) => core.workspace.tags.create(t.name, t.color));
  const team = [core.workspace.members.list().find((m) => m.isMe)!, ...TEAM.map((n) => core.workspace.members.create(n))];
  core.workspace.savedReplies.create('Demande de n° de commande', 'Bonjour {firstName}, pouvez-vous nous envoyer votre numéro de commande en message privé ? Merci !', { language: 'fr', networks: [] });
  core.workspace.savedReplies.create('Order number', 'Hi {firstName}, could you DM us your order number? Thanks!', { language: 'en', networks: [] });
  core.workspace.savedReplies.create('Merci pour la vidéo', 'Merci {firstName} d’avoir regardé la vidéo jusqu’au bout ! — {me}', { language: 'fr', networks: ['youtube'] });
  core.workspace.views.create('Urgent', { status: ['open', 'pending'], tagId: tags[5]!.id });

  const byAccount = new Map<number, NormalizedItem[]>();
  const plan: { accountIdx: number; threadId: string; firstAt: number }[] = [];
  let seq = 0;
  for (let i = 0; i < total; i++) {
    const accountIdx = i % 7 === 0 ? 3 : Math.floor(rnd() * 3);
    const acc = DEMO_ACCOUNTS[accountIdx]!;
    const lang = acc.lang === 'mixed' ? (rnd() < 0.55 ? 'fr' : 'en') : acc.lang;
    const people = lang === 'fr' ? PEOPLE_FR : PEOPLE_EN;
    const name = pick(rnd, people);
    const authorId = `${acc.network}-${name.toLowerCase().replace(/[^a-z]+/g, '')}`;
    const handle = acc.network === 'bluesky' ? `${name.split(' ')[0]!.toLowerCase()}.bsky.social` : acc.network === 'youtube' ? `@${name.replace(/\s+/g, '')}` : `@${name.split(' ')[0]!.toLowerCase()}@piaille.fr`;
    const kind = pick(rnd, acc.kinds);
    // Most activity is recent; the tail goes back two weeks.
    const ageMs = Math.floor(rnd() ** 2.2 * 14 * 24 * 3600_000) + 60_000;
    const firstAt = opts.now - ageMs;
    const threadId = `${acc.network}-t${++seq}`;
    const context = kind === 'comment' ? pick(rnd, CONTEXTS) : null;
    const long = rnd() < 0.06;
    const length = long ? 12 + Math.floor(rnd() * 14) : 1 + Math.floor(rnd() ** 2 * 4);
    const items = byAccount.get(accountIdx) ?? [];
    // Times first, then the whole thread is moved back so that its last message is in the past.
    const times: number[] = [];
    for (let m = 0, at = firstAt; m < length; m++) {
      times.push(at);
      at += Math.floor(rnd() * 3 * 3600_000) + 120_000;
    }
    const latest = opts.now - Math.floor(rnd() ** 3 * 6 * 3600_000) - 30_000;
    const shift = Math.max(0, times.at(-1)! - latest);
    let parent: string | null = null;
    let previous = '';
    for (let m = 0; m < length; m++) {
      const incoming = m % 2 === 0 || rnd() < 0.25;
      let text = '';
      // Avoid the same line twice in a row in long threads.
      for (let tries = 0; tries < 5 && (text === '' || text === previous); tries++) {
        text = m === 0
          ? pick(rnd, lang === 'fr' ? OPENERS_FR : OPENERS_EN).replace('{n}', String(10_000 + Math.floor(rnd() * 90_000)))
          : incoming
            ? pick(rnd, lang === 'fr' ? FOLLOWUPS_FR : FOLLOWUPS_EN)
            : pick(rnd, lang === 'fr' ? ANSWERS_FR : ANSWERS_EN).replace('{name}', name.split(' ')[0]!);
      }
      previous = text;
      const remoteId = `${threadId}-m${m}`;
      items.push({
        remoteId,
        threadRemoteId: threadId,
        parentRemoteId: parent,
        kind,
        direction: incoming ? 'in' : 'out',
        author: incoming
          ? { remoteId: authorId, handle, name }
          : { remoteId: acc.remoteId, handle: acc.handle, name: acc.displayName },
        text,
        createdAt: times[m]! - shift,
        permalink: `${acc.serverUrl}/demo/${remoteId}`,
        // The giveaway is one post per account that many people answer (what a contest is drawn on).
        context: context
          ? context.giveaway
            ? { remoteId: `${acc.network}-giveaway-dune`, text: context[lang], url: `${acc.serverUrl}/demo/post/giveaway-dune` }
            : { text: context[lang], url: `${acc.serverUrl}/demo/post/${threadId}` }
          : null,
      });
      parent = remoteId;
    }
    byAccount.set(accountIdx, items);
    plan.push({ accountIdx, threadId, firstAt });
  }

  for (const [idx, items] of byAccount) {
    items.sort((a, b) => a.createdAt - b.createdAt);
    for (let start = 0; start < items.length; start += 100) {
      const page = items.slice(start, start + 100);
      core.ingest(accounts[idx]!.id, { items: page, cursor: JSON.stringify({ demo: page.at(-1)!.remoteId }) });
    }
    core.accounts.updateSync(accounts[idx]!.id, { lastPollAt: opts.now - 30_000, nextPollAt: opts.now + 30_000 });
  }

  // Triage history: statuses, tags, assignees, as a team would have left them.
  const rows = core.db
    .prepare<[], { id: number; snippet: string; last_activity_at: number }>(
      `SELECT c.id, (SELECT m.text FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at, m.id LIMIT 1) AS snippet,
              c.last_activity_at FROM conversations c ORDER BY c.id`,
    )
    .all();
  const tagFor = (snippet: string): number | null => {
    const s = snippet.toLowerCase();
    if (/livr|colis|shipp|deliver|order|commande|track|suivi/.test(s)) return tags[0]!.id;
    if (/cass|fend|grésil|dimmer|wrong|abîm|damag|stopped/.test(s)) return tags[1]!.id;
    if (/\?/.test(s)) return tags[2]!.id;
    if (/superbe|love|magnifique|gorgeous|best|ravi/.test(s)) return tags[3]!.id;
    if (/concours|giveaway/.test(s)) return tags[4]!.id;
    return null;
  };
  // Through the conversation queries, as the manager's own triage would be (and logged like it).
  const setStatus = (status: 'done' | 'pending' | 'snoozed', until: number | null, id: number) => core.conversations.setStatus([id], status, until);
  const older = rows.filter((r) => opts.now - r.last_activity_at > 2 * 24 * 3600_000);
  core.db.transaction(() => {
    for (const r of rows) {
      const tag = tagFor(r.snippet);
      if (tag !== null && rnd() < 0.7) core.conversations.tag([r.id], tag, TAGS[tags.findIndex((t) => t.id === tag)]!.name);
      if (rnd() < 0.06) core.conversations.tag([r.id], tags[5]!.id, 'urgent');
      if (rnd() < 0.4) {
        const member = pick(rnd, team);
        core.conversations.assign([r.id], member.id, member.name);
      }
      if (opts.now - r.last_activity_at > 6 * 3600_000) core.conversations.markRead([r.id], rnd() < 0.15);
    }
    for (const r of older) {
      const p = rnd();
      if (p < 0.55) setStatus('done', null, r.id);
      else if (p < 0.65) setStatus('pending', null, r.id);
      else if (p < 0.72) setStatus('snoozed', opts.now + Math.floor(rnd() * 5 * 24 * 3600_000) + 3600_000, r.id);
    }
  })();
  return rows.length;
}
