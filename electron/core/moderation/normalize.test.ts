import { describe, expect, it } from 'vitest';
import { foldForComparison, foldText, originalRange } from './normalize';

const fold = (text: string): string => foldText(text).folded;

describe('foldText', () => {
  it('lower-cases and strips diacritics', () => {
    expect(fold('ÉCOLE Über Ça')).toBe('ecole uber ca');
    expect(fold('Œuvre, Straße, Ærø')).toBe('oeuvre|strasse|aero');
  });

  it('maps Cyrillic and Greek look-alikes, capitals first', () => {
    expect(fold('\u0441\u043e\u043f')).toBe('con');
    // Capital eta looks like H, lower-case eta like n.
    expect(fold('\u0397\u03b7')).toBe('hn');
  });

  it('reads digits and symbols as letters inside words only', () => {
    expect(fold('c0nnard')).toBe('connard');
    expect(fold('$h1t')).toBe('shIt');
    expect(fold('2024 10$ 5€')).toBe('2024 10 5 ');
    expect(fold('Galaxy A55')).toBe('galaxy a55');
  });

  it('keeps edge digit runs as maybe-letters (subscript digits)', () => {
    expect(fold('connard93')).toBe('connard\u2089\u2083');
    expect(fold('93connard')).toBe('\u2089\u2083connard');
  });

  it('treats "!" and "*" as letters only between letters', () => {
    expect(fold('sh!t salope!!!')).toBe('shit salope ');
    expect(fold('f*ck *bold*')).toBe('f*ck bold ');
  });

  it('treats a leading "@" as a mention, not a letter', () => {
    expect(fold('@connard s@lope')).toBe(' connard salope');
  });

  it('joins letters spelled out one by one', () => {
    expect(fold('f u c k off')).toBe('fuck off');
    expect(fold('C.O.N.N.A.R.D')).toBe('connard');
    expect(fold('s. h. i. t.')).toBe('shit ');
    // Two letters are not a spelled word; apostrophes and newlines break a run.
    expect(fold('a b')).toBe('a b');
    expect(fold("l'a d'y")).toBe('l a d y');
    expect(fold('a\nb\nc')).toBe('a|b|c');
  });

  it('removes zero-width characters and combining marks', () => {
    expect(fold('con\u200bna\u200drd')).toBe('connard');
    expect(fold('c\u0337o\u0337n')).toBe('con');
  });

  it('keeps soft separators inside words, and marks clause breaks', () => {
    expect(fold('cul-de-sac')).toBe('cul.de.sac');
    expect(fold('fin. Début')).toBe('fin|debut');
    expect(fold('Philip K. Dick')).toBe('philip k dick');
    expect(fold('un , deux')).toBe('un|deux');
  });

  it('reads fancy Unicode letters', () => {
    expect(fold('\uff46\uff55\uff43\uff4b')).toBe('fuck');
    expect(fold('\u{1d41f}\u{1d42e}')).toBe('fu');
    expect(fold('\u24c8\u24d0')).toBe('sa');
    expect(fold('\u{1f1eb}\u{1f1fa}')).toBe('fu');
    expect(fold('\u1d04\u1d0f\u0274')).toBe('con');
  });

  it('keeps other scripts as letters', () => {
    expect(fold('日本語 テスト')).toBe('日本語 テスト');
  });

  it('maps every folded character back to the original text', () => {
    const text = 'Ah, C.O.N.N.A.R.D\u200b!';
    const folded = foldText(text);
    const start = folded.folded.indexOf('connard');
    const range = originalRange(folded, start, start + 'connard'.length);
    expect(text.slice(range.start, range.end)).toBe('C.O.N.N.A.R.D\u200b');
    expect(folded.starts.length).toBe(folded.folded.length);
    expect(folded.ends.length).toBe(folded.folded.length);
    for (let i = 0; i < folded.folded.length; i++) {
      expect(folded.ends[i] as number).toBeGreaterThan(folded.starts[i] as number);
      expect(folded.ends[i] as number).toBeLessThanOrEqual(text.length);
    }
  });

  it('maps expansions (ß → ss) to the one original character', () => {
    const text = 'Straße';
    const folded = foldText(text);
    expect(folded.folded).toBe('strasse');
    expect([folded.starts[4], folded.ends[4], folded.starts[5], folded.ends[5]]).toEqual([4, 5, 4, 5]);
  });

  it('folds long texts without losing characters', () => {
    const text = 'ok '.repeat(10_000);
    expect(fold(text)).toBe(text);
  });
});

describe('foldForComparison', () => {
  it('gives one key to texts that differ by case, repeats, accents and separators', () => {
    const key = foldForComparison('Achetez mes followers !!!');
    expect(foldForComparison('ACHETEZ   mes folowers')).toBe(key);
    expect(foldForComparison('achetez mes fóllowers...')).toBe(key);
    expect(foldForComparison('achetez des followers')).not.toBe(key);
  });
});
