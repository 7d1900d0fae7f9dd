/**
 * The one table of keyboard shortcuts. The key handler, the "?" overlay, the footer hints and
 * the command palette all read it, so a shortcut shown anywhere is the shortcut that works.
 */

/** Where focus is, for the purpose of shortcuts. */
export type KeyScope = 'list' | 'conversation';

/** Every command a shortcut or the palette can run. Labels live in i18n under `commands.<id>`. */
export const COMMANDS = [
  'list.next',
  'list.previous',
  'list.extendDown',
  'list.extendUp',
  'list.toggleSelect',
  'list.selectAll',
  'conversation.open',
  'conversation.back',
  'conversation.reply',
  'conversation.note',
  'triage.done',
  'triage.reopen',
  'triage.snooze',
  'triage.tag',
  'triage.assign',
  'triage.markUnread',
  'triage.undo',
  'go.inbox',
  'go.mine',
  'go.unassigned',
  'go.held',
  'go.snoozed',
  'go.done',
  'search.focus',
  'filters.toggle',
  'view.save',
  'help.shortcuts',
  'palette.open',
  'settings.open',
] as const;
export type CommandId = (typeof COMMANDS)[number];

export type CommandGroup = 'navigation' | 'triage' | 'views' | 'app';

export interface Shortcut {
  command: CommandId;
  /**
   * Key sequences; chords in a sequence are separated by a space ("g i"). A chord is an optional
   * `Mod+` (Ctrl, or ⌘ on macOS), `Alt+`, `Shift+`, then a lower-case letter, a symbol or a key name.
   */
  keys: string[];
  /** Where the shortcut applies; empty for palette-only commands. */
  scopes: KeyScope[];
  group: CommandGroup;
  /** Shown in the footer hint line for these scopes. */
  footer?: KeyScope[];
}

const BOTH: KeyScope[] = ['list', 'conversation'];

export const KEYMAP: readonly Shortcut[] = [
  { command: 'list.next', keys: ['j', 'ArrowDown'], scopes: BOTH, group: 'navigation', footer: BOTH },
  { command: 'list.previous', keys: ['k', 'ArrowUp'], scopes: BOTH, group: 'navigation' },
  { command: 'conversation.open', keys: ['Enter', 'o'], scopes: ['list'], group: 'navigation', footer: ['list'] },
  { command: 'conversation.back', keys: ['u'], scopes: ['conversation'], group: 'navigation', footer: ['conversation'] },
  { command: 'list.toggleSelect', keys: ['x'], scopes: ['list'], group: 'navigation', footer: ['list'] },
  { command: 'list.extendDown', keys: ['Shift+j', 'Shift+ArrowDown'], scopes: ['list'], group: 'navigation' },
  { command: 'list.extendUp', keys: ['Shift+k', 'Shift+ArrowUp'], scopes: ['list'], group: 'navigation' },
  { command: 'list.selectAll', keys: ['Mod+a'], scopes: ['list'], group: 'navigation' },
  { command: 'triage.done', keys: ['e'], scopes: BOTH, group: 'triage', footer: BOTH },
  { command: 'triage.reopen', keys: ['Shift+e'], scopes: BOTH, group: 'triage' },
  { command: 'triage.snooze', keys: ['s'], scopes: BOTH, group: 'triage', footer: BOTH },
  { command: 'triage.tag', keys: ['#'], scopes: BOTH, group: 'triage', footer: BOTH },
  { command: 'triage.assign', keys: ['a'], scopes: BOTH, group: 'triage', footer: BOTH },
  { command: 'triage.markUnread', keys: ['Shift+u'], scopes: BOTH, group: 'triage' },
  { command: 'triage.undo', keys: ['z'], scopes: BOTH, group: 'triage' },
  { command: 'conversation.reply', keys: ['r'], scopes: BOTH, group: 'triage', footer: BOTH },
  { command: 'conversation.note', keys: ['n'], scopes: ['conversation'], group: 'triage' },
  { command: 'go.inbox', keys: ['g i'], scopes: BOTH, group: 'views' },
  { command: 'go.mine', keys: ['g a'], scopes: BOTH, group: 'views' },
  { command: 'go.unassigned', keys: ['g n'], scopes: BOTH, group: 'views' },
  { command: 'go.held', keys: ['g h'], scopes: BOTH, group: 'views' },
  { command: 'go.snoozed', keys: ['g s'], scopes: BOTH, group: 'views' },
  { command: 'go.done', keys: ['g d'], scopes: BOTH, group: 'views' },
  { command: 'search.focus', keys: ['/'], scopes: BOTH, group: 'app' },
  { command: 'filters.toggle', keys: ['f'], scopes: BOTH, group: 'app' },
  { command: 'view.save', keys: [], scopes: [], group: 'app' },
  { command: 'help.shortcuts', keys: ['?'], scopes: BOTH, group: 'app', footer: BOTH },
  { command: 'palette.open', keys: ['Mod+k'], scopes: BOTH, group: 'app', footer: BOTH },
  { command: 'settings.open', keys: ['Mod+,'], scopes: BOTH, group: 'app' },
];

/** The shortcut row of a command (every command has exactly one). */
export function shortcutOf(command: CommandId): Shortcut {
  const found = KEYMAP.find((s) => s.command === command);
  if (!found) throw new Error(`no keymap entry for ${command}`);
  return found;
}

const KEY_LABELS: Record<string, { mac: string; other: string }> = {
  Mod: { mac: '⌘', other: 'Ctrl' },
  Alt: { mac: '⌥', other: 'Alt' },
  Shift: { mac: '⇧', other: 'Shift' },
  Enter: { mac: '↵', other: 'Enter' },
  Escape: { mac: 'Esc', other: 'Esc' },
  ArrowDown: { mac: '↓', other: '↓' },
  ArrowUp: { mac: '↑', other: '↑' },
};

/**
 * The key caps of a key sequence, for display: "Mod+k" → [["Ctrl", "K"]], "g i" → [["G"], ["I"]].
 * One inner array per chord of the sequence.
 */
export function keyCaps(sequence: string, mac: boolean): string[][] {
  return sequence.split(' ').map((chord) => {
    return chord.split('+').map((part) => {
      const label = KEY_LABELS[part];
      if (label) return mac ? label.mac : label.other;
      return part.length === 1 ? part.toUpperCase() : part;
    });
  });
}
