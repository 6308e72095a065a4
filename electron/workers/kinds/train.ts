// Run kind `train`: the layer-wise trainer on the toy task (learn a random target butterfly) or on a dataset (predict a
// column with the hybrid QNN regressor's layout), exactly or through any backend. `qnnlab train` runs the same
// prepare and run in its own process; `qnnlab run start train` and the app run them in a worker. Progress, the loss
// and circuit counts per step stream as metrics; the trainer's checkpoints (every N steps or seconds and each epoch)
// resume to the same parameters, to the last bit, as an uninterrupted run.
import { z } from 'zod';
import { InvalidInputError } from '../../../core/errors.ts';
import { type HardwareGradientMethod } from '../../../core/gradients/registry.ts';
import { checkBudget, estimateTraining, type TrainingEstimate, type TrainingPlan } from '../../../core/hardware/estimate.ts';
import type { QuantumBackend } from '../../../core/hardware/quantum-backend.ts';
import { createQuantumBackend, EMULATION_NOTE, type BackendTarget } from '../../../core/hardware/registry.ts';
import type { IonqConnection, ProviderJobRecord, ProviderJournal } from '../../../core/hardware/providers/ionq/backend.ts';
import { checkIonqShots, IONQ_DEFAULT_URL } from '../../../core/hardware/providers/ionq/backends.ts';
import { NO_KEY_MESSAGE } from '../../../core/hardware/providers/ionq/client.ts';
import { datasetTask } from '../../../core/impute/qnn-task.ts';
import { TRAIN_DEFAULTS } from '../../../core/limits.ts';
import { butterflyParameterCount } from '../../../core/quantum/butterfly.ts';
import { forwardBatch } from '../../../core/quantum/unary-simulator.ts';
import { checkLayers, checkQubits } from '../../../core/quantum/validate.ts';
import { resolveOptions, trainLayerwise, type LayerwiseOptions, type TrainCheckpoint, type TrainProgress } from '../../../core/train/layerwise.ts';
import { mseLoss, type OutputLoss } from '../../../core/train/losses.ts';
import { orthogonalMapTask } from '../../../core/train/tasks.ts';
import { TRAIN_METRICS } from '../../contract/runs.ts';
import { defineRunKind, type HostDataset, type RunContext, type RunHost } from './types.ts';
import { TOY_SAMPLES, trainConfig, type TrainConfig } from '../../contract/run-configs.ts';

// The config schema lives in the contract (the New run page validates with it); re-exported for the kind's users.
export { TOY_SAMPLES, trainConfig, type TrainConfig };

/** The worker's input: the config, with the backend and the dataset resolved on the host. */
export interface TrainInput {
  config: TrainConfig;
  backend: BackendTarget | null;
  dataset: HostDataset | null;
  /** A cloud backend's address and key, from the host (never stored with the run). */
  connection?: IonqConnection | null;
  /** A cloud run's spend limit: the lower of the run's budget and the Settings budget per run. */
  spendLimitUSD?: number;
}

export const trainInput = z.custom<TrainInput>(
  (v) => typeof v === 'object' && v !== null && trainConfig.safeParse((v as TrainInput).config).success && 'backend' in v && 'dataset' in v,
  'a prepared training (config, backend, dataset)',
);

