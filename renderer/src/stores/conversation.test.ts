import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApiClient } from '../api';
import { summary } from '../inbox/testSummaries';
import { DRAFT_SAVE_DELAY_MS, useConversationStore } from './conversation';
import { FakeCore } from './fakeCore';
import { useInboxStore } from './inbox';

let core: FakeCore;

beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createPinia());
  core = new FakeCore([summary({ id: 1, unread: true }), summary({ id: 2, unread: true })]);
  core.drafts.set(2, 'brouillon gardé');
  setApiClient(core);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('useConversationStore', () => {
  it('opens a conversation, marks its row read and restores its draft', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    const conversation = useConversationStore();
    await conversation.open(2);
    expect(conversation.detail?.conversation.id).toBe(2);
    expect(conversation.draftText).toBe('brouillon gardé');
    expect(inbox.rowById(2)?.unread).toBe(false);
  });

  it('saves the draft once typing pauses, as one call with the last text', async () => {
    const conversation = useConversationStore();
    await conversation.open(1);
    conversation.setDraftText('Bon');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS - 50);
    conversation.setDraftText('Bonjour');
    expect(core.callsOf('draft.save')).toEqual([]);
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(core.callsOf('draft.save')).toEqual([{ conversationId: 1, text: 'Bonjour' }]);
    expect(conversation.draftState).toBe('saved');
  });

  it('flushes the pending draft at once when switching conversation', async () => {
    const conversation = useConversationStore();
    await conversation.open(1);
    conversation.setDraftText('à finir');
    await conversation.open(2);
    expect(core.drafts.get(1)).toBe('à finir');
    expect(conversation.draftText).toBe('brouillon gardé');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS * 2);
    expect(core.callsOf('draft.save')).toHaveLength(1);
  });

  it('sends the reply, then clears the draft here and in the core', async () => {
    const conversation = useConversationStore();
    await conversation.open(2);
    conversation.setDraftText('  Merci !  ');
    expect(await conversation.sendReply()).toBe(true);
    expect(core.callsOf('reply.send')).toEqual([{ conversationId: 2, text: 'Merci !' }]);
    expect(conversation.draftText).toBe('');
    expect(core.drafts.has(2)).toBe(false);
    expect(conversation.draftState).toBe('idle');
  });

  it('keeps the text when sending fails', async () => {
    const conversation = useConversationStore();
    await conversation.open(1);
    conversation.setDraftText('Réponse');
    core.failing.set('reply.send', 'network');
    expect(await conversation.sendReply()).toBe(false);
    expect(conversation.draftText).toBe('Réponse');
  });

  /** `draft.get` answers only when the test says so: the conversation is still loading meanwhile. */
  function holdDraftLoad(): () => void {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    core.handle('draft.get', async ({ conversationId }) => {
      await gate;
      const text = core.drafts.get(conversationId);
      return text === undefined ? null : { conversationId, text, updatedAt: 1 };
    });
    return release;
  }

  it('keeps what was typed while the conversation was opening: a late empty draft load wipes nothing', async () => {
    const conversation = useConversationStore();
    const release = holdDraftLoad();
    const opening = conversation.open(1);
    conversation.setDraftText('Bonjour C');
    conversation.setDraftText('Bonjour Camille');
    release();
    await opening;
    expect(conversation.draftText).toBe('Bonjour Camille');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(core.drafts.get(1)).toBe('Bonjour Camille');
  });

  it('keeps both an earlier saved draft and what was typed before it arrived', async () => {
    const conversation = useConversationStore();
    const release = holdDraftLoad();
    const opening = conversation.open(2);
    conversation.setDraftText('et merci');
    release();
    await opening;
    expect(conversation.draftText).toBe('brouillon gardé et merci');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(core.drafts.get(2)).toBe('brouillon gardé et merci');
  });

  it('text typed in one conversation never lands in the next one opened quickly after', async () => {
    const conversation = useConversationStore();
    await conversation.open(1);
    const release = holdDraftLoad();
    const opening = conversation.open(2);
    conversation.setDraftText('pour la deux');
    const back = conversation.open(1);
    release();
    await Promise.all([opening, back]);
    expect(conversation.openId).toBe(1);
    expect(conversation.draftText).toBe('');
    expect(core.drafts.get(2)).toBe('brouillon gardé pour la deux');
  });
});
