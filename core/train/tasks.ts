// Toy tasks for demos, the CLI and tests: learn a target orthogonal map (a random full butterfly).
import { createRng } from '../random.ts';
import { butterflyParameterCount } from '../quantum/butterfly.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { checkLayers, checkPositiveInteger, checkQubits } from '../quantum/validate.ts';

export interface OrthogonalMapTask {
  inputs: Float64Array;
  /** Target distributions p* = (W* x / ||x||)^2, rows x n. */
  targets: Float64Array;
  targetParams: Float64Array;
}

/**
 * `samples` Gaussian inputs and their outputs under a target butterfly of `targetLayers` layers with angles drawn
 * uniformly in [-pi, pi). Seeded.
 */
export function orthogonalMapTask(n: number, targetLayers: number, samples: number, seed: number): OrthogonalMapTask {
  checkQubits(n);
  checkLayers(targetLayers, n);
  checkPositiveInteger(samples, 'samples', 10_000_000);
  const rng = createRng(seed);
  const targetParams = Float64Array.from({ length: butterflyParameterCount(n, targetLayers) }, () => rng.uniform(-Math.PI, Math.PI));
  const inputs = Float64Array.from({ length: samples * n }, () => rng.normal());
  return { inputs, targets: forwardBatch(inputs, n, targetLayers, targetParams), targetParams };
}
