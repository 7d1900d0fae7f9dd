import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { NetworkCapabilities } from '../../../shared/contract';
import { setApiClient } from '../api';
import { summary } from '../inbox/testSummaries';
import { message } from '../moderation/testMessages';
import { detailOf, FakeCore } from './fakeCore';
import { useInboxStore } from './inbox';
import { useModerationStore } from './moderation';
import { useToastsStore } from './toasts';
import { useTriageStore } from './triage';
import { useUiStore } from './ui';
import { MODERATION_UNDO_WINDOW_MS, UNDOABLE_MODERATION_ACTIONS } from '../../../shared/model';

const BLUESKY: NetworkCapabilities = {
  maxReplyLength: 300,
  reply: true,
  directMessages: false,
  moderation: ['hide', 'unhide', 'block-author', 'mute-author', 'report', 'delete-own'],
  unsupportedReasons: { 'ban-author': 'Bluesky has no bans: block the author instead.' },
};

let core: FakeCore;

beforeEach(() => {
  setActivePinia(createPinia());
  core = new FakeCore([summary({ id: 1, network: 'bluesky', held: true, lastActivityAt: 30 }), summary({ id: 2, network: 'bluesky', held: true, lastActivityAt: 20 })]);
  // Conversation 1 holds one of its two messages; acting on it clears the held flag, as the core does.
  core.handle('conversation.get', (input) => {
    const row = core.rows.find((r) => r.id === input.conversationId)!;
    return { ...detailOf(row), messages: [message({ id: 11, conversationId: row.id, moderation: row.held ? 'held' : 'visible' }), message({ id: 12, conversationId: row.id })] };
  });
  let actionId = 100;
  core.handle('moderation.act', (input) => {
    core.rows = core.rows.map((r) => (r.id === Math.floor(input.messageId / 10) ? { ...r, held: false } : r));
    actionId += 1;
    return { ok: true, actionId, undoUntil: UNDOABLE_MODERATION_ACTIONS.includes(input.action) ? Date.now() + MODERATION_UNDO_WINDOW_MS : null };
  });
  core.handle('moderation.capabilities', () => ({ bluesky: BLUESKY }));
  setApiClient(core);
});

describe('useModerationStore.review', () => {
  it('approves the held message of each conversation, and the queue moves on at once', async () => {
    const inbox = useInboxStore();
    inbox.setView('held');
    await inbox.load();
    const moderation = useModerationStore();
    await moderation.load();
    const handled = moderation.review('approve', [1]);
    // Gone from the queue before the core answered.
    expect(inbox.items.map((r) => r.id)).toEqual([2]);
    expect(await handled).toEqual([1]);
    expect(core.callsOf('moderation.act')).toEqual([{ messageId: 11, action: 'approve' }]);
    expect(useToastsStore().toasts.at(-1)).toMatchObject({ messageKey: 'review.done.approve', params: { count: 1 } });
  });

  it('hides with "Undo" in the toast: undo takes every held action back, and z does too', async () => {
    const undone: number[][] = [];
    core.handle('moderation.undo', (input) => {
      undone.push(input.actionIds);
      return { ok: true };
    });
    const inbox = useInboxStore();
    inbox.setView('held');
    await inbox.load();
    const moderation = useModerationStore();
    await moderation.load();
    expect(await moderation.review('hide', [1])).toEqual([1]);
    const toast = useToastsStore().toasts.at(-1)!;
    expect(toast).toMatchObject({ messageKey: 'review.done.hide', params: { count: 1 }, action: { labelKey: 'toasts.undo' } });
    expect(toast.conversation?.author).toContain('Author 1');
    toast.action!.run();
    await expect.poll(() => undone).toEqual([[101]]);
    await expect.poll(() => useToastsStore().toasts.at(-1)?.messageKey).toBe('moderation.undone');
    // Used from the toast, it is no longer what z undoes.
    expect(useTriageStore().undoStack).toHaveLength(0);

    expect(await moderation.review('hide', [2])).toEqual([2]);
    await useTriageStore().undo();
    expect(undone).toEqual([[101], [102]]);
  });

  it('says it is too late when the action has already left, and changes nothing', async () => {
    core.failing.set('moderation.undo', 'conflict');
    const inbox = useInboxStore();
    inbox.setView('held');
    await inbox.load();
    const moderation = useModerationStore();
    await moderation.load();
    await moderation.review('hide', [1]);
    await useTriageStore().undo();
    expect(useToastsStore().toasts.at(-1)).toMatchObject({ messageKey: 'moderation.undoTooLate', tone: 'error' });
  });

  it('does nothing when the network cannot, and says why in the catalogue’s words', async () => {
    const inbox = useInboxStore();
    inbox.setView('held');
    await inbox.load();
    const moderation = useModerationStore();
    await moderation.load();
    expect(await moderation.review('ban', [1, 2])).toEqual([]);
    expect(core.callsOf('moderation.act')).toEqual([]);
    expect(inbox.items.map((r) => r.id)).toEqual([1, 2]);
    expect(useToastsStore().toasts.at(-1)).toMatchObject({
      messageKey: 'moderation.refused',
      tone: 'error',
      keyParams: { action: 'moderationActions.ban-author', why: 'moderationReasons.bluesky.ban-author' },
    });
  });

  it('puts a conversation back when the core refuses the action', async () => {
    core.failing.set('moderation.act', 'storage');
    const inbox = useInboxStore();
    inbox.setView('held');
    await inbox.load();
    const moderation = useModerationStore();
    expect(await moderation.review('hide', [2])).toEqual([]);
    expect(inbox.items.map((r) => r.id)).toEqual([1, 2]);
    expect(useToastsStore().toasts.at(-1)).toMatchObject({ tone: 'error', keyParams: { why: 'errors.storage' } });
  });
});

