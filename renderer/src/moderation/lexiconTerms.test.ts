import { describe, expect, it } from 'vitest';
import { LexiconEntry } from '../../../shared/moderation';
import { filterEntries, termProblem, withEntry } from './lexiconTerms';

describe('termProblem', () => {
  it('agrees with the lexicon schema', () => {
    for (const term of ['a', ' b ', 'con*', 'fils de pute', 'en*cul', 'x'.repeat(81), 'ok']) {
      const parsed = LexiconEntry.safeParse({ term, category: 'insult' });
      expect(termProblem(term) === null, term).toBe(parsed.success);
    }
    expect(termProblem('en*cul')).toBe('star');
  });
});

describe('withEntry and filterEntries', () => {
  const entries = [
    { term: 'connard*', category: 'insult' as const },
    { term: 'enculé', category: 'insult' as const },
  ];

  it('replaces an entry spelled the same once folded, and puts a new one first', () => {
    expect(withEntry(entries, { term: ' ENCULE ', category: 'hate', severity: 'strong' })).toEqual([
      entries[0],
      { term: 'ENCULE', category: 'hate', severity: 'strong' },
    ]);
    expect(withEntry(entries, { term: 'abruti', category: 'insult' })[0]?.term).toBe('abruti');
  });

  it('finds terms whatever the case and accents', () => {
    expect(filterEntries(entries, 'ENCUL').map((e) => e.term)).toEqual(['enculé']);
    expect(filterEntries(entries, ' ')).toHaveLength(2);
  });
});
