import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeImage, resizeForModel } from './nsfw-image';
import { loadNsfwModel, MODEL_INPUT_SIZE, NSFW_LABELS, nsfwScore, SEXY_WEIGHT, type NsfwModel } from './nsfw-model';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('nsfwScore', () => {
  const labels = (l: Partial<Record<(typeof NSFW_LABELS)[number], number>>) => ({ drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0, ...l });

  it('adds the explicit classes and a share of "sexy"', () => {
    expect(nsfwScore(labels({ porn: 0.4, hentai: 0.4, neutral: 0.2 }))).toBeCloseTo(0.8);
    expect(nsfwScore(labels({ sexy: 0.9, neutral: 0.1 }))).toBeCloseTo(0.9 * SEXY_WEIGHT);
    // A bikini photo the model is sure about blurs; a doubtful one does not (default threshold 0.7).
    expect(nsfwScore(labels({ sexy: 0.95, neutral: 0.05 }))).toBeGreaterThanOrEqual(0.7);
    expect(nsfwScore(labels({ sexy: 0.6, neutral: 0.4 }))).toBeLessThan(0.7);
    expect(nsfwScore(labels({ neutral: 0.7, drawing: 0.3 }))).toBe(0);
    expect(nsfwScore(labels({ porn: 1, sexy: 1 }))).toBe(1);
  });
});

describe('loadNsfwModel', () => {
  it('ships its weights inside the nsfwjs package', () => {
    const require = createRequire(import.meta.url);
    // The package entry is dist/cjs/index.js; the models sit beside dist/cjs.
    const models = join(dirname(require.resolve('nsfwjs')), '../models/mobilenet_v2');
    expect(statSync(join(models, 'model.min.js')).size).toBeGreaterThan(10_000);
    // About 3.5 MB of base64 weights.
    expect(statSync(join(models, 'group1-shard1of1.min.js')).size).toBeGreaterThan(3_000_000);
  });

  it('loads from the package files with every network path failing, and classifies a benign image', { timeout: 60_000 }, async () => {
    const fetchCalls: string[] = [];
    vi.stubGlobal('fetch', (input: unknown) => {
      fetchCalls.push(String(input));
      throw new Error('no network in this test');
    });
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('no sockets in this test');
    });
    let model: NsfwModel | null = null;
    try {
      model = await loadNsfwModel();
      const width = 300;
      const height = 200;
      const image = new PNG({ width, height });
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) image.data.set([40 + Math.round((x * 180) / width), 90, 200 - Math.round((y * 150) / height), 255], (y * width + x) * 4);
      }
      const decoded = decodeImage(new Uint8Array(PNG.sync.write(image)));
      if (!decoded.ok) throw new Error(decoded.error.message);
      const labels = await model.classify(resizeForModel(decoded.image, MODEL_INPUT_SIZE));
      expect(Object.keys(labels).sort()).toEqual([...NSFW_LABELS]);
      expect(Object.values(labels).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
      expect(labels.porn).toBeLessThan(0.1);
      expect(labels.hentai).toBeLessThan(0.1);
      expect(labels.sexy).toBeLessThan(0.1);
      await expect(model.classify(new Float32Array(10))).rejects.toThrow('224×224');
    } finally {
      model?.dispose();
    }
    expect(fetchCalls).toEqual([]);
    expect(connect).not.toHaveBeenCalled();
  });
});
