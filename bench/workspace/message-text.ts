/**
 * The text of one generated message: a sentence or two of Zipf-distributed words, with what real
 * comments carry (an order number, a mention, an emoji, a link, a recurring phrase) and, in a
 * known number of messages, a rare word the search figures look for.
 */
import type { Language, Vocabulary } from './vocabulary';

/** Phrases that recur in a brand's inbox; the phrase search looks for the French one. */
export const RECURRING_PHRASES: Record<Language, string> = {
  fr: 'numéro de commande',
  en: 'order number',
};

const EMOJI = ['🙏', '😊', '😡', '🔥', '❤️', '👍', '😢', '✨', '🌟', '😅'];
const CLOSINGS = ['.', '.', '.', '!', '?', ' ?', '…', '!!'];

export interface MessageTextOptions {
  vocabulary: Vocabulary;
  rnd: () => number;
  /** Put this word in the text (a planted rare term). */
  plant?: string | null;
  /** A longer message (an opener explaining a problem). */
  long?: boolean;
}

/** Words in a message: most are short, a few run long, like comments on a social network. */
function wordCount(rnd: () => number, long: boolean): number {
  const base = long ? 14 : 4;
  return Math.min(base + Math.floor(-Math.log(1 - rnd()) * (long ? 22 : 12)), 140);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Writes one message. Mean length is about 110 characters. */
export function messageText(opts: MessageTextOptions): string {
  const { vocabulary, rnd } = opts;
  const count = wordCount(rnd, opts.long ?? false);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(vocabulary.sample(rnd));
  if (rnd() < 0.04) {
    words.splice(Math.floor(rnd() * (words.length + 1)), 0, RECURRING_PHRASES[vocabulary.language]);
  }
  if (rnd() < 0.05) words.splice(Math.floor(rnd() * (words.length + 1)), 0, `#${10_000 + Math.floor(rnd() * 90_000)}`);
  if (opts.plant) words.splice(Math.floor(rnd() * (words.length + 1)), 0, opts.plant);
  // Sentences of 6–18 words, capitalized, with their closing punctuation.
  let text = '';
  let sentence = 0;
  let limit = 6 + Math.floor(rnd() * 12);
  for (const word of words) {
    if (sentence === 0) text += text ? ` ${capitalize(word)}` : capitalize(word);
    else text += rnd() < 0.06 ? `, ${word}` : ` ${word}`;
    sentence++;
    if (sentence >= limit) {
      text += CLOSINGS[Math.floor(rnd() * CLOSINGS.length)]!;
      sentence = 0;
      limit = 6 + Math.floor(rnd() * 12);
    }
  }
  if (sentence > 0) text += CLOSINGS[Math.floor(rnd() * CLOSINGS.length)]!;
  if (rnd() < 0.12) text += ` ${EMOJI[Math.floor(rnd() * EMOJI.length)]!}`;
  if (rnd() < 0.02) text += ` https://atelier-lumen.example/p/${Math.floor(rnd() * 1e6).toString(36)}`;
  return text;
}

/** Escapes text for the HTML a Mastodon server would send along with it. */
export function paragraphHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<p>${escaped}</p>`;
}
