import { describe, expect, it } from 'vitest';
import { createMediaScreeningHook, type MediaScreener, type MediaToScreen } from './media';

/** A test double: returns a fixed score and remembers what it was given. */
function fixedScreener(nsfw: number, labels: Record<string, number> = {}): MediaScreener & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async screen(_bytes, mime) {
      calls.push(mime);
      return { nsfw, labels };
    },
  };
}

const image = (extra: Partial<MediaToScreen> = {}): MediaToScreen => ({
  url: 'https://cdn.example/a.jpg',
  kind: 'image',
  bytes: new Uint8Array([0xff, 0xd8, 0xff]),
  mime: 'image/jpeg',
  ...extra,
});

describe('createMediaScreeningHook', () => {
  it('flags at or above the threshold and passes the labels through', async () => {
    const hook = createMediaScreeningHook(fixedScreener(0.7, { porn: 0.7, neutral: 0.3 }), { threshold: 0.7 });
    expect(await hook(image())).toEqual({ ok: true, url: 'https://cdn.example/a.jpg', flagged: true, nsfw: 0.7, labels: { porn: 0.7, neutral: 0.3 } });
    const lenient = createMediaScreeningHook(fixedScreener(0.69));
    expect(await lenient(image())).toMatchObject({ ok: true, flagged: false, nsfw: 0.69 });
  });

  it('clamps scores to 0–1 and rejects a missing score', async () => {
    expect(await createMediaScreeningHook(fixedScreener(3))(image())).toMatchObject({ ok: true, nsfw: 1, flagged: true });
    expect(await createMediaScreeningHook(fixedScreener(Number.NaN))(image())).toMatchObject({ ok: false, error: { kind: 'screening-failed' } });
  });

  it('does not call the screener for unsupported types or oversized media', async () => {
    const screener = fixedScreener(0.9);
    const hook = createMediaScreeningHook(screener, { maxBytes: 2 });
    expect(await hook(image({ mime: 'video/mp4', kind: 'video' }))).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(await hook(image())).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    expect(screener.calls).toEqual([]);
  });

  it('normalizes the MIME type before checking it', async () => {
    const screener = fixedScreener(0.1);
    await createMediaScreeningHook(screener)(image({ mime: 'IMAGE/PNG; charset=binary' }));
    expect(screener.calls).toEqual(['image/png']);
  });

  it('turns a screener failure into a verdict value', async () => {
    const failing: MediaScreener = {
      async screen() {
        throw new Error('model not loaded');
      },
    };
    expect(await createMediaScreeningHook(failing)(image())).toEqual({
      ok: false,
      url: 'https://cdn.example/a.jpg',
      error: { kind: 'screening-failed', message: 'model not loaded' },
    });
  });
});
