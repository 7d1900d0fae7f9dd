import { describe, expect, it } from 'vitest';
import { NETWORKS } from '../../../shared/model';
import { countCharacters, NETWORK_LOOK, replyLengthLimit } from './networks';

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

describe('networks', () => {
  it('gives the per-network reply limits', () => {
    expect(replyLengthLimit('mastodon')).toBe(500);
    expect(replyLengthLimit('bluesky')).toBe(300);
    expect(replyLengthLimit('youtube')).toBe(10_000);
    expect(replyLengthLimit('reddit')).toBe(1000);
  });

  it('counts emoji and combined letters as one character', () => {
    expect(countCharacters('e\u0301té 👍🏽 🇫🇷')).toBe(7);
  });

  it('keeps every glyph readable: white on its color at 4.5:1 or more', () => {
    for (const network of NETWORKS) {
      const ratio = 1.05 / (luminance(NETWORK_LOOK[network].color) + 0.05);
      expect(ratio, network).toBeGreaterThanOrEqual(4.5);
    }
  });
});
