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
});
