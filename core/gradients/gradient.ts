// The gradient of f = sum_rows sum_k w[row, k] p_k for the butterfly model on a batch, by any registered method
// (core/gradients/registry.ts): exactly on the simulator, or from seeded shots through the method's shift recipe.
// `qnnlab gradient` and the benchmarks use it; the trainer goes through the same registry.
import { createRng } from '../random.ts';
import { butterflyParameterCount } from '../quantum/butterfly.ts';
import { checkLayers, checkQubits, checkVector } from '../quantum/validate.ts';
import { checkShots } from '../quantum/shots.ts';
import { InvalidInputError } from '../errors.ts';
import { sampleBatchInPlace } from './evaluate.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import {
  checkMethodScope,
  checkRunsOnHardware,
  gradientMethod,
  scopeIndices,
  type GradientMethod,
  type GradientScope,
  type GradientSetting,
} from './registry.ts';

export interface ModelGradientOptions {
  qubits: number;
  layers: number;
  params: ArrayLike<number>;
  /** Rows x n inputs (each row any non-zero scale; loaded as x / ||x||). */
  inputs: Float64Array;
  /** Per-sample dL/dp, rows x n. */
  weights: Float64Array;
  method: GradientMethod;
  scope: GradientScope;
  /** Shots per circuit; omitted for exact probabilities. Not available for the adjoint method. */
  shots?: number;
  /** Seed of the shot sampling (default 0). */
  seed?: number;
}

export interface ModelGradient {
  /** dL/dtheta summed over rows; zeros outside the scope. */
  gradient: Float64Array;
  /** Distinct gradient circuits per sample (4 x parameters in scope, 4, or 0). */
  circuitsPerSample: number;
  /** circuitsPerSample x rows. */
  circuitEvaluations: number;
  /** Probabilities at theta (rows x n) where the method yields them without an extra circuit. */
  probabilities?: Float64Array;
  /** Mean kept fraction of the shot estimates (1 when exact). */
  keptFraction: number;
}

export function modelGradient(o: ModelGradientOptions): ModelGradient {
  const n = o.qubits;
  checkQubits(n);
  const layers = checkLayers(o.layers, n);
  const params = checkVector(o.params, butterflyParameterCount(n, layers), 'parameters', `(n/2) x layers = ${n / 2} x ${layers}`);
  const method = gradientMethod(o.method);
  checkMethodScope(method, o.scope);
  if (o.inputs.length === 0 || o.inputs.length % n !== 0)
    throw new InvalidInputError(`inputs must hold whole rows of ${n} values; got ${o.inputs.length} values`);
  if (o.weights.length !== o.inputs.length) {
    throw new InvalidInputError(`weights must have ${o.inputs.length === n ? n : `${o.inputs.length} (rows x n)`} entries; got ${o.weights.length}`, {
      field: 'weights',
    });
  }
  const rows = o.inputs.length / n;
  const setting: GradientSetting = { n, layers, scope: scopeIndices(n, layers, o.scope) };
  const perSample = method.circuitsPerSample(setting.scope.length).gradient;
  const counts = { circuitsPerSample: perSample, circuitEvaluations: perSample * rows };
  if (o.shots === undefined) {
    const r = method.exact(o.inputs, params, setting, () => o.weights);
    return { gradient: r.gradient, probabilities: r.probabilities, keptFraction: 1, ...counts };
  }
  const recipe = checkRunsOnHardware(method);
  const shots = { shots: checkShots(o.shots), rng: createRng(o.seed ?? 0) };
  const results = recipe.exactResults?.(o.inputs, params, setting) ?? recipe.plan(params, setting).map((theta) => forwardBatch(o.inputs, n, layers, theta));
  let kept = 0;
  for (const p of results) kept += sampleBatchInPlace(p, n, shots) / results.length;
  const gradient = recipe.combine(results, o.weights, setting);
  return { gradient, probabilities: recipe.outputs?.(results, setting), keptFraction: kept, ...counts };
}
