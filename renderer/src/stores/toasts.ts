import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ErrorKind } from '../../../shared/model';
import { errorKindOf } from '../api';

/** A short message in the toast region (read by screen readers through aria-live). */
export interface Toast {
  id: number;
  /** i18n key and its parameters: stores stay free of translated text. */
  messageKey: string;
  params?: Record<string, string | number>;
  /** Parameters that are themselves i18n keys, translated before being put in the message. */
  keyParams?: Record<string, string>;
  tone: 'info' | 'error';
  /** An offered follow-up, e.g. "Undo (z)". */
  action?: { labelKey: string; run: () => void };
}

/** How long a toast stays, ms; errors stay longer to be read. */
const INFO_MS = 5000;
const ERROR_MS = 9000;
const MAX_TOASTS = 4;

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let nextId = 0;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function push(toast: Omit<Toast, 'id'>): number {
    nextId += 1;
    const id = nextId;
    toasts.value = [...toasts.value, { ...toast, id }].slice(-MAX_TOASTS);
    setTimeout(() => dismiss(id), toast.tone === 'error' ? ERROR_MS : INFO_MS);
    return id;
  }

  /** Tells the user an action failed, in words chosen by the error's kind (`errors.<kind>`). */
  function pushError(error: unknown, whatKey: string): number {
    const kind: ErrorKind = errorKindOf(error);
    return push({ messageKey: 'toasts.failed', keyParams: { what: whatKey, why: `errors.${kind}` }, tone: 'error' });
  }

  return { toasts, push, pushError, dismiss };
});
