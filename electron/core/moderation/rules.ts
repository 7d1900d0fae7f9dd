/**
 * The rules engine ("netiquette"): ordered, editable rules, each a set of conditions combined
 * with all/any and a list of actions. Pure: the caller passes the message, what it knows about
 * the author (prior message count, flood counts from a FloodTracker), and applies the actions.
 */
import { z } from 'zod';
import type { Network } from '../../../shared/model';
import { detectLanguage } from './language';
import { DEFAULT_LEXICONS, type LexiconLanguage, type Severity, type Lexicon } from './lexicon';
import { compileMatcher, foldTerm, selectNonOverlapping, type Matcher, type TermMatch } from './matcher';
import { foldText, type FoldedText } from './normalize';
import { checkRegexSafety, execBounded, REGEX_LIMITS, regexProblem } from './regex-safety';
import type { FloodCounts } from './flood';

// ── Conditions ─────────────────────────────────────────────────────────────────────────────────

import {
  AccountCondition,
  AuthorCondition,
  CapitalsCondition,
  FloodCondition,
  LanguageCondition,
  LexiconCondition,
  LinksCondition,
  NetworkCondition,
  NewAuthorCondition,
  RegexCondition as RegexConditionBase,
  RuleAction,
  RuleDefinitionBase,
  SHIPPED_RULE_NAMES,
  RuleCondition as SharedRuleCondition,
  WordsCondition as WordsConditionBase,
} from '../../../shared/moderation';

export { AccountCondition, AuthorCondition, CapitalsCondition, FloodCondition, LanguageCondition, LexiconCondition, LinksCondition, NetworkCondition, NewAuthorCondition, RuleAction };

/** The rule's own words, each checked to be matchable by the matcher. */
export const WordsCondition = WordsConditionBase.superRefine((condition, ctx) => {
  for (const word of condition.words) {
    const folded = foldTerm(word);
    // A code and the word: the renderer words it ("word:<the word>").
    if ('error' in folded) ctx.addIssue({ code: 'custom', path: ['words'], message: `word:${word}` });
  }
});

/** A regular expression, checked against catastrophic patterns (see regex-safety.ts). */
export const RegexCondition = RegexConditionBase.superRefine((condition, ctx) => {
  // A code the renderer words ("regex:<problem>[:<limit>]"), not English.
  const problem = regexProblem(condition.pattern, condition.flags);
  const limit = problem === null ? undefined : REGEX_LIMITS[problem];
  if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: `regex:${problem}${limit === undefined ? '' : `:${limit}`}` });
});

/** The shared union of conditions, with the two that need the matcher's checks refined. */
export const RuleCondition = z.discriminatedUnion(
  'type',
  SharedRuleCondition.options.map((option) =>
    option === WordsConditionBase ? WordsCondition : option === RegexConditionBase ? RegexCondition : option,
  ) as unknown as typeof SharedRuleCondition.options,
);
export type RuleCondition = z.infer<typeof RuleCondition>;

/** One rule, with the core's checks on its words and patterns. Rules run in list order. */
export const RuleDefinition = RuleDefinitionBase.extend({ conditions: z.array(RuleCondition).min(1).max(50) });
export type RuleDefinition = z.infer<typeof RuleDefinition>;
/** A rule as the user may write it (defaults not yet applied). */
export type RuleDefinitionInput = z.input<typeof RuleDefinition>;

/** The message a rule looks at. */
export interface RuleMessage {
  text: string;
  network: Network;
  accountId: number;
  authorHandle: string;
  authorRemoteId: string;
  /**
   * The language when the network says so (null: known not to be French or English); detected
   * from the text when absent and a rule needs it.
   */
  language?: LexiconLanguage | null;
  /** The text already folded (`foldText(text)`), when the caller has it: not folded twice. */
  folded?: FoldedText;
}

/** What the caller knows around the message. */
export interface RuleContext {
  /** Earlier messages by this author on this account; null when the author is unknown. */
  authorPriorMessageCount: number | null;
  /** From `FloodTracker.observe`; null when not tracked. */
  flood: FloodCounts | null;
}

/** A highlighted part of the message, with offsets into its original text. */
export interface RuleMatch extends TermMatch {
  /** Which kind of condition found it. */
  source: 'lexicon' | 'words' | 'regex';
}

export interface MatchedRule {
  ruleId: string;
  ruleName: string;
  actions: RuleAction[];
  matches: RuleMatch[];
}

export interface RulesEvaluation {
  matchedRules: MatchedRule[];
}

