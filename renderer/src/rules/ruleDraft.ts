import type { Id } from '../../../shared/model';
import type { RuleAction, RuleCondition, RuleDefinition } from '../../../shared/moderation';

/** Condition types, in the order the editor offers them. */
export const CONDITION_TYPES = ['lexicon', 'words', 'regex', 'language', 'network', 'account', 'author', 'new-author', 'links', 'capitals', 'flood'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Action types, in the order the editor offers them. */
export const ACTION_TYPES = ['hold', 'hide-on-network', 'remove', 'tag', 'assign', 'set-status', 'notify'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** What new conditions and actions are filled with: the user's accounts, and "me". */
export interface DraftContext {
  accountIds: readonly Id[];
  /** The networks this build knows (from their descriptors), in the connect dialog's order. */
  networks: readonly string[];
  meId: Id | null;
}

/** A new condition of a type, with sensible values to start from. */
export function newCondition(type: ConditionType, context: DraftContext): RuleCondition {
  switch (type) {
    case 'lexicon':
      return { type, categories: ['insult', 'hate', 'sexual'], languages: ['fr', 'en'], minSeverity: 'strong', negate: false };
    case 'words':
      return { type, words: [], negate: false };
    case 'regex':
      return { type, pattern: '', flags: 'iu', negate: false };
    case 'language':
      return { type, languages: ['en'], negate: false };
    case 'network':
      return { type, networks: context.networks.slice(0, 1), negate: false };
    case 'account':
      return { type, accountIds: context.accountIds.slice(0, 1), negate: false };
    case 'author':
      return { type, handles: [], negate: false };
    case 'new-author':
      return { type, maxPriorMessages: 0, negate: false };
    case 'links':
      return { type, min: 2, negate: false };
    case 'capitals':
      return { type, minShare: 0.7, minLetters: 20, negate: false };
    case 'flood':
      return { type, minRepeatsByAuthor: 3, negate: false };
  }
}

/** A new action of a type. */
export function newAction(type: ActionType, context: DraftContext): RuleAction {
  switch (type) {
    case 'tag':
      return { type, tag: '' };
    case 'assign':
      return context.meId === null ? { type: 'hold' } : { type, memberId: context.meId };
    case 'set-status':
      return { type, status: 'pending' };
    case 'notify':
      return { type };
    default:
      return { type };
  }
}

/** A rule id nobody has: a timestamp and some randomness (ids are at most 64 characters). */
export function newRuleId(now: number, random: () => number = Math.random): string {
  return `rule-${now.toString(36)}-${Math.floor(random() * 36 ** 6).toString(36)}`;
}

/** A new rule to start editing: hold messages containing the user's words. */
export function newRule(now: number, context: DraftContext, name: string): RuleDefinition {
  return {
    id: newRuleId(now),
    name,
    enabled: true,
    match: 'all',
    conditions: [newCondition('words', context)],
    actions: [newAction('hold', context)],
    stopProcessing: false,
    exemptAuthors: [],
  };
}

/** "one per line" text → a list without blanks or repeats. */
export function linesToList(text: string): string[] {
  return [...new Set(text.split(/\r?\n|,/).map((line) => line.trim()).filter((line) => line !== ''))];
}

/** A rule's list field as "one per line" text. */
export function listToLines(list: readonly string[]): string {
  return list.join('\n');
}

/** Moves a rule up (delta −1) or down (+1) in the order; unchanged at the ends. */
export function moveRule(ids: readonly string[], id: string, delta: -1 | 1): string[] {
  const from = ids.indexOf(id);
  const to = from + delta;
  if (from === -1 || to < 0 || to >= ids.length) return [...ids];
  const next = [...ids];
  next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

/**
 * What is missing or wrong in a rule, checked before asking the core: field path → i18n key under
 * `rules.errors`. The core checks the rest (a pattern that could hang, a word it cannot match).
 */
export function ruleProblems(rule: RuleDefinition): Map<string, string> {
  const problems = new Map<string, string>();
  if (rule.name.trim() === '') problems.set('name', 'name');
  if (rule.conditions.length === 0) problems.set('conditions', 'noCondition');
  if (rule.actions.length === 0) problems.set('actions', 'noAction');
  rule.conditions.forEach((condition, i) => {
    const at = `conditions.${i}`;
    switch (condition.type) {
      case 'lexicon':
        if (condition.categories.length === 0 || condition.languages.length === 0) problems.set(at, 'pickOne');
        break;
      case 'words':
        if (condition.words.length === 0) problems.set(at, 'words');
        break;
      case 'regex':
        if (condition.pattern === '') problems.set(at, 'pattern');
        else if (!/^[imsu]*$/.test(condition.flags)) problems.set(at, 'flags');
        break;
      case 'language':
        if (condition.languages.length === 0) problems.set(at, 'pickOne');
        break;
      case 'network':
        if (condition.networks.length === 0) problems.set(at, 'pickOne');
        break;
      case 'account':
        if (condition.accountIds.length === 0) problems.set(at, 'pickOne');
        break;
      case 'author':
        if (condition.handles.length === 0) problems.set(at, 'handles');
        break;
      case 'links':
        if (!Number.isInteger(condition.min) || condition.min < 1) problems.set(at, 'number');
        break;
      case 'new-author':
        if (!Number.isInteger(condition.maxPriorMessages) || condition.maxPriorMessages < 0) problems.set(at, 'number');
        break;
      case 'capitals':
        if (!(condition.minShare >= 0.1 && condition.minShare <= 1) || !Number.isInteger(condition.minLetters) || condition.minLetters < 1) {
          problems.set(at, 'number');
        }
        break;
      case 'flood':
        if (condition.minRepeatsByAuthor === undefined && condition.minDistinctAuthors === undefined) problems.set(at, 'flood');
        else if ([condition.minRepeatsByAuthor, condition.minDistinctAuthors].some((n) => n !== undefined && (!Number.isInteger(n) || n < 2))) {
          problems.set(at, 'floodNumber');
        }
        break;
    }
  });
  rule.actions.forEach((action, i) => {
    if (action.type === 'tag' && action.tag.trim() === '') problems.set(`actions.${i}`, 'tag');
  });
  return problems;
}

/**
 * The core's refusal of a rule ("rule.conditions.0.pattern: message; name: message") as messages
 * by place: `conditions.0`, `actions.1`, or a top-level field; what cannot be placed goes under "rule".
 */
export function refusalsByPlace(message: string): Map<string, string[]> {
  const places = new Map<string, string[]>();
  for (const part of message.split('; ')) {
    const colon = part.indexOf(': ');
    const path = colon === -1 ? '' : part.slice(0, colon).replace(/^rule\./, '');
    const text = colon === -1 ? part : part.slice(colon + 2);
    const [head, index] = path.split('.');
    const place =
      (head === 'conditions' || head === 'actions') && index !== undefined && /^\d+$/.test(index)
        ? `${head}.${index}`
        : head && ['name', 'conditions', 'actions', 'exemptAuthors', 'match'].includes(head)
          ? head
          : 'rule';
    places.set(place, [...(places.get(place) ?? []), text.trim()]);
  }
  return places;
}

/**
 * The words for one refusal of the core: its codes ("regex:nested", "regex:too-long:500",
 * "word:<the word>") have their own sentence; anything else (a check of the contract, worded in
 * English by the validator) gets the general one, never shown as it came.
 */
export function refusalMessage(text: string): { key: string; params: Record<string, string | number> } {
  const regex = /^regex:([a-z-]+)(?::(\d+))?$/.exec(text);
  if (regex) return { key: `rules.regexErrors.${regex[1]}`, params: { n: Number(regex[2] ?? 0) } };
  const error = /^error:([a-z-]+)$/.exec(text);
  if (error) return { key: `errors.${error[1]}`, params: {} };
  const word = /^word:(.+)$/s.exec(text);
  if (word) return { key: 'rules.refusals.word', params: { word: word[1]! } };
  return { key: 'rules.refusals.other', params: {} };
}

/** Whether the shipped rule hides what it catches on the network at once. */
export function autoHideOn(rules: readonly { definition: RuleDefinition }[]): boolean {
  return rules.find((r) => r.definition.id === 'netiquette')?.definition.actions.some((a) => a.type === 'hide-on-network') ?? false;
}
