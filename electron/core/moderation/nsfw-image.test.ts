import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { checkImage, decodeImage, imageDimensions, resizeForModel, sniffImageFormat, type DecodedImage } from './nsfw-image';

/** A PNG drawn pixel by pixel: `paint(x, y)` gives [r, g, b, a]. */
function png(width: number, height: number, paint: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data.set(paint(x, y), (y * width + x) * 4);
  }
  return new Uint8Array(PNG.sync.write(image));
}

function jpg(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, 95).data);
}

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const LIMITS = { maxBytes: 1024 * 1024, maxPixels: 1_000_000 };

describe('sniffImageFormat and imageDimensions', () => {
  it('recognizes formats by their bytes and reads sizes from the headers', () => {
    const p = png(7, 3, () => [0, 0, 0, 255]);
    const j = jpg(5, 9, [10, 20, 30]);
    expect(sniffImageFormat(p)).toBe('png');
    expect(sniffImageFormat(j)).toBe('jpeg');
    expect(sniffImageFormat(bytesOf('GIF89a\x01\x00\x01\x00'))).toBe('gif');
    expect(sniffImageFormat(bytesOf('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(bytesOf('\x00\x00\x00\x1cftypavif'))).toBe('avif');
    expect(sniffImageFormat(bytesOf('<html>'))).toBe('unknown');
    expect(imageDimensions(p)).toEqual({ width: 7, height: 3 });
    expect(imageDimensions(j)).toEqual({ width: 5, height: 9 });
    expect(imageDimensions(j.slice(0, 20))).toBeNull();
  });
});

describe('checkImage', () => {
  it('refuses unsupported formats, non-images, big files and big images before decoding', () => {
    expect(checkImage(bytesOf('GIF89a\x01\x00\x01\x00'), LIMITS)).toMatchObject({ kind: 'unsupported', message: 'GIF images are not screened.' });
    expect(checkImage(bytesOf('RIFF\x10\x00\x00\x00WEBPVP8 '), LIMITS)).toMatchObject({ kind: 'unsupported' });
    expect(checkImage(bytesOf('<html><body>not found</body></html>'), LIMITS)).toMatchObject({ kind: 'undecodable' });
    expect(checkImage(new Uint8Array(LIMITS.maxBytes + 1).fill(0xff), LIMITS)).toMatchObject({ kind: 'too-large' });
    // A tiny file whose header claims 40 000 × 40 000 pixels: refused from the header alone.
    const bomb = png(2, 2, () => [0, 0, 0, 255]);
    new DataView(bomb.buffer).setUint32(16, 40_000);
    new DataView(bomb.buffer).setUint32(20, 40_000);
    expect(checkImage(bomb, LIMITS)).toMatchObject({ kind: 'too-large', message: expect.stringContaining('40000×40000') });
    expect(decodeImage(bomb, LIMITS)).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    expect(checkImage(png(10, 10, () => [0, 0, 0, 255]), LIMITS)).toBeNull();
  });
});

describe('decodeImage', () => {
  it('decodes JPEG to RGB and PNG to RGBA', () => {
    const j = decodeImage(jpg(16, 8, [200, 100, 50]), LIMITS);
    expect(j.ok).toBe(true);
    if (!j.ok) return;
    expect(j.image).toMatchObject({ width: 16, height: 8, channels: 3 });
    expect(j.image.data.length).toBe(16 * 8 * 3);
    // JPEG is lossy: close to the colour drawn.
    expect(Math.abs(j.image.data[0]! - 200)).toBeLessThan(6);
    expect(Math.abs(j.image.data[2]! - 50)).toBeLessThan(6);

    const p = decodeImage(png(4, 2, (x) => [x * 60, 0, 255, 128]), LIMITS);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.image).toMatchObject({ width: 4, height: 2, channels: 4 });
    expect([...p.image.data.slice(4, 8)]).toEqual([60, 0, 255, 128]);
  });

  it('turns a damaged file into a value', () => {
    const truncated = png(32, 32, (x, y) => [x * 8, y * 8, 0, 255]).slice(0, 60);
    expect(decodeImage(truncated, LIMITS)).toMatchObject({ ok: false, error: { kind: 'undecodable' } });
    const whole = jpg(32, 32, [1, 2, 3]);
    // Cut before the frame header, then inside the scan data.
    expect(decodeImage(whole.slice(0, 100), LIMITS)).toEqual({ ok: false, error: { kind: 'undecodable', message: 'The JPEG header is damaged.' } });
    expect(decodeImage(whole.slice(0, 400), LIMITS)).toMatchObject({ ok: false, error: { kind: 'undecodable', message: expect.stringContaining('could not be decoded') } });
  });
});

describe('resizeForModel', () => {
  const image = (width: number, height: number, channels: 3 | 4, pixel: (x: number, y: number) => number[]): DecodedImage => {
    const data = new Uint8Array(width * height * channels);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * channels);
    return { width, height, channels, data };
  };
  const at = (out: Float32Array, size: number, x: number, y: number) => [...out.slice((y * size + x) * 3, (y * size + x) * 3 + 3)];

  it('averages every source pixel when shrinking', () => {
    // Alternating black and white columns average to grey, where sampling would pick one or the other.
    const stripes = image(8, 8, 3, (x) => (x % 2 ? [255, 255, 255] : [0, 0, 0]));
    const out = resizeForModel(stripes, 4);
    expect(out.length).toBe(4 * 4 * 3);
    expect(new Set(out)).toEqual(new Set([127.5]));
    const halves = resizeForModel(image(8, 4, 3, (x) => (x < 4 ? [0, 0, 0] : [255, 0, 0])), 2);
    expect(at(halves, 2, 0, 0)).toEqual([0, 0, 0]);
    expect(at(halves, 2, 1, 1)).toEqual([255, 0, 0]);
  });

  it('takes the nearest pixel when enlarging, and lays transparency on white', () => {
    const tiny = resizeForModel(image(2, 1, 3, (x) => (x ? [0, 0, 255] : [255, 0, 0])), 4);
    expect(at(tiny, 4, 0, 3)).toEqual([255, 0, 0]);
    expect(at(tiny, 4, 3, 0)).toEqual([0, 0, 255]);
    const transparent = resizeForModel(image(1, 1, 4, () => [0, 0, 0, 0]), 2);
    expect([...transparent]).toEqual(new Array(12).fill(255));
    const halfBlack = resizeForModel(image(1, 1, 4, () => [0, 0, 0, 102]), 1);
    expect([...halfBlack]).toEqual([153, 153, 153]);
  });
});
