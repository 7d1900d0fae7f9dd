/**
 * The word matcher: a lexicon and an allow-list compiled into two tries over folded text, walked
 * once per message from each word start.
 *
 * Matching rules (what a community manager can rely on):
 * - Whole words only: "con" does not match "concombre", "ass" does not match "assassin" (the
 *   Scunthorpe problem). A trailing `*` in an entry matches longer words ("encul*").
 * - Folding (see normalize.ts): case, accents, look-alike letters, digits and symbols for letters,
 *   zero-width characters, letters spelled out one by one.
 * - Soft separators inside a word ("con.nard", "f-u-c-k") are tried both as nothing and as a word
 *   boundary, so "cul-de-sac" is still three words for the allow-list.
 * - A letter repeated 3+ times matches the letter once or twice ("saaaalope", "connnnard").
 *   One letter doubled or undoubled ("sallope", "conard"), once per match, matches only entries
 *   of 6+ letters, where such a near miss is still the same word; shorter entries would catch
 *   ordinary words ("cull" for "cul", "cone" for "conne").
 * - A match inside an allowed phrase is dropped ("cul de sac", "magna cum laude").
 * - `languageOnly` entries match only when the caller says the message is in their language.
 */
import type { LexiconCategory, LexiconLanguage, Severity } from './lexicon';
import { foldText, isFoldedWordCode, type FoldedText } from './normalize';

/** A term to compile: a lexicon entry, optionally tagged with the lexicon's language. */
export interface MatcherTerm {
  term: string;
  /** `custom` for a rule's own word list. */
  category: LexiconCategory | 'custom';
  severity?: Severity;
  languageOnly?: boolean;
  language?: LexiconLanguage;
}

/** One match, with offsets into the ORIGINAL text (`text.slice(start, end)` is what to highlight). */
export interface TermMatch {
  /** The entry as written in the lexicon. */
  term: string;
  category: LexiconCategory | 'custom';
  severity: Severity;
  /** The lexicon the entry came from, when known. */
  language: LexiconLanguage | null;
  /** The entry is `languageOnly`: it counts only if the message is in `language`. */
  languageOnly: boolean;
  start: number;
  end: number;
}

export interface MatchOptions {
  /**
   * The message's language, when known: enables `languageOnly` entries of that language. `any`
   * returns language-only matches of every language (flagged `languageOnly`), for a caller that
   * detects the language only when such a match exists.
   */
  language?: LexiconLanguage | null | 'any';
  /**
   * Return every match, overlapping ones included (e.g. "fils de pute" and "pute"). By default
   * overlapping matches are resolved leftmost-longest.
   */
  overlapping?: boolean;
}

/** A term that could not be compiled, and why (the rest of the list is still used). */
export interface RejectedTerm {
  term: string;
  reason: string;
}

/** A compiled lexicon + allow-list. Immutable; safe to share. */
export interface Matcher {
  /** Folds `text` and returns its matches. */
  match(text: string, options?: MatchOptions): TermMatch[];
  /** Same, on an already folded text (fold once, match with several matchers). */
  matchFolded(text: FoldedText, options?: MatchOptions): TermMatch[];
  /** How many entries were compiled. */
  readonly size: number;
}

export interface CompiledMatcher {
  matcher: Matcher;
  rejected: RejectedTerm[];
}

/** A trie node; children by folded character code (ASCII in an array, other scripts in a map). */
interface TrieNode {
  ascii: (TrieNode | undefined)[] | null;
  other: Map<number, TrieNode> | null;
  /** Entries that end here and must end at a word boundary. */
  exact: number[] | null;
  /** Entries that end here with a trailing `*`: the rest of the word is included. */
  prefix: number[] | null;
}

interface CompiledTerm {
  term: string;
  category: LexiconCategory | 'custom';
  severity: Severity;
  language: LexiconLanguage | null;
  languageOnly: boolean;
  /** Letters in the folded term: a doubled/undoubled letter is tolerated from FUZZY_MIN_LETTERS. */
  letters: number;
}

/**
 * Near misses (one letter doubled or undoubled) are the same word from this many letters.
 * Checked against full French and English dictionaries: at 5, "cone" hit "conne", "cons" hit
 * "coons", "abed" hit "abeed", "bobs" hit "boobs".
 */
const FUZZY_MIN_LETTERS = 6;

const newNode = (): TrieNode => ({ ascii: null, other: null, exact: null, prefix: null });

