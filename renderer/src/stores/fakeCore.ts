/**
 * Test double of the core for store tests: answers contract calls from an in-memory workspace
 * and records every call. Imported by tests only.
 */
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import type { ConversationDetail, ConversationSummary, Id } from '../../../shared/model';
import { ApiError } from '../api/apiError';
import type { ApiClient } from '../api/client';
import { byActivity, matchesFilter } from '../inbox/inboxFilter';
import { applyChange } from '../inbox/triageChange';

type Handler<N extends CallName> = (input: CallInput<N>) => CallOutput<N> | Promise<CallOutput<N>>;

export class FakeCore implements ApiClient {
  rows: ConversationSummary[] = [];
  drafts = new Map<Id, string>();
  calls: { name: CallName; input: unknown }[] = [];
  /** Calls that must fail, by name, with this error kind. */
  failing = new Map<CallName, ApiError['kind']>();
  private overrides = new Map<CallName, (input: unknown) => unknown>();
  private listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(rows: ConversationSummary[] = []) {
    this.rows = rows;
  }

  handle<N extends CallName>(name: N, handler: Handler<N>): void {
    this.overrides.set(name, handler as (input: unknown) => unknown);
  }

  callsOf(name: CallName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    this.calls.push({ name, input });
    await Promise.resolve();
    const failure = this.failing.get(name);
    if (failure) throw new ApiError(failure, `${name} failed`);
    const override = this.overrides.get(name);
    if (override) return (await override(input)) as CallOutput<N>;
    return this.answer(name, input as never) as CallOutput<N>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  onConnectionChange(listener: (state: 'open') => void): () => void {
    listener('open');
    return () => {};
  }

  private patch(ids: Id[], change: Parameters<typeof applyChange>[1]): { ok: true } {
    this.rows = this.rows.map((row) => applyChange(row, { ...change, ids }));
    return { ok: true };
  }

  private answer(name: CallName, input: Record<string, never>): unknown {
    const i = input as Record<string, unknown>;
    switch (name) {
      case 'inbox.list': {
        const filter = (i.filter ?? {}) as Parameters<typeof matchesFilter>[1];
        const limit = (i.limit as number | undefined) ?? 50;
        const offset = i.cursor ? Number(i.cursor) : 0;
        const matching = this.rows.filter((row) => matchesFilter(row, filter)).sort(byActivity);
        const items = matching.slice(offset, offset + limit);
        return {
          items,
          nextCursor: offset + limit < matching.length ? String(offset + limit) : null,
          highlight: filter.query ? filter.query.toLowerCase().split(/\s+/) : [],
        };
      }
      case 'inbox.summaries': {
        const wanted = new Set(i.conversationIds as Id[]);
        return this.rows.filter((row) => wanted.has(row.id));
      }
      case 'inbox.count': {
        const filters = i.filters as Record<string, Parameters<typeof matchesFilter>[1]>;
        return Object.fromEntries(Object.entries(filters).map(([key, f]) => [key, this.rows.filter((r) => matchesFilter(r, f)).length]));
      }
      case 'inbox.viewCounts': {
        const filters = i.filters as Record<string, Parameters<typeof matchesFilter>[1]>;
        const count = (f: Parameters<typeof matchesFilter>[1]) => this.rows.filter((r) => matchesFilter(r, f)).length;
        return {
          views: Object.fromEntries(Object.entries(filters).map(([key, f]) => [key, { total: count(f), unread: count({ ...f, unread: true }) }])),
          unreadConversations: count({ status: ['open', 'pending'], unread: true }),
        };
      }
      case 'conversation.setStatus':
        return this.patch(i.conversationIds as Id[], {
          kind: 'status',
          ids: [],
          status: i.status as ConversationSummary['status'],
          ...(i.snoozeUntil === undefined ? {} : { snoozeUntil: i.snoozeUntil as number }),
        });
      case 'conversation.tag':
        return this.patch(i.conversationIds as Id[], { kind: 'tag', ids: [], tagId: i.tagId as Id });
      case 'conversation.untag':
        return this.patch(i.conversationIds as Id[], { kind: 'untag', ids: [], tagId: i.tagId as Id });
      case 'conversation.assign':
        return this.patch(i.conversationIds as Id[], { kind: 'assign', ids: [], memberId: i.memberId as Id | null });
      case 'conversation.get': {
        const row = this.rows.find((r) => r.id === i.conversationId);
        if (!row) throw new ApiError('not-found', 'no such conversation');
        if (i.markRead !== false) this.rows = this.rows.map((r) => (r.id === row.id ? { ...r, unread: false } : r));
        return detailOf({ ...row, unread: i.markRead === false ? row.unread : false });
      }
      case 'draft.get': {
        const text = this.drafts.get(i.conversationId as Id);
        return text === undefined ? null : { conversationId: i.conversationId, text, updatedAt: 1 };
      }
      case 'draft.save':
        if (i.text === '') this.drafts.delete(i.conversationId as Id);
        else this.drafts.set(i.conversationId as Id, i.text as string);
        return { ok: true };
      case 'reply.send':
        return { messageId: 999 };
      case 'members.list':
        return [
          { id: 1, name: 'Léa', isMe: true },
          { id: 2, name: 'Sam', isMe: false },
        ];
      case 'views.list':
        return [];
      case 'tags.list':
        return [];
      default:
        throw new ApiError('not-supported', `${name} is not faked`);
    }
  }
}

/** A conversation detail around a summary, for tests. */
export function detailOf(conversation: ConversationSummary): ConversationDetail {
  return {
    conversation,
    account: { id: conversation.accountId, network: conversation.network, handle: 'brand', displayName: 'Brand' },
    context: null,
    messages: [],
    authors: [],
    notes: [],
    activity: [],
    authorConversationCount: 0,
  };
}
