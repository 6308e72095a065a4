// The parallel shift (METHOD.md section 5): shift every parameter of the last butterfly layer by the same s in
// (+pi/4, -pi/4, +pi/2, -pi/2): four circuits in total. Outputs i and j of a last-layer pair depend only on that
// pair's angle, so each parameter's derivative is read off its own two outputs.
import { butterflyLayerPairs, butterflyParameterCount } from '../quantum/butterfly.ts';
import { forwardBatch, normaliseRows } from '../quantum/unary-simulator.ts';
import { InvalidInputError } from '../errors.ts';
import { HALF_PI_COEFF, SHIFTS } from './parameter-shift.ts';

/** The four parameter sets: all last-layer angles shifted together, in SHIFTS order. */
export function parallelShiftPlan(params: ArrayLike<number>, n: number, layers: number): Float64Array[] {
  const from = butterflyParameterCount(n, layers) - n / 2;
  return SHIFTS.map((s) => {
    const theta = Float64Array.from(params);
    for (let q = from; q < theta.length; q++) theta[q] += s;
    return theta;
  });
}

/** dL/dtheta (zeros outside the last layer) summed over the batch, from the four shifted distributions. */
export function parallelShiftCombine(results: Float64Array[], weights: Float64Array, n: number, layers: number): Float64Array {
  const total = butterflyParameterCount(n, layers);
  const from = total - n / 2;
  const gradient = new Float64Array(total);
  const [a, b, c, d] = results;
  const { I, J } = lastLayerPairs(n, layers);
  const h = HALF_PI_COEFF;
  for (let o = 0; o < weights.length; o += n) {
    for (let t = 0; t < I.length; t++) {
      const ki = o + I[t];
      const kj = o + J[t];
      gradient[from + t] += weights[ki] * (a[ki] - b[ki] - h * (c[ki] - d[ki])) + weights[kj] * (a[kj] - b[kj] - h * (c[kj] - d[kj]));
    }
  }
  return gradient;
}

const pairCache = new Map<number, { I: Int32Array; J: Int32Array }>();

/** The pairs of layer `layers` (the last one), cached: a training asks for them at every step. */
function lastLayerPairs(n: number, layers: number): { I: Int32Array; J: Int32Array } {
  const key = n * 64 + layers;
  let pairs = pairCache.get(key);
  if (!pairs) {
    const list = butterflyLayerPairs(n, layers);
    pairs = { I: Int32Array.from(list, (p) => p.i), J: Int32Array.from(list, (p) => p.j) };
    pairCache.set(key, pairs);
  }
  return pairs;
}

/**
 * The unshifted distribution recovered from the +-pi/2 shifted ones, so the loss needs no fifth circuit: for a
 * last-layer pair with incoming amplitudes (u, v), p_i(theta + pi/2) = p_j(theta) and p_j(theta + pi/2) = p_i(theta)
 * (likewise for -pi/2). Averaging both halves the shot noise.
 */
export function unshiftedFromParallel(results: Float64Array[], n: number, layers: number): Float64Array {
  const plus = results[2];
  const minus = results[3];
  const p = new Float64Array(plus.length);
  const { I, J } = lastLayerPairs(n, layers);
  for (let o = 0; o < p.length; o += n) {
    for (let t = 0; t < I.length; t++) {
      const ki = o + I[t];
      const kj = o + J[t];
      p[ki] = 0.5 * (plus[kj] + minus[kj]);
      p[kj] = 0.5 * (plus[ki] + minus[ki]);
    }
  }
  return p;
}

/**
 * Exact distributions of the four parallel-shift circuits on a batch, computed cheaply: the first L-1 layers
 * once, then the four shifted last layers in one pass. Same numbers as evaluating the four circuits.
 */
export function exactParallelShiftResults(inputs: Float64Array, n: number, layers: number, params: ArrayLike<number>): Float64Array[] {
  const from = (n / 2) * (layers - 1);
  const total = butterflyParameterCount(n, layers);
  if (params.length !== total) throw new InvalidInputError(`parameters must have exactly ${total} entries; got ${params.length}`);
  const prefix =
    layers > 1 ? forwardBatch(inputs, n, layers - 1, Array.prototype.slice.call(params, 0, from), { amplitudes: true }) : normaliseRows(inputs.slice(), n);
  const { I, J } = lastLayerPairs(n, layers);
  const half = n / 2;
  // cos/sin of every last-layer angle under each shift, laid out [shift][pair].
  const C = new Float64Array(4 * half);
  const S = new Float64Array(4 * half);
  SHIFTS.forEach((sh, k) => {
    for (let t = 0; t < half; t++) {
      C[k * half + t] = Math.cos(params[from + t] + sh);
      S[k * half + t] = Math.sin(params[from + t] + sh);
    }
  });
  const results = [0, 1, 2, 3].map(() => new Float64Array(prefix.length));
  const [r0, r1, r2, r3] = results;
  for (let o = 0; o < prefix.length; o += n) {
    for (let t = 0; t < half; t++) {
      const ki = o + I[t];
      const kj = o + J[t];
      const u = prefix[ki];
      const v = prefix[kj];
      let x = C[t] * u - S[t] * v,
        y = S[t] * u + C[t] * v;
      r0[ki] = x * x;
      r0[kj] = y * y;
      x = C[half + t] * u - S[half + t] * v;
      y = S[half + t] * u + C[half + t] * v;
      r1[ki] = x * x;
      r1[kj] = y * y;
      x = C[2 * half + t] * u - S[2 * half + t] * v;
      y = S[2 * half + t] * u + C[2 * half + t] * v;
      r2[ki] = x * x;
      r2[kj] = y * y;
      x = C[3 * half + t] * u - S[3 * half + t] * v;
      y = S[3 * half + t] * u + C[3 * half + t] * v;
      r3[ki] = x * x;
      r3[kj] = y * y;
    }
  }
  return results;
}

/**
 * What the parallel shift yields on exact distributions, in closed form: for a last-layer pair with outputs
 * (y_i, y_j), dp_i/dtheta = -2 y_i y_j and dp_j/dtheta = 2 y_i y_j (the four-term rule is exact), so
 * dL/dtheta = sum_rows 2 y_i y_j (w_j - w_i). `amplitudes` are the model's outputs y (rows x n). Used on the
 * exact path, where it equals combining the four circuits' distributions (tested) at a fraction of the cost;
 * the circuit count reported stays 4 per sample, what a device runs.
 */
export function exactParallelShiftGradient(amplitudes: Float64Array, weights: Float64Array, n: number, layers: number): Float64Array {
  const total = butterflyParameterCount(n, layers);
  const from = total - n / 2;
  const gradient = new Float64Array(total);
  const { I, J } = lastLayerPairs(n, layers);
  for (let o = 0; o < amplitudes.length; o += n) {
    for (let t = 0; t < I.length; t++) {
      const ki = o + I[t];
      const kj = o + J[t];
      gradient[from + t] += 2 * amplitudes[ki] * amplitudes[kj] * (weights[kj] - weights[ki]);
    }
  }
  return gradient;
}
