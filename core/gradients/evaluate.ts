// Shot estimates of exact distributions, as the shift rules consume them: seeded shots with Hamming-weight
// post-selection (ideal shots never leave weight 1, so every shot is kept).
import { sampleUnary } from '../quantum/shots.ts';
import type { Rng } from '../random.ts';

export interface ShotOptions {
  shots: number;
  rng: Rng;
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
