// The job lifecycle of device backends: queued -> running -> completed | failed | cancelled, with emulated
// latency (the device's queue wait and run time, scaled down so that a demo stays quick). The app and the
// trainer work with it exactly as they will with a real provider's API.
import { AbortError } from '../errors.ts';
import type { Rng } from '../random.ts';

export type DeviceJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface DeviceJobEvent {
  jobId: string;
  status: DeviceJobStatus;
  /** Milliseconds since submission (wall clock of the emulation). */
  atMs: number;
  /** Emulated device figures: queue wait and run time in device seconds (before scaling). */
  queueSeconds: number;
  runSeconds: number;
  message?: string;
}

/**
 * Waits `ms` wall milliseconds, rejecting with AbortError as soon as `signal` fires. Injectable (DeviceJobSpec.sleep,
 * QuantumBackendOptions.sleep) so that tests run the lifecycle deterministically, without real timers.
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface DeviceJobSpec<T> {
  id: string;
  backend: string;
  circuits: number;
  shots: number;
  /** Emulated queue wait and run time, in device seconds. */
  queueSeconds: number;
  runSeconds: number;
  /** Wall milliseconds per device millisecond (default 1e-4: an hour of queue is 0.36 s); 0 for none; capped by maxDelayMs. */
  latencyScale?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onStatus?: (event: DeviceJobEvent) => void;
  /** Default: a setTimeout-based wait. */
  sleep?: Sleep;
  /** Wall clock for the events' atMs (default Date.now). */
  now?: () => number;
  /**
   * The computation itself, run when the job starts running. `signal` fires when the job is cancelled (by
   * cancel() or by the outer signal): the work should check it between chunks and stop with AbortError.
   */
  execute: (signal: AbortSignal) => T | Promise<T>;
}

export interface DeviceJob<T> {
  readonly id: string;
  readonly status: DeviceJobStatus;
  /** Every status change, in order: queued, running (when it got that far), then one terminal status. */
  readonly events: readonly DeviceJobEvent[];
  /** Resolves with the work's value on completion; rejects with AbortError when cancelled, with the work's error when failed. */
  readonly result: Promise<T>;
  /** Cancels a queued or running job; a no-op once the job has completed, failed or been cancelled. */
  cancel(): void;
}

export const DEFAULT_LATENCY_SCALE = 1e-4;
export const DEFAULT_MAX_DELAY_MS = 1500;

const TERMINAL: readonly DeviceJobStatus[] = ['completed', 'failed', 'cancelled'];

export function isTerminal(status: DeviceJobStatus): boolean {
  return TERMINAL.includes(status);
}

/** The default Sleep: setTimeout, cleared on abort. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
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

/** Submits a job; its `result` settles when it completes (resolves) or fails / is cancelled (rejects). */
export function submitDeviceJob<T>(spec: DeviceJobSpec<T>): DeviceJob<T> {
  const controller = new AbortController();
  const now = spec.now ?? Date.now;
  const sleep = spec.sleep ?? timerSleep;
  const start = now();
  const scale = spec.latencyScale ?? DEFAULT_LATENCY_SCALE;
  const maxMs = spec.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const wallMs = (deviceSeconds: number) => Math.min(maxMs, deviceSeconds * 1000 * scale);
  const events: DeviceJobEvent[] = [];
  let status: DeviceJobStatus = 'queued';
  const emit = (s: DeviceJobStatus, message?: string) => {
    status = s;
    const ev: DeviceJobEvent = { jobId: spec.id, status: s, atMs: now() - start, queueSeconds: spec.queueSeconds, runSeconds: spec.runSeconds };
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
      await sleep(wallMs(spec.queueSeconds), controller.signal);
      if (controller.signal.aborted) throw new AbortError();
      emit('running');
      const value = await spec.execute(controller.signal);
      await sleep(wallMs(spec.runSeconds), controller.signal);
      if (controller.signal.aborted) throw new AbortError();
      emit('completed');
      return value;
    } catch (e) {
      if (e instanceof AbortError || controller.signal.aborted) {
        emit('cancelled');
        throw e instanceof AbortError ? e : new AbortError();
      }
      emit('failed', e instanceof Error ? e.message : String(e));
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
    cancel: () => {
      if (!isTerminal(status)) controller.abort();
    },
  };
}

/**
 * A job id unique across processes (two workers never share one): the backend name and 96 random bits from the
 * platform's cryptographic generator (Web Crypto, present in Node and browsers alike). Ids identify; they take no
 * part in the science, so they need no seed.
 */
export function deviceJobId(backend: string): string {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(3));
  return `${backend}-${Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('')}`;
}

/** An emulated queue wait in device seconds for the profile's queue model. */
export function sampleQueueSeconds(model: 'exponential' | 'fixed', meanSeconds: number, rng: Rng): number {
  return model === 'fixed' ? meanSeconds : meanSeconds * rng.exponential();
}
