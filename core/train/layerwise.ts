// The layer-wise trainer (METHOD.md section 6): grow the butterfly one layer at a time, each new layer starting
// at theta = 0 (the identity, so the output does not change when it is added); train only that last layer
// (parallel shift by default: 4 circuits per sample per step), freeze it, go on; then an optional fine-tune of
// all layers as a separate, reported phase. Deterministic given the seed: every random choice derives its
// seed from (seed, phase, epoch, step), so resuming from a checkpoint reproduces an uninterrupted run exactly.
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { AbortError, InvalidInputError, throwIfAborted } from '../errors.ts';
import { createRng, deriveSeed, shuffle } from '../random.ts';
import { butterflyParameterCount, modelCircuit } from '../quantum/butterfly.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { checkShots } from '../quantum/shots.ts';
import { MAX_BATCH_SIZE, TRAIN_DEFAULTS } from '../limits.ts';
import { checkLayers, checkPositiveInteger, checkQubits } from '../quantum/validate.ts';
import { adjointGradientBatch } from '../gradients/adjoint.ts';
import { sampleBatchInPlace } from '../gradients/evaluate.ts';
import { exactParallelShiftGradient, exactParallelShiftResults, parallelShiftCombine, parallelShiftPlan, unshiftedFromParallel } from '../gradients/parallel-shift.ts';
import { parameterShiftCombine, parameterShiftPlan } from '../gradients/parameter-shift.ts';
import type { GradientMethod } from '../gradients/circuits.ts';
import type { OutputLoss } from './losses.ts';
import { createOptimiserState, optimiserStep, type OptimiserKind, type OptimiserState } from './optimisers.ts';

export interface LayerwiseOptions {
  qubits: number;
  /** Layers to grow, 1..log2 n. */
  layers: number;
  /** Training inputs, rows x n (any non-zero scale; loaded as x / ||x||). */
  inputs: Float64Array;
  loss: OutputLoss;
  /** Gradient of the layer phases (default 'parallel-shift'). */
  method?: GradientMethod;
  /** Default 'adam'. */
  optimiser?: OptimiserKind;
  /** Default 0.05. */
  learningRate?: number;
  /** SGD momentum, default 0. */
  momentum?: number;
  /** Epochs per grown layer, default 10. */
  epochsPerLayer?: number;
  /** Mini-batch size, default 32 (at most the number of rows). */
  batchSize?: number;
  /** Epochs of the final all-layer fine-tune, default 0 (none). */
  fineTuneEpochs?: number;
  /** Default 'adjoint' on the exact path, 'parameter-shift' with shots or a backend. */
  fineTuneMethod?: Exclude<GradientMethod, 'parallel-shift'>;
  /** Default: learningRate. */
  fineTuneLearningRate?: number;
  /** Default 0. */
  seed?: number;
  /** Shots per circuit; omitted for exact probabilities (when the backend allows it). */
  shots?: number;
  /** Evaluate circuits through this backend; without it, the fast exact unary path (plus seeded shots). */
  backend?: QuantumBackend;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Called after every epoch with a JSON-safe checkpoint. */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void;
  resumeFrom?: TrainCheckpoint;
}

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
  /** Overall completion, 0..1. */
  fraction: number;
}

export interface EpochRecord {
  phase: PhaseKind;
  layer: number;
  epoch: number;
  /** Mean of the epoch's batch losses. */
  loss: number;
  circuits: number;
  keptFraction: number;
}

export interface TrainCheckpoint {
  version: 1;
  /** Options that must match on resume. */
  fingerprint: string;
  /** Where training continues: phase index (layers 1..L, then fine-tune) and epochs done in it. */
  phaseIndex: number;
  epochsDone: number;
  params: number[];
  extra: number[];
  optimiser: OptimiserState | null;
  circuits: number;
  stepsDone: number;
  history: EpochRecord[];
}

