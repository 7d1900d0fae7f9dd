import { describe, expect, it } from 'vitest';
import { RuleDefinitionBase } from '../../../shared/moderation';
import { CONDITION_TYPES, ACTION_TYPES, autoHideOn, linesToList, moveRule, newAction, newCondition, newRule, newRuleId, refusalMessage, refusalsByPlace, ruleProblems } from './ruleDraft';

const context = { accountIds: [4, 5], networks: ['network-a', 'network-b'], meId: 1 };

describe('new conditions and actions', () => {
  it('start every condition type valid once its list is filled, as the contract parses it', () => {
    for (const type of CONDITION_TYPES) {
      const condition = newCondition(type, context);
      const filled =
        condition.type === 'words' ? { ...condition, words: ['arnaque'] } : condition.type === 'author' ? { ...condition, handles: ['@troll'] } : condition;
      const regex = filled.type === 'regex' ? { ...filled, pattern: 'a+b' } : filled;
      const rule = { ...newRule(0, context, 'Test'), conditions: [regex] };
      expect(RuleDefinitionBase.safeParse(rule).success, type).toBe(true);
      expect(ruleProblems(rule).size, type).toBe(0);
    }
  });

  it('start every action type valid (a tag needs its name)', () => {
    for (const type of ACTION_TYPES) {
      const action = newAction(type, context);
      const filled = action.type === 'tag' ? { ...action, tag: 'troll' } : action;
      expect(RuleDefinitionBase.safeParse({ ...newRule(0, context, 'Test'), conditions: [{ type: 'links', min: 1 }], actions: [filled] }).success, type).toBe(true);
    }
    expect(newAction('assign', { accountIds: [], networks: [], meId: null })).toEqual({ type: 'hold' });
  });

  it('makes ids that fit the contract and differ', () => {
    const a = newRuleId(1_790_000_000_000, () => 0.1);
    const b = newRuleId(1_790_000_000_000, () => 0.2);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(64);
  });
});

describe('ruleProblems', () => {
  it('names what is missing, by place', () => {
    const rule = {
      ...newRule(0, context, ' '),
      conditions: [newCondition('words', context), { type: 'flood' as const, negate: false }, { type: 'regex' as const, pattern: 'x', flags: 'g', negate: false }],
      actions: [{ type: 'tag' as const, tag: ' ' }],
    };
    expect(Object.fromEntries(ruleProblems(rule))).toEqual({
      name: 'name',
      'conditions.0': 'words',
      'conditions.1': 'flood',
      'conditions.2': 'flags',
      'actions.0': 'tag',
    });
  });
});

describe('refusalsByPlace', () => {
  it('places the core’s messages next to the condition or field they are about', () => {
    const places = refusalsByPlace('rule.conditions.1.pattern: The pattern may take too long; name: Too small; input: odd; rule.stopProcessing: Expected boolean');
    expect(Object.fromEntries(places)).toEqual({
      'conditions.1': ['The pattern may take too long'],
      name: ['Too small'],
      rule: ['odd', 'Expected boolean'],
    });
  });
});

describe('lists and order', () => {
  it('reads one entry per line (or comma), trimmed and without repeats', () => {
    expect(linesToList(' @troll \n\n@spam, @troll\r\nbot ')).toEqual(['@troll', '@spam', 'bot']);
  });

  it('moves a rule one place, and not past the ends', () => {
    expect(moveRule(['a', 'b', 'c'], 'c', -1)).toEqual(['a', 'c', 'b']);
    expect(moveRule(['a', 'b', 'c'], 'a', -1)).toEqual(['a', 'b', 'c']);
    expect(moveRule(['a', 'b', 'c'], 'b', 1)).toEqual(['a', 'c', 'b']);
  });

  it('reads the shipped rule’s auto-hide switch from its actions', () => {
    const netiquette = { ...newRule(0, context, 'Netiquette'), id: 'netiquette' };
    expect(autoHideOn([{ definition: netiquette }])).toBe(false);
    expect(autoHideOn([{ definition: { ...netiquette, actions: [{ type: 'hide-on-network' }, { type: 'hold' }] } }])).toBe(true);
  });
});

describe('refusalMessage', () => {
  it('words the core’s codes and never shows its English', () => {
    expect(refusalMessage('regex:nested')).toEqual({ key: 'rules.regexErrors.nested', params: { n: 0 } });
    expect(refusalMessage('regex:bound:1000')).toEqual({ key: 'rules.regexErrors.bound', params: { n: 1000 } });
    expect(refusalMessage('word:x')).toEqual({ key: 'rules.refusals.word', params: { word: 'x' } });
    expect(refusalMessage('error:network')).toEqual({ key: 'errors.network', params: {} });
    expect(refusalMessage('Too big: expected string to have <=500 characters')).toEqual({ key: 'rules.refusals.other', params: {} });
  });
});
