import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bindingsOf, chordOf, SequenceMatcher, type KeyPress } from './chord';
import { COMMANDS, KEY_SCOPES, KEYMAP, keyCaps } from './keymap';
import { scopeOf } from './useShortcuts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('chordOf', () => {
  it('lower-cases letters and names Shift', () => {
    expect(chordOf(press('j'))).toBe('j');
    expect(chordOf(press('J', { shiftKey: true }))).toBe('Shift+j');
    expect(chordOf(press('k', { metaKey: true }))).toBe('Mod+k');
    expect(chordOf(press('K', { ctrlKey: true, shiftKey: true }))).toBe('Mod+Shift+k');
  });

  it('takes symbols as typed, whatever the layout needed to type them', () => {
    expect(chordOf(press('#', { shiftKey: true }))).toBe('#'); // US
    expect(chordOf(press('#', { ctrlKey: true, altKey: true }))).toBe('#'); // AZERTY AltGr on Windows
    expect(chordOf(press('?', { shiftKey: true }))).toBe('?');
    expect(chordOf(press(',', { ctrlKey: true }))).toBe('Mod+,');
  });

  it('names special keys and ignores lone modifiers', () => {
    expect(chordOf(press('Enter'))).toBe('Enter');
    expect(chordOf(press('ArrowDown', { shiftKey: true }))).toBe('Shift+ArrowDown');
    expect(chordOf(press('Shift', { shiftKey: true }))).toBeNull();
  });
});

describe('SequenceMatcher', () => {
  const bindings = bindingsOf([
    { command: 'inbox', keys: ['g i'] },
    { command: 'next', keys: ['j'] },
    { command: 'mine', keys: ['g a'] },
  ]);

  it('runs single keys and two-key sequences', () => {
    const matcher = new SequenceMatcher<string>(1000);
    expect(matcher.feed('j', 0, bindings)).toEqual({ kind: 'command', command: 'next' });
    expect(matcher.feed('g', 10, bindings)).toEqual({ kind: 'pending' });
    expect(matcher.feed('a', 20, bindings)).toEqual({ kind: 'command', command: 'mine' });
  });

  it('forgets the first key after the timeout', () => {
    const matcher = new SequenceMatcher<string>(1000);
    matcher.feed('g', 0, bindings);
    expect(matcher.feed('i', 2000, bindings)).toEqual({ kind: 'none' });
  });

  it('restarts from the new key when a sequence breaks', () => {
    const matcher = new SequenceMatcher<string>(1000);
    matcher.feed('g', 0, bindings);
    expect(matcher.feed('j', 10, bindings)).toEqual({ kind: 'command', command: 'next' });
    expect(matcher.feed('i', 20, bindings)).toEqual({ kind: 'none' });
  });
});

describe('KEYMAP', () => {
  const chordPattern = /^(Mod\+)?(Alt\+)?(Shift\+)?([a-z]|[^A-Za-z\s]|Enter|Escape|Space|Arrow(Up|Down|Left|Right))$/;

  it('has exactly one entry per command', () => {
    expect(KEYMAP.map((s) => s.command).sort()).toEqual([...COMMANDS].sort());
  });

  it('writes every key in the notation chordOf produces', () => {
    for (const shortcut of KEYMAP) {
      for (const sequence of shortcut.keys) {
        for (const chord of sequence.split(' ')) expect(chord, `${shortcut.command}: ${sequence}`).toMatch(chordPattern);
      }
    }
  });

  it('never binds one sequence twice, or a sequence that hides another, in the same scope', () => {
    for (const scope of KEY_SCOPES) {
      const sequences = KEYMAP.filter((s) => s.scopes.includes(scope)).flatMap((s) => s.keys);
      expect(new Set(sequences).size, scope).toBe(sequences.length);
      for (const a of sequences) {
        for (const b of sequences) {
          if (a !== b) expect(b.startsWith(`${a} `), `${a} hides ${b}`).toBe(false);
        }
      }
    }
  });

  it('gives the review queue its decisions on keys that clash with nothing there, and keeps "a" for assign elsewhere', () => {
    const inScope = (scope: (typeof KEY_SCOPES)[number], key: string) => KEYMAP.filter((s) => s.scopes.includes(scope) && s.keys.includes(key)).map((s) => s.command);
    expect(inScope('review', 'a')).toEqual(['review.approve']);
    expect(inScope('review', 'h')).toEqual(['review.hide']);
    expect(inScope('review', 'd')).toEqual(['review.remove']);
    expect(inScope('review', 'Shift+r')).toEqual(['review.remove']);
    expect(inScope('review', 'b')).toEqual(['review.ban']);
    expect(inScope('review', 'j')).toEqual(['list.next']);
    expect(inScope('list', 'a')).toEqual(['triage.assign']);
    expect(inScope('conversation', 'a')).toEqual(['triage.assign']);
    // On the other screens, list keys do nothing behind the user's back.
    expect(inScope('screen', 'j')).toEqual([]);
    expect(inScope('screen', 'e')).toEqual([]);
  });

  it('only hints in the footer where the shortcut works', () => {
    for (const shortcut of KEYMAP) {
      for (const scope of shortcut.footer ?? []) expect(shortcut.scopes).toContain(scope);
    }
  });
});

describe('keyCaps', () => {
  it('shows platform key names, one group per chord', () => {
    expect(keyCaps('Mod+k', false)).toEqual([['Ctrl', 'K']]);
    expect(keyCaps('Mod+k', true)).toEqual([['⌘', 'K']]);
    expect(keyCaps('g i', false)).toEqual([['G'], ['I']]);
    expect(keyCaps('Shift+j', false)).toEqual([['Shift', 'J']]);
    expect(keyCaps('#', false)).toEqual([['#']]);
  });
});

describe('scopeOf', () => {
  // The tests run in Node: a bare Element class stands in for the DOM's.
  beforeAll(() => vi.stubGlobal('Element', class {}));
  afterAll(() => vi.unstubAllGlobals());
  // A minimal stand-in for an element: what `closest` answers for each scope marker.
  const at = (area: 'screen' | 'conversation' | null) =>
    Object.assign(Object.create(Element.prototype) as Element, {
      closest: (selector: string) => (selector.includes(`"${area}"`) ? ({} as Element) : null),
    });

  it('puts both inbox panes in the review scope while reviewing, and never the other screens', () => {
    expect(scopeOf(at(null))).toBe('list');
    expect(scopeOf(at('conversation'))).toBe('conversation');
    expect(scopeOf(at(null), true)).toBe('review');
    expect(scopeOf(at('conversation'), true)).toBe('review');
    expect(scopeOf(at('screen'), true)).toBe('screen');
  });
});
