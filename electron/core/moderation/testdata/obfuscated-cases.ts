/**
 * Obfuscated offensive words the matcher must catch, with the lexicon entry expected and the
 * exact part of the original text to highlight. Reusable data (tests, benchmarks, demos).
 * Escapes are used for invisible and look-alike characters so the file says what it holds.
 */
import type { LexiconLanguage } from '../lexicon';

export interface ObfuscatedCase {
  /** What the case exercises. */
  label: string;
  text: string;
  /** The message language, as the rules engine would pass it (given or detected). */
  language: LexiconLanguage | null;
  /** Expected matches, in text order: the lexicon term and the highlighted original substring. */
  expected: { term: string; highlight: string }[];
}

export const OBFUSCATED_CASES: readonly ObfuscatedCase[] = [
  { label: 'digit for letter', text: 'Quel c0nnard celui-là', language: 'fr', expected: [{ term: 'connard*', highlight: 'c0nnard' }] },
  { label: 'dotted capitals', text: 'Tu es un C.O.N.N.A.R.D', language: 'fr', expected: [{ term: 'connard*', highlight: 'C.O.N.N.A.R.D' }] },
  { label: 'elongated vowel', text: 'saaaalope va', language: 'fr', expected: [{ term: 'salope', highlight: 'saaaalope' }] },
  { label: 'spelled out with spaces', text: 'f u c k this', language: 'en', expected: [{ term: 'fuck*', highlight: 'f u c k' }] },
  { label: 'dot above (NFKD)', text: 'what a \u1e61hit show', language: 'en', expected: [{ term: 'shit', highlight: '\u1e61hit' }] },
  { label: 'Cyrillic o', text: 'espèce de c\u043ennard', language: 'fr', expected: [{ term: 'connard*', highlight: 'c\u043ennard' }] },
  { label: 'zero-width joiner', text: 'con\u200dnard', language: 'fr', expected: [{ term: 'connard*', highlight: 'con\u200dnard' }] },
  { label: 'zero-width space', text: 'sa\u200blo\u200bpe', language: 'fr', expected: [{ term: 'salope', highlight: 'sa\u200blo\u200bpe' }] },
  { label: 'soft hyphen', text: 'en\u00adcul\u00e9', language: 'fr', expected: [{ term: 'encul*', highlight: 'en\u00adcul\u00e9' }] },
  { label: 'spelled out, lower case', text: 'you are s h i t', language: 'en', expected: [{ term: 'shit', highlight: 's h i t' }] },
  { label: 'dashes between letters', text: 'f-u-c-k off', language: 'en', expected: [{ term: 'fuck*', highlight: 'f-u-c-k' }] },
  { label: 'underscores between letters', text: 's_a_l_o_p_e', language: null, expected: [{ term: 'salope', highlight: 's_a_l_o_p_e' }] },
  { label: 'dots inside a word', text: "t'es un con.nard", language: 'fr', expected: [{ term: 'connard*', highlight: 'con.nard' }] },
  { label: 'digit one as i', text: 'sh1t happens', language: 'en', expected: [{ term: 'shit', highlight: 'sh1t' }] },
  { label: 'dollar as s', text: '$hit again', language: 'en', expected: [{ term: 'shit', highlight: '$hit' }] },
  { label: 'exclamation mark as i', text: 'you b!tch', language: 'en', expected: [{ term: 'bitch', highlight: 'b!tch' }] },
  { label: 'digit five as s', text: '5alope', language: null, expected: [{ term: 'salope', highlight: '5alope' }] },
  { label: 'several leet digits', text: 'p0uff14553', language: null, expected: [{ term: 'pouffiasse*', highlight: 'p0uff14553' }] },
  { label: 'digit one as i or l', text: 'n1gger', language: 'en', expected: [{ term: 'nigger', highlight: 'n1gger' }] },
  { label: 'at sign and dollars', text: 'what an a$$hole', language: 'en', expected: [{ term: 'asshole*', highlight: 'a$$hole' }] },
  { label: 'masked vowel', text: 'c*nnard', language: 'fr', expected: [{ term: 'connard*', highlight: 'c*nnard' }] },
  { label: 'two masked letters', text: 'f**k you', language: 'en', expected: [{ term: 'fuck*', highlight: 'f**k' }] },
  { label: 'accents and capitals', text: 'ENCULÉ', language: null, expected: [{ term: 'encul*', highlight: 'ENCULÉ' }] },
  { label: 'elongated with accents', text: 'enculééééé', language: null, expected: [{ term: 'encul*', highlight: 'enculééééé' }] },
  { label: 'elongated consonant', text: 'fuuuuuuck', language: 'en', expected: [{ term: 'fuck*', highlight: 'fuuuuuuck' }] },
  { label: 'fullwidth letters', text: '\uff46\uff55\uff43\uff4b', language: null, expected: [{ term: 'fuck*', highlight: '\uff46\uff55\uff43\uff4b' }] },
  { label: 'mathematical bold', text: '\u{1d41f}\u{1d42e}\u{1d41c}\u{1d424}', language: null, expected: [{ term: 'fuck*', highlight: '\u{1d41f}\u{1d42e}\u{1d41c}\u{1d424}' }] },
  { label: 'circled letters', text: '\u24c8\u24d0\u24db\u24de\u24df\u24d4', language: null, expected: [{ term: 'salope', highlight: '\u24c8\u24d0\u24db\u24de\u24df\u24d4' }] },
  { label: 'small capitals', text: '\u1d04\u1d0f\u0274\u0274\u1d00\u0280\u1d05', language: null, expected: [{ term: 'connard*', highlight: '\u1d04\u1d0f\u0274\u0274\u1d00\u0280\u1d05' }] },
  { label: 'Greek capitals', text: '\u03a1U\u03a4\u0395', language: null, expected: [{ term: 'pute', highlight: '\u03a1U\u03a4\u0395' }] },
  { label: 'combining strokes (zalgo)', text: 'c\u0337o\u0337n\u0337n\u0337a\u0337r\u0337d\u0337', language: null, expected: [{ term: 'connard*', highlight: 'c\u0337o\u0337n\u0337n\u0337a\u0337r\u0337d\u0337' }] },
  { label: 'regional indicator letters', text: '\u{1f1eb}\u{1f1fa}\u{1f1e8}\u{1f1f0}', language: null, expected: [{ term: 'fuck*', highlight: '\u{1f1eb}\u{1f1fa}\u{1f1e8}\u{1f1f0}' }] },
  { label: 'missing double letter (near miss)', text: 'gros conard', language: 'fr', expected: [{ term: 'connard*', highlight: 'conard' }] },
  { label: 'extra double letter (near miss)', text: 'sallope', language: null, expected: [{ term: 'salope', highlight: 'sallope' }] },
  { label: 'phrase with hyphens', text: 'fils-de-pute', language: null, expected: [{ term: 'fils de pute', highlight: 'fils-de-pute' }] },
  { label: 'dotted acronym', text: 'F.D.P', language: 'fr', expected: [{ term: 'fdp', highlight: 'F.D.P' }] },
  { label: 'phrase with accents folded', text: 'nique ta mere', language: null, expected: [{ term: 'nique ta mère', highlight: 'nique ta mere' }] },
  { label: 'inverted exclamation mark as i', text: 'sh\u00a1t', language: null, expected: [{ term: 'shit', highlight: 'sh\u00a1t' }] },
  { label: 'letters after a mention and before digits', text: '@bob connard93', language: 'fr', expected: [{ term: 'connard*', highlight: 'connard' }] },
  { label: 'French-only word in French', text: "t'es qu'un con", language: 'fr', expected: [{ term: 'con', highlight: 'con' }] },
  { label: 'hateful slur with leet', text: 'y0upin', language: null, expected: [{ term: 'youpin*', highlight: 'y0upin' }] },
  { label: 'two matches, trailing punctuation', text: 'Salope, connard!!!', language: 'fr', expected: [{ term: 'salope', highlight: 'Salope' }, { term: 'connard*', highlight: 'connard' }] },
  { label: 'Cyrillic capitals mixed in', text: '\u0421\u041eNNARD', language: null, expected: [{ term: 'connard*', highlight: '\u0421\u041eNNARD' }] },
  { label: 'spaced digits and letters', text: '5 h 1 t', language: null, expected: [{ term: 'shit', highlight: '5 h 1 t' }] },
];
