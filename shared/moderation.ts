/**
 * Moderation data shared by the core and the renderer: lexicon entries and netiquette rules, as
 * zod schemas (plain data the user edits). The core adds the checks that need its matcher (a word
 * that cannot be matched, an unsafe regular expression) in electron/core/moderation.
 */
import { z } from 'zod';
import { ConversationStatus, Id, Network } from './model';

export const LEXICON_CATEGORIES = ['insult', 'hate', 'sexual', 'spam'] as const;
/** What kind of offence a term is. */
export const LexiconCategory = z.enum(LEXICON_CATEGORIES);
export type LexiconCategory = z.infer<typeof LexiconCategory>;

export const SEVERITIES = ['mild', 'strong'] as const;
/**
 * `strong`: an insult, slur or explicit term a community manager acts on at once.
 * `mild`: swearing not aimed at anyone ("merde", "shit"), or a word with common innocent uses
 * ("chatte" is also a cat): worth a look, not an automatic action.
 */
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const LEXICON_LANGUAGES = ['fr', 'en'] as const;
export const LexiconLanguage = z.enum(LEXICON_LANGUAGES);
export type LexiconLanguage = z.infer<typeof LexiconLanguage>;

/**
 * A word or phrase to find. Written naturally ("fils de pute", "enculé"); matching folds it the
 * same way as the message. A trailing `*` also matches longer words ("encul*": enculé, enculer).
 */
export const LexiconEntry = z.object({
  term: z
    .string()
    .trim()
    .min(2)
    .max(80)
    .refine((t) => !t.slice(0, -1).includes('*'), { message: 'Only a trailing * is allowed (a prefix match).' }),
  category: LexiconCategory,
  /** Defaults to `strong`. */
  severity: Severity.optional(),
  /**
   * The spelling is an ordinary word in the other language ("bite" in English, "retard" in
   * French): match only when the message is known to be in this lexicon's language.
   */
  languageOnly: z.boolean().optional(),
});
export type LexiconEntry = z.infer<typeof LexiconEntry>;

/** One language's lexicon: its entries and the phrases that excuse a match (the allow-list). */
export const Lexicon = z.object({
  language: LexiconLanguage,
  entries: z.array(LexiconEntry),
  /**
   * Words or phrases in which a match is not an offence: a match inside an allowed phrase is
   * dropped ("cul-de-sac", "magna cum laude", "raton laveur").
   */
  allow: z.array(z.string().trim().min(2).max(120)),
});
export type Lexicon = z.infer<typeof Lexicon>;

// ── Rules ──

const negate = z.boolean().default(false);

/** The message contains lexicon terms of these categories, from these languages' lexicons. */
export const LexiconCondition = z.object({
  type: z.literal('lexicon'),
  categories: z.array(LexiconCategory).min(1),
  languages: z.array(LexiconLanguage).min(1).default(['fr', 'en']),
  /** `strong` ignores mild entries (swearing, words with innocent senses). */
  minSeverity: Severity.default('mild'),
  negate,
});

/** The message contains one of the rule's own words or phrases (folded like the lexicon). */
export const WordsCondition = z.object({
  type: z.literal('words'),
  words: z.array(z.string().trim().min(1).max(80)).min(1).max(2000),
  negate,
});

/** A regular expression matches the message text. See regex-safety.ts for the limits. */
export const RegexCondition = z.object({
  type: z.literal('regex'),
  pattern: z.string().min(1).max(500),
  /** Defaults to case-insensitive Unicode matching. */
  flags: z.string().regex(/^[imsu]*$/, 'flags: only i, m, s, u').default('iu'),
  negate,
});

/** The message's language (given by the network, or detected); `unknown` when neither says. */
export const LanguageCondition = z.object({
  type: z.literal('language'),
  languages: z.array(z.enum(['fr', 'en', 'unknown'])).min(1),
  negate,
});

export const NetworkCondition = z.object({
  type: z.literal('network'),
  networks: z.array(Network).min(1),
  negate,
});

export const AccountCondition = z.object({
  type: z.literal('account'),
  accountIds: z.array(Id).min(1),
  negate,
});

/** The author is in this list (handles, with or without "@", or remote ids): a deny-list. */
export const AuthorCondition = z.object({
  type: z.literal('author'),
  handles: z.array(z.string().trim().min(1)).min(1),
  negate,
});

