import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { fr } from '../../../renderer/src/i18n/fr';
import { checkRegexSafety, execBounded, MAX_REGEX_MATCHES, REGEX_PROBLEMS, REGEX_WINDOW } from './regex-safety';

describe('checkRegexSafety', () => {
  it.each([
    ['\\bviagra\\b'],
    ['https?://\\S+'],
    ['(foo|bar)+'],
    ['^(\\d{3})-(\\d{4})$'],
    ['[(]a+[)]+'],
    ['\\(a+\\)+'],
    ['(?:whats|what\'s)\\s?app'],
    ['(ab?)+'],
    ['[A-Z]{5,}'],
    ['\\p{Lu}{10,}'],
  ])('accepts %s', (pattern) => {
    expect(checkRegexSafety(pattern)).toBeNull();
  });

  it.each([
    ['(a+)+$', /Nested repetition/],
    ['(\\w+\\s?)*', /Nested repetition/],
    ['(?:a*)*', /Nested repetition/],
    ['(a{2,})*', /Nested repetition/],
    ['((ab)+c)+', /Nested repetition/],
    ['(a?b?)+', /Nested repetition/],
    ['(a+)?b(c|d)*', null],
    ['(a|a)*', /alternatives can start alike/],
    ['(a|ab)*', /alternatives can start alike/],
    ['(\\w|\\d)+', /alternatives can start alike/],
    ['(.|x)+', /alternatives can start alike/],
    ['(a*)\\1', /Back-references/],
    ['(?<x>a)\\k<x>', /Back-references/],
    ['a*b*c*d*', /At most 3 unbounded/],
    ['a{1,5000}', /bound above/],
    ['(', /Not a valid regular expression/],
    ['', /empty/],
    ['x'.repeat(501), /longer than 500/],
  ])('judges %s', (pattern, problem) => {
    const result = checkRegexSafety(pattern);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });

  it('rejects stateful or unknown flags', () => {
    expect(checkRegexSafety('abc', 'g')).toMatch(/flags/);
    expect(checkRegexSafety('abc', 'y')).toMatch(/flags/);
    expect(checkRegexSafety('abc', 'ims')).toBeNull();
  });
});

describe('execBounded', () => {
  it('returns matches with offsets, skipping empty ones', () => {
    const text = 'call 0612345678 or 0798765432, x*';
    expect(execBounded(/\d{10}|x?/g, text)).toEqual([
      { text: '0612345678', start: 5, end: 15 },
      { text: '0798765432', start: 19, end: 29 },
      { text: 'x', start: 31, end: 32 },
    ]);
  });

  it('finds matches in long texts, across window boundaries, once each', () => {
    const filler = 'z'.repeat(REGEX_WINDOW - 3);
    const text = `${filler}viagra ${filler}viagra`;
    const found = execBounded(/viagra/g, text);
    expect(found.map((m) => m.start)).toEqual([REGEX_WINDOW - 3, 2 * (REGEX_WINDOW - 3) + 7]);
  });

  it('stops at the match limit', () => {
    expect(execBounded(/a/g, 'a'.repeat(500))).toHaveLength(MAX_REGEX_MATCHES);
  });
});

describe('checkRegexSafety on bounded repetitions', () => {
  it('accepts exact counts inside a repeated group', () => {
    expect(checkRegexSafety('\\b0[67](?:[ .]?\\d{2}){4}\\b')).toBeNull();
    expect(checkRegexSafety('(a{2}){3}')).toBeNull();
  });

  it('rejects variable counts inside a repeated group, even a bounded one', () => {
    expect(checkRegexSafety('(a+){3}')).toMatch(/Nested repetition/);
    expect(checkRegexSafety('(a{1,3}){2}')).toMatch(/Nested repetition/);
  });
});

describe('regex problems', () => {
  it('each have a sentence in both catalogues (the core sends codes, the renderer words them)', () => {
    for (const problem of REGEX_PROBLEMS) {
      expect(en.rules.regexErrors[problem], problem).toBeTruthy();
      expect(fr.rules.regexErrors[problem], problem).toBeTruthy();
    }
    expect(Object.keys(en.rules.regexErrors).sort()).toEqual([...REGEX_PROBLEMS].sort());
  });
});
