import { describe, expect, it } from 'vitest';
import { FloodTracker } from './flood';
import {
  DEFAULT_RULES,
  RuleDefinition,
  capitalsShare,
  countLinks,
  createRulesEngine,
  defaultRules,
  dryRun,
  evaluateRules,
  parseRules,
  type RuleContext,
  type RuleDefinitionInput,
  type RuleMessage,
} from './rules';
import { generateSeededMessages } from './testdata/seeded-messages';

const known: RuleContext = { authorPriorMessageCount: 25, flood: null };

function message(text: string, extra: Partial<RuleMessage> = {}): RuleMessage {
  return { text, network: 'mastodon', accountId: 1, authorHandle: '@alice@example.social', authorRemoteId: '1001', ...extra };
}

/** A rule with one condition (defaults applied by the schema, as the store would). */
function rule(condition: unknown, extra: Partial<RuleDefinitionInput> = {}): RuleDefinition {
  return RuleDefinition.parse({ id: 'r', name: 'Test', conditions: [condition], actions: [{ type: 'hold' }], ...extra });
}

/** Whether `r` catches `m`. */
function catches(r: RuleDefinition, m: RuleMessage, context: RuleContext = known): boolean {
  return evaluateRules([r], m, context).matchedRules.length === 1;
}

describe('lexicon condition', () => {
  const insults = rule({ type: 'lexicon', categories: ['insult'] });

  it('matches by category and returns highlights in the original text', () => {
    const m = message('Quel c0nnard, vraiment.');
    const result = evaluateRules([insults], m, known);
    expect(result.matchedRules).toHaveLength(1);
    const [hit] = result.matchedRules[0]?.matches ?? [];
    expect(hit && m.text.slice(hit.start, hit.end)).toBe('c0nnard');
    expect(hit).toMatchObject({ term: 'connard*', category: 'insult', source: 'lexicon' });
    expect(catches(insults, message('sale bougnoule'))).toBe(false);
  });

  it('filters by language of the lexicon and by severity', () => {
    const englishOnly = rule({ type: 'lexicon', categories: ['insult'], languages: ['en'] });
    expect(catches(englishOnly, message('connard'))).toBe(false);
    expect(catches(englishOnly, message('asshole'))).toBe(true);
    const strong = rule({ type: 'lexicon', categories: ['insult'], minSeverity: 'strong' });
    expect(catches(strong, message('oh merde'))).toBe(false);
    expect(catches(insults, message('oh merde'))).toBe(true);
  });

  it('uses the given language for language-only words, or detects it', () => {
    const sexual = rule({ type: 'lexicon', categories: ['sexual'] });
    expect(catches(sexual, message('bite', { language: 'fr' }))).toBe(true);
    expect(catches(sexual, message('bite', { language: 'en' }))).toBe(false);
    expect(catches(sexual, message('The dog may bite'))).toBe(false);
    expect(catches(sexual, message('t’as une petite bite'))).toBe(true);
    // A language-only word next to one that is not: each is judged on its own.
    const both = evaluateRules([sexual], message('The dog may bite, porn'), known).matchedRules[0]?.matches.map((m) => m.term);
    expect(both).toEqual(['porn']);
  });

  it('keeps the longest match among the wanted categories only', () => {
    // "sale arabe" is hate; "arabe" alone is nothing; with insult only there is no match.
    expect(catches(rule({ type: 'lexicon', categories: ['hate'] }), message('sale arabe'))).toBe(true);
    expect(catches(insults, message('sale arabe'))).toBe(false);
  });
});