/** The author is unknown, or has at most `maxPriorMessages` earlier messages. */
export const NewAuthorCondition = z.object({
  type: z.literal('new-author'),
  maxPriorMessages: z.number().int().min(0).default(0),
  negate,
});

/** The text has at least `min` links. */
export const LinksCondition = z.object({
  type: z.literal('links'),
  min: z.number().int().min(1),
  negate,
});

/** At least `minShare` of the cased letters are capitals; texts with fewer letters never match. */
export const CapitalsCondition = z.object({
  type: z.literal('capitals'),
  minShare: z.number().min(0.1).max(1).default(0.7),
  minLetters: z.number().int().min(1).default(20),
  negate,
});

/**
 * The same text was repeated by the author, or sent by many distinct authors, within the flood
 * tracker's window (the caller passes the counts). Either threshold may be set; one is enough.
 */
export const FloodCondition = z
  .object({
    type: z.literal('flood'),
    minRepeatsByAuthor: z.number().int().min(2).optional(),
    minDistinctAuthors: z.number().int().min(2).optional(),
    negate,
  })
  .refine((c) => c.minRepeatsByAuthor !== undefined || c.minDistinctAuthors !== undefined, {
    message: 'Set minRepeatsByAuthor, minDistinctAuthors, or both.',
  });

export const RuleCondition = z.discriminatedUnion('type', [
  LexiconCondition,
  WordsCondition,
  RegexCondition,
  LanguageCondition,
  NetworkCondition,
  AccountCondition,
  AuthorCondition,
  NewAuthorCondition,
  LinksCondition,
  CapitalsCondition,
  FloodCondition,
]);
export type RuleCondition = z.infer<typeof RuleCondition>;

// ── Actions ────────────────────────────────────────────────────────────────────────────────────

/**
 * What to do with a message a rule caught. `hold` keeps it out of the open inbox for review;
 * `hide-on-network` and `remove` go to the network through the outbox (where the network
 * supports them); the others are local.
 */
export const RuleAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hold') }),
  z.object({ type: z.literal('hide-on-network') }),
  z.object({ type: z.literal('remove') }),
  z.object({ type: z.literal('tag'), tag: z.string().trim().min(1).max(60) }),
  z.object({ type: z.literal('assign'), memberId: Id }),
  z.object({ type: z.literal('set-status'), status: ConversationStatus }),
  z.object({ type: z.literal('notify'), message: z.string().max(200).optional() }),
]);
export type RuleAction = z.infer<typeof RuleAction>;

// ── Shipped rule names ──────────────────────────────────────────────────────────────────────────

/**
 * The rules Parvis ships, by rule id, with the name the core stores for them. The renderer words
 * these from its catalogues (`rules.shippedNames.<id>`), so French reads "Nétiquette"; a name the
 * user typed is theirs and is shown as it is.
 */
export const SHIPPED_RULE_NAMES = { netiquette: 'Netiquette', media: 'Image screening' } as const;
export type ShippedRuleId = keyof typeof SHIPPED_RULE_NAMES;

/**
 * Which shipped rule a name stands for: the rule's id when the rule is a shipped one still under
 * its shipped name, else null. Without an id (an audit entry's "rule: <name>"), the name alone.
 */
export function shippedRuleName(ruleId: string | null, name: string): ShippedRuleId | null {
  const ids = Object.keys(SHIPPED_RULE_NAMES) as ShippedRuleId[];
  if (ruleId !== null) return ids.includes(ruleId as ShippedRuleId) && SHIPPED_RULE_NAMES[ruleId as ShippedRuleId] === name ? (ruleId as ShippedRuleId) : null;
  return ids.find((id) => SHIPPED_RULE_NAMES[id] === name) ?? null;
}

// ── Rules ──────────────────────────────────────────────────────────────────────────────────────

/** One rule. Rules run in list order. */
export const RuleDefinitionBase = z.object({
  id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  /** `all`: every condition must hold; `any`: one is enough. */
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(RuleCondition).min(1).max(50),
  actions: z.array(RuleAction).min(1).max(20),
  /** When this rule matches, later rules are not evaluated. */
  stopProcessing: z.boolean().default(false),
  /** Trusted authors (handles or remote ids) this rule never applies to: an allow-list. */
  exemptAuthors: z.array(z.string().trim().min(1)).default([]),
});
export type RuleDefinition = z.infer<typeof RuleDefinitionBase>;
/** A rule as the user may write it (defaults not yet applied). */
export type RuleDefinitionInput = z.input<typeof RuleDefinitionBase>;

