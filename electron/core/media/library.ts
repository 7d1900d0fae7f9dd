/**
 * The local media library: images the user attaches to posts, kept once each.
 *
 * - Identity: the SHA-256 of the bytes. The same file added twice (or under another name) is one
 *   entry, with one alt text.
 * - Storage: the bytes are a file under `<dataDir>/media/`, named by the hash; SQLite keeps only
 *   what the composer checks (type, size, dimensions) and the alt text.
 * - Type: read from the bytes (image-size), never taken from the renderer's word; the renderer
 *   sends bytes only, never a path.
 * - Thumbnail: made by the renderer (a canvas scaled to at most 320 px, which Chromium does
 *   natively, where the core would need a native image library such as sharp), checked here as an
 *   image of bounded size and dimensions, and handed back as a `data:` URL, which the strict CSP
 *   already allows (`img-src data:`) in Electron and in web mode alike.
 * - Uploads arrive in parts: the web bridge carries JSON messages of at most 1 MB.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageSize } from 'image-size';
import type { Db } from '../db/connection';
import { NotFoundError } from '../db/conversations';
import { CoreError } from '../rpc';

/** Image types every network Parvis publishes to accepts, by image-size's name. */
const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };
export const MEDIA_MIME_TYPES = Object.values(IMAGE_TYPES);
/** The largest image any supported network takes (Mastodon: 16 MiB). */
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
export const MAX_THUMBNAIL_BYTES = 48 * 1024;
export const MAX_THUMBNAIL_SIDE = 320;
/** Uploads in progress at once (each holds its bytes in memory until finished). */
const MAX_OPEN_UPLOADS = 4;
/** An upload left unfinished this long is dropped. */
const UPLOAD_TTL_MS = 10 * 60_000;

export interface MediaRow {
  id: number;
  sha256: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  alt: string;
  name: string;
  has_thumbnail: number;
  created_at: number;
}

interface Upload {
  size: number;
  name: string;
  parts: Buffer[];
  received: number;
  startedAt: number;
}

/** What an image's bytes say it is: its type and its displayed size (EXIF rotation applied). */
export function inspectImage(bytes: Uint8Array): { mime: string; width: number; height: number } | null {
  let info: ReturnType<typeof imageSize>;
  try {
    info = imageSize(bytes);
  } catch {
    return null;
  }
  const mime = info.type ? IMAGE_TYPES[info.type] : undefined;
  if (!mime || !info.width || !info.height) return null;
  // EXIF orientations 5 to 8 turn the picture a quarter: it shows as tall as it is stored wide.
  const turned = info.orientation !== undefined && info.orientation >= 5;
  return { mime, width: turned ? info.height : info.width, height: turned ? info.width : info.height };
}

