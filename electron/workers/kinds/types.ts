// What a run kind is: one file under electron/workers/kinds/ declares it whole, with
// - `config`, the zod schema of what a user gives (the API's runs.start, `qnnlab run start KIND`), checked by the host;
// - `prepare`, run on the host: turns the config into the worker's input through the host's services (a dataset's
//   cells, a backend resolved against the device catalog), so workers get resolved objects, never names;
// - `input`, the zod schema the worker checks the prepared input against (the protocol is validated on both ends);
// - `run`, run in the worker process: core only, reporting through the context;
// - optional host-side hooks: `onCheckpoint` (records what a checkpoint finished, e.g. an experiment's seeds as child
//   runs, in the checkpoint's transaction) and `complete` (stores what the result makes, e.g. an imported dataset).
// Kinds import core and the contract only (the worker bundle); the host passes its services in through RunHost.
import type { z } from 'zod';
import type { Dataset } from '../../../core/data/types.ts';
import type { DeviceProfile } from '../../../core/hardware/device-profile.ts';
import type { BackendTarget } from '../../../core/hardware/registry.ts';
import type { MetricPoint, RunCheckpoint } from '../../contract/run-protocol.ts';

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

/** The host's services a kind's host-side steps may use (electron/backend/runs implements them). */
export interface RunHost {
  /** A dataset's typed cells; NOT_FOUND (field 'datasetId') when it does not exist (any more). */
  dataset(id: number): HostDataset;
  /** A backend name resolved against the device catalog (a user copy shadows the built-in); VALIDATION when unknown. */
  backend(name: string): BackendTarget;
  /** Every device profile of the catalog (plain data: workers resolve nothing by name). */
  deviceProfiles(): DeviceProfile[];
}

/** What `prepare` hands the run: the worker's input and what the run's record shows. */
export interface Prepared<Input> {
  input: Input;
  /** The run's default name in lists. */
  name: string;
  datasetId?: number | null;
  datasetName?: string | null;
  seeds?: number[];
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
  prepare(config: Config, host: RunHost): Prepared<Input> | Promise<Prepared<Input>>;
  run(input: Input, ctx: RunContext): Promise<Result>;
  onCheckpoint?(checkpoint: RunCheckpoint, recorder: CheckpointRecorder): void;
  /** What the run's record keeps as its result (default: the result itself). */
  complete?(result: Result, host: RunHost): unknown | Promise<unknown>;
}

/** Declares a kind with its types inferred from its schemas. */
export function defineRunKind<C extends z.ZodType, I extends z.ZodType, R>(
  kind: Omit<RunKind<z.output<C>, z.output<I>, R>, 'config' | 'input'> & { config: C; input: I },
): RunKind<z.output<C>, z.output<I>, R> {
  return kind as unknown as RunKind<z.output<C>, z.output<I>, R>;
}
