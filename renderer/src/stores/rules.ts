import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DryRunReport, Rule } from '../../../shared/contract';
import type { ErrorKind } from '../../../shared/model';
import type { RuleDefinition } from '../../../shared/moderation';
import { api, ApiError, errorKindOf } from '../api';
import { autoHideOn, moveRule } from '../rules/ruleDraft';
import { useToastsStore } from './toasts';

/** What `rules.save` answered: the saved rule, or why the core refused it. */
export type SaveOutcome = { ok: true; rule: Rule } | { ok: false; kind: ErrorKind; message: string };

/** The netiquette rules, in the order they run, with their hits. */
export const useRulesStore = defineStore('rules', () => {
  const toasts = useToastsStore();
  const rules = ref<Rule[]>([]);
  const loaded = ref(false);
  const error = ref<ErrorKind | null>(null);
  /** The rule whose row has focus, for the keyboard's move up / move down. */
  const focusedId = ref<string | null>(null);

  const ordered = computed(() => [...rules.value].sort((a, b) => a.position - b.position || a.definition.id.localeCompare(b.definition.id)));
  const autoHide = computed(() => autoHideOn(rules.value));

  async function load(): Promise<void> {
    try {
      rules.value = await api.call('rules.list', {});
      loaded.value = true;
      error.value = null;
    } catch (failure) {
      error.value = errorKindOf(failure);
    }
  }

  /** Creates or replaces a rule. Refusals come back as values, for the editor to show in place. */
  async function save(definition: RuleDefinition): Promise<SaveOutcome> {
    try {
      const rule = await api.call('rules.save', { rule: definition });
      const others = rules.value.filter((r) => r.definition.id !== rule.definition.id);
      rules.value = [...others, rule];
      return { ok: true, rule };
    } catch (failure) {
      return { ok: false, kind: errorKindOf(failure), message: failure instanceof ApiError ? failure.message : '' };
    }
  }

  /** Switches a rule on or off, at once. */
  async function setEnabled(id: string, enabled: boolean): Promise<void> {
    const rule = rules.value.find((r) => r.definition.id === id);
    if (!rule) return;
    const before = rules.value;
    rules.value = rules.value.map((r) => (r.definition.id === id ? { ...r, definition: { ...r.definition, enabled } } : r));
    const outcome = await save({ ...rule.definition, enabled });
    if (!outcome.ok) {
      rules.value = before;
      toasts.pushError(new ApiError(outcome.kind, outcome.message), 'actions.saveRule');
    }
  }

  async function remove(id: string): Promise<boolean> {
    const before = rules.value;
    rules.value = rules.value.filter((r) => r.definition.id !== id);
    try {
      await api.call('rules.delete', { ruleId: id });
      return true;
    } catch (failure) {
      rules.value = before;
      toasts.pushError(failure, 'actions.deleteRule');
      return false;
    }
  }

  /** Moves a rule one place up or down; the new order shows at once. */
  async function move(id: string, delta: -1 | 1): Promise<void> {
    const ids = ordered.value.map((r) => r.definition.id);
    const next = moveRule(ids, id, delta);
    if (next.every((value, i) => value === ids[i])) return;
    const before = rules.value;
    rules.value = rules.value.map((r) => ({ ...r, position: next.indexOf(r.definition.id) }));
    try {
      await api.call('rules.reorder', { ruleIds: next });
    } catch (failure) {
      rules.value = before;
      toasts.pushError(failure, 'actions.reorderRules');
    }
  }

  /** The shipped rule's switch: hide what it catches on the network at once. */
  async function setAutoHide(enabled: boolean): Promise<void> {
    try {
      await api.call('rules.setAutoHide', { enabled });
    } catch (failure) {
      toasts.pushError(failure, 'actions.saveRule');
    }
    await load();
  }

  /** What a rule (saved or not) would catch in the last `lastN` incoming messages. */
  async function dryRun(definition: RuleDefinition, lastN: number): Promise<{ ok: true; report: DryRunReport } | { ok: false; kind: ErrorKind; message: string }> {
    try {
      return { ok: true, report: await api.call('rules.dryRun', { rule: definition, lastN }) };
    } catch (failure) {
      return { ok: false, kind: errorKindOf(failure), message: failure instanceof ApiError ? failure.message : '' };
    }
  }

  return { rules, loaded, error, focusedId, ordered, autoHide, load, save, setEnabled, remove, move, setAutoHide, dryRun };
});
