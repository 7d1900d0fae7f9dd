import { highlightSegments } from './highlight';
import { linkify } from './linkify';

/** A piece of text with its marks: a searched word, a passage a moderation rule caught. */
export interface MarkedSegment {
  text: string;
  search: boolean;
  flagged: boolean;
}

/** A run of message text, plain or a safe link, cut into marked segments. */
export type MarkedRun = ({ kind: 'text' } | { kind: 'link'; href: string }) & { segments: MarkedSegment[] };

/** A caught passage: UTF-16 offsets into the text, end exclusive (as `FlagMatch`). */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * Cuts untrusted text into runs (links and plain text) and segments marked as searched words
 * and/or caught passages. Ranges out of the text, reversed or empty are ignored, overlapping ones
 * merge. Returns plain data so the caller renders text nodes: the text never becomes HTML.
 */
export function markText(text: string, options: { search?: readonly string[]; flagged?: readonly TextRange[]; links?: boolean } = {}): MarkedRun[] {
  const searched = new Array<boolean>(text.length).fill(false);
  let offset = 0;
  for (const segment of highlightSegments(text, options.search ?? [])) {
    if (segment.match) searched.fill(true, offset, offset + segment.text.length);
    offset += segment.text.length;
  }
  const flagged = new Array<boolean>(text.length).fill(false);
  for (const range of options.flagged ?? []) {
    const start = Math.max(0, Math.floor(range.start));
    const end = Math.min(text.length, Math.floor(range.end));
    if (end > start) flagged.fill(true, start, end);
  }

  const runs = options.links === false ? [{ kind: 'text' as const, text }] : linkify(text);
  const marked: MarkedRun[] = [];
  let at = 0;
  for (const run of runs) {
    const segments: MarkedSegment[] = [];
    let from = at;
    const stop = at + run.text.length;
    for (let i = at + 1; i <= stop; i += 1) {
      if (i === stop || searched[i] !== searched[from] || flagged[i] !== flagged[from]) {
        segments.push({ text: text.slice(from, i), search: searched[from] === true, flagged: flagged[from] === true });
        from = i;
      }
    }
    marked.push(run.kind === 'link' ? { kind: 'link', href: run.href, segments } : { kind: 'text', segments });
    at = stop;
  }
  return marked;
}
