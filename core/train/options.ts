// The trainer's options: what a caller gives (LayerwiseOptions), and the same with every default applied and every
// value checked once (ResolvedOptions, recorded with the result and in checkpoints). Defaults live in core/limits.ts.
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { InvalidInputError } from '../errors.ts';
import { MAX_BATCH_SIZE, MAX_EPOCHS, TRAIN_DEFAULTS } from '../limits.ts';
import { checkLayers, checkPositiveInteger, checkQubits } from '../quantum/validate.ts';
import { checkShots } from '../quantum/shots.ts';
import { checkMethodScope, checkRunsOnHardware, gradientMethod, type GradientMethod } from '../gradients/registry.ts';
import type { OutputLoss } from './losses.ts';
import { OPTIMISERS, type OptimiserKind } from './optimisers.ts';
import type { TrainCheckpoint } from './checkpoint.ts';

export type PhaseKind = 'layer' | 'fine-tune';

export interface TrainProgress {
  phase: PhaseKind;
  /** The layer being trained (layer phase) or L (fine-tune). */
  layer: number;
  /** 1-based epoch within the phase. */
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Mean loss of this step's batch (as measured: shot noise included). */
  loss: number;
  /** Distinct circuit evaluations so far (per sample counts x batch sizes). */
  circuits: number;
  /** Mean kept fraction of this step's shot estimates (1 when exact). */
  keptFraction: number;
  /** Optimisation steps done in all phases (this one included): a metric's step index, continued by a resume. */
  stepsDone: number;
  /** Overall completion, 0..1. */
  fraction: number;
}

export interface LayerwiseOptions {
  qubits: number;
  /** Layers to grow, 1..log2 n. */
  layers: number;
  /** Training inputs, rows x n (any non-zero scale; loaded as x / ||x||). */
  inputs: Float64Array;
  loss: OutputLoss;
  /** Gradient of the layer phases (default TRAIN_DEFAULTS.method, the parallel shift). */
  method?: GradientMethod;
  optimiser?: OptimiserKind;
  learningRate?: number;
  /** SGD momentum in [0, 1). */
  momentum?: number;
  /** Epochs per grown layer. */
  epochsPerLayer?: number;
  /** Mini-batch size (at most the number of rows). */
  batchSize?: number;
  /** Epochs of the final all-layer fine-tune (0: none). */
  fineTuneEpochs?: number;
  /** Default 'adjoint' on the exact path, 'parameter-shift' with shots or a backend. */
  fineTuneMethod?: Exclude<GradientMethod, 'parallel-shift'>;
  /** Default: learningRate. */
  fineTuneLearningRate?: number;
  seed?: number;
  /** Shots per circuit; omitted for exact probabilities (when the backend allows it). */
  shots?: number;
  /** Evaluate circuits through this backend; without it, the fast exact unary path (plus seeded shots). */
  backend?: QuantumBackend;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /**
   * Receives a JSON-safe checkpoint at the end of every epoch and, within an epoch, at least every
   * `checkpointEverySteps` steps or `checkpointEveryMs` milliseconds, whichever comes first.
   */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void;
  checkpointEverySteps?: number;
  checkpointEveryMs?: number;
  /** The clock of the time-based checkpoints (default Date.now; tests inject one). */
  now?: () => number;
  resumeFrom?: TrainCheckpoint;
}

export interface ResolvedOptions {
  qubits: number;
  layers: number;
  rows: number;
  method: GradientMethod;
  optimiser: OptimiserKind;
  learningRate: number;
  momentum: number;
  epochsPerLayer: number;
  batchSize: number;
  fineTuneEpochs: number;
  fineTuneMethod: Exclude<GradientMethod, 'parallel-shift'>;
  fineTuneLearningRate: number;
  seed: number;
  shots: number | null;
  backend: string | null;
  loss: string;
}

