/** A run of message text: plain, or a web link safe to open. */
export type TextRun = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING_PUNCTUATION = /[.,;:!?'"»)\]}]+$/u;

/** Drops the sentence punctuation that follows a link, keeping a closing parenthesis the URL opened. */
function trimLink(candidate: string): string {
  let link = candidate;
  for (;;) {
    const trailing = TRAILING_PUNCTUATION.exec(link);
    if (!trailing) return link;
    const last = link[link.length - 1];
    if (last === ')' && (link.match(/\(/g)?.length ?? 0) >= (link.match(/\)/g)?.length ?? 0)) return link;
    link = link.slice(0, -1);
  }
}

/** True for absolute http(s) URLs: the only links the UI ever makes clickable. */
export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Splits untrusted text into plain runs and http(s) links (anything else stays plain text). */
export function linkify(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let last = 0;
  for (const found of text.matchAll(URL_PATTERN)) {
    const start = found.index;
    const link = trimLink(found[0]);
    if (!isWebUrl(link)) continue;
    if (start > last) runs.push({ kind: 'text', text: text.slice(last, start) });
    runs.push({ kind: 'link', text: link, href: link });
    last = start + link.length;
  }
  if (last < text.length) runs.push({ kind: 'text', text: text.slice(last) });
  return runs;
}
