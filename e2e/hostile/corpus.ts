/**
 * Hostile strings a network may hand us: script and event-handler injection, javascript: and data:
 * links, SVG, CSS tricks, template injection, bidi overrides, zalgo, very long words, NUL and
 * control bytes, huge messages. Each entry is delivered either as the text of a post (the server
 * escapes it, so it must show literally) or as raw HTML from a remote server that does not
 * sanitize (it must show as harmless text). Every entry starts with a marker `H<n>` so that the test
 * can find it in the UI. Nothing here must ever run: payloads call `__pwned()`, which the test
 * watches, and try `alert`, which the test would see as a dialog.
 */
export interface HostileItem {
  id: string;
  kind: 'text' | 'html';
  /** Without the marker. */
  payload: string;
  /** A word the reader must be able to see (after HTML is turned into text). */
  visible: string;
}

const P = `__pwned()`;

const SCRIPTS = [
  `<script>${P}</script>`,
  `<script src="data:text/javascript,${P}"></script>`,
  `<SCRIPT>alert(1)</SCRIPT>`,
  `<script type="module">${P}</script>`,
  `<scr<script>ipt>${P}</scr</script>ipt>`,
  `"><script>${P}</script>`,
  `'><script>${P}</script>`,
  `</textarea><script>${P}</script>`,
  `</title><script>${P}</script>`,
  `<noscript><p title="</noscript><img src=x onerror=${P}>">`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${P}>`,
  `<svg><script>${P}</script></svg>`,
  `<iframe srcdoc="<script>parent.${P}</script>"></iframe>`,
  `<object data="javascript:${P}"></object>`,
  `<embed src="javascript:${P}">`,
  `<base href="javascript:${P}//">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${P}">`,
  `<link rel="import" href="data:text/html,<script>${P}</script>">`,
  `<template><script>${P}</script></template>`,
  `<xmp><script>${P}</script></xmp>`,
];

const HANDLERS = [
  'onerror', 'onload', 'onclick', 'onmouseover', 'onfocus', 'onanimationstart', 'ontoggle', 'onpointerenter',
  'onbegin', 'onwheel', 'onauxclick', 'onbeforeinput', 'oncopy', 'ondrag', 'onscroll',
].flatMap((h) => [`<img src=x ${h}="${P}">`, `<div ${h}=${P} tabindex=0 autofocus>hover me</div>`]);

const LINKS = [
  `<a href="javascript:${P}">click</a>`,
  `<a href="JaVaScRiPt:${P}">click</a>`,
  `<a href="&#106;avascript:${P}">click</a>`,
  `<a href="jav&#x09;ascript:${P}">click</a>`,
  `<a href=" javascript:${P}">click</a>`,
  `<a href="javascript&colon;${P}">click</a>`,
  `<a href="vbscript:msgbox(1)">click</a>`,
  `<a href="data:text/html,<script>${P}</script>">click</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>`,
  `<a href="data:image/svg+xml,<svg onload=${P}>">click</a>`,
  `<a href="file:///etc/passwd">click</a>`,
  `<a href="//evil.example/steal">click</a>`,
  `<a href="https://evil.example" target="_self">click</a>`,
  `<a href="https://evil.example" ping="https://evil.example/ping">click</a>`,
  `<form action="https://evil.example"><button>click</button></form>`,
  `<a href="#" onclick="${P}">click</a>`,
  `javascript:${P}`,
  `data:text/html,<script>${P}</script>`,
  `[click](javascript:${P})`,
  `https://exаmple.com/login (Cyrillic а)`,
];

