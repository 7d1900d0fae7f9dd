/**
 * Text folding for word matching.
 *
 * People who want an insult to get past a filter write "c0nnard", "C.O.N.N.A.R.D", "s h i t",
 * "cоnnard" with a Cyrillic "о", or slip a zero-width joiner between two letters. `foldText`
 * turns all of these into the same plain lower-case letters, and keeps for every folded character
 * the range of the original text it came from, so a match can be highlighted where the author
 * actually wrote it.
 *
 * What the folded string contains (and what the matcher relies on):
 * - `a`–`z` and letters of other scripts (lower-case, diacritics removed);
 * - `I`: an ambiguous "i or l" (from `1` or `|` inside a word);
 * - `*`: a masked letter inside a word ("f*ck");
 * - `.`: a soft separator between two word characters (`.`, `-`, `_`, `/` …) that may be an
 *   evasion ("con.nard") or a real word boundary ("cul-de-sac"): the matcher tries both;
 * - ` `: a hard separator (whitespace, other punctuation, emoji), runs collapsed to one;
 * - `|`: a clause break (a newline, or punctuation such as `.` `,` `!` `?` followed by a space):
 *   a word boundary that a phrase does not cross ("C'est sale. Noir…" is not "sale noir");
 * - digits that are not letter substitutes ("2024", "a55"); they separate words;
 * - subscript digits `₀`–`₉`: a run of 2+ digits at the edge of a word that has letters
 *   ("connard93", "p0uff14553"): a word boundary, or the letters they may stand for (the matcher
 *   tries both).
 *
 * Repeated letters are kept as written: the matcher decides what a run means ("saaaalope" is an
 * elongation, "sallope" a doubled letter), and keeping them keeps the offsets exact.
 */

// Unit kinds, as small integers for speed (the folding runs on every ingested message).
const DROP = 0;
const LETTER = 1;
const DIGIT = 2;
/** `$`, `€`, `@`: a letter substitute wherever it stands in a word that has a real letter. */
const SYMBOL = 3;
/** `!`, `|`, `¡`: a letter substitute only between two word characters ("sh!t", not "connard!"). */
const SYMBOL_INSIDE = 4;
const MASK = 5;
const SOFT = 6;
const SPACE = 7;
const NEWLINE = 8;
const APOSTROPHE = 9;
const HARD = 10;

type UnitKind = number;

/** One folded UTF-16 code unit and its kind (a letter outside the BMP is two units). */
interface FoldUnit {
  kind: UnitKind;
  code: number;
}

const SPACE_CODE = 32;
const DOT_CODE = 46;
const BAR_CODE = 124;
const AT_CODE = 64;
const SUBSCRIPT_ZERO = 0x2080;

/** Digit and symbol substitutes for letters. `I` is the ambiguous "i or l". */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'I',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  $: 's',
  '@': 'a',
  '€': 'e',
  '§': 's',
  '!': 'i',
  '¡': 'i',
  '|': 'I',
};

/**
 * Capital look-alikes, checked before lower-casing: capital Greek eta "Η" looks like "H" while
 * its lower case "η" looks like "n", so the capital must be mapped first.
 */
const CAPITAL_LOOKALIKES: Readonly<Record<string, string>> = {
  // Greek
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't',
  Υ: 'y', Χ: 'x',
  // Cyrillic
  А: 'a', В: 'b', Е: 'e', К: 'k', М: 'm', Н: 'h', О: 'o', Р: 'p', С: 'c', Т: 't', У: 'y', Х: 'x',
  Ѕ: 's', І: 'i', Ј: 'j', Ԁ: 'd', Һ: 'h', Ԛ: 'q', Ԝ: 'w', Ү: 'y', Ӏ: 'l',
};

/**
 * Lower-case look-alikes and letters that NFKD does not decompose (ø, ł, æ, ß …), after
 * lower-casing. Cyrillic and Greek only where the shape is the Latin letter's.
 */
