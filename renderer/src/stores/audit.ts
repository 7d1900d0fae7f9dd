import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AuditEntry } from '../../../shared/contract';
import type { ErrorKind } from '../../../shared/model';
import { api, errorKindOf } from '../api';
import { useToastsStore } from './toasts';

/** Entries per `audit.list` page. */
export const AUDIT_PAGE_SIZE = 100;

/** The moderation audit log: newest first, searchable, read page by page. */
export const useAuditStore = defineStore('audit', () => {
  const toasts = useToastsStore();
  const items = ref<AuditEntry[]>([]);
  const nextCursor = ref<string | null>(null);
  const query = ref('');
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<ErrorKind | null>(null);
  const exporting = ref(false);
  let generation = 0;

  /** Reads the first page for `query` (the current one when omitted). */
  async function load(nextQuery: string = query.value): Promise<void> {
    query.value = nextQuery;
    generation += 1;
    const mine = generation;
    loading.value = true;
    try {
      const trimmed = nextQuery.trim();
      const page = await api.call('audit.list', { ...(trimmed ? { query: trimmed } : {}), limit: AUDIT_PAGE_SIZE });
      if (mine !== generation) return;
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      error.value = null;
      loaded.value = true;
    } catch (failure) {
      if (mine === generation) error.value = errorKindOf(failure);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor.value === null || loading.value) return;
    const mine = generation;
    loading.value = true;
    try {
      const trimmed = query.value.trim();
      const page = await api.call('audit.list', { ...(trimmed ? { query: trimmed } : {}), cursor: nextCursor.value, limit: AUDIT_PAGE_SIZE });
      if (mine !== generation) return;
      const present = new Set(items.value.map((e) => e.id));
      items.value = [...items.value, ...page.items.filter((e) => !present.has(e.id))];
      nextCursor.value = page.nextCursor;
    } catch (failure) {
      if (mine === generation) error.value = errorKindOf(failure);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /**
   * Every entry the search shows, all pages, for an export the caller words in the user's
   * language (the core's own CSV is in English).
   */
  async function exportEntries(): Promise<AuditEntry[] | null> {
    exporting.value = true;
    try {
      const trimmed = query.value.trim();
      const all: AuditEntry[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: AuditEntry[]; nextCursor: string | null } = await api.call('audit.list', { ...(trimmed ? { query: trimmed } : {}), cursor, limit: 500 });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    } catch (failure) {
      toasts.pushError(failure, 'actions.exportAudit');
      return null;
    } finally {
      exporting.value = false;
    }
  }

  return { items, nextCursor, query, loading, loaded, error, exporting, load, loadMore, exportEntries };
});
