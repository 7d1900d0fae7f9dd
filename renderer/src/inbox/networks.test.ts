import { describe, expect, it } from 'vitest';
import { countCharacters, countForNetwork } from './networks';

describe('counting a reply as each network counts it', () => {
  it('counts emoji and combined letters as one character where the network counts graphemes', () => {
    expect(countCharacters('e\u0301té 👍🏽 🇫🇷')).toBe(7);
    expect(countForNetwork('e\u0301té 👍🏽 🇫🇷', { maxReplyLength: 300, counting: 'graphemes', linkLength: null })).toBe(7);
  });

  it('counts code points where the network does', () => {
    expect(countForNetwork('👍🏽 e\u0301', { maxReplyLength: 10_000, counting: 'code-points', linkLength: null })).toBe(5);
  });

  it('counts every link as its fixed length where the network does', () => {
    const limits = { maxReplyLength: 500, counting: 'code-points-fixed-links', linkLength: 23 } as const;
    const long = `Voir https://example.com/${'a'.repeat(200)} merci`;
    expect(countForNetwork(long, limits)).toBe('Voir '.length + 23 + ' merci'.length);
    expect(countForNetwork('pas de lien', limits)).toBe(11);
  });
});
