// What a run kind is: one file under electron/workers/kinds/ declares it whole, with
// - `config`, the zod schema of what a user gives (the API's runs.start, `qnnlab run start KIND`), checked by the host;
// - `prepare`, run on the host: turns the config into the worker's input through the host's services (a dataset's
//   cells, a backend resolved against the device catalog), so workers get resolved objects, never names;
// - `input`, the zod schema the worker checks the prepared input against (the protocol is validated on both ends);
// - `run`, run in the worker process: core only, reporting through the context;
// - optional host-side hooks: `onCheckpoint` (records what a checkpoint finished, e.g. an experiment's seeds as child
//   runs, in the checkpoint's transaction) and `complete` (stores what the result makes, e.g. an imported dataset).
// A kind may also attach a payload to its input (bytes streamed to the worker in chunks, e.g. a file to import) and
// send artifacts ahead of its result (e.g. an imported dataset's columns in slices), so that no message is large.
// Kinds import core and the contract only (the worker bundle); the host passes its services in through RunHost.
import type { z } from 'zod';
import type { Dataset, DatasetProfile } from '../../../core/data/types.ts';
import type { DatasetSummary, ImportSource } from '../../contract/datasets.ts';
import type { DeviceProfile } from '../../../core/hardware/device-profile.ts';
import type { BackendTarget } from '../../../core/hardware/registry.ts';
import type { IonqConnection } from '../../../core/hardware/providers/ionq/backend.ts';
import type { TrainingPlan } from '../../../core/hardware/estimate.ts';
import type { MetricPoint, ProviderJobMessage, RunCheckpoint } from '../../contract/run-protocol.ts';

/** How a kind's worker side reports. Every call is cheap: the worker batches and rate-limits what it sends. */
export interface RunContext {
  readonly runId: number;
  /** Fires when the host cancels the run (or the host goes away). */
  readonly signal: AbortSignal;
  /** The last checkpoint when the run resumes, else null. */
  readonly resumeFrom: RunCheckpoint | null;
  /** Overall completion, 0..1, and a short label (sent at most a few times a second). */
  progress(fraction: number, label?: string): void;
  /** One point of a metric's time series (batched; a checkpoint or the result flushes the batch first). */
  metric(name: string, step: number, value: number | null): void;
  /** A checkpoint to resume from: a crash loses at most what came after the last one. */
  checkpoint(step: number, payload: unknown): void;
  log(level: 'info' | 'warning' | 'error', message: string): void;
  /** The payload the kind's prepare step attached, whole once its last chunk arrived (rejects on cancel or a read error). */
  payload(): Promise<Uint8Array>;
  /** A piece of the result sent ahead of it (at most MAX_CHUNK_BYTES of typed arrays); `complete` receives them in order. */
  artifact(value: unknown): void;
  /** The run's provider jobs recorded before this start (a resumed run reattaches to them), oldest first. */
  readonly providerJobs?: readonly ProviderJobMessage[];
  /** Reports a provider job's change; the host records it at once (the intent before the job is submitted). */
  job?(job: ProviderJobMessage): void;
}

/** A dataset as the host hands it to a kind: its typed cells and its record. */
export interface HostDataset {
  id: number;
  name: string;
  source: string;
  dataset: Dataset;
}

/** A finished child run (e.g. one method and seed of an experiment), recorded with its metrics. */
export interface ChildRecord {
  kind: string;
  name: string;
  config: unknown;
  seeds: number[];
  result: unknown;
  metrics: MetricPoint[];
  durationMs?: number;
}

/** Bytes a run's worker needs besides its input (a file to import), streamed to it in chunks after `start`. */
export interface RunPayload {
  /** The size stated when prepared (the chunks may say otherwise: the reader enforces its limit). */
  readonly bytes: number;
  /** The bytes, in chunks of at most MAX_CHUNK_BYTES; read once, when the run starts. */
  chunks(signal: AbortSignal): AsyncIterable<Uint8Array>;
  /** Called once when the run has ended, whatever the outcome, or was dropped before it started (e.g. deletes an upload). */
  dispose(): Promise<void>;
}

