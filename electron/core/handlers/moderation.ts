/** Moderation: actions on messages, the netiquette rules, the word lists and the audit log. */
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

type ModerationCalls =
  | 'moderation.capabilities'
  | 'moderation.act'
  | 'moderation.retry'
  | 'moderation.undo'
  | 'rules.list'
  | 'rules.save'
  | 'rules.delete'
  | 'rules.reorder'
  | 'rules.dryRun'
  | 'rules.setAutoHide'
  | 'lexicons.get'
  | 'lexicons.set'
  | 'audit.list';

export function moderationHandlers(s: CoreServices): DomainHandlers<ModerationCalls> {
  const { moderation } = s;
  return {
    'moderation.capabilities': () => {
      // Every network of this build, and any network an account is still stored under.
      const networks = new Set([...s.descriptors.map((d) => d.id), ...s.accounts.list().map((a) => a.network)]);
      return moderation.capabilities([...networks]);
    },
    'moderation.act': ({ messageId, action, reason, durationDays }) => {
      const { conversationId, queued, actionId, undoUntil } = moderation.act(messageId, action, reason, durationDays);
      s.changed([conversationId], 'moderation');
      // A held action is due later: the executor sets its timer for then.
      if (queued) s.executor?.wake();
      return { ok: true as const, actionId, undoUntil };
    },
    'moderation.undo': ({ actionIds }) => {
      const conversationIds = moderation.undo(actionIds);
      if (conversationIds.length > 0) s.changed(conversationIds, 'moderation');
      return { ok: true as const };
    },
    'moderation.retry': ({ messageId, action }) => {
      const conversationId = s.outbox.retryModeration(messageId, action);
      s.changed([conversationId], 'moderation');
      s.executor?.wake();
      return { ok: true as const };
    },
    'rules.list': () => moderation.rules.list(),
    'rules.save': ({ rule }) => moderation.rules.save(rule),
    'rules.delete': ({ ruleId }) => {
      moderation.rules.delete(ruleId);
      return { ok: true as const };
    },
    'rules.reorder': ({ ruleIds }) => {
      moderation.rules.reorder(ruleIds);
      return { ok: true as const };
    },
    'rules.dryRun': ({ rule, lastN }) => moderation.rules.dryRun(rule, lastN),
    'rules.setAutoHide': ({ enabled }) => {
      moderation.rules.setAutoHide(enabled);
      return { ok: true as const };
    },
    'lexicons.get': () => moderation.lexicons.get(),
    'lexicons.set': (patch) => moderation.lexicons.set(patch),
    'audit.list': ({ query, cursor, limit }) => moderation.audit.list(query, cursor, limit),
  };
}