export interface TrainResult {
  params: number[];
  extra: number[];
  history: EpochRecord[];
  /** Total distinct circuit evaluations. */
  circuits: number;
  /** Distinct circuits per sample per step of each phase kind. */
  circuitsPerSamplePerStep: { layer: number; fineTune: number | null };
  /** Exact loss of the final parameters on the whole training set. */
  finalLoss: number;
  /** Mean kept fraction over every step of the run (1 on exact and noiseless paths): a health metric. */
  keptFraction: number;
  options: ResolvedOptions;
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

/** Applies the documented defaults and validates everything once. */
export function resolveOptions(o: LayerwiseOptions): ResolvedOptions {
  const n = o.qubits;
  checkQubits(n);
  const layers = checkLayers(o.layers, n);
  if (!(o.inputs instanceof Float64Array) || o.inputs.length === 0 || o.inputs.length % n !== 0) {
    throw new InvalidInputError(`inputs must be a Float64Array of whole rows of ${n} values; got ${o.inputs?.length ?? 0} values`);
  }
  const rows = o.inputs.length / n;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const v = o.inputs[r * n + k];
      if (!Number.isFinite(v)) throw new InvalidInputError(`inputs row ${r} holds a non-finite value ${v}`);
      s += v * v;
    }
    if (!(s > 0)) throw new InvalidInputError(`inputs row ${r} is all zeros; the loader needs a non-zero vector`);
  }
  const method = o.method ?? 'parallel-shift';
  const backend = o.backend ?? null;
  const shots = o.shots === undefined ? null : checkShots(o.shots);
  const exactPath = !backend && shots === null;
  const fineTuneMethod = o.fineTuneMethod ?? (exactPath ? 'adjoint' : 'parameter-shift');
  if ((fineTuneMethod as string) === 'parallel-shift') throw new InvalidInputError('the fine-tune trains all layers: use adjoint or parameter-shift (the parallel shift covers only the last layer)');
  for (const [name, m] of [['method', method], ['fineTuneMethod', fineTuneMethod]] as const) {
    if (m === 'adjoint' && !exactPath) throw new InvalidInputError(`${name} adjoint is exact and simulator-only: it cannot run with shots or a backend`);
  }
  if (backend) {
    if (backend.maxQubits < n) throw new InvalidInputError(`backend ${backend.name} has ${backend.maxQubits} qubits; the model needs ${n}`);
    if (shots === null) {
      if (!backend.exact) throw new InvalidInputError(`backend ${backend.name} returns shots: give a number of shots`);
      if (backend.exactMaxQubits !== undefined && n > backend.exactMaxQubits) {
        throw new InvalidInputError(`backend ${backend.name} gives exact results up to ${backend.exactMaxQubits} qubits; the model has ${n}: give a number of shots`);
      }
    }
  }
  const positive = (v: number | undefined, fallback: number, name: string) => {
    const x = v ?? fallback;
    if (!Number.isFinite(x) || x <= 0) throw new InvalidInputError(`${name} must be a positive number; got ${x}`);
    return x;
  };
  const learningRate = positive(o.learningRate, 0.05, 'learningRate');
  const momentum = o.momentum ?? 0;
  if (!Number.isFinite(momentum) || momentum < 0 || momentum >= 1) throw new InvalidInputError(`momentum must be in [0, 1); got ${momentum}`);
  return {
    qubits: n,
    layers,
    rows,
    method,
    optimiser: o.optimiser ?? 'adam',
    learningRate,
    momentum,
    epochsPerLayer: checkPositiveInteger(o.epochsPerLayer ?? 10, 'epochsPerLayer', 100_000),
    batchSize: Math.min(rows, checkPositiveInteger(o.batchSize ?? TRAIN_DEFAULTS.batchSize, 'batchSize', MAX_BATCH_SIZE)),
    fineTuneEpochs: checkPositiveInteger(o.fineTuneEpochs ?? 0, 'fineTuneEpochs', 100_000, 0),
    fineTuneMethod,
    fineTuneLearningRate: positive(o.fineTuneLearningRate, learningRate, 'fineTuneLearningRate'),
    seed: o.seed ?? 0,
    shots,
    backend: backend?.name ?? null,
    loss: o.loss.name,
  };
}

interface Phase {
  kind: PhaseKind;
  /** Model depth during the phase. */
  layer: number;
  /** Trainable parameter indices [from, to). */
  from: number;
  to: number;
  epochs: number;
  method: GradientMethod;
  learningRate: number;
}

function phasesOf(r: ResolvedOptions): Phase[] {
  const half = r.qubits / 2;
  const phases: Phase[] = [];
  for (let l = 1; l <= r.layers; l++) {
    phases.push({ kind: 'layer', layer: l, from: half * (l - 1), to: half * l, epochs: r.epochsPerLayer, method: r.method, learningRate: r.learningRate });
  }
  if (r.fineTuneEpochs > 0) {
    phases.push({ kind: 'fine-tune', layer: r.layers, from: 0, to: half * r.layers, epochs: r.fineTuneEpochs, method: r.fineTuneMethod, learningRate: r.fineTuneLearningRate });
  }
  return phases;
}

/** Distinct circuits per sample per step, counting the forward circuit the loss needs where the method does. */
export function stepCircuitsPerSample(method: GradientMethod, parametersInScope: number): number {
  if (method === 'parallel-shift') return 4; // the unshifted p comes from the +-pi/2 circuits
  if (method === 'parameter-shift') return 4 * parametersInScope + 1;
  return 1; // adjoint: the forward pass only
}