export interface DryRunSample {
  /** Index in the messages passed to `dryRun`. */
  index: number;
  message: RuleMessage;
  matches: RuleMatch[];
}

export interface DryRunResult {
  /** How many of the messages the rule would catch. */
  count: number;
  /** The first ones, to show the manager what the rule does. */
  samples: DryRunSample[];
}

export interface DryRunOptions {
  /** Context per message (defaults: known author with 1000 prior messages, no flood). */
  contextFor?: (message: RuleMessage, index: number) => RuleContext;
  /** Samples kept at most. Default 10. */
  maxSamples?: number;
}

/** A rules engine bound to a set of lexicons. */
export interface RulesEngine {
  evaluate(rules: readonly RuleDefinition[], message: RuleMessage, context: RuleContext): RulesEvaluation;
  /** Runs one rule (enabled or not) over messages, ignoring stopProcessing. */
  dryRun(rule: RuleDefinition, messages: readonly RuleMessage[], options?: DryRunOptions): DryRunResult;
}

export interface RulesEngineOptions {
  /** Defaults to the shipped French and English lexicons. */
  lexicons?: readonly Lexicon[];
  /** The user's own allowed words and phrases, added to each lexicon's allow-list. */
  allow?: readonly string[];
}

const SEVERITY_RANK: Record<Severity, number> = { mild: 0, strong: 1 };

/**
 * Links: URLs with a scheme, "www." hosts, and bare domains on common top-level domains
 * ("bit.ly/x", "promo.shop").
 */
const LINK =
  /\bhttps?:\/\/[^\s<>"']+|\bwww\.[^\s<>"']+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|fr|io|ly|co|me|info|biz|xyz|ru|gg|tk|app|link|site|online|shop|club|top|be|ch|ca|uk|de|eu|tv|cc|ws)\b(?:\/[^\s<>"']*)?/giu;

/** Counts the links in `text`. */
export function countLinks(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(LINK)) n++;
  return n;
}

/** Share of capitals among cased letters, and how many cased letters there are. */
export function capitalsShare(text: string): { share: number; letters: number } {
  let upper = 0;
  let lower = 0;
  for (const ch of text) {
    if (ch === ch.toLowerCase() && ch !== ch.toUpperCase()) lower++;
    else if (ch === ch.toUpperCase() && ch !== ch.toLowerCase()) upper++;
  }
  const letters = upper + lower;
  return { share: letters === 0 ? 0 : upper / letters, letters };
}

function normalizeHandle(handle: string): string {
  return handle.trim().replace(/^@/, '').toLowerCase();
}

function authorInList(message: RuleMessage, list: readonly string[]): boolean {
  const handle = normalizeHandle(message.authorHandle);
  const remoteId = message.authorRemoteId.trim().toLowerCase();
  return list.some((entry) => {
    const e = normalizeHandle(entry);
    return e.length > 0 && (e === handle || e === remoteId);
  });
}

/** Small bounded cache (oldest entry dropped first). */
class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    if (this.map.size >= this.limit) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
    return value;
  }
}

