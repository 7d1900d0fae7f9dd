/**
 * The text of a comment or post that a forum or blog engine renders as HTML (WordPress's
 * `content.rendered`, Discourse's `cooked`): paragraphs and line breaks kept, link addresses and
 * images left out (the HTML itself is kept for the renderer's sanitizer). Parsed by html-to-text,
 * never by hand.
 */
import { compile } from 'html-to-text';

const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
});

export function htmlToText(html: string): string {
  return toText(html)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