const LOWER_LOOKALIKES: Readonly<Record<string, string>> = {
  // Latin letters without a canonical decomposition
  ø: 'o', đ: 'd', ð: 'd', ħ: 'h', ı: 'i', ł: 'l', ŀ: 'l', ŧ: 't', ß: 'ss', æ: 'ae', œ: 'oe',
  þ: 'th', ĸ: 'k', ŋ: 'n', ƒ: 'f', ɨ: 'i', ʉ: 'u', ɵ: 'o', ȷ: 'j',
  // Small capitals and IPA letters used as "fancy text"
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l',
  ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ǫ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y',
  ᴢ: 'z', ɑ: 'a', ɡ: 'g', ɩ: 'i', ɒ: 'a', ɔ: 'o', ɛ: 'e',
  // Cyrillic
  а: 'a', в: 'b', г: 'r', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c',
  т: 't', у: 'y', х: 'x', ь: 'b', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w',
  ү: 'y', ӏ: 'l',
  // Greek
  α: 'a', β: 'b', γ: 'y', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p',
  τ: 't', υ: 'u', χ: 'x', ω: 'w', ς: 's',
};

/** Punctuation that people put inside a word to break it up; also a real boundary sometimes. */
const SOFT_SEPARATORS = new Set([
  '.', '-', '_', '~', '/', '\\', '=', '^', ':', ',', ';', '+',
  '\u00b7', '\u2010', '\u2011', '\u2012', '\u2022', '\u2024', '\u2027', '\u2219', '\u30fb',
]);

/** Punctuation that ends a clause when a space follows it, by character code. */
const CLAUSE_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', '\u2026', '\u00bf', '\u00a1', '\u3002', '\uff01', '\uff1f', '\uff1b', '\uff1a', '\uff0c'].map((c) => c.charCodeAt(0)));

const APOSTROPHES = new Set(["'", '`', '\u00b4', '\u2018', '\u2019', '\u201b', '\u02bc', '\u2032']);

/**
 * Invisible characters inserted to split a word without showing it: format characters (zero-width
 * space and joiners, soft hyphen, bidi marks), marks (combining accents, variation selectors,
 * the combining grapheme joiner), and the Hangul fillers that render as nothing.
 */
const INVISIBLE = /^[\p{Cf}\p{M}\u115f\u1160\u3164\uffa0]$/u;
const IS_LETTER = /^\p{L}$/u;
const IS_DIGIT = /^\p{Nd}$/u;
const IS_SPACE = /^\s$/u;
const COMBINING_MARKS = /\p{M}/gu;

