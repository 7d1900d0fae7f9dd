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
  /** The conversation the action touched, named in the message as `{target}` (author and excerpt). */
  conversation?: ConversationLabel;
  /** An offered follow-up, e.g. "Undo (z)". */
  action?: { labelKey: string; run: () => void };
}

/** How a toast names one conversation: its author and the start of what was written (untrusted text). */
export interface ConversationLabel {
  author: string;
  excerpt: string;
}

/** Longest excerpt a toast quotes, in characters. */
const EXCERPT_CHARS = 48;

/** First Strong Isolate / Pop Directional Isolate: a right-to-left name cannot reorder the sentence. */
const isolate = (text: string): string => `\u2068${text}\u2069`;

/** The label of a conversation row for toasts (`null` without a row, e.g. a count is said instead). */
export function conversationLabel(row: { author: { name: string; handle: string } | null; snippet: string } | null | undefined): ConversationLabel | undefined {
  if (!row) return undefined;
  const flat = row.snippet.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  const excerpt = chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS - 1).join('').trimEnd()}…` : flat;
  const author = row.author ? row.author.name.trim() || row.author.handle : '?';
  return { author: isolate(author), excerpt: isolate(excerpt) };
}

/** How long a toast stays, ms; errors stay longer to be read. */
const INFO_MS = 5000;
const ERROR_MS = 9000;
const MAX_TOASTS = 4;

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  /** Where the stacked toasts sit on screen (viewport px), null when none shows: the list keeps its cursor clear of them. */
  const covering = ref<{ top: number; left: number; right: number } | null>(null);
  let nextId = 0;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  /** `durationMs`: how long it stays when longer than usual (an undo window must not outlive its offer). */
  function push(toast: Omit<Toast, 'id'>, durationMs?: number): number {
    nextId += 1;
    const id = nextId;
    toasts.value = [...toasts.value, { ...toast, id }].slice(-MAX_TOASTS);
    setTimeout(() => dismiss(id), durationMs ?? (toast.tone === 'error' ? ERROR_MS : INFO_MS));
    return id;
  }

  /** Tells the user an action failed, in words chosen by the error's kind (`errors.<kind>`). */
  function pushError(error: unknown, whatKey: string): number {
    const kind: ErrorKind = errorKindOf(error);
    return push({ messageKey: 'toasts.failed', keyParams: { what: whatKey, why: `errors.${kind}` }, tone: 'error' });
  }

  return { toasts, covering, push, pushError, dismiss };
});
