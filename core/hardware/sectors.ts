// Hamming-weight sectors of an n-qubit register, for trajectory simulation at 32+ qubits (METHOD.md section 7).
// Sector w holds the C(n, w) basis states of weight w, ranked in the combinatorial number system (colex):
// positions c_1 < ... < c_w have rank sum_t C(c_t, t). RBS gates act inside each sector as independent
// rotations on pairs of states; a Pauli X or Y factor on qubit q moves a state to sector w - 1 or w + 1.
// Positions are plain integers (no bit masks), so n is not limited to 32.
import { InvalidInputError } from '../errors.ts';

/** The largest sector held densely (C(n, w) states); trajectories that need more fall back to a sparse state. */
export const MAX_SECTOR_SIZE = 40_000;

/** Thrown when a trajectory needs a sector larger than MAX_SECTOR_SIZE (the caller switches to a sparse state). */
export class SectorOverflowError extends Error {
  constructor(readonly weight: number, readonly size: number) {
    super(`Hamming-weight sector ${weight} has ${size} states, more than ${MAX_SECTOR_SIZE}`);
    this.name = 'SectorOverflowError';
  }
}

export interface FlipMap {
  /** Rank of the state in the neighbouring sector after flipping qubit q. */
  target: Int32Array;
  /** 1 when qubit q was set (the state moves to sector w - 1), 0 when clear (to w + 1). */
  set: Uint8Array;
}

const spaces = new Map<number, SectorSpace>();

export class SectorSpace {
  /** A shared (memoised) space for n qubits: its flip maps and pair lists are reused by every sampler. */
  static of(n: number): SectorSpace {
    let s = spaces.get(n);
    if (!s) {
      s = new SectorSpace(n);
      spaces.set(n, s);
    }
    return s;
  }

