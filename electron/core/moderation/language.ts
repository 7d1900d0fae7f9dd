/**
 * A small French / English detector for moderation: counts function words that exist in only one
 * of the two languages, plus French diacritics. It answers `null` rather than guess: language-only
 * lexicon entries ("bite", "retard") are used only when the language is known.
 */
import type { LexiconLanguage } from './lexicon';

// Words frequent in one language and absent (or rare) in the other. Ambiguous ones are left out:
// "a", "on", "as", "me", "son", "plus", "sur", "la", "en", "est", "an", "in", "or", "don", "m", "s", "t".
const FRENCH_WORDS = new Set([
  'le', 'les', 'des', 'du', 'un', 'une', 'et', 'que', 'qui', 'dans', 'pas', 'ce', 'cette', 'ces',
  'il', 'elle', 'ils', 'elles', 'je', 'tu', 'nous', 'vous', 'ne', 'se', 'sa', 'ses', 'mon', 'ma',
  'mes', 'ton', 'ta', 'tes', 'avec', 'mais', 'ou', 'où', 'donc', 'très', 'tout', 'tous', 'toute',
  'sont', 'être', 'avoir', 'fait', 'faire', 'ça', 'cela', 'aussi', 'bien', 'merci', 'bonjour',
  'quand', 'comme', 'leur', 'leurs', 'notre', 'votre', 'vos', 'nos', 'au', 'aux', 'été', 'était',
  'suis', 'es', 'sommes', 'êtes', 'ont', 'avez', 'avons', 'peut', 'veux', 'moi', 'toi', 'lui',
  'eux', 'rien', 'jamais', 'toujours', 'encore', 'déjà', 'parce', 'quoi', 'pourquoi', 'comment',
  // Elided forms (c', j', l', n', qu'), but not d', m', s', t': English has I'd, I'm, it's, don't.
  'qu', 'c', 'j', 'l', 'n', 'y', 'chez', 'sans', 'sous', 'entre', 'vers', 'après',
  'avant', 'depuis', 'pendant', 'oui', 'non', 'si', 'alors', 'voilà', 'trop', 'peu', 'beaucoup',
  'quel', 'quelle', 'quels', 'quelles', 'ici', 'là', 'salut', 'mec', 'gros', 'grosse', 'petit',
  'petite', 'va', 'vas', 'vais', 'fais', 'dis', 'bon', 'bonne',
]);

const ENGLISH_WORDS = new Set([
  'the', 'and', 'is', 'are', 'was', 'were', 'to', 'of', 'that', 'it', 'for', 'with', 'this',
  'have', 'has', 'had', 'you', 'your', 'i', 'my', 'not', 'but', 'they', 'them', 'their', 'what',
  'so', 'if', 'do', 'does', 'did', 'doesn', 'didn', 'isn', 'wasn', 'aren', 'be', 'been', 'will', 'would', 'can',
  'could', 'should', 'at', 'from', 'by', 'we', 'our', 'he', 'she', 'his', 'her', 'him', 'who',
  'which', 'when', 'where', 'why', 'how', 'all', 'just', 'about', 'there', 'here', 'than', 'then',
  'out', 'up', 'no', 'yes', 'get', 'got', 'thanks', 'thank', 'please', 'hello', 'hi', 'very',
  'really', 'because', 'into', 'over', 'only', 'also', 'some', 'any', 'these', 'those', 'its',
  'im', 'am', 're', 've', 'll', 'one', 'like', 'know',
  'think', 'good', 'great', 'love', 'never', 'always', 'still', 'again', 'after', 'before',
]);

/**
 * Frequent words of neighbouring languages (Spanish, Italian, Portuguese, German) that are neither
 * French nor English: evidence that the text is in another language ("es" and "y" are French too).
 */
const OTHER_WORDS = new Set([
  'el', 'los', 'las', 'muy', 'por', 'pero', 'está', 'están', 'del', 'esto', 'esta', 'eso', 'qué',
  'gracias', 'hola', 'che', 'della', 'sono', 'questo', 'grazie', 'ciao', 'não', 'você', 'uma',
  'muito', 'isso', 'obrigado', 'und', 'der', 'die', 'das', 'ist', 'nicht', 'ich', 'wir', 'mit',
  'auf', 'danke', 'ein', 'eine',
]);

/** Lower-case letters with French diacritics, by code: é è ê ë à â î ï ô û ù ü ç œ. */
const FRENCH_DIACRITICS = new Set([...'éèêëàâîïôûùüçœ'].map((c) => c.charCodeAt(0)));
const IS_LETTER = /^\p{L}$/u;

/** Letter test without a regex for Latin text (this runs on every message). */
function isLetterCode(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  if (code < 0x250) return code >= 0xc0 && code !== 0xd7 && code !== 0xf7;
  return IS_LETTER.test(String.fromCharCode(code));
}

/** Scores behind a detection, for tests and for tuning. */
export interface LanguageScores {
  fr: number;
  en: number;
  /** Evidence for another language. */
  other: number;
  /** Words in the text. */
  words: number;
}

/** Counts French and English evidence in `text`. */
export function languageScores(text: string): LanguageScores {
  let fr = 0;
  let en = 0;
  let other = 0;
  let words = 0;
  const lower = text.toLowerCase();
  const n = lower.length;
  let i = 0;
  while (i < n) {
    if (!isLetterCode(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let diacritic = false;
    while (i < n) {
      const code = lower.charCodeAt(i);
      if (!isLetterCode(code)) break;
      if (FRENCH_DIACRITICS.has(code)) diacritic = true;
      i++;
    }
    const word = lower.slice(start, i);
    words++;
    if (FRENCH_WORDS.has(word)) fr += 1;
    if (ENGLISH_WORDS.has(word)) en += 1;
    if (OTHER_WORDS.has(word)) other += 1;
    // Words with French diacritics are rarely English ("café" aside): half a point each.
    if (diacritic) fr += 0.5;
  }
  return { fr, en, other, words };
}

/** Function words are a fifth or more of any French or English sentence; less is another language. */
const MIN_DENSITY = 0.2;

/**
 * French or English, or `null` when the text gives too little evidence either way (no function
 * word, too few of them for its length, words of another language, or a balanced mix).
 * Otherwise one side must score at least twice the other.
 */
export function detectLanguage(text: string): LexiconLanguage | null {
  const { fr, en, other, words } = languageScores(text);
  const enough = (score: number): boolean => score >= 1 && score >= MIN_DENSITY * words && score >= 2 * other;
  if (enough(fr) && fr >= 2 * en) return 'fr';
  if (enough(en) && en >= 2 * fr) return 'en';
  return null;
}