export async function trainLayerwise(options: LayerwiseOptions): Promise<TrainResult> {
  const r = resolveOptions(options);
  const n = r.qubits;
  const { inputs, loss, backend, signal } = options;
  const fingerprint = JSON.stringify(r);
  const phases = phasesOf(r);
  const stepsPerEpoch = Math.ceil(r.rows / r.batchSize);
  const totalSteps = phases.reduce((s, p) => s + p.epochs * stepsPerEpoch, 0);

  let phaseIndex = 0;
  let epochsDone = 0;
  let params = new Float64Array(0);
  let extra = loss.initialExtra?.() ?? new Float64Array(0);
  let optimiser: OptimiserState | null = null;
  let circuits = 0;
  let stepsDone = 0;
  let history: EpochRecord[] = [];
  const resume = options.resumeFrom;
  if (resume) {
    if (resume.version !== 1 || resume.fingerprint !== fingerprint) {
      throw new InvalidInputError('the checkpoint was made with different options (qubits, layers, data size, method, optimiser, schedule, seed, shots, backend or loss); it cannot be resumed with these');
    }
    ({ phaseIndex, epochsDone, circuits, stepsDone } = resume);
    params = Float64Array.from(resume.params);
    extra = Float64Array.from(resume.extra);
    optimiser = resume.optimiser ? structuredClone(resume.optimiser) : null;
    history = resume.history.map((h) => ({ ...h }));
  }

  const gather = (rows: Int32Array): Float64Array => {
    const batch = new Float64Array(rows.length * n);
    for (let b = 0; b < rows.length; b++) batch.set(inputs.subarray(rows[b] * n, rows[b] * n + n), b * n);
    return batch;
  };

  // Distributions of parameter sets on a batch: exact, seeded shots, or through the backend.
  const runSets = async (sets: Float64Array[], batch: Float64Array, layers: number, seed: number): Promise<{ results: Float64Array[]; kept: number }> => {
    if (!backend) {
      const results = sets.map((theta) => forwardBatch(batch, n, layers, theta));
      if (r.shots === null) return { results, kept: 1 };
      const shotRng = { shots: r.shots, rng: createRng(seed) };
      let kept = 0;
      for (const p of results) kept += sampleBatchInPlace(p, n, shotRng);
      return { results, kept: kept / results.length };
    }
    const rows = batch.length / n;
    const circuitsList = sets.flatMap((theta) => Array.from({ length: rows }, (_, b) => modelCircuit({ qubits: n, layers }, theta, batch.subarray(b * n, b * n + n))));
    const outcomes = await backend.run({ circuits: circuitsList, shots: r.shots, seed, signal });
    let kept = 0;
    const results = sets.map((_, s) => {
      const p = new Float64Array(rows * n);
      for (let b = 0; b < rows; b++) {
        const out = outcomes[s * rows + b];
        p.set(out.probabilities, b * n);
        kept += out.keptFraction;
      }
      return p;
    });
    return { results, kept: kept / outcomes.length };
  };

  for (; phaseIndex < phases.length; phaseIndex++, epochsDone = 0) {
    const phase = phases[phaseIndex];
    const P = butterflyParameterCount(n, phase.layer);
    if (epochsDone === 0) {
      // Entering the phase: a new layer starts at theta = 0 (identity); the optimiser starts afresh.
      if (params.length < P) {
        const grown = new Float64Array(P);
        grown.set(params);
        params = grown;
      }
      optimiser = createOptimiserState(r.optimiser, phase.to - phase.from + extra.length);
    }
    if (!optimiser) throw new InvalidInputError('checkpoint has no optimiser state for a phase in progress');
    const optimiserOptions = { kind: r.optimiser, learningRate: phase.learningRate, momentum: r.momentum };
    const scope = Array.from({ length: phase.to - phase.from }, (_, k) => phase.from + k);
    const phaseCode = phaseIndex + 1;

    for (let epoch = epochsDone; epoch < phase.epochs; epoch++) {
      const order = Int32Array.from({ length: r.rows }, (_, k) => k);
      shuffle(createRng(deriveSeed(r.seed, phaseCode, epoch)), order);
      let lossSum = 0;
      let keptSum = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        throwIfAborted(signal);
        const rows = order.subarray(step * r.batchSize, Math.min(r.rows, (step + 1) * r.batchSize));
        const batch = gather(rows);
        const stepSeed = deriveSeed(r.seed, phaseCode, epoch, step);
        let grad: Float64Array;
        let value: number;
        let gradExtra: Float64Array | undefined;
        let kept = 1;
        if (phase.method === 'parallel-shift' && !backend && r.shots === null) {
          // Exact: the four circuits' combination in closed form (equal to it; see exactParallelShiftGradient).
          const y = forwardBatch(batch, n, phase.layer, params, { amplitudes: true });
          const p = y.map((v) => v * v);
          const ev = loss.evaluate(p, rows, n, extra);
          ({ value, gradExtra } = ev);
          grad = exactParallelShiftGradient(y, ev.gradProbabilities, n, phase.layer);
        } else if (phase.method === 'parallel-shift') {
          let results: Float64Array[];
          if (!backend) {
            results = exactParallelShiftResults(batch, n, phase.layer, params);
            if (r.shots !== null) {
              const shotRng = { shots: r.shots, rng: createRng(stepSeed) };
              kept = 0;
              for (const p of results) kept += sampleBatchInPlace(p, n, shotRng) / 4;
            }
          } else {
            ({ results, kept } = await runSets(parallelShiftPlan(params, n, phase.layer), batch, phase.layer, stepSeed));
          }
          const ev = loss.evaluate(unshiftedFromParallel(results, n, phase.layer), rows, n, extra);
          ({ value, gradExtra } = ev);
          grad = parallelShiftCombine(results, ev.gradProbabilities, n, phase.layer);
        } else if (phase.method === 'parameter-shift') {
          const forward = await runSets([params], batch, phase.layer, deriveSeed(stepSeed, 1));
          const ev = loss.evaluate(forward.results[0], rows, n, extra);
          ({ value, gradExtra } = ev);
          const shifted = await runSets(parameterShiftPlan(params, scope), batch, phase.layer, deriveSeed(stepSeed, 2));
          kept = (forward.kept + shifted.kept * 4 * scope.length) / (1 + 4 * scope.length);
          grad = parameterShiftCombine(shifted.results, ev.gradProbabilities, scope, P);
        } else {
          const p = forwardBatch(batch, n, phase.layer, params);
          const ev = loss.evaluate(p, rows, n, extra);
          ({ value, gradExtra } = ev);
          grad = adjointGradientBatch(batch, n, phase.layer, params, ev.gradProbabilities, phase.from).gradient;
        }
        throwIfAborted(signal);
        // Optimise [this phase's parameters, the loss's classical parameters] together.
        const trainable = new Float64Array(scope.length + extra.length);
        const g = new Float64Array(trainable.length);
        trainable.set(params.subarray(phase.from, phase.to));
        g.set(grad.subarray(phase.from, phase.to));
        trainable.set(extra, scope.length);
        if (gradExtra) g.set(gradExtra, scope.length);
        optimiserStep(optimiserOptions, optimiser, trainable, g);
        params.set(trainable.subarray(0, scope.length), phase.from);
        extra = trainable.slice(scope.length);

        circuits += stepCircuitsPerSample(phase.method, scope.length) * rows.length;
        stepsDone++;
        lossSum += value;
        keptSum += kept;
        options.onProgress?.({
          phase: phase.kind, layer: phase.layer, epoch: epoch + 1, step: step + 1, stepsPerEpoch,
          loss: value, circuits, keptFraction: kept, fraction: stepsDone / totalSteps,
        });
      }
      history.push({ phase: phase.kind, layer: phase.layer, epoch: epoch + 1, loss: lossSum / stepsPerEpoch, circuits, keptFraction: keptSum / stepsPerEpoch });
      if (options.onCheckpoint) {
        const last = epoch + 1 === phase.epochs;
        options.onCheckpoint({
          version: 1, fingerprint,
          phaseIndex: last ? phaseIndex + 1 : phaseIndex,
          epochsDone: last ? 0 : epoch + 1,
          params: Array.from(params), extra: Array.from(extra),
          optimiser: last ? null : structuredClone(optimiser),
          circuits, stepsDone, history: history.map((h) => ({ ...h })),
        });
      }
    }
  }

  const all = Int32Array.from({ length: r.rows }, (_, k) => k);
  const finalLoss = loss.evaluate(forwardBatch(inputs, n, r.layers, params), all, n, extra).value;
  return {
    params: Array.from(params),
    extra: Array.from(extra),
    history,
    circuits,
    circuitsPerSamplePerStep: {
      layer: stepCircuitsPerSample(r.method, n / 2),
      fineTune: r.fineTuneEpochs > 0 ? stepCircuitsPerSample(r.fineTuneMethod, butterflyParameterCount(n, r.layers)) : null,
    },
    finalLoss,
    // Every epoch has the same number of steps, so the mean of the epochs' means is the mean over steps.
    keptFraction: history.length ? history.reduce((t, h) => t + h.keptFraction, 0) / history.length : 1,
    options: r,
  };
}

export { AbortError };
