import { PNG } from 'pngjs';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { NSFW_LABELS } from './nsfw-model';
import { NsfwScreener, NsfwScreeningError, type ScreenerTimers } from './nsfw-screener';

/**
 * A scripted worker speaking the real protocol, so the supervision (queue, timeout, crash,
 * restart) is tested without loading the model. What it does depends on a marker in the bytes.
 */
const SCRIPTED_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.load === 'fail') {
  parentPort.postMessage({ type: 'load-failed', message: 'weights missing' });
} else if (workerData.load === 'crash') {
  process.exit(7);
} else if (workerData.load !== 'never') {
  parentPort.postMessage({ type: 'ready', loadMs: 5 });
  let pending = 0;
  let maxPending = 0;
  parentPort.on('message', (req) => {
    const text = Buffer.from(req.bytes).toString('latin1');
    if (text.includes('HANG')) return;
    if (text.includes('CRASH')) process.exit(3);
    if (text.includes('OOM')) { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); }
    pending += 1;
    maxPending = Math.max(maxPending, pending);
    setTimeout(() => {
      pending -= 1;
      const porn = text.includes('NSFW') ? 0.9 : 0.01;
      parentPort.postMessage({ type: 'result', id: req.id, ok: true, nsfw: porn,
        labels: { drawing: 0, hentai: 0, neutral: 1 - porn, porn, sexy: 0 }, decodeMs: maxPending, inferMs: 2 });
    }, 5);
  });
}`;

function scriptedWorkers(load: 'ok' | 'fail' | 'crash' | 'never' = 'ok') {
  const started: Worker[] = [];
  return {
    started,
    start: ({ maxHeapMb }: { maxHeapMb: number }) => {
      const worker = new Worker(SCRIPTED_WORKER, { eval: true, workerData: { load }, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
      started.push(worker);
      return worker;
    },
  };
}

/** Timers the test fires by hand. */
function manualTimers(): ScreenerTimers & { fire(ms: number): number } {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  return {
    setTimeout(callback, ms) {
      pending.set(++next, { callback, ms });
      return next;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    fire(ms) {
      const due = [...pending].filter(([, t]) => t.ms === ms);
      for (const [id, t] of due) {
        pending.delete(id);
        t.callback();
      }
      return due.length;
    },
  };
}

/** A small valid PNG with a marker after its end (decoders ignore trailing bytes). */
function markedPng(marker: string): Uint8Array {
  const image = new PNG({ width: 2, height: 2 });
  image.data.fill(255);
  return new Uint8Array(Buffer.concat([PNG.sync.write(image), Buffer.from(marker)]));
}

let screener: NsfwScreener | null = null;
afterEach(async () => {
  await screener?.close();
  screener = null;
});

describe('NsfwScreener supervision (scripted worker)', () => {
  it('sends one image at a time, in order, and scores from the labels', async () => {
    const workers = scriptedWorkers();
    screener = new NsfwScreener({ startWorker: workers.start });
    const outcomes = await Promise.all([screener.classify(markedPng('a NSFW')), screener.classify(markedPng('b')), screener.classify(markedPng('c NSFW'))]);
    expect(outcomes.map((o) => (o.ok ? o.result.nsfw : o.error.kind))).toEqual([0.9, 0.01, 0.9]);
    // The worker reports the most requests it ever held at once.
    expect(outcomes.map((o) => (o.ok ? o.decodeMs : null))).toEqual([1, 1, 1]);
    expect(workers.started).toHaveLength(1);
    expect(await screener.screen(markedPng('NSFW'))).toEqual({ nsfw: 0.9, labels: { drawing: 0, hentai: 0, neutral: 0.09999999999999998, porn: 0.9, sexy: 0 } });
  });

  it('answers unsupported, oversized and non-image data without starting the worker', async () => {
    const workers = scriptedWorkers();
    screener = new NsfwScreener({ startWorker: workers.start, limits: { maxBytes: 1000 } });
    expect(await screener.classify(new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')))).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(await screener.classify(new Uint8Array(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')))).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(await screener.classify(markedPng('x'.repeat(1000)))).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    expect(await screener.classify(new Uint8Array(Buffer.from('<!doctype html>')))).toMatchObject({ ok: false, error: { kind: 'undecodable' } });
    await expect(screener.screen(new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')))).rejects.toMatchObject({ name: 'NsfwScreeningError', kind: 'unsupported' });
    expect(workers.started).toHaveLength(0);
  });

  it('ends a worker that takes too long, and the next image gets a new one', async () => {
    const workers = scriptedWorkers();
    const timers = manualTimers();
    screener = new NsfwScreener({ startWorker: workers.start, timers, timeoutMs: 30_000 });
    expect(await screener.warmUp()).toEqual({ ok: true, loadMs: 5 });
    const stuck = screener.classify(markedPng('HANG'));
    const next = screener.classify(markedPng('fine'));
    expect(timers.fire(30_000)).toBe(1);
    expect(await stuck).toEqual({ ok: false, error: { kind: 'timeout', message: 'No verdict within 30000 ms.' } });
    expect(await next).toMatchObject({ ok: true, result: { nsfw: 0.01 } });
    expect(workers.started).toHaveLength(2);
    expect(screener.stats.restarts).toBe(1);
  });

  it('turns a crash or an exhausted heap into a value and restarts', async () => {
    const workers = scriptedWorkers();
    const logs: string[] = [];
    screener = new NsfwScreener({ startWorker: workers.start, maxWorkerHeapMb: 32, log: (level, m) => logs.push(`${level} ${m}`) });
    expect(await screener.classify(markedPng('CRASH'))).toMatchObject({ ok: false, error: { kind: 'worker-crashed', message: expect.stringContaining('exit code 3') } });
    expect(await screener.classify(markedPng('OOM'))).toMatchObject({ ok: false, error: { kind: 'worker-crashed' } });
    expect(await screener.classify(markedPng('NSFW'))).toMatchObject({ ok: true, result: { nsfw: 0.9 } });
    expect(workers.started).toHaveLength(3);
    expect(logs.filter((l) => l.startsWith('warn The image screening worker stopped'))).toHaveLength(2);
  });

  it('fails what waits when the model cannot load, and tries again on the next image', async () => {
    const failing = scriptedWorkers('fail');
    screener = new NsfwScreener({ startWorker: failing.start });
    const both = await Promise.all([screener.classify(markedPng('a')), screener.classify(markedPng('b'))]);
    expect(both).toEqual([
      { ok: false, error: { kind: 'model-unavailable', message: 'weights missing' } },
      { ok: false, error: { kind: 'model-unavailable', message: 'weights missing' } },
    ]);
    expect(await screener.classify(markedPng('c'))).toMatchObject({ ok: false, error: { kind: 'model-unavailable' } });
    expect(failing.started).toHaveLength(2);

    const crashing = scriptedWorkers('crash');
    const other = new NsfwScreener({ startWorker: crashing.start });
    expect(await other.classify(markedPng('a'))).toMatchObject({ ok: false, error: { kind: 'model-unavailable', message: expect.stringContaining('exit code 7') } });
    expect(await other.warmUp()).toMatchObject({ ok: false, error: { kind: 'model-unavailable' } });
    await other.close();
  });

  it('answers with a value when the worker cannot even start', async () => {
    screener = new NsfwScreener({
      startWorker: () => {
        throw new Error('no tsx here');
      },
    });
    expect(await screener.classify(markedPng('a'))).toEqual({
      ok: false,
      error: { kind: 'model-unavailable', message: 'The screening worker could not start: no tsx here' },
    });
    expect(await screener.warmUp()).toMatchObject({ ok: false, error: { kind: 'model-unavailable' } });
  });

  it('gives up on a model that does not load in time', async () => {
    const timers = manualTimers();
    screener = new NsfwScreener({ startWorker: scriptedWorkers('never').start, timers, loadTimeoutMs: 120_000 });
    const waiting = screener.classify(markedPng('a'));
    expect(timers.fire(120_000)).toBe(1);
    expect(await waiting).toEqual({ ok: false, error: { kind: 'model-unavailable', message: 'The model did not load within 120000 ms.' } });
  });

  it('fails queued images when closed, and refuses new ones', async () => {
    screener = new NsfwScreener({ startWorker: scriptedWorkers().start });
    await screener.warmUp();
    const stuck = screener.classify(markedPng('HANG'));
    const queued = screener.classify(markedPng('b'));
    await screener.close();
    expect(await stuck).toMatchObject({ ok: false, error: { kind: 'closed' } });
    expect(await queued).toMatchObject({ ok: false, error: { kind: 'closed' } });
    expect(await screener.classify(markedPng('c'))).toMatchObject({ ok: false, error: { kind: 'closed' } });
    const error = await screener.screen(markedPng('c')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NsfwScreeningError);
  });

  it('ends an idle worker and starts one again when an image comes', async () => {
    const workers = scriptedWorkers();
    const timers = manualTimers();
    screener = new NsfwScreener({ startWorker: workers.start, timers, idleMs: 600_000 });
    expect(await screener.classify(markedPng('a'))).toMatchObject({ ok: true });
    const exited = new Promise((resolve) => workers.started[0]!.once('exit', resolve));
    expect(timers.fire(600_000)).toBe(1);
    await exited;
    expect(await screener.classify(markedPng('b'))).toMatchObject({ ok: true });
    expect(workers.started).toHaveLength(2);
  });
});

describe('NsfwScreener with the real model (nsfwjs MobileNetV2 in a worker)', () => {
  /** A flat two-colour gradient: nothing in it is skin, let alone explicit. */
  function gradientPng(): Uint8Array {
    const width = 320;
    const height = 240;
    const image = new PNG({ width, height });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) image.data.set([Math.round((x * 255) / (width - 1)), Math.round((y * 255) / (height - 1)), 128, 255], (y * width + x) * 4);
    }
    return new Uint8Array(PNG.sync.write(image));
  }

  it('classifies a benign image off the main thread with all five labels', { timeout: 60_000 }, async () => {
    const logs: string[] = [];
    screener = new NsfwScreener({ log: (level, m) => logs.push(`${level} ${m}`) });
    const outcome = await screener.classify(gradientPng());
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const { labels, nsfw } = outcome.result;
    expect(Object.keys(labels).sort()).toEqual([...NSFW_LABELS]);
    expect(Object.values(labels).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(labels.porn).toBeLessThan(0.1);
    expect(labels.hentai).toBeLessThan(0.1);
    expect(labels.sexy).toBeLessThan(0.1);
    expect(nsfw).toBeLessThan(0.15);
    expect(logs.some((l) => /^info Image screening model loaded in \d+ ms\.$/.test(l))).toBe(true);
    expect(screener.stats.loads).toBe(1);
  });
});