function checkInputs(inputs: Float64Array, n: number): number {
  if (!(inputs instanceof Float64Array) || inputs.length === 0 || inputs.length % n !== 0) {
    throw new InvalidInputError(`inputs must be a Float64Array of whole rows of ${n} values; got ${inputs?.length ?? 0} values`, { field: 'inputs' });
  }
  const rows = inputs.length / n;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const v = inputs[r * n + k];
      if (!Number.isFinite(v)) throw new InvalidInputError(`inputs row ${r} holds a non-finite value ${v}`, { field: 'inputs' });
      s += v * v;
    }
    if (!(s > 0)) throw new InvalidInputError(`inputs row ${r} is all zeros; the loader needs a non-zero vector`, { field: 'inputs' });
  }
  return rows;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  const x = value ?? fallback;
  if (!Number.isFinite(x) || x <= 0) throw new InvalidInputError(`${field} must be a positive number; got ${x}`, { field, value: x, allowed: '> 0' });
  return x;
}

/** Applies the documented defaults and validates everything once. */
export function resolveOptions(o: LayerwiseOptions): ResolvedOptions {
  const n = o.qubits;
  checkQubits(n);
  const layers = checkLayers(o.layers, n);
  const rows = checkInputs(o.inputs, n);
  const backend = o.backend ?? null;
  const shots = o.shots === undefined ? null : checkShots(o.shots);
  const exactPath = !backend && shots === null;
  const method = gradientMethod(o.method ?? TRAIN_DEFAULTS.method);
  const fineTuneMethod = gradientMethod(o.fineTuneMethod ?? (exactPath ? TRAIN_DEFAULTS.fineTuneMethodExact : TRAIN_DEFAULTS.fineTuneMethodOnHardware));
  checkMethodScope(method, 'last-layer');
  checkMethodScope(fineTuneMethod, 'all');
  if (!exactPath) {
    checkRunsOnHardware(method, 'method');
    checkRunsOnHardware(fineTuneMethod, 'fineTuneMethod');
  }
  if (backend) {
    if (backend.maxQubits < n)
      throw new InvalidInputError(`backend ${backend.name} has ${backend.maxQubits} qubits; the model needs ${n}`, { field: 'qubits', value: n });
    if (shots === null) {
      if (!backend.exact) throw new InvalidInputError(`backend ${backend.name} returns shots: give a number of shots`, { field: 'shots' });
      if (backend.exactMaxQubits !== undefined && n > backend.exactMaxQubits) {
        throw new InvalidInputError(
          `backend ${backend.name} gives exact results up to ${backend.exactMaxQubits} qubits; the model has ${n}: give a number of shots`,
          { field: 'shots' },
        );
      }
    }
  }
  const optimiser = o.optimiser ?? TRAIN_DEFAULTS.optimiser;
  if (!OPTIMISERS.includes(optimiser))
    throw new InvalidInputError(`optimiser must be one of ${OPTIMISERS.join(', ')}; got ${String(optimiser)}`, { field: 'optimiser', value: optimiser });
  const learningRate = positive(o.learningRate, TRAIN_DEFAULTS.learningRate, 'learningRate');
  const momentum = o.momentum ?? TRAIN_DEFAULTS.momentum;
  if (!Number.isFinite(momentum) || momentum < 0 || momentum >= 1)
    throw new InvalidInputError(`momentum must be in [0, 1); got ${momentum}`, { field: 'momentum', value: momentum });
  return {
    qubits: n,
    layers,
    rows,
    method: method.name,
    optimiser,
    learningRate,
    momentum,
    epochsPerLayer: checkPositiveInteger(o.epochsPerLayer ?? TRAIN_DEFAULTS.epochsPerLayer, 'epochsPerLayer', MAX_EPOCHS),
    batchSize: Math.min(rows, checkPositiveInteger(o.batchSize ?? TRAIN_DEFAULTS.batchSize, 'batchSize', MAX_BATCH_SIZE)),
    fineTuneEpochs: checkPositiveInteger(o.fineTuneEpochs ?? TRAIN_DEFAULTS.fineTuneEpochs, 'fineTuneEpochs', MAX_EPOCHS, 0),
    fineTuneMethod: fineTuneMethod.name as Exclude<GradientMethod, 'parallel-shift'>,
    fineTuneLearningRate: positive(o.fineTuneLearningRate, learningRate, 'fineTuneLearningRate'),
    seed: o.seed ?? TRAIN_DEFAULTS.seed,
    shots,
    backend: backend?.name ?? null,
    loss: o.loss.name,
  };
}