export function createMediaLibrary(db: Db, dir: string, now: () => number) {
  // The folder is made with the first image, not at start: opening a profile writes nothing to it.
  const uploads = new Map<string, Upload>();
  const byId = db.prepare<[number], MediaRow>('SELECT * FROM media WHERE id = ?');
  const byHash = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE sha256 = ?');
  const fileOf = (row: Pick<MediaRow, 'sha256'>) => join(dir, row.sha256);
  const thumbOf = (row: Pick<MediaRow, 'sha256'>) => join(dir, `${row.sha256}.thumb`);

  function dropStale() {
    for (const [id, u] of uploads) if (now() - u.startedAt > UPLOAD_TTL_MS) uploads.delete(id);
  }

  function checkThumbnail(thumb: Uint8Array): void {
    if (thumb.byteLength > MAX_THUMBNAIL_BYTES) throw new CoreError('invalid-input', `A thumbnail is at most ${MAX_THUMBNAIL_BYTES} bytes`);
    const info = inspectImage(thumb);
    if (!info || info.width > MAX_THUMBNAIL_SIDE || info.height > MAX_THUMBNAIL_SIDE) {
      throw new CoreError('invalid-input', `A thumbnail is an image of at most ${MAX_THUMBNAIL_SIDE} px a side`);
    }
  }

  /** Writes to a temporary name first, so a crash never leaves a half file under a hash's name. */
  function writeAtomically(path: string, bytes: Uint8Array) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${randomUUID()}.part`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }

  const library = {
    get(id: number): MediaRow {
      const row = byId.get(id);
      if (!row) throw new NotFoundError(`Media ${id}`);
      return row;
    },

    list(): MediaRow[] {
      return db.prepare<[], MediaRow>('SELECT * FROM media ORDER BY created_at DESC, id DESC').all();
    },

    /** Starts an upload of `size` bytes; the parts follow in order. */
    begin(size: number, name: string): string {
      dropStale();
      if (size <= 0 || size > MAX_MEDIA_BYTES) throw new CoreError('invalid-input', `An image is at most ${MAX_MEDIA_BYTES} bytes`);
      if (uploads.size >= MAX_OPEN_UPLOADS) throw new CoreError('conflict', 'Too many images are being added at once; try again when they are done');
      const id = randomUUID();
      uploads.set(id, { size, name, parts: [], received: 0, startedAt: now() });
      return id;
    },

    /** One part, at the offset where the previous one ended. */
    append(uploadId: string, offset: number, bytes: Uint8Array): void {
      const u = uploads.get(uploadId);
      if (!u) throw new NotFoundError(`Upload ${uploadId}`);
      if (offset !== u.received) throw new CoreError('invalid-input', `Expected the part at ${u.received}, got ${offset}`);
      if (u.received + bytes.byteLength > u.size) throw new CoreError('invalid-input', 'More bytes than announced');
      u.parts.push(Buffer.from(bytes));
      u.received += bytes.byteLength;
    },

    /** The whole file arrived: checked, hashed, stored once. Returns the (possibly existing) entry. */
    finish(uploadId: string, thumbnail: Uint8Array | null): MediaRow {
      const u = uploads.get(uploadId);
      if (!u) throw new NotFoundError(`Upload ${uploadId}`);
      uploads.delete(uploadId);
      if (u.received !== u.size) throw new CoreError('invalid-input', `Received ${u.received} of ${u.size} bytes`);
      const bytes = Buffer.concat(u.parts);
      const info = inspectImage(bytes);
      if (!info) throw new CoreError('invalid-input', `Not an image Parvis can publish (${MEDIA_MIME_TYPES.join(', ')})`);
      if (thumbnail) checkThumbnail(thumbnail);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const existing = byHash.get(sha256);
      if (existing) {
        if (!existsSync(fileOf(existing))) writeAtomically(fileOf(existing), bytes);
        if (thumbnail && !existing.has_thumbnail) {
          writeAtomically(thumbOf(existing), thumbnail);
          db.prepare('UPDATE media SET has_thumbnail = 1 WHERE id = ?').run(existing.id);
        }
        return library.get(existing.id);
      }
      // The file first: a row never points at a file that is not there.
      writeAtomically(join(dir, sha256), bytes);
      if (thumbnail) writeAtomically(thumbOf({ sha256 }), thumbnail);
      const id = Number(
        db
          .prepare(
            'INSERT INTO media (sha256, mime, bytes, width, height, name, has_thumbnail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(sha256, info.mime, bytes.byteLength, info.width, info.height, u.name.slice(0, 255), thumbnail ? 1 : 0, now()).lastInsertRowid,
      );
      return library.get(id);
    },

    setAlt(id: number, alt: string): MediaRow {
      library.get(id);
      db.prepare('UPDATE media SET alt = ? WHERE id = ?').run(alt, id);
      return library.get(id);
    },

    /** How many posts use an item. */
    uses(id: number): number {
      return db.prepare<[number], { n: number }>('SELECT count(DISTINCT post_id) AS n FROM post_media WHERE media_id = ?').get(id)!.n;
    },

    /** Deletes an item no post uses (a used one is refused: the post would lose its image). */
    delete(id: number): void {
      const row = library.get(id);
      if (library.uses(id) > 0) throw new CoreError('conflict', 'This image is used by a post; remove it from the post first');
      db.prepare('DELETE FROM media WHERE id = ?').run(id);
      rmSync(fileOf(row), { force: true });
      rmSync(thumbOf(row), { force: true });
    },

    /** The stored bytes (publishing reads them at send time). */
    read(id: number): Buffer {
      return readFileSync(fileOf(library.get(id)));
    },

    /** The thumbnail as a data: URL, or null when the renderer could not make one. */
    thumbnailUrl(row: MediaRow): string | null {
      if (!row.has_thumbnail) return null;
      try {
        const thumb = readFileSync(thumbOf(row));
        const info = inspectImage(thumb);
        return info ? `data:${info.mime};base64,${thumb.toString('base64')}` : null;
      } catch {
        return null;
      }
    },
  };
  return library;
}
export type MediaLibrary = ReturnType<typeof createMediaLibrary>;