  readonly n: number;
  private readonly binom: Float64Array[];
  private readonly flipCache = new Map<number, FlipMap>();
  private readonly pairCache = new Map<number, Int32Array>();

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1 || n > 4096) throw new InvalidInputError(`sector space needs 1 to 4096 qubits; got ${n}`);
    this.n = n;
    this.binom = [];
    for (let a = 0; a <= n; a++) {
      const row = new Float64Array(n + 2);
      row[0] = 1;
      for (let b = 1; b <= a; b++) row[b] = this.binom[a - 1][b - 1] + (b <= a - 1 ? this.binom[a - 1][b] : 0);
      this.binom.push(row);
    }
  }

  /** C(a, b), 0 when b > a. */
  choose(a: number, b: number): number {
    if (b < 0 || a < 0 || b > a) return 0;
    return this.binom[a][b];
  }

  size(w: number): number {
    return this.choose(this.n, w);
  }

  checkSize(w: number): number {
    const s = this.size(w);
    if (s > MAX_SECTOR_SIZE) throw new SectorOverflowError(w, s);
    return s;
  }

  /** Positions (ascending) of the state of rank r in sector w, written into out[0..w-1]. */
  unrank(w: number, r: number, out: Int32Array | number[]): void {
    let rest = r;
    let c = this.n - 1;
    for (let t = w; t >= 1; t--) {
      while (this.choose(c, t) > rest) c--;
      out[t - 1] = c;
      rest -= this.choose(c, t);
      c--;
    }
  }

  /** Rank of ascending positions p[0..w-1]. */
  rank(p: ArrayLike<number>, w: number): number {
    let r = 0;
    for (let t = 0; t < w; t++) r += this.choose(p[t], t + 1);
    return r;
  }

  /** For every state of sector w: its rank after flipping qubit q, and whether q was set. Cached for small sectors. */
  flipMap(w: number, q: number): FlipMap {
    const key = w * this.n + q;
    const cached = this.flipCache.get(key);
    if (cached) return cached;
    const size = this.checkSize(w);
    const target = new Int32Array(size);
    const set = new Uint8Array(size);
    const pos = new Int32Array(w + 1);
    const tmp = new Int32Array(w + 1);
    for (let r = 0; r < size; r++) {
      this.unrank(w, r, pos);
      let found = -1;
      for (let t = 0; t < w; t++) if (pos[t] === q) found = t;
      if (found >= 0) {
        let u = 0;
        for (let t = 0; t < w; t++) if (t !== found) tmp[u++] = pos[t];
        target[r] = this.rank(tmp, w - 1);
        set[r] = 1;
      } else {
        let u = 0;
        let inserted = false;
        for (let t = 0; t < w; t++) {
          if (!inserted && q < pos[t]) {
            tmp[u++] = q;
            inserted = true;
          }
          tmp[u++] = pos[t];
        }
        if (!inserted) tmp[u++] = q;
        target[r] = this.rank(tmp, w + 1);
      }
    }
    const map = { target, set };
    if (size <= 300_000) this.flipCache.set(key, map);
    return map;
  }

  /**
   * Pairs (a, b) of sector w on which RBS(i, j) acts: a has qubit i set and j clear, b is a with i moved to j.
   * Returned flat [a0, b0, a1, b1, ...]. Cached for small sectors.
   */
  rbsPairs(w: number, i: number, j: number): Int32Array {
    const key = (w * this.n + i) * this.n + j;
    const cached = this.pairCache.get(key);
    if (cached) return cached;
    this.checkSize(w);
    const n = this.n;
    const m = n - 2;
    const count = w >= 1 && w <= n - 1 ? this.choose(m, w - 1) : 0;
    const out = new Int32Array(2 * count);
    // Enumerate the (w-1)-subsets of the other n-2 qubits in lexicographic order, add i (state a) or j (state b).
    const others: number[] = [];
    for (let q = 0; q < n; q++) if (q !== i && q !== j) others.push(q);
    const idx = Array.from({ length: w - 1 }, (_, t) => t);
    const a = new Int32Array(w);
    const b = new Int32Array(w);
    for (let k = 0; k < count; k++) {
      fill(a, idx, others, i);
      fill(b, idx, others, j);
      out[2 * k] = this.rank(a, w);
      out[2 * k + 1] = this.rank(b, w);
      // Next combination.
      let t = w - 2;
      while (t >= 0 && idx[t] === m - (w - 1) + t) t--;
      if (t < 0) break;
      idx[t]++;
      for (let u = t + 1; u < w - 1; u++) idx[u] = idx[u - 1] + 1;
    }
    if (out.length <= 600_000) this.pairCache.set(key, out);
    return out;
  }
}

/** Sorted positions: others[idx[...]] plus q. */
function fill(out: Int32Array, idx: number[], others: number[], q: number): void {
  let u = 0;
  let inserted = false;
  for (let t = 0; t < idx.length; t++) {
    const v = others[idx[t]];
    if (!inserted && q < v) {
      out[u++] = q;
      inserted = true;
    }
    out[u++] = v;
  }
  if (!inserted) out[u++] = q;
}

/**
 * A state spread over Hamming-weight sectors: re[w], im[w] hold amplitudes of sector w (null when the sector is
 * empty). `complex` is false while every imaginary part is zero (no Y factor yet), which halves the work.
 */
export class SectorState {
  readonly space: SectorSpace;
  re: (Float64Array | null)[];
  im: (Float64Array | null)[];
  complex = false;
  private spareRe: (Float64Array | null)[];
  private spareIm: (Float64Array | null)[];

  constructor(space: SectorSpace) {
    this.space = space;
    const n = space.n;
    this.re = new Array(n + 1).fill(null);
    this.im = new Array(n + 1).fill(null);
    this.spareRe = new Array(n + 1).fill(null);
    this.spareIm = new Array(n + 1).fill(null);
  }

  private buffer(pool: (Float64Array | null)[], w: number): Float64Array {
    let b = pool[w];
    if (!b) {
      b = new Float64Array(this.space.checkSize(w));
      pool[w] = b;
    } else b.fill(0);
    return b;
  }

