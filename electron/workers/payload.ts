// The worker's end of a run's payload (e.g. a file to import): chunks gathered as they arrive after `start`, whole
// at `payload-end`, or the host's error when it could not read the rest. The host streams it in chunks so that no
// single message holds its thread (a 200 MB message costs it about 100 ms to serialise).
import { AbortError, LabError } from '../../core/errors.ts';
import type { WorkerError } from '../contract/run-protocol.ts';

export class PayloadReceiver {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private outcome: { bytes: Uint8Array } | { error: LabError } | null = null;
  private readonly waiting: (() => void)[] = [];

  /** A chunk, in order; false once the payload has ended (the chunk is dropped). */
  accept(chunk: Uint8Array): boolean {
    if (this.outcome) return false;
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    return true;
  }

  /** The last message: the payload is whole, or the host's reason why it is not. False when it had ended already. */
  end(error: WorkerError | null): boolean {
    if (this.outcome) return false;
    if (error) {
      const { code, message, field, value, allowed, details } = error;
      this.outcome = { error: new LabError(code, message, { field, value, allowed, details }) };
    } else {
      this.outcome = { bytes: this.chunks.length === 1 ? this.chunks[0] : concat(this.chunks, this.size) };
    }
    this.chunks = [];
    for (const wake of this.waiting.splice(0)) wake();
    return true;
  }

  /** The whole payload once it has arrived; rejects with the host's error, or CANCELLED when `signal` fires first. */
  async whole(signal?: AbortSignal): Promise<Uint8Array> {
    if (!this.outcome) {
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    if (!this.outcome) throw new AbortError();
    if ('error' in this.outcome) throw this.outcome.error;
    return this.outcome.bytes;
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