const SVGS = [
  `<svg onload=${P}>`,
  `<svg><animate onbegin=${P} attributeName=x dur=1s>`,
  `<svg><a xlink:href="javascript:${P}"><text x=20 y=20>click</text></a></svg>`,
  `<svg><set attributeName=href to="javascript:${P}"/></svg>`,
  `<svg><foreignObject><iframe src="javascript:${P}"></iframe></foreignObject></svg>`,
  `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='${P}'/></svg>#x"/></svg>`,
  `<svg><style>@import url(https://evil.example/x.css);</style></svg>`,
  `<svg width=100% height=100% style="position:fixed;top:0;left:0"><rect width=100% height=100% fill=red /></svg>`,
  `<svg><handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">${P}</handler></svg>`,
  `<svg><discard onbegin=${P}>`,
  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<svg><script href="data:,${P}"/></svg>`,
  `<svg/onload=${P}>`,
  `<svg><title><img src=x onerror=${P}></title></svg>`,
  `<svg><desc><![CDATA[</desc><script>${P}</script>]]></svg>`,
];

const CSS = [
  `<style>body{display:none}</style>`,
  `<style>*{color:transparent!important}</style>`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `<div style="position:fixed;inset:0;z-index:99999;background:red">overlay</div>`,
  `<div style="background:url(javascript:${P})">bg</div>`,
  `<div style="width:expression(${P})">ie</div>`,
  `<link rel="stylesheet" href="https://evil.example/x.css">`,
  `<div style="font-size:900px">huge</div>`,
  `<p style="animation:x 1s" onanimationstart=${P}>anim</p>`,
  `<span style="-moz-binding:url(https://evil.example/x.xml#x)">xbl</span>`,
  `<input autofocus onfocus=${P}>`,
  `<marquee onstart=${P}>marquee</marquee>`,
  `<div style="filter:blur(0);transform:scale(50)">scale</div>`,
  `<body background="javascript:${P}">`,
  `<table background="javascript:${P}"><td>cell</td></table>`,
];

const TEMPLATES = [
  `{{constructor.constructor('${P}')()}}`,
  `{{ $el.ownerDocument.defaultView.__pwned() }}`,
  `<div v-html="'<img src=x onerror=${P}>'"></div>`,
  `<div v-on:click="${P}">vue</div>`,
  `<div :onclick="${P}">vue</div>`,
  `\${${P}}`,
  `<%= ${P} %>`,
  `{{7*7}} {{= 7*7 }}`,
  `<div ng-app>{{constructor.constructor('${P}')()}}</div>`,
  `__proto__ constructor prototype toString valueOf hasOwnProperty`,
];

const BIDI = [
  '\u202Eevil.exe\u202C.txt',
  '\u202Dforce LTR\u202C then text',
  '\u202Bembedded RTL\u202C then text',
  '\u2066isolated\u2069 \u2067rtl isolate\u2069 \u2068first strong\u2069',
  'مرحبا \u202E hello \u202C عالم',
  'שלום world עולם',
  '\u200F\u200F\u200Fright-to-left marks',
  '\u061C arabic letter mark',
  'admin\u202E\u2066 // ⁦if (isAdmin)⁩ ⁦ begin admins only',
  '\u202E'.repeat(50) + 'nested overrides',
  'Camille\u202E (modérateur)',
  'ltr \u202E rtl \u202D ltr \u202E rtl',
  'fichier\u202Egpj.exe',
  '\u2067\u2067\u2067unterminated isolates',
  'رابط https://example.com/مسار ?',
];

const zalgo = (base: string, n: number) => [...base].map((c) => c + '\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030A\u030B\u030C\u030D'.slice(0, n)).join('');
const ZALGO = [
  zalgo('Zalgo arrive', 6),
  zalgo('He comes', 14),
  zalgo('commentaire', 10),
  'Z' + '\u0336'.repeat(500),
  'e' + '\u0301'.repeat(2000),
  zalgo('a'.repeat(200), 8),
  '👨‍👩‍👧‍👦'.repeat(200),
  '\uFDFD'.repeat(300),
  '𒐫'.repeat(300),
  '\u0BB8\u0BCD\u0BB1\u0BC0'.repeat(300),
];

const LONG = [
  'a'.repeat(5_000),
  'supercalifragilistic'.repeat(800),
  'https://example.com/' + 'x'.repeat(20_000),
  'é'.repeat(10_000),
  '0123456789'.repeat(3_000),
  '🙂'.repeat(5_000),
  '-'.repeat(40_000),
  'W'.repeat(50_000),
  'mot'.repeat(10_000),
  '#'.repeat(8_000),
];

const CONTROL = [
  'nul\u0000byte',
  'many\u0000\u0000\u0000nuls',
  'bell\u0007 backspace\u0008 escape\u001b[31m red',
  'vertical\u000Btab form\u000Cfeed',
  'delete\u007F char',
  'lone surrogate \uD800 here',
  'lone low \uDC00 here',
  'noncharacter \uFFFF \uFFFE',
  'line\u2028separator paragraph\u2029separator',
  'c1 controls \u0085\u0090\u009B',
];

const HUGE = [
  'Commande cassée. '.repeat(8_000),
  'The product arrived broken. '.repeat(5_000),
  ('<b>bold</b> '.repeat(10_000)),
  ('Ligne\n'.repeat(20_000)),
  JSON.stringify({ nested: Array.from({ length: 2_000 }, (_, i) => ({ i, x: '<img src=x onerror=__pwned()>' })) }),
];

const ENTITIES = [
  '&lt;script&gt;__pwned()&lt;/script&gt;',
  '&#60;img src=x onerror=__pwned()&#62;',
  '&amp;lt;b&amp;gt; double-escaped',
  '<img src=x onerror="&#95;&#95;pwned()">',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;__pwned()">entities</a>',
  '<scr\u0000ipt>__pwned()</scr\u0000ipt>',
  '<img src=`x` onerror=__pwned()>',
  '<img """><script>__pwned()</script>">',
  '<a href="https://example.com" title="&quot; onmouseover=__pwned() x=&quot;">title</a>',
  '<!--<img src="--><img src=x onerror=__pwned()//">',
];

function build(): HostileItem[] {
  const groups: [string, string[]][] = [
    ['script', SCRIPTS],
    ['handler', HANDLERS],
    ['link', LINKS],
    ['svg', SVGS],
    ['css', CSS],
    ['template', TEMPLATES],
    ['bidi', BIDI],
    ['zalgo', ZALGO],
    ['long', LONG],
    ['control', CONTROL],
    ['huge', HUGE],
    ['entity', ENTITIES],
  ];
  const items: HostileItem[] = [];
  let n = 0;
  for (const [group, payloads] of groups) {
    for (const payload of payloads) {
      // Every payload goes both ways: as text (must show literally) and as raw HTML.
      for (const kind of ['text', 'html'] as const) {
        n += 1;
        items.push({ id: `H${n}`, kind, payload, visible: `H${n}` });
      }
    }
    void group;
  }
  return items;
}

export const HOSTILE_CORPUS: readonly HostileItem[] = build();
