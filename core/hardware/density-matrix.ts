// Exact noisy simulation (METHOD.md section 7, normative semantics) with a 2^n x 2^n density matrix, n <= 10.
// Every gate of the method is real (X, RBS) and every Pauli conjugation maps real matrices to real matrices
// (Y rho Y = K rho K^T with K = XZ real), so rho stays real symmetric: one Float64Array of 4^n entries.
// Basis index bit q holds qubit q; bitstrings are written qubit 0 first.
import type { Circuit } from '../quantum/circuit.ts';
import { InvalidInputError, throwIfAborted } from '../errors.ts';
import { resolveNoise, type NoiseModel, type ResolvedNoise } from './noise.ts';

import { MAX_DENSITY_QUBITS } from '../limits.ts';

export { MAX_DENSITY_QUBITS };

export interface ExactNoisyResult {
  qubits: number;
  /** Outcome probabilities over all 2^n bitstrings after readout error (index bit q = qubit q). */
  outcomes: Float64Array;
  /** Post-selected unary readout p_k (Hamming weight 1 outcomes, renormalised); zeros when nothing is kept. */
  probabilities: Float64Array;
  /** Probability mass of Hamming weight 1 outcomes. */
  keptFraction: number;
}

export interface ExactNoisyOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export function checkCircuit(circuit: Circuit, maxQubits: number): void {
  const n = circuit?.qubits;
  if (!Number.isInteger(n) || n < 1 || n > maxQubits) {
    throw new InvalidInputError(`circuit has ${String(n)} qubits; this simulation takes 1 to ${maxQubits}`);
  }
  if (!Array.isArray(circuit.gates)) throw new InvalidInputError('circuit.gates must be an array');
  const inRange = (q: number) => Number.isInteger(q) && q >= 0 && q < n;
  circuit.gates.forEach((g, k) => {
    if (g.type === 'x') {
      if (!inRange(g.qubit)) throw new InvalidInputError(`gate ${k} (x) acts on qubit ${g.qubit}, outside 0..${n - 1}`);
    } else if (g.type === 'rbs') {
      if (!inRange(g.i) || !inRange(g.j) || g.i === g.j)
        throw new InvalidInputError(`gate ${k} (rbs) acts on (${g.i}, ${g.j}); needs two different qubits in 0..${n - 1}`);
      if (!Number.isFinite(g.theta)) throw new InvalidInputError(`gate ${k} (rbs) has a non-finite angle ${g.theta}`);
    } else {
      throw new InvalidInputError(`gate ${k} has unknown type ${(g as { type: unknown }).type}`);
    }
  });
}

/** rho -> X_q rho X_q (a permutation of rows and columns). */
function conjX(rho: Float64Array, dim: number, q: number): void {
  const m = 1 << q;
  for (let r = 0; r < dim; r++) {
    const r2 = r ^ m;
    const row = r * dim;
    const row2 = r2 * dim;
    for (let c = 0; c < dim; c++) {
      const c2 = c ^ m;
      // Swap (r, c) with (r2, c2) once.
      if (r < r2 || (r === r2 && c < c2)) {
        const t = rho[row + c];
        rho[row + c] = rho[row2 + c2];
        rho[row2 + c2] = t;
      }
    }
  }
}

/** rho -> Z_q rho Z_q: sign (-1)^(bit(r) + bit(c)). */
function conjZ(rho: Float64Array, dim: number, q: number): void {
  const m = 1 << q;
  for (let r = 0; r < dim; r++) {
    const rb = r & m;
    const row = r * dim;
    for (let c = 0; c < dim; c++) if ((c & m) !== rb) rho[row + c] = -rho[row + c];
  }
}

