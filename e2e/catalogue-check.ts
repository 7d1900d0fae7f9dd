/**
 * The catalogue check: whether a text shown in the UI is a message of the page's language (its
 * placeholders standing for any text, known data standing for itself), and the texts a page shows
 * outside what is data (`.untrusted`, key caps, times). Used by the catalogue walk and by specs
 * that check one screen (a failing account's card).
 */
import type { Page } from '@playwright/test';

export type Tree = { [key: string]: string | Tree };

function messages(tree: Tree): string[] {
  return Object.values(tree).flatMap((value) => (typeof value === 'string' ? value.split(' | ') : messages(value)));
}

/** A message as a pattern: its placeholders match any text, its literals (`{'@'}`) themselves. */
function pattern(message: string): string {
  const parts = message.split(/(\{'[^']*'\}|\{\w+\})/);
  return parts
    .map((part) => {
      if (/^\{'[^']*'\}$/.test(part)) return part.slice(2, -2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (/^\{\w+\}$/.test(part)) return '.+?';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('')
    .replace(/\s+/g, '\\s+');
}

export function checker(catalogue: Tree, data: string[]): (text: string) => boolean {
  const sorted = [...new Set(messages(catalogue))].filter((m) => /\p{L}/u.test(m)).sort((a, b) => b.length - a.length);
  const whole = sorted.map((m) => new RegExp(`^${pattern(m)}$`, 'su'));
  const known = [...new Set(data)].sort((a, b) => b.length - a.length);
  const ok = (text: string): boolean => {
    let rest = text.replace(/\s+/g, ' ').trim();
    if (!/\p{L}/u.test(rest)) return true;
    if (whole.some((re) => re.test(rest))) return true;
    // Data in the text (a name, an account's label) stands for itself.
    // (Replaced by a character that is no letter, which a placeholder of a message accepts.)
    for (const value of known) {
      if (rest.includes(value)) rest = rest.replace(new RegExp(`(?<![\\p{L}\\p{N}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'), '\uE000');
    }
    // A key hint after a label ("Reporter (s)"), and an ellipsis or a separator at the end.
    rest = rest.replace(/\s*\((?:[^()\s]{1,8}|Esc)\)$/u, '').replace(/[\s·,:;…]+$/u, '').replace(/^[\s·,:;]+/u, '').trim();
    if (!/\p{L}/u.test(rest)) return true;
    if (whole.some((re) => re.test(rest))) return true;
    // Several messages in one text node, joined by separators.
    const pieces = rest.split(/\s*[·,—]\s+|\s+[·—|/]\s*/u).filter((p) => p.trim() !== '');
    return pieces.length > 1 && pieces.every(ok);
  };
  return ok;
}

/** The texts a person can read or hear, outside what is data. */
export async function visibleTexts(page: Page, root = 'body'): Promise<string[]> {
  // A string: the e2e project has no DOM types; this runs in the page.
  return page.evaluate(`(() => {
    const skip = '.untrusted, kbd, time, code, script, style, [data-i18n-skip], .glyph, [aria-hidden="true"]';
    const out = [];
    const top = document.querySelector(${JSON.stringify(root)});
    if (!top) return [];
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip)) continue;
      const text = (node.textContent ?? '').trim();
      if (text !== '') out.push(text);
    }
    for (const element of top.querySelectorAll('[aria-label], [title], [placeholder]')) {
      // A time's title is its exact date, written by Intl in the page's language.
      if (element.closest('.untrusted, [data-i18n-skip], time')) continue;
      for (const attribute of ['aria-label', 'title', 'placeholder']) {
        const value = element.getAttribute(attribute);
        if (value) out.push(value);
      }
    }
    return out;
  })()`) as Promise<string[]>;
}