/** Builds a rules engine: the lexicons are compiled once and shared by every evaluation. */
export function createRulesEngine(options: RulesEngineOptions = {}): RulesEngine {
  const lexicons = options.lexicons ?? DEFAULT_LEXICONS;
  const userAllow = options.allow ?? [];
  const terms = lexicons.flatMap((lexicon) => lexicon.entries.map((entry) => ({ ...entry, language: lexicon.language })));
  const allow = [...lexicons.flatMap((lexicon) => lexicon.allow), ...userAllow];
  const lexiconMatcher = compileMatcher(terms, allow).matcher;
  const wordMatchers = new BoundedCache<Matcher>(256);
  /** Compiled patterns; null for one that fails the safety check (a rule stored unvalidated). */
  const regexes = new BoundedCache<RegExp | null>(256);

  /** Lazily computed facts about one message, shared by every rule and condition. */
  class MessageFacts {
    private foldedText: FoldedText | undefined;
    private lexiconMatches: TermMatch[] | undefined;
    private languageValue: LexiconLanguage | null | undefined;
    private links: number | undefined;
    private capitals: { share: number; letters: number } | undefined;

    constructor(readonly message: RuleMessage) {}

    get folded(): FoldedText {
      return (this.foldedText ??= this.message.folded ?? foldText(this.message.text));
    }
    get language(): LexiconLanguage | null {
      if (this.languageValue === undefined) this.languageValue = this.message.language ?? detectLanguage(this.message.text);
      return this.languageValue;
    }
    /**
     * Every lexicon match, overlapping ones included. Language-only entries are matched for any
     * language first, and the language is detected only if one of them was found: detection is
     * a third of an evaluation's cost and most messages have no such word.
     */
    get allLexiconMatches(): TermMatch[] {
      if (this.lexiconMatches) return this.lexiconMatches;
      const given = this.message.language;
      const matches = lexiconMatcher.matchFolded(this.folded, { language: given === undefined ? 'any' : given, overlapping: true });
      const needsLanguage = given === undefined && matches.some((m) => m.languageOnly);
      this.lexiconMatches = needsLanguage ? matches.filter((m) => !m.languageOnly || m.language === this.language) : matches;
      return this.lexiconMatches;
    }
    get linkCount(): number {
      return (this.links ??= countLinks(this.message.text));
    }
    get capitalsStats(): { share: number; letters: number } {
      return (this.capitals ??= capitalsShare(this.message.text));
    }
  }

  /** Whether the condition holds, and what it found. */
  function check(condition: RuleCondition, facts: MessageFacts, context: RuleContext): { ok: boolean; matches: RuleMatch[] } {
    const result = checkPositive(condition, facts, context);
    if (condition.negate) return { ok: !result.ok, matches: [] };
    return result;
  }

  function checkPositive(condition: RuleCondition, facts: MessageFacts, context: RuleContext): { ok: boolean; matches: RuleMatch[] } {
    const message = facts.message;
    switch (condition.type) {
      case 'lexicon': {
        const min = SEVERITY_RANK[condition.minSeverity];
        const wanted = facts.allLexiconMatches.filter(
          (m) =>
            m.category !== 'custom' &&
            condition.categories.includes(m.category) &&
            m.language !== null &&
            condition.languages.includes(m.language) &&
            SEVERITY_RANK[m.severity] >= min,
        );
        const matches = selectNonOverlapping(wanted).map((m): RuleMatch => ({ ...m, source: 'lexicon' }));
        return { ok: matches.length > 0, matches };
      }
      case 'words': {
        const matcher = wordMatchers.get(JSON.stringify(condition.words), () =>
          compileMatcher(
            condition.words.map((term) => ({ term, category: 'custom' as const })),
            allow,
          ).matcher,
        );
        const matches = matcher.matchFolded(facts.folded).map((m): RuleMatch => ({ ...m, source: 'words' }));
        return { ok: matches.length > 0, matches };
      }
      case 'regex': {
        const regex = regexes.get(`${condition.flags}/${condition.pattern}`, () =>
          checkRegexSafety(condition.pattern, condition.flags) === null ? new RegExp(condition.pattern, `${condition.flags}g`) : null,
        );
        // RuleDefinition validation rejects unsafe patterns; one that got past it never matches
        // rather than stopping the ingest.
        if (!regex) return { ok: false, matches: [] };
        const matches = execBounded(regex, message.text).map(
          (m): RuleMatch => ({ term: m.text, category: 'custom', severity: 'strong', language: null, languageOnly: false, start: m.start, end: m.end, source: 'regex' }),
        );
        return { ok: matches.length > 0, matches };
      }
      case 'language':
        return { ok: condition.languages.includes(facts.language ?? 'unknown'), matches: [] };
      case 'network':
        return { ok: condition.networks.includes(message.network), matches: [] };
      case 'account':
        return { ok: condition.accountIds.includes(message.accountId), matches: [] };
      case 'author':
        return { ok: authorInList(message, condition.handles), matches: [] };
      case 'new-author': {
        const prior = context.authorPriorMessageCount;
        return { ok: prior === null || prior <= condition.maxPriorMessages, matches: [] };
      }
      case 'links':
        return { ok: facts.linkCount >= condition.min, matches: [] };
      case 'capitals': {
        const { share, letters } = facts.capitalsStats;
        return { ok: letters >= condition.minLetters && share >= condition.minShare, matches: [] };
      }
      case 'flood': {
        const flood = context.flood;
        if (!flood) return { ok: false, matches: [] };
        const byAuthor = condition.minRepeatsByAuthor !== undefined && flood.sameAuthor >= condition.minRepeatsByAuthor;
        const byMany = condition.minDistinctAuthors !== undefined && flood.distinctAuthors >= condition.minDistinctAuthors;
        return { ok: byAuthor || byMany, matches: [] };
      }
    }
  }

  function applyRule(rule: RuleDefinition, facts: MessageFacts, context: RuleContext): RuleMatch[] | null {
    if (rule.exemptAuthors.length > 0 && authorInList(facts.message, rule.exemptAuthors)) return null;
    const matches: RuleMatch[] = [];
    let anyTrue = false;
    for (const condition of rule.conditions) {
      const result = check(condition, facts, context);
      if (result.ok) {
        anyTrue = true;
        matches.push(...result.matches);
      } else if (rule.match === 'all') {
        return null;
      }
    }
    if (!anyTrue) return null;
    return dedupeMatches(matches);
  }

  return {
    evaluate(rules, message, context) {
      const facts = new MessageFacts(message);
      const matchedRules: MatchedRule[] = [];
      for (const rule of rules) {
        if (!rule.enabled) continue;
        const matches = applyRule(rule, facts, context);
        if (matches === null) continue;
        matchedRules.push({ ruleId: rule.id, ruleName: rule.name, actions: rule.actions, matches });
        if (rule.stopProcessing) break;
      }
      return { matchedRules };
    },
    dryRun(rule, messages, dryRunOptions = {}) {
      const maxSamples = dryRunOptions.maxSamples ?? 10;
      const contextFor = dryRunOptions.contextFor ?? (() => ({ authorPriorMessageCount: 1000, flood: null }));
      let count = 0;
      const samples: DryRunSample[] = [];
      messages.forEach((message, index) => {
        const matches = applyRule(rule, new MessageFacts(message), contextFor(message, index));
        if (matches === null) return;
        count++;
        if (samples.length < maxSamples) samples.push({ index, message, matches });
      });
      return { count, samples };
    },
  };
}

