// Long synchronous fits (trees, epochs) must let the event loop run now and then: a Ctrl+C or a Cancel button aborts
// the AbortSignal from an event handler, which can only run between our tasks. `tick()` yields to the event loop at
// most every `everyMs` of work and then throws AbortError if the signal fired.
import { throwIfAborted } from '../errors.ts';

export type Tick = () => Promise<void>;

export function createTick(signal: AbortSignal | undefined, everyMs = 40): Tick {
  let last = Date.now();
  return async () => {
    throwIfAborted(signal);
    const now = Date.now();
    if (now - last < everyMs) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = Date.now();
    throwIfAborted(signal);
  };
}
