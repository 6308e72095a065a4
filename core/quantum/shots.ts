// Shot sampling (seeded multinomial) and Hamming-weight-1 post-selection (METHOD.md section 4).
import { multinomial, type Rng } from '../random.ts';
import { InvalidInputError } from '../errors.ts';
import { MAX_SHOTS } from '../limits.ts';
import type { StateVector } from './statevector.ts';
import { bitstring, stateProbabilities } from './statevector.ts';

export interface ShotEstimate {
  /** count_k / keptShots over the unary outcomes e_k (all zeros when nothing was kept). */
  probabilities: Float64Array;
  shots: number;
  keptShots: number;
  keptFraction: number;
}

export function checkShots(shots: unknown): number {
  if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 1 || shots > MAX_SHOTS) {
    const allowed = `an integer between 1 and ${MAX_SHOTS.toLocaleString('en-US')}`;
    throw new InvalidInputError(`shots must be ${allowed}; got ${String(shots)}`, { field: 'shots', value: shots, allowed });
  }
  return shots;
}

/**
 * Samples `shots` outcomes from unary probabilities p_k (outcome e_k), plus an optional leaked mass outside
 * Hamming weight 1 (`1 - sum p` when `leak` is true): leaked shots are discarded by post-selection.
 */
export function sampleUnary(rng: Rng, probabilities: ArrayLike<number>, shots: number, leak = false): ShotEstimate {
  const n = probabilities.length;
  let total = 0;
  for (let k = 0; k < n; k++) total += probabilities[k];
  const outcomes = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) outcomes[k] = probabilities[k];
  outcomes[n] = leak ? Math.max(0, 1 - total) : 0;
  const counts = multinomial(rng, shots, outcomes);
  return postSelectUnaryCounts(counts.subarray(0, n), shots);
}

/** Estimate from counts of the n unary outcomes out of `shots` total shots. */
export function postSelectUnaryCounts(unaryCounts: ArrayLike<number>, shots: number): ShotEstimate {
  const n = unaryCounts.length;
  let kept = 0;
  for (let k = 0; k < n; k++) kept += unaryCounts[k];
  const probabilities = new Float64Array(n);
  if (kept > 0) for (let k = 0; k < n; k++) probabilities[k] = unaryCounts[k] / kept;
  return { probabilities, shots, keptShots: kept, keptFraction: shots > 0 ? kept / shots : 0 };
}

/** Post-selects raw counts by bitstring (qubit 0 first) on Hamming weight 1. */
export function postSelectCounts(counts: Record<string, number>, qubits: number): ShotEstimate {
  const unary = new Float64Array(qubits);
  let shots = 0;
  for (const [bits, c] of Object.entries(counts)) {
    shots += c;
    const first = bits.indexOf('1');
    if (first >= 0 && bits.indexOf('1', first + 1) < 0) unary[first] += c;
  }
  return postSelectUnaryCounts(unary, shots);
}

/** Measures all qubits of a state vector `shots` times: raw counts by bitstring (qubit 0 first), zeros omitted. */
export function sampleStateVector(rng: Rng, state: StateVector, shots: number): Record<string, number> {
  const counts = multinomial(rng, shots, stateProbabilities(state));
  const out: Record<string, number> = {};
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) out[bitstring(k, state.qubits)] = counts[k];
  return out;
}
