/**
 * Where the desktop app's renderer comes from, and how to tell it from anything else.
 *
 * The packaged app serves its renderer from the privileged custom scheme `app://parvis/` (a
 * protocol handler in electron/main reads the built files), not from `file://`: the
 * `grantFileProtocolExtraPrivileges` fuse is off (electron-builder.yml), so `file://` pages get no
 * more than in a browser, where the renderer's ES modules would not even load; and a `file://`
 * page may read any file of the machine, where `app://parvis/` serves the built renderer only.
 *
 * Pure functions (no `electron` import), so that the path rules are tested in plain Node.
 */
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const RENDERER_SCHEME = 'app';
export const RENDERER_HOST = 'parvis';
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
/** The page the window loads. */
export const RENDERER_ENTRY = `${RENDERER_ORIGIN}/index.html`;

/** Content types of the files the renderer build contains. */
export const RENDERER_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The content type of a renderer file, or null for a kind of file the renderer has no use for. */
export function rendererContentType(file: string): string | null {
  return RENDERER_CONTENT_TYPES[extname(file).toLowerCase()] ?? null;
}

/**
 * The file under `rootDir` an `app://parvis/...` request asks for, or null when the request is for
 * anything else (another scheme or host, a path leaving the root, an encoded separator or NUL).
 * `/` is the entry page.
 */
export function rendererFileFor(requestUrl: string, rootDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${RENDERER_SCHEME}:` || url.hostname !== RENDERER_HOST || url.username || url.password || url.port) return null;
  // Encoded separators and NUL have no business in a renderer path: refused before decoding.
  if (/%(2f|5c|00)/i.test(url.pathname)) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rootDir);
  const file = resolve(join(root, path));
  const inside = relative(root, file);
  if (!inside || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return null;
  return rendererContentType(file) ? file : null;
}

/**
 * True when `url` is a page of our renderer: `app://parvis/...`, or, in development only, a page
 * of the dev server given by `devServerUrl` (same origin, not merely the same prefix: a prefix
 * check would let http://localhost:51730 pass for http://localhost:5173).
 */
export function isRendererUrl(url: string, devServerUrl?: string | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${RENDERER_SCHEME}:` && parsed.host === RENDERER_HOST) return true;
  if (!devServerUrl) return false;
  try {
    return parsed.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}
