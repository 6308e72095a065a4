// How shift-rule gradients get their distributions: an evaluator maps parameter sets to probability batches
// (rows x n each), exactly or from seeded shots with Hamming-weight post-selection.
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { sampleUnary } from '../quantum/shots.ts';
import type { Rng } from '../random.ts';

export type Evaluator = (paramSets: Float64Array[]) => Float64Array[];

export interface ShotOptions {
  shots: number;
  rng: Rng;
}

/** Exact probabilities of the model (tree loader + L butterfly layers) on a batch of inputs. */
export function exactEvaluator(inputs: Float64Array, n: number, layers: number): Evaluator {
  return (sets) => sets.map((theta) => forwardBatch(inputs, n, layers, theta));
}

/** Replaces every row of an exact probability batch by a shot estimate, in place; returns the mean kept fraction. */
export function sampleBatchInPlace(probabilities: Float64Array, n: number, shots: ShotOptions): number {
  let kept = 0;
  const rows = probabilities.length / n;
  for (let o = 0; o < probabilities.length; o += n) {
    const est = sampleUnary(shots.rng, probabilities.subarray(o, o + n), shots.shots);
    probabilities.set(est.probabilities, o);
    kept += est.keptFraction;
  }
  return rows > 0 ? kept / rows : 0;
}

/** Wraps an evaluator so that every distribution is a shot estimate. */
export function withShots(evaluate: Evaluator, n: number, shots: ShotOptions): Evaluator {
  return (sets) => evaluate(sets).map((p) => (sampleBatchInPlace(p, n, shots), p));
}