/** Kind and folded value of one character that needs no decomposition (or one after it). */
function classifyPlain(ch: string): FoldUnit[] {
  const code = ch.charCodeAt(0);
  if (ch >= 'a' && ch <= 'z') return [{ kind: LETTER, code }];
  if (ch >= 'A' && ch <= 'Z') return [{ kind: LETTER, code: code + 32 }];
  if (ch >= '0' && ch <= '9') return [{ kind: DIGIT, code }];
  if (ch === '$' || ch === '@' || ch === '€' || ch === '§') return [{ kind: SYMBOL, code }];
  if (ch === '!' || ch === '|' || ch === '¡') return [{ kind: SYMBOL_INSIDE, code }];
  if (ch === '*') return [{ kind: MASK, code }];
  if (ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029' || ch === '\u0085') return [{ kind: NEWLINE, code: SPACE_CODE }];
  if (IS_SPACE.test(ch)) return [{ kind: SPACE, code: SPACE_CODE }];
  if (SOFT_SEPARATORS.has(ch)) return [{ kind: SOFT, code: DOT_CODE }];
  if (APOSTROPHES.has(ch)) return [{ kind: APOSTROPHE, code: SPACE_CODE }];
  if (code < 32 || code === 0x7f) return [{ kind: SPACE, code: SPACE_CODE }];
  if (INVISIBLE.test(ch)) return [{ kind: DROP, code: 0 }];
  if (IS_LETTER.test(ch)) return unitsOf(ch, LETTER);
  if (IS_DIGIT.test(ch)) return unitsOf(ch, DIGIT);
  return [{ kind: HARD, code: SPACE_CODE }];
}

function unitsOf(text: string, kind: UnitKind): FoldUnit[] {
  const units: FoldUnit[] = [];
  for (let i = 0; i < text.length; i++) units.push({ kind, code: text.charCodeAt(i) });
  return units;
}

/** ASCII lookup tables, built once. */
const ASCII_KIND = new Uint8Array(128);
const ASCII_CODE = new Uint16Array(128);
for (let code = 0; code < 128; code++) {
  const [unit] = classifyPlain(String.fromCharCode(code));
  ASCII_KIND[code] = unit?.kind ?? HARD;
  ASCII_CODE[code] = unit?.code ?? SPACE_CODE;
}

/** Letter substitutes by character code (0: none). */
const LEET_CODE = new Uint16Array(256);
for (const [from, to] of Object.entries(LEET)) {
  const code = from.charCodeAt(0);
  if (code < 256) LEET_CODE[code] = to.charCodeAt(0);
}
const EURO = '€'.charCodeAt(0);

function leetOf(code: number): number {
  if (code < 256) return LEET_CODE[code] as number;
  return code === EURO ? 101 : 0;
}

/** Non-ASCII code points are folded once and remembered (a message reuses few of them). */
const foldCache = new Map<number, FoldUnit[]>();
const FOLD_CACHE_LIMIT = 20_000;

function foldCodePoint(cp: number, ch: string): FoldUnit[] {
  const cached = foldCache.get(cp);
  if (cached) return cached;
  const units = foldCodePointUncached(cp, ch);
  if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache.clear();
  foldCache.set(cp, units);
  return units;
}

function foldCodePointUncached(cp: number, ch: string): FoldUnit[] {
  // Regional indicators (🇦–🇿) and negative circled / squared letters read as Latin letters.
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return [{ kind: LETTER, code: 97 + cp - 0x1f1e6 }];
  if (cp >= 0x1f150 && cp <= 0x1f169) return [{ kind: LETTER, code: 97 + cp - 0x1f150 }];
  if (cp >= 0x1f170 && cp <= 0x1f189) return [{ kind: LETTER, code: 97 + cp - 0x1f170 }];
  const capital = CAPITAL_LOOKALIKES[ch];
  if (capital) return unitsOf(capital, LETTER);
  const direct = LOWER_LOOKALIKES[ch] ?? LOWER_LOOKALIKES[ch.toLowerCase()];
  if (direct) return unitsOf(direct, LETTER);
  if (INVISIBLE.test(ch)) return [{ kind: DROP, code: 0 }];
  const decomposed = ch.normalize('NFKD').replace(COMBINING_MARKS, '');
  if (decomposed.length === 0) return [{ kind: DROP, code: 0 }];
  const units: FoldUnit[] = [];
  for (const part of decomposed) {
    const code = part.codePointAt(0) ?? 0;
    if (code < 128) {
      units.push({ kind: ASCII_KIND[code] as number, code: ASCII_CODE[code] as number });
      continue;
    }
    const partCapital = CAPITAL_LOOKALIKES[part];
    if (partCapital) {
      units.push(...unitsOf(partCapital, LETTER));
      continue;
    }
    const lower = part.toLowerCase();
    const lookalike = LOWER_LOOKALIKES[lower];
    if (lookalike) {
      units.push(...unitsOf(lookalike, LETTER));
      continue;
    }
    for (const c of lower) {
      const lowerCode = c.codePointAt(0) ?? 0;
      if (lowerCode < 128) units.push({ kind: ASCII_KIND[lowerCode] as number, code: ASCII_CODE[lowerCode] as number });
      else units.push(...classifyPlain(c));
    }
  }
  return units;
}

/** The result of folding: the folded string and, per folded UTF-16 unit, its original range. */
export interface FoldedText {
  /** The text as given. */
  readonly original: string;
  /** The folded text (see the module comment for its alphabet). */
  readonly folded: string;
  /** The folded text as UTF-16 codes (what the matcher reads). */
  readonly codes: Uint16Array;
  /** `starts[i]`: offset in `original` where folded character `i` starts (inclusive). */
  readonly starts: Uint32Array;
  /** `ends[i]`: offset in `original` where folded character `i` ends (exclusive). */
  readonly ends: Uint32Array;
}

/** True for a folded character code that belongs to a word (letters, `I`, `*`). */
export function isFoldedWordCode(code: number): boolean {
  if (code >= 97 && code <= 122) return true;
  if (code < 128) return code === 73 || code === 42; // 'I', '*'
  if (code >= SUBSCRIPT_ZERO && code <= SUBSCRIPT_ZERO + 9) return false;
  return !IS_DIGIT.test(String.fromCharCode(code));
}

/** True for characters of the folded alphabet that belong to a word (letters, `I`, `*`). */
export function isFoldedWordChar(ch: string): boolean {
  return ch.length > 0 && isFoldedWordCode(ch.charCodeAt(0));
}

// Scratch buffers reused across calls: folding allocates only its result.
let unitKind = new Uint8Array(512);
let unitCode = new Uint16Array(512);
let unitStart = new Uint32Array(512);
let unitEnd = new Uint32Array(512);

/** Grows the scratch buffers, keeping the first `used` units. */
function ensureCapacity(size: number, used: number): void {
  if (unitKind.length >= size) return;
  let next = unitKind.length;
  while (next < size) next *= 2;
  const kind = new Uint8Array(next);
  const code = new Uint16Array(next);
  const start = new Uint32Array(next);
  const end = new Uint32Array(next);
  kind.set(unitKind.subarray(0, used));
  code.set(unitCode.subarray(0, used));
  start.set(unitStart.subarray(0, used));
  end.set(unitEnd.subarray(0, used));
  unitKind = kind;
  unitCode = code;
  unitStart = start;
  unitEnd = end;
}

const isTokenKind = (kind: number): boolean => kind >= LETTER && kind <= MASK;

/**
 * Folds `text` for matching: NFKD, diacritics removed, lower case, look-alike letters mapped to
 * Latin, digits and symbols read as letters inside words, invisible characters removed, letters
 * written one by one ("s h i t", "C.O.N") joined, separators collapsed. Pure; safe on any input.
 */
export function foldText(text: string): FoldedText {
  const count = splitIntoUnits(text);
  joinSpelledOutLetters(count);
  resolveTokens(count);
  return emit(text, count);
}

/** Phase 1: one or more units per code point, with their original ranges. */
function splitIntoUnits(text: string): number {
  const length = text.length;
  ensureCapacity(length + 8, 0);
  let n = 0;
  for (let i = 0; i < length; ) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      unitKind[n] = ASCII_KIND[code] as number;
      unitCode[n] = ASCII_CODE[code] as number;
      unitStart[n] = i;
      unitEnd[n] = i + 1;
      n++;
      i++;
      continue;
    }
    const cp = text.codePointAt(i) ?? code;
    const width = cp > 0xffff ? 2 : 1;
    const units = foldCodePoint(cp, text.slice(i, i + width));
    // Decomposition can expand a character (NFKD of "﷽" is 18 letters): grow, keeping what is there.
    ensureCapacity(n + units.length + (length - i) + 8, n);
    for (const unit of units) {
      unitKind[n] = unit.kind;
      unitCode[n] = unit.code;
      unitStart[n] = i;
      unitEnd[n] = i + width;
      n++;
    }
    i += width;
  }
  return n;
}

