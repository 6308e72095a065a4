// The job lifecycle of device backends: queued -> running -> completed | failed | cancelled, with emulated
// latency (the device's queue wait and run time, scaled down so that a demo stays quick). The app and the
// trainer work with it exactly as they will with a real provider's API.
import { AbortError } from '../errors.ts';
import type { Rng } from '../random.ts';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobEvent {
  jobId: string;
  status: JobStatus;
  /** Milliseconds since submission (wall clock of the emulation). */
  atMs: number;
  /** Emulated device figures: queue wait and run time in device seconds (before scaling). */
  queueSeconds: number;
  runSeconds: number;
  message?: string;
}

export interface JobSpec<T> {
  id: string;
  backend: string;
  circuits: number;
  shots: number;
  /** Emulated queue wait and run time, in device seconds. */
  queueSeconds: number;
  runSeconds: number;
  /** Wall milliseconds per device second (default 1e-4 s/s: an hour of queue is 0.36 s); capped by maxDelayMs. */
  latencyScale?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onStatus?: (event: JobEvent) => void;
  /** The computation itself, run when the job starts running. */
  execute: () => T | Promise<T>;
}

export interface Job<T> {
  readonly id: string;
  readonly status: JobStatus;
  readonly events: readonly JobEvent[];
  readonly result: Promise<T>;
  cancel(): void;
}

export const DEFAULT_LATENCY_SCALE = 1e-4;
export const DEFAULT_MAX_DELAY_MS = 1500;

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortError());
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Submits a job; its `result` settles when it completes (resolves) or fails / is cancelled (rejects). */
export function submitJob<T>(spec: JobSpec<T>): Job<T> {
  const controller = new AbortController();
  const start = Date.now();
  const scale = spec.latencyScale ?? DEFAULT_LATENCY_SCALE;
  const maxMs = spec.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const events: JobEvent[] = [];
  let status: JobStatus = 'queued';
  const emit = (s: JobStatus, message?: string) => {
    status = s;
    const ev: JobEvent = { jobId: spec.id, status: s, atMs: Date.now() - start, queueSeconds: spec.queueSeconds, runSeconds: spec.runSeconds };
    if (message) ev.message = message;
    events.push(ev);
    spec.onStatus?.(ev);
  };
  const onOuterAbort = () => controller.abort();
  spec.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (spec.signal?.aborted) controller.abort();
  emit('queued');
  const result = (async () => {
    try {
      await delay(Math.min(maxMs, spec.queueSeconds * 1000 * scale), controller.signal);
      emit('running');
      const value = await spec.execute();
      await delay(Math.min(maxMs, spec.runSeconds * 1000 * scale), controller.signal);
      if (controller.signal.aborted) throw new AbortError();
      emit('completed');
      return value;
    } catch (e) {
      if (e instanceof AbortError || controller.signal.aborted) {
        emit('cancelled');
        throw e instanceof AbortError ? e : new AbortError();
      }
      emit('failed', (e as Error).message);
      throw e;
    } finally {
      spec.signal?.removeEventListener('abort', onOuterAbort);
    }
  })();
  return {
    id: spec.id,
    get status() {
      return status;
    },
    events,
    result,
    cancel: () => controller.abort(),
  };
}

/** An emulated queue wait in device seconds for the profile's queue model. */
export function sampleQueueSeconds(model: 'exponential' | 'fixed', meanSeconds: number, rng: Rng): number {
  return model === 'fixed' ? meanSeconds : meanSeconds * rng.exponential();
}
