import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SavedReply } from '../../../shared/contract';
import { api } from '../api';

/** Canned answers inserted into the composer. */
export const useSavedRepliesStore = defineStore('savedReplies', () => {
  const savedReplies = ref<SavedReply[]>([]);

  async function load(): Promise<void> {
    savedReplies.value = await api.call('savedReplies.list', {});
  }

  async function create(name: string, text: string): Promise<SavedReply> {
    const created = await api.call('savedReplies.create', { name, text });
    savedReplies.value = [...savedReplies.value, created];
    return created;
  }

  return { savedReplies, load, create };
});
