// Trajectory sampler for the Pauli noise of METHOD.md section 7, exact in distribution at any register size.
//
// A shot is a trajectory: after each gate a Pauli error happens with the channel's probability. Error
// locations are drawn by inverting the cumulative hazard (one exponential and a binary search per error, so an
// error-free shot costs O(log G)). Error-free shots sample the precomputed error-free outcome distribution.
// A shot with errors restarts from the error-free state just after its first error, applies each Pauli and the
// remaining gates in Hamming-weight sectors (RBS keeps every sector; each X/Y factor moves amplitude by one
// unit of weight), and samples the outcome from |amplitude|^2. Readout flips each bit with probability r;
// outcomes of weight 1 are kept (post-selection).
import type { Circuit } from '../quantum/circuit.ts';
import type { Rng } from '../random.ts';
import { throwIfAborted } from '../errors.ts';
import { checkCircuit } from './density-matrix.ts';
import { errorProbability, resolveNoise, type NoiseModel, type ResolvedNoise } from './noise.ts';
import { SectorOverflowError, SectorSpace, SectorState } from './sectors.ts';
import { MAX_SPARSE_QUBITS, SparseState } from './sparse-state.ts';
import { InvalidInputError } from '../errors.ts';

import { MAX_QUBITS as MAX_TRAJECTORY_QUBITS } from '../limits.ts';

export interface ShotResult {
  shots: number;
  keptShots: number;
  keptFraction: number;
  /** count_k / keptShots over the unary outcomes (all zeros when nothing was kept). */
  probabilities: Float64Array;
  /** Kept counts per unary outcome k. */
  unaryCounts: Uint32Array;
  /** Raw counts by bitstring (qubit 0 first), when asked for. */
  counts?: Record<string, number>;
  /** Shots whose trajectory carried at least one non-identity Pauli error. */
  errorShots: number;
  /** Shots whose trajectory needed the sparse fallback (a sector too large to hold densely). */
  sparseShots: number;
  /** Error shots left unresolved inside their sector: rejected whatever the outcome (only without counts). */
  unresolvedShots: number;
  /** Highest Hamming weight measured before readout (the sector drawn for unresolved shots). */
  maxWeight: number;
}

export interface SampleOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Record raw counts by bitstring (default true). */
  counts?: boolean;
}

export class TrajectorySampler {
  readonly qubits: number;
  private readonly noise: ResolvedNoise;
  private readonly space: SectorSpace;
  private readonly kind: Uint8Array; // 0 X, 1 RBS
  private readonly qa: Int32Array;
  private readonly qb: Int32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** hazard[g] = sum_{h <= g} -log(1 - e_h). */
  private readonly hazard: Float64Array;
  private readonly certain: boolean; // some location errs with probability 1: use per-gate draws
  private readonly errProb: Float64Array;
  private readonly snapshots: SectorState[];
  /** Error-free outcomes: sector, rank and cumulative probability. */
  private readonly finalW: Int32Array;
  private readonly finalR: Int32Array;
  private readonly finalCum: Float64Array;
  private readonly cum1: Float64Array; // cumulative non-identity channel weights
  private readonly cum2: Float64Array;
  private readonly work: SectorState;

