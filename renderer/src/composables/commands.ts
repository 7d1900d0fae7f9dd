import { inject, type InjectionKey } from 'vue';
import type { Id } from '../../../shared/model';
import { api } from '../api';
import type { TriageChange } from '../inbox/triageChange';
import type { BuiltInView } from '../inbox/inboxFilter';
import type { CommandId, KeyScope } from '../keyboard/keymap';
import { useConversationStore } from '../stores/conversation';
import { useInboxStore } from '../stores/inbox';
import { useToastsStore } from '../stores/toasts';
import { useTriageStore } from '../stores/triage';
import { useUiStore } from '../stores/ui';

/** Runs commands by id: the one implementation behind shortcuts, the palette and buttons. */
export interface Commands {
  run(command: CommandId, scope?: KeyScope): void;
  /** Whether the command has something to act on right now (greys it out in the palette). */
  available(command: CommandId, scope?: KeyScope): boolean;
  /** Applies a triage change chosen in a picker to the picker's targets, then moves on. */
  applyToTargets(make: (ids: Id[]) => TriageChange, targets: { ids: Id[]; scope: KeyScope }): Promise<void>;
  openConversation(id: Id, focus?: 'conversation' | 'composer' | 'none'): void;
}

export const CommandsKey: InjectionKey<Commands> = Symbol('commands');

/** The commands provided by App. */
export function useCommands(): Commands {
  const commands = inject(CommandsKey);
  if (!commands) throw new Error('useCommands() outside App');
  return commands;
}

const VIEW_OF: Partial<Record<CommandId, BuiltInView>> = {
  'go.inbox': 'inbox',
  'go.mine': 'mine',
  'go.unassigned': 'unassigned',
  'go.held': 'held',
  'go.snoozed': 'snoozed',
  'go.done': 'done',
};