/** Where a dataset written by a run reports. */
export interface WriteProgress {
  /** Checked between slices: once it fires, what was written is removed (CANCELLED). */
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** The host's services a kind's host-side steps may use (electron/backend/runs implements them). */
export interface RunHost {
  /** A dataset's typed cells; NOT_FOUND (field 'datasetId') when it does not exist (any more). */
  dataset(id: number): HostDataset;
  /** A backend name resolved against the device catalog (a user copy shadows the built-in); VALIDATION when unknown. */
  backend(name: string): BackendTarget;
  /** Every device profile of the catalog (plain data: workers resolve nothing by name). */
  deviceProfiles(): DeviceProfile[];
  /** The cloud provider's address and key (the host's environment or the desktop app's encrypted store). */
  providerConnection?(): IonqConnection;
  /** The budget per run of Settings (USD), when one is set: a cloud run stops before its spend would pass it. */
  labBudgetUSD?(): number | undefined;
  // The import kind's services: every engine's host has them (run-host.ts); a partial host (the CLI's in-process
  // training) may leave them out.
  /** The bytes of a file to import as a payload (an upload is deleted when the run ends); refusals name `source.*`. */
  importFile?(source: ImportSource): Promise<RunPayload>;
  /**
   * Stores an imported dataset without holding the host's thread: written in slices, hidden until one last
   * transaction shows it whole; on failure or cancel nothing of it stays. Emits the datasets' change event.
   */
  importDataset?(dataset: Dataset, profile: DatasetProfile, meta: { name: string; source: string }, progress?: WriteProgress): Promise<DatasetSummary>;
}

/** What `prepare` hands the run: the worker's input and what the run's record shows. */
export interface Prepared<Input> {
  input: Input;
  /** Bytes streamed to the worker after `start` (ctx.payload()); disposed when the run ends. */
  payload?: RunPayload;
  /** The run's default name in lists. */
  name: string;
  datasetId?: number | null;
  datasetName?: string | null;
  seeds?: number[];
}

/** What a kind's `complete` gets besides the result. */
export interface Completion {
  /** The worker's artifacts, in the order sent (unchecked: the kind checks them). */
  artifacts: readonly unknown[];
  /** Fires when the run is cancelled while it completes. */
  signal: AbortSignal;
  /** The run's progress while it completes (e.g. writing a dataset). */
  progress(fraction: number, label?: string): void;
}

/** Host-side writes allowed inside a checkpoint's transaction. */
export interface CheckpointRecorder {
  recordChildren(children: readonly ChildRecord[]): void;
}

export interface RunKind<Config = any, Input = any, Result = any> {
  readonly kind: string;
  /** One line for help texts and the new-run page. */
  readonly description: string;
  readonly config: z.ZodType<Config>;
  readonly input: z.ZodType<Input>;
  /** Whether an interrupted, failed or cancelled run of this kind can resume (from its last checkpoint). */
  readonly resumable: boolean;
  /**
   * How a resumed run treats the metric points recorded after its last checkpoint. 'after-checkpoint' (default): metric
   * steps count the checkpoint's steps (training), so the points after it go and are recorded again. 'keep': the kind's
   * steps are its own (an experiment's per-seed loss series); a rerun rewrites the same steps with the same values.
   */
  readonly resumeMetrics?: 'after-checkpoint' | 'keep';
  prepare(config: Config, host: RunHost): Prepared<Input> | Promise<Prepared<Input>>;
  run(input: Input, ctx: RunContext): Promise<Result>;
  /** What a prepared run would submit to a device (null: nothing): estimated before it is queued and checked against the budget. */
  estimate?(input: Input): TrainingPlan | null;
  /** The cloud backend a prepared run submits jobs to when it has no plan to estimate (an imputation's qnn-mice), else null. */
  cloudBackend?(input: Input): BackendTarget | null;
  onCheckpoint?(checkpoint: RunCheckpoint, recorder: CheckpointRecorder): void;
  /** What the run's record keeps as its result (default: the result itself). */
  complete?(result: Result, host: RunHost, completion: Completion): unknown | Promise<unknown>;
}

/** Declares a kind with its types inferred from its schemas. */
export function defineRunKind<C extends z.ZodType, I extends z.ZodType, R>(
  kind: Omit<RunKind<z.output<C>, z.output<I>, R>, 'config' | 'input'> & { config: C; input: I },
): RunKind<z.output<C>, z.output<I>, R> {
  return kind as unknown as RunKind<z.output<C>, z.output<I>, R>;
}
