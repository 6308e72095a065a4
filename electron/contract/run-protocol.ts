// The message protocol between a host (Electron's main process, the web host, the CLI or a detached runner) and a
// run's worker process. One worker process runs one run: the host sends `start` (the kind, its prepared input and
// the last checkpoint, if resuming) and may send `cancel`; the worker answers with progress, metric batches,
// checkpoints, logs, and finally a result or an error. Both ends validate every message with these schemas: a
// malformed message is rejected and logged, never trusted. Messages travel by structured clone (Electron's
// utilityProcess, Node's fork with serialization 'advanced'), so typed arrays cross as they are.
import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors.ts';
import { describeIssue } from '../../core/zod-issues.ts';

/** Longest metric name, log line and progress label a worker may send. */
export const MAX_METRIC_NAME = 200;
export const MAX_LOG_MESSAGE = 10_000;
export const MAX_PROGRESS_LABEL = 500;
/** Most metric points in one batch (a worker flushes more often than this). */
export const MAX_METRIC_BATCH = 50_000;
/**
 * Largest chunk of a run's payload (host to worker) and largest typed array in an artifact (worker to host): one
 * message's structured clone costs the receiving or sending host about 1 ms per MiB, so no message holds it long.
 */
export const MAX_CHUNK_BYTES = 8 * 2 ** 20;

const runId = z.number().int().positive();

export const metricPoint = z.object({
  name: z.string().min(1).max(MAX_METRIC_NAME),
  step: z.number().int().nonnegative(),
  /** null for a metric that could not be computed. */
  value: z.number().nullable(),
});
export type MetricPoint = z.infer<typeof metricPoint>;

/** A checkpoint: the step it was taken at and a payload the kind understands (structured-clone safe). */
export const runCheckpoint = z.object({ step: z.number().int().nonnegative(), payload: z.unknown() });
export type RunCheckpoint = z.infer<typeof runCheckpoint>;

export const workerError = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(MAX_LOG_MESSAGE),
  field: z.string().max(MAX_METRIC_NAME).optional(),
  value: z.unknown().optional(),
  allowed: z.string().max(MAX_LOG_MESSAGE).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  /** A bug's stack, for the run's log (never shown as the message). */
  stack: z
    .string()
    .max(MAX_LOG_MESSAGE * 4)
    .optional(),
});
export type WorkerError = z.infer<typeof workerError>;

/**
 * A cloud provider job of the run's ledger (core/hardware/providers ProviderJobRecord): reported by the worker at its
 * intent (before the POST, no id yet), with its id, at each status and with its cost; given back to a resumed worker
 * so that it reattaches to its jobs instead of submitting them again.
 */
export const providerJob = z.object({
  name: z.string().min(1).max(MAX_METRIC_NAME),
  /** The optimisation step it belongs to (the run's step count when submitted), when the kind knows it. */
  step: z.number().int().nonnegative().nullable().optional(),
  providerJobId: z.string().min(1).max(MAX_METRIC_NAME).nullable(),
  status: z.enum(['submitting', 'submitted', 'ready', 'started', 'completed', 'failed', 'canceled']),
  backend: z.string().min(1).max(MAX_METRIC_NAME),
  circuits: z.number().int().positive(),
  shots: z.number().int().positive(),
  costEstimateUSD: z.number().nonnegative().nullable(),
  costUSD: z.number().nonnegative().nullable(),
  failure: z
    .object({ code: z.string().max(MAX_METRIC_NAME), error: z.string().max(MAX_LOG_MESSAGE) })
    .nullable()
    .optional(),
});
export type ProviderJobMessage = z.infer<typeof providerJob>;

export const hostToWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    runId,
    kind: z.string().min(1).max(100),
    /** What the kind's prepare step produced on the host: resolved objects, never names to look up again. */
    input: z.unknown(),
    /** The last checkpoint when resuming, else null. */
    checkpoint: runCheckpoint.nullable(),
    /** The run's provider jobs so far (its ledger), newest last: a resumed run reattaches to them. */
    jobs: z.array(providerJob).optional(),
  }),
  z.object({ type: z.literal('cancel') }),
  /** A chunk of the bytes the kind's prepare step attached (e.g. a file to import), sent after `start`, in order. */
  z.object({ type: z.literal('payload'), chunk: z.instanceof(Uint8Array).refine((c) => c.byteLength <= MAX_CHUNK_BYTES, 'is larger than MAX_CHUNK_BYTES') }),
  /** The payload is complete, or (error) the host could not read the rest: the run then fails with that error. */
  z.object({ type: z.literal('payload-end'), error: workerError.nullable() }),
]);
export type HostToWorker = z.infer<typeof hostToWorker>;

export const workerToHost = z.discriminatedUnion('type', [
  /** Sent once the worker listens: the host then sends `start`. */
  z.object({ type: z.literal('ready'), pid: z.number().int().positive() }),
  z.object({ type: z.literal('progress'), fraction: z.number().min(0).max(1), label: z.string().max(MAX_PROGRESS_LABEL).optional() }),
  z.object({ type: z.literal('metrics'), points: z.array(metricPoint).min(1).max(MAX_METRIC_BATCH) }),
  z.object({ type: z.literal('checkpoint'), checkpoint: runCheckpoint }),
  /** A provider job's change (written by the host at once: the intent must be on record before the job is submitted). */
  z.object({ type: z.literal('job'), job: providerJob }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warning', 'error']), message: z.string().max(MAX_LOG_MESSAGE) }),
  /**
   * A piece of the result sent ahead of it (e.g. a slice of an imported column), so that no single message is large:
   * the host keeps them in order and hands them to the kind's `complete` with the result, which checks them.
   */
  z.object({ type: z.literal('artifact'), artifact: z.unknown() }),
  z.object({ type: z.literal('result'), result: z.unknown() }),
  z.object({ type: z.literal('error'), error: workerError }),
]);
export type WorkerToHost = z.infer<typeof workerToHost>;

/** Why a message was rejected, in one line for the run's log (the first issues, each with its path and rule). */
export function describeRejected(error: z.ZodError, message: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'message'} ${describeIssue(i, message)}`)
    .join('; ');
}
