// Cooperative long work, the one way core/ yields: synchronous loops (shots, gates, trees, epochs, training steps) ask
// `due()` cheaply and, every few milliseconds, `await pause()`, which yields to the event loop so that a timer, a UI
// event, a worker's cancel message or a SIGINT handler can run and abort, then throws AbortError if the signal fired.
// So a long run stops within a few milliseconds of an abort.
import { throwIfAborted } from './errors.ts';

/** Milliseconds of work between two yields to the event loop. */
export const YIELD_EVERY_MS = 10;

// setImmediate (Node, Electron's utility processes) costs microseconds; setTimeout(0) (browsers) about a millisecond.
const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((resolve) => setImmediate(resolve)) : () => new Promise((resolve) => setTimeout(resolve, 0));

export class Pacer {
  private last = performance.now();

  constructor(
    private readonly signal?: AbortSignal,
    private readonly everyMs = YIELD_EVERY_MS,
  ) {}

  /** True when the work since the last pause has run for the interval or longer. */
  due(): boolean {
    return performance.now() - this.last >= this.everyMs;
  }

  /** Yields to the event loop; throws AbortError when the signal has fired (before or during the yield). */
  async pause(): Promise<void> {
    throwIfAborted(this.signal);
    await yieldToEventLoop();
    throwIfAborted(this.signal);
    this.last = performance.now();
  }

  /** For coarse loops (one tree, one epoch): throws when aborted, and yields when the interval has passed. */
  async tick(): Promise<void> {
    throwIfAborted(this.signal);
    if (this.due()) await this.pause();
  }
}

/**
 * Long synchronous work written once as a generator that yields its completion (0..1) every few thousand items, so
 * the same code runs at once (runSteps: the CLI, tests, small files) or paced (runStepsPaced: a worker that must see
 * a cancel and report progress). A yield costs nanoseconds; only the paced form ever leaves the event loop's turn.
 */
export type Steps<T> = Generator<number, T, void>;

/** Runs work steps to their end without yielding to the event loop. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs work steps, yielding to the event loop (Pacer) every few milliseconds and reporting the latest fraction then;
 * throws AbortError when `signal` fires (the generator is closed, so its `finally` blocks run).
 */
export async function runStepsPaced<T>(steps: Steps<T>, options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {}): Promise<T> {
  throwIfAborted(options.signal);
  const pacer = new Pacer(options.signal);
  try {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (pacer.due()) {
        options.onProgress?.(next.value);
        await pacer.pause();
      }
    }
  } finally {
    steps.return(undefined as never);
  }
}
