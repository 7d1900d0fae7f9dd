import DOMPurify from 'dompurify';

/**
 * Plain text from network HTML, for messages that came with HTML only. The HTML is sanitized
 * first and only its text is kept: the UI renders it as text, never as markup.
 */
export function plainTextFromHtml(html: string): string {
  const fragment = DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true });
  for (const br of fragment.querySelectorAll('br')) br.replaceWith('\n');
  for (const block of fragment.querySelectorAll('p, div, li, blockquote, h1, h2, h3, h4, h5, h6')) block.append('\n');
  return (fragment.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}
