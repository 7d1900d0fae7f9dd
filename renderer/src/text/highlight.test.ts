import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight';

const marked = (text: string, words: string[]) =>
  highlightSegments(text, words)
    .filter((s) => s.match)
    .map((s) => s.text);

describe('highlightSegments', () => {
  it('marks whole and prefix matches at word starts, ignoring case and accents', () => {
    expect(marked('Livraison arrivée, LIVRÉ trop tard', ['livr*', 'arrivee'])).toEqual(['Livr', 'arrivée', 'LIVR']);
  });

  it('does not mark a word found inside another word', () => {
    expect(marked('délivré, livré', ['livr'])).toEqual(['livr']);
  });

  it('keeps the whole text, in order, in the segments', () => {
    const text = 'Le colis 📦 est arrivé cassé ! cassé.';
    const segments = highlightSegments(text, ['casse']);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['cassé', 'cassé']);
  });

  it('handles text whose case folding changes length and quoted phrases', () => {
    expect(marked('İstanbul ıstanbul', ['istanbul'])).toEqual(['İstanbul']);
    expect(marked('order is late, very late', ['"very late"'])).toEqual(['very late']);
  });

  it('returns the text as one plain run without words, and nothing for empty text', () => {
    expect(highlightSegments('<b>hi</b>', [])).toEqual([{ text: '<b>hi</b>', match: false }]);
    expect(highlightSegments('', ['a'])).toEqual([]);
  });

  it('merges adjacent matches of overlapping words into one run', () => {
    expect(highlightSegments('commande', ['comm', 'command'])).toEqual([
      { text: 'command', match: true },
      { text: 'e', match: false },
    ]);
  });
});
