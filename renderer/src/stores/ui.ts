import { defineStore } from 'pinia';
import { computed, nextTick, ref } from 'vue';
import type { Id } from '../../../shared/model';
import type { KeyScope } from '../keyboard/keymap';
import { useInboxStore } from './inbox';

/**
 * The dialogs, pickers and menus; at most one is open, and it owns the keyboard while open.
 * `moderate` is the moderation menu of one message, `report` asks why a message is reported.
 */
export type Overlay =
  | 'palette'
  | 'help'
  | 'settings'
  | 'snooze'
  | 'tag'
  | 'assign'
  | 'saveView'
  | 'connect'
  | 'moderate'
  | 'report'
  | 'ban'
  | 'confirm';

/** Places a command can send focus to; the component owning the place does the focusing. */
export type FocusTarget = 'list' | 'conversation' | 'composer' | 'note' | 'search' | 'screen';

/** What the workspace shows: the inbox (list and conversation), or one of the other screens. */
export type Screen = 'inbox' | 'accounts' | 'rules' | 'lexicons' | 'audit' | 'reports' | 'contests' | 'savedReplies' | 'compose' | 'calendar';

/** A question the confirm dialog asks before something that cannot be undone. */
export interface ConfirmRequest {
  /** i18n keys and their parameters. */
  titleKey: string;
  bodyKeys: string[];
  params?: Record<string, string | number>;
  /** Parameters that are themselves i18n keys (e.g. a network's name), translated first. */
  keyParams?: Record<string, string>;
  confirmKey: string;
  danger?: boolean;
}

/** Layout and focus state shared by components that do not contain each other. */
export const useUiStore = defineStore('ui', () => {
  const overlay = ref<Overlay | null>(null);
  const filtersOpen = ref(false);
  /**
   * Where focus should go next. It stays pending until the place exists (the composer appears
   * once the conversation has loaded); `seq` makes a repeated request for the same place count.
   */
  const focusRequest = ref<{ target: FocusTarget | null; seq: number }>({ target: null, seq: 0 });
  /** At narrow widths the conversation takes the list's place while it is shown. */
  const conversationShown = ref(false);
  /** What the open triage picker (snooze, tag, assign) acts on, and from where it was opened. */
  const pickerTargets = ref<{ ids: Id[]; scope: KeyScope }>({ ids: [], scope: 'list' });
  /** Where focus is (list or conversation), for the footer hints and commands run from overlays. */
  const focusScope = ref<KeyScope>('list');
  /** The scope focus was in when the current overlay opened. */
  const overlayScope = ref<KeyScope>('list');
  const screen = ref<Screen>('inbox');
  /** The account the accounts screen should bring into view (a sidebar row was clicked). */
  const accountInFocus = ref<Id | null>(null);
  /** The message whose moderation menu or report dialog is open. */
  const moderationTarget = ref<Id | null>(null);
  const confirmRequest = ref<ConfirmRequest | null>(null);
  let answerConfirm: ((confirmed: boolean) => void) | null = null;
  let returnFocusTo: HTMLElement | null = null;

  /** The review queue's keys apply: the inbox shows "Held for review". */
  const reviewing = computed(() => screen.value === 'inbox' && useInboxStore().viewKey === 'held');

  function requestFocus(target: FocusTarget): void {
    focusRequest.value = { target, seq: focusRequest.value.seq + 1 };
  }

  /** Called by the place that took focus, so a later mount does not steal it again. */
  function focusTaken(seq: number): void {
    if (focusRequest.value.seq === seq) focusRequest.value = { target: null, seq };
  }

  function openPicker(which: 'snooze' | 'tag' | 'assign', ids: Id[], scope: KeyScope): void {
    pickerTargets.value = { ids, scope };
    openOverlay(which);
  }

  function openOverlay(which: Overlay): void {
    if (overlay.value === null && typeof document !== 'undefined') {
      returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      overlayScope.value = focusScope.value;
    }
    overlay.value = which;
  }

  /** Closes the overlay and gives focus back to where it was, unless the action moved it on purpose. */
  function closeOverlay(options: { restoreFocus?: boolean } = {}): void {
    overlay.value = null;
    moderationTarget.value = null;
    if (answerConfirm) {
      // Closing the confirm dialog any other way than its buttons means no.
      const answer = answerConfirm;
      answerConfirm = null;
      confirmRequest.value = null;
      answer(false);
    }
    const target = returnFocusTo;
    returnFocusTo = null;
    if (options.restoreFocus !== false && target?.isConnected) target.focus();
  }

  /** Asks the user to confirm; resolves true only for the confirm button. */
  function confirm(request: ConfirmRequest): Promise<boolean> {
    if (answerConfirm) answerConfirm(false);
    confirmRequest.value = request;
    openOverlay('confirm');
    return new Promise((resolve) => {
      answerConfirm = resolve;
    });
  }

  /** The confirm dialog's buttons. */
  function answer(confirmed: boolean): void {
    const resolve = answerConfirm;
    answerConfirm = null;
    confirmRequest.value = null;
    closeOverlay();
    resolve?.(confirmed);
  }

  /** Opens the moderation menu, the report dialog, or the ban dialog (reason and length), of a message. */
  function openModeration(which: 'moderate' | 'report' | 'ban', messageId: Id): void {
    openOverlay(which);
    moderationTarget.value = messageId;
  }

  /**
   * Shows a screen; the inbox gets its list focused again, the others their heading, or the
   * account asked for (its card takes focus itself).
   */
  function openScreen(next: Screen, options: { accountId?: Id } = {}): void {
    screen.value = next;
    conversationShown.value = false;
    // Through null first, so that asking again for the account already shown focuses it again.
    accountInFocus.value = null;
    const accountId = options.accountId;
    if (accountId === undefined) requestFocus(next === 'inbox' ? 'list' : 'screen');
    else void nextTick(() => (accountInFocus.value = accountId));
  }

  return {
    overlay,
    filtersOpen,
    focusRequest,
    conversationShown,
    pickerTargets,
    focusScope,
    overlayScope,
    screen,
    accountInFocus,
    moderationTarget,
    confirmRequest,
    reviewing,
    requestFocus,
    focusTaken,
    openOverlay,
    openPicker,
    closeOverlay,
    confirm,
    answer,
    openModeration,
    openScreen,
  };
});
