import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../e2e/demo/seeded-workspace';
import { buildVocabulary } from './vocabulary';

describe('buildVocabulary', () => {
  it('puts real words first, then fills the tail with distinct invented ones', () => {
    const fr = buildVocabulary('fr');
    expect(fr.words).toHaveLength(3000);
    expect(new Set(fr.words).size).toBe(3000);
    expect(fr.words.slice(0, 3)).toEqual(['de', 'la', 'le']);
    expect(fr.words).toContain('commande');
    expect(buildVocabulary('en').words[0]).toBe('the');
  });

  it('is the same for the same seed', () => {
    expect(buildVocabulary('en', { seed: 3 }).words).toEqual(buildVocabulary('en', { seed: 3 }).words);
  });

  it('samples ranks with Zipf frequencies', () => {
    const vocabulary = buildVocabulary('fr');
    const rnd = seededRandom(1);
    const counts = new Map<string, number>();
    const draws = 50_000;
    for (let i = 0; i < draws; i++) {
      const word = vocabulary.sample(rnd);
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    for (const rank of [1, 2, 10]) {
      const observed = (counts.get(vocabulary.words[rank - 1]!) ?? 0) / draws;
      expect(observed).toBeGreaterThan(vocabulary.probabilityOfRank(rank) * 0.85);
      expect(observed).toBeLessThan(vocabulary.probabilityOfRank(rank) * 1.15);
    }
    // The head is common, the tail rare: the top 10 words outnumber the last 1,000 together.
    const top = vocabulary.words.slice(0, 10).reduce((n, w) => n + (counts.get(w) ?? 0), 0);
    const tail = vocabulary.words.slice(2000).reduce((n, w) => n + (counts.get(w) ?? 0), 0);
    expect(top).toBeGreaterThan(tail);
  });
});
