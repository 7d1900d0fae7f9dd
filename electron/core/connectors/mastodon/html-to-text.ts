/**
 * Plain text from the HTML Mastodon puts in a status' `content`.
 *
 * Mastodon sanitizes statuses to a small set of tags (p, br, a, span; remote servers may add
 * blockquote, pre, code, lists, headings, b/i/em/strong/del). This turns that HTML into readable text
 * for the inbox and the search index: paragraphs become blank lines, `br` a line break, list items
 * lines, entities are decoded, and every other tag is dropped while its text is kept. Link text is kept
 * whole: Mastodon splits long URLs into "invisible" and "ellipsis" spans for display only.
 *
 * It never produces markup, so its output is safe to show as text; script and style contents are
 * dropped; malformed markup (unclosed tags, a stray `<`) degrades to text and never throws.
 */

const BLOCK_TAGS = new Set(['p', 'div', 'blockquote', 'pre', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table']);
const LINE_TAGS = new Set(['li', 'tr', 'dt', 'dd']);
const DROPPED_CONTENT_TAGS = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'svg', 'math']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  shy: '\u00ad',
  zwj: '\u200d',
  zwnj: '\u200c',
  // Accented letters some servers escape (Pleroma, WordPress-backed actors), French first.
  agrave: 'à',
  acirc: 'â',
  ccedil: 'ç',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  icirc: 'î',
  iuml: 'ï',
  ocirc: 'ô',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  oelig: 'œ',
  Agrave: 'À',
  Ccedil: 'Ç',
  Eacute: 'É',
  Egrave: 'È',
  Ecirc: 'Ê',
  OElig: 'Œ',
  auml: 'ä',
  ouml: 'ö',
  szlig: 'ß',
  ntilde: 'ñ',
  aacute: 'á',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
};

/** Decodes HTML character references; unknown or invalid ones are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      // Control characters, surrogates and out-of-range code points are not text.
      if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) return '\ufffd';
      if (code < 0x20 && code !== 0x09 && code !== 0x0a) return ' ';
      return String.fromCodePoint(code);
    }
    // Names are case-sensitive (&Eacute; is not &eacute;), but HTML also accepts &AMP;, &LT;...
    return NAMED_ENTITIES[ref] ?? (ref === ref.toUpperCase() ? NAMED_ENTITIES[ref.toLowerCase()] : undefined) ?? whole;
  });
}

/** Accumulates text with at most the requested number of line breaks between runs. */
class TextBuilder {
  private readonly parts: string[] = [];
  private pendingBreaks = 0;
  private atLineStart = true;
  private pendingSpace = false;

  /** Requests `count` line breaks (1: new line, 2: new paragraph) before the next text. */
  breakLines(count: number): void {
    if (this.parts.length === 0) return;
    this.pendingBreaks = Math.max(this.pendingBreaks, count);
    this.pendingSpace = false;
  }

  /** Adds text whose whitespace collapses like HTML's. */
  addFlowing(text: string): void {
    const words = text.split(/[ \t\n\r\f]+/);
    for (let i = 0; i < words.length; i++) {
      if (i > 0) this.pendingSpace = true;
      const word = words[i]!;
      if (word) this.write(word);
    }
  }

  /** Adds preformatted text, whitespace kept. */
  addPreformatted(text: string): void {
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    lines.forEach((line, i) => {
      if (i > 0) this.breakLines(1);
      if (line) this.write(line, true);
    });
  }

  private write(text: string, keepSpace = false): void {
    if (this.pendingBreaks > 0) {
      this.parts.push('\n'.repeat(this.pendingBreaks));
      this.pendingBreaks = 0;
      this.atLineStart = true;
      this.pendingSpace = false;
    }
    if (this.pendingSpace && !this.atLineStart && !keepSpace) this.parts.push(' ');
    this.pendingSpace = false;
    this.parts.push(text);
    this.atLineStart = false;
  }

  toString(): string {
    return this.parts.join('').trim();
  }
}

/**
 * Turns Mastodon status HTML into plain text.
 * @param maxLength input beyond this many characters is ignored (a guard against hostile payloads)
 */
export function htmlToText(html: string, maxLength = 200_000): string {
  const source = html.length > maxLength ? html.slice(0, maxLength) : html;
  const out = new TextBuilder();
  let preDepth = 0;
  let droppedTag: string | null = null;
  let i = 0;

  const addText = (raw: string) => {
    if (droppedTag || !raw) return;
    const text = decodeEntities(raw);
    if (preDepth > 0) out.addPreformatted(text);
    else out.addFlowing(text);
  };

  while (i < source.length) {
    const lt = source.indexOf('<', i);
    if (lt === -1) {
      addText(source.slice(i));
      break;
    }
    addText(source.slice(i, lt));
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      i = end === -1 ? source.length : end + 3;
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>/.exec(source.slice(lt, lt + 2_048));
    if (!tag) {
      // A '<' that opens no tag is text ("a < b").
      addText('<');
      i = lt + 1;
      continue;
    }
    i = lt + tag[0].length;
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();

    if (droppedTag) {
      if (closing && name === droppedTag) droppedTag = null;
      continue;
    }
    if (DROPPED_CONTENT_TAGS.has(name)) {
      if (!closing && !tag[0].endsWith('/>')) droppedTag = name;
      continue;
    }
    if (name === 'br') {
      out.breakLines(1);
    } else if (BLOCK_TAGS.has(name)) {
      out.breakLines(2);
      if (name === 'pre') preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
    } else if (LINE_TAGS.has(name)) {
      out.breakLines(1);
    }
  }
  return out.toString();
}
