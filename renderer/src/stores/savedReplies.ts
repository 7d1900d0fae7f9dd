import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ReplyLanguage, SavedReply } from '../../../shared/contract';
import type { Id, Network } from '../../../shared/model';
import { api } from '../api';
import { useToastsStore } from './toasts';

/** What the saved replies screen edits: everything but the id. */
export interface SavedReplyFields {
  name: string;
  text: string;
  language: ReplyLanguage | null;
  networks: Network[];
}

/**
 * The replies offered in a conversation on `network`: those for every network or for this one;
 * when the conversation's language is known, those written in it first, then those in any language, then the others.
 */
export function repliesFor(replies: readonly SavedReply[], network: Network, language: ReplyLanguage | null): SavedReply[] {
  const rank = (reply: SavedReply): number => (language === null ? 0 : reply.language === language ? 0 : reply.language === null ? 1 : 2);
  return replies
    .filter((reply) => reply.networks.length === 0 || reply.networks.includes(network))
    .map((reply, index) => ({ reply, index }))
    .sort((a, b) => rank(a.reply) - rank(b.reply) || a.index - b.index)
    .map(({ reply }) => reply);
}

const byName = (a: SavedReply, b: SavedReply): number => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id;

/** Canned answers: managed on their screen, inserted into the composer. */
export const useSavedRepliesStore = defineStore('savedReplies', () => {
  const savedReplies = ref<SavedReply[]>([]);
  /** Set to open the composer's saved-reply picker (from the palette or a shortcut); the composer clears it. */
  const pickerPending = ref(false);

  const sorted = computed(() => [...savedReplies.value].sort(byName));

  async function load(): Promise<void> {
    savedReplies.value = await api.call('savedReplies.list', {});
  }

  async function create(fields: SavedReplyFields): Promise<SavedReply | null> {
    try {
      const created = await api.call('savedReplies.create', fields);
      savedReplies.value = [...savedReplies.value, created];
      return created;
    } catch (error) {
      useToastsStore().pushError(error, 'actions.saveSavedReply');
      return null;
    }
  }

  async function update(id: Id, fields: SavedReplyFields): Promise<SavedReply | null> {
    try {
      const updated = await api.call('savedReplies.update', { id, ...fields });
      savedReplies.value = savedReplies.value.map((reply) => (reply.id === id ? updated : reply));
      return updated;
    } catch (error) {
      useToastsStore().pushError(error, 'actions.saveSavedReply');
      return null;
    }
  }

  /** Deletes at once; the toast offers to restore it (cheaper than a question each time). */
  async function remove(id: Id): Promise<boolean> {
    const reply = savedReplies.value.find((r) => r.id === id);
    if (!reply) return false;
    const before = savedReplies.value;
    savedReplies.value = before.filter((r) => r.id !== id);
    try {
      await api.call('savedReplies.delete', { id });
    } catch (error) {
      savedReplies.value = before;
      useToastsStore().pushError(error, 'actions.deleteSavedReply');
      return false;
    }
    useToastsStore().push({
      messageKey: 'toasts.savedReplyDeleted',
      params: { name: reply.name },
      tone: 'info',
      action: { labelKey: 'toasts.restore', run: () => void create({ name: reply.name, text: reply.text, language: reply.language, networks: reply.networks }) },
    });
    return true;
  }

  function requestPicker(): void {
    pickerPending.value = true;
  }

  return { savedReplies, sorted, pickerPending, load, create, update, remove, requestPicker };
});