function childOf(node: TrieNode, code: number): TrieNode | undefined {
  return code < 128 ? node.ascii?.[code] : node.other?.get(code);
}

const SPACE = 32;
const DOT = 46;
const MASK = 42;
const AMBIGUOUS_I = 73; // 'I': "i" or "l"
const LOWER_I = 105;
const LOWER_L = 108;
const SUBSCRIPT_ZERO = 0x2080;

/** Subscript digits (see normalize.ts): the letter codes each may stand for, by digit. */
const EDGE_DIGIT_LETTERS: readonly (readonly number[])[] = [[111], [LOWER_I, LOWER_L], [], [101], [97], [115], [], [116], [98], [103]];

/**
 * Folds a lexicon term into the trie alphabet: letters and single spaces. Returns a reason
 * string when the term cannot be matched as a word.
 */
export function foldTerm(raw: string): { folded: string; prefix: boolean } | { error: string } {
  const trimmed = raw.trim();
  const prefix = trimmed.endsWith('*');
  const body = prefix ? trimmed.slice(0, -1) : trimmed;
  if (body.includes('*')) return { error: 'only a trailing * is allowed' };
  const folded = foldText(body)
    .folded.replace(/[.|]/g, ' ')
    .replace(/I/g, 'i')
    .replace(/ +/g, ' ')
    .trim();
  let letters = 0;
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    if (code === SPACE) continue;
    if (!isFoldedWordCode(code) || code === MASK) return { error: `"${raw}" has characters that are not letters after folding` };
    letters++;
  }
  if (letters < 2) return { error: `"${raw}" needs at least two letters` };
  return { folded, prefix };
}

function insert(root: TrieNode, folded: string, index: number, prefix: boolean): void {
  let node = root;
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    let child = childOf(node, code);
    if (!child) {
      child = newNode();
      if (code < 128) (node.ascii ??= new Array<TrieNode | undefined>(128).fill(undefined))[code] = child;
      else (node.other ??= new Map()).set(code, child);
    }
    node = child;
  }
  if (prefix) (node.prefix ??= []).push(index);
  else (node.exact ??= []).push(index);
}

/**
 * Compiles terms and allowed phrases into a matcher. Invalid terms are returned in `rejected`
 * with a reason; they never stop the others from compiling.
 */
