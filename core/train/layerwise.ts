// The layer-wise trainer (METHOD.md section 6): grow the butterfly one layer at a time, each new layer starting
// at theta = 0 (the identity, so the output does not change when it is added); train only that last layer
// (parallel shift by default: 4 circuits per sample per step), freeze it, go on; then an optional fine-tune of
// all layers as a separate, reported phase. Deterministic given the seed: every random choice derives its
// seed from (seed, phase, epoch, step), so resuming from a checkpoint reproduces an uninterrupted run exactly.
// The phases: options (options.ts), schedule (below), one step's gradient (step.ts), checkpoints (checkpoint.ts).
import { AbortError, InvalidInputError, throwIfAborted } from '../errors.ts';
import { TRAIN_DEFAULTS } from '../limits.ts';
import { Pacer } from '../pacer.ts';
import { createRng, deriveSeed, shuffle } from '../random.ts';
import { butterflyParameterCount } from '../quantum/butterfly.ts';
import { checkPositiveInteger } from '../quantum/validate.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { gradientMethod, type GradientMethod } from '../gradients/registry.ts';
import { CheckpointPolicy, checkResume, trainFingerprint, type EpochRecord, type TrainCheckpoint } from './checkpoint.ts';
import { resolveOptions, type LayerwiseOptions, type PhaseKind, type ResolvedOptions } from './options.ts';
import { gradientStep } from './step.ts';
import { createOptimiserState, optimiserStep, type OptimiserState } from './optimisers.ts';

export type { EpochRecord, TrainCheckpoint } from './checkpoint.ts';
export { resolveOptions, type LayerwiseOptions, type ResolvedOptions, type TrainProgress, type PhaseKind } from './options.ts';

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

