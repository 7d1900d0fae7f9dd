import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRendererUrl, rendererFileFor, RENDERER_ENTRY } from './renderer-origin';

const root = resolve('/opt/Parvis/resources/app.asar/out/renderer');

describe('the renderer protocol serves the built renderer and nothing else', () => {
  it('maps renderer URLs to files under the renderer folder', () => {
    expect(rendererFileFor(RENDERER_ENTRY, root)).toBe(join(root, 'index.html'));
    expect(rendererFileFor('app://parvis/', root)).toBe(join(root, 'index.html'));
    expect(rendererFileFor('app://parvis/assets/index-3f2a.js', root)).toBe(join(root, 'assets/index-3f2a.js'));
    expect(rendererFileFor('app://parvis/assets/index.css?v=2#x', root)).toBe(join(root, 'assets/index.css'));
    expect(rendererFileFor('app://parvis/assets/Inter%20Var.woff2', root)).toBe(join(root, 'assets/Inter Var.woff2'));
  });

  it('refuses whatever tries to leave the folder or is not ours', () => {
    const refused = [
      'app://parvis/assets/..%2f..%2f..%2fetc%2fpasswd.js',
      'app://parvis/assets/..%5c..%5csecrets.json',
      'app://parvis/index.html%00.js',
      'app://parvis/a\\..\\..\\b.js',
      'app://parvis/%E0%A4%A.js',
      'app://evil/index.html',
      'app://user:pass@parvis/index.html',
      'app://parvis:8080/index.html',
      'file:///opt/Parvis/resources/app.asar/out/renderer/index.html',
      'https://parvis/index.html',
      'app://parvis/parvis.db',
      'app://parvis/preload.cjs.map',
      'not a url',
    ];
    for (const url of refused) expect(rendererFileFor(url, root), url).toBeNull();
    // Dot segments, plain or encoded, are resolved by the URL itself: they cannot climb out.
    expect(rendererFileFor('app://parvis/assets/../index.html', root)).toBe(join(root, 'index.html'));
    expect(rendererFileFor('app://parvis/../../../etc/passwd.js', root)).toBe(join(root, 'etc/passwd.js'));
    expect(rendererFileFor('app://parvis/%2e%2e/%2e%2e/etc/passwd.js', root)).toBe(join(root, 'etc/passwd.js'));
  });

  it('tells our renderer from any other page, in development by the exact origin of the dev server', () => {
    expect(isRendererUrl('app://parvis/index.html#/inbox')).toBe(true);
    expect(isRendererUrl('app://parvis.evil/index.html')).toBe(false);
    expect(isRendererUrl('file:///opt/Parvis/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(isRendererUrl('file:///tmp/evil.html')).toBe(false);
    expect(isRendererUrl('https://parvis.app/')).toBe(false);
    expect(isRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isRendererUrl('http://localhost:51730/', 'http://localhost:5173')).toBe(false);
    expect(isRendererUrl('http://localhost:5173.evil.example/', 'http://localhost:5173')).toBe(false);
    expect(isRendererUrl('http://localhost:5173/', undefined)).toBe(false);
    expect(isRendererUrl('', 'http://localhost:5173')).toBe(false);
  });
});