/** A mask, "!" / "|", or "@": punctuation when it stands at a word's edge. */
function isEdgePunctuation(index: number): boolean {
  const kind = unitKind[index];
  return kind === MASK || kind === SYMBOL_INSIDE || (kind === SYMBOL && unitCode[index] === AT_CODE);
}

function firstNonDrop(from: number, to: number): number {
  for (let k = from; k < to; k++) if (unitKind[k] !== DROP) return k;
  return from;
}

function lastNonDrop(from: number, to: number): number {
  for (let k = to - 1; k >= from; k--) if (unitKind[k] !== DROP) return k;
  return from;
}

/**
 * Phase 2: three or more one-character tokens separated by short runs of spaces or soft
 * separators are one word spelled out ("f u c k", "C.O.N.N.A.R.D"): drop the separators.
 * Apostrophes and newlines break the run so "l'a" or a list of initials on lines stay apart.
 */
function joinSpelledOutLetters(count: number): void {
  // The current run: its single tokens, from the first one's start to the last one's end.
  let runTokens = 0;
  let runFrom = 0;
  let runTo = 0;
  const flush = (): void => {
    if (runTokens >= 3) for (let k = runFrom; k < runTo; k++) if (!isTokenKind(unitKind[k] as number)) unitKind[k] = DROP;
    runTokens = 0;
  };
  let i = 0;
  while (i < count) {
    const kind = unitKind[i] as number;
    if (kind === DROP) {
      i++;
      continue;
    }
    if (isTokenKind(kind)) {
      // Measure this token (DROP units inside are transparent).
      let j = i + 1;
      while (j < count && (isTokenKind(unitKind[j] as number) || unitKind[j] === DROP)) j++;
      // Edge punctuation ("D!" at the end of "C.O.N.N.A.R.D!") is not part of the letter.
      let coreFrom = i;
      let coreTo = lastNonDrop(i, j);
      while (coreFrom < coreTo && isEdgePunctuation(coreFrom)) coreFrom = firstNonDrop(coreFrom + 1, j);
      while (coreTo > coreFrom && isEdgePunctuation(coreTo)) coreTo = lastNonDrop(i, coreTo);
      // One code point may fold into several units ("ﬁ"): a single token is one original char.
      const single = !isEdgePunctuation(coreFrom) && unitStart[coreFrom] === unitStart[coreTo];
      if (single) {
        if (runTokens === 0) runFrom = i;
        runTokens++;
        runTo = j;
      } else {
        flush();
      }
      i = j;
      continue;
    }
    // A separator run between tokens: only short runs of spaces and soft separators continue a run.
    let j = i;
    let visible = 0;
    let joinable = true;
    while (j < count && !isTokenKind(unitKind[j] as number)) {
      const k = unitKind[j] as number;
      if (k !== DROP) {
        visible++;
        if (k !== SPACE && k !== SOFT) joinable = false;
      }
      j++;
    }
    if (!joinable || visible > 3) flush();
    i = j;
  }
  flush();
}

