/** The parts of a keydown event that decide which chord was pressed. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Dead']);

/**
 * The chord of a key press in the keymap's notation, or null for a lone modifier.
 * - Letters are lower-cased, with `Shift+` when shifted: "J" → "Shift+j".
 * - Symbols are taken as typed: "#" is "#" whether the layout needs Shift (US) or AltGr (French
 *   AZERTY on Windows, which reports Ctrl+Alt), so the same key works on every keyboard.
 * - Ctrl and ⌘ are both `Mod`.
 */
export function chordOf(press: KeyPress): string | null {
  const { key } = press;
  if (MODIFIER_KEYS.has(key)) return null;
  const altGraph = press.ctrlKey && press.altKey;
  const single = [...key].length === 1;
  const letter = single && /\p{L}/u.test(key);
  const parts: string[] = [];
  if (single && !letter) {
    if ((press.ctrlKey || press.metaKey) && !altGraph) parts.push('Mod');
    parts.push(key === ' ' ? 'Space' : key);
    return parts.join('+');
  }
  if (press.ctrlKey || press.metaKey) parts.push('Mod');
  if (press.altKey && !altGraph) parts.push('Alt');
  if (press.shiftKey) parts.push('Shift');
  parts.push(letter ? key.toLowerCase() : key);
  return parts.join('+');
}

/** A shortcut binding after parsing: its chord sequence and what it runs. */
export interface Binding<C> {
  sequence: string[];
  command: C;
}

export type MatchResult<C> = { kind: 'command'; command: C } | { kind: 'pending' } | { kind: 'none' };

/** How long the first key of a sequence ("g" of "g i") waits for the second. */
export const SEQUENCE_TIMEOUT_MS = 1500;

/**
 * Turns chords into commands, following multi-key sequences. Time is passed in with each chord so
 * the matcher holds no timer and tests need no waiting.
 */
export class SequenceMatcher<C> {
  private pending: string[] = [];
  private pendingAt = 0;

  constructor(private readonly timeoutMs = SEQUENCE_TIMEOUT_MS) {}

  /** Feeds one chord; `bindings` are those active where focus is now. */
  feed(chord: string, now: number, bindings: readonly Binding<C>[]): MatchResult<C> {
    if (this.pending.length > 0 && now - this.pendingAt > this.timeoutMs) this.pending = [];
    const attempt = [...this.pending, chord];
    const result = this.match(attempt, bindings);
    if (result.kind !== 'none' || this.pending.length === 0) return this.settle(result, attempt, now);
    // "g" then an unbound key: start over from this key alone.
    return this.settle(this.match([chord], bindings), [chord], now);
  }

  /** Forgets a half-typed sequence (focus moved, an overlay opened). */
  reset(): void {
    this.pending = [];
  }

  private settle(result: MatchResult<C>, attempt: string[], now: number): MatchResult<C> {
    if (result.kind === 'pending') {
      this.pending = attempt;
      this.pendingAt = now;
    } else {
      this.pending = [];
    }
    return result;
  }

  private match(attempt: string[], bindings: readonly Binding<C>[]): MatchResult<C> {
    let prefix = false;
    for (const binding of bindings) {
      if (binding.sequence.length < attempt.length) continue;
      if (!attempt.every((chord, i) => binding.sequence[i] === chord)) continue;
      if (binding.sequence.length === attempt.length) return { kind: 'command', command: binding.command };
      prefix = true;
    }
    return prefix ? { kind: 'pending' } : { kind: 'none' };
  }
}

/** Parses keymap key strings into bindings. */
export function bindingsOf<C>(entries: readonly { command: C; keys: readonly string[] }[]): Binding<C>[] {
  return entries.flatMap((entry) => entry.keys.map((keys) => ({ sequence: keys.split(' '), command: entry.command })));
}

/** True when keys typed into this element are text, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (element as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
}
