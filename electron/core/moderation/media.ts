/**
 * Image and video screening: the seam between ingest and an image classifier.
 *
 * No model ships with Parvis yet. A screener is anything that scores bytes; the ingest calls the
 * hook built by `createMediaScreeningHook` for each image attachment of a new incoming message,
 * after the ingest transaction (screening is asynchronous, the ingest hook is not), and sets
 * `Attachment.flagged` from the verdict so the renderer keeps the image blurred.
 *
 * A candidate implementation is nsfwjs (MIT) on @tensorflow/tfjs (pure JavaScript CPU backend;
 * not @tensorflow/tfjs-node, whose install downloads a native binary). nsfwjs ships its weights
 * inside the npm package as JavaScript modules, so nothing is fetched at run time; its classes
 * are Drawing, Hentai, Neutral, Porn and Sexy, which map onto `labels` below.
 */

/** A classifier's verdict on one image or video frame. */
export interface MediaScreenResult {
  /** Probability that the media is not safe for work, 0–1. */
  nsfw: number;
  /** Per-class probabilities (e.g. { porn: 0.91, sexy: 0.05, neutral: 0.04 }). */
  labels: Record<string, number>;
}

/** Scores media bytes. Implementations must not send the bytes anywhere. */
export interface MediaScreener {
  screen(bytes: Uint8Array, mime: string): Promise<MediaScreenResult>;
}

/** One attachment to screen, with its bytes already fetched by the caller. */
export interface MediaToScreen {
  /** The attachment's URL, to report which one was flagged. */
  url: string;
  kind: 'image' | 'video';
  bytes: Uint8Array;
  mime: string;
}

export type MediaVerdict =
  | { ok: true; url: string; flagged: boolean; nsfw: number; labels: Record<string, number> }
  | { ok: false; url: string; error: { kind: 'unsupported' | 'too-large' | 'screening-failed'; message: string } };

/** What the ingest calls for each attachment of a new incoming message. */
export type ScreenMediaHook = (media: MediaToScreen) => Promise<MediaVerdict>;

export interface MediaScreeningOptions {
  /** Flag at or above this `nsfw` score. Default 0.7. */
  threshold?: number;
  /** Larger media are not screened (reported as `too-large`). Default 10 MiB. */
  maxBytes?: number;
  /** MIME types the screener understands. Default: JPEG, PNG, GIF, WebP. */
  mimeTypes?: readonly string[];
}

const DEFAULT_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/**
 * Wraps a screener into the ingest hook: checks size and type, applies the threshold, and turns
 * a screener failure into a verdict value (the message is kept, unflagged, and the error is
 * reported) instead of an exception that would stop the rest of the page.
 */
export function createMediaScreeningHook(screener: MediaScreener, options: MediaScreeningOptions = {}): ScreenMediaHook {
  const threshold = options.threshold ?? 0.7;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const mimeTypes = new Set((options.mimeTypes ?? DEFAULT_MIME_TYPES).map((m) => m.toLowerCase()));
  return async (media) => {
    const mime = media.mime.toLowerCase().split(';')[0]?.trim() ?? '';
    if (!mimeTypes.has(mime)) {
      return { ok: false, url: media.url, error: { kind: 'unsupported', message: `Media type ${mime || 'unknown'} is not screened.` } };
    }
    if (media.bytes.byteLength > maxBytes) {
      return { ok: false, url: media.url, error: { kind: 'too-large', message: `Media larger than ${maxBytes} bytes is not screened.` } };
    }
    try {
      const result = await screener.screen(media.bytes, mime);
      if (!Number.isFinite(result.nsfw)) {
        return { ok: false, url: media.url, error: { kind: 'screening-failed', message: 'The screener returned no score.' } };
      }
      const nsfw = Math.min(1, Math.max(0, result.nsfw));
      return { ok: true, url: media.url, flagged: nsfw >= threshold, nsfw, labels: { ...result.labels } };
    } catch (error) {
      return { ok: false, url: media.url, error: { kind: 'screening-failed', message: error instanceof Error ? error.message : String(error) } };
    }
  };
}
