/**
 * `NsfwScreener`: the local nudity classifier behind `MediaScreener`. It runs nsfwjs's MobileNetV2
 * in a worker thread (nsfw-worker.ts) so the main event loop never waits for a decode or an
 * inference: the worker loads tfjs and the model once, requests are queued and sent one at a time,
 * and a worker that crashes, runs out of memory or takes too long is ended and started afresh for
 * the next image. Every failure is a value with a `kind` (`classify`), or an `NsfwScreeningError`
 * with that kind from `screen` (the `MediaScreener` contract, whose hook turns it into a verdict).
 *
 * Nothing leaves the machine: the weights are files of the nsfwjs package, and the worker has no
 * network.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MediaScreener, MediaScreenResult } from './media';
import { checkImage, DEFAULT_IMAGE_LIMITS, type ImageFailureKind, type ImageLimits } from './nsfw-image';
import type { NsfwLabels } from './nsfw-model';
import type { ScreenRequest, WorkerMessage } from './nsfw-worker';

export type NsfwFailureKind =
  /** GIF, WebP, AVIF…: not screened (the image stays hidden until revealed). */
  | ImageFailureKind
  /** The model threw on this image. */
  | 'inference-failed'
  /** The model could not be loaded (or not in time); nothing can be screened for now. */
  | 'model-unavailable'
  /** The worker did not answer in time; it was ended and will be started again. */
  | 'timeout'
  /** The worker died (crash, out of memory) while on this image; it will be started again. */
  | 'worker-crashed'
  /** `close()` was called. */
  | 'closed';

export interface NsfwFailure {
  kind: NsfwFailureKind;
  message: string;
}

export type NsfwOutcome =
  | { ok: true; result: MediaScreenResult & { labels: NsfwLabels }; decodeMs: number; inferMs: number }
  | { ok: false; error: NsfwFailure };

/** What `screen` throws: a failure with its kind. */
export class NsfwScreeningError extends Error {
  constructor(
    readonly kind: NsfwFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'NsfwScreeningError';
  }
}

