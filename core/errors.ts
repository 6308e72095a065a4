// Errors core/ throws for input the caller got wrong. Hosts (CLI, RPC handlers) map InvalidInputError to a
// user-facing message; anything else is a bug.

/** Bad input: the message names the offending value and the allowed range. */
export class InvalidInputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** Thrown by long-running work when its AbortSignal fires. */
export class AbortError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}
