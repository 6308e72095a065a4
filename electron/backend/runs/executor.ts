// Where runs execute. The engine hands an executor prepared jobs and hears back validated protocol messages and the
// job's end; it never knows whether the job ran in a local worker process or elsewhere. The local executor starts one
// worker process per run through a WorkerLauncher (fork here, utilityProcess under Electron). A cluster executor
// (Slurm job arrays) fits the same interface: `execute` would write the job to a shared folder and submit it, the
// worker entry would talk through a file- or socket-backed port, and `capacity` would be the array's width.
import {
  describeRejected,
  workerToHost,
  type ProviderJobMessage,
  type RunCheckpoint,
  type WorkerError,
  type WorkerToHost,
} from '../../contract/run-protocol.ts';
import type { RunPayload } from '../../workers/kinds/types.ts';
import { toApiError } from '../errors.ts';
import type { WorkerExit, WorkerLauncher, WorkerProcess } from './launcher.ts';

export interface RunJob {
  runId: number;
  kind: string;
  /** The kind's prepared input (plain data; typed arrays allowed). */
  input: unknown;
  checkpoint: RunCheckpoint | null;
  /** The run's provider jobs so far (its ledger): a resumed run reattaches to them. */
  jobs?: ProviderJobMessage[];
  /** Bytes to stream to the job after its start (Prepared.payload). */
  payload?: RunPayload | null;
}

export interface ExecutionListener {
  /** A message that passed the protocol's schema. */
  message(message: WorkerToHost): void;
  /** A message that did not: it is dropped; the reason goes to the run's log. */
  rejected(reason: string): void;
  /** The job ended, however it ended (after its final message, if it sent one). `started`: whether it ever said ready. */
  exit(exit: WorkerExit & { started: boolean }): void;
}

export interface Execution {
  readonly pid: number | null;
  /** Asks the job to stop (it ends with a CANCELLED error, or is killed if it does not). */
  cancel(): void;
  /** Ends the job at once. */
  kill(): void;
}

export interface RunExecutor {
  /** Shown in logs, e.g. 'local (2 workers)'. */
  readonly name: string;
  /** How many jobs may run at once. */
  readonly capacity: number;
  execute(job: RunJob, listener: ExecutionListener): Execution;
}

/** One worker process per run, at most `capacity` at once (the engine keeps the count). */
export function localExecutor(launcher: WorkerLauncher, capacity: number): RunExecutor {
  return {
    name: `local (${capacity} worker${capacity === 1 ? '' : 's'})`,
    capacity,
    execute(job, listener) {
      const worker: WorkerProcess = launcher.launch();
      let started = false;
      let cancelAsked = false;
      // Stops the payload's stream once the job is cancelled or gone.
      const stopped = new AbortController();
      worker.onMessage((raw) => {
        const parsed = workerToHost.safeParse(raw);
        if (!parsed.success) return listener.rejected(describeRejected(parsed.error, raw));
        const m = parsed.data;
        if (m.type === 'ready') {
          if (started) return listener.rejected('a second ready message');
          started = true;
          worker.send({ type: 'start', runId: job.runId, kind: job.kind, input: job.input, checkpoint: job.checkpoint, jobs: job.jobs ?? [] });
          if (job.payload) void streamPayload(worker, job.payload, stopped.signal);
          if (cancelAsked) worker.send({ type: 'cancel' });
        }
        listener.message(m);
      });
      worker.onExit((exit) => {
        stopped.abort();
        listener.exit({ ...exit, started });
      });
      return {
        get pid() {
          return worker.pid;
        },
        cancel() {
          cancelAsked = true;
          stopped.abort();
          if (started) worker.send({ type: 'cancel' });
        },
        kill: () => worker.kill(),
      };
    },
  };
}

/**
 * Streams a payload to a worker, one chunk per message, each sent once the previous one has left: a chunk costs the
 * host about a millisecond, and the event loop turns between chunks (one 200 MB message would hold it ~100 ms).
 * Ends with `payload-end`, carrying the error when the bytes could not be read (the run then fails with it).
 */
export async function streamPayload(worker: Pick<WorkerProcess, 'send'>, payload: RunPayload, signal: AbortSignal): Promise<void> {
  const sent = (message: unknown) => new Promise<void>((resolve) => worker.send(message, resolve));
  let error: WorkerError | null = null;
  try {
    for await (const chunk of payload.chunks(signal)) {
      if (signal.aborted) return;
      await sent({ type: 'payload', chunk });
    }
  } catch (e) {
    if (signal.aborted) return;
    const { code, message, field, value, allowed, details } = toApiError(e, { action: "reading the run's payload" });
    error = { code, message, field, value, allowed, details: details as Record<string, unknown> | undefined };
  }
  if (!signal.aborted) worker.send({ type: 'payload-end', error });
}
