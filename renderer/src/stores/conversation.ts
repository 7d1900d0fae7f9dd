import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ConversationDetail, ErrorKind, Id, ModerationActionName } from '../../../shared/model';
import { api, errorKindOf } from '../api';
import { applyChange, type TriageChange } from '../inbox/triageChange';
import { useInboxStore } from './inbox';
import { useToastsStore } from './toasts';

/** An earlier saved draft, then what was typed before it arrived, as one text. */
export function joinDrafts(saved: string, typed: string): string {
  return /\s$/.test(saved) ? `${saved}${typed}` : `${saved} ${typed}`;
}

/** Typing pauses this long before the draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 300;

export type DraftState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

/** The open conversation: its thread and side rail, and the reply draft being written. */
export const useConversationStore = defineStore('conversation', () => {
  const inbox = useInboxStore();
  const toasts = useToastsStore();

  const openId = ref<Id | null>(null);
  const detail = shallowRef<ConversationDetail | null>(null);
  const loading = ref(false);
  const error = ref<ErrorKind | null>(null);

  const draftText = ref('');
  const draftState = ref<DraftState>('idle');
  const sending = ref(false);
  let draftTimer: ReturnType<typeof setTimeout> | null = null;
  /** Text to save; `beforeLoad`: typed before the saved draft was read, so it joins it rather than replacing it. */
  let unsavedDraft: { conversationId: Id; text: string; beforeLoad?: boolean } | null = null;
  /** The conversation whose composer got text while it was still loading (its saved draft must not overwrite it). */
  let typedWhileLoading: Id | null = null;

  /** The conversation on screen is the previous one while the next is loading. */
  const stale = computed(() => detail.value !== null && detail.value.conversation.id !== openId.value);

  /** The author the conversation is with: the author of its first incoming message. */
  const mainAuthor = computed(() => {
    const current = detail.value;
    if (!current) return null;
    const authorId = current.conversation.author?.id ?? current.messages.find((m) => m.direction === 'in')?.authorId ?? null;
    return current.authors.find((a) => a.id === authorId) ?? null;
  });

  /** Saves the pending draft now (blur, switching conversation, leaving the page). */
  async function flushDraft(): Promise<void> {
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = null;
    const toSave = unsavedDraft;
    if (!toSave) return;
    unsavedDraft = null;
    draftState.value = 'saving';
    try {
      let text = toSave.text;
      if (toSave.beforeLoad) {
        // The conversation was left before its saved draft arrived: keep that draft in front.
        const saved = (await api.call('draft.get', { conversationId: toSave.conversationId }))?.text ?? '';
        if (saved !== '' && saved !== text && !text.startsWith(saved)) text = joinDrafts(saved, text);
      }
      await api.call('draft.save', { conversationId: toSave.conversationId, text });
      // An empty text deletes the draft: there is nothing left to call "saved".
      if (unsavedDraft === null && openId.value === toSave.conversationId) draftState.value = toSave.text === '' ? 'idle' : 'saved';
    } catch (failure) {
      // Keep the text to save on the next keystroke or flush; the composer still holds it.
      unsavedDraft ??= toSave;
      draftState.value = 'error';
      toasts.pushError(failure, 'actions.saveDraft');
    }
  }

  /** Keeps the composer's text and saves it once typing pauses. */
  function setDraftText(text: string): void {
    draftText.value = text;
    if (openId.value === null) return;
    if (loading.value) typedWhileLoading = openId.value;
    unsavedDraft = { conversationId: openId.value, text, ...(loading.value ? { beforeLoad: true } : {}) };
    draftState.value = 'pending';
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = setTimeout(() => void flushDraft(), DRAFT_SAVE_DELAY_MS);
  }

  /** Opens a conversation: reads it (which marks it read) and its saved draft. */
  async function open(id: Id): Promise<void> {
    if (openId.value === id && detail.value) return;
    void flushDraft();
    openId.value = id;
    // The previous conversation stays on screen until this one arrives, dimmed and inert (see
    // `stale`): the thread keeps keyboard focus and the pane does not flicker between the two.
    draftText.value = '';
    draftState.value = 'idle';
    typedWhileLoading = null;
    loading.value = true;
    error.value = null;
    try {
      const [fresh, draft] = await Promise.all([
        api.call('conversation.get', { conversationId: id }),
        api.call('draft.get', { conversationId: id }),
      ]);
      if (openId.value !== id) return;
      detail.value = fresh;
      const saved = draft?.text ?? '';
      if (typedWhileLoading === id) {
        // The user typed before the saved draft arrived: what they typed wins, and an earlier
        // draft is kept in front of it rather than lost.
        const typed = draftText.value;
        if (saved !== '' && saved !== typed && !typed.startsWith(saved)) setDraftText(joinDrafts(saved, typed));
        // The saved draft is known and joined now: the next save replaces it.
        if (unsavedDraft?.conversationId === id) unsavedDraft = { conversationId: id, text: unsavedDraft.text };
      } else {
        draftText.value = saved;
        draftState.value = draft ? 'saved' : 'idle';
      }
      typedWhileLoading = null;
      inbox.patchRow(id, { unread: false });
    } catch (failure) {
      if (openId.value === id) {
        detail.value = null;
        error.value = errorKindOf(failure);
      }
    } finally {
      if (openId.value === id) loading.value = false;
    }
  }

  function close(): void {
    void flushDraft();
    openId.value = null;
    detail.value = null;
    draftText.value = '';
    draftState.value = 'idle';
    error.value = null;
  }

  /** Re-reads the open conversation without marking it read again (after a change event). */
  async function refresh(): Promise<void> {
    const id = openId.value;
    if (id === null || !detail.value) return;
    try {
      const fresh = await api.call('conversation.get', { conversationId: id, markRead: false });
      if (openId.value === id) detail.value = fresh;
    } catch (failure) {
      if (openId.value === id && errorKindOf(failure) === 'not-found') error.value = 'not-found';
    }
  }

  /** Mirrors a triage change on the open conversation (the inbox store does the list). */
  function applyLocal(change: TriageChange): void {
    const current = detail.value;
    if (current && change.ids.includes(current.conversation.id)) {
      detail.value = { ...current, conversation: applyChange(current.conversation, change) };
    }
  }

  /** Sends the draft as a reply: it is queued in the outbox and shows its delivery state. */
  /** Sends the draft; `private`: to the author of the message answered, in a direct message (Meta's private replies). */
  async function sendReply(options: { private?: boolean } = {}): Promise<boolean> {
    const id = openId.value;
    const text = draftText.value.trim();
    if (id === null || text === '' || sending.value) return false;
    sending.value = true;
    try {
      await api.call('reply.send', { conversationId: id, text, ...(options.private ? { private: true } : {}) });
      // The sent text must not come back as a draft.
      unsavedDraft = { conversationId: id, text: '' };
      if (openId.value === id) draftText.value = '';
      await flushDraft();
      await refresh();
      return true;
    } catch (failure) {
      toasts.pushError(failure, 'actions.sendReply');
      return false;
    } finally {
      sending.value = false;
    }
  }

  async function retryReply(messageId: Id): Promise<void> {
    try {
      await api.call('reply.retry', { messageId });
    } catch (failure) {
      toasts.pushError(failure, 'actions.retryReply');
    }
    await refresh();
  }

  /** Sends again a moderation action the network refused or that was given up. */
  async function retryModeration(messageId: Id, action: ModerationActionName): Promise<void> {
    try {
      await api.call('moderation.retry', { messageId, action });
    } catch (failure) {
      toasts.pushError(failure, 'actions.retryModeration');
    }
    await refresh();
  }

  async function discardReply(messageId: Id): Promise<void> {
    try {
      await api.call('reply.discard', { messageId });
    } catch (failure) {
      toasts.pushError(failure, 'actions.discardReply');
    }
    await refresh();
  }

  async function addNote(text: string): Promise<boolean> {
    const id = openId.value;
    if (id === null || text.trim() === '') return false;
    try {
      await api.call('conversation.addNote', { conversationId: id, text: text.trim() });
      await refresh();
      return true;
    } catch (failure) {
      toasts.pushError(failure, 'actions.addNote');
      return false;
    }
  }

  async function saveAuthorNotes(authorId: Id, notes: string): Promise<void> {
    const current = detail.value;
    if (current?.authors.find((a) => a.id === authorId)?.notes === notes) return;
    try {
      await api.call('author.setNotes', { authorId, notes });
      const latest = detail.value;
      if (latest) detail.value = { ...latest, authors: latest.authors.map((a) => (a.id === authorId ? { ...a, notes } : a)) };
    } catch (failure) {
      toasts.pushError(failure, 'actions.saveAuthorNotes');
    }
  }

  return {
    openId,
    detail,
    stale,
    loading,
    error,
    draftText,
    draftState,
    sending,
    mainAuthor,
    open,
    close,
    refresh,
    applyLocal,
    setDraftText,
    flushDraft,
    sendReply,
    retryReply,
    retryModeration,
    discardReply,
    addNote,
    saveAuthorNotes,
  };
});
