/**
 * The lexicon format: plain data the user can edit (arrays of entries), validated with zod.
 * The shipped French and English lexicons live in `lexicons/` (see `lexicons/SOURCES.md`).
 */
import { z } from 'zod';
import { ENGLISH_LEXICON } from './lexicons/en';
import { FRENCH_LEXICON } from './lexicons/fr';

export const LEXICON_CATEGORIES = ['insult', 'hate', 'sexual', 'spam'] as const;
/** What kind of offence a term is. */
export const LexiconCategory = z.enum(LEXICON_CATEGORIES);
export type LexiconCategory = z.infer<typeof LexiconCategory>;

export const SEVERITIES = ['mild', 'strong'] as const;
/**
 * `strong`: an insult, slur or explicit term a community manager acts on at once.
 * `mild`: swearing not aimed at anyone ("merde", "shit"), or a word with common innocent uses
 * ("chatte" is also a cat): worth a look, not an automatic action.
 */
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const LEXICON_LANGUAGES = ['fr', 'en'] as const;
export const LexiconLanguage = z.enum(LEXICON_LANGUAGES);
export type LexiconLanguage = z.infer<typeof LexiconLanguage>;

/**
 * A word or phrase to find. Written naturally ("fils de pute", "enculé"); matching folds it the
 * same way as the message. A trailing `*` also matches longer words ("encul*": enculé, enculer).
 */
export const LexiconEntry = z.object({
  term: z
    .string()
    .trim()
    .min(2)
    .max(80)
    .refine((t) => !t.slice(0, -1).includes('*'), { message: 'Only a trailing * is allowed (a prefix match).' }),
  category: LexiconCategory,
  /** Defaults to `strong`. */
  severity: Severity.optional(),
  /**
   * The spelling is an ordinary word in the other language ("bite" in English, "retard" in
   * French): match only when the message is known to be in this lexicon's language.
   */
  languageOnly: z.boolean().optional(),
});
export type LexiconEntry = z.infer<typeof LexiconEntry>;

/** One language's lexicon: its entries and the phrases that excuse a match (the allow-list). */
export const Lexicon = z.object({
  language: LexiconLanguage,
  entries: z.array(LexiconEntry),
  /**
   * Words or phrases in which a match is not an offence: a match inside an allowed phrase is
   * dropped ("cul-de-sac", "magna cum laude", "raton laveur").
   */
  allow: z.array(z.string().trim().min(2).max(120)),
});
export type Lexicon = z.infer<typeof Lexicon>;

/** The lexicons shipped with Parvis. */
export const DEFAULT_LEXICONS: readonly Lexicon[] = [FRENCH_LEXICON, ENGLISH_LEXICON];
