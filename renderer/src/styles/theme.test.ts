// eslint-disable-next-line no-restricted-imports -- this test runs in Node and reads the stylesheet; it is never bundled (vitest blanks CSS imports, even ?raw)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Reads the custom properties of one theme block of theme.css. */
function tokens(block: 'light' | 'dark'): Map<string, string> {
  const css = readFileSync(new URL('./theme.css', import.meta.url), 'utf8');
  const light = css.slice(css.indexOf(':root {'), css.indexOf(":root[data-theme='dark']"));
  const dark = css.slice(css.indexOf(":root[data-theme='dark']"));
  const values = new Map<string, string>();
  for (const part of block === 'light' ? [light] : [light, dark]) {
    for (const match of part.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})\b/gi)) values.set(match[1] as string, match[2] as string);
  }
  return values;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const SURFACES = ['--bg', '--bg-sidebar', '--bg-subtle', '--bg-hover', '--bg-active', '--bg-cursor', '--bg-selected', '--bg-elevated', '--bg-outgoing'];
const TEXTS = ['--text', '--text-muted', '--text-faint', '--accent'];
/** Colored text on its own tinted badge background. */
const BADGES: [string, string][] = [
  ['--danger', '--danger-soft'],
  ['--warning', '--warning-soft'],
  ['--success', '--success-soft'],
  ['--accent', '--accent-soft'],
  ['--accent-text', '--accent'],
  ['--mark-text', '--mark-bg'],
  ['--flag-text', '--flag-bg'],
  ['--danger-solid-text', '--danger-solid'],
  ['--text', '--bg-note'],
  ['--text-muted', '--bg-note'],
  ['--danger', '--bg'],
  ['--warning', '--bg'],
  ['--success', '--bg'],
];

describe.each(['light', 'dark'] as const)('the %s theme', (theme) => {
  const values = tokens(theme);
  const color = (name: string) => {
    const value = values.get(name);
    if (!value) throw new Error(`${name} is not a #rrggbb token`);
    return value;
  };

  it('keeps every text color at 4.5:1 on every surface (WCAG AA)', () => {
    for (const surface of SURFACES) {
      for (const text of TEXTS) expect(contrast(color(text), color(surface)), `${text} on ${surface}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('keeps badges and highlights readable', () => {
    for (const [text, surface] of BADGES) expect(contrast(color(text), color(surface)), `${text} on ${surface}`).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps the focus ring visible at 3:1 on the surfaces', () => {
    for (const surface of SURFACES) expect(contrast(color('--focus-ring'), color(surface)), surface).toBeGreaterThanOrEqual(3);
  });
});
