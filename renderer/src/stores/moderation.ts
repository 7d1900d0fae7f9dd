import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { NetworkCapabilities } from '../../../shared/contract';
import type { ConversationDetail, Id, Message, ModerationActionName, Network } from '../../../shared/model';
import { api, errorKindOf } from '../api';
import { actionAvailability, type ActionAvailability } from '../moderation/actionAvailability';
import { refusalReason } from '../moderation/refusalReason';
import { reviewPlan, type ReviewDecision, type ReviewPlan } from '../moderation/reviewPlan';
import { useConversationStore } from './conversation';
import { useInboxStore } from './inbox';
import { conversationLabel, useToastsStore, type ConversationLabel } from './toasts';
import { useTriageStore } from './triage';
import { useUiStore } from './ui';
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
  const triage = useTriageStore();
  const ui = useUiStore();
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

  /** After moderation changed what the core holds: the open conversation, the list and the counts. */
  async function reread(): Promise<void> {
    await conversation.refresh();
    await inbox.refresh();
    views.refreshCountsSoon();
  }

  /**
   * A way back for actions held in the outbox (`moderation.undo`), offered in their toast and by
   * `z`. Too late (one has left for the network) changes nothing and says so.
   */
  function undoer(actionIds: number[]): () => Promise<boolean> {
    let used = false;
    const run = async (): Promise<boolean> => {
      if (used) return false;
      used = true;
      triage.forget(run);
      try {
        await api.call('moderation.undo', { actionIds });
        toasts.push({ messageKey: 'moderation.undone', tone: 'info' });
        return true;
      } catch (failure) {
        if (errorKindOf(failure) === 'conflict') toasts.push({ messageKey: 'moderation.undoTooLate', tone: 'error' });
        else toasts.pushError(failure, 'actions.undoModeration');
        return false;
      } finally {
        await reread();
      }
    };
    return run;
  }

  /** How long the toast of an action held until `undoUntil` stays: the whole window, not longer. */
  const toastTime = (undoUntil: number) => Math.max(1_000, undoUntil - Date.now());

  /** The message's author and the start of its text, as a toast names them. */
  function labelOf(message: Message): ConversationLabel | undefined {
    const author = conversation.detail?.authors.find((a) => a.id === message.authorId) ?? null;
    return conversationLabel({ author, snippet: message.text });
  }

  /**
   * One action on one message: applied locally by the core at once, its network side queued; the
   * open conversation is re-read so the message shows its new state and its delivery. A harsh
   * action waits a few seconds in the outbox with "Undo" in its toast; deleting your own message
   * on the network cannot be undone there, so it is confirmed first.
   */
  async function act(message: Message, network: Network, action: ModerationActionName, reason?: string, durationDays?: number): Promise<boolean> {
    const allowed = availability(action, message, network);
    if (!allowed.enabled) {
      explainRefusal({ action, network, availability: allowed });
      return false;
    }
    if (action === 'delete-own' && allowed.reach === 'network') {
      const confirmed = await ui.confirm({
        titleKey: 'moderation.confirmDelete.title',
        bodyKeys: ['moderation.confirmDelete.body'],
        keyParams: { network: `networks.${network}` },
        confirmKey: 'moderation.confirmDelete.confirm',
        danger: true,
      });
      if (!confirmed) return false;
    }
    const target = labelOf(message) ?? { author: '?', excerpt: '' };
    try {
      const done = await api.call('moderation.act', { messageId: message.id, action, ...(reason ? { reason } : {}), ...(durationDays !== undefined ? { durationDays } : {}) });
      if (done.undoUntil !== null) {
        const undo = undoer([done.actionId]);
        triage.remember(undo);
        toasts.push(
          {
            messageKey: 'moderation.leaving',
            keyParams: { what: `moderation.done.${action}`, network: `networks.${network}` },
            conversation: target,
            tone: 'info',
            action: { labelKey: 'toasts.undo', run: () => void undo() },
          },
          toastTime(done.undoUntil),
        );
      } else {
        toasts.push({ messageKey: 'moderation.doneOn', keyParams: { what: `moderation.done.${action}` }, conversation: target, tone: 'info' });
      }
      return true;
    } catch (failure) {
      toasts.pushError(failure, `moderation.failed.${action}`);
      return false;
    } finally {
      await reread();
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

    const plans: { id: Id; plan: ReviewPlan; network: Network; label: ConversationLabel | undefined }[] = [];
    let failed = false;
    for (const id of ids) {
      try {
        const detail = await detailOf(id);
        plans.push({ id, plan: reviewPlan(decision, detail, capabilities.value), network: detail.account.network, label: conversationLabel(detail.conversation) });
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
    // Actions held in the outbox, all undone at once by the toast's "Undo" (or z).
    const held: number[] = [];
    let undoUntil = 0;
    for (const { plan } of plans) {
      if (plan.kind !== 'act' || failed) continue;
      for (const step of plan.steps) {
        try {
          const done = await api.call('moderation.act', { messageId: step.messageId, action: step.action });
          if (done.undoUntil !== null) {
            held.push(done.actionId);
            undoUntil = Math.max(undoUntil, done.undoUntil);
          }
        } catch (failure) {
          failed = true;
          toasts.pushError(failure, `review.failed.${decision}`);
          break;
        }
      }
    }
    if (!failed) {
      const undo = held.length > 0 ? undoer(held) : null;
      if (undo) triage.remember(undo);
      toasts.push(
        {
          messageKey: `review.done.${decision}`,
          params: { count: plans.length },
          ...(plans.length === 1 ? { conversation: plans[0]?.label ?? { author: '?', excerpt: '' } } : {}),
          tone: 'info',
          ...(undo ? { action: { labelKey: 'toasts.undo', run: () => void undo() } } : {}),
        },
        undo ? toastTime(undoUntil) : undefined,
      );
    }
    // What the core holds now is the truth (a refused action puts the conversation back).
    await Promise.all([inbox.refresh(), conversation.refresh()]);
    views.refreshCountsSoon();
    return failed ? [] : plans.map((p) => p.id);
  }

  /** How long a ban can last on a network; null where a ban has no length (the UI does not ask). */
  function banDuration(network: Network): NonNullable<NetworkCapabilities['banDuration']> | null {
    return capabilities.value[network]?.banDuration ?? null;
  }

  return { capabilities, loaded, load, availability, explainRefusal, act, review, banDuration };
});
