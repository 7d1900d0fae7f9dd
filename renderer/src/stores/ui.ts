import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Id } from '../../../shared/model';
import type { KeyScope } from '../keyboard/keymap';

/** The dialogs and pickers; at most one is open, and it owns the keyboard while open. */
export type Overlay = 'palette' | 'help' | 'settings' | 'snooze' | 'tag' | 'assign' | 'saveView' | 'sync';

/** Places a command can send focus to; the component owning the place does the focusing. */
export type FocusTarget = 'list' | 'conversation' | 'composer' | 'note' | 'search';

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
  let returnFocusTo: HTMLElement | null = null;

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
    const target = returnFocusTo;
    returnFocusTo = null;
    if (options.restoreFocus !== false && target?.isConnected) target.focus();
  }

  return {
    overlay,
    filtersOpen,
    focusRequest,
    conversationShown,
    pickerTargets,
    focusScope,
    overlayScope,
    requestFocus,
    focusTaken,
    openOverlay,
    openPicker,
    closeOverlay,
  };
});
