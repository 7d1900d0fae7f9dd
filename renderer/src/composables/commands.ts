import { inject, watch, type InjectionKey } from 'vue';
import type { Id } from '../../../shared/model';
import { api } from '../api';
import type { TriageChange } from '../inbox/triageChange';
import type { BuiltInView } from '../inbox/inboxFilter';
import type { CommandId, KeyScope } from '../keyboard/keymap';
import { areaOf } from '../keyboard/useShortcuts';
import type { ReviewDecision } from '../moderation/reviewPlan';
import { useConnectStore } from '../stores/connect';
import { useConversationStore } from '../stores/conversation';
import { useInboxStore } from '../stores/inbox';
import { useModerationStore } from '../stores/moderation';
import { useRulesStore } from '../stores/rules';
import { useSavedRepliesStore } from '../stores/savedReplies';
import { useSettingsStore } from '../stores/settings';
import { useToastsStore } from '../stores/toasts';
import { useTriageStore } from '../stores/triage';
import { useUiStore, type Screen } from '../stores/ui';

/** Runs commands by id: the one implementation behind shortcuts, the palette and buttons. */
export interface Commands {
  run(command: CommandId, scope?: KeyScope): void;
  /** Whether the command has something to act on right now (greys it out in the palette). */
  available(command: CommandId, scope?: KeyScope): boolean;
  /** Applies a triage change chosen in a picker to the picker's targets, then moves on. */
  applyToTargets(make: (ids: Id[]) => TriageChange, targets: { ids: Id[]; scope: KeyScope }): Promise<void>;
  openConversation(id: Id, focus?: 'conversation' | 'composer' | 'none'): void;
  /**
   * A review decision on held conversations (by default the review queue's selection or cursor
   * row); in the queue, focus moves on to the next held item.
   */
  review(decision: ReviewDecision, ids?: Id[]): Promise<void>;
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

const SCREEN_OF: Partial<Record<CommandId, Screen>> = {
  'go.accounts': 'accounts',
  'go.rules': 'rules',
  'go.lexicons': 'lexicons',
  'go.audit': 'audit',
  'go.savedReplies': 'savedReplies',
};

const DECISION_OF: Partial<Record<CommandId, ReviewDecision>> = {
  'review.approve': 'approve',
  'review.hide': 'hide',
  'review.remove': 'remove',
  'review.ban': 'ban',
};

/** True when focus is in the conversation pane (the review queue shares one scope for both panes). */
function focusInConversation(): boolean {
  return typeof document !== 'undefined' && areaOf(document.activeElement) === 'conversation';
}

/**
 * Whether the conversation pane sits beside the list (wide layouts). At narrow widths the pane
 * takes the list's place while shown (`u` goes back), so the list alone is what the user sees.
 */
export function paneBesideList(): boolean {
  return typeof window === 'undefined' || typeof window.matchMedia !== 'function' || !window.matchMedia('(max-width: 860px)').matches;
}

/** Builds the command set over the stores (call inside App's setup, after Pinia is installed). */
export function createCommands(): Commands {
  const inbox = useInboxStore();
  const conversation = useConversationStore();
  const triage = useTriageStore();
  const moderation = useModerationStore();
  const rules = useRulesStore();
  const ui = useUiStore();
  const toasts = useToastsStore();
  const savedReplies = useSavedRepliesStore();

  function targets(scope: KeyScope): Id[] {
    if (scope === 'conversation' && conversation.openId !== null) return [conversation.openId];
    if (scope === 'screen') return [];
    return inbox.targetIds();
  }

  function openConversation(id: Id, focus: 'conversation' | 'composer' | 'none' = 'conversation'): void {
    if (ui.screen !== 'inbox') ui.screen = 'inbox';
    inbox.setCursor(id);
    ui.conversationShown = true;
    void conversation.open(id);
    if (focus !== 'none') ui.requestFocus(focus);
  }

  /**
   * After an action took the open conversation out of the list (done, snoozed, reviewed), show the
   * next one, as an inbox-zero workflow expects; with none left, go back to the list. In the review
   * queue the next held item always opens, and focus stays in the pane it was in.
   */
  function advanceIfGone(scope: KeyScope, openBefore: Id | null, focusWasInConversation: boolean): void {
    if (openBefore === null || inbox.rowById(openBefore)) return;
    if (scope === 'list' && paneBesideList() && conversation.openId === openBefore) {
      // From the list, the pane beside it keeps showing the cursor's row (see the watcher below).
      const next = inbox.cursorRow;
      if (next) void conversation.open(next.id);
      else conversation.close();
      return;
    }
    const follow = scope === 'conversation' || scope === 'review';
    if (follow) {
      const next = inbox.cursorRow;
      if (next) openConversation(next.id, scope === 'conversation' || focusWasInConversation ? 'conversation' : 'none');
      else {
        conversation.close();
        ui.conversationShown = false;
        ui.requestFocus('list');
      }
    } else if (conversation.openId === openBefore) {
      conversation.close();
    }
  }

  /**
   * The target of a key is what the user sees: while a conversation is shown beside the list and
   * the list has focus (after `u`, or a click in the list), the pane follows the list's cursor, so
   * the highlighted row and the open conversation are always the same one. (In the conversation
   * pane j/k open the next conversation themselves; a re-read that moves the cursor while the user
   * reads or types there leaves the pane alone.)
   */
  watch(
    () => inbox.cursorId,
    (id) => {
      if (id === null || ui.screen !== 'inbox' || conversation.openId === null || conversation.openId === id) return;
      if (ui.reviewing || !paneBesideList() || focusInConversation() || ui.overlay !== null) return;
      void conversation.open(id);
    },
  );

  async function applyToTargets(make: (ids: Id[]) => TriageChange, target: { ids: Id[]; scope: KeyScope }): Promise<void> {
    if (target.ids.length === 0) return;
    const openBefore = conversation.openId;
    const inConversation = focusInConversation();
    // The cursor sits on the open conversation, so when it leaves the list the cursor lands on the next row.
    if (target.scope === 'conversation' && openBefore !== null && inbox.rowById(openBefore)) inbox.setCursor(openBefore);
    const applied = triage.apply(make(target.ids));
    advanceIfGone(target.scope, openBefore, inConversation);
    if (target.scope === 'list' || (target.scope === 'review' && !inConversation)) ui.requestFocus('list');
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

  /** In the review queue, the conversation under the cursor is always the one shown (a reading pane). */
  function moveAndMaybeOpen(scope: KeyScope, delta: number): void {
    const follows = scope === 'conversation' || scope === 'review';
    if (follows && conversation.openId !== null && inbox.rowById(conversation.openId)) {
      inbox.setCursor(conversation.openId);
    }
    const row = inbox.moveCursor(delta);
    if (!row || row.id === conversation.openId) return;
    if (scope === 'conversation') openConversation(row.id);
    else if (scope === 'review') openConversation(row.id, focusInConversation() ? 'conversation' : 'none');
  }

  async function review(decision: ReviewDecision, only?: Id[]): Promise<void> {
    const ids = only ?? targets('review');
    if (ids.length === 0) return;
    const openBefore = conversation.openId;
    const inConversation = focusInConversation();
    if (openBefore !== null && inbox.rowById(openBefore) && inbox.selected.size === 0) inbox.setCursor(openBefore);
    const done = moderation.review(decision, ids);
    // The reviewed rows left the queue at once: the next held item opens, focus goes with it.
    advanceIfGone('review', openBefore, inConversation);
    if (!inConversation) ui.requestFocus('list');
    await done;
  }

  /**
   * The message the moderation menu is for: the one holding focus, else the first held one, else
   * the last message from the community.
   */
  function messageToModerate(): Id | null {
    const messages = conversation.detail?.messages ?? [];
    const focused = typeof document === 'undefined' ? null : document.activeElement?.closest('[data-message-id]');
    const focusedId = focused ? Number(focused.getAttribute('data-message-id')) : null;
    if (focusedId !== null && messages.some((m) => m.id === focusedId)) return focusedId;
    const held = messages.find((m) => m.moderation === 'held');
    if (held) return held.id;
    return [...messages].reverse().find((m) => m.direction === 'in')?.id ?? messages.at(-1)?.id ?? null;
  }

  function goTo(command: CommandId): void {
    const view = VIEW_OF[command];
    if (!view) return;
    ui.screen = 'inbox';
    inbox.setView(view);
    ui.conversationShown = false;
    ui.requestFocus('list');
  }

  function goToScreen(command: CommandId): void {
    const screen = SCREEN_OF[command];
    if (screen) ui.openScreen(screen);
  }

  function decide(command: CommandId): void {
    const decision = DECISION_OF[command];
    if (decision) void review(decision);
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
    'composer.savedReply': (scope) => {
      if (scope === 'list' || conversation.openId === null) {
        const row = inbox.cursorRow;
        if (row) openConversation(row.id, 'composer');
      } else ui.requestFocus('composer');
      savedReplies.requestPicker();
    },
    'triage.done': (scope) => setStatus(scope, 'done'),
    'triage.reopen': (scope) => setStatus(scope, 'open'),
    'triage.snooze': (scope) => ui.openPicker('snooze', targets(scope), scope),
    'triage.tag': (scope) => ui.openPicker('tag', targets(scope), scope),
    'triage.assign': (scope) => ui.openPicker('assign', targets(scope), scope),
    'triage.markUnread': (scope) => void markUnread(scope),
    'triage.undo': () => void triage.undo(),
    'message.moderate': () => {
      const id = messageToModerate();
      if (id !== null) ui.openModeration('moderate', id);
    },
    'review.approve': () => decide('review.approve'),
    'review.hide': () => decide('review.hide'),
    'review.remove': () => decide('review.remove'),
    'review.ban': () => decide('review.ban'),
    'go.inbox': () => goTo('go.inbox'),
    'go.mine': () => goTo('go.mine'),
    'go.unassigned': () => goTo('go.unassigned'),
    'go.held': () => goTo('go.held'),
    'go.snoozed': () => goTo('go.snoozed'),
    'go.done': () => goTo('go.done'),
    'go.accounts': () => goToScreen('go.accounts'),
    'go.rules': () => goToScreen('go.rules'),
    'go.lexicons': () => goToScreen('go.lexicons'),
    'go.audit': () => goToScreen('go.audit'),
    'go.savedReplies': () => goToScreen('go.savedReplies'),
    'accounts.connect': () => {
      useConnectStore().reset();
      ui.openOverlay('connect');
    },
    'screen.close': () => ui.openScreen('inbox'),
    'rules.moveUp': () => {
      if (rules.focusedId) void rules.move(rules.focusedId, -1);
    },
    'rules.moveDown': () => {
      if (rules.focusedId) void rules.move(rules.focusedId, 1);
    },
    'search.focus': () => ui.requestFocus('search'),
    'filters.toggle': () => {
      ui.filtersOpen = !ui.filtersOpen;
    },
    'view.save': () => ui.openOverlay('saveView'),
    'help.shortcuts': () => ui.openOverlay('help'),
    'palette.open': () => ui.openOverlay('palette'),
    'settings.open': () => ui.openOverlay('settings'),
    'settings.themeLight': () => void useSettingsStore().update({ theme: 'light' }),
    'settings.themeDark': () => void useSettingsStore().update({ theme: 'dark' }),
    'settings.themeSystem': () => void useSettingsStore().update({ theme: 'system' }),
    'settings.languageFr': () => void useSettingsStore().update({ language: 'fr' }),
    'settings.languageEn': () => void useSettingsStore().update({ language: 'en' }),
    'settings.languageSystem': () => void useSettingsStore().update({ language: 'system' }),
  };

  const needsTargets = new Set<CommandId>([
    'triage.done',
    'triage.reopen',
    'triage.snooze',
    'triage.tag',
    'triage.assign',
    'triage.markUnread',
  ]);

  /** Commands about the list and the open conversation: nothing to act on while another screen shows. */
  const inboxOnly = (command: CommandId) => /^(list|conversation|composer|triage|message|review|search|filters|view)\./.test(command);

  function available(command: CommandId, scope: KeyScope = 'list'): boolean {
    if (inboxOnly(command) && ui.screen !== 'inbox') return false;
    if (needsTargets.has(command)) return targets(scope).length > 0;
    if (DECISION_OF[command]) return ui.reviewing && targets('review').length > 0;
    if (command === 'conversation.open' || command === 'conversation.reply') return inbox.cursorRow !== null || conversation.openId !== null;
    if (command === 'composer.savedReply') return savedReplies.savedReplies.length > 0 && (inbox.cursorRow !== null || conversation.openId !== null);
    if (command === 'conversation.note' || command === 'conversation.back') return conversation.openId !== null;
    if (command === 'message.moderate') return (conversation.detail?.messages.length ?? 0) > 0;
    if (command === 'view.save') return inbox.isFiltered;
    if (command === 'rules.moveUp' || command === 'rules.moveDown') return ui.screen === 'rules' && rules.focusedId !== null;
    if (command === 'screen.close') return ui.screen !== 'inbox';
    return true;
  }

  return {
    run(command, scope = 'list') {
      if (available(command, scope)) handlers[command](scope);
    },
    available,
    applyToTargets,
    openConversation,
    review,
  };
}
