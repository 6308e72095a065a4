// One optimisation step's gradient, by the phase's method from the gradient-method registry, on one of three paths:
// the exact simulator (the method's exact path), seeded shots without a backend, or circuits through a backend.
// Shift rules whose circuits yield the outputs p (the parallel shift) need one round of circuits; the others run the
// forward circuit first, then the plan. Seeds derive from the step's seed, so a resumed run repeats every draw.
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { createRng, deriveSeed } from '../random.ts';
import { modelCircuit } from '../quantum/butterfly.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { sampleBatchInPlace } from '../gradients/evaluate.ts';
import { checkRunsOnHardware, type GradientMethodSpec, type GradientSetting, type ShiftRecipe } from '../gradients/registry.ts';
import type { LossResult, OutputLoss } from './losses.ts';

export interface StepInput {
  method: GradientMethodSpec;
  setting: GradientSetting;
  /** The batch's inputs (rows x n) and their indices into the training set (the loss looks targets up by them). */
  batch: Float64Array;
  rows: Int32Array;
  params: Float64Array;
  extra: Float64Array;
  loss: OutputLoss;
  /** The step's seed (shots and noise of its circuits derive from it). */
  seed: number;
  shots: number | null;
  backend: QuantumBackend | undefined;
  signal?: AbortSignal;
}

export interface StepOutcome {
  /** Mean loss of the batch (as measured). */
  value: number;
  /** dL/dtheta (zeros outside the scope). */
  gradient: Float64Array;
  /** dL/dextra, when the loss has classical parameters. */
  gradExtra?: Float64Array;
  /** Mean kept fraction of the step's shot estimates (1 when exact). */
  kept: number;
}

interface Evaluated {
  results: Float64Array[];
  kept: number;
}

/** Distributions of parameter sets on the batch: exact (then seeded shots), or through the backend. */
async function evaluate(s: StepInput, sets: Float64Array[], seed: number, recipe?: ShiftRecipe): Promise<Evaluated> {
  const { n, layers } = s.setting;
  if (!s.backend) {
    const results = recipe?.exactResults?.(s.batch, s.params, s.setting) ?? sets.map((theta) => forwardBatch(s.batch, n, layers, theta));
    if (s.shots === null) return { results, kept: 1 };
    const shots = { shots: s.shots, rng: createRng(seed) };
    let kept = 0;
    for (const p of results) kept += sampleBatchInPlace(p, n, shots);
    return { results, kept: kept / results.length };
  }
  const rows = s.batch.length / n;
  const circuits = sets.flatMap((theta) =>
    Array.from({ length: rows }, (_, b) => modelCircuit({ qubits: n, layers }, theta, s.batch.subarray(b * n, b * n + n))),
  );
  const outcomes = await s.backend.run({ circuits, shots: s.shots, seed, signal: s.signal });
  let kept = 0;
  const results = sets.map((_, k) => {
    const p = new Float64Array(rows * n);
    for (let b = 0; b < rows; b++) {
      const out = outcomes[k * rows + b];
      p.set(out.probabilities, b * n);
      kept += out.keptFraction;
    }
    return p;
  });
  return { results, kept: kept / outcomes.length };
}

export async function gradientStep(s: StepInput): Promise<StepOutcome> {
  let measured: LossResult | undefined;
  const lossGrad = (p: Float64Array): Float64Array => {
    measured = s.loss.evaluate(p, s.rows, s.setting.n, s.extra);
    return measured.gradProbabilities;
  };
  const done = (gradient: Float64Array, kept: number): StepOutcome => ({ value: measured!.value, gradient, gradExtra: measured!.gradExtra, kept });

  if (!s.backend && s.shots === null) return done(s.method.exact(s.batch, s.params, s.setting, lossGrad).gradient, 1);

  const recipe = checkRunsOnHardware(s.method);
  const plan = recipe.plan(s.params, s.setting);
  if (recipe.outputs) {
    const r = await evaluate(s, plan, s.seed, recipe);
    return done(recipe.combine(r.results, lossGrad(recipe.outputs(r.results, s.setting)), s.setting), r.kept);
  }
  const forward = await evaluate(s, [s.params], deriveSeed(s.seed, 1));
  const weights = lossGrad(forward.results[0]);
  const shifted = await evaluate(s, plan, deriveSeed(s.seed, 2));
  const kept = (forward.kept + shifted.kept * plan.length) / (1 + plan.length);
  return done(recipe.combine(shifted.results, weights, s.setting), kept);
}
