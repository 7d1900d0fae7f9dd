import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Id } from '../../../shared/model';
import type { CalendarDay, CalendarEntry, Post, PostTarget } from '../../../shared/posts';
import { api } from '../api';
import { useToastsStore } from './toasts';

/** The post being written, as the composer holds it between saves. */
export interface DraftTarget {
  accountId: Id;
  /** The variant for this account; null: the post's text. */
  override: string | null;
  scheduledAt: number | null;
  /** This account's own images (set through the core); null: the post's. Kept as they are. */
  media?: Id[] | null;
}
export interface Draft {
  postId: Id | null;
  text: string;
  link: string;
  /** An article's title (asked only when an article network is chosen). */
  title?: string;
  /** The post's images (media library ids), in order. */
  media: Id[];
  targets: DraftTarget[];
}

/** Posts drawn per day in the calendar's month grid; the others are counted ("+12"). */
export const MONTH_PER_DAY = 3;

/** How long typing pauses before the draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 400;

const EDITABLE: readonly PostTarget['state'][] = ['draft'];

/** A post the composer can edit: every target still a draft. */
export function isEditable(post: Post): boolean {
  return post.targets.every((t) => EDITABLE.includes(t.state));
}

function inputOf(draft: Draft) {
  return {
    text: draft.text,
    link: draft.link.trim() === '' ? null : draft.link.trim(),
    // Absent when blank: the core stores no title.
    ...(draft.title?.trim() ? { title: draft.title.trim() } : {}),
    ...(draft.media.length > 0 ? { media: draft.media } : {}),
    targets: draft.targets.map((t) => ({ accountId: t.accountId, textOverride: t.override, scheduledAt: t.scheduledAt, ...(t.media ? { media: t.media } : {}) })),
  };
}

function draftOf(post: Post): Draft {
  return {
    postId: post.id,
    text: post.text,
    link: post.link ?? '',
    title: post.title ?? '',
    media: post.media ?? [],
    targets: post.targets.map((t) => ({ accountId: t.accountId, override: t.textOverride, scheduledAt: t.scheduledAt, media: t.media ?? null })),
  };
}

/**
 * Posts to publish: the composer's draft (saved through the core as it is typed), the list of
 * posts, and the calendar's window of targets.
 */