/** rho -> P rho P for a Pauli index (0 I, 1 X, 2 Y, 3 Z) on qubit q. Y rho Y = (XZ) rho (XZ)^T. */
function conjPauli(rho: Float64Array, dim: number, q: number, p: number): void {
  if (p === 1) conjX(rho, dim, q);
  else if (p === 3) conjZ(rho, dim, q);
  else if (p === 2) {
    conjZ(rho, dim, q);
    conjX(rho, dim, q);
  }
}

/** rho -> U rho U^T for RBS(theta) on (i, j). */
function applyRbs(rho: Float64Array, dim: number, i: number, j: number, theta: number): void {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const mi = 1 << i;
  const mj = 1 << j;
  // Left: rows r (bit i set, j clear) and r' = r ^ mi ^ mj.
  for (let r = 0; r < dim; r++) {
    if (!(r & mi) || r & mj) continue;
    const a = r * dim;
    const b = (r ^ mi ^ mj) * dim;
    for (let col = 0; col < dim; col++) {
      const x = rho[a + col];
      const y = rho[b + col];
      rho[a + col] = c * x - s * y;
      rho[b + col] = s * x + c * y;
    }
  }
  // Right: the same rotation on columns.
  for (let col = 0; col < dim; col++) {
    if (!(col & mi) || col & mj) continue;
    const col2 = col ^ mi ^ mj;
    for (let r = 0; r < dim; r++) {
      const row = r * dim;
      const x = rho[row + col];
      const y = rho[row + col2];
      rho[row + col] = c * x - s * y;
      rho[row + col2] = s * x + c * y;
    }
  }
}

/** Single-qubit depolarizing: rho -> (1-p) rho + p (I/2 x tr_q rho). */
function depolarize1(rho: Float64Array, dim: number, q: number, p: number): void {
  const m = 1 << q;
  const keep = 1 - p;
  for (let r = 0; r < dim; r++) {
    if (r & m) continue;
    const r0 = r * dim;
    const r1 = (r | m) * dim;
    for (let c = 0; c < dim; c++) {
      if (c & m) continue;
      const c1 = c | m;
      const t = 0.5 * p * (rho[r0 + c] + rho[r1 + c1]);
      rho[r0 + c] = keep * rho[r0 + c] + t;
      rho[r1 + c1] = keep * rho[r1 + c1] + t;
      rho[r0 + c1] *= keep;
      rho[r1 + c] *= keep;
    }
  }
}

/** Two-qubit depolarizing on (i, j): rho -> (1-p) rho + p (I/4 x tr_ij rho). */
function depolarize2(rho: Float64Array, dim: number, i: number, j: number, p: number): void {
  const mi = 1 << i;
  const mj = 1 << j;
  const keep = 1 - p;
  const offs = [0, mi, mj, mi | mj];
  for (let r = 0; r < dim; r++) {
    if (r & (mi | mj)) continue;
    for (let c = 0; c < dim; c++) {
      if (c & (mi | mj)) continue;
      let t = 0;
      for (let a = 0; a < 4; a++) t += rho[(r | offs[a]) * dim + (c | offs[a])];
      t *= 0.25 * p;
      for (let a = 0; a < 4; a++) {
        const row = (r | offs[a]) * dim;
        for (let b = 0; b < 4; b++) {
          const idx = row + (c | offs[b]);
          rho[idx] = a === b ? keep * rho[idx] + t : keep * rho[idx];
        }
      }
    }
  }
}

/** A general Pauli channel: rho -> sum_P w_P P rho P (w over 4 or 16 Paulis). */
function pauliChannel(rho: Float64Array, dim: number, qubits: number[], weights: Float64Array, p: number): void {
  const base = rho.slice();
  rho.fill(0);
  const term = new Float64Array(rho.length);
  for (let k = 0; k < weights.length; k++) {
    const w = (k === 0 ? 1 - p : 0) + p * weights[k];
    if (w === 0) continue;
    term.set(base);
    if (qubits.length === 1) conjPauli(term, dim, qubits[0], k);
    else {
      conjPauli(term, dim, qubits[0], k >> 2);
      conjPauli(term, dim, qubits[1], k & 3);
    }
    for (let t = 0; t < rho.length; t++) rho[t] += w * term[t];
  }
}