/**
 * Phase 3: decide per token (a maximal run of letters, digits, symbols and masks) which digits
 * and symbols stand for letters. Digits count only in a word with at least two real letters
 * ("a55" stays a phone model; "c0nnard" and "p0uff14553" are folded), and not in a run of two or
 * more at either end ("connard93", "2024"). Symbols need one real letter.
 * Masks and `!`/`|` at a word's edge are punctuation ("*bold*", "connard!").
 */
function resolveTokens(count: number): void {
  let i = 0;
  while (i < count) {
    if (!isTokenKind(unitKind[i] as number)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < count && (isTokenKind(unitKind[end] as number) || unitKind[end] === DROP)) end++;
    resolveToken(i, end);
    i = end;
  }
}

function toSeparator(index: number): void {
  unitKind[index] = HARD;
  unitCode[index] = SPACE_CODE;
}

function resolveToken(from: number, to: number): void {
  // Trim edge masks, edge "!" / "|", and a leading "@" (a mention, not a letter).
  let first = from;
  let last = to - 1;
  for (;;) {
    while (first <= last && unitKind[first] === DROP) first++;
    while (last >= first && unitKind[last] === DROP) last--;
    if (first > last) return;
    if (isEdgePunctuation(first)) {
      toSeparator(first++);
      continue;
    }
    const lk = unitKind[last];
    if (lk === MASK || lk === SYMBOL_INSIDE) {
      toSeparator(last--);
      continue;
    }
    break;
  }
  let letters = 0;
  let masks = 0;
  let hasOther = false;
  for (let k = first; k <= last; k++) {
    const kind = unitKind[k];
    if (kind === LETTER) letters++;
    else if (kind === MASK) masks++;
    else if (kind !== DROP) hasOther = true;
  }
  // The common case: a plain word of letters.
  if (!hasOther && masks === 0) return;
  let leadingDigits = 0;
  for (let k = first; k <= last && (unitKind[k] === DIGIT || unitKind[k] === DROP); k++) if (unitKind[k] === DIGIT) leadingDigits++;
  let trailingDigits = 0;
  let trailingFrom = last + 1;
  for (let k = last; k >= first && (unitKind[k] === DIGIT || unitKind[k] === DROP); k--) {
    if (unitKind[k] === DIGIT) trailingDigits++;
    trailingFrom = k;
  }
  const digitsAreLetters = letters >= 2;
  let inLeadingRun = true;
  for (let k = first; k <= last; k++) {
    const kind = unitKind[k] as number;
    if (kind === DROP) continue;
    if (kind !== DIGIT) inLeadingRun = false;
    if (kind === SYMBOL || kind === SYMBOL_INSIDE) {
      const letter = leetOf(unitCode[k] as number);
      if (letters >= 1 && letter) {
        unitKind[k] = LETTER;
        unitCode[k] = letter;
      } else {
        toSeparator(k);
      }
    } else if (kind === MASK) {
      if (!(letters >= 2 && masks <= letters)) toSeparator(k);
    } else if (kind === DIGIT && digitsAreLetters) {
      const code = unitCode[k] as number;
      const letter = code < 128 ? leetOf(code) : 0;
      if (!letter) continue;
      const inEdgeRun = (inLeadingRun && leadingDigits >= 2) || (k >= trailingFrom && trailingDigits >= 2);
      if (!inEdgeRun) {
        unitKind[k] = LETTER;
        unitCode[k] = letter;
      } else {
        // "connard93" or "p0uff14553": let the matcher decide (subscript digit = maybe a letter).
        unitCode[k] = SUBSCRIPT_ZERO + code - 48;
      }
    }
  }
}

