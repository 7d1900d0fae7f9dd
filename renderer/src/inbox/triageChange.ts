import type { ConversationStatus, ConversationSummary, Id } from '../../../shared/model';

/** One triage action on a set of conversations, as the UI applies it and as undo reverses it. */
export type TriageChange =
  | { kind: 'status'; ids: Id[]; status: ConversationStatus; snoozeUntil?: number }
  | { kind: 'tag'; ids: Id[]; tagId: Id }
  | { kind: 'untag'; ids: Id[]; tagId: Id }
  | { kind: 'assign'; ids: Id[]; memberId: Id | null };

/** The conversation as it will be once `change` is applied (the optimistic local copy). */
export function applyChange(summary: ConversationSummary, change: TriageChange): ConversationSummary {
  if (!change.ids.includes(summary.id)) return summary;
  switch (change.kind) {
    case 'status':
      return {
        ...summary,
        status: change.status,
        snoozeUntil: change.status === 'snoozed' ? (change.snoozeUntil ?? null) : null,
      };
    case 'tag':
      return summary.tagIds.includes(change.tagId) ? summary : { ...summary, tagIds: [...summary.tagIds, change.tagId] };
    case 'untag':
      return { ...summary, tagIds: summary.tagIds.filter((id) => id !== change.tagId) };
    case 'assign':
      return { ...summary, assigneeId: change.memberId };
  }
}

function groupIds<K>(summaries: readonly ConversationSummary[], keyOf: (s: ConversationSummary) => K): Map<K, Id[]> {
  const groups = new Map<K, Id[]>();
  for (const summary of summaries) {
    const key = keyOf(summary);
    groups.set(key, [...(groups.get(key) ?? []), summary.id]);
  }
  return groups;
}

/**
 * The changes that put `before` (the conversations as they were) back after `change`. Each
 * conversation returns to its own previous state, so undoing a bulk "done" over open and
 * snoozed conversations reopens some and re-snoozes the others. A snooze whose time has passed
 * comes back as open, since the core refuses a snooze in the past.
 */
export function inverseOf(change: TriageChange, before: readonly ConversationSummary[], now: number): TriageChange[] {
  const touched = before.filter((s) => change.ids.includes(s.id));
  switch (change.kind) {
    case 'status': {
      const groups = groupIds(touched, (s) =>
        s.status === 'snoozed' && s.snoozeUntil !== null && s.snoozeUntil > now ? `snoozed:${s.snoozeUntil}` : s.status === 'snoozed' ? 'open' : s.status,
      );
      return [...groups].map(([key, ids]) =>
        key.startsWith('snoozed:')
          ? { kind: 'status', ids, status: 'snoozed', snoozeUntil: Number(key.slice('snoozed:'.length)) }
          : { kind: 'status', ids, status: key as ConversationStatus },
      );
    }
    case 'tag': {
      const ids = touched.filter((s) => !s.tagIds.includes(change.tagId)).map((s) => s.id);
      return ids.length > 0 ? [{ kind: 'untag', ids, tagId: change.tagId }] : [];
    }
    case 'untag': {
      const ids = touched.filter((s) => s.tagIds.includes(change.tagId)).map((s) => s.id);
      return ids.length > 0 ? [{ kind: 'tag', ids, tagId: change.tagId }] : [];
    }
    case 'assign':
      return [...groupIds(touched, (s) => s.assigneeId)].map(([memberId, ids]) => ({ kind: 'assign', ids, memberId }));
  }
}