  /** Clears the state and sets |positions> with amplitude 1 (positions ascending). */
  setBasis(positions: number[]): void {
    this.clear();
    const w = positions.length;
    const re = this.buffer(this.spareRe, w);
    this.spareRe[w] = null;
    re[this.space.rank(positions, w)] = 1;
    this.re[w] = re;
    this.im[w] = this.takeIm(w);
  }

  private takeIm(w: number): Float64Array {
    const im = this.buffer(this.spareIm, w);
    this.spareIm[w] = null;
    return im;
  }

  clear(): void {
    for (let w = 0; w <= this.space.n; w++) {
      if (this.re[w]) {
        this.spareRe[w] = this.re[w];
        this.spareIm[w] = this.im[w];
        this.re[w] = null;
        this.im[w] = null;
      }
    }
    this.complex = false;
  }

  /** Copies another state (same space) into this one. */
  copyFrom(other: SectorState): void {
    this.clear();
    for (let w = 0; w <= this.space.n; w++) {
      const src = other.re[w];
      if (!src) continue;
      const re = this.buffer(this.spareRe, w);
      this.spareRe[w] = null;
      re.set(src);
      const im = this.takeIm(w);
      if (other.complex) im.set(other.im[w]!);
      this.re[w] = re;
      this.im[w] = im;
    }
    this.complex = other.complex;
  }

  rbs(i: number, j: number, c: number, s: number): void {
    const n = this.space.n;
    for (let w = 1; w < n; w++) {
      const re = this.re[w];
      if (!re) continue;
      const pairs = this.space.rbsPairs(w, i, j);
      for (let k = 0; k < pairs.length; k += 2) {
        const a = pairs[k];
        const b = pairs[k + 1];
        const x = re[a];
        const y = re[b];
        re[a] = c * x - s * y;
        re[b] = s * x + c * y;
      }
      if (this.complex) {
        const im = this.im[w]!;
        for (let k = 0; k < pairs.length; k += 2) {
          const a = pairs[k];
          const b = pairs[k + 1];
          const x = im[a];
          const y = im[b];
          im[a] = c * x - s * y;
          im[b] = s * x + c * y;
        }
      }
    }
  }

  /**
   * Applies a single-qubit Pauli (1 X, 2 Y, 3 Z; 0 is a no-op) on qubit q. Amplitude that would land in a sector
   * outside [lo, hi] is dropped (the caller's pruning; the default keeps everything).
   */
  pauli(q: number, p: number, lo = 0, hi = Infinity): void {
    if (p === 0) return;
    const n = this.space.n;
    if (p === 3) {
      for (let w = 1; w <= n; w++) {
        const re = this.re[w];
        if (!re) continue;
        const im = this.im[w]!;
        const { set } = this.space.flipMap(w, q);
        for (let r = 0; r < re.length; r++) {
          if (set[r]) {
            re[r] = -re[r];
            im[r] = -im[r];
          }
        }
      }
      return;
    }
    // X or Y: every sector splits into w - 1 (bit set) and w + 1 (bit clear).
    const newRe: (Float64Array | null)[] = new Array(n + 1).fill(null);
    const newIm: (Float64Array | null)[] = new Array(n + 1).fill(null);
    const target = (w: number): [Float64Array, Float64Array] => {
      if (!newRe[w]) {
        newRe[w] = this.buffer(this.spareRe, w);
        this.spareRe[w] = null;
        newIm[w] = this.buffer(this.spareIm, w);
        this.spareIm[w] = null;
      }
      return [newRe[w]!, newIm[w]!];
    };
    const y = p === 2;
    if (y) {
      // Make sure imaginary parts are tracked from here on.
      this.complex = true;
    }
    const oldRe = this.re;
    const oldIm = this.im;
    for (let w = 0; w <= n; w++) {
      const re = oldRe[w];
      if (!re) continue;
      const im = oldIm[w]!;
      const { target: tgt, set } = this.space.flipMap(w, q);
      const down = w > 0 && w - 1 >= lo && w - 1 <= hi ? target(w - 1) : null;
      const up = w < n && w + 1 >= lo && w + 1 <= hi ? target(w + 1) : null;
      if (!down && !up) continue;
      for (let r = 0; r < re.length; r++) {
        const xr = re[r];
        const xi = im[r];
        if (xr === 0 && xi === 0) continue;
        const t = tgt[r];
        if (set[r]) {
          if (!down) continue;
          const [dr, di] = down;
          // X|1> = |0>; Y|1> = -i|0>.
          if (y) {
            dr[t] = xi;
            di[t] = -xr;
          } else {
            dr[t] = xr;
            di[t] = xi;
          }
        } else {
          if (!up) continue;
          const [ur, ui] = up;
          // X|0> = |1>; Y|0> = i|1>.
          if (y) {
            ur[t] = -xi;
            ui[t] = xr;
          } else {
            ur[t] = xr;
            ui[t] = xi;
          }
        }
      }
    }
    // Recycle the old buffers, drop empty new sectors.
    for (let w = 0; w <= n; w++) {
      if (oldRe[w]) {
        this.spareRe[w] = oldRe[w];
        this.spareIm[w] = oldIm[w];
      }
    }
    for (let w = 0; w <= n; w++) {
      const re = newRe[w];
      if (!re) continue;
      let any = false;
      const im = newIm[w]!;
      for (let r = 0; r < re.length && !any; r++) if (re[r] !== 0 || im[r] !== 0) any = true;
      if (!any) {
        this.spareRe[w] = re;
        this.spareIm[w] = im;
        newRe[w] = null;
        newIm[w] = null;
      }
    }
    this.re = newRe;
    this.im = newIm;
  }

