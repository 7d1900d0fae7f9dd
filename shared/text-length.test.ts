import { describe, expect, it } from 'vitest';
import type { TextLimits } from './networks';
import { checkPostText, countForNetwork } from './text-length';

const mastodon: TextLimits = { maxReplyLength: 500, counting: 'code-points-fixed-links', linkLength: 23 };
const bluesky: TextLimits = { maxReplyLength: 300, counting: 'graphemes', linkLength: null };
const youtube: TextLimits = { maxReplyLength: 10_000, counting: 'code-points', linkLength: null };

describe('length as the network counts it', () => {
  it('counts an emoji family and an accented letter as one grapheme on Bluesky, as code points elsewhere', () => {
    const text = 'Cafe\u0301 👨‍👩‍👧';
    expect(countForNetwork(text, bluesky)).toBe(6);
    expect(countForNetwork(text, youtube)).toBe(11);
  });

  it('counts every link as 23 characters on Mastodon, however long, and a remote mention by its local part', () => {
    const long = `Read https://example.org/${'a'.repeat(200)} and http://x.io`;
    expect(countForNetwork(long, mastodon)).toBe('Read  and '.length + 2 * 23);
    expect(countForNetwork('hi @alice@social.example.org', mastodon)).toBe('hi @alice'.length);
  });

  it('says why a text cannot go: empty, or too long with its length and the limit', () => {
    expect(checkPostText('  \n', bluesky)).toEqual({ kind: 'empty' });
    expect(checkPostText('é'.repeat(300), bluesky)).toBeNull();
    expect(checkPostText('é'.repeat(301), bluesky)).toEqual({ kind: 'too-long', length: 301, max: 300 });
    // 490 letters and a 300-character link: 514 on Mastodon, too long; the link alone would fit.
    const text = `${'a'.repeat(490)} https://example.org/${'b'.repeat(280)}`;
    expect(checkPostText(text, mastodon)).toEqual({ kind: 'too-long', length: 514, max: 500 });
  });
});
