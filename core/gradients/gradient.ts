// One entry point for the three gradient methods on the butterfly model, for a batch and per-sample dL/dp:
// used by the CLI, and by the trainer on its exact path.
import { InvalidInputError } from '../errors.ts';
import { createRng } from '../random.ts';
import { butterflyParameterCount } from '../quantum/butterfly.ts';
import { checkLayers, checkQubits, checkVector } from '../quantum/validate.ts';
import { checkShots } from '../quantum/shots.ts';
import { adjointGradientBatch } from './adjoint.ts';
import { checkMethodScope, scopeIndices, type GradientMethod, type GradientScope } from './circuits.ts';
import { exactEvaluator, sampleBatchInPlace, withShots, type Evaluator } from './evaluate.ts';
import { exactParallelShiftGradient, exactParallelShiftResults, parallelShiftCombine, unshiftedFromParallel } from './parallel-shift.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { parameterShiftGradient } from './parameter-shift.ts';

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
  /** Distinct circuits per sample (4 x parameters in scope, 4, or 0). */
  circuitsPerSample: number;
  /** circuitsPerSample x rows. */
  circuitEvaluations: number;
  /** Probabilities at theta (rows x n) where the method yields them for free (parallel shift, adjoint). */
  probabilities?: Float64Array;
  /** Mean kept fraction of the shot estimates (1 when exact). */
  keptFraction: number;
}

export function modelGradient(o: ModelGradientOptions): ModelGradient {
  const n = o.qubits;
  checkQubits(n);
  const layers = checkLayers(o.layers, n);
  const P = butterflyParameterCount(n, layers);
  const params = checkVector(o.params, P, 'parameters', `(n/2) x layers = ${n / 2} x ${layers}`);
  checkMethodScope(o.method, o.scope);
  if (o.inputs.length === 0 || o.inputs.length % n !== 0) throw new InvalidInputError(`inputs must hold whole rows of ${n} values; got ${o.inputs.length} values`);
  if (o.weights.length !== o.inputs.length) throw new InvalidInputError(`weights must have ${o.inputs.length === n ? n : `${o.inputs.length} (rows x n)`} entries; got ${o.weights.length}`);
  const rows = o.inputs.length / n;
  const scope = scopeIndices(n, layers, o.scope);
  if (o.method === 'adjoint') {
    if (o.shots !== undefined) throw new InvalidInputError('the adjoint method is exact (simulator only); it takes no shots');
    const r = adjointGradientBatch(o.inputs, n, layers, params, o.weights, scope[0]);
    return { gradient: r.gradient, circuitsPerSample: 0, circuitEvaluations: 0, probabilities: r.probabilities, keptFraction: 1 };
  }
  const shots = o.shots === undefined ? undefined : { shots: checkShots(o.shots), rng: createRng(o.seed ?? 0) };
  if (o.method === 'parallel-shift' && !shots) {
    const y = forwardBatch(o.inputs, n, layers, params, { amplitudes: true });
    const gradient = exactParallelShiftGradient(y, o.weights, n, layers);
    for (let k = 0; k < y.length; k++) y[k] *= y[k];
    return { gradient, circuitsPerSample: 4, circuitEvaluations: 4 * rows, probabilities: y, keptFraction: 1 };
  }
  if (o.method === 'parallel-shift') {
    const results = exactParallelShiftResults(o.inputs, n, layers, params);
    let kept = 0;
    for (const p of results) kept += sampleBatchInPlace(p, n, shots!) / results.length;
    const gradient = parallelShiftCombine(results, o.weights, n, layers);
    return { gradient, circuitsPerSample: 4, circuitEvaluations: 4 * rows, probabilities: unshiftedFromParallel(results, n, layers), keptFraction: kept };
  }
  // Ideal shots never leave Hamming weight 1, so the kept fraction of this path is 1.
  const evaluate: Evaluator = shots ? withShots(exactEvaluator(o.inputs, n, layers), n, shots) : exactEvaluator(o.inputs, n, layers);
  const r = parameterShiftGradient(params, scope, o.weights, n, evaluate);
  return { gradient: r.gradient, circuitsPerSample: r.circuitsPerSample, circuitEvaluations: r.circuitEvaluations, keptFraction: 1 };
}
