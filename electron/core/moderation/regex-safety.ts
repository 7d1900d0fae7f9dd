/**
 * Safety limits for the regular expressions a manager writes in a rule. JavaScript regexes
 * backtrack, and some patterns take exponential time on a crafted message ("(a+)+$" on
 * "aaaa…!"); a rule runs on every ingested message, so such a pattern could freeze the inbox.
 *
 * Static checks (`checkRegexSafety`) reject what makes backtracking exponential:
 * - a repeated group that contains a variable repetition or can match nothing ("(a+)+",
 *   "(\w+\s?)*", "(?:a*){2,}", "(a?b?)+"); "(?:[ .]?\d{2}){4}" is fine: "{2}" is exact;
 * - a repeated group whose alternatives can start with the same character ("(a|ab)*",
 *   "(\w|\d)+");
 * - back-references ("(a*)\1"), which no engine can match in bounded time;
 * - more than MAX_UNBOUNDED unbounded repetitions, or a bound above MAX_BOUND.
 * What remains is at worst polynomial; `execBounded` then caps the work by matching windows of at
 * most REGEX_WINDOW characters, so the cost per message grows linearly with its length.
 */

export const MAX_PATTERN_LENGTH = 500;
export const MAX_UNBOUNDED = 3;
export const MAX_BOUND = 1000;
/** Characters matched at once; windows overlap so a match across a boundary is still found. */
export const REGEX_WINDOW = 1000;
const WINDOW_OVERLAP = 200;
/** Matches returned at most per message. */
export const MAX_REGEX_MATCHES = 50;

const ALLOWED_FLAGS = /^[imsu]*$/;

interface GroupFrame {
  /** A variable repetition ("+", "*", "{2,5}", not "{2}") somewhere inside this group. */
  containsRepeat: boolean;
  /** First-character keys of each alternative seen so far (null: could not tell). */
  branchStarts: (string | null)[];
  /** The current alternative has no atom yet. */
  branchEmpty: boolean;
  /** The current alternative may match the empty string so far. */
  branchNullable: boolean;
  anyBranchNullable: boolean;
}

interface Quantifier {
  /** Characters the quantifier spans in the source. */
  length: number;
  /** Can match more than once. */
  repeats: boolean;
  unbounded: boolean;
  max: number;
  min: number;
}

function readQuantifier(source: string, at: number): Quantifier | null {
  const c = source[at];
  let q: Quantifier | null = null;
  if (c === '*') q = { length: 1, repeats: true, unbounded: true, max: Infinity, min: 0 };
  else if (c === '+') q = { length: 1, repeats: true, unbounded: true, max: Infinity, min: 1 };
  else if (c === '?') q = { length: 1, repeats: false, unbounded: false, max: 1, min: 0 };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at));
    if (m) {
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      q = { length: m[0].length, repeats: max > 1, unbounded: max === Infinity, max, min };
    }
  }
  // A lazy or possessive-looking suffix ("+?") belongs to the quantifier.
  if (q && source[at + q.length] === '?') q.length++;
  return q;
}

/**
 * Why a pattern is refused, as a code: it travels to the renderer, which words it in the user's
 * language (`rules.regexErrors.<code>`), never as the engine's English message.
 */
export const REGEX_PROBLEMS = ['empty', 'too-long', 'flags', 'invalid', 'bound', 'unbounded', 'nested', 'overlap', 'backreference', 'unbalanced'] as const;
export type RegexProblem = (typeof REGEX_PROBLEMS)[number];

/** The limits named in the problems' wording, by problem. */
export const REGEX_LIMITS: Partial<Record<RegexProblem, number>> = { 'too-long': MAX_PATTERN_LENGTH, bound: MAX_BOUND, unbounded: MAX_UNBOUNDED };

const ENGLISH: Record<RegexProblem, string> = {
  empty: 'The pattern is empty.',
  'too-long': `The pattern is longer than ${MAX_PATTERN_LENGTH} characters.`,
  flags: 'Only the flags i, m, s and u are allowed.',
  invalid: 'Not a valid regular expression.',
  bound: `A repetition bound above ${MAX_BOUND} is not allowed.`,
  unbounded: `At most ${MAX_UNBOUNDED} unbounded repetitions (*, +, {n,}) are allowed.`,
  nested: 'Nested repetition (a repeated group that contains a repetition) can take exponential time.',
  overlap: 'A repeated group whose alternatives can start alike ("(a|ab)*") can take exponential time.',
  backreference: 'Back-references can take exponential time.',
  unbalanced: 'Unbalanced parentheses.',
};

/** Returns why `pattern` (with `flags`) is unsafe or invalid, in English (logs, tests), or null when it may be used. */
export function checkRegexSafety(pattern: string, flags = 'iu'): string | null {
  const problem = regexProblem(pattern, flags);
  return problem === null ? null : ENGLISH[problem];
}