  constructor(circuit: Circuit, model: NoiseModel | ResolvedNoise) {
    checkCircuit(circuit, MAX_TRAJECTORY_QUBITS);
    this.noise = 'depolarizing' in model ? model : resolveNoise(model);
    const n = circuit.qubits;
    this.qubits = n;
    this.space = SectorSpace.of(n);
    const G = circuit.gates.length;
    this.kind = new Uint8Array(G);
    this.qa = new Int32Array(G);
    this.qb = new Int32Array(G);
    this.cos = new Float64Array(G);
    this.sin = new Float64Array(G);
    this.hazard = new Float64Array(G);
    this.errProb = new Float64Array(G);
    const e1 = errorProbability(this.noise, 1);
    const e2 = errorProbability(this.noise, 2);
    let h = 0;
    let certain = false;
    circuit.gates.forEach((g, k) => {
      if (g.type === 'x') {
        this.kind[k] = 0;
        this.qa[k] = g.qubit;
        this.errProb[k] = e1;
      } else {
        this.kind[k] = 1;
        this.qa[k] = g.i;
        this.qb[k] = g.j;
        this.cos[k] = Math.cos(g.theta);
        this.sin[k] = Math.sin(g.theta);
        this.errProb[k] = e2;
      }
      if (this.errProb[k] >= 1 - 1e-12) certain = true;
      h += -Math.log1p(-Math.min(this.errProb[k], 1 - 1e-12));
      this.hazard[k] = h;
    });
    this.certain = certain;
    this.cum1 = cumulativeNonIdentity(this.noise.channel1);
    this.cum2 = cumulativeNonIdentity(this.noise.channel2);

    // Error-free path with a snapshot after every gate (snapshots[g + 1] = state after gate g).
    const state = new SectorState(this.space);
    state.setBasis([]);
    this.snapshots = [snapshot(this.space, state)];
    for (let g = 0; g < G; g++) {
      this.gateOn(state, g);
      this.snapshots.push(snapshot(this.space, state));
    }
    const ws: number[] = [];
    const rs: number[] = [];
    const cs: number[] = [];
    let acc = 0;
    for (let w = 0; w <= n; w++) {
      const re = state.re[w];
      if (!re) continue;
      const im = state.im[w]!;
      for (let r = 0; r < re.length; r++) {
        const p = re[r] * re[r] + im[r] * im[r];
        if (p <= 0) continue;
        acc += p;
        ws.push(w);
        rs.push(r);
        cs.push(acc);
      }
    }
    this.finalW = Int32Array.from(ws);
    this.finalR = Int32Array.from(rs);
    this.finalCum = Float64Array.from(cs.map((c) => c / acc));
    this.work = new SectorState(this.space);
  }

