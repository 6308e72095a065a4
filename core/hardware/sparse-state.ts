// A sparse state (basis state -> complex amplitude) for the rare noise trajectories that reach Hamming weights
// whose sectors are too large to hold densely. Basis states are keyed by their bit mask as a double
// (bit q = qubit q), exact up to 52 qubits, and manipulated with arithmetic rather than 32-bit bit operations.
import { InvalidInputError } from '../errors.ts';

export const MAX_SPARSE_QUBITS = 52;

const POW: number[] = Array.from({ length: MAX_SPARSE_QUBITS + 1 }, (_, q) => 2 ** q);

function bit(key: number, q: number): number {
  return Math.floor(key / POW[q]) % 2;
}

function weightOf(key: number): number {
  let k = key;
  let c = 0;
  while (k > 0) {
    c += k % 2;
    k = Math.floor(k / 2);
  }
  return c;
}

export class SparseState {
  readonly n: number;
  re = new Map<number, number>();
  im = new Map<number, number>();

  constructor(n: number) {
    if (n > MAX_SPARSE_QUBITS) throw new InvalidInputError(`the sparse trajectory fallback takes at most ${MAX_SPARSE_QUBITS} qubits; got ${n}`);
    this.n = n;
  }

  set(positions: ArrayLike<number>, re: number, im: number): void {
    let key = 0;
    for (let t = 0; t < positions.length; t++) key += POW[positions[t]];
    this.re.set(key, (this.re.get(key) ?? 0) + re);
    this.im.set(key, (this.im.get(key) ?? 0) + im);
  }

  rbs(i: number, j: number, c: number, s: number): void {
    const re = new Map<number, number>();
    const im = new Map<number, number>();
    const add = (k: number, r: number, m: number) => {
      re.set(k, (re.get(k) ?? 0) + r);
      im.set(k, (im.get(k) ?? 0) + m);
    };
    for (const [key, xr] of this.re) {
      const xi = this.im.get(key) ?? 0;
      const bi = bit(key, i);
      const bj = bit(key, j);
      if (bi === bj) add(key, xr, xi);
      else if (bi === 1) {
        // a = key (i set, j clear); b = key with i moved to j: a <- c a - s b ; b <- s a + c b.
        const b = key - POW[i] + POW[j];
        add(key, c * xr, c * xi);
        add(b, s * xr, s * xi);
      } else {
        const a = key - POW[j] + POW[i];
        add(a, -s * xr, -s * xi);
        add(key, c * xr, c * xi);
      }
    }
    this.re = re;
    this.im = im;
  }

  /** Single-qubit Pauli (1 X, 2 Y, 3 Z) on qubit q. */
  pauli(q: number, p: number, lo = 0, hi = Infinity): void {
    if (p === 0) return;
    if (p !== 3) {
      this.pauliMove(q, p);
      this.keepRange(lo, hi);
      return;
    }
    this.pauliMove(q, p);
  }

  private pauliMove(q: number, p: number): void {
    const re = new Map<number, number>();
    const im = new Map<number, number>();
    for (const [key, xr] of this.re) {
      const xi = this.im.get(key) ?? 0;
      const b = bit(key, q);
      if (p === 3) {
        re.set(key, b ? -xr : xr);
        im.set(key, b ? -xi : xi);
        continue;
      }
      const k2 = b ? key - POW[q] : key + POW[q];
      if (p === 1) {
        re.set(k2, xr);
        im.set(k2, xi);
      } else if (b) {
        // Y|1> = -i|0>
        re.set(k2, xi);
        im.set(k2, -xr);
      } else {
        // Y|0> = i|1>
        re.set(k2, -xi);
        im.set(k2, xr);
      }
    }
    this.re = re;
    this.im = im;
  }

  /** Squared norm per Hamming weight. */
  weightNorms(): Float64Array {
    const out = new Float64Array(this.n + 1);
    for (const [key, r] of this.re) {
      const m = this.im.get(key) ?? 0;
      out[weightOf(key)] += r * r + m * m;
    }
    return out;
  }

  /** Drops the basis states of weight outside [lo, hi]. */
  keepRange(lo: number, hi: number): void {
    for (const key of [...this.re.keys()]) {
      const w = weightOf(key);
      if (w < lo || w > hi) {
        this.re.delete(key);
        this.im.delete(key);
      }
    }
  }

  /** Drops every basis state whose weight is not w. */
  keepOnly(w: number): void {
    for (const key of [...this.re.keys()]) {
      if (weightOf(key) !== w) {
        this.re.delete(key);
        this.im.delete(key);
      }
    }
  }

  /** Samples a basis state by |amplitude|^2; returns its set positions (ascending). */
  sample(u: number): number[] {
    let total = 0;
    for (const [key, r] of this.re) {
      const m = this.im.get(key) ?? 0;
      total += r * r + m * m;
    }
    let target = u * total;
    let chosen = -1;
    for (const [key, r] of this.re) {
      const m = this.im.get(key) ?? 0;
      const p = r * r + m * m;
      if (p === 0) continue;
      chosen = key;
      if (target < p) break;
      target -= p;
    }
    const out: number[] = [];
    for (let q = 0; q < this.n; q++) if (bit(chosen, q)) out.push(q);
    return out;
  }
}
