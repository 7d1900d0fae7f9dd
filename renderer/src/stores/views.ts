import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InboxFilter, SavedView } from '../../../shared/contract';
import type { Id } from '../../../shared/model';
import { api } from '../api';
import { BUILT_IN_VIEWS, builtInViewFilter, savedViewId, savedViewKey, type ViewKey } from '../inbox/inboxFilter';
import { useMembersStore } from './members';
import { useToastsStore } from './toasts';

/** How long count refreshes are gathered after a change, so a burst of events costs one call. */
const COUNT_REFRESH_DELAY_MS = 150;

/** The sidebar's views (built-in and saved), their filters, and their live counts. */
export const useViewsStore = defineStore('views', () => {
  const members = useMembersStore();
  const savedViews = ref<SavedView[]>([]);
  /** How many conversations each view holds. */
  const counts = ref<Partial<Record<ViewKey, number>>>({});
  /** How many of them are unread (the core counts both). */
  const unreadCounts = ref<Partial<Record<ViewKey, number>>>({});
  /** Unread open or pending conversations: the window title's count, the same as the badge's. */
  const unreadConversations = ref<number | null>(null);
  let countTimer: ReturnType<typeof setTimeout> | null = null;
  let countGeneration = 0;

  const orderedSavedViews = computed(() => [...savedViews.value].sort((a, b) => a.position - b.position || a.id - b.id));

  /** The filter of a view, or null while it cannot be known (unknown saved view, "me" not loaded). */
  function filterOf(key: ViewKey): InboxFilter | null {
    const id = savedViewId(key);
    if (id === null) return builtInViewFilter(key as (typeof BUILT_IN_VIEWS)[number], members.me?.id ?? null);
    return savedViews.value.find((v) => v.id === id)?.filter ?? null;
  }

  const allKeys = computed<ViewKey[]>(() => [...BUILT_IN_VIEWS, ...orderedSavedViews.value.map((v) => savedViewKey(v.id))]);

  async function load(): Promise<void> {
    savedViews.value = await api.call('views.list', {});
  }

  async function refreshCounts(): Promise<void> {
    const filters: Record<string, InboxFilter> = {};
    for (const key of allKeys.value) {
      const filter = filterOf(key);
      if (filter) filters[key] = filter;
    }
    countGeneration += 1;
    const generation = countGeneration;
    const fresh = await api.call('inbox.viewCounts', { filters });
    if (generation !== countGeneration) return;
    const entries = Object.entries(fresh.views) as [ViewKey, { total: number; unread: number }][];
    counts.value = Object.fromEntries(entries.map(([key, c]) => [key, c.total]));
    unreadCounts.value = Object.fromEntries(entries.map(([key, c]) => [key, c.unread]));
    unreadConversations.value = fresh.unreadConversations;
  }

  /** Re-counts soon; calls within the delay share one `inbox.viewCounts`. */
  function refreshCountsSoon(): void {
    if (countTimer !== null) return;
    countTimer = setTimeout(() => {
      countTimer = null;
      refreshCounts().catch(() => {
        // Counts are a hint; the next change event tries again.
      });
    }, COUNT_REFRESH_DELAY_MS);
  }

  async function create(name: string, filter: InboxFilter): Promise<SavedView | null> {
    try {
      const view = await api.call('views.create', { name, filter });
      savedViews.value = [...savedViews.value, view];
      refreshCountsSoon();
      return view;
    } catch (error) {
      useToastsStore().pushError(error, 'actions.saveView');
      return null;
    }
  }

  async function remove(id: Id): Promise<boolean> {
    const before = savedViews.value;
    savedViews.value = before.filter((v) => v.id !== id);
    try {
      await api.call('views.delete', { id });
      return true;
    } catch (error) {
      savedViews.value = before;
      useToastsStore().pushError(error, 'actions.deleteView');
      return false;
    }
  }

  return { savedViews, orderedSavedViews, counts, unreadCounts, unreadConversations, allKeys, filterOf, load, refreshCounts, refreshCountsSoon, create, remove };
});
