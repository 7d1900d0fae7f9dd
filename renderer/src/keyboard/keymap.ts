/**
 * The one table of keyboard shortcuts. The key handler, the "?" overlay, the footer hints and
 * the command palette all read it, so a shortcut shown anywhere is the shortcut that works.
 */

/**
 * Where focus is, for the purpose of shortcuts: the list or the open conversation of the inbox;
 * either pane while the view is "Held for review" (the review queue, whose keys differ: `a`
 * approves there); or one of the other screens (accounts, rules, lexicons, audit log).
 */
export type KeyScope = 'list' | 'conversation' | 'review' | 'screen';

/** Every scope, for tests and tables. */
export const KEY_SCOPES: readonly KeyScope[] = ['list', 'conversation', 'review', 'screen'];

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
  'composer.savedReply',
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
  'go.accounts',
  'go.rules',
  'go.lexicons',
  'go.audit',
  'go.savedReplies',
  'review.approve',
  'review.hide',
  'review.remove',
  'review.ban',
  'message.moderate',
  'rules.moveUp',
  'rules.moveDown',
  'accounts.connect',
  'screen.close',
  'search.focus',
  'filters.toggle',
  'view.save',
  'help.shortcuts',
  'palette.open',
  'settings.open',
  'settings.themeLight',
  'settings.themeDark',
  'settings.themeSystem',
  'settings.languageFr',
  'settings.languageEn',
  'settings.languageSystem',
] as const;
export type CommandId = (typeof COMMANDS)[number];

export type CommandGroup = 'navigation' | 'triage' | 'review' | 'views' | 'screens' | 'app';

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
/** The inbox in every mode: its list, its conversation, and the review queue. */
const INBOX: KeyScope[] = ['list', 'conversation', 'review'];
/** Everywhere: the inbox and the other screens. */
const ALL: KeyScope[] = ['list', 'conversation', 'review', 'screen'];