// Output buffers, reused; the result gets copies of the used part.
let outCode = new Uint16Array(512);
let outStart = new Uint32Array(512);
let outEnd = new Uint32Array(512);

/** Phase 4: write the folded string and the offsets; collapse separator runs. */
function emit(original: string, count: number): FoldedText {
  if (outCode.length < count + 1) {
    let next = outCode.length;
    while (next < count + 1) next *= 2;
    outCode = new Uint16Array(next);
    outStart = new Uint32Array(next);
    outEnd = new Uint32Array(next);
  }
  // Locals: the module-level buffers may be replaced between calls, locals let V8 keep them in registers.
  const kinds = unitKind;
  const codesIn = unitCode;
  const startsIn = unitStart;
  const endsIn = unitEnd;
  const codesOut = outCode;
  const startsOut = outStart;
  const endsOut = outEnd;
  let n = 0;
  let i = 0;
  while (i < count) {
    const kind = kinds[i] as number;
    if (kind === LETTER || kind === DIGIT || kind === MASK) {
      codesOut[n] = codesIn[i] as number;
      startsOut[n] = startsIn[i] as number;
      endsOut[n] = endsIn[i] as number;
      n++;
      i++;
      continue;
    }
    if (kind === DROP) {
      // Combining marks and invisible characters belong to the character before them, so a
      // highlight ends after "d̷", not between "d" and its stroke.
      if (n > 0 && isFoldedWordCode(codesOut[n - 1] as number)) endsOut[n - 1] = endsIn[i] as number;
      i++;
      continue;
    }
    // Separator run (DROP units inside are skipped).
    const runStart = startsIn[i] as number;
    let runEnd = endsIn[i] as number;
    let allSoft = true;
    let space = false;
    let newline = false;
    let clausePunctuation = false;
    let firstPunctuation = -1;
    let j = i;
    while (j < count) {
      const k = kinds[j] as number;
      if (k === LETTER || k === DIGIT || k === MASK) break;
      if (k !== DROP) {
        if (k === SPACE) space = true;
        else if (k === NEWLINE) newline = true;
        else if (CLAUSE_PUNCTUATION.has(original.charCodeAt(startsIn[j] as number))) {
          clausePunctuation = true;
          if (firstPunctuation < 0) firstPunctuation = startsIn[j] as number;
        }
        if (k !== SOFT) allSoft = false;
        runEnd = endsIn[j] as number;
      }
      j++;
    }
    let separator = SPACE_CODE;
    if (newline) separator = BAR_CODE;
    else if (space) {
      // "Philip K. Dick": a dot after a single letter is an initial, not the end of a clause.
      if (clausePunctuation && !(original.charCodeAt(firstPunctuation) === DOT_CODE && n > 0 && isFoldedWordCode(codesOut[n - 1] as number) && (n < 2 || !isFoldedWordCode(codesOut[n - 2] as number)))) {
        separator = BAR_CODE;
      }
    } else if (allSoft && n > 0 && isFoldedWordCode(codesOut[n - 1] as number) && j < count && (kinds[j] === LETTER || kinds[j] === MASK) && isFoldedWordCode(codesIn[j] as number)) {
      separator = DOT_CODE;
    }
    codesOut[n] = separator;
    startsOut[n] = runStart;
    endsOut[n] = runEnd;
    n++;
    i = j;
  }
  return new Folded(original, codesOut.slice(0, n), startsOut.slice(0, n), endsOut.slice(0, n));
}