export function compileMatcher(terms: readonly MatcherTerm[], allow: readonly string[] = []): CompiledMatcher {
  const rejected: RejectedTerm[] = [];
  const compiled: CompiledTerm[] = [];
  const root = newNode();
  const seen = new Set<string>();
  for (const entry of terms) {
    const result = foldTerm(entry.term);
    if ('error' in result) {
      rejected.push({ term: entry.term, reason: result.error });
      continue;
    }
    // The same folded term twice (e.g. "enculé" and "encule") would report the match twice.
    const key = `${result.folded}|${result.prefix ? '*' : ''}|${entry.category}|${entry.language ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    compiled.push({
      term: entry.term.trim(),
      category: entry.category,
      severity: entry.severity ?? 'strong',
      language: entry.language ?? null,
      languageOnly: entry.languageOnly === true && entry.language !== undefined,
      letters: result.folded.replace(/ /g, '').length,
    });
    insert(root, result.folded, compiled.length - 1, result.prefix);
  }
  const allowRoot = newNode();
  let allowCount = 0;
  for (const phrase of allow) {
    const result = foldTerm(phrase);
    if ('error' in result) {
      rejected.push({ term: phrase, reason: result.error });
      continue;
    }
    insert(allowRoot, result.folded, allowCount++, result.prefix);
  }
  const matcher: Matcher = {
    size: compiled.length,
    match: (text, options) => matchFolded(root, allowRoot, allowCount, compiled, foldText(text), options ?? {}),
    matchFolded: (text, options) => matchFolded(root, allowRoot, allowCount, compiled, text, options ?? {}),
  };
  return { matcher, rejected };
}

/** A candidate match in folded coordinates. */
interface Span {
  entry: number;
  from: number;
  to: number;
  prefix: boolean;
}

/** Called for each trie terminal reached: entries, folded span, near miss used, prefix entry. */
type Found = (entries: readonly number[], from: number, to: number, fuzzy: boolean, prefix: boolean) => void;

/**
 * Walks a trie over one folded text. One instance per call of `matchFolded` would allocate;
 * the walk is synchronous and never re-entered, so module-level buffers are reused instead.
 */
let codes: Uint16Array = new Uint16Array(0);
let word = new Uint8Array(512);
/** Length of the run of identical characters from each index to the run's end. */
let runFrom = new Uint16Array(512);
let length = 0;
const NOTHING_FOUND: Found = () => {};
let found: Found = NOTHING_FOUND;

function prepareScan(folded: Uint16Array): void {
  const n = folded.length;
  if (word.length < n) {
    let next = word.length;
    while (next < n) next *= 2;
    word = new Uint8Array(next);
    runFrom = new Uint16Array(next);
  }
  codes = folded;
  length = n;
  for (let i = 0; i < n; i++) {
    const code = folded[i] as number;
    word[i] = code >= 97 && code <= 122 ? 1 : code === SPACE || code === DOT ? 0 : isFoldedWordCode(code) ? 1 : 0;
  }
  for (let i = n - 1; i >= 0; i--) {
    const same = i + 1 < n && codes[i + 1] === codes[i] && codes[i] !== SPACE;
    runFrom[i] = same ? Math.min(65535, (runFrom[i + 1] as number) + 1) : 1;
  }
}

function wordEnd(i: number): number {
  let j = i;
  while (j < length && word[j] === 1) j++;
  return j;
}

function walk(node: TrieNode, i: number, fuzzy: boolean, from: number): void {
  if (node.prefix) found(node.prefix, from, wordEnd(i), fuzzy, true);
  if (node.exact && (i >= length || word[i] === 0)) found(node.exact, from, i, fuzzy, false);
  if (i >= length || (!node.ascii && !node.other)) return;
  const c = codes[i] as number;
  if (c === SPACE) {
    const child = node.ascii?.[SPACE];
    if (child) walk(child, i + 1, fuzzy, from);
    return;
  }
  if (c === DOT) {
    // A soft separator: a word boundary, or nothing at all ("con.nard").
    const child = node.ascii?.[SPACE];
    if (child) walk(child, i + 1, fuzzy, from);
    if (i + 1 < length && word[i + 1] === 1) walk(node, i + 1, fuzzy, from);
    return;
  }
  if (word[i] === 0) {
    // A digit at a word's edge that may stand for letters ("p0uff14553"); never starts a word.
    const letters = c >= SUBSCRIPT_ZERO && c <= SUBSCRIPT_ZERO + 9 ? EDGE_DIGIT_LETTERS[c - SUBSCRIPT_ZERO] : undefined;
    if (letters) for (const letter of letters) walkRun(node, letter, runFrom[i] as number, i, fuzzy, from);
    return;
  }
  if (c === MASK) {
    if (node.ascii) for (let letter = 97; letter <= 122; letter++) {
      const child = node.ascii[letter];
      if (child) walk(child, i + 1, fuzzy, from);
    }
    if (node.other) for (const child of node.other.values()) walk(child, i + 1, fuzzy, from);
    return;
  }
  const run = runFrom[i] as number;
  if (c === AMBIGUOUS_I) {
    walkRun(node, LOWER_I, run, i, fuzzy, from);
    walkRun(node, LOWER_L, run, i, fuzzy, from);
  } else {
    walkRun(node, c, run, i, fuzzy, from);
  }
}

/**
 * The text has `run` copies of `letter` at `i`; the term may have 1–3 copies there.
 * Equal counts match; 3+ in the text match any fewer (elongation); 1↔2 is a near miss.
 */
function walkRun(node: TrieNode, letter: number, run: number, i: number, fuzzy: boolean, from: number): void {
  let current: TrieNode | undefined = node;
  for (let copies = 1; copies <= 3; copies++) {
    current = childOf(current, letter);
    if (!current) return;
    if (copies === run || (run >= 3 && copies < run)) walk(current, i + run, fuzzy, from);
    else if (copies <= 2 && run <= 2 && !fuzzy) walk(current, i + run, true, from);
  }
}

/** Walks `root` from every word start of the prepared text. */
function walkAll(root: TrieNode, onFound: Found): void {
  found = onFound;
  const ascii = root.ascii;
  for (let i = 0; i < length; i++) {
    if (word[i] !== 1 || (i > 0 && word[i - 1] === 1)) continue;
    const c = codes[i] as number;
    // Most words start with a letter no entry starts with: skip them without a call.
    if (c < 128 && c !== AMBIGUOUS_I && c !== MASK && !ascii?.[c]) continue;
    walk(root, i, false, i);
  }
  found = NOTHING_FOUND;
}

function matchFolded(
  root: TrieNode,
  allowRoot: TrieNode,
  allowCount: number,
  terms: readonly CompiledTerm[],
  text: FoldedText,
  options: MatchOptions,
): TermMatch[] {
  if (terms.length === 0 || text.codes.length === 0) return [];
  prepareScan(text.codes);
  const spans: Span[] = [];
  // Several walks can reach the same entry and span (a run read two ways): keep one.
  const seen = new Set<string>();
  const language = options.language ?? null;
  walkAll(root, (entries, from, to, fuzzy, prefix) => {
    for (const entry of entries) {
      const term = terms[entry] as CompiledTerm;
      if (fuzzy && term.letters < FUZZY_MIN_LETTERS) continue;
      if (term.languageOnly && language !== 'any' && term.language !== language) continue;
      const key = `${entry}:${from}:${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      spans.push({ entry, from, to, prefix });
    }
  });
  if (spans.length === 0) return [];
  let kept = spans;
  if (allowCount > 0) {
    const allowed: { from: number; to: number }[] = [];
    // An allowed phrase must be written as listed: a near miss of "niger" must not excuse "nigger".
    walkAll(allowRoot, (_entries, from, to, fuzzy) => {
      if (!fuzzy) allowed.push({ from, to });
    });
    if (allowed.length > 0) kept = withoutAllowed(spans, allowed);
  }
  const ordered = kept.sort((a, b) => compareSpans(a, b, terms));
  const chosen = options.overlapping ? ordered : leftmostLongest(ordered);
  return chosen.map((span) => toMatch(span, terms, text));
}

