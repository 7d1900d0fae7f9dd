/**
 * The lexicon format: plain data the user can edit (arrays of entries), validated with zod.
 * The shipped French and English lexicons live in `lexicons/` (see `lexicons/SOURCES.md`).
 */
import { ENGLISH_LEXICON } from './lexicons/en';
import { FRENCH_LEXICON } from './lexicons/fr';

export { LEXICON_CATEGORIES, LexiconCategory, SEVERITIES, Severity, LEXICON_LANGUAGES, LexiconLanguage, LexiconEntry, Lexicon } from '../../../shared/moderation';
import type { Lexicon } from '../../../shared/moderation';

/** The lexicons shipped with Parvis. */
export const DEFAULT_LEXICONS: readonly Lexicon[] = [FRENCH_LEXICON, ENGLISH_LEXICON];
