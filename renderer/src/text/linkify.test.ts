import { describe, expect, it } from 'vitest';
import { isWebUrl, linkify } from './linkify';

describe('linkify', () => {
  it('finds http(s) links and leaves sentence punctuation outside', () => {
    expect(linkify('Voir https://ex.com/a?b=1. Et (http://ex.org/x_(y)) !')).toEqual([
      { kind: 'text', text: 'Voir ' },
      { kind: 'link', text: 'https://ex.com/a?b=1', href: 'https://ex.com/a?b=1' },
      { kind: 'text', text: '. Et (' },
      { kind: 'link', text: 'http://ex.org/x_(y)', href: 'http://ex.org/x_(y)' },
      { kind: 'text', text: ') !' },
    ]);
  });

  it('never makes other schemes clickable', () => {
    expect(linkify('javascript:alert(1) data:text/html,x file:///etc/passwd')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,x file:///etc/passwd' },
    ]);
    expect(isWebUrl('javascript:alert(1)')).toBe(false);
    expect(isWebUrl('https://ok.example')).toBe(true);
  });

  it('returns nothing for empty text', () => {
    expect(linkify('')).toEqual([]);
  });
});
