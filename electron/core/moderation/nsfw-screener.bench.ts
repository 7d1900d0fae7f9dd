/**
 * Figures of the local image screener (not a test: nothing here asserts time). Run:
 *   npx tsx electron/core/moderation/nsfw-screener.bench.ts
 * Prints the worker start + model load time, the decode and inference time per image for a few
 * generated JPEG and PNG sizes, and the longest main-thread event-loop delay meanwhile (the point
 * of the worker: it should stay in the milliseconds while the worker computes).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { NsfwScreener } from './nsfw-screener';

export interface NsfwBenchRow {
  image: string;
  bytes: number;
  decodeMs: number;
  inferMs: number;
  totalMs: number;
}

export interface NsfwBenchResult {
  /** From `new NsfwScreener()` to the model answering, worker start included. */
  warmUpMs: number;
  /** Model load inside the worker (tfjs backend, weights, warm-up prediction). */
  modelLoadMs: number;
  rows: NsfwBenchRow[];
  /** Longest event-loop delay of the main thread while the worker started and loaded the model. */
  mainThreadMaxDelayDuringLoadMs: number;
  /** Longest event-loop delay of the main thread while the worker classified the images. */
  mainThreadMaxDelayDuringScreeningMs: number;
}

/** A photo-like test picture: smooth colour fields with noise, so JPEG has work to do. */
function picture(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const noise = (Math.sin(x * 12.9898 + y * 78.233) * 43758.5453) % 1;
      data.set([(x * 255) / width + noise * 20, (y * 255) / height, 128 + noise * 40, 255], (y * width + x) * 4);
    }
  }
  return data;
}

function jpegOf(width: number, height: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: picture(width, height) }, 85).data);
}

function pngOf(width: number, height: number): Uint8Array {
  const image = new PNG({ width, height });
  picture(width, height).copy(image.data);
  return new Uint8Array(PNG.sync.write(image));
}

/** Measures the screener on generated images (see the file comment). */
export async function benchNsfwScreener(): Promise<NsfwBenchResult> {
  const images: [string, Uint8Array][] = [
    ['JPEG 640×480', jpegOf(640, 480)],
    ['JPEG 1280×960', jpegOf(1280, 960)],
    ['JPEG 4000×3000', jpegOf(4000, 3000)],
    ['PNG 800×600', pngOf(800, 600)],
  ];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const screener = new NsfwScreener();
  try {
    const started = performance.now();
    const warm = await screener.warmUp();
    if (!warm.ok) throw new Error(`model did not load: ${warm.error.message}`);
    const warmUpMs = performance.now() - started;
    const duringLoad = delay.max / 1e6;
    delay.reset();
    const rows: NsfwBenchRow[] = [];
    for (const [name, bytes] of images) {
      for (let run = 0; run < 3; run++) {
        const t = performance.now();
        const outcome = await screener.classify(bytes);
        if (!outcome.ok) throw new Error(`${name}: ${outcome.error.kind} ${outcome.error.message}`);
        rows.push({ image: name, bytes: bytes.byteLength, decodeMs: outcome.decodeMs, inferMs: outcome.inferMs, totalMs: performance.now() - t });
      }
    }
    return { warmUpMs, modelLoadMs: warm.loadMs, rows, mainThreadMaxDelayDuringLoadMs: duringLoad, mainThreadMaxDelayDuringScreeningMs: delay.max / 1e6 };
  } finally {
    delay.disable();
    await screener.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchNsfwScreener();
  const ms = (n: number) => `${Math.round(n)} ms`;
  console.log(`worker start + model load: ${ms(result.warmUpMs)} (model load in the worker: ${ms(result.modelLoadMs)})`);
  for (const r of result.rows) console.log(`${r.image.padEnd(16)} ${String(r.bytes).padStart(9)} B  decode+resize ${ms(r.decodeMs).padStart(7)}  inference ${ms(r.inferMs).padStart(7)}  round trip ${ms(r.totalMs).padStart(7)}`);
  console.log(
    `longest main-thread event-loop delay: ${result.mainThreadMaxDelayDuringLoadMs.toFixed(1)} ms while loading, ${result.mainThreadMaxDelayDuringScreeningMs.toFixed(1)} ms while screening`,
  );
}
