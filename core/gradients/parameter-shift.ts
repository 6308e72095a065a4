// The per-parameter shift rule for RBS (generator eigenvalues {-1, 0, 0, 1}; METHOD.md section 5):
//   dp/dtheta = [p(theta + pi/4) - p(theta - pi/4)] - ((sqrt2 - 1) / 2) [p(theta + pi/2) - p(theta - pi/2)].
// Four circuits per parameter in scope, per sample.

export const SHIFTS = [Math.PI / 4, -Math.PI / 4, Math.PI / 2, -Math.PI / 2] as const;
export const HALF_PI_COEFF = (Math.SQRT2 - 1) / 2;

/** dp/dtheta from the four shifted values (in SHIFTS order). */
export function shiftDerivative(pPlusQuarter: number, pMinusQuarter: number, pPlusHalf: number, pMinusHalf: number): number {
  return pPlusQuarter - pMinusQuarter - HALF_PI_COEFF * (pPlusHalf - pMinusHalf);
}

/** Parameter sets the rule evaluates: for each parameter in scope, the four shifts in SHIFTS order. */
export function parameterShiftPlan(params: ArrayLike<number>, scope: readonly number[]): Float64Array[] {
  const sets: Float64Array[] = [];
  for (const q of scope) {
    for (const s of SHIFTS) {
      const theta = Float64Array.from(params);
      theta[q] += s;
      sets.push(theta);
    }
  }
  return sets;
}

/**
 * dL/dtheta (length `parameterCount`, zero outside scope) summed over the batch, from the plan's distributions
 * (rows x n each) and per-sample dL/dp (`weights`, rows x n).
 */
export function parameterShiftCombine(results: Float64Array[], weights: Float64Array, scope: readonly number[], parameterCount: number): Float64Array {
  const gradient = new Float64Array(parameterCount);
  scope.forEach((q, t) => {
    const [a, b, c, d] = results.slice(4 * t, 4 * t + 4);
    let g = 0;
    for (let k = 0; k < weights.length; k++) g += weights[k] * shiftDerivative(a[k], b[k], c[k], d[k]);
    gradient[q] = g;
  });
  return gradient;
}