/** Builds the command set over the stores (call inside App's setup, after Pinia is installed). */
export function createCommands(): Commands {
  const inbox = useInboxStore();
  const conversation = useConversationStore();
  const triage = useTriageStore();
  const ui = useUiStore();
  const toasts = useToastsStore();

  function targets(scope: KeyScope): Id[] {
    if (scope === 'conversation' && conversation.openId !== null) return [conversation.openId];
    return inbox.targetIds();
  }

  function openConversation(id: Id, focus: 'conversation' | 'composer' | 'none' = 'conversation'): void {
    inbox.setCursor(id);
    ui.conversationShown = true;
    void conversation.open(id);
    if (focus !== 'none') ui.requestFocus(focus);
  }

  /**
   * After an action took the open conversation out of the list (done, snoozed), show the next
   * one, as an inbox-zero workflow expects; with none left, go back to the list.
   */
  function advanceIfGone(scope: KeyScope, openBefore: Id | null): void {
    if (openBefore === null || inbox.rowById(openBefore)) return;
    if (scope === 'conversation') {
      const next = inbox.cursorRow;
      if (next) openConversation(next.id);
      else {
        conversation.close();
        ui.conversationShown = false;
        ui.requestFocus('list');
      }
    } else if (conversation.openId === openBefore) {
      conversation.close();
    }
  }

  async function applyToTargets(make: (ids: Id[]) => TriageChange, target: { ids: Id[]; scope: KeyScope }): Promise<void> {
    if (target.ids.length === 0) return;
    const openBefore = conversation.openId;
    // The cursor sits on the open conversation, so when it leaves the list the cursor lands on the next row.
    if (target.scope === 'conversation' && openBefore !== null && inbox.rowById(openBefore)) inbox.setCursor(openBefore);
    const applied = triage.apply(make(target.ids));
    advanceIfGone(target.scope, openBefore);
    if (target.scope === 'list') ui.requestFocus('list');
    await applied;
  }

  function setStatus(scope: KeyScope, status: 'done' | 'open'): void {
    void applyToTargets((ids) => ({ kind: 'status', ids, status }), { ids: targets(scope), scope });
  }

  async function markUnread(scope: KeyScope): Promise<void> {
    const ids = targets(scope);
    if (ids.length === 0) return;
    for (const id of ids) inbox.patchRow(id, { unread: true });
    try {
      await api.call('conversation.markRead', { conversationIds: ids, unread: true });
    } catch (failure) {
      toasts.pushError(failure, 'actions.triage');
      await inbox.refresh();
    }
    if (scope === 'conversation') {
      ui.conversationShown = false;
      ui.requestFocus('list');
    }
  }

  function moveAndMaybeOpen(scope: KeyScope, delta: number): void {
    if (scope === 'conversation' && conversation.openId !== null && inbox.rowById(conversation.openId)) {
      inbox.setCursor(conversation.openId);
    }
    const row = inbox.moveCursor(delta);
    if (scope === 'conversation' && row && row.id !== conversation.openId) openConversation(row.id);
  }

  const handlers: Record<CommandId, (scope: KeyScope) => void> = {
    'list.next': (scope) => moveAndMaybeOpen(scope, 1),
    'list.previous': (scope) => moveAndMaybeOpen(scope, -1),
    'list.extendDown': () => inbox.extendSelection(1),
    'list.extendUp': () => inbox.extendSelection(-1),
    'list.toggleSelect': () => inbox.toggleSelected(),
    'list.selectAll': () => inbox.selectAll(),
    'conversation.open': () => {
      const row = inbox.cursorRow;
      if (row) openConversation(row.id);
    },
    'conversation.back': () => {
      ui.conversationShown = false;
      ui.requestFocus('list');
    },
    'conversation.reply': (scope) => {
      if (scope === 'list' || conversation.openId === null) {
        const row = inbox.cursorRow;
        if (row) openConversation(row.id, 'composer');
      } else ui.requestFocus('composer');
    },
    'conversation.note': () => ui.requestFocus('note'),
    'triage.done': (scope) => setStatus(scope, 'done'),
    'triage.reopen': (scope) => setStatus(scope, 'open'),
    'triage.snooze': (scope) => ui.openPicker('snooze', targets(scope), scope),
    'triage.tag': (scope) => ui.openPicker('tag', targets(scope), scope),
    'triage.assign': (scope) => ui.openPicker('assign', targets(scope), scope),
    'triage.markUnread': (scope) => void markUnread(scope),
    'triage.undo': () => void triage.undo(),
    'go.inbox': () => goTo('go.inbox'),
    'go.mine': () => goTo('go.mine'),
    'go.unassigned': () => goTo('go.unassigned'),
    'go.held': () => goTo('go.held'),
    'go.snoozed': () => goTo('go.snoozed'),
    'go.done': () => goTo('go.done'),
    'search.focus': () => ui.requestFocus('search'),
    'filters.toggle': () => {
      ui.filtersOpen = !ui.filtersOpen;
    },
    'view.save': () => ui.openOverlay('saveView'),
    'help.shortcuts': () => ui.openOverlay('help'),
    'palette.open': () => ui.openOverlay('palette'),
    'settings.open': () => ui.openOverlay('settings'),
  };

  function goTo(command: CommandId): void {
    const view = VIEW_OF[command];
    if (!view) return;
    inbox.setView(view);
    ui.conversationShown = false;
    ui.requestFocus('list');
  }

  const needsTargets = new Set<CommandId>([
    'triage.done',
    'triage.reopen',
    'triage.snooze',
    'triage.tag',
    'triage.assign',
    'triage.markUnread',
  ]);

  function available(command: CommandId, scope: KeyScope = 'list'): boolean {
    if (needsTargets.has(command)) return targets(scope).length > 0;
    if (command === 'conversation.open' || command === 'conversation.reply') return inbox.cursorRow !== null || conversation.openId !== null;
    if (command === 'conversation.note' || command === 'conversation.back') return conversation.openId !== null;
    if (command === 'view.save') return inbox.isFiltered;
    return true;
  }

  return {
    run(command, scope = 'list') {
      if (available(command, scope)) handlers[command](scope);
    },
    available,
    applyToTargets,
    openConversation,
  };
}
