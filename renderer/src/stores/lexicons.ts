import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LexiconSet } from '../../../shared/contract';
import type { ErrorKind } from '../../../shared/model';
import type { Lexicon } from '../../../shared/moderation';
import { api, ApiError, errorKindOf } from '../api';
import { useToastsStore } from './toasts';

/** The word lists (FR, EN) the netiquette rules use, and the user's allow-list. */
export const useLexiconsStore = defineStore('lexicons', () => {
  const toasts = useToastsStore();
  const set = ref<LexiconSet | null>(null);
  const error = ref<ErrorKind | null>(null);
  const saving = ref(false);

  async function load(): Promise<void> {
    try {
      set.value = await api.call('lexicons.get', {});
      error.value = null;
    } catch (failure) {
      error.value = errorKindOf(failure);
    }
  }

  /** Saves the languages' entries and/or the allow-list; a refusal is returned for the form to show. */
  async function save(change: { lexicons?: Lexicon[]; allow?: string[] }): Promise<{ ok: true } | { ok: false; message: string }> {
    saving.value = true;
    try {
      set.value = await api.call('lexicons.set', {
        ...(change.lexicons && change.lexicons.length > 0 ? { lexicons: change.lexicons } : {}),
        ...(change.allow ? { allow: change.allow } : {}),
      });
      toasts.push({ messageKey: 'lexicons.saved', tone: 'info' });
      return { ok: true };
    } catch (failure) {
      return { ok: false, message: failure instanceof ApiError ? failure.message : String(failure) };
    } finally {
      saving.value = false;
    }
  }

  /** Back to the shipped lists: the user's edits and allow-list are dropped. */
  async function reset(): Promise<void> {
    saving.value = true;
    try {
      set.value = await api.call('lexicons.set', { reset: true });
      toasts.push({ messageKey: 'lexicons.resetDone', tone: 'info' });
    } catch (failure) {
      toasts.pushError(failure, 'actions.saveLexicon');
    } finally {
      saving.value = false;
    }
  }

  return { set, error, saving, load, save, reset };
});