/** Timer functions, injectable so tests need not wait. */
export interface ScreenerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface NsfwScreenerOptions {
  /** Size limits checked before decoding (default 8 MiB, 25 megapixels). */
  limits?: Partial<ImageLimits>;
  /** Longest wait for one image once the model is loaded, ms (default 30 s). */
  timeoutMs?: number;
  /** Longest wait for the model to load, ms (default 2 minutes). */
  loadTimeoutMs?: number;
  /** The worker (about 200 MB resident with the model) is ended after this long without work, ms (default 10 minutes). */
  idleMs?: number;
  /** Heap limit of the worker, MB: a decoding bomb ends the worker, not the app (default 512). */
  maxWorkerHeapMb?: number;
  /** Starts the worker; tests give a scripted one. Default: `startNsfwWorker`. */
  startWorker?: (options: { maxHeapMb: number }) => Worker;
  timers?: ScreenerTimers;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The worker's file name next to this module in a build (electron-vite emits it as an entry). */
const BUILT_WORKER = 'nsfw-worker.js';
const SOURCE_WORKER = 'nsfw-worker.ts';

/**
 * In the packaged app the worker runs from `app.asar.unpacked` (electron-builder.yml `asarUnpack`
 * puts it there with the chunk, the packages and the model files it imports): Electron's archive
 * support is not something to count on for a worker thread's ES module loader, while plain files are.
 */
export function outsideAsar(url: URL): URL {
  return new URL(url.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}

/**
 * Starts nsfw-worker in a thread. From a build, the compiled worker next to this module; from the
 * TypeScript sources (tests, `npm run web` under tsx), the .ts file through tsx's loader, which a
 * worker thread does not inherit from its parent on Node 20, so a two-line bootstrap registers it.
 */
export function startNsfwWorker(options: { maxHeapMb: number }): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: options.maxHeapMb };
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    // A variable, not a literal: bundlers would otherwise try to turn the URL into an asset.
    const file = BUILT_WORKER;
    return new Worker(outsideAsar(new URL(file, here)), { resourceLimits });
  }
  const require = createRequire(here);
  const tsxPackage = require.resolve('tsx/package.json');
  const { exports } = require(tsxPackage) as { exports: Record<string, { import?: { default?: string } } | string> };
  const api = exports['./esm/api'];
  const apiFile = typeof api === 'object' ? api.import?.default : undefined;
  if (!apiFile) throw new Error('tsx has no ESM register API: the screening worker cannot run from sources.');
  const tsxApi = pathToFileURL(join(dirname(tsxPackage), apiFile)).href;
  const worker = new URL(SOURCE_WORKER, here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

interface Job {
  bytes: Uint8Array;
  resolve(outcome: NsfwOutcome): void;
}

interface RunningWorker {
  worker: Worker;
  ready: boolean;
  /** The load timer until ready, then the current job's timer. */
  timer: unknown;
  /** The job being classified, with its request id. */
  current: { id: number; job: Job } | null;
  /** The last error the thread reported, for the exit message. */
  lastError: string | null;
}

/** The local nudity screener (see the file comment). */
export class NsfwScreener implements MediaScreener {
  private readonly limits: ImageLimits;
  private readonly timeoutMs: number;
  private readonly loadTimeoutMs: number;
  private readonly idleMs: number;
  private readonly maxHeapMb: number;
  private readonly startWorker: (options: { maxHeapMb: number }) => Worker;
  private readonly timers: ScreenerTimers;
  private readonly log: NonNullable<NsfwScreenerOptions['log']>;
  private readonly queue: Job[] = [];
  private running: RunningWorker | null = null;
  private idleTimer: unknown = null;
  private nextId = 1;
  private closed = false;
  private startError: string | null = null;
  /** Figures of the last model load and classification, for logs and benchmarks. */
  readonly stats = { loads: 0, lastLoadMs: null as number | null, restarts: 0, lastDecodeMs: null as number | null, lastInferMs: null as number | null };

  constructor(options: NsfwScreenerOptions = {}) {
    this.limits = { ...DEFAULT_IMAGE_LIMITS, ...options.limits };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 120_000;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.maxHeapMb = options.maxWorkerHeapMb ?? 512;
    this.startWorker = options.startWorker ?? startNsfwWorker;
    this.timers = options.timers ?? { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.log = options.log ?? (() => {});
  }

  /** `MediaScreener`: the verdict, or an `NsfwScreeningError` carrying the failure's kind. */
  async screen(bytes: Uint8Array): Promise<MediaScreenResult> {
    const outcome = await this.classify(bytes);
    if (!outcome.ok) throw new NsfwScreeningError(outcome.error.kind, outcome.error.message);
    return outcome.result;
  }

  /**
   * Classifies one image. Never rejects: every failure is a value. The format and size are checked
   * here first, so a GIF or an oversized image never reaches (or starts) the worker.
   */
  classify(bytes: Uint8Array): Promise<NsfwOutcome> {
    if (this.closed) return Promise.resolve(failure('closed', 'The image screener is closed.'));
    const refused = checkImage(bytes, this.limits);
    if (refused) return Promise.resolve({ ok: false, error: refused });
    return new Promise((resolve) => {
      // A copy, so the caller's buffer is not detached when it is transferred to the worker.
      this.queue.push({ bytes: bytes.slice(), resolve });
      this.pump();
    });
  }

  /** Starts the worker and loads the model now, rather than on the first image. */
  warmUp(): Promise<{ ok: true; loadMs: number } | { ok: false; error: NsfwFailure }> {
    if (this.closed) return Promise.resolve(failure('closed', 'The image screener is closed.'));
    if (this.running?.ready) return Promise.resolve({ ok: true, loadMs: this.stats.lastLoadMs ?? 0 });
    return new Promise((resolve) => {
      const running = this.ensureWorker();
      if (!running) {
        resolve(failure('model-unavailable', this.startError ?? 'The screening worker could not start.'));
        return;
      }
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') done({ ok: true, loadMs: message.loadMs });
        else if (message.type === 'load-failed') done(failure('model-unavailable', message.message));
      };
      const onExit = () => done(failure('model-unavailable', running.lastError ?? 'The screening worker stopped while loading.'));
      const done = (value: { ok: true; loadMs: number } | { ok: false; error: NsfwFailure }) => {
        running.worker.off('message', onMessage);
        running.worker.off('exit', onExit);
        resolve(value);
      };
      running.worker.on('message', onMessage);
      running.worker.on('exit', onExit);
    });
  }

  /** Fails what is queued with `closed` and ends the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearIdle();
    for (const job of this.queue.splice(0)) job.resolve(failure('closed', 'The image screener is closed.'));
    const running = this.running;
    if (running) {
      this.running = null;
      this.timers.clearTimeout(running.timer);
      running.current?.job.resolve(failure('closed', 'The image screener is closed.'));
      await running.worker.terminate();
    }
  }

  private pump(): void {
    if (this.closed || this.queue.length === 0) return;
    this.clearIdle();
    const running = this.ensureWorker();
    if (!running || !running.ready || running.current) return;
    const job = this.queue.shift()!;
    const id = this.nextId++;
    running.current = { id, job };
    running.worker.ref();
    running.timer = this.timers.setTimeout(() => {
      if (this.running !== running || running.current?.id !== id) return;
      this.log('warn', `Image screening took longer than ${this.timeoutMs} ms: the worker is restarted.`);
      running.current = null;
      job.resolve(failure('timeout', `No verdict within ${this.timeoutMs} ms.`));
      this.restart(running);
    }, this.timeoutMs);
    const request: ScreenRequest = { id, bytes: job.bytes, limits: this.limits };
    running.worker.postMessage(request, [job.bytes.buffer as ArrayBuffer]);
  }

  /** The worker, started if needed; null (and what waits failed) when it cannot start. */
  private ensureWorker(): RunningWorker | null {
    if (this.running) return this.running;
    let worker: Worker;
    try {
      worker = this.startWorker({ maxHeapMb: this.maxHeapMb });
      this.startError = null;
    } catch (error) {
      this.startError = `The screening worker could not start: ${error instanceof Error ? error.message : String(error)}`;
      this.failQueue(this.startError);
      return null;
    }
    const running: RunningWorker = { worker, ready: false, timer: null, current: null, lastError: null };
    this.running = running;
    this.stats.loads += 1;
    running.timer = this.timers.setTimeout(() => {
      if (this.running !== running || running.ready) return;
      this.failLoad(running, `The model did not load within ${this.loadTimeoutMs} ms.`);
    }, this.loadTimeoutMs);
    worker.on('message', (message: WorkerMessage) => this.onMessage(running, message));
    worker.on('error', (error) => {
      running.lastError = error instanceof Error ? error.message : String(error);
    });
    worker.on('exit', (code) => this.onExit(running, code));
    return running;
  }

  private onMessage(running: RunningWorker, message: WorkerMessage): void {
    if (this.running !== running) return;
    if (message.type === 'ready') {
      this.timers.clearTimeout(running.timer);
      running.ready = true;
      this.stats.lastLoadMs = message.loadMs;
      this.log('info', `Image screening model loaded in ${Math.round(message.loadMs)} ms.`);
      this.pump();
      this.scheduleIdle();
      return;
    }
    if (message.type === 'load-failed') {
      this.failLoad(running, message.message);
      return;
    }
    const current = running.current;
    if (!current || current.id !== message.id) return;
    this.timers.clearTimeout(running.timer);
    running.current = null;
    if (message.ok) {
      this.stats.lastDecodeMs = message.decodeMs;
      this.stats.lastInferMs = message.inferMs;
      current.job.resolve({ ok: true, result: { nsfw: message.nsfw, labels: message.labels }, decodeMs: message.decodeMs, inferMs: message.inferMs });
    } else {
      current.job.resolve(failure(message.error.kind, message.error.message));
    }
    this.pump();
    this.scheduleIdle();
  }

  private onExit(running: RunningWorker, code: number): void {
    if (this.running !== running) return;
    this.timers.clearTimeout(running.timer);
    this.running = null;
    const reason = running.lastError ?? `exit code ${code}`;
    if (!running.ready) {
      this.failQueue(`The screening worker stopped while loading the model (${reason}).`);
      return;
    }
    this.log('warn', `The image screening worker stopped (${reason}): it is restarted for the next image.`);
    this.stats.restarts += 1;
    running.current?.job.resolve(failure('worker-crashed', `The screening worker stopped on this image (${reason}).`));
    running.current = null;
    this.pump();
  }

  /** The model cannot be loaded: what waits fails now, and the next image tries again. */
  private failLoad(running: RunningWorker, message: string): void {
    this.timers.clearTimeout(running.timer);
    this.running = null;
    void running.worker.terminate();
    this.failQueue(message);
  }

  private failQueue(message: string): void {
    this.log('error', `Image screening is unavailable: ${message}`);
    for (const job of this.queue.splice(0)) job.resolve(failure('model-unavailable', message));
  }

  /** Ends a stuck worker; the next queued image starts a new one. */
  private restart(running: RunningWorker): void {
    this.timers.clearTimeout(running.timer);
    this.running = null;
    this.stats.restarts += 1;
    void running.worker.terminate();
    this.pump();
  }

  private scheduleIdle(): void {
    const running = this.running;
    if (!running || running.current || this.queue.length > 0) return;
    // Idle: the worker alone must not keep the process alive.
    running.worker.unref();
    this.clearIdle();
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = null;
      if (this.running !== running || running.current || this.queue.length > 0) return;
      this.running = null;
      void running.worker.terminate();
    }, this.idleMs);
    (this.idleTimer as { unref?: () => void } | null)?.unref?.();
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

function failure(kind: NsfwFailureKind, message: string): { ok: false; error: NsfwFailure } {
  return { ok: false, error: { kind, message } };
}
