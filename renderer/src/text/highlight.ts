/** A run of text, marked when it matches a searched word. */
export interface HighlightSegment {
  text: string;
  match: boolean;
}

/** Lower-cases and strips accents, as the full-text index does, so "ete" finds "Été". */
function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The searchable form of a query word: no prefix star, no quotes, folded. */
function searchableWord(word: string): string {
  return fold(word.replace(/[*"]/g, '').trim());
}

/**
 * Splits `text` into plain and matching runs for the search's `highlight` words. A word matches
 * at the start of a word of the text (the index matches token prefixes), ignoring case and accents.
 * Returns plain data so the caller renders text nodes: the text is untrusted and never becomes HTML.
 */
export function highlightSegments(text: string, words: readonly string[]): HighlightSegment[] {
  const needles = [...new Set(words.map(searchableWord).filter((w) => w.length > 0))];
  if (text.length === 0 || needles.length === 0) return text.length === 0 ? [] : [{ text, match: false }];

  // The folded text, and for each of its UTF-16 units the range of the original it came from.
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const char of text) {
    const piece = fold(char);
    for (let i = 0; i < piece.length; i += 1) {
      starts.push(offset);
      ends.push(offset + char.length);
    }
    folded += piece;
    offset += char.length;
  }

  const marked = new Array<boolean>(text.length).fill(false);
  for (const needle of needles) {
    let from = folded.indexOf(needle);
    while (from !== -1) {
      const before = from > 0 ? folded[from - 1] : undefined;
      if (before === undefined || !WORD_CHAR.test(before)) {
        const start = starts[from] as number;
        const end = ends[from + needle.length - 1] as number;
        marked.fill(true, start, end);
      }
      from = folded.indexOf(needle, from + 1);
    }
  }

  const segments: HighlightSegment[] = [];
  let runStart = 0;
  for (let i = 1; i <= text.length; i += 1) {
    if (i === text.length || marked[i] !== marked[runStart]) {
      segments.push({ text: text.slice(runStart, i), match: marked[runStart] === true });
      runStart = i;
    }
  }
  return segments;
}