export function prepareTraining(config: TrainConfig, host: Pick<RunHost, 'backend' | 'dataset' | 'providerConnection' | 'labBudgetUSD'>) {
  // The toy task's register is known here: a wrong size is refused before the run is queued (a dataset's in the worker).
  if (config.datasetId === undefined) {
    checkQubits(config.qubits);
    checkLayers(config.layers, config.qubits!);
    const most = Math.log2(config.qubits!);
    if (config.targetLayers !== undefined && config.targetLayers > most) {
      throw new InvalidInputError(`targetLayers must be at most log2(${config.qubits}) = ${most}; got ${config.targetLayers}`, {
        field: 'targetLayers',
        value: config.targetLayers,
        allowed: `1 to ${most}`,
      });
    }
  }
  const backend = config.backend === undefined ? null : host.backend(config.backend);
  // A cloud backend: its key and what IonQ accepts are checked before the run is queued.
  const connection = backend?.provider ? (host.providerConnection?.() ?? { url: IONQ_DEFAULT_URL, apiKey: null }) : null;
  if (backend?.provider) {
    if (!connection?.apiKey) throw new InvalidInputError(NO_KEY_MESSAGE, { field: 'apiKey' });
    if (config.shots !== undefined) checkIonqShots(config.shots, config.debiasing === true);
  }
  // Shots a backend needs are asked for before the run is queued (a dataset run's register is counted in the worker).
  createBackend(backend, config, config.datasetId === undefined ? config.qubits : undefined, connection);
  const dataset = config.datasetId === undefined ? null : host.dataset(config.datasetId);
  const on = backend ? ` on ${backend.name}` : '';
  const name = dataset ? `train ${dataset.name}: ${config.target}${on}` : `train toy task, ${config.qubits} qubits, ${config.layers} layers${on}`;
  return {
    input: {
      config,
      backend,
      dataset,
      connection,
      spendLimitUSD: spendLimit(config.budget, backend?.provider ? host.labBudgetUSD?.() : undefined),
    } satisfies TrainInput,
    name,
    datasetId: dataset?.id ?? null,
    datasetName: dataset?.name ?? null,
    seeds: [config.seed ?? TRAIN_DEFAULTS.seed],
  };
}

