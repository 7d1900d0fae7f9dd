/**
 * A deterministic set of inbox messages for dry runs and benchmarks, each labelled when it is
 * generated: whether the shipped "Netiquette" rule (strong insult / hate / sexual terms) must
 * catch it. The label comes from what the generator inserted, never from the engine.
 */
import type { Network } from '../../../../shared/model';
import type { RuleMessage } from '../rules';
import { INNOCENT_TEXTS } from './innocent-texts';

/** A message and what the generator put in it. */
export interface SeededMessage {
  message: RuleMessage;
  /** The Netiquette rule must catch it (a strong insult, slur or sexual term was inserted). */
  offensive: boolean;
  /** The inserted snippet, if any. */
  inserted: string | null;
}

/** Strong terms of category insult / hate / sexual, plain or obfuscated, none language-only. */
const STRONG_SNIPPETS = [
  'connard',
  'c0nnard',
  'C.O.N.N.A.R.D',
  'espèce de salope',
  'saaaalope',
  'fils de pute',
  'enculé',
  'ta gueule',
  'nique ta mère',
  'sale arabe',
  'youpin',
  'bougnoule',
  'f u c k you',
  'fuck off',
  'you b!tch',
  'asshole',
  'nigger',
  'faggot',
  'porn',
  'send nudes',
  'pussy',
  'c\u043ennard',
  'sh\u200bithead',
  'fdp',
];

/** Mild or spam snippets: found by the lexicon, but not by the strong-only Netiquette rule. */
const MILD_SNIPPETS = ['merde', 'putain', 'shit', 'crap', 'bordel', 'viagra', 'click here', 'idiot', 'débile'];

/** Ordinary sentences without any lexicon term. */
const NEUTRAL_TEXTS = [
  'Merci pour votre retour, nous regardons cela tout de suite.',
  'Bonjour, ma commande n’est toujours pas arrivée.',
  'Super produit, je recommande à tout le monde !',
  'Est-ce que la boutique est ouverte dimanche ?',
  'Thanks for the quick answer, it works now.',
  'When will the new collection be available?',
  'I love this brand, keep up the good work.',
  'Could you send me the invoice again please?',
  'Le service client a été très rapide.',
  'Great video, the sound was a bit low though.',
];

const NETWORKS: readonly Network[] = ['mastodon', 'bluesky', 'youtube', 'facebook', 'instagram', 'x', 'reddit'];

/** Small deterministic PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * `count` messages from `seed`: about a quarter with a strong snippet, a sixth with a mild one,
 * the rest neutral or innocent texts with offensive substrings. Snippets stand apart from the
 * base sentence (before it, or after a full stop), so they never join its words into a phrase.
 */
export function generateSeededMessages(seed: number, count: number): SeededMessage[] {
  const random = mulberry32(seed);
  const bases = [...NEUTRAL_TEXTS, ...INNOCENT_TEXTS.map((t) => t.text)];
  const out: SeededMessage[] = [];
  for (let i = 0; i < count; i++) {
    const base = pick(random, bases);
    const roll = random();
    let inserted: string | null = null;
    let offensive = false;
    if (roll < 0.25) {
      inserted = pick(random, STRONG_SNIPPETS);
      offensive = true;
    } else if (roll < 0.42) {
      inserted = pick(random, MILD_SNIPPETS);
    }
    const text = inserted === null ? base : random() < 0.5 ? `${inserted} ! ${base}` : `${base} ${inserted}`;
    out.push({
      message: {
        text,
        network: pick(random, NETWORKS),
        accountId: 1 + Math.floor(random() * 3),
        authorHandle: `user${Math.floor(random() * 50)}`,
        authorRemoteId: `r${Math.floor(random() * 50)}`,
      },
      offensive,
      inserted,
    });
  }
  return out;
}
