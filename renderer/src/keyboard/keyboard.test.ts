import { describe, expect, it } from 'vitest';
import { bindingsOf, chordOf, SequenceMatcher, type KeyPress } from './chord';
import { COMMANDS, KEYMAP, keyCaps, type KeyScope } from './keymap';

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
    for (const scope of ['list', 'conversation'] as KeyScope[]) {
      const sequences = KEYMAP.filter((s) => s.scopes.includes(scope)).flatMap((s) => s.keys);
      expect(new Set(sequences).size, scope).toBe(sequences.length);
      for (const a of sequences) {
        for (const b of sequences) {
          if (a !== b) expect(b.startsWith(`${a} `), `${a} hides ${b}`).toBe(false);
        }
      }
    }
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
