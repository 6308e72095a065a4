// The Pauli noise model of METHOD.md section 7 (normative): after every X a single-qubit channel with
// probability p1, after every RBS a two-qubit channel with probability p2, at measurement independent bit flips
// with probability r. The channel is depolarizing (uniform over the 4 or 16 Paulis, identity included) unless
// `channel1` / `channel2` give other Pauli weights (used by the Z-only and X-only limit tests).
import { InvalidInputError, showValue } from '../errors.ts';

/** Pauli labels: index 0 = I, 1 = X, 2 = Y, 3 = Z. A two-qubit Pauli on (i, j) has index 4 * a + b (a on i, b on j). */
export const PAULI_LABELS = ['I', 'X', 'Y', 'Z'] as const;

export interface NoiseModel {
  /** Probability of the single-qubit channel after each X gate. */
  p1: number;
  /** Probability of the two-qubit channel after each RBS gate. */
  p2: number;
  /** Readout bit-flip probability per qubit. */
  readout: number;
  /** Weights of I, X, Y, Z for the single-qubit channel (normalised; default uniform = depolarizing). */
  channel1?: readonly number[];
  /** Weights of the 16 two-qubit Paulis, index 4a + b (normalised; default uniform = depolarizing). */
  channel2?: readonly number[];
}

/** A noise model with every field checked and the channels normalised to probability vectors. */
export interface ResolvedNoise {
  p1: number;
  p2: number;
  readout: number;
  channel1: Float64Array;
  channel2: Float64Array;
  /** True when both channels are uniform (depolarizing). */
  depolarizing: boolean;
}

export function checkProbability(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    const allowed = 'a probability in [0, 1]';
    throw new InvalidInputError(`${name} must be ${allowed}; got ${showValue(value)}`, { field: name, value, allowed });
  }
  return value;
}

function channel(weights: readonly number[] | undefined, size: number, name: string): Float64Array {
  const out = new Float64Array(size);
  if (!weights) {
    out.fill(1 / size);
    return out;
  }
  if (weights.length !== size) throw new InvalidInputError(`${name} must hold ${size} Pauli weights; got ${weights.length}`);
  let total = 0;
  for (let k = 0; k < size; k++) {
    const w = weights[k];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new InvalidInputError(`${name}[${k}] must be a non-negative number; got ${String(w)}`);
    total += w;
  }
  if (!(total > 0)) throw new InvalidInputError(`${name} must have a positive total weight`);
  for (let k = 0; k < size; k++) out[k] = weights[k] / total;
  return out;
}

export function resolveNoise(model: NoiseModel): ResolvedNoise {
  if (!model || typeof model !== 'object') throw new InvalidInputError('noise model must be an object {p1, p2, readout}');
  const p1 = checkProbability(model.p1, 'p1');
  const p2 = checkProbability(model.p2, 'p2');
  const readout = checkProbability(model.readout, 'readout');
  return {
    p1,
    p2,
    readout,
    channel1: channel(model.channel1, 4, 'channel1'),
    channel2: channel(model.channel2, 16, 'channel2'),
    depolarizing: !model.channel1 && !model.channel2,
  };
}

/** Probability that the noise after one X (kind 1) or one RBS (kind 2) is a non-identity Pauli. */
export function errorProbability(noise: ResolvedNoise, kind: 1 | 2): number {
  return kind === 1 ? noise.p1 * (1 - noise.channel1[0]) : noise.p2 * (1 - noise.channel2[0]);
}

/**
 * Readout (METHOD.md section 7): every bit flips independently with probability r, so whether a measured bitstring
 * of Hamming weight w ends as a kept (weight-1) outcome depends on w only: either all its ones but one flip and no
 * zero does (w ways), or none of its ones and exactly one zero flips (n - w ways). Returns that probability for
 * w = 0..n. Given that it is kept, the outcome is one of the w ones with probability w a / (w a + (n - w) c).
 */
export function readoutKeepProbabilities(n: number, r: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let w = 0; w <= n; w++) {
    const a = w >= 1 ? r ** (w - 1) * (1 - r) ** (n - w + 1) : 0; // keep one of the ones
    const c = w <= n - 1 ? r ** (w + 1) * (1 - r) ** (n - w - 1) : 0; // flip one of the zeros
    out[w] = w * a + (n - w) * c;
  }
  return out;
}

export const NOISELESS: NoiseModel = { p1: 0, p2: 0, readout: 0 };