export const usePostsStore = defineStore('posts', () => {
  const toasts = useToastsStore();
  const posts = ref<Post[]>([]);
  const draft = ref<Draft | null>(null);
  /** 'saving' while a save is on its way, 'saved' once the core has it, 'error' when it refused. */
  const saveState = ref<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const calendar = ref<CalendarEntry[]>([]);
  const calendarRange = ref<{ from: number; to: number } | null>(null);
  /** The month grid's days (count and first posts), when the month is shown. */
  const calendarDays = ref<CalendarDay[] | null>(null);
  let monthDayStarts: number[] | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Saves run one after the other: the first creates the post, the next ones update it. */
  let saving: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | null = null;
  /** Counts edits: "saved" shows only once the latest one is in the core. */
  let edits = 0;
  /** The edit count last handed to a save: nothing new, nothing to save (a scheduled post stays scheduled). */
  let queuedEdits = 0;

  const current = computed(() => (draft.value?.postId ? (posts.value.find((p) => p.id === draft.value!.postId) ?? null) : null));
  const waitingForDecision = computed(() =>
    posts.value.flatMap((post) => post.targets.filter((t) => t.state === 'needs-decision' || t.givenUp).map((target) => ({ post, target }))),
  );

  function upsert(post: Post): void {
    const index = posts.value.findIndex((p) => p.id === post.id);
    if (index === -1) posts.value = [...posts.value, post];
    else posts.value = posts.value.map((p) => (p.id === post.id ? post : p));
  }

  async function load(): Promise<void> {
    unsubscribe ??= api.on('posts.changed', ({ postIds }) => void refresh(postIds));
    posts.value = await api.call('posts.list', {});
  }

  async function refresh(postIds: Id[]): Promise<void> {
    try {
      for (const postId of postIds) upsert(await api.call('posts.get', { postId }));
      if (calendarRange.value) await loadCalendar(calendarRange.value.from, calendarRange.value.to, monthDayStarts ? { dayStarts: monthDayStarts, perDay: MONTH_PER_DAY } : undefined);
    } catch {
      // A post deleted meanwhile: the next full load settles it.
    }
  }

  function startNew(accountIds: Id[]): void {
    void flush();
    draft.value = { postId: null, text: '', link: '', media: [], targets: accountIds.map((accountId) => ({ accountId, override: null, scheduledAt: null })) };
    saveState.value = 'idle';
  }

  function open(post: Post): void {
    void flush();
    draft.value = draftOf(post);
    saveState.value = 'saved';
  }

  /** The draft changed: it is saved once typing pauses. */
  function changed(): void {
    edits += 1;
    saveState.value = 'saving';
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void flush(), DRAFT_SAVE_DELAY_MS);
  }

  /** Saves the draft now (before scheduling, switching posts or closing the window). */
  function flush(): Promise<void> {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const pending = draft.value;
    if (!pending || pending.targets.length === 0 || edits === queuedEdits) return saving;
    const input = inputOf(pending);
    const edit = edits;
    queuedEdits = edits;
    saving = saving.then(async () => {
      saveState.value = 'saving';
      try {
        const saved = pending.postId === null ? await api.call('posts.create', input) : await api.call('posts.update', { postId: pending.postId, ...input });
        pending.postId = saved.id;
        upsert(saved);
        // A newer edit still waiting to be saved keeps "saving".
        if (edit === edits && !saveTimer) saveState.value = 'saved';
      } catch (error) {
        saveState.value = 'error';
        toasts.pushError(error, 'actions.saveDraft');
      }
    });
    return saving;
  }

  /** Schedules the draft's targets at their times; the core checks them again and says why it refuses. */
  async function schedule(): Promise<boolean> {
    await flush();
    const postId = draft.value?.postId;
    if (!postId) return false;
    try {
      upsert(await api.call('posts.schedule', { postId }));
      return true;
    } catch (error) {
      toasts.pushError(error, 'actions.schedulePost');
      return false;
    }
  }

  /** Takes a scheduled post back to a draft, to edit it (it will not go out until scheduled again). */
  async function unschedule(post: Post): Promise<void> {
    try {
      const saved = await api.call('posts.update', { postId: post.id, ...inputOf(draftOf(post)) });
      upsert(saved);
      open(saved);
    } catch (error) {
      toasts.pushError(error, 'actions.saveDraft');
    }
  }

  /** A new draft with the same text, link and variants, without times. */
  async function duplicate(post: Post): Promise<void> {
    await flush();
    draft.value = { ...draftOf(post), postId: null, targets: post.targets.map((t) => ({ accountId: t.accountId, override: t.textOverride, scheduledAt: null, media: t.media ?? null })) };
    changed();
    await flush();
  }

  async function decide(targetId: Id, decision: { action: 'publish-now' } | { action: 'reschedule'; at: number }): Promise<void> {
    try {
      upsert(await api.call('posts.decide', { targetId, ...decision }));
    } catch (error) {
      toasts.pushError(error, 'actions.schedulePost');
    }
  }

  /**
   * The calendar's window. `dayStarts` (the month grid's midnights): per day, the count and the
   * first `perDay` posts only, so a month of 10,000 posts stays quick; otherwise every post.
   */
  async function loadCalendar(from: number, to: number, month?: { dayStarts: number[]; perDay: number }): Promise<void> {
    calendarRange.value = { from, to };
    monthDayStarts = month?.dayStarts ?? monthDayStarts;
    const current = () => calendarRange.value?.from === from && calendarRange.value.to === to;
    if (month) {
      const days = await api.call('posts.calendarDays', month);
      // An older answer for another window does not overwrite the current one.
      if (!current()) return;
      calendarDays.value = days;
      calendar.value = days.flatMap((d) => d.entries);
      return;
    }
    monthDayStarts = null;
    const entries = await api.call('posts.calendar', { from, to });
    if (!current()) return;
    calendarDays.value = null;
    calendar.value = entries;
  }

  /** Moves one target to a new time (calendar drag or keys). Resolves true when the core took it. */
  async function move(targetId: Id, at: number): Promise<boolean> {
    const before = calendar.value;
    calendar.value = calendar.value.map((e) => (e.targetId === targetId ? { ...e, at } : e));
    try {
      upsert(await api.call('posts.move', { targetId, at }));
      return true;
    } catch (error) {
      calendar.value = before;
      toasts.pushError(error, 'actions.movePost');
      return false;
    }
  }

  return { posts, draft, saveState, current, waitingForDecision, calendar, calendarDays, load, startNew, open, changed, flush, schedule, unschedule, duplicate, decide, loadCalendar, move };
});