export interface Phase {
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

/** The schedule: one phase per grown layer (its n/2 angles), then the optional fine-tune of all (n/2) L angles. */
export function phasesOf(r: ResolvedOptions): Phase[] {
  const half = r.qubits / 2;
  const phases: Phase[] = [];
  for (let l = 1; l <= r.layers; l++) {
    phases.push({ kind: 'layer', layer: l, from: half * (l - 1), to: half * l, epochs: r.epochsPerLayer, method: r.method, learningRate: r.learningRate });
  }
  if (r.fineTuneEpochs > 0) {
    phases.push({
      kind: 'fine-tune',
      layer: r.layers,
      from: 0,
      to: half * r.layers,
      epochs: r.fineTuneEpochs,
      method: r.fineTuneMethod,
      learningRate: r.fineTuneLearningRate,
    });
  }
  return phases;
}

/** Distinct circuits per sample per step of a phase: its method's gradient circuits plus the forward circuits it needs. */
export function phaseCircuitsPerSample(phase: Pick<Phase, 'method' | 'from' | 'to'>): number {
  const c = gradientMethod(phase.method).circuitsPerSample(phase.to - phase.from);
  return c.gradient + c.forward;
}

/** Where a run stands; a checkpoint is this state as JSON. */
interface RunState {
  phaseIndex: number;
  epochsDone: number;
  stepInEpoch: number;
  epochLossSum: number;
  epochKeptSum: number;
  params: Float64Array;
  extra: Float64Array;
  optimiser: OptimiserState | null;
  circuits: number;
  stepsDone: number;
  history: EpochRecord[];
}

function initialState(options: LayerwiseOptions, fingerprint: TrainCheckpoint['fingerprint']): RunState {
  const resume = options.resumeFrom;
  if (!resume) {
    const extra = options.loss.initialExtra?.() ?? new Float64Array(0);
    return {
      phaseIndex: 0,
      epochsDone: 0,
      stepInEpoch: 0,
      epochLossSum: 0,
      epochKeptSum: 0,
      params: new Float64Array(0),
      extra,
      optimiser: null,
      circuits: 0,
      stepsDone: 0,
      history: [],
    };
  }
  checkResume(resume, fingerprint);
  return {
    phaseIndex: resume.phaseIndex,
    epochsDone: resume.epochsDone,
    stepInEpoch: resume.stepInEpoch,
    epochLossSum: resume.epochLossSum,
    epochKeptSum: resume.epochKeptSum,
    params: Float64Array.from(resume.params),
    extra: Float64Array.from(resume.extra),
    optimiser: resume.optimiser ? structuredClone(resume.optimiser) : null,
    circuits: resume.circuits,
    stepsDone: resume.stepsDone,
    history: resume.history.map((h) => ({ ...h })),
  };
}

function checkpointOf(st: RunState, fingerprint: TrainCheckpoint['fingerprint']): TrainCheckpoint {
  return {
    version: 2,
    fingerprint,
    phaseIndex: st.phaseIndex,
    epochsDone: st.epochsDone,
    stepInEpoch: st.stepInEpoch,
    epochLossSum: st.epochLossSum,
    epochKeptSum: st.epochKeptSum,
    params: Array.from(st.params),
    extra: Array.from(st.extra),
    optimiser: st.optimiser ? structuredClone(st.optimiser) : null,
    circuits: st.circuits,
    stepsDone: st.stepsDone,
    history: st.history.map((h) => ({ ...h })),
  };
}

export async function trainLayerwise(options: LayerwiseOptions): Promise<TrainResult> {
  const r = resolveOptions(options);
  const n = r.qubits;
  const { inputs, loss, backend, signal } = options;
  const fingerprint = trainFingerprint(r, inputs, loss);
  const phases = phasesOf(r);
  const stepsPerEpoch = Math.ceil(r.rows / r.batchSize);
  const totalSteps = phases.reduce((s, p) => s + p.epochs * stepsPerEpoch, 0);
  const policy = new CheckpointPolicy(
    checkPositiveInteger(options.checkpointEverySteps ?? TRAIN_DEFAULTS.checkpointEverySteps, 'checkpointEverySteps'),
    options.checkpointEveryMs ?? TRAIN_DEFAULTS.checkpointEveryMs,
    options.now ?? Date.now,
  );
  const st = initialState(options, fingerprint);
  const checkpoint = (at: RunState) => {
    if (!options.onCheckpoint) return;
    options.onCheckpoint(checkpointOf(at, fingerprint));
    policy.taken();
  };

  const pacer = new Pacer(signal);
  for (; st.phaseIndex < phases.length; st.phaseIndex++, st.epochsDone = 0) {
    const phase = phases[st.phaseIndex];
    const method = gradientMethod(phase.method);
    const P = butterflyParameterCount(n, phase.layer);
    if (st.epochsDone === 0 && st.stepInEpoch === 0) {
      // Entering the phase: a new layer starts at theta = 0 (identity; the fine-tune keeps every angle); the optimiser starts afresh.
      const grown = new Float64Array(P);
      grown.set(st.params);
      st.params = grown;
      st.optimiser = createOptimiserState(r.optimiser, phase.to - phase.from + st.extra.length);
    }
    const optimiser = st.optimiser;
    if (!optimiser) throw new InvalidInputError('the checkpoint has no optimiser state for a phase in progress', { field: 'resumeFrom' });
    const optimiserOptions = { kind: r.optimiser, learningRate: phase.learningRate, momentum: r.momentum };
    const scope = Array.from({ length: phase.to - phase.from }, (_, k) => phase.from + k);
    const setting = { n, layers: phase.layer, scope };
    const perSample = phaseCircuitsPerSample(phase);
    const phaseCode = st.phaseIndex + 1;

    for (; st.epochsDone < phase.epochs; st.epochsDone++) {
      const epoch = st.epochsDone;
      const order = Int32Array.from({ length: r.rows }, (_, k) => k);
      shuffle(createRng(deriveSeed(r.seed, phaseCode, epoch)), order);
      for (; st.stepInEpoch < stepsPerEpoch;) {
        // Yields to the event loop every few ms, so a cancel (a timer, a worker's message, Ctrl+C) gets through even
        // on the exact path, where a step awaits nothing.
        await pacer.tick();
        const step = st.stepInEpoch;
        const rows = order.subarray(step * r.batchSize, Math.min(r.rows, (step + 1) * r.batchSize));
        const batch = new Float64Array(rows.length * n);
        rows.forEach((row, b) => batch.set(inputs.subarray(row * n, row * n + n), b * n));
        const out = await gradientStep({
          method,
          setting,
          batch,
          rows,
          params: st.params,
          extra: st.extra,
          loss,
          seed: deriveSeed(r.seed, phaseCode, epoch, step),
          shots: r.shots,
          backend,
          signal,
        });
        throwIfAborted(signal);
        // Optimise [this phase's parameters, the loss's classical parameters] together.
        const trainable = new Float64Array(scope.length + st.extra.length);
        const g = new Float64Array(trainable.length);
        trainable.set(st.params.subarray(phase.from, phase.to));
        g.set(out.gradient.subarray(phase.from, phase.to));
        trainable.set(st.extra, scope.length);
        if (out.gradExtra) g.set(out.gradExtra, scope.length);
        optimiserStep(optimiserOptions, optimiser, trainable, g);
        st.params.set(trainable.subarray(0, scope.length), phase.from);
        st.extra = trainable.slice(scope.length);

        st.circuits += perSample * rows.length;
        st.stepsDone++;
        st.stepInEpoch++;
        st.epochLossSum += out.value;
        st.epochKeptSum += out.kept;
        options.onProgress?.({
          phase: phase.kind,
          layer: phase.layer,
          epoch: epoch + 1,
          step: step + 1,
          stepsPerEpoch,
          loss: out.value,
          circuits: st.circuits,
          keptFraction: out.kept,
          stepsDone: st.stepsDone,
          fraction: st.stepsDone / totalSteps,
        });
        if (st.stepInEpoch < stepsPerEpoch && policy.due()) checkpoint(st);
      }
      st.history.push({
        phase: phase.kind,
        layer: phase.layer,
        epoch: epoch + 1,
        loss: st.epochLossSum / stepsPerEpoch,
        circuits: st.circuits,
        keptFraction: st.epochKeptSum / stepsPerEpoch,
      });
      st.stepInEpoch = 0;
      st.epochLossSum = 0;
      st.epochKeptSum = 0;
      // The epoch's checkpoint points at what comes next: the next epoch, or the next phase (whose optimiser starts afresh).
      const lastOfPhase = epoch + 1 === phase.epochs;
      checkpoint({
        ...st,
        phaseIndex: st.phaseIndex + (lastOfPhase ? 1 : 0),
        epochsDone: lastOfPhase ? 0 : epoch + 1,
        optimiser: lastOfPhase ? null : optimiser,
      });
    }
  }

  const all = Int32Array.from({ length: r.rows }, (_, k) => k);
  const finalLoss = loss.evaluate(forwardBatch(inputs, n, r.layers, st.params), all, n, st.extra).value;
  const half = n / 2;
  return {
    params: Array.from(st.params),
    extra: Array.from(st.extra),
    history: st.history,
    circuits: st.circuits,
    circuitsPerSamplePerStep: {
      layer: phaseCircuitsPerSample({ method: r.method, from: 0, to: half }),
      fineTune: r.fineTuneEpochs > 0 ? phaseCircuitsPerSample({ method: r.fineTuneMethod, from: 0, to: half * r.layers }) : null,
    },
    finalLoss,
    // Every epoch has the same number of steps, so the mean of the epochs' means is the mean over steps.
    keptFraction: st.history.length ? st.history.reduce((t, h) => t + h.keptFraction, 0) / st.history.length : 1,
    options: r,
  };
}

export { AbortError };
