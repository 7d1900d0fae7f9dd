import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Id, Member } from '../../../shared/model';
import { api } from '../api';

/** Team members conversations can be assigned to; one of them is "me". */
export const useMembersStore = defineStore('members', () => {
  const members = ref<Member[]>([]);
  const me = computed(() => members.value.find((m) => m.isMe) ?? null);
  const byId = computed(() => new Map(members.value.map((m) => [m.id, m])));

  async function load(): Promise<void> {
    members.value = await api.call('members.list', {});
  }

  function nameOf(id: Id | null): string | null {
    return id === null ? null : (byId.value.get(id)?.name ?? null);
  }

  /** The user has not given their name yet (first start): the app asks for it. */
  const meUnnamed = computed(() => me.value?.unnamed === true);

  /** Renames a member (the user's own name at first start or in the settings). */
  async function rename(id: Id, name: string): Promise<Member> {
    const renamed = await api.call('members.rename', { memberId: id, name });
    members.value = members.value.map((m) => (m.id === id ? renamed : m));
    return renamed;
  }

  return { members, me, meUnnamed, byId, load, nameOf, rename };
});
