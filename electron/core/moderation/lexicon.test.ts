import { describe, expect, it } from 'vitest';
import { DEFAULT_LEXICONS, Lexicon, LEXICON_CATEGORIES } from './lexicon';
import { compileMatcher, foldTerm } from './matcher';

describe('shipped lexicons', () => {
  it('are valid lexicon data', () => {
    for (const lexicon of DEFAULT_LEXICONS) expect(Lexicon.parse(lexicon)).toEqual(lexicon);
  });

  it('cover every category in both languages', () => {
    for (const lexicon of DEFAULT_LEXICONS) {
      for (const category of LEXICON_CATEGORIES) {
        expect(lexicon.entries.filter((e) => e.category === category).length, `${lexicon.language} ${category}`).toBeGreaterThanOrEqual(8);
      }
    }
  });

  it('have no entry twice in the same language once folded', () => {
    for (const lexicon of DEFAULT_LEXICONS) {
      const seen = new Map<string, string>();
      for (const entry of lexicon.entries) {
        const folded = foldTerm(entry.term);
        if ('error' in folded) throw new Error(`${entry.term}: ${folded.error}`);
        const key = `${folded.folded}${folded.prefix ? '*' : ''}`;
        expect(seen.get(key), `${entry.term} duplicates ${seen.get(key)}`).toBeUndefined();
        seen.set(key, entry.term);
      }
    }
  });

  it('every entry matches its own spelling, and no allowed phrase hides a whole entry', () => {
    for (const lexicon of DEFAULT_LEXICONS) {
      const { matcher } = compileMatcher(lexicon.entries.map((e) => ({ ...e, language: lexicon.language })), lexicon.allow);
      for (const entry of lexicon.entries) {
        const text = entry.term.replace(/\*$/, '');
        const terms = matcher.match(text, { language: lexicon.language, overlapping: true }).map((m) => m.term);
        expect(terms, entry.term).toContain(entry.term);
      }
    }
  });

  it('allow-lists only phrases that excuse something', () => {
    const { matcher } = compileMatcher(DEFAULT_LEXICONS.flatMap((l) => l.entries.map((e) => ({ ...e, language: l.language }))));
    for (const phrase of DEFAULT_LEXICONS.flatMap((l) => l.allow)) {
      const text = phrase.replace(/\*$/, '');
      const matches = [...matcher.match(text, { language: 'fr' }), ...matcher.match(text, { language: 'en' })];
      expect(matches.length, phrase).toBeGreaterThan(0);
    }
  });
});
