import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ConversationSummary, Id } from '../../../shared/model';
import { api } from '../api';
import { inverseOf, type TriageChange } from '../inbox/triageChange';
import { useConversationStore } from './conversation';
import { useInboxStore } from './inbox';
import { conversationLabel, useToastsStore } from './toasts';

/** How many triage actions `z` can walk back. */
const UNDO_DEPTH = 30;

interface UndoEntry {
  inverse: TriageChange[];
  /** The rows as they were, to put back in the list if the action had removed them. */
  before: ConversationSummary[];
  /** Another store's way back (a moderation action held in the outbox); it tells the user itself. */
  run?: () => Promise<boolean>;
}

function callFor(change: TriageChange): Promise<unknown> {
  const conversationIds = change.ids;
  switch (change.kind) {
    case 'status':
      return api.call('conversation.setStatus', {
        conversationIds,
        status: change.status,
        ...(change.snoozeUntil === undefined ? {} : { snoozeUntil: change.snoozeUntil }),
      });
    case 'tag':
      return api.call('conversation.tag', { conversationIds, tagId: change.tagId });
    case 'untag':
      return api.call('conversation.untag', { conversationIds, tagId: change.tagId });
    case 'assign':
      return api.call('conversation.assign', { conversationIds, memberId: change.memberId });
  }
}

/** The i18n key of the confirmation for a change ("Marked done", "Tagged"…). */
function doneMessageKey(change: TriageChange): string {
  if (change.kind === 'status') return `toasts.status.${change.status}`;
  return `toasts.${change.kind}`;
}

/**
 * Triage actions (status, snooze, tag, assign), applied on screen at once and then sent to the
 * core. Each keeps its inverse so `z` can undo it; a refused action is rolled back by re-reading.
 */
export const useTriageStore = defineStore('triage', () => {
  const inbox = useInboxStore();
  const conversation = useConversationStore();
  const toasts = useToastsStore();
  const undoStack = ref<UndoEntry[]>([]);
  const canUndo = computed(() => undoStack.value.length > 0);

  function currentRows(ids: readonly Id[]): ConversationSummary[] {
    const open = conversation.detail?.conversation;
    return ids.flatMap((id) => {
      const row = inbox.rowById(id) ?? (open?.id === id ? open : null);
      return row ? [row] : [];
    });
  }

  async function send(changes: readonly TriageChange[]): Promise<boolean> {
    for (const change of changes) {
      inbox.applyLocal(change);
      conversation.applyLocal(change);
    }
    try {
      for (const change of changes) await callFor(change);
      return true;
    } catch (failure) {
      toasts.pushError(failure, 'actions.triage');
      // What the core holds now is the truth: show it.
      await Promise.all([inbox.refresh(), conversation.refresh()]);
      return false;
    }
  }

  /** Applies a change, remembers how to undo it, and confirms it with an "Undo" offer. */
  async function apply(change: TriageChange): Promise<boolean> {
    if (change.ids.length === 0) return false;
    const before = currentRows(change.ids);
    const ok = await send([change]);
    if (!ok) return false;
    const inverse = inverseOf(change, before, Date.now());
    if (inverse.length > 0) {
      undoStack.value = [...undoStack.value.slice(-(UNDO_DEPTH - 1)), { inverse, before }];
      toasts.push({
        messageKey: doneMessageKey(change),
        params: { count: change.ids.length },
        // One conversation is named, so the user sees which one it was; more are counted.
        ...(change.ids.length === 1 ? { conversation: conversationLabel(before[0]) ?? { author: '?', excerpt: '' } } : {}),
        tone: 'info',
        action: { labelKey: 'toasts.undo', run: () => void undo() },
      });
    }
    return true;
  }

  /** Walks back the last triage action (client-side inverse). */
  async function undo(): Promise<boolean> {
    const entry = undoStack.value[undoStack.value.length - 1];
    if (!entry) {
      toasts.push({ messageKey: 'toasts.nothingToUndo', tone: 'info' });
      return false;
    }
    undoStack.value = undoStack.value.slice(0, -1);
    if (entry.run) return entry.run();
    const ok = await send(entry.inverse);
    if (ok) {
      inbox.restoreRows(entry.before);
      toasts.push({ messageKey: 'toasts.undone', tone: 'info' });
    }
    return ok;
  }

  /** Makes `z` walk back an action another store took (it must undo it and say so itself). */
  function remember(run: () => Promise<boolean>): void {
    undoStack.value = [...undoStack.value.slice(-(UNDO_DEPTH - 1)), { inverse: [], before: [], run }];
  }

  /** Forgets a way back that no longer applies (it was used from its toast). */
  function forget(run: () => Promise<boolean>): void {
    undoStack.value = undoStack.value.filter((entry) => entry.run !== run);
  }

  return { undoStack, canUndo, apply, undo, remember, forget };
});
