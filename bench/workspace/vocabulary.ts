/**
 * The words the generated messages are made of: for French and English, a few hundred real words
 * in rough frequency order (function words first, then the vocabulary of a brand's community:
 * orders, delivery, products, praise, complaints), followed by a long tail of pronounceable
 * invented words. Sampling by rank follows a Zipf–Mandelbrot law, so a handful of words are in
 * almost every message and most words are rare: the shape that decides how big the full-text
 * index is and how long its posting lists are.
 *
 * The tail is invented rather than taken from a dictionary so that the bench ships no third-party
 * word list; the full-text index cares about how often a token occurs, not whether it is real.
 */
import { seededRandom } from '../../e2e/demo/seeded-workspace';

export type Language = 'fr' | 'en';

const FRENCH_WORDS = `
de la le et les des à en un une est que je pas pour il vous ce qui sur au ne on avec
mais nous ma mon par plus se dans du tout très bien elle sont c'est j'ai faire ça ai
merci bonjour commande votre vos lampe suis été avez si aussi encore comme même fait
livraison colis toujours reçu depuis jours rien quand où y a été ou leur cette ces
avoir être peut peux pouvez dire voir aller venir faut veux voudrais aimerais besoin
produit site prix moi toi lui eux mes tes ses nos notre quel quelle quels quelles
problème question réponse message service client clients équipe atelier suspension
verre laiton cuivre ampoule câble abat-jour interrupteur variateur prise socle pied
superbe magnifique génial parfait bravo belle beau jolie joli qualité travail design
cassé fendu abîmé rayé défectueux grésille clignote marche fonctionne plus retour
remboursement échange remplacement garantie facture paiement carte virement erreur
délai retard attente semaine semaines mois hier aujourd'hui demain matin soir heure
numéro suivi transporteur poste relais adresse domicile boîte lettres livré expédié
envoyé parti arrivé annulé confirmé validé payé reçue passée faite prévue indiquée
pourquoi comment combien quand est-ce possible disponible stock rupture précommande
couleur noir blanc sauge terracotta doré mat brillant brossé taille hauteur diamètre
salon chambre cuisine bureau entrée couloir table mur plafond fenêtre maison appartement
concours gagner gagné cadeau noël fêtes anniversaire offrir offert promo code réduction
soldes nouveau nouvelle collection automne hiver printemps été modèle version série
vidéo photo photos image lien page compte profil publication story live chaîne abonné
avis note étoiles recommande conseille déçu déçue content contente ravi ravie heureux
vraiment trop assez peu beaucoup énormément rapidement vite lentement enfin déjà
personne quelqu'un chose rien tout tous toutes autre autres même chaque plusieurs
donc alors car puis ensuite après avant pendant depuis jusqu'à sans sous chez vers
contre entre parmi selon malgré grâce afin lorsque puisque tandis comme ainsi
bonsoir salut coucou cordialement bisous svp stp s'il plaît désolé désolée excusez
attendre appeler écrire envoyer recevoir commander payer rembourser échanger réparer
installer monter brancher allumer éteindre changer remplacer vérifier regarder chercher
trouver perdu oublié compris expliqué demandé répondu contacté relancé attendu espéré
mail e-mail téléphone formulaire contact support messagerie privé direct discussion
montage notice tournevis vis fixation crochet rosace douille culot watts lumens
chaleureuse douce chaude froide tamisée lumière éclairage ambiance décoration déco
artisan artisanal fabriqué france main soufflé bouche lyon paris marseille belgique
suisse canada québec europe international frais douane taxe livraison gratuite offerte
semaine dernière prochaine fois jour nuit moment instant minute seconde temps longtemps
`;

const ENGLISH_WORDS = `
the to and a i you of it is for my in that this on your with have be not was but are
me we so just can do at if it's i'm thanks thank hi hello order please what when get
lamp love from they all an will there would about one no out up how been has any
delivery package still shipping shipped received days week weeks since nothing arrived
product website price help our us our their them its his her he she who which where
problem question answer reply message service customer customers team workshop pendant
glass brass copper bulb cable shade switch dimmer plug base stand cord socket fitting
gorgeous beautiful amazing perfect awesome great lovely stunning quality work design
broken cracked damaged scratched faulty flickers buzzing working stopped return returns
refund exchange replacement warranty invoice payment card transfer error checkout cart
delay late waiting month months yesterday today tomorrow morning evening hour hours
number tracking carrier post office address home mailbox delivered dispatched sent
left came cancelled confirmed approved paid placed made expected shown said told
why how much many whether possible available stock sold restock preorder back
colour color black white sage terracotta gold matte glossy brushed size height width
living room bedroom kitchen office hallway table wall ceiling window house flat
giveaway win won gift christmas holidays birthday give free promo code discount
sale new collection autumn fall winter spring summer model version series edition
video photo photos picture link page account profile post story live channel subscribed
review rating stars recommend recommended disappointed happy glad thrilled pleased sad
really very too quite little lot lots quickly fast slowly finally already soon ever
someone anyone something anything everything every other another each several both
so then because after before during until without under at towards against between
among despite thanks order while though although unless since whereas yet also
good evening hey cheers regards best kind sorry apologies excuse dear folks guys
wait call write send receive buy pay refund swap fix repair install mount plug turn
switch change replace check look search find lost forgot understood explained asked
email mail phone form contact support inbox private direct dm chat conversation thread
assembly instructions manual screwdriver screw mount hook canopy holder cap watts lumens
warm soft cold dim bright light lighting mood decor decoration interior cozy
craft handmade made france hand blown mouth london new york toronto sydney dublin
uk us usa canada australia europe international fees customs tax duties free shipping
last next time times day night moment second minute while long ago now later never
`;

