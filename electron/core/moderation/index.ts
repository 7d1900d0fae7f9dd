/**
 * The moderation engine: pure functions over plain data (no database, no network).
 * The store's ingest calls `evaluateRules` (or an engine from `createRulesEngine` built on the
 * user's lexicons) for each new message, with counts from a `FloodTracker`, and applies the
 * actions; the rule editor validates with `RuleDefinition` and previews with `dryRun`.
 */
export { foldText, foldForComparison, originalRange, type FoldedText } from './normalize';
export { compileMatcher, foldTerm, selectNonOverlapping, type Matcher, type MatcherTerm, type MatchOptions, type TermMatch, type RejectedTerm } from './matcher';
export { DEFAULT_LEXICONS, Lexicon, LexiconEntry, LexiconCategory, LexiconLanguage, Severity } from './lexicon';
export { detectLanguage, languageScores } from './language';
export { FloodTracker, type FloodCounts, type FloodTrackerOptions } from './flood';
export { checkRegexSafety } from './regex-safety';
export {
  RuleDefinition,
  RuleCondition,
  RuleAction,
  DEFAULT_RULES,
  defaultRules,
  evaluateRules,
  dryRun,
  parseRules,
  createRulesEngine,
  type RuleDefinitionInput,
  type RuleMessage,
  type RuleContext,
  type RuleMatch,
  type MatchedRule,
  type RulesEvaluation,
  type DryRunResult,
  type RulesEngine,
} from './rules';
export { createMediaScreeningHook, type MediaScreener, type MediaScreenResult, type MediaToScreen, type MediaVerdict, type ScreenMediaHook } from './media';
