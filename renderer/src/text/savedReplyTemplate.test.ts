import { describe, expect, it } from 'vitest';
import { fillSavedReply } from './savedReplyTemplate';

describe('fillSavedReply', () => {
  it('replaces every placeholder, with a single @ on the handle', () => {
    expect(
      fillSavedReply('Bonjour {name} ({handle}), {me} revient vers vous. {name} ?', {
        name: 'Camille',
        handle: '@camille@mastodon.social',
        me: 'Léa',
      }),
    ).toBe('Bonjour Camille (@camille@mastodon.social), Léa revient vers vous. Camille ?');
  });

  it('leaves unknown placeholders visible and does not interpret $ patterns', () => {
    expect(fillSavedReply('{nom} {name}', { name: '$& $1', handle: '', me: 'x' })).toBe('{nom} $& $1');
  });
});