/** Syllables for the invented tail, per language (accents where the language has them). */
const SYLLABLES: Record<Language, { onsets: string[]; nuclei: string[]; codas: string[] }> = {
  fr: {
    onsets: ['b', 'br', 'c', 'ch', 'cl', 'd', 'f', 'fl', 'g', 'gr', 'j', 'l', 'm', 'n', 'p', 'pl', 'qu', 'r', 's', 't', 'tr', 'v'],
    nuclei: ['a', 'e', 'i', 'o', 'u', 'ou', 'ai', 'au', 'é', 'è', 'ê', 'eu', 'oi', 'an', 'on', 'in'],
    codas: ['', '', '', 'r', 's', 't', 'l', 'x', 'ne', 'se', 'te', 'ment', 'tion', 'age', 'eur', 'ette'],
  },
  en: {
    onsets: ['b', 'bl', 'br', 'c', 'ch', 'cr', 'd', 'dr', 'f', 'g', 'gl', 'h', 'k', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'sh', 'st', 't', 'th', 'w'],
    nuclei: ['a', 'e', 'i', 'o', 'u', 'ee', 'oo', 'ea', 'ai', 'ow', 'y'],
    codas: ['', '', 'n', 'nd', 'ng', 'r', 'st', 'ck', 't', 'll', 'ness', 'ing', 'er', 'ly', 'ful'],
  },
};

function coreWords(text: string): string[] {
  const seen = new Set<string>();
  for (const word of text.split(/\s+/)) if (word) seen.add(word);
  return [...seen];
}

function inventedWords(language: Language, count: number, taken: ReadonlySet<string>, seed: number): string[] {
  const rnd = seededRandom(seed);
  const { onsets, nuclei, codas } = SYLLABLES[language];
  const pick = (list: readonly string[]) => list[Math.floor(rnd() * list.length)]!;
  const words: string[] = [];
  const seen = new Set(taken);
  while (words.length < count) {
    const syllables = 2 + Math.floor(rnd() * 2);
    let word = '';
    for (let s = 0; s < syllables; s++) word += pick(onsets) + pick(nuclei);
    word += pick(codas);
    if (seen.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return words;
}

/** A vocabulary ordered by rank (most frequent first) and a sampler that follows Zipf's law. */
export interface Vocabulary {
  readonly language: Language;
  /** Every word, rank 1 first. */
  readonly words: readonly string[];
  /** A word drawn with probability ∝ 1 / (rank + q)^s. */
  sample(rnd: () => number): string;
  /** The probability of the word at 1-based `rank`. */
  probabilityOfRank(rank: number): number;
}

export interface VocabularyOptions {
  /** Total words, real ones first (default 3,000). */
  size?: number;
  /** Zipf exponent (default 1.0, natural language). */
  exponent?: number;
  /** Mandelbrot shift that flattens the very top ranks (default 2.7). */
  shift?: number;
  seed?: number;
}

/** Builds the vocabulary of one language. Deterministic for a given seed. */
export function buildVocabulary(language: Language, opts: VocabularyOptions = {}): Vocabulary {
  const size = opts.size ?? 3000;
  const exponent = opts.exponent ?? 1.0;
  const shift = opts.shift ?? 2.7;
  const real = coreWords(language === 'fr' ? FRENCH_WORDS : ENGLISH_WORDS);
  const words = real.length >= size
    ? real.slice(0, size)
    : [...real, ...inventedWords(language, size - real.length, new Set(real), opts.seed ?? (language === 'fr' ? 1789 : 1066))];
  // Cumulative weights, searched by bisection: O(log n) per word, no allocation.
  const cumulative = new Float64Array(words.length);
  let total = 0;
  for (let i = 0; i < words.length; i++) {
    total += 1 / Math.pow(i + 1 + shift, exponent);
    cumulative[i] = total;
  }
  return {
    language,
    words,
    sample(rnd) {
      const target = rnd() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      return words[lo]!;
    },
    probabilityOfRank(rank) {
      return 1 / Math.pow(rank + shift, exponent) / total;
    },
  };
}