/** The same span found by two conditions is reported once (the first condition's term); in text order. */
function dedupeMatches(matches: RuleMatch[]): RuleMatch[] {
  const seen = new Set<string>();
  const out: RuleMatch[] = [];
  for (const m of matches.sort((a, b) => a.start - b.start || b.end - a.end)) {
    const key = `${m.start}:${m.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

let defaultEngine: RulesEngine | undefined;

function sharedEngine(): RulesEngine {
  return (defaultEngine ??= createRulesEngine());
}

/**
 * Evaluates `rules` in order on one message with the shipped lexicons. Disabled rules are
 * skipped; a matching rule with `stopProcessing` ends the evaluation.
 */
export function evaluateRules(rules: readonly RuleDefinition[], message: RuleMessage, context: RuleContext): RulesEvaluation {
  return sharedEngine().evaluate(rules, message, context);
}

/** How many of `messages` `rule` would catch, with samples (shipped lexicons). */
export function dryRun(rule: RuleDefinition, messages: readonly RuleMessage[], options?: DryRunOptions): DryRunResult {
  return sharedEngine().dryRun(rule, messages, options);
}

/**
 * Parses a list of rules as the user wrote them. Bad input is reported per rule with its index;
 * the valid rules are still returned.
 */
export function parseRules(input: readonly unknown[]): { rules: RuleDefinition[]; errors: { index: number; message: string }[] } {
  const rules: RuleDefinition[] = [];
  const errors: { index: number; message: string }[] = [];
  input.forEach((raw, index) => {
    const parsed = RuleDefinition.safeParse(raw);
    if (parsed.success) rules.push(parsed.data);
    else errors.push({ index, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ') });
  });
  return { rules, errors };
}

// ── Shipped rules ──────────────────────────────────────────────────────────────────────────────

export interface DefaultRulesOptions {
  /** Hide caught messages on the network at once (they are still held for review locally). */
  hideOnNetwork?: boolean;
}

/**
 * The shipped "Netiquette" rule: strong insults, hate and sexual terms in French and English are
 * held for review and tagged "netiquette". Nothing is sent to the network unless
 * `hideOnNetwork` is set; then the message is also hidden on the network at once.
 */
export function defaultRules(options: DefaultRulesOptions = {}): RuleDefinition[] {
  const actions: RuleAction[] = [{ type: 'hold' }, { type: 'tag', tag: 'netiquette' }];
  if (options.hideOnNetwork) actions.unshift({ type: 'hide-on-network' });
  return [
    {
      id: 'netiquette',
      name: SHIPPED_RULE_NAMES.netiquette,
      enabled: true,
      match: 'all',
      conditions: [{ type: 'lexicon', categories: ['insult', 'hate', 'sexual'], languages: ['fr', 'en'], minSeverity: 'strong', negate: false }],
      actions,
      stopProcessing: false,
      exemptAuthors: [],
    },
  ];
}

/** The shipped rules, network actions off. */
export const DEFAULT_RULES: readonly RuleDefinition[] = Object.freeze(defaultRules());