/**
 * Drops the spans an allowed span covers (allowed.from <= span.from and allowed.to >= span.to),
 * in one sweep: a span is covered when the furthest end among allowed spans starting at or
 * before it reaches its end.
 */
function withoutAllowed(spans: Span[], allowed: { from: number; to: number }[]): Span[] {
  spans.sort((a, b) => a.from - b.from);
  allowed.sort((a, b) => a.from - b.from);
  const kept: Span[] = [];
  let next = 0;
  let furthest = -1;
  for (const span of spans) {
    while (next < allowed.length && (allowed[next] as { from: number }).from <= span.from) {
      furthest = Math.max(furthest, (allowed[next] as { to: number }).to);
      next++;
    }
    if (furthest < span.to) kept.push(span);
  }
  return kept;
}

function compareSpans(a: Span, b: Span, terms: readonly CompiledTerm[]): number {
  if (a.from !== b.from) return a.from - b.from;
  if (a.to !== b.to) return b.to - a.to;
  if (a.prefix !== b.prefix) return a.prefix ? 1 : -1;
  const sa = (terms[a.entry] as CompiledTerm).severity === 'strong' ? 0 : 1;
  const sb = (terms[b.entry] as CompiledTerm).severity === 'strong' ? 0 : 1;
  return sa - sb || a.entry - b.entry;
}

function leftmostLongest(ordered: readonly Span[]): Span[] {
  const out: Span[] = [];
  let end = -1;
  for (const span of ordered) {
    if (span.from < end) continue;
    out.push(span);
    end = span.to;
  }
  return out;
}

function toMatch(span: Span, terms: readonly CompiledTerm[], text: FoldedText): TermMatch {
  const term = terms[span.entry] as CompiledTerm;
  // Offsets: first folded character's start, last one's end (a folded separator never ends a
  // match, so the range is tight around what the author wrote).
  const start = text.starts[span.from] ?? 0;
  const end = text.ends[span.to - 1] ?? text.original.length;
  return { term: term.term, category: term.category, severity: term.severity, language: term.language, languageOnly: term.languageOnly, start, end };
}

/**
 * Leftmost-longest selection over matches already filtered by the caller (e.g. a rule that wants
 * only some categories from an overlapping match list).
 */
export function selectNonOverlapping(matches: readonly TermMatch[]): TermMatch[] {
  const ordered = [...matches].sort((a, b) => a.start - b.start || b.end - a.end || (a.severity === 'strong' ? -1 : 1) - (b.severity === 'strong' ? -1 : 1));
  const out: TermMatch[] = [];
  let end = -1;
  for (const m of ordered) {
    if (m.start < end) continue;
    out.push(m);
    end = m.end;
  }
  return out;
}