/** The lower of two budgets, either may be absent. */
function spendLimit(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** The progress label: phase, epoch, step, loss, circuits so far and the step's kept fraction. */
export function trainProgressLabel(p: TrainProgress): string {
  const phase = p.phase === 'layer' ? `layer ${p.layer}` : 'fine-tune';
  return `${phase} epoch ${p.epoch} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toExponential(3)} circuits ${p.circuits} kept ${(100 * p.keptFraction).toFixed(1)}%`;
}

/** The one-line estimate shown before a device run. */
export function estimateLine(e: TrainingEstimate): string {
  const hours = (s: number) => `${(s / 3600).toFixed(2)} h`;
  return (
    `estimate for ${e.backend}: ${e.circuits} circuits (${e.gradientCircuits} gradient, ${e.forwardCircuits} forward), ${e.shots} shots, ` +
    `device ${hours(e.deviceSeconds)} + queue ${hours(e.queueSeconds)} over ${e.jobs} jobs, cost ${e.costUSD.toFixed(2)} USD`
  );
}

interface Task {
  description: Record<string, unknown>;
  qubits: number;
  layers: number;
  rows: number;
  inputs: Float64Array;
  loss: OutputLoss;
}

function buildTask(input: TrainInput): Task {
  const c = input.config;
  const seed = c.seed ?? TRAIN_DEFAULTS.seed;
  if (input.dataset) {
    const t = datasetTask(input.dataset.dataset, c.target!, { qubits: c.qubits });
    const layers = c.layers ?? Math.log2(t.qubits);
    checkLayers(layers, t.qubits);
    return {
      description: {
        kind: 'dataset',
        datasetId: input.dataset.id,
        dataset: input.dataset.name,
        target: c.target,
        predictors: t.predictors,
        rows: t.rows,
        yMean: t.yMean,
        ySd: t.ySd,
      },
      qubits: t.qubits,
      layers,
      rows: t.rows,
      inputs: t.inputs,
      loss: t.loss,
    };
  }
  const n = c.qubits!;
  const layers = c.layers!;
  checkQubits(n);
  checkLayers(layers, n);
  const targetLayers = c.targetLayers ?? layers;
  const samples = c.samples ?? TOY_SAMPLES;
  const task = orthogonalMapTask(n, targetLayers, samples, seed);
  return {
    description: { kind: 'orthogonal-map', qubits: n, targetLayers, samples, seed },
    qubits: n,
    layers,
    rows: samples,
    inputs: task.inputs,
    loss: mseLoss(task.targets, n),
  };
}

/**
 * The run's backend (none: the fast exact path), refused without shots where it cannot give exact results. `qubits`
 * undefined (a dataset run before its predictors are counted): only a backend that never gives exact results is refused.
 */
function createBackend(
  target: BackendTarget | null,
  c: TrainConfig,
  qubits: number | undefined,
  connection?: IonqConnection | null,
  journal?: ProviderJournal,
): QuantumBackend | undefined {
  if (!target) return undefined;
  const provider = target.provider
    ? {
        connection: connection ?? { url: IONQ_DEFAULT_URL, apiKey: null },
        noiseModel: c.noiseModel,
        debiasing: c.debiasing,
        aggregation: c.aggregation,
        journal,
      }
    : undefined;
  const backend = createQuantumBackend(target, { ...c.noise, latencyScale: c.latencyScale, provider });
  if (qubits === undefined && backend.exact) return backend;
  const needsShots = !backend.exact || (backend.exactMaxQubits !== undefined && qubits! > backend.exactMaxQubits);
  if (c.shots === undefined && needsShots) {
    const why = backend.device
      ? 'a device backend measures shots'
      : backend.exact
        ? `exact results on ${target.name} take at most ${backend.exactMaxQubits} qubits`
        : `${target.name} returns shot estimates`;
    throw new InvalidInputError(`backend ${target.name} needs shots (${why}), e.g. 1000`, { field: 'shots' });
  }
  return backend;
}

export interface TrainHooks {
  signal?: AbortSignal;
  resumeFrom?: TrainCheckpoint;
  onProgress?(p: TrainProgress): void;
  onCheckpoint?(c: TrainCheckpoint): void;
  /** Before training: the estimate of a device run (then checked against the budget, so a refusal follows the figures it refuses). */
  onEstimate?(e: TrainingEstimate): void;
  /** A cloud run's job ledger (reattach on resume, spend against the budget). */
  journal?: ProviderJournal;
}

/** The trainer's options for a prepared training (one mapping: the run and its estimate). */
function layerwiseOptions(input: TrainInput, task: Task, backend: QuantumBackend | undefined, hooks: TrainHooks): LayerwiseOptions {
  const c = input.config;
  return {
    qubits: task.qubits,
    layers: task.layers,
    inputs: task.inputs,
    loss: task.loss,
    seed: c.seed ?? TRAIN_DEFAULTS.seed,
    epochsPerLayer: c.epochs,
    batchSize: c.batch,
    fineTuneEpochs: c.fineTuneEpochs,
    learningRate: c.lr,
    optimiser: c.optimiser ?? TRAIN_DEFAULTS.optimiser,
    method: c.method ?? TRAIN_DEFAULTS.method,
    shots: c.shots,
    backend,
    signal: hooks.signal,
    resumeFrom: hooks.resumeFrom,
    onProgress: hooks.onProgress,
    onCheckpoint: hooks.onCheckpoint,
  };
}

/** A device run's plan as the estimator counts it (null off a device): what the run estimates and checks against budgets. */
function devicePlan(input: TrainInput, task: Task, resolved: ReturnType<typeof resolveOptions>): TrainingPlan | null {
  if (!input.backend?.profile) return null;
  return {
    qubits: task.qubits,
    layers: task.layers,
    samples: task.rows,
    epochs: resolved.epochsPerLayer,
    shots: resolved.shots!,
    method: resolved.method as HardwareGradientMethod,
    backend: input.backend,
    batchSize: resolved.batchSize,
    fineTuneEpochs: resolved.fineTuneEpochs,
  };
}

/**
 * The plan of a prepared training on a device, or null off a device: the host estimates it before the run is queued
 * (the New run page's estimate, runs.start's budget guard), with the very task and options the run will use.
 */
export function trainingPlan(input: TrainInput): TrainingPlan | null {
  if (!input.backend?.profile) return null;
  const task = buildTask(input);
  return devicePlan(input, task, resolveOptions(layerwiseOptions(input, task, createBackend(input.backend, input.config, task.qubits, input.connection), {})));
}

/** Trains as configured: the summary `qnnlab train --json` prints and a train run keeps as its result. */
export async function runTraining(input: TrainInput, hooks: TrainHooks = {}) {
  const c = input.config;
  const task = buildTask(input);
  const backend = createBackend(input.backend, input.config, task.qubits, input.connection, hooks.journal);
  const options = layerwiseOptions(input, task, backend, hooks);
  // Every option validated once (e.g. adjoint with a backend) before anything is estimated or submitted.
  const resolved = resolveOptions(options);
  const plan = devicePlan(input, task, resolved);
  let estimate: TrainingEstimate | null = null;
  if (plan) {
    estimate = estimateTraining(plan);
    hooks.onEstimate?.(estimate);
    checkBudget(estimate, c.budget);
  }
  const all = Int32Array.from({ length: task.rows }, (_, k) => k);
  const initialLoss = task.loss.evaluate(
    forwardBatch(task.inputs, task.qubits, task.layers, new Float64Array(butterflyParameterCount(task.qubits, task.layers))),
    all,
    task.qubits,
    task.loss.initialExtra?.() ?? new Float64Array(0),
  ).value;
  const result = await trainLayerwise(options);
  return {
    task: task.description,
    backend: input.backend?.name ?? null,
    emulated: !!input.backend?.profile && !input.backend.provider,
    options: result.options,
    estimate,
    initialLoss,
    finalLoss: result.finalLoss,
    keptFraction: result.keptFraction,
    parameters: result.params,
    extra: result.extra,
    circuits: result.circuits,
    circuitsPerSamplePerStep: result.circuitsPerSamplePerStep,
    history: result.history,
  };
}
export type TrainSummary = Awaited<ReturnType<typeof runTraining>>;

/** What a cloud backend is (shown where the emulation note is for device profiles). */
export function cloudNote(target: BackendTarget): string {
  return target.profile
    ? "submitted to IonQ's quantum computer: its jobs are charged to your IonQ account"
    : "submitted to IonQ's cloud simulator (not charged)";
}

/**
 * A run's provider journal over its context: the ledger the host gave at start (reattach on resume), each change
 * reported to the host with the step it belongs to, and the spend so far against the run's budget.
 */
export function runJournal(ctx: Pick<RunContext, 'runId' | 'providerJobs' | 'job'>, budgetUSD: number | undefined, step: () => number): ProviderJournal {
  const jobs = new Map<string, ProviderJobRecord>();
  for (const j of ctx.providerJobs ?? []) jobs.set(j.name, { ...j, failure: j.failure ?? null });
  const prior = new Map(jobs);
  return {
    scope: `run${ctx.runId}`,
    find: (name) => prior.get(name),
    record(job) {
      jobs.set(job.name, job);
      ctx.job?.({ ...job, step: step() + 1 });
    },
    budgetUSD,
    spentUSD: () =>
      [...jobs.values()].reduce((s, j) => s + (j.costUSD ?? (j.status === 'failed' || j.status === 'canceled' ? 0 : (j.costEstimateUSD ?? 0))), 0),
  };
}

export const trainKind = defineRunKind({
  kind: 'train',
  description: 'Train a butterfly QNN layer-wise on the toy task or a dataset column, exactly or through a backend',
  config: trainConfig,
  input: trainInput,
  resumable: true,
  prepare: prepareTraining,
  estimate: trainingPlan,
  async run(input: TrainInput, ctx) {
    let stepsDone = (ctx.resumeFrom?.payload as TrainCheckpoint | undefined)?.stepsDone ?? 0;
    return runTraining(input, {
      signal: ctx.signal,
      resumeFrom: (ctx.resumeFrom?.payload as TrainCheckpoint | undefined) ?? undefined,
      onEstimate: (e) => {
        ctx.log('info', estimateLine(e));
        ctx.log('info', `${e.backend}: ${input.backend?.provider ? cloudNote(input.backend) : EMULATION_NOTE}`);
      },
      journal: input.backend?.provider ? runJournal(ctx, input.spendLimitUSD ?? input.config.budget, () => stepsDone) : undefined,
      onProgress: (p) => {
        stepsDone = p.stepsDone;
        ctx.progress(p.fraction, trainProgressLabel(p));
        ctx.metric(TRAIN_METRICS.loss, p.stepsDone, p.loss);
        ctx.metric(TRAIN_METRICS.circuits, p.stepsDone, p.circuits);
        if (input.config.shots !== undefined) ctx.metric(TRAIN_METRICS.keptFraction, p.stepsDone, p.keptFraction);
        // A phase's first step: where the run page draws a layer boundary (a resume after it keeps the point).
        if (p.epoch === 1 && p.step === 1) ctx.metric(p.phase === 'layer' ? TRAIN_METRICS.layerStart : TRAIN_METRICS.fineTuneStart, p.stepsDone, p.layer);
      },
      onCheckpoint: (c) => ctx.checkpoint(c.stepsDone, c),
    });
  },
});
