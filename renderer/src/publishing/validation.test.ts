import { describe, expect, it } from 'vitest';
import type { NetworkInfo } from '../../../shared/networks';
import { checkTarget } from './validation';

const mastodon: Pick<NetworkInfo, 'text' | 'publish'> = { text: { maxReplyLength: 500, counting: 'code-points-fixed-links', linkLength: 23 }, publish: ['text'] };
const bluesky: Pick<NetworkInfo, 'text' | 'publish'> = { text: { maxReplyLength: 300, counting: 'graphemes', linkLength: null }, publish: ['text'] };
const youtube: Pick<NetworkInfo, 'text' | 'publish'> = { text: { maxReplyLength: 10000, counting: 'code-points', linkLength: null }, publish: ['video'] };

describe('checkTarget', () => {
  it('counts as each network does and says why a text cannot go', () => {
    const link = `https://shop.example/${'a'.repeat(200)}`;
    const text = `${'é'.repeat(290)}`;
    // Mastodon: 290 + 2 blank lines + a link counted as 23 = 315, fine; Bluesky: 290 + 2 + 221 graphemes.
    const at = 2_000;
    expect(checkTarget({ text, override: null, link, scheduledAt: at }, mastodon, 1_000)).toMatchObject({ length: 315, max: 500, problems: [] });
    expect(checkTarget({ text, override: null, link, scheduledAt: at }, bluesky, 1_000)).toMatchObject({ problems: [{ kind: 'too-long', length: 513, max: 300 }] });
    // A shorter variant for Bluesky fits; an emoji with a skin tone is one grapheme there.
    expect(checkTarget({ text, override: '👍🏽'.repeat(300), link: null, scheduledAt: at }, bluesky, 1_000).problems).toEqual([]);
    expect(checkTarget({ text, override: '👍🏽'.repeat(301), link: null, scheduledAt: at }, bluesky, 1_000).problems).toEqual([{ kind: 'too-long', length: 301, max: 300 }]);
  });

  it('asks for a text and a time to come, and refuses a network that cannot publish text', () => {
    expect(checkTarget({ text: '  ', override: null, link: null, scheduledAt: null }, mastodon, 1_000).problems).toEqual([{ kind: 'empty' }, { kind: 'no-time' }]);
    expect(checkTarget({ text: 'Bonjour', override: null, link: null, scheduledAt: 500 }, mastodon, 1_000).problems).toEqual([{ kind: 'past-time' }]);
    expect(checkTarget({ text: 'Bonjour', override: null, link: null, scheduledAt: 5_000 }, youtube, 1_000).problems).toEqual([{ kind: 'cannot-publish' }]);
  });

  it('asks for a title where the network publishes articles (WordPress), and only there', () => {
    const wordpress: Pick<NetworkInfo, 'text' | 'publish' | 'titleRequired'> = { text: { maxReplyLength: 10000, counting: 'code-points', linkLength: null }, publish: ['article'], titleRequired: true };
    expect(checkTarget({ text: 'Bonjour', override: null, link: null, scheduledAt: 5_000, title: ' ' }, wordpress, 1_000).problems).toEqual([{ kind: 'no-title' }]);
    expect(checkTarget({ text: 'Bonjour', override: null, link: null, scheduledAt: 5_000, title: 'Nouveautés' }, wordpress, 1_000).problems).toEqual([]);
    expect(checkTarget({ text: 'Bonjour', override: null, link: null, scheduledAt: 5_000, title: null }, mastodon, 1_000).problems).toEqual([]);
  });
});
