import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { InboxFilter } from '../../../shared/contract';
import type { ConversationSummary, ErrorKind, Id } from '../../../shared/model';
import { api, errorKindOf } from '../api';
import { byActivity, combineFilters, matchesFilter, type Refinements, type ViewKey } from '../inbox/inboxFilter';
import { applyChange, type TriageChange } from '../inbox/triageChange';
import { useViewsStore } from './views';

/** Rows per `inbox.list` page. */
export const PAGE_SIZE = 50;
/** Most rows re-read at once after a change (the contract's limit). */
const MAX_REFRESH = 500;
/** Start loading the next page when the cursor is this close to the end. */
const PREFETCH_ROWS = 10;

function sameSummary(a: ConversationSummary, b: ConversationSummary): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The conversation list: the current view, search and filters; the rows loaded so far (keyset
 * pages); the keyboard cursor and the selection. Rows are immutable objects: a change replaces a
 * row object, and a re-read keeps the old object when nothing changed, so only changed rows render.
 */
export const useInboxStore = defineStore('inbox', () => {
  const views = useViewsStore();

  const viewKey = ref<ViewKey>('inbox');
  const refinements = ref<Refinements>({});
  const query = ref('');

  const items = shallowRef<readonly ConversationSummary[]>([]);
  const nextCursor = ref<string | null>(null);
  const highlight = ref<string[]>([]);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loaded = ref(false);
  const error = ref<ErrorKind | null>(null);

  const cursorId = ref<Id | null>(null);
  const selected = shallowRef<ReadonlySet<Id>>(new Set());
  // Shift+j/k selects the range from the anchor to the cursor, on top of what was selected before.
  let anchorId: Id | null = null;
  let selectionBeforeRange: ReadonlySet<Id> = new Set();
  // The activity time the cursor row is kept sorted by while the cursor stays on it (holdCursorRow).
  let cursorSortKey: { id: Id; lastActivityAt: number } | null = null;

  // A response for an older filter (generation) or from before a local edit is stale.
  let generation = 0;
  let localEdits = 0;
  // The filter of the last first-page read, so the filter watcher does not read twice.
  let requestedFilter = '';

  const filter = computed<InboxFilter | null>(() => {
    const base = views.filterOf(viewKey.value);
    return base ? combineFilters(base, refinements.value, query.value) : null;
  });
  const cursorIndex = computed(() => items.value.findIndex((row) => row.id === cursorId.value));
  const cursorRow = computed(() => items.value[cursorIndex.value] ?? null);
  const hasMore = computed(() => nextCursor.value !== null);
  const isFiltered = computed(() => query.value.trim() !== '' || Object.values(refinements.value).some((v) => v !== undefined));
  /** Typed a search with no letter or digit in it (`"`, `?!`): the core finds nothing, the list says why. */
  const unsearchable = computed(() => query.value.trim() !== '' && !/[\p{L}\p{N}]/u.test(query.value));
  /** How many conversations a search or filter finds (the core's count), shown beside the title. */
  const resultCount = ref<number | null>(null);
  let countGeneration = 0;

  /** Counts what the current search or filter finds; a hint, so a failure only hides it. */
  async function refreshResultCount(current: InboxFilter): Promise<void> {
    countGeneration += 1;
    const mine = countGeneration;
    if (!isFiltered.value) {
      resultCount.value = null;
      return;
    }
    try {
      const counted = await api.call('inbox.count', { filters: { result: current } });
      if (mine === countGeneration) resultCount.value = counted.result ?? null;
    } catch {
      if (mine === countGeneration) resultCount.value = null;
    }
  }
  // Synchronous, so a re-read right after the cursor moved already sorts the row it left normally.
  watch(
    cursorId,
    () => {
      cursorSortKey = null;
    },
    { flush: 'sync' },
  );

  function rowById(id: Id): ConversationSummary | null {
    return items.value.find((row) => row.id === id) ?? null;
  }

  function keepCursorNear(previous: readonly ConversationSummary[], previousIndex: number): void {
    if (cursorId.value !== null && items.value.some((row) => row.id === cursorId.value)) return;
    const present = new Set(items.value.map((row) => row.id));
    // The first surviving row at or after the old position, else the closest one before it.
    const after = previous.slice(Math.max(0, previousIndex)).find((row) => present.has(row.id));
    const before = previous
      .slice(0, Math.max(0, previousIndex))
      .reverse()
      .find((row) => present.has(row.id));
    cursorId.value = (after ?? before ?? items.value[0])?.id ?? null;
  }

  /**
   * A re-read must not move the row under the keyboard cursor: replying bumps a conversation to
   * the top, and a `j` typed just after would then land on whatever row sits below its new place,
   * depending on whether the re-read won the race against the key. So the cursor row keeps the
   * activity time it was sorted by when the cursor reached it (the other rows move as usual), and
   * takes its real place at the first re-read after the cursor has left it.
   */
  function holdCursorRow(previous: readonly ConversationSummary[], next: ConversationSummary[]): ConversationSummary[] {
    const id = cursorId.value;
    const shown = previous.find((row) => row.id === id);
    const held = next.find((row) => row.id === id);
    if (!shown || !held) return next;
    if (cursorSortKey?.id !== id) cursorSortKey = { id: shown.id, lastActivityAt: shown.lastActivityAt };
    const asShown = { ...held, lastActivityAt: cursorSortKey.lastActivityAt };
    const others = next.filter((row) => row !== held);
    const at = others.findIndex((row) => byActivity(asShown, row) < 0);
    return at === -1 ? [...others, held] : [...others.slice(0, at), held, ...others.slice(at)];
  }

  function dropMissingFromSelection(): void {
    const present = new Set(items.value.map((row) => row.id));
    if ([...selected.value].every((id) => present.has(id))) return;
    selected.value = new Set([...selected.value].filter((id) => present.has(id)));
  }

  /** Reads the first page of the current filter, replacing the list. */
  async function load(): Promise<void> {
    const current = filter.value;
    if (!current) return;
    requestedFilter = JSON.stringify(current);
    generation += 1;
    const mine = generation;
    loading.value = true;
    error.value = null;
    try {
      void refreshResultCount(current);
      const page = await api.call('inbox.list', { filter: current, limit: PAGE_SIZE });
      if (mine !== generation) return;
      const previous = items.value;
      const previousIndex = cursorIndex.value;
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      highlight.value = page.highlight;
      loaded.value = true;
      keepCursorNear(previous, previousIndex);
      dropMissingFromSelection();
    } catch (failure) {
      if (mine !== generation) return;
      error.value = errorKindOf(failure);
      items.value = [];
      nextCursor.value = null;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Reads the next keyset page and appends it (infinite scroll). */
  async function loadMore(): Promise<void> {
    const current = filter.value;
    if (!current || nextCursor.value === null || loadingMore.value || loading.value) return;
    const mine = generation;
    loadingMore.value = true;
    try {
      const page = await api.call('inbox.list', { filter: current, cursor: nextCursor.value, limit: PAGE_SIZE });
      if (mine !== generation) return;
      const present = new Set(items.value.map((row) => row.id));
      items.value = [...items.value, ...page.items.filter((row) => !present.has(row.id))];
      nextCursor.value = page.nextCursor;
    } catch (failure) {
      if (mine === generation) error.value = errorKindOf(failure);
    } finally {
      loadingMore.value = false;
    }
  }

  /**
   * Re-reads the loaded rows after `inbox.changed` and patches the list: unchanged rows keep their
   * object (and so their rendered row), changed rows are replaced, new ones appear in order.
   */
  async function refresh(): Promise<void> {
    const current = filter.value;
    if (!current) return;
    if (!loaded.value) return load();
    const mine = generation;
    const editsAtStart = localEdits;
    const limit = Math.min(MAX_REFRESH, Math.max(PAGE_SIZE, items.value.length));
    let page;
    try {
      page = await api.call('inbox.list', { filter: current, limit });
    } catch {
      return; // The list on screen stays; the next change event tries again.
    }
    if (mine !== generation) return;
    // A local edit made while this read was on its way may not be in it: read again.
    if (editsAtStart !== localEdits) return refresh();

    const previous = items.value;
    const previousIndex = cursorIndex.value;
    const oldById = new Map(previous.map((row) => [row.id, row]));
    const fresh = page.items.map((row) => {
      const old = oldById.get(row.id);
      return old && sameSummary(old, row) ? old : row;
    });
    let next: ConversationSummary[] = fresh;
    if (page.nextCursor !== null && fresh.length > 0) {
      // Rows loaded beyond the re-read window stay, after it.
      const last = fresh[fresh.length - 1] as ConversationSummary;
      const freshIds = new Set(fresh.map((row) => row.id));
      // A search is ordered by each conversation's newest matching message, which rows do not
      // carry: keep the rows that were after the window's last row on screen.
      const lastIndex = previous.findIndex((row) => row.id === last.id);
      const tail =
        current.query !== undefined
          ? lastIndex === -1
            ? []
            : previous.slice(lastIndex + 1).filter((row) => !freshIds.has(row.id))
          : previous.filter((row) => !freshIds.has(row.id) && byActivity(last, row) < 0);
      next = [...fresh, ...tail];
      if (tail.length === 0) nextCursor.value = page.nextCursor;
    } else {
      nextCursor.value = page.nextCursor;
    }
    next = holdCursorRow(previous, next);
    const unchanged = next.length === previous.length && next.every((row, i) => row === previous[i]);
    if (!unchanged) items.value = next;
    highlight.value = page.highlight;
    error.value = null;
    keepCursorNear(previous, previousIndex);
    dropMissingFromSelection();
  }

  /**
   * Applies a triage change to the loaded rows at once. Rows that leave the current filter
   * (a "done" in the inbox view) are removed, and returned so undo can put them back.
   */
  function applyLocal(change: TriageChange): ConversationSummary[] {
    localEdits += 1;
    const current = filter.value;
    const previous = items.value;
    const previousIndex = cursorIndex.value;
    const next: ConversationSummary[] = [];
    const removed: ConversationSummary[] = [];
    for (const row of previous) {
      const patched = applyChange(row, change);
      if (current && !matchesFilter(patched, current)) removed.push(row);
      else next.push(patched);
    }
    items.value = next;
    keepCursorNear(previous, previousIndex);
    dropMissingFromSelection();
    return removed;
  }

  /**
   * Patches rows at once the way a local action will leave them (e.g. `held: false` after a review
   * decision); rows that leave the current filter go, and the cursor lands on the next row.
   */
  function patchRows(ids: readonly Id[], patch: Partial<ConversationSummary>): void {
    if (ids.length === 0) return;
    localEdits += 1;
    const current = filter.value;
    const touched = new Set(ids);
    const previous = items.value;
    const previousIndex = cursorIndex.value;
    const next: ConversationSummary[] = [];
    for (const row of previous) {
      const patched = touched.has(row.id) ? { ...row, ...patch } : row;
      if (!current || matchesFilter(patched, current)) next.push(patched);
    }
    items.value = next;
    keepCursorNear(previous, previousIndex);
    dropMissingFromSelection();
  }

  /**
   * After `inbox.changed` named the conversations that changed: reads just their rows
   * (`inbox.summaries`) and patches the list in place: changed rows are replaced, rows that left
   * the filter or were deleted go, new matching rows take their place in order. With a full-text
   * query only the core knows what matches, so the list is re-read instead.
   */
  async function patchFromSummaries(ids: readonly Id[]): Promise<void> {
    const current = filter.value;
    if (!current) return;
    if (!loaded.value) return load();
    if (current.query !== undefined || ids.length > MAX_REFRESH) return refresh();
    if (ids.length === 0) return;
    const mine = generation;
    const editsAtStart = localEdits;
    let fresh: ConversationSummary[];
    try {
      fresh = await api.call('inbox.summaries', { conversationIds: [...ids] });
    } catch {
      return; // The list on screen stays; the next change event tries again.
    }
    if (mine !== generation) return;
    // A local edit made meanwhile may not be in these rows: read them again.
    if (editsAtStart !== localEdits) return patchFromSummaries(ids);

    const freshById = new Map(fresh.map((row) => [row.id, row]));
    const touched = new Set(ids);
    const previous = items.value;
    const previousIndex = cursorIndex.value;
    const last = previous[previous.length - 1];
    const kept: ConversationSummary[] = [];
    for (const row of previous) {
      if (!touched.has(row.id)) {
        kept.push(row);
        continue;
      }
      const update = freshById.get(row.id);
      if (update && matchesFilter(update, current)) kept.push(sameSummary(row, update) ? row : update);
    }
    const present = new Set(kept.map((row) => row.id));
    // A new row beyond the loaded pages shows up when the user scrolls there.
    const arriving = fresh.filter(
      (row) => !present.has(row.id) && matchesFilter(row, current) && (nextCursor.value === null || !last || byActivity(row, last) < 0),
    );
    const next = holdCursorRow(previous, [...kept, ...arriving].sort(byActivity));
    const unchanged = next.length === previous.length && next.every((row, i) => row === previous[i]);
    if (unchanged) return;
    items.value = next;
    keepCursorNear(previous, previousIndex);
    dropMissingFromSelection();
  }

  /** Puts rows back (undo) where the current filter wants them, in list order. */
  function restoreRows(rows: readonly ConversationSummary[]): void {
    localEdits += 1;
    const current = filter.value;
    const present = new Set(items.value.map((row) => row.id));
    const back = rows.filter((row) => !present.has(row.id) && (!current || matchesFilter(row, current)));
    if (back.length === 0) return;
    if (current?.query !== undefined) {
      // Search results are not in activity order: show the rows, then read their places.
      items.value = [...items.value, ...back];
      void refresh();
      return;
    }
    items.value = [...items.value, ...back].sort(byActivity);
  }

  /** Patches one row without a filter check (e.g. read on open: the row stays until the next re-read). */
  function patchRow(id: Id, patch: Partial<ConversationSummary>): void {
    const index = items.value.findIndex((row) => row.id === id);
    if (index === -1) return;
    localEdits += 1;
    const next = [...items.value];
    next[index] = { ...(next[index] as ConversationSummary), ...patch };
    items.value = next;
  }

  function startRangeAtCursor(): void {
    anchorId = cursorId.value;
    selectionBeforeRange = selected.value;
  }

  function setCursor(id: Id | null): void {
    cursorId.value = id;
    startRangeAtCursor();
    if (cursorIndex.value >= items.value.length - PREFETCH_ROWS) void loadMore();
  }

  /** Moves the cursor by `delta` rows (clamped); returns the new cursor row. */
  function moveCursor(delta: number): ConversationSummary | null {
    if (items.value.length === 0) return null;
    const from = cursorIndex.value === -1 ? (delta > 0 ? -1 : items.value.length) : cursorIndex.value;
    const to = Math.min(items.value.length - 1, Math.max(0, from + delta));
    setCursor((items.value[to] as ConversationSummary).id);
    return cursorRow.value;
  }

  /** Shift+j/k: moves the cursor and selects every row from the anchor to it. */
  function extendSelection(delta: number): void {
    if (items.value.length === 0) return;
    if (anchorId === null || !rowById(anchorId)) startRangeAtCursor();
    const anchor = anchorId;
    const from = cursorIndex.value === -1 ? 0 : cursorIndex.value;
    const to = Math.min(items.value.length - 1, Math.max(0, from + delta));
    cursorId.value = (items.value[to] as ConversationSummary).id;
    const anchorIndex = items.value.findIndex((row) => row.id === anchor);
    const low = Math.min(anchorIndex === -1 ? to : anchorIndex, to);
    const high = Math.max(anchorIndex === -1 ? to : anchorIndex, to);
    selected.value = new Set([...selectionBeforeRange, ...items.value.slice(low, high + 1).map((row) => row.id)]);
    if (to >= items.value.length - PREFETCH_ROWS) void loadMore();
  }

  function toggleSelected(id: Id | null = cursorId.value): void {
    if (id === null) return;
    const next = new Set(selected.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selected.value = next;
    cursorId.value = id;
    startRangeAtCursor();
  }

  function selectAll(): void {
    selected.value = new Set(items.value.map((row) => row.id));
  }

  function clearSelection(): void {
    selected.value = new Set();
    startRangeAtCursor();
  }

  /** What a triage command acts on: the selection, else the cursor row. In list order. */
  function targetIds(): Id[] {
    if (selected.value.size > 0) return items.value.filter((row) => selected.value.has(row.id)).map((row) => row.id);
    return cursorId.value === null ? [] : [cursorId.value];
  }

  function setView(key: ViewKey): void {
    viewKey.value = key;
    query.value = '';
    refinements.value = {};
    selected.value = new Set();
    cursorId.value = null;
    loaded.value = false;
    items.value = [];
    nextCursor.value = null;
    void load();
  }

  function setQuery(text: string): void {
    query.value = text;
  }

  function setRefinements(next: Refinements): void {
    refinements.value = next;
  }

  // Any change of view, search or filter reads the list again.
  watch(
    () => JSON.stringify(filter.value),
    (key) => {
      if (filter.value && key !== requestedFilter) void load();
    },
  );

  return {
    viewKey,
    refinements,
    query,
    items,
    nextCursor,
    highlight,
    loading,
    loadingMore,
    loaded,
    error,
    cursorId,
    selected,
    filter,
    cursorIndex,
    cursorRow,
    hasMore,
    isFiltered,
    unsearchable,
    resultCount,
    rowById,
    load,
    loadMore,
    refresh,
    applyLocal,
    restoreRows,
    patchRow,
    patchRows,
    patchFromSummaries,
    setCursor,
    moveCursor,
    extendSelection,
    toggleSelected,
    selectAll,
    clearSelection,
    targetIds,
    setView,
    setQuery,
    setRefinements,
  };
});