/** A FoldedText whose string is built only when asked for (the matcher reads the codes). */
class Folded implements FoldedText {
  private text: string | undefined;
  constructor(
    readonly original: string,
    readonly codes: Uint16Array,
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
  ) {}

  get folded(): string {
    return (this.text ??= codesToString(this.codes));
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf16 = LITTLE_ENDIAN ? new TextDecoder('utf-16le') : null;

function codesToString(codes: Uint16Array): string {
  // The folded codes are whole characters (a surrogate pair is always emitted whole).
  if (utf16) return utf16.decode(codes);
  let out = '';
  for (let from = 0; from < codes.length; from += 8192) {
    out += String.fromCharCode.apply(null, codes.subarray(from, Math.min(codes.length, from + 8192)) as unknown as number[]);
  }
  return out;
}

/**
 * A compact comparison key for "the same text": folded, separators as single spaces, runs of a
 * repeated character cut to one, trimmed. "SPAM!!! spam" and "spaaam spam" give the same key.
 */
export function foldForComparison(text: string | FoldedText): string {
  // A text already folded for the rules is not folded again (ingest folds each message once).
  const { codes } = typeof text === 'string' ? foldText(text) : text;
  let out = '';
  let previous = -1;
  for (let i = 0; i < codes.length; i++) {
    let code = codes[i] as number;
    if (code === DOT_CODE || code === BAR_CODE) code = SPACE_CODE;
    else if (code === 73) code = 105; // 'I' → 'i'
    else if (code >= SUBSCRIPT_ZERO && code <= SUBSCRIPT_ZERO + 9) code = code - SUBSCRIPT_ZERO + 48;
    if (code === previous) continue;
    out += String.fromCharCode(code);
    previous = code;
  }
  return out.trim();
}

/** The original text range covered by folded characters `[from, to)`. */
export function originalRange(text: FoldedText, from: number, to: number): { start: number; end: number } {
  const start = text.starts[from] ?? text.original.length;
  const end = to > from ? (text.ends[to - 1] ?? text.original.length) : start;
  return { start, end };
}
