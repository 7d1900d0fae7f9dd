import { describe, expect, it } from 'vitest';
import { markText } from './markedText';

const flat = (runs: ReturnType<typeof markText>) =>
  runs.flatMap((run) => run.segments.map((s) => `${run.kind === 'link' ? 'L:' : ''}${s.flagged ? '!' : ''}${s.search ? '?' : ''}${s.text}`));

describe('markText', () => {
  it('marks caught passages by their UTF-16 offsets, after emoji and accents', () => {
    const text = '🌟 Espèce de connard, va';
    const start = text.indexOf('connard');
    expect(flat(markText(text, { flagged: [{ start, end: start + 7 }] }))).toEqual(['🌟 Espèce de ', '!connard', ', va']);
  });

  it('combines searched words and caught passages, and keeps links safe', () => {
    const text = 'Idiot, voir https://ex.example/idiot maintenant';
    const runs = markText(text, { search: ['voir'], flagged: [{ start: 0, end: 5 }, { start: 31, end: 36 }] });
    expect(flat(runs)).toEqual(['!Idiot', ', ', '?voir', ' ', 'L:https://ex.example/', 'L:!idiot', ' maintenant']);
    expect(runs[1]).toMatchObject({ kind: 'link', href: 'https://ex.example/idiot' });
  });

  it('ignores ranges outside the text, reversed or empty, and merges overlaps', () => {
    expect(flat(markText('abcdef', { flagged: [{ start: 4, end: 99 }, { start: 3, end: 1 }, { start: 2, end: 2 }, { start: -5, end: 1 }, { start: 3, end: 5 }] }))).toEqual([
      '!a',
      'bc',
      '!def',
    ]);
    expect(markText('', { flagged: [{ start: 0, end: 3 }] })).toEqual([]);
  });

  it('leaves the text whole when nothing is marked', () => {
    expect(markText('Bonjour', {})).toEqual([{ kind: 'text', segments: [{ text: 'Bonjour', search: false, flagged: false }] }]);
  });
});
