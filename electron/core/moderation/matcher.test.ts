import { describe, expect, it } from 'vitest';
import { DEFAULT_LEXICONS } from './lexicon';
import { compileMatcher, foldTerm, selectNonOverlapping, type MatchOptions } from './matcher';
import { detectLanguage } from './language';
import { INNOCENT_TEXTS } from './testdata/innocent-texts';
import { OBFUSCATED_CASES } from './testdata/obfuscated-cases';

const shipped = compileMatcher(
  DEFAULT_LEXICONS.flatMap((l) => l.entries.map((e) => ({ ...e, language: l.language }))),
  DEFAULT_LEXICONS.flatMap((l) => l.allow),
);
const matcher = shipped.matcher;

/** Matches as (term, highlighted original substring) pairs. */
function found(text: string, options?: MatchOptions): { term: string; highlight: string }[] {
  return matcher.match(text, options).map((m) => ({ term: m.term, highlight: text.slice(m.start, m.end) }));
}

describe('shipped lexicons compile', () => {
  it('compiles every entry and allowed phrase', () => {
    expect(shipped.rejected).toEqual([]);
    expect(matcher.size).toBeGreaterThan(450);
  });
});

describe('obfuscated offensive words are caught and highlighted in the original text', () => {
  it('has at least 25 cases', () => {
    expect(OBFUSCATED_CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(OBFUSCATED_CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(found(c.text, { language: c.language })).toEqual(c.expected);
  });
});

describe('innocent texts with offensive substrings do not match', () => {
  it('has at least 60 French and English texts', () => {
    expect(INNOCENT_TEXTS.length).toBeGreaterThanOrEqual(60);
    expect(INNOCENT_TEXTS.filter((t) => t.language === 'fr').length).toBeGreaterThanOrEqual(25);
    expect(INNOCENT_TEXTS.filter((t) => t.language === 'en').length).toBeGreaterThanOrEqual(25);
  });

  it.each(INNOCENT_TEXTS.map((t) => [t.trap, t] as const))('%s: no match (given language)', (_trap, t) => {
    expect(found(t.text, { language: t.language })).toEqual([]);
  });

  it.each(INNOCENT_TEXTS.map((t) => [t.trap, t] as const))('%s: no match (detected language)', (_trap, t) => {
    expect(found(t.text, { language: detectLanguage(t.text) })).toEqual([]);
  });
});

describe('the Scunthorpe decisions', () => {
  it('matches whole words only', () => {
    for (const word of ['Scunthorpe', 'assassin', 'classic', 'cocktail', 'Dickens', 'Sussex', 'therapist', 'analyse', 'grapefruit']) {
      expect(found(word, { language: 'en' }), word).toEqual([]);
    }
    for (const word of ['connaissance', 'conseil', 'concombre', 'bitume', 'Conrad', 'salopette']) {
      expect(found(word, { language: 'fr' }), word).toEqual([]);
    }
  });

  it('"cul-de-sac" is allowed, "cul" alone is a mild match', () => {
    expect(found('un cul-de-sac', { language: 'fr' })).toEqual([]);
    expect(matcher.match('gros cul', { language: 'fr' })).toMatchObject([{ term: 'cul', severity: 'mild' }]);
  });

  it('"salope" and "connard" match; "con" only in French, and never in "con carne"', () => {
    expect(found('salope')).toEqual([{ term: 'salope', highlight: 'salope' }]);
    expect(found('connard')).toEqual([{ term: 'connard*', highlight: 'connard' }]);
    expect(found('quel con', { language: 'fr' })).toEqual([{ term: 'quel con', highlight: 'quel con' }]);
    expect(found("t'es con", { language: 'fr' })).toEqual([{ term: 'con', highlight: 'con' }]);
    expect(found("t'es con", { language: 'en' })).toEqual([]);
    expect(found("t'es con", { language: null })).toEqual([]);
    expect(found('un chili con carne', { language: 'fr' })).toEqual([]);
  });

  it('language-only entries follow the message language', () => {
    expect(found('the dog may bite', { language: 'en' })).toEqual([]);
    expect(found('suce ma bite', { language: 'fr' })).toEqual([{ term: 'suce ma bite', highlight: 'suce ma bite' }]);
    expect(found('grosse bite', { language: 'fr' })).toEqual([{ term: 'bite', highlight: 'bite' }]);
    expect(found('le train a du retard', { language: 'fr' })).toEqual([]);
    expect(found('you retard', { language: 'en' })).toEqual([{ term: 'retard', highlight: 'retard' }]);
    // "any": language-only matches are returned, flagged, for the caller to judge.
    expect(matcher.match('grosse bite', { language: 'any' })).toMatchObject([{ term: 'bite', language: 'fr', languageOnly: true }]);
  });
});

describe('matching rules', () => {
  const { matcher: small } = compileMatcher(
    [
      { term: 'connard*', category: 'insult' },
      { term: 'salope', category: 'insult' },
      { term: 'pute', category: 'insult' },
      { term: 'fils de pute', category: 'insult' },
      { term: 'cul', category: 'sexual', severity: 'mild' },
    ],
    ['cul de sac'],
  );
  const terms = (text: string, options?: MatchOptions): string[] => small.match(text, options).map((m) => m.term);

  it('a trailing * matches longer words, and the highlight covers the whole word', () => {
    const text = 'les connards';
    expect(small.match(text).map((m) => text.slice(m.start, m.end))).toEqual(['connards']);
  });

  it('3+ repeats are an elongation for any entry', () => {
    expect(terms('puuuute')).toEqual(['pute']);
    expect(terms('cuuul')).toEqual(['cul']);
  });

  it('a doubled or undoubled letter is tolerated once, only for entries of 6+ letters', () => {
    expect(terms('sallope')).toEqual(['salope']);
    expect(terms('conard')).toEqual(['connard*']);
    expect(terms('putte')).toEqual([]);
    expect(terms('cull')).toEqual([]);
    expect(terms('salloppe')).toEqual([]);
  });

  it('resolves overlaps leftmost-longest, or returns all of them', () => {
    expect(terms('fils de pute')).toEqual(['fils de pute']);
    expect(terms('fils de pute', { overlapping: true }).sort()).toEqual(['fils de pute', 'pute']);
  });

  it('phrases do not cross a clause break', () => {
    expect(terms('mon fils. De pute il n’est pas question')).toEqual(['pute']);
    expect(terms('fils de\npute')).toEqual(['pute']);
  });

  it('an allowed phrase drops only the matches it covers', () => {
    expect(terms('cul-de-sac')).toEqual([]);
    expect(terms('cul de sac, gros cul')).toEqual(['cul']);
  });

  it('an allowed phrase must be written as listed (no near miss excuses a slur)', () => {
    const { matcher: m } = compileMatcher([{ term: 'nigger', category: 'hate' }], ['niger']);
    expect(m.match('nigger').map((x) => x.term)).toEqual(['nigger']);
    expect(m.match('Niger')).toEqual([]);
  });

  it('reports every match in a text, with exact offsets', () => {
    const text = 'Salut connard, sale pute !';
    const matches = small.match(text);
    expect(matches.map((m) => [m.term, m.start, m.end])).toEqual([
      ['connard*', 6, 13],
      ['pute', 20, 24],
    ]);
  });

  it('keeps categories, severities and languages of entries', () => {
    const [m] = matcher.match('bougnoule');
    expect(m).toMatchObject({ term: 'bougnoul*', category: 'hate', severity: 'strong', language: 'fr' });
  });

  it('returns nothing for empty or separator-only text', () => {
    expect(small.match('')).toEqual([]);
    expect(small.match(' . , !!! ')).toEqual([]);
  });

  it('handles texts with thousands of matches and adversarial separators', () => {
    expect(small.match('connard.'.repeat(20_000))).toHaveLength(20_000);
    expect(small.match('cul.de.sac.'.repeat(10_000))).toEqual([]);
    expect(small.match(`${'c*'.repeat(20_000)}d`)).toEqual([]);
    expect(matcher.match('\ufdfa'.repeat(2_000))).toEqual([]);
  });

  it('is not fooled by very long runs and stays linear', () => {
    const text = `${'a'.repeat(20000)} ${'s'.repeat(5000)} connard`;
    expect(terms(text)).toEqual(['connard*']);
  });
});

describe('compiling user terms', () => {
  it('rejects terms that cannot be matched as words, keeps the rest', () => {
    const { matcher: m, rejected } = compileMatcher([
      { term: 'ok*term', category: 'custom' },
      { term: 'x', category: 'custom' },
      { term: '2024', category: 'custom' },
      { term: 'troll', category: 'custom' },
    ]);
    expect(rejected.map((r) => r.term)).toEqual(['ok*term', 'x', '2024']);
    expect(m.size).toBe(1);
    expect(m.match('un troll').map((x) => x.term)).toEqual(['troll']);
  });

  it('folds terms like messages (a leet term is its plain word)', () => {
    expect(foldTerm('C0nn@rd')).toEqual({ folded: 'connard', prefix: false });
    expect(foldTerm('Fils-de-Pute*')).toEqual({ folded: 'fils de pute', prefix: true });
  });

  it('matches a custom phrase with the same folding', () => {
    const { matcher: m } = compileMatcher([{ term: 'arnaque', category: 'custom' }]);
    const text = 'c’est une 4RN4QUE';
    expect(m.match(text).map((x) => text.slice(x.start, x.end))).toEqual(['4RN4QUE']);
  });
});

describe('selectNonOverlapping', () => {
  it('keeps the leftmost longest, strong before mild on ties', () => {
    const base = { category: 'insult' as const, language: null, languageOnly: false };
    const out = selectNonOverlapping([
      { ...base, term: 'b', severity: 'mild', start: 0, end: 4 },
      { ...base, term: 'a', severity: 'strong', start: 0, end: 4 },
      { ...base, term: 'c', severity: 'strong', start: 2, end: 6 },
      { ...base, term: 'd', severity: 'strong', start: 6, end: 8 },
    ]);
    expect(out.map((m) => m.term)).toEqual(['a', 'd']);
  });
});