/** Outcome probabilities after independent readout flips with probability r on each qubit. */
export function applyReadoutError(p: Float64Array, qubits: number, r: number): Float64Array {
  const out = p.slice();
  if (r === 0) return out;
  for (let q = 0; q < qubits; q++) {
    const m = 1 << q;
    for (let x = 0; x < out.length; x++) {
      if (x & m) continue;
      const a = out[x];
      const b = out[x | m];
      out[x] = (1 - r) * a + r * b;
      out[x | m] = r * a + (1 - r) * b;
    }
  }
  return out;
}

/** Post-selection on Hamming weight 1 from a full outcome distribution. */
export function postSelectUnary(outcomes: ArrayLike<number>, qubits: number): { probabilities: Float64Array; keptFraction: number } {
  const probabilities = new Float64Array(qubits);
  let kept = 0;
  for (let k = 0; k < qubits; k++) {
    probabilities[k] = outcomes[1 << k];
    kept += probabilities[k];
  }
  if (kept > 0) for (let k = 0; k < qubits; k++) probabilities[k] /= kept;
  return { probabilities, keptFraction: kept };
}

/** The noisy density matrix after the circuit (before readout), for checks. */
export function noisyDensityMatrix(circuit: Circuit, model: NoiseModel | ResolvedNoise, options: ExactNoisyOptions = {}): Float64Array {
  checkCircuit(circuit, MAX_DENSITY_QUBITS);
  const noise = 'depolarizing' in model ? model : resolveNoise(model);
  const n = circuit.qubits;
  const dim = 1 << n;
  const rho = new Float64Array(dim * dim);
  rho[0] = 1;
  const total = circuit.gates.length;
  circuit.gates.forEach((g, k) => {
    throwIfAborted(options.signal);
    if (g.type === 'x') {
      conjX(rho, dim, g.qubit);
      if (noise.p1 > 0) {
        if (noise.depolarizing) depolarize1(rho, dim, g.qubit, noise.p1);
        else pauliChannel(rho, dim, [g.qubit], noise.channel1, noise.p1);
      }
    } else {
      applyRbs(rho, dim, g.i, g.j, g.theta);
      if (noise.p2 > 0) {
        if (noise.depolarizing) depolarize2(rho, dim, g.i, g.j, noise.p2);
        else pauliChannel(rho, dim, [g.i, g.j], noise.channel2, noise.p2);
      }
    }
    options.onProgress?.(k + 1, total);
  });
  return rho;
}

/** The exact noisy outcome distribution (METHOD.md section 7) and its unary post-selection, n <= 10. */
export function exactNoisyDistribution(circuit: Circuit, model: NoiseModel | ResolvedNoise, options: ExactNoisyOptions = {}): ExactNoisyResult {
  const noise = 'depolarizing' in model ? model : resolveNoise(model);
  const rho = noisyDensityMatrix(circuit, noise, options);
  const n = circuit.qubits;
  const dim = 1 << n;
  const diag = new Float64Array(dim);
  for (let k = 0; k < dim; k++) diag[k] = Math.max(0, rho[k * dim + k]);
  const outcomes = applyReadoutError(diag, n, noise.readout);
  const { probabilities, keptFraction } = postSelectUnary(outcomes, n);
  return { qubits: n, outcomes, probabilities, keptFraction };
}

/** An outcome distribution as an object from bitstrings (qubit 0 first) to probabilities, all 2^n outcomes. */
export function distributionObject(outcomes: ArrayLike<number>, qubits: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let x = 0; x < outcomes.length; x++) {
    let s = '';
    for (let q = 0; q < qubits; q++) s += (x >> q) & 1 ? '1' : '0';
    out[s] = outcomes[x];
  }
  return out;
}
