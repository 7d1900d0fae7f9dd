import { describe, expect, it } from 'vitest';
import { fillSavedReply, firstNameOf, unknownVariables } from './savedReplyTemplate';

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

describe('{firstName}', () => {
  const fill = (name: string) => fillSavedReply('Bonjour {firstName} !', { name, handle: '@x', me: 'Léa' });

  it('is the first word of the display name, where {name} is all of it', () => {
    expect(fillSavedReply('{firstName} / {name}', { name: 'Camille Roux', handle: '', me: '' })).toBe('Camille / Camille Roux');
  });

  it('leaves out the emoji and punctuation around names', () => {
    expect(fill('🌿 Camille Roux')).toBe('Bonjour Camille !');
    expect(fill('« Jean-Luc » Picard')).toBe('Bonjour Jean-Luc !');
    expect(firstNameOf("O'Brien, Dana")).toBe("O'Brien");
  });

  it('keeps a handle-like name whole, and an empty name empty', () => {
    expect(fill('dan.bsky')).toBe('Bonjour dan.bsky !');
    expect(fill('')).toBe('Bonjour  !');
  });
});

describe('unknownVariables', () => {
  it('names the {words} that will not be filled, once each', () => {
    expect(unknownVariables('Bonjour {prénom} {firstName}, {prénom} {me} {nom}')).toEqual(['prénom', 'nom']);
  });
});