describe('words condition', () => {
  const words = rule({ type: 'words', words: ['arnaque', 'remboursez*', 'service client nul'] });

  it('matches the custom list with the same folding', () => {
    const m = message('C’est une 4RN4QUE, REMBOURSEZ-MOI');
    const result = evaluateRules([words], m, known);
    expect(result.matchedRules[0]?.matches.map((x) => [m.text.slice(x.start, x.end), x.category, x.source])).toEqual([
      ['4RN4QUE', 'custom', 'words'],
      ['REMBOURSEZ', 'custom', 'words'],
    ]);
    expect(catches(words, message('le service-client nul'))).toBe(true);
    expect(catches(words, message('arnaques'))).toBe(false);
  });

  it('rejects words that cannot be matched', () => {
    const parsed = RuleDefinition.safeParse({ id: 'w', name: 'W', conditions: [{ type: 'words', words: ['ok', 'x', '12'] }], actions: [{ type: 'hold' }] });
    expect(parsed.success).toBe(false);
    // Codes with the word, worded by the renderer in the user's language.
    expect(parsed.error?.issues.map((i) => i.message)).toEqual(['word:x', 'word:12']);
  });
});

describe('regex condition', () => {
  it('matches case-insensitively by default and highlights the match', () => {
    const phone = rule({ type: 'regex', pattern: '\\b0[67](?:[ .]?\\d{2}){4}\\b' });
    const m = message('Appelez le 06 12 34 56 78 !');
    const result = evaluateRules([phone], m, known);
    const [hit] = result.matchedRules[0]?.matches ?? [];
    expect(hit && m.text.slice(hit.start, hit.end)).toBe('06 12 34 56 78');
    expect(hit?.source).toBe('regex');
    expect(catches(rule({ type: 'regex', pattern: 'whatsapp' }), message('Contact WhatsApp'))).toBe(true);
    expect(catches(rule({ type: 'regex', pattern: 'whatsapp', flags: 'u' }), message('Contact WhatsApp'))).toBe(false);
  });

  it('never runs an unsafe pattern that skipped validation', () => {
    const unchecked = { ...rule({ type: 'regex', pattern: 'a+' }) };
    unchecked.conditions = [{ type: 'regex', pattern: '(a+)+$', flags: 'iu', negate: false }];
    expect(catches(unchecked, message(`${'a'.repeat(40)}!`))).toBe(false);
  });

  it('refuses catastrophic patterns at validation', () => {
    const parsed = RuleDefinition.safeParse({ id: 'x', name: 'X', conditions: [{ type: 'regex', pattern: '(a+)+$' }], actions: [{ type: 'hold' }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['conditions', 0, 'pattern']);
    expect(parsed.error?.issues[0]?.message).toBe('regex:nested');
    const bound = RuleDefinition.safeParse({ id: 'x', name: 'X', conditions: [{ type: 'regex', pattern: 'a{2000}' }], actions: [{ type: 'hold' }] });
    expect(bound.error?.issues[0]?.message).toBe('regex:bound:1000');
  });
});

describe('context conditions', () => {
  it('language (given, detected or unknown)', () => {
    const french = rule({ type: 'language', languages: ['fr'] });
    expect(catches(french, message('Bonjour, merci pour la réponse'))).toBe(true);
    expect(catches(french, message('Hello, thanks for the answer'))).toBe(false);
    expect(catches(french, message('whatever', { language: 'fr' }))).toBe(true);
    expect(catches(rule({ type: 'language', languages: ['unknown'] }), message('👍'))).toBe(true);
  });

  it('network and account', () => {
    expect(catches(rule({ type: 'network', networks: ['youtube', 'x'] }), message('hi', { network: 'x' }))).toBe(true);
    expect(catches(rule({ type: 'network', networks: ['youtube'] }), message('hi'))).toBe(false);
    expect(catches(rule({ type: 'account', accountIds: [2, 3] }), message('hi', { accountId: 3 }))).toBe(true);
    expect(catches(rule({ type: 'account', accountIds: [2] }), message('hi'))).toBe(false);
  });

  it('author deny-list by handle (case and "@" ignored) or remote id', () => {
    const deny = rule({ type: 'author', handles: ['ALICE@example.social', 'troll42'] });
    expect(catches(deny, message('hi'))).toBe(true);
    expect(catches(deny, message('hi', { authorHandle: 'bob', authorRemoteId: 'troll42' }))).toBe(true);
    expect(catches(deny, message('hi', { authorHandle: 'bob', authorRemoteId: '7' }))).toBe(false);
  });

  it('author allow-list: exempt authors are never caught by the rule', () => {
    const r = rule({ type: 'lexicon', categories: ['insult'] }, { exemptAuthors: ['@alice@example.social'] });
    expect(catches(r, message('connard'))).toBe(false);
    expect(catches(r, message('connard', { authorHandle: 'bob' }))).toBe(true);
  });

  it('new or unknown author', () => {
    const fresh = rule({ type: 'new-author', maxPriorMessages: 2 });
    expect(catches(fresh, message('hi'), { authorPriorMessageCount: null, flood: null })).toBe(true);
    expect(catches(fresh, message('hi'), { authorPriorMessageCount: 2, flood: null })).toBe(true);
    expect(catches(fresh, message('hi'), { authorPriorMessageCount: 3, flood: null })).toBe(false);
    expect(catches(rule({ type: 'new-author' }), message('hi'), { authorPriorMessageCount: 1, flood: null })).toBe(false);
  });

  it('number of links', () => {
    const links = rule({ type: 'links', min: 2 });
    expect(catches(links, message('Promo https://a.example/x et www.b.example, aussi bit.ly/abc'))).toBe(true);
    expect(catches(links, message('Voir https://example.com'))).toBe(false);
    expect(countLinks('https://a.example/x www.b.example bit.ly/abc promo.shop e.g. 3.5 fr')).toBe(4);
  });

  it('share of capitals, ignoring short texts', () => {
    const shouting = rule({ type: 'capitals', minShare: 0.7, minLetters: 20 });
    expect(catches(shouting, message('VOTRE SERVICE EST UNE HONTE, REMBOURSEZ MOI'))).toBe(true);
    expect(catches(shouting, message('OK MERCI'))).toBe(false);
    expect(catches(shouting, message('Votre service est lent, remboursez moi SVP'))).toBe(false);
    expect(capitalsShare('ÉCOLE école')).toEqual({ share: 0.5, letters: 10 });
  });

  it('flood counts from the tracker', () => {
    const flood = rule({ type: 'flood', minRepeatsByAuthor: 3, minDistinctAuthors: 4 });
    const tracker = new FloodTracker();
    const text = 'Gagnez un iPhone sur mon profil';
    const seen = (author: string, at: number): boolean =>
      catches(flood, message(text, { authorRemoteId: author }), { authorPriorMessageCount: 5, flood: tracker.observe(text, author, at) });
    expect(seen('a', 0)).toBe(false);
    expect(seen('a', 1)).toBe(false);
    expect(seen('a', 2)).toBe(true); // third repeat by one author
    expect(seen('b', 3)).toBe(false); // two distinct authors
    expect(seen('c', 4)).toBe(false); // three
    expect(seen('d', 5)).toBe(true); // four distinct authors
    expect(catches(flood, message(text), { authorPriorMessageCount: 5, flood: null })).toBe(false);
    expect(RuleDefinition.safeParse({ id: 'f', name: 'F', conditions: [{ type: 'flood' }], actions: [{ type: 'hold' }] }).success).toBe(false);
  });
});

describe('combining conditions and rules', () => {
  const insultFromNewcomer = RuleDefinition.parse({
    id: 'newcomer-insult',
    name: 'Insult from a newcomer',
    match: 'all',
    conditions: [
      { type: 'lexicon', categories: ['insult'] },
      { type: 'new-author', maxPriorMessages: 0 },
    ],
    actions: [{ type: 'hold' }, { type: 'assign', memberId: 2 }],
  });

  it('all: every condition must hold', () => {
    expect(catches(insultFromNewcomer, message('connard'), { authorPriorMessageCount: 0, flood: null })).toBe(true);
    expect(catches(insultFromNewcomer, message('connard'), { authorPriorMessageCount: 8, flood: null })).toBe(false);
    expect(catches(insultFromNewcomer, message('bonjour'), { authorPriorMessageCount: 0, flood: null })).toBe(false);
  });

  it('any: one condition is enough, matches come from those that hold', () => {
    const any = RuleDefinition.parse({ ...insultFromNewcomer, match: 'any' });
    const result = evaluateRules([any], message('bonjour'), { authorPriorMessageCount: 0, flood: null });
    expect(result.matchedRules).toEqual([{ ruleId: 'newcomer-insult', ruleName: 'Insult from a newcomer', actions: any.actions, matches: [] }]);
    expect(catches(any, message('bonjour'), known)).toBe(false);
  });

  it('negate inverts a condition', () => {
    const notFrench = rule({ type: 'language', languages: ['fr'], negate: true });
    expect(catches(notFrench, message('Hello there, thanks for the help'))).toBe(true);
    expect(catches(notFrench, message('Bonjour, merci pour la réponse'))).toBe(false);
  });

  it('runs rules in order, skips disabled ones, and stops after a stop-processing rule', () => {
    const tag = (id: string, extra: Partial<RuleDefinitionInput> = {}): RuleDefinition =>
      RuleDefinition.parse({ id, name: id, conditions: [{ type: 'lexicon', categories: ['insult'] }], actions: [{ type: 'tag', tag: id }], ...extra });
    const rules = [tag('first'), tag('disabled', { enabled: false }), tag('stopper', { stopProcessing: true }), tag('never')];
    const result = evaluateRules(rules, message('connard'), known);
    expect(result.matchedRules.map((r) => r.ruleId)).toEqual(['first', 'stopper']);
    // A stop-processing rule that does not match does not stop anything.
    expect(evaluateRules([tag('s', { stopProcessing: true, conditions: [{ type: 'network', networks: ['x'] }] }), tag('after')], message('connard'), known).matchedRules.map((r) => r.ruleId)).toEqual(['after']);
  });

  it('reports a span found by two conditions once', () => {
    const r = RuleDefinition.parse({
      id: 'd',
      name: 'D',
      conditions: [{ type: 'lexicon', categories: ['insult'] }, { type: 'words', words: ['connard'] }],
      actions: [{ type: 'hold' }],
    });
    const matches = evaluateRules([r], message('connard'), known).matchedRules[0]?.matches ?? [];
    expect(matches.map((m) => [m.start, m.end])).toEqual([[0, 7]]);
  });
});

describe('actions', () => {
  it('accepts every action kind and rejects bad ones', () => {
    const r = RuleDefinition.parse({
      id: 'a',
      name: 'All actions',
      conditions: [{ type: 'links', min: 1 }],
      actions: [
        { type: 'hold' },
        { type: 'hide-on-network' },
        { type: 'remove' },
        { type: 'tag', tag: 'spam' },
        { type: 'assign', memberId: 3 },
        { type: 'set-status', status: 'done' },
        { type: 'notify', message: 'Spam link' },
      ],
    });
    expect(r.actions).toHaveLength(7);
    expect(RuleDefinition.safeParse({ ...r, actions: [{ type: 'set-status', status: 'archived' }] }).success).toBe(false);
    expect(RuleDefinition.safeParse({ ...r, actions: [{ type: 'tag', tag: '  ' }] }).success).toBe(false);
    expect(RuleDefinition.safeParse({ ...r, actions: [] }).success).toBe(false);
  });
});

describe('shipped Netiquette rule', () => {
  it('holds and tags, with no network action by default', () => {
    expect(DEFAULT_RULES).toHaveLength(1);
    const [netiquette] = DEFAULT_RULES;
    expect(RuleDefinition.parse(netiquette)).toEqual(netiquette);
    expect(netiquette?.actions).toEqual([{ type: 'hold' }, { type: 'tag', tag: 'netiquette' }]);
    const result = evaluateRules(DEFAULT_RULES, message('Espèce de sale youpin'), known);
    expect(result.matchedRules.map((r) => r.ruleId)).toEqual(['netiquette']);
  });

  it('hideOnNetwork adds hiding on the network at once', () => {
    const [rule] = defaultRules({ hideOnNetwork: true });
    expect(rule?.actions).toEqual([{ type: 'hide-on-network' }, { type: 'hold' }, { type: 'tag', tag: 'netiquette' }]);
  });

  it('catches strong insults, hate and sexual terms, not mild swearing or spam', () => {
    for (const text of ['fils de pute', 'sale négro', 'send nudes', 'f u c k you']) {
      expect(evaluateRules(DEFAULT_RULES, message(text), known).matchedRules, text).toHaveLength(1);
    }
    for (const text of ['putain, super produit', 'oh shit', 'buy viagra', 'Scunthorpe assassin cocktail']) {
      expect(evaluateRules(DEFAULT_RULES, message(text), known).matchedRules, text).toHaveLength(0);
    }
  });
});

describe('dryRun', () => {
  it('counts exactly the messages labelled offensive in a seeded set of 200', () => {
    const seeded = generateSeededMessages(20251124, 200);
    const expected = seeded.filter((s) => s.offensive).length;
    // The seed gives a meaningful mix, not a degenerate set.
    expect(expected).toBeGreaterThan(30);
    expect(expected).toBeLessThan(100);
    const result = dryRun(DEFAULT_RULES[0] as RuleDefinition, seeded.map((s) => s.message), { maxSamples: 5 });
    expect(result.count).toBe(expected);
    expect(result.samples).toHaveLength(5);
    for (const sample of result.samples) {
      expect(seeded[sample.index]?.offensive).toBe(true);
      expect(sample.matches.length).toBeGreaterThan(0);
    }
    // And message by message, not only in total.
    const caught = seeded.map((s) => evaluateRules(DEFAULT_RULES, s.message, known).matchedRules.length === 1);
    expect(caught).toEqual(seeded.map((s) => s.offensive));
  });

  it('runs a disabled rule and uses the given context', () => {
    const r = rule({ type: 'new-author' }, { enabled: false });
    const messages = [message('a'), message('b'), message('c')];
    const result = dryRun(r, messages, { contextFor: (_m, i) => ({ authorPriorMessageCount: i === 1 ? null : 10, flood: null }) });
    expect(result).toEqual({ count: 1, samples: [{ index: 1, message: messages[1], matches: [] }] });
  });
});

describe('parseRules', () => {
  it('keeps valid rules and reports the others with their index', () => {
    const { rules, errors } = parseRules([
      { id: 'ok', name: 'OK', conditions: [{ type: 'links', min: 3 }], actions: [{ type: 'hold' }] },
      { id: 'bad', name: 'Bad', conditions: [{ type: 'regex', pattern: '(x+)+' }], actions: [{ type: 'hold' }] },
      { id: 'worse', name: '', conditions: [], actions: [] },
    ]);
    expect(rules.map((r) => r.id)).toEqual(['ok']);
    expect(errors.map((e) => e.index)).toEqual([1, 2]);
    expect(errors[0]?.message).toMatch(/conditions\.0\.pattern: regex:nested/);
  });
});

describe('createRulesEngine', () => {
  it('uses the user’s lexicons and allow-list', () => {
    const engine = createRulesEngine({
      lexicons: [{ language: 'fr', entries: [{ term: 'nul', category: 'insult' }], allow: [] }],
      allow: ['pas nul'],
    });
    const r = rule({ type: 'lexicon', categories: ['insult'] });
    expect(engine.evaluate([r], message('ce produit est nul'), known).matchedRules).toHaveLength(1);
    expect(engine.evaluate([r], message('ce produit est pas nul'), known).matchedRules).toHaveLength(0);
    expect(engine.evaluate([r], message('connard'), known).matchedRules).toHaveLength(0);
  });
});
