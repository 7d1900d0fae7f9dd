import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { NetworkCapabilities } from '../../../shared/contract';
import type { ConversationDetail, Id, Message, ModerationActionName, Network } from '../../../shared/model';
import { api } from '../api';
import { actionAvailability, type ActionAvailability } from '../moderation/actionAvailability';
import { refusalReason } from '../moderation/refusalReason';
import { reviewPlan, type ReviewDecision, type ReviewPlan } from '../moderation/reviewPlan';
import { useConversationStore } from './conversation';
import { useInboxStore } from './inbox';
import { useToastsStore } from './toasts';
import { useViewsStore } from './views';

/** A refused moderation action, for the toast that says why. */
export type Refusal = { action: ModerationActionName; network: Network; availability: Exclude<ActionAvailability, { enabled: true }> };

/**
 * Moderation of messages: what each network allows (`moderation.capabilities`), the actions on
 * one message, and the review queue's decisions on whole held conversations.
 */
export const useModerationStore = defineStore('moderation', () => {
  const toasts = useToastsStore();
  const conversation = useConversationStore();
  const inbox = useInboxStore();
  const views = useViewsStore();
  const capabilities = ref<Record<string, NetworkCapabilities>>({});
  const loaded = ref(false);

  /** Reads what each connected network allows (again after accounts change). */
  async function load(): Promise<void> {
    capabilities.value = await api.call('moderation.capabilities', {});
    loaded.value = true;
  }

  function availability(action: ModerationActionName, message: Pick<Message, 'direction' | 'moderation' | 'remoteId'>, network: Network): ActionAvailability {
    return actionAvailability(action, message, network, capabilities.value);
  }

  /** Tells the user why an action cannot be done (the network's reason, translated when known). */
  function explainRefusal(refusal: Refusal): void {
    const reason = refusalReason(refusal.action, refusal.network, refusal.availability);
    toasts.push({
      messageKey: 'moderation.refused',
      keyParams: { action: `moderationActions.${refusal.action}`, ...('key' in reason ? { why: reason.key } : {}) },
      params: 'text' in reason ? { why: reason.text } : {},
      tone: 'error',
    });
  }

  /**
   * One action on one message: applied locally by the core at once, its network side queued; the
   * open conversation is re-read so the message shows its new state and its delivery.
   */
  async function act(message: Message, network: Network, action: ModerationActionName, reason?: string): Promise<boolean> {
    const allowed = availability(action, message, network);
    if (!allowed.enabled) {
      explainRefusal({ action, network, availability: allowed });
      return false;
    }
    try {
      await api.call('moderation.act', { messageId: message.id, action, ...(reason ? { reason } : {}) });
      toasts.push({ messageKey: `moderation.done.${action}`, tone: 'info' });
      return true;
    } catch (failure) {
      toasts.pushError(failure, `moderation.failed.${action}`);
      return false;
    } finally {
      await conversation.refresh();
      await inbox.refresh();
      views.refreshCountsSoon();
    }
  }

  async function detailOf(id: Id): Promise<ConversationDetail> {
    const open = conversation.detail;
    if (open && open.conversation.id === id) return open;
    return api.call('conversation.get', { conversationId: id, markRead: false });
  }

  /**
   * A review decision on held conversations. Each one leaves the queue at once (before any await,
   * so the caller can move focus to the next item); the core then applies the decision to every
   * held message (see `reviewPlan`). If the network cannot take it, nothing is done, the user is
   * told why, and the conversations come back. Returns the conversations it handled.
   */
  async function review(decision: ReviewDecision, ids: readonly Id[]): Promise<Id[]> {
    // The open conversation's plan is known now: refused, nothing moves at all.
    const open = conversation.detail;
    if (open && ids.includes(open.conversation.id)) {
      const plan = reviewPlan(decision, open, capabilities.value);
      if (plan.kind === 'blocked') {
        explainRefusal({ action: plan.action, network: open.account.network, availability: plan.availability });
        return [];
      }
    }
    inbox.patchRows(ids, { held: false });

    const plans: { id: Id; plan: ReviewPlan; network: Network }[] = [];
    let failed = false;
    for (const id of ids) {
      try {
        const detail = await detailOf(id);
        plans.push({ id, plan: reviewPlan(decision, detail, capabilities.value), network: detail.account.network });
      } catch (failure) {
        failed = true;
        toasts.pushError(failure, `review.failed.${decision}`);
      }
    }
    const blocked = plans.find((p) => p.plan.kind === 'blocked');
    if (blocked && blocked.plan.kind === 'blocked') {
      explainRefusal({ action: blocked.plan.action, network: blocked.network, availability: blocked.plan.availability });
      await inbox.refresh();
      return [];
    }
    for (const { plan } of plans) {
      if (plan.kind !== 'act' || failed) continue;
      for (const step of plan.steps) {
        try {
          await api.call('moderation.act', { messageId: step.messageId, action: step.action });
        } catch (failure) {
          failed = true;
          toasts.pushError(failure, `review.failed.${decision}`);
          break;
        }
      }
    }
    if (!failed) toasts.push({ messageKey: `review.done.${decision}`, params: { count: plans.length }, tone: 'info' });
    // What the core holds now is the truth (a refused action puts the conversation back).
    await Promise.all([inbox.refresh(), conversation.refresh()]);
    views.refreshCountsSoon();
    return failed ? [] : plans.map((p) => p.id);
  }

  return { capabilities, loaded, load, availability, explainRefusal, act, review };
});