export const KEYMAP: readonly Shortcut[] = [
  { command: 'list.next', keys: ['j', 'ArrowDown'], scopes: INBOX, group: 'navigation', footer: INBOX },
  { command: 'list.previous', keys: ['k', 'ArrowUp'], scopes: INBOX, group: 'navigation' },
  { command: 'conversation.open', keys: ['Enter', 'o'], scopes: ['list', 'review'], group: 'navigation', footer: ['list'] },
  { command: 'conversation.back', keys: ['u'], scopes: ['conversation', 'review'], group: 'navigation', footer: ['conversation'] },
  { command: 'list.toggleSelect', keys: ['x'], scopes: ['list', 'review'], group: 'navigation', footer: ['list'] },
  { command: 'list.extendDown', keys: ['Shift+j', 'Shift+ArrowDown'], scopes: ['list', 'review'], group: 'navigation' },
  { command: 'list.extendUp', keys: ['Shift+k', 'Shift+ArrowUp'], scopes: ['list', 'review'], group: 'navigation' },
  { command: 'list.selectAll', keys: ['Mod+a'], scopes: ['list', 'review'], group: 'navigation' },
  { command: 'triage.done', keys: ['e'], scopes: INBOX, group: 'triage', footer: BOTH },
  { command: 'triage.reopen', keys: ['Shift+e'], scopes: INBOX, group: 'triage' },
  { command: 'triage.snooze', keys: ['s'], scopes: INBOX, group: 'triage', footer: BOTH },
  { command: 'triage.tag', keys: ['#'], scopes: INBOX, group: 'triage', footer: BOTH },
  // In the review queue "a" approves: assigning stays in the palette there.
  { command: 'triage.assign', keys: ['a'], scopes: BOTH, group: 'triage', footer: BOTH },
  { command: 'triage.markUnread', keys: ['Shift+u'], scopes: INBOX, group: 'triage' },
  { command: 'triage.undo', keys: ['z'], scopes: INBOX, group: 'triage' },
  { command: 'conversation.reply', keys: ['r'], scopes: INBOX, group: 'triage', footer: BOTH },
  { command: 'conversation.note', keys: ['n'], scopes: ['conversation', 'review'], group: 'triage' },
  // Also typed in the composer itself, which handles it (shortcuts do not fire while typing).
  { command: 'composer.savedReply', keys: ['Mod+;'], scopes: BOTH, group: 'triage' },
  { command: 'message.moderate', keys: ['m'], scopes: ['conversation', 'review'], group: 'triage', footer: ['conversation'] },
  { command: 'review.approve', keys: ['a'], scopes: ['review'], group: 'review', footer: ['review'] },
  { command: 'review.hide', keys: ['h'], scopes: ['review'], group: 'review', footer: ['review'] },
  { command: 'review.remove', keys: ['d', 'Shift+r'], scopes: ['review'], group: 'review', footer: ['review'] },
  { command: 'review.ban', keys: ['b'], scopes: ['review'], group: 'review', footer: ['review'] },
  { command: 'go.inbox', keys: ['g i'], scopes: ALL, group: 'views' },
  { command: 'go.mine', keys: ['g a'], scopes: ALL, group: 'views' },
  { command: 'go.unassigned', keys: ['g n'], scopes: ALL, group: 'views' },
  { command: 'go.held', keys: ['g h'], scopes: ALL, group: 'views' },
  { command: 'go.snoozed', keys: ['g s'], scopes: ALL, group: 'views' },
  { command: 'go.done', keys: ['g d'], scopes: ALL, group: 'views' },
  { command: 'go.accounts', keys: ['g c'], scopes: ALL, group: 'screens' },
  { command: 'go.rules', keys: ['g r'], scopes: ALL, group: 'screens' },
  { command: 'go.lexicons', keys: ['g w'], scopes: ALL, group: 'screens' },
  { command: 'go.audit', keys: ['g l'], scopes: ALL, group: 'screens' },
  { command: 'go.savedReplies', keys: ['g t'], scopes: ALL, group: 'screens' },
  { command: 'accounts.connect', keys: [], scopes: [], group: 'screens' },
  { command: 'screen.close', keys: ['Escape'], scopes: ['screen'], group: 'screens', footer: ['screen'] },
  { command: 'rules.moveUp', keys: ['Alt+ArrowUp'], scopes: ['screen'], group: 'screens' },
  { command: 'rules.moveDown', keys: ['Alt+ArrowDown'], scopes: ['screen'], group: 'screens' },
  { command: 'search.focus', keys: ['/'], scopes: INBOX, group: 'app' },
  { command: 'filters.toggle', keys: ['f'], scopes: INBOX, group: 'app' },
  { command: 'view.save', keys: [], scopes: [], group: 'app' },
  { command: 'help.shortcuts', keys: ['?'], scopes: ALL, group: 'app', footer: ALL },
  { command: 'palette.open', keys: ['Mod+k'], scopes: ALL, group: 'app', footer: ALL },
  { command: 'settings.open', keys: ['Mod+,'], scopes: ALL, group: 'app' },
  // From the palette only.
  { command: 'settings.themeLight', keys: [], scopes: [], group: 'app' },
  { command: 'settings.themeDark', keys: [], scopes: [], group: 'app' },
  { command: 'settings.themeSystem', keys: [], scopes: [], group: 'app' },
  { command: 'settings.languageFr', keys: [], scopes: [], group: 'app' },
  { command: 'settings.languageEn', keys: [], scopes: [], group: 'app' },
  { command: 'settings.languageSystem', keys: [], scopes: [], group: 'app' },
];

/** The shortcut row of a command (every command has exactly one). */
export function shortcutOf(command: CommandId): Shortcut {
  const found = KEYMAP.find((s) => s.command === command);
  if (!found) throw new Error(`no keymap entry for ${command}`);
  return found;
}

/**
 * The key that runs a command where focus is, or null: in the review queue `a` approves, so a
 * control that assigns shows no `A` there (assigning stays in the palette).
 */
export function keyIn(command: CommandId, scope: KeyScope): string | null {
  const shortcut = shortcutOf(command);
  return shortcut.scopes.includes(scope) ? (shortcut.keys[0] ?? null) : null;
}

const KEY_LABELS: Record<string, { mac: string; other: string }> = {
  Mod: { mac: '⌘', other: 'Ctrl' },
  Alt: { mac: '⌥', other: 'Alt' },
  Shift: { mac: '⇧', other: 'Shift' },
  Enter: { mac: '↵', other: 'Enter' },
  Escape: { mac: 'Esc', other: 'Esc' },
  ArrowDown: { mac: '↓', other: '↓' },
  ArrowUp: { mac: '↑', other: '↑' },
  ArrowLeft: { mac: '←', other: '←' },
  ArrowRight: { mac: '→', other: '→' },
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
