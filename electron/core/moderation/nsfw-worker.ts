/**
 * The image screening worker thread: loads the nsfwjs model once, then decodes and classifies one
 * image per request, in the order received. Started by `NsfwScreener` (nsfw-screener.ts), never
 * imported by the main thread (its types are, with `import type`).
 *
 * The bytes it sees come from strangers: this thread has no network (fetch is replaced by a
 * failure before anything loads, so neither tfjs nor nsfwjs could send or fetch anything), a
 * bounded heap (set by the screener), and a decoder that checks sizes before allocating.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImage, resizeForModel, type ImageFailureKind, type ImageLimits } from './nsfw-image';
import { loadNsfwModel, MODEL_INPUT_SIZE, nsfwScore, type NsfwLabels, type NsfwModel } from './nsfw-model';

/** Main thread → worker: one image to classify. */
export interface ScreenRequest {
  id: number;
  bytes: Uint8Array;
  limits: ImageLimits;
}

/** Worker → main thread. */
export type WorkerMessage =
  | { type: 'ready'; loadMs: number }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; ok: true; nsfw: number; labels: NsfwLabels; decodeMs: number; inferMs: number }
  | { type: 'result'; id: number; ok: false; error: { kind: ImageFailureKind | 'inference-failed'; message: string } };

const port = parentPort;
if (!port) throw new Error('nsfw-worker.ts runs as a worker thread (see NsfwScreener).');

globalThis.fetch = (() => Promise.reject(new Error('The image screening worker has no network access.'))) as typeof fetch;

const send = (message: WorkerMessage) => port.postMessage(message);

async function classifyRequest(model: NsfwModel, request: ScreenRequest): Promise<WorkerMessage> {
  const started = performance.now();
  const decoded = decodeImage(request.bytes, request.limits);
  if (!decoded.ok) return { type: 'result', id: request.id, ok: false, error: decoded.error };
  const pixels = resizeForModel(decoded.image, MODEL_INPUT_SIZE);
  const decodeMs = performance.now() - started;
  try {
    const labels = await model.classify(pixels);
    return { type: 'result', id: request.id, ok: true, nsfw: nsfwScore(labels), labels, decodeMs, inferMs: performance.now() - started - decodeMs };
  } catch (error) {
    return { type: 'result', id: request.id, ok: false, error: { kind: 'inference-failed', message: error instanceof Error ? error.message : String(error) } };
  }
}

const loadStarted = performance.now();
let model: NsfwModel | null = null;
try {
  model = await loadNsfwModel();
  send({ type: 'ready', loadMs: performance.now() - loadStarted });
} catch (error) {
  send({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
}

if (model) {
  const loaded = model;
  // One at a time, in order: the screener sends the next request only after an answer, and the
  // chain keeps that true even if it did not.
  let chain = Promise.resolve();
  port.on('message', (request: ScreenRequest) => {
    chain = chain.then(async () => send(await classifyRequest(loaded, request)));
  });
} else {
  port.close();
}
