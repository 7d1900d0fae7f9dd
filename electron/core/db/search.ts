/**
 * Turns what a user types in the search box into a safe FTS5 expression.
 * Supported: plain words (all must match), a trailing * for a prefix, "quoted phrases",
 * and `from:name` to match the author's name or handle. Everything else is quoted, so no
 * user input can inject FTS5 syntax.
 */
export interface ParsedQuery {
  /** The FTS5 MATCH expression, or null when nothing searchable was typed. */
  match: string | null;
  /** Words to highlight in results. */
  highlight: string[];
}

// A "word" for the tokenizer: letters and digits in any script.
const WORD = /[\p{L}\p{N}]+/gu;

function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

export function parseSearchQuery(input: string): ParsedQuery {
  const parts: string[] = [];
  const highlight: string[] = [];
  const re = /(from:)?(?:"([^"]*)"?|(\S+))/giu;
  for (const m of input.matchAll(re)) {
    const isFrom = Boolean(m[1]);
    const phrase = m[2];
    const bare = m[3];
    if (phrase !== undefined) {
      const ws = words(phrase);
      if (ws.length === 0) continue;
      const expr = quote(ws.join(' '));
      parts.push(isFrom ? `author : ${expr}` : expr);
      if (!isFrom) highlight.push(ws.join(' '));
      continue;
    }
    if (bare === undefined) continue;
    const prefix = bare.endsWith('*');
    const ws = words(bare);
    if (ws.length === 0) continue;
    // "l'avion" or "e-mail" are several tokens: match them as a phrase.
    const body = ws.length === 1 ? quote(ws[0]!) : quote(ws.join(' '));
    const expr = prefix ? `${body}*` : body;
    if (isFrom) {
      parts.push(`author : ${expr}${prefix ? '' : '*'}`);
    } else {
      parts.push(expr);
      highlight.push(ws.join(' '));
    }
  }
  return { match: parts.length ? parts.join(' AND ') : null, highlight: highlight.map((h) => h.toLowerCase()) };
}
