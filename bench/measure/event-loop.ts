/**
 * How long the core keeps Node's event loop from running other work (the web bridge, timers, IPC):
 * the UI waits that long for any answer. `monitorEventLoopDelay` samples the loop; the bench
 * yields to the loop around each core call, so each stall it sees is one call (or the bench's
 * own work between calls, which is small: generating one page of messages).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface StallFigures {
  /** The longest time the loop could not run, ms (sampled every millisecond). */
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  /** Loop turns sampled. */
  samples: number;
}

export interface StallMeter {
  /** Lets the loop run (and be sampled) before and after a unit of work. */
  around<T>(work: () => T | Promise<T>): Promise<T>;
  /** Stops sampling; the figures of the whole phase. */
  stop(): StallFigures;
}

const ms = (ns: number) => ns / 1e6;

/** Samples the event loop from now until `stop()`. */
export function startStallMeter(): StallMeter {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  return {
    async around(work) {
      await nextTurn();
      const result = await work();
      await nextTurn();
      return result;
    },
    stop() {
      histogram.disable();
      return {
        maxMs: ms(histogram.max),
        p99Ms: ms(histogram.percentile(99)),
        meanMs: ms(histogram.mean),
        samples: histogram.count,
      };
    },
  };
}