describe('useModerationStore.act', () => {
  it('asks before deleting your own message on the network, and does nothing when the answer is no', async () => {
    const moderation = useModerationStore();
    await moderation.load();
    const ui = useUiStore();
    const mine = message({ id: 31, direction: 'out' });

    const refused = moderation.act(mine, 'bluesky', 'delete-own');
    expect(ui.overlay).toBe('confirm');
    expect(ui.confirmRequest).toMatchObject({ titleKey: 'moderation.confirmDelete.title', keyParams: { network: 'networks.bluesky' }, danger: true });
    ui.answer(false);
    expect(await refused).toBe(false);
    expect(core.callsOf('moderation.act')).toEqual([]);

    const confirmed = moderation.act(mine, 'bluesky', 'delete-own');
    ui.answer(true);
    expect(await confirmed).toBe(true);
    expect(core.callsOf('moderation.act')).toEqual([{ messageId: 31, action: 'delete-own' }]);
  });

  it('holds a block with "Undo" in its toast for the undo window, naming the author and the message', async () => {
    const moderation = useModerationStore();
    await moderation.load();
    expect(await moderation.act(message({ id: 41, text: 'achetez des abonnés' }), 'bluesky', 'block-author')).toBe(true);
    expect(useUiStore().overlay).toBeNull();
    const toast = useToastsStore().toasts.at(-1)!;
    expect(toast).toMatchObject({ messageKey: 'moderation.leaving', keyParams: { what: 'moderation.done.block-author', network: 'networks.bluesky' }, action: { labelKey: 'toasts.undo' } });
    expect(toast.conversation?.excerpt).toContain('achetez des abonnés');
    expect(useTriageStore().undoStack).toHaveLength(1);
  });
});

describe('useModerationStore: a ban with a length', () => {
  it('sends the days chosen with the ban, and says which networks take a length', async () => {
    core.handle('moderation.capabilities', () => ({
      bluesky: BLUESKY,
      reddit: { maxReplyLength: 10_000, reply: true, directMessages: true, moderation: ['approve', 'remove', 'spam', 'ban-author'], unsupportedReasons: {}, banDuration: { maxDays: 999, permanent: true, defaultDays: null } },
    }));
    const moderation = useModerationStore();
    await moderation.load();
    expect(moderation.banDuration('reddit')).toEqual({ maxDays: 999, permanent: true, defaultDays: null });
    expect(moderation.banDuration('bluesky')).toBeNull();
    expect(await moderation.act(message({ id: 11, conversationId: 1 }), 'reddit', 'ban-author', 'Spam répété', 7)).toBe(true);
    expect(core.callsOf('moderation.act')).toEqual([{ messageId: 11, action: 'ban-author', reason: 'Spam répété', durationDays: 7 }]);
  });
});