  /** First gate index >= from whose noise is a non-identity Pauli, or G when none. */
  private nextError(rng: Rng, from: number): number {
    const G = this.hazard.length;
    if (from >= G) return G;
    if (this.certain) {
      for (let g = from; g < G; g++) if (rng.next() < this.errProb[g]) return g;
      return G;
    }
    const target = (from > 0 ? this.hazard[from - 1] : 0) + rng.exponential();
    if (this.hazard[G - 1] <= target) return G;
    let lo = from;
    let hi = G - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hazard[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Draws the non-identity Pauli of an error after gate g: 1..3 for an X gate, 1..15 (4a + b) for an RBS. */
  private drawPauli(rng: Rng, g: number): number {
    return drawIndex(this.kind[g] === 0 ? this.cum1 : this.cum2, rng.next()) + 1;
  }

  /** Applies the Pauli drawn after gate g; with pruning, keeps only weights in [1 - reach - r, 1 + reach + r]. */
  private applyPauli(state: SectorState | SparseState, g: number, p: number, reach = Infinity, remainingAfter = 0): void {
    if (this.kind[g] === 0) state.pauli(this.qa[g], p, 1 - reach - remainingAfter, 1 + reach + remainingAfter);
    else {
      const a = p >> 2;
      const b = p & 3;
      const rA = remainingAfter + (b === 1 || b === 2 ? 1 : 0);
      state.pauli(this.qa[g], a, 1 - reach - rA, 1 + reach + rA);
      state.pauli(this.qb[g], b, 1 - reach - remainingAfter, 1 + reach + remainingAfter);
    }
  }

  private gateOn(state: SectorState | SparseState, g: number): void {
    if (this.kind[g] === 0) state.pauli(this.qa[g], 1);
    else state.rbs(this.qa[g], this.qb[g], this.cos[g], this.sin[g]);
  }

  /** Number of X or Y factors of the Pauli drawn after gate g (each moves amplitude by one unit of weight). */
  private factors(g: number, p: number): number {
    const xy = (a: number) => (a === 1 || a === 2 ? 1 : 0);
    return this.kind[g] === 0 ? xy(p) : xy(p >> 2) + xy(p & 3);
  }

  /**
   * Runs a trajectory with errors (gate errG[t], Pauli errP[t]) and draws its measured basis state.
   * Sectors evolve independently between errors and keep their norms, so:
   * - with `prune` (no raw counts wanted), a sector that can no longer end within the readout flips' reach of
   *   weight 1 (given the X/Y factors still to come, all drawn up front) is dropped: its mass is rejected by
   *   post-selection whatever happens to it, and it never interferes with the sectors that can still be kept;
   * - after the last error the measured weight is drawn from the sector norms (u1) and only that sector runs on.
   * Writes the outcome positions, or null when the drawn mass was rejected without resolving it.
   */
  private runTrajectory(
    state: SectorState | SparseState,
    errG: number[],
    errP: number[],
    u1: number,
    u2: number,
    prune: boolean,
    reach: number,
    out: { w: number; positions: number[] | null },
  ): void {
    const G = this.hazard.length;
    const last = errG.length - 1;
    let remaining = 0;
    for (let t = 0; t <= last; t++) remaining += this.factors(errG[t], errP[t]);
    for (let t = 0; t <= last; t++) {
      remaining -= this.factors(errG[t], errP[t]);
      this.applyPauli(state, errG[t], errP[t], prune ? reach : Infinity, remaining);
      if (t < last) for (let h = errG[t] + 1; h <= errG[t + 1]; h++) this.gateOn(state, h);
    }
    const norms = state instanceof SectorState ? state.norms() : state.weightNorms();
    let total = 0;
    for (let w = 0; w < norms.length; w++) total += norms[w];
    // Without pruning the state has unit norm (up to rounding); with it the dropped mass is 1 - total.
    let target = u1 * (prune ? Math.max(1, total) : total);
    let wm = -1;
    for (let w = 0; w < norms.length; w++) {
      if (norms[w] <= 0) continue;
      if (target < norms[w]) {
        wm = w;
        break;
      }
      target -= norms[w];
    }
    if (wm < 0) {
      if (prune || total <= 0) {
        out.w = -1;
        out.positions = null;
        return;
      }
      for (let w = 0; w < norms.length; w++) if (norms[w] > 0) wm = w;
    }
    out.w = wm;
    state.keepOnly(wm);
    for (let h = errG[last] + 1; h < G; h++) this.gateOn(state, h);
    if (state instanceof SectorState) {
      const s = state.sample(u2);
      const pos = new Int32Array(s.w);
      this.space.unrank(s.w, s.r, pos);
      out.positions = Array.from(pos);
    } else out.positions = state.sample(u2);
  }

  private startSparse(g: number): SparseState {
    if (this.qubits > MAX_SPARSE_QUBITS) {
      throw new InvalidInputError(`a noise trajectory on ${this.qubits} qubits reached a Hamming-weight sector too large to simulate (the sparse fallback takes at most ${MAX_SPARSE_QUBITS} qubits); lower the noise`);
    }
    const state = new SparseState(this.qubits);
    const snap = this.snapshots[g + 1];
    const pos = new Int32Array(this.qubits + 1);
    for (let w = 0; w <= this.qubits; w++) {
      const re = snap.re[w];
      if (!re) continue;
      const im = snap.im[w]!;
      for (let r = 0; r < re.length; r++) {
        if (re[r] === 0 && im[r] === 0) continue;
        this.space.unrank(w, r, pos);
        state.set(pos.subarray(0, w), re[r], im[r]);
      }
    }
    return state;
  }

  /** Draws `shots` noisy shots with readout error and unary post-selection. */
  sample(shots: number, rng: Rng, options: SampleOptions = {}): ShotResult {
    const n = this.qubits;
    const G = this.hazard.length;
    const r = this.noise.readout;
    const logKeep = r > 0 && r < 1 ? Math.log1p(-r) : 0;
    const wantCounts = options.counts ?? true;
    const counts = new Map<string, number>();
    const unaryCounts = new Uint32Array(n);
    const bits = new Uint8Array(n);
    const flips: number[] = [];
    const pos = new Int32Array(n + 1);
    let kept = 0;
    let errorShots = 0;
    let sparseShots = 0;
    let unresolved = 0;
    const errG: number[] = [];
    const errP: number[] = [];
    const out: { w: number; positions: number[] | null } = { w: 0, positions: null };
    let maxWeight = 0;
    for (let shot = 0; shot < shots; shot++) {
      if ((shot & 1023) === 0) {
        throwIfAborted(options.signal);
        if (shot > 0) options.onProgress?.(shot, shots);
      }
      // Readout flips first (independent of the state), so a trajectory can stop early when it cannot be kept.
      flips.length = 0;
      if (r >= 1) for (let q = 0; q < n; q++) flips.push(q);
      else if (r > 0) {
        let q = -1;
        for (;;) {
          q += 1 + Math.floor(Math.log(1 - rng.next()) / logKeep);
          if (q >= n) break;
          flips.push(q);
        }
      }
      let positions: ArrayLike<number> | null;
      let w: number;
      let g = this.nextError(rng, 0);
      if (g >= G) {
        const k = drawIndex(this.finalCum, rng.next());
        w = this.finalW[k];
        this.space.unrank(w, this.finalR[k], pos);
        positions = pos.subarray(0, w);
      } else {
        errorShots++;
        errG.length = 0;
        errP.length = 0;
        while (g < G) {
          errG.push(g);
          errP.push(this.drawPauli(rng, g));
          g = this.nextError(rng, g + 1);
        }
        const u1 = rng.next();
        const u2 = rng.next();
        try {
          this.work.copyFrom(this.snapshots[errG[0] + 1]);
          this.runTrajectory(this.work, errG, errP, u1, u2, !wantCounts, flips.length, out);
        } catch (e) {
          if (!(e instanceof SectorOverflowError)) throw e;
          sparseShots++;
          this.runTrajectory(this.startSparse(errG[0]), errG, errP, u1, u2, !wantCounts, flips.length, out);
        }
        w = out.w;
        positions = out.positions;
      }
      if (w > maxWeight) maxWeight = w;
      if (!positions) {
        unresolved++;
        continue; // rejected by post-selection whatever the outcome inside its sector
      }
      for (let t = 0; t < positions.length; t++) bits[positions[t]] = 1;
      let weight = positions.length;
      for (const q of flips) {
        bits[q] ^= 1;
        weight += bits[q] ? 1 : -1;
      }
      if (weight === 1) {
        kept++;
        let k = -1;
        for (let t = 0; t < positions.length && k < 0; t++) if (bits[positions[t]]) k = positions[t];
        for (let t = 0; t < flips.length && k < 0; t++) if (bits[flips[t]]) k = flips[t];
        unaryCounts[k]++;
      }
      if (wantCounts) {
        const key = bitstringOf(bits, positions, flips, n);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (let t = 0; t < positions.length; t++) bits[positions[t]] = 0;
      for (const q of flips) bits[q] = 0;
    }
    options.onProgress?.(shots, shots);
    const probabilities = new Float64Array(n);
    if (kept > 0) for (let k = 0; k < n; k++) probabilities[k] = unaryCounts[k] / kept;
    const result: ShotResult = {
      shots,
      keptShots: kept,
      keptFraction: shots > 0 ? kept / shots : 0,
      probabilities,
      unaryCounts,
      errorShots,
      sparseShots,
      unresolvedShots: unresolved,
      maxWeight,
    };
    if (wantCounts) result.counts = Object.fromEntries([...counts.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)));
    return result;
  }
}

function snapshot(space: SectorSpace, state: SectorState): SectorState {
  const s = new SectorState(space);
  s.copyFrom(state);
  return s;
}

function cumulativeNonIdentity(weights: Float64Array): Float64Array {
  const out = new Float64Array(weights.length - 1);
  let total = 0;
  for (let k = 1; k < weights.length; k++) total += weights[k];
  let acc = 0;
  for (let k = 1; k < weights.length; k++) {
    acc += total > 0 ? weights[k] / total : 1 / (weights.length - 1);
    out[k - 1] = acc;
  }
  return out;
}

/** Smallest index with cum[index] > u (u in [0, 1)); the last index on rounding. */
function drawIndex(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function bitstringOf(bits: Uint8Array, positions: ArrayLike<number>, flips: number[], n: number): string {
  const ones: number[] = [];
  for (let t = 0; t < positions.length; t++) if (bits[positions[t]]) ones.push(positions[t]);
  for (const q of flips) if (bits[q] && !ones.includes(q)) ones.push(q);
  ones.sort((a, b) => a - b);
  let s = '';
  let at = 0;
  for (const q of ones) {
    s += '0'.repeat(q - at) + '1';
    at = q + 1;
  }
  return s + '0'.repeat(n - at);
}

/** One call: build the sampler and draw shots. */
export function sampleNoisyShots(circuit: Circuit, model: NoiseModel, shots: number, rng: Rng, options: SampleOptions = {}): ShotResult {
  return new TrajectorySampler(circuit, model).sample(shots, rng, options);
}
