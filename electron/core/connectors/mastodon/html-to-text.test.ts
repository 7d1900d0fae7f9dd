import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from './html-to-text';

describe('htmlToText', () => {
  it('turns paragraphs into blank lines and br into line breaks', () => {
    expect(htmlToText('<p>Hello world<br />line two</p><p>para two</p>')).toBe('Hello world\nline two\n\npara two');
  });

  it('keeps a mention as Mastodon shows it', () => {
    const html =
      '<p><span class="h-card" translate="no"><a href="https://mastodon.social/@parvis" class="u-url mention">@<span>parvis</span></a></span> can you help?</p>';
    expect(htmlToText(html)).toBe('@parvis can you help?');
  });

  it('keeps the whole URL of a shortened link (invisible and ellipsis spans)', () => {
    const html =
      '<p>see <a href="https://www.theguardian.com/money/2019/dec/07/x" rel="nofollow noopener" target="_blank">' +
      '<span class="invisible">https://www.</span><span class="ellipsis">theguardian.com/money/2019/dec</span>' +
      '<span class="invisible">/07/x</span></a> now</p>';
    expect(htmlToText(html)).toBe('see https://www.theguardian.com/money/2019/dec/07/x now');
  });

  it('decodes entities, named and numeric, and keeps escaped markup as text', () => {
    expect(htmlToText('<p>&quot;Tom &amp; Jerry&quot; &lt;b&gt;x&lt;/b&gt; &#39;q&#39; &#x1F600; &eacute;t&eacute; &Eacute;cole &AMP; &bogus;</p>')).toBe(
      '"Tom & Jerry" <b>x</b> \'q\' 😀 été École & &bogus;',
    );
  });

  it('collapses source whitespace but keeps preformatted text', () => {
    expect(htmlToText('<p>a\n   b\t c</p>')).toBe('a b c');
    expect(htmlToText('<pre>line 1\n  indented</pre><p>after</p>')).toBe('line 1\n  indented\n\nafter');
  });

  it('puts list items and quotes on their own lines', () => {
    expect(htmlToText('<p>Steps:</p><ol><li>one</li><li>two</li></ol><blockquote><p>quoted</p></blockquote>')).toBe(
      'Steps:\n\none\ntwo\n\nquoted',
    );
  });

  it('drops script and style contents and comments', () => {
    expect(htmlToText('<p>safe<script>alert(1)</script> text<style>p{}</style><!-- hidden --></p>')).toBe('safe text');
  });

  it('survives malformed markup', () => {
    expect(htmlToText('<p>a < b and <unclosed')).toBe('a < b and <unclosed');
    expect(htmlToText('<p>open <b>bold')).toBe('open bold');
    expect(htmlToText('')).toBe('');
    expect(htmlToText('plain')).toBe('plain');
  });

  it('ignores input beyond the length guard', () => {
    expect(htmlToText(`<p>${'a'.repeat(50)}</p>`, 10)).toBe('aaaaaaa');
  });
});

describe('decodeEntities', () => {
  it('replaces invalid code points instead of producing broken strings', () => {
    expect(decodeEntities('&#0;&#xD800;&#x110000;')).toBe('\ufffd\ufffd\ufffd');
    expect(decodeEntities('a&#7;b')).toBe('a b');
    expect(decodeEntities('&unknown; &amp')).toBe('&unknown; &amp');
  });
});