/** Returns why `pattern` (with `flags`) is unsafe or invalid, as a code, or null when it may be used. */
export function regexProblem(pattern: string, flags = 'iu'): RegexProblem | null {
  if (pattern.length === 0) return 'empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return 'too-long';
  if (!ALLOWED_FLAGS.test(flags)) return 'flags';
  try {
    new RegExp(pattern, flags);
  } catch {
    return 'invalid';
  }
  const stack: GroupFrame[] = [newFrame()];
  let unbounded = 0;
  let i = 0;
  const top = (): GroupFrame => stack[stack.length - 1] as GroupFrame;

  /** After an atom: apply a following quantifier, if any. Returns the index after it. */
  const afterAtom = (next: number, closed: GroupFrame | null, startKey: string | null, nullableAtom: boolean): number | RegexProblem => {
    const q = readQuantifier(pattern, next);
    const frame = top();
    if (frame.branchEmpty) {
      frame.branchStarts.push(startKey);
      frame.branchEmpty = false;
    }
    const innerRepeat = closed?.containsRepeat ?? false;
    if (q) {
      if (q.max > MAX_BOUND && !q.unbounded) return 'bound';
      if (q.unbounded && ++unbounded > MAX_UNBOUNDED) return 'unbounded';
      if (q.repeats && closed) {
        if (closed.containsRepeat || closed.anyBranchNullable) return 'nested';
        if (overlappingBranches(closed.branchStarts)) return 'overlap';
      }
      if ((q.repeats && q.max !== q.min) || innerRepeat) frame.containsRepeat = true;
      // An optional atom ("a?", "a*") keeps the branch able to match the empty string.
      if (q.min > 0 && !nullableAtom) frame.branchNullable = false;
      return next + q.length;
    }
    if (innerRepeat) frame.containsRepeat = true;
    if (!nullableAtom) frame.branchNullable = false;
    return next;
  };

  while (i < pattern.length) {
    const c = pattern[i] as string;
    let result: number | RegexProblem;
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (/[1-9]/.test(e) || (e === 'k' && pattern[i + 2] === '<')) return 'backreference';
      const length = escapeLength(pattern, i);
      const key = /[dDwWsSbB]/.test(e) ? `\\${e}` : e.toLowerCase();
      // \b and \B match no character: a group starting with them is judged by what follows.
      result = afterAtom(i + length, null, /[bB]/.test(e) ? null : key, /[bB]/.test(e));
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      result = afterAtom(end, null, `[${pattern.slice(i, end)}`, false);
    } else if (c === '(') {
      const frame = newFrame();
      stack.push(frame);
      // Skip the group prefix: (?: (?= (?! (?<= (?<! (?<name>
      const prefix = /^\((\?(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(pattern.slice(i));
      i += prefix ? prefix[0].length : 1;
      continue;
    } else if (c === ')') {
      const closed = stack.pop() as GroupFrame;
      closed.anyBranchNullable ||= closed.branchNullable;
      if (closed.branchEmpty) closed.branchStarts.push(null);
      if (stack.length === 0) return 'unbalanced';
      const groupKey = closed.branchStarts.length === 1 ? (closed.branchStarts[0] ?? null) : null;
      result = afterAtom(i + 1, closed, groupKey, closed.anyBranchNullable);
    } else if (c === '|') {
      const frame = top();
      if (frame.branchEmpty) frame.branchStarts.push(null);
      frame.anyBranchNullable ||= frame.branchNullable;
      frame.branchEmpty = true;
      frame.branchNullable = true;
      i++;
      continue;
    } else if (c === '^' || c === '$') {
      i++;
      continue;
    } else if (c === '.') {
      result = afterAtom(i + 1, null, '.', false);
    } else {
      result = afterAtom(i + 1, null, c.toLowerCase(), false);
    }
    if (typeof result === 'string') return result;
    i = result;
  }
  return null;
}

function newFrame(): GroupFrame {
  return { containsRepeat: false, branchStarts: [], branchEmpty: true, branchNullable: true, anyBranchNullable: false };
}

function escapeLength(pattern: string, at: number): number {
  const e = pattern[at + 1] ?? '';
  if (e === 'u' && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at);
    return close > 0 ? close - at + 1 : 2;
  }
  if (e === 'u') return 6;
  if (e === 'x') return 4;
  if (e === 'c') return 3;
  if ((e === 'p' || e === 'P') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at);
    return close > 0 ? close - at + 1 : 2;
  }
  return 2;
}

function classEnd(pattern: string, at: number): number {
  let j = at + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
  return j + 1;
}

/**
 * Two alternatives may overlap when they can start with the same character: an identical
 * literal, an unknown start, or a character class / escape / "." (which may cover anything).
 */
function overlappingBranches(starts: readonly (string | null)[]): boolean {
  if (starts.length < 2) return false;
  const literals = new Set<string>();
  for (const s of starts) {
    if (s === null || s.length !== 1 || s === '.') return true;
    if (literals.has(s)) return true;
    literals.add(s);
  }
  return false;
}

/** One match of a rule's regular expression, with offsets in the text. */
export interface RegexMatch {
  text: string;
  start: number;
  end: number;
}

/**
 * All matches of `regex` in `text` (at most MAX_REGEX_MATCHES), searched in overlapping windows
 * of REGEX_WINDOW characters so a slow pattern costs linear time in the message length.
 * `regex` must be compiled with the global flag.
 */
export function execBounded(regex: RegExp, text: string): RegexMatch[] {
  const out: RegexMatch[] = [];
  let covered = 0;
  for (let from = 0; from < text.length || from === 0; from += REGEX_WINDOW - WINDOW_OVERLAP) {
    const window = text.slice(from, from + REGEX_WINDOW);
    regex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(window)) !== null) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      const start = from + m.index;
      const end = start + m[0].length;
      if (start >= covered) {
        out.push({ text: m[0], start, end });
        covered = end;
        if (out.length >= MAX_REGEX_MATCHES) return out;
      }
    }
    if (from + REGEX_WINDOW >= text.length) break;
  }
  return out;
}
