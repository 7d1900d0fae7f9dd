import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Entrant } from '../../../shared/contest';
import { canonicalEntrants, drawFrom, entrantsSha256, newSeed, shuffledOrder, sortEntrants } from './draw';

const entrant = (i: number, network = 'mastodon'): Entrant => ({
  network,
  authorId: `a${String(i).padStart(3, '0')}`,
  handle: `@p${i}`,
  name: `Personne ${i} « é »`,
  entryId: `e${i}`,
  at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
});

describe('the published draw algorithm', () => {
  it('hashes the canonical JSON of the sorted list, whatever order it was read in', () => {
    const list = [entrant(3), entrant(1, 'bluesky'), entrant(2)];
    const sorted = sortEntrants(list);
    expect(sorted.map((e) => e.entryId)).toEqual(['e1', 'e2', 'e3']);
    expect(canonicalEntrants([entrant(1)])).toBe(
      '[{"network":"mastodon","authorId":"a001","handle":"@p1","name":"Personne 1 « é »","entryId":"e1","at":"2023-11-14T22:13:21.000Z"}]',
    );
    expect(entrantsSha256(sorted)).toBe(createHash('sha256').update(canonicalEntrants(sorted), 'utf8').digest('hex'));
    expect(entrantsSha256(sortEntrants([...list].reverse()))).toBe(entrantsSha256(sorted));
  });

  it('draws from HMAC-SHA-256 blocks as the certificate describes (recomputed here independently)', () => {
    const seed = '00'.repeat(31) + '2a';
    const hash = 'ab'.repeat(32);
    // An independent reading of the description: 8 big-endian words per block, Fisher–Yates with rejection.
    const words: number[] = [];
    for (let k = 0; k < 4; k++) {
      const d = createHmac('sha256', Buffer.from(seed, 'hex')).update(`parvis-draw-v1:${hash}:${k}`).digest();
      for (let i = 0; i < 32; i += 4) words.push(d.readUInt32BE(i));
    }
    const n = 10;
    const order = Array.from({ length: n }, (_, i) => i);
    let w = 0;
    for (let i = n - 1; i >= 1; i--) {
      const m = i + 1;
      const limit = 2 ** 32 - (2 ** 32 % m);
      let x = words[w++]!;
      while (x >= limit) x = words[w++]!;
      const j = x % m;
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    expect(shuffledOrder(n, seed, hash)).toEqual(order);
  });

  it('gives a permutation, the same for the same seed, another for another seed', () => {
    const hash = 'cd'.repeat(32);
    const a = shuffledOrder(500, newSeed(), hash);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const seed = newSeed();
    expect(shuffledOrder(500, seed, hash)).toEqual(shuffledOrder(500, seed, hash));
    expect(shuffledOrder(500, seed, hash)).not.toEqual(shuffledOrder(500, newSeed(), hash));
    expect(newSeed()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is fair: each of 5 entrants wins about a fifth of 5,000 draws', () => {
    const list = sortEntrants([1, 2, 3, 4, 5].map((i) => entrant(i)));
    const hash = entrantsSha256(list);
    const wins = new Map<string, number>();
    for (let k = 0; k < 5000; k++) {
      const { winners } = drawFrom(list, newSeed(), hash, 1, 0);
      wins.set(winners[0]!.entryId, (wins.get(winners[0]!.entryId) ?? 0) + 1);
    }
    // Binomial(5000, 0.2): sd ≈ 28; 6 sd either side.
    for (const e of list) expect(Math.abs((wins.get(e.entryId) ?? 0) - 1000)).toBeLessThan(170);
  });

  it('draws winners then distinct alternates, and no more than there are entrants', () => {
    const list = sortEntrants([1, 2, 3, 4].map((i) => entrant(i)));
    const r = drawFrom(list, newSeed(), entrantsSha256(list), 3, 5);
    expect(r.winners).toHaveLength(3);
    expect(r.alternates).toHaveLength(1);
    expect(new Set([...r.winners, ...r.alternates].map((e) => e.entryId)).size).toBe(4);
  });
});
