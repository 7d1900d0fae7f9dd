/**
 * Image bytes → the classifier's input: recognizes the format from the bytes (not from the
 * server's Content-Type, which CDNs get wrong), reads the dimensions from the header before any
 * decoding (a small file can declare a huge image), decodes JPEG (jpeg-js) and PNG (pngjs), and
 * averages the pixels down to the model's square input. Pure JavaScript, no tfjs: the screening
 * worker runs it, and the main thread uses the header checks to refuse early.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** What the bytes are, by their signature. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | 'bmp' | 'unknown';

/** The formats the classifier decodes; the others are reported as not screened. */
export const DECODABLE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png'];

/** MIME types of the decodable formats, for `createMediaScreeningHook({ mimeTypes })`. */
export const SCREENABLE_MIME_TYPES: readonly string[] = ['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png'];

export interface ImageLimits {
  /** Larger files are not decoded. */
  maxBytes: number;
  /** Images with more pixels than this (width × height, from the header) are not decoded. */
  maxPixels: number;
}

/** 8 MiB and 25 megapixels: every phone photo passes; a decompression bomb does not. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 8 * 1024 * 1024, maxPixels: 25_000_000 };

export type ImageFailureKind = 'unsupported' | 'too-large' | 'undecodable';

export interface ImageFailure {
  kind: ImageFailureKind;
  message: string;
}

/** Decoded pixels, row-major, 8 bits per channel: RGB (3) or RGBA (4). */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The format announced by the first bytes. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('ftyp'), 4)) return 'avif';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  return 'unknown';
}

/** Width and height from a PNG's IHDR chunk, which the format puts first. */
function pngDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || !startsWith(bytes, ascii('IHDR'), 12)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height from a JPEG's start-of-frame segment, walking the segments before it. */
function jpegDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    // End of image or start of scan before any frame header: not a valid image.
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) return null;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 8 >= bytes.length) return null;
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  return null;
}

/** Dimensions from the header of a decodable image, without decoding it; null if unreadable. */
export function imageDimensions(bytes: Uint8Array, format: ImageFormat = sniffImageFormat(bytes)): { width: number; height: number } | null {
  if (format === 'png') return pngDimensions(bytes);
  if (format === 'jpeg') return jpegDimensions(bytes);
  return null;
}

/**
 * Everything that can be said about the bytes without decoding them: the format is decodable, the
 * file and the declared image are within the limits. Null when the image may be decoded.
 */
export function checkImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageFailure | null {
  if (bytes.byteLength > limits.maxBytes) {
    return { kind: 'too-large', message: `The image is larger than ${limits.maxBytes} bytes.` };
  }
  const format = sniffImageFormat(bytes);
  if (format === 'unknown') return { kind: 'undecodable', message: 'The data is not an image.' };
  if (!DECODABLE_FORMATS.includes(format)) {
    return { kind: 'unsupported', message: `${format.toUpperCase()} images are not screened.` };
  }
  const size = imageDimensions(bytes, format);
  if (!size || size.width === 0 || size.height === 0) {
    return { kind: 'undecodable', message: `The ${format.toUpperCase()} header is damaged.` };
  }
  if (size.width * size.height > limits.maxPixels) {
    return { kind: 'too-large', message: `The image has ${size.width}×${size.height} pixels, more than ${limits.maxPixels}.` };
  }
  return null;
}

/** Decodes a JPEG or PNG within the limits; every failure is a value. */
export function decodeImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): { ok: true; image: DecodedImage } | { ok: false; error: ImageFailure } {
  const refused = checkImage(bytes, limits);
  if (refused) return { ok: false, error: refused };
  const format = sniffImageFormat(bytes);
  try {
    if (format === 'jpeg') {
      // RGB, not RGBA: a quarter less memory, and jpeg-js turns grey and CMYK into RGB itself.
      const decoded = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        tolerantDecoding: true,
        maxResolutionInMP: limits.maxPixels / 1_000_000,
        maxMemoryUsageInMB: 1024,
      });
      return { ok: true, image: { width: decoded.width, height: decoded.height, channels: 3, data: decoded.data } };
    }
    // pngjs always hands back 8-bit RGBA, whatever the PNG's bit depth, palette or colour type.
    const decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return {
      ok: true,
      image: { width: decoded.width, height: decoded.height, channels: 4, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength) },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/maxResolutionInMP|maxMemoryUsageInMB|allocate enough memory/.test(message)) {
      return { ok: false, error: { kind: 'too-large', message: `The image is too large to decode: ${message}` } };
    }
    return { ok: false, error: { kind: 'undecodable', message: `The ${format.toUpperCase()} image could not be decoded: ${message}` } };
  }
}

/**
 * Scales the image to `size`×`size` RGB floats in 0–255 (the aspect ratio is not kept, as nsfwjs
 * does not keep it either). Downscaling averages every source pixel of each output pixel's box, so
 * a large photo is not reduced to a sparse sample of its pixels as a bilinear resize would do;
 * upscaling takes the nearest pixel. Transparent pixels are laid on white, as a page shows them.
 */
export function resizeForModel(image: DecodedImage, size: number): Float32Array {
  const { width, height, channels, data } = image;
  const out = new Float32Array(size * size * 3);
  const xStart = new Int32Array(size);
  const xEnd = new Int32Array(size);
  for (let ox = 0; ox < size; ox++) {
    const x0 = Math.min(width - 1, Math.floor((ox * width) / size));
    xStart[ox] = x0;
    xEnd[ox] = Math.max(x0 + 1, Math.min(width, Math.floor(((ox + 1) * width) / size)));
  }
  for (let oy = 0; oy < size; oy++) {
    const y0 = Math.min(height - 1, Math.floor((oy * height) / size));
    const y1 = Math.max(y0 + 1, Math.min(height, Math.floor(((oy + 1) * height) / size)));
    for (let ox = 0; ox < size; ox++) {
      const x0 = xStart[ox]!;
      const x1 = xEnd[ox]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        let p = (y * width + x0) * channels;
        for (let x = x0; x < x1; x++, p += channels) {
          if (channels === 4) {
            const alpha = data[p + 3]! / 255;
            const white = 255 * (1 - alpha);
            r += data[p]! * alpha + white;
            g += data[p + 1]! * alpha + white;
            b += data[p + 2]! * alpha + white;
          } else {
            r += data[p]!;
            g += data[p + 1]!;
            b += data[p + 2]!;
          }
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (oy * size + ox) * 3;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
    }
  }
  return out;
}