  /** Drops the sectors of weight outside [lo, hi]. */
  keepRange(lo: number, hi: number): void {
    for (let v = 0; v <= this.space.n; v++) {
      if ((v >= lo && v <= hi) || !this.re[v]) continue;
      this.spareRe[v] = this.re[v];
      this.spareIm[v] = this.im[v];
      this.re[v] = null;
      this.im[v] = null;
    }
  }

  /** Drops every sector but w (a measurement that found weight w, before renormalisation). */
  keepOnly(w: number): void {
    for (let v = 0; v <= this.space.n; v++) {
      if (v === w || !this.re[v]) continue;
      this.spareRe[v] = this.re[v];
      this.spareIm[v] = this.im[v];
      this.re[v] = null;
      this.im[v] = null;
    }
  }

  /** Total squared norm per sector. */
  norms(): Float64Array {
    const out = new Float64Array(this.space.n + 1);
    for (let w = 0; w <= this.space.n; w++) {
      const re = this.re[w];
      if (!re) continue;
      const im = this.im[w]!;
      let s = 0;
      for (let r = 0; r < re.length; r++) s += re[r] * re[r] + im[r] * im[r];
      out[w] = s;
    }
    return out;
  }

  /** Samples a basis state by |amplitude|^2 given u in [0, 1); returns its sector and rank. */
  sample(u: number): { w: number; r: number } {
    const norms = this.norms();
    let total = 0;
    for (let w = 0; w < norms.length; w++) total += norms[w];
    let target = u * total;
    let last: { w: number; r: number } | null = null;
    let lastSector = -1;
    for (let w = 0; w <= this.space.n; w++) {
      const re = this.re[w];
      if (!re || norms[w] === 0) continue;
      lastSector = w;
      if (target >= norms[w]) {
        target -= norms[w];
        continue;
      }
      const im = this.im[w]!;
      for (let r = 0; r < re.length; r++) {
        const p = re[r] * re[r] + im[r] * im[r];
        if (p === 0) continue;
        last = { w, r };
        if (target < p) return last;
        target -= p;
      }
    }
    if (last) return last;
    // Rounding pushed u past the end: the last non-zero amplitude.
    if (lastSector < 0) throw new Error('sector state has zero norm');
    const re = this.re[lastSector]!;
    const im = this.im[lastSector]!;
    for (let r = re.length - 1; r >= 0; r--) if (re[r] !== 0 || im[r] !== 0) return { w: lastSector, r };
    return { w: lastSector, r: 0 };
  }
}
