// Hamming-weight sectors of an n-qubit register, for trajectory simulation at 32+ qubits (METHOD.md section 7).
//
// Layout: the register is split into a low half (qubits 0..nl-1) and a high half (nl..n-1). Sector w is a run of
// blocks, one per k = number of particles in the high half; block k holds C(nh, k) x C(nl, w - k) amplitudes at
// index off + rankHigh(H) * C(nl, w - k) + rankLow(L), each half ranked in the combinatorial number system (colex).
// So every table the gates need (RBS pairs, flip pairs) is over one half only: small enough to cache at n = 64,
// where a flat table over the whole register would not be (C(62, 4) pairs per gate and weight). Written by hand: no
// library simulates Hamming-weight sectors of RBS circuits.
import { LabError } from '../errors.ts';
import { MAX_TRAJECTORY_AMPLITUDES } from '../limits.ts';

/** Bytes of RBS and flip tables kept across samplers (per process); beyond it tables are rebuilt on use. */
const TABLE_CACHE_BYTES = 256 * 1024 * 1024;
let tableBytes = 0;

/** Binomials, ranks and gate tables of one half of the register (h qubits, local positions 0..h-1). */
class HalfSpace {
  readonly h: number;
  /** binom[a][b] = C(a, b) for a, b <= h (+1 spare column). */
  readonly binom: Float64Array[];
  private readonly cache = new Map<number, Int32Array>();

  constructor(h: number) {
    this.h = h;
    this.binom = [];
    for (let a = 0; a <= h; a++) {
      const row = new Float64Array(h + 2);
      row[0] = 1;
      for (let b = 1; b <= a; b++) row[b] = this.binom[a - 1][b - 1] + this.binom[a - 1][b];
      this.binom.push(row);
    }
  }

  choose(a: number, b: number): number {
    return b < 0 || b > a ? 0 : this.binom[a][b];
  }

  /** Positions (ascending, plus `add`) of the k-subset of rank r, written to out[at..at+k-1]. */
  unrank(k: number, r: number, out: Int32Array, at: number, add: number): void {
    let rest = r;
    let c = this.h - 1;
    for (let t = k; t >= 1; t--) {
      while (this.binom[c][t] > rest) c--;
      out[at + t - 1] = c + add;
      rest -= this.binom[c][t];
      c--;
    }
  }

  /** Rank of ascending positions p[at..at+k-1] (minus `sub`). */
  rank(p: ArrayLike<number>, at: number, k: number, sub: number): number {
    let r = 0;
    for (let t = 0; t < k; t++) r += this.binom[p[at + t] - sub][t + 1];
    return r;
  }

  /** RBS pairs of sub-sector k: [rank(T + a), rank(T + b)] for every (k - 1)-subset T of the other qubits. */
  pairs(k: number, a: number, b: number): Int32Array {
    return this.table(((k * this.h + a) * this.h + b) * 2, k - 1, a, b, a, b);
  }

  /** Flip pairs: [rank_k(T), rank_{k+1}(T + q)] for every k-subset T without q. */
  flips(k: number, q: number): Int32Array {
    return this.table((k * this.h + q) * 2 + 1, k, q, -1, -1, q);
  }

  private table(key: number, size: number, skipA: number, skipB: number, e1: number, e2: number): Int32Array {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const others: number[] = [];
    for (let q = 0; q < this.h; q++) if (q !== skipA && q !== skipB) others.push(q);
    const count = this.choose(others.length, size);
    const out = new Int32Array(2 * count);
    const idx = new Int32Array(Math.max(size, 1));
    for (let t = 0; t < size; t++) idx[t] = t;
    const B = this.binom;
    for (let c = 0; c < count; c++) {
      // Colex ranks of T + e1 and T + e2: elements above an inserted one move up one place.
      let r1 = 0;
      let r2 = 0;
      let below1 = 0;
      let below2 = 0;
      for (let t = 0; t < size; t++) {
        const p = others[idx[t]];
        if (e1 >= 0 && p > e1) r1 += B[p][t + 2];
        else {
          r1 += B[p][t + 1];
          below1++;
        }
        if (p > e2) r2 += B[p][t + 2];
        else {
          r2 += B[p][t + 1];
          below2++;
        }
      }
      if (e1 >= 0) r1 += B[e1][below1 + 1];
      r2 += B[e2][below2 + 1];
      out[2 * c] = r1;
      out[2 * c + 1] = r2;
      // Next subset in colex order.
      let t = 0;
      while (t < size - 1 && idx[t] + 1 === idx[t + 1]) {
        idx[t] = t;
        t++;
      }
      idx[t]++;
    }
    if (tableBytes + out.byteLength <= TABLE_CACHE_BYTES) {
      this.cache.set(key, out);
      tableBytes += out.byteLength;
    }
    return out;
  }
}

/** Where the blocks of sector w sit: block k (k particles in the high half) starts at off[k] with rows of sL[k]. */
interface SectorLayout {
  w: number;
  size: number;
  kmin: number;
  kmax: number;
  off: Float64Array;
  sL: Float64Array;
  sH: Float64Array;
}

const spaces = new Map<number, SectorSpace>();

export class SectorSpace {
  /** A shared (memoised) space for n qubits: its tables are reused by every sampler. */
  static of(n: number): SectorSpace {
    let s = spaces.get(n);
    if (!s) {
      s = new SectorSpace(n);
      spaces.set(n, s);
    }
    return s;
  }

  readonly n: number;
  readonly nl: number;
  readonly nh: number;
  readonly low: HalfSpace;
  readonly high: HalfSpace;
  private readonly layouts: (SectorLayout | undefined)[] = [];

  constructor(n: number) {
    this.n = n;
    this.nl = Math.floor(n / 2);
    this.nh = n - this.nl;
    this.low = new HalfSpace(this.nl);
    this.high = new HalfSpace(this.nh);
  }

  /** C(n, w) (as a double: exact below 2^53, which covers every sector a trajectory may hold). */
  size(w: number): number {
    if (w < 0 || w > this.n) return 0;
    let s = 0;
    for (let k = Math.max(0, w - this.nl); k <= Math.min(w, this.nh); k++) s += this.high.choose(this.nh, k) * this.low.choose(this.nl, w - k);
    return s;
  }

  layout(w: number): SectorLayout {
    let l = this.layouts[w];
    if (l) return l;
    const kmin = Math.max(0, w - this.nl);
    const kmax = Math.min(w, this.nh);
    const off = new Float64Array(this.nh + 2);
    const sL = new Float64Array(this.nh + 2);
    const sH = new Float64Array(this.nh + 2);
    let at = 0;
    for (let k = kmin; k <= kmax; k++) {
      off[k] = at;
      sL[k] = this.low.choose(this.nl, w - k);
      sH[k] = this.high.choose(this.nh, k);
      at += sL[k] * sH[k];
    }
    l = { w, size: at, kmin, kmax, off, sL, sH };
    this.layouts[w] = l;
    return l;
  }

  /** Positions (ascending) of the state of index r in sector w, written to out[0..w-1]. */
  unrank(w: number, r: number, out: Int32Array): void {
    const l = this.layout(w);
    let k = l.kmax;
    while (k > l.kmin && l.off[k] > r) k--;
    const rest = r - l.off[k];
    const rH = Math.floor(rest / l.sL[k]);
    const rL = rest - rH * l.sL[k];
    this.low.unrank(w - k, rL, out, 0, 0);
    this.high.unrank(k, rH, out, w - k, this.nl);
  }

  /** Index in sector w of ascending positions p[0..w-1]. */
  rank(p: ArrayLike<number>, w: number): number {
    let m = 0;
    while (m < w && p[m] < this.nl) m++;
    const l = this.layout(w);
    const k = w - m;
    return l.off[k] + this.high.rank(p, m, k, this.nl) * l.sL[k] + this.low.rank(p, 0, m, 0);
  }
}

/** A trajectory that would hold more amplitudes than MAX_TRAJECTORY_AMPLITUDES (code TOO_LARGE). */
function trajectoryTooLarge(n: number, w: number, amplitudes: number): LabError {
  const allowed = `at most ${MAX_TRAJECTORY_AMPLITUDES.toLocaleString('en-US')} amplitudes per noise trajectory`;
  return new LabError(
    'TOO_LARGE',
    `a noise trajectory on ${n} qubits reached Hamming weight ${w}, which needs ${amplitudes.toLocaleString('en-US')} amplitudes; ${allowed}. ` +
      'Lower the noise (p1, p2), the number of qubits or of layers, or leave raw counts off (the kept outcomes need far less)',
    { value: amplitudes, allowed, details: { qubits: n, weight: w } },
  );
}

type Sectors = (Float64Array | null)[];

/** The sectors of a real state: weights and their amplitudes. */
export interface SectorSnapshot {
  weights: number[];
  amplitudes: Float64Array[];
}

/** Sector arrays up to this many amplitudes are kept for reuse from shot to shot. */
const SPARE_MAX = 1 << 20;

/**
 * A state spread over Hamming-weight sectors: re[w], im[w] hold the amplitudes of sector w (null when empty; im is
 * used only once `complex` is set by a coherent Y). The trajectory sampler keeps most states in one sector.
 */
export class SectorState {
  readonly space: SectorSpace;
  re: Sectors;
  im: Sectors;
  complex = false;
  /** Highest weight this state held amplitudes for (a diagnostic of the sampler's cost). */
  maxWeight = 0;
  /** The lowest and highest weights present (lo > hi when empty): loops run over these, not over all n + 1. */
  private lo = 1;
  private hi = 0;
  private readonly spare: Sectors;

  constructor(space: SectorSpace) {
    this.space = space;
    this.re = new Array(space.n + 1).fill(null);
    this.im = new Array(space.n + 1).fill(null);
    this.spare = new Array(space.n + 1).fill(null);
  }

  /** A zeroed array for sector w, checked against the amplitude limit (counting what is held besides). */
  private alloc(w: number, held: number): Float64Array {
    const size = this.space.size(w);
    if (held + size > MAX_TRAJECTORY_AMPLITUDES) throw trajectoryTooLarge(this.space.n, w, held + size);
    if (w > this.maxWeight) this.maxWeight = w;
    const spare = this.spare[w];
    if (spare) {
      this.spare[w] = null;
      return spare.fill(0);
    }
    return new Float64Array(size);
  }

  /** Keeps the real arrays of the current sectors for reuse (small ones only: large ones go back to the system). */
  private recycle(): void {
    for (let w = this.lo; w <= this.hi; w++) {
      const a = this.re[w];
      if (a && a.length <= SPARE_MAX) this.spare[w] = a;
    }
  }

  /** Amplitudes held (complex ones count once). */
  held(): number {
    let s = 0;
    for (let w = this.lo; w <= this.hi; w++) if (this.re[w]) s += this.re[w]!.length;
    return s;
  }

  private refresh(): void {
    this.lo = this.space.n + 1;
    this.hi = -1;
    for (let w = 0; w <= this.space.n; w++) {
      if (!this.re[w]) continue;
      if (w < this.lo) this.lo = w;
      this.hi = w;
    }
  }

  weights(): number[] {
    const out: number[] = [];
    for (let w = this.lo; w <= this.hi; w++) if (this.re[w]) out.push(w);
    return out;
  }

  clear(): void {
    this.recycle();
    this.re.fill(null);
    this.im.fill(null);
    this.complex = false;
    this.lo = 1;
    this.hi = 0;
  }

  /** A copy of this state's sectors (real amplitudes: the error-free path never needs imaginary parts). */
  snapshot(): SectorSnapshot {
    const weights = this.weights();
    return { weights, amplitudes: weights.map((w) => Float64Array.from(this.re[w]!)) };
  }

  /** Replaces this state by a snapshot. */
  load(snap: SectorSnapshot): void {
    this.clear();
    snap.weights.forEach((w, t) => {
      this.re[w] = this.alloc(w, 0);
      this.re[w]!.set(snap.amplitudes[t]);
    });
    this.refresh();
  }

  /** Clears the state and sets the basis state with ones at `positions` (ascending). */
  setBasis(positions: number[]): void {
    this.clear();
    const w = positions.length;
    const re = this.alloc(w, 0);
    re[this.space.rank(positions, w)] = 1;
    this.re[w] = re;
    this.refresh();
  }

  private makeComplex(): void {
    if (this.complex) return;
    this.complex = true;
    for (let w = this.lo; w <= this.hi; w++) if (this.re[w]) this.im[w] = new Float64Array(this.re[w]!.length);
  }

  /** Total squared norm. */
  norm2(): number {
    let s = 0;
    for (let w = this.lo; w <= this.hi; w++) s += this.sectorNorm2(w);
    return s;
  }

  sectorNorm2(w: number): number {
    const re = this.re[w];
    if (!re) return 0;
    let s = 0;
    for (let r = 0; r < re.length; r++) s += re[r] * re[r];
    if (this.complex) {
      const im = this.im[w]!;
      for (let r = 0; r < im.length; r++) s += im[r] * im[r];
    }
    return s;
  }

  /** Multiplies every amplitude by f. */
  scale(f: number): void {
    for (let w = this.lo; w <= this.hi; w++) {
      const re = this.re[w];
      if (!re) continue;
      for (let r = 0; r < re.length; r++) re[r] *= f;
      if (this.complex) {
        const im = this.im[w]!;
        for (let r = 0; r < im.length; r++) im[r] *= f;
      }
    }
  }

  /** Drops every sector whose weight fails `keep`. */
  keepIf(keep: (w: number) => boolean): void {
    for (let w = this.lo; w <= this.hi; w++) {
      if (this.re[w] && !keep(w)) {
        this.re[w] = null;
        this.im[w] = null;
      }
    }
    this.refresh();
  }

  /**
   * Over the amplitudes whose configuration has qubit q set: their squared sum (mode 0), a sign flip (1) or zero (2).
   * The loops are written out (no callback) because they run over whole sectors.
   */
  private withQubit(w: number, q: number, a: Float64Array, mode: 0 | 1 | 2): number {
    const sp = this.space;
    const l = sp.layout(w);
    let sum = 0;
    if (q < sp.nl) {
      for (let k = l.kmin; k <= l.kmax; k++) {
        const m = w - k;
        if (m < 1) continue;
        const F = sp.low.flips(m - 1, q);
        const sL = l.sL[k];
        for (let rH = 0, base = l.off[k]; rH < l.sH[k]; rH++, base += sL) {
          if (mode === 1) for (let t = 1; t < F.length; t += 2) a[base + F[t]] = -a[base + F[t]];
          else if (mode === 2) for (let t = 1; t < F.length; t += 2) a[base + F[t]] = 0;
          else
            for (let t = 1; t < F.length; t += 2) {
              const x = a[base + F[t]];
              sum += x * x;
            }
        }
      }
    } else {
      for (let k = Math.max(l.kmin, 1); k <= l.kmax; k++) {
        const F = sp.high.flips(k - 1, q - sp.nl);
        const sL = l.sL[k];
        for (let t = 1; t < F.length; t += 2) {
          const start = l.off[k] + F[t] * sL;
          if (mode === 1) for (let r = start; r < start + sL; r++) a[r] = -a[r];
          else if (mode === 2) a.fill(0, start, start + sL);
          else for (let r = start; r < start + sL; r++) sum += a[r] * a[r];
        }
      }
    }
    return sum;
  }

  /** Squared norm of the part with qubit q set (the numerator of a Born probability). */
  massWith(q: number): number {
    let s = 0;
    for (let w = Math.max(1, this.lo); w <= this.hi; w++) {
      if (!this.re[w]) continue;
      s += this.withQubit(w, q, this.re[w]!, 0);
      if (this.complex) s += this.withQubit(w, q, this.im[w]!, 0);
    }
    return s;
  }

  /**
   * out[q] = massWith(q) / norm2 for every qubit (occupation probabilities), in one pass: per block, the mass of each
   * high-half row and of each low-half column, then each row's (column's) mass to the qubits of its subset.
   */
  occupations(out: Float64Array): void {
    const sp = this.space;
    out.fill(0);
    const pos = new Int32Array(sp.n + 1);
    let total = 0;
    for (let w = this.lo; w <= this.hi; w++) {
      const re = this.re[w];
      if (!re) continue;
      const im = this.complex ? this.im[w] : null;
      const l = sp.layout(w);
      for (let k = l.kmin; k <= l.kmax; k++) {
        const sL = l.sL[k];
        const cols = new Float64Array(sL);
        for (let rH = 0, base = l.off[k]; rH < l.sH[k]; rH++, base += sL) {
          let row = 0;
          for (let rL = 0; rL < sL; rL++) {
            const p = re[base + rL] ** 2 + (im ? im[base + rL] ** 2 : 0);
            row += p;
            cols[rL] += p;
          }
          if (row === 0) continue;
          total += row;
          sp.high.unrank(k, rH, pos, 0, sp.nl);
          for (let t = 0; t < k; t++) out[pos[t]] += row;
        }
        for (let rL = 0; rL < sL; rL++) {
          if (cols[rL] === 0) continue;
          sp.low.unrank(w - k, rL, pos, 0, 0);
          for (let t = 0; t < w - k; t++) out[pos[t]] += cols[rL];
        }
      }
    }
    for (let q = 0; q < sp.n; q++) out[q] = total > 0 ? out[q] / total : 0;
  }

  /** Pauli Z on qubit q: flips the sign of every configuration with q set. */
  z(q: number): void {
    for (let w = Math.max(1, this.lo); w <= this.hi; w++) {
      if (!this.re[w]) continue;
      this.withQubit(w, q, this.re[w]!, 1);
      if (this.complex) this.withQubit(w, q, this.im[w]!, 1);
    }
  }

  /** The projector (1 - n_q) times f: zeroes every configuration with q set and scales the rest. */
  project(q: number, f: number): void {
    this.scale(f);
    for (let w = Math.max(1, this.lo); w <= this.hi; w++) {
      if (!this.re[w]) continue;
      this.withQubit(w, q, this.re[w]!, 2);
      if (this.complex) this.withQubit(w, q, this.im[w]!, 2);
    }
  }

  /**
   * Moves the part of sector `from` with qubit q clear (up = true: into sector from + 1, q set) or set (up = false:
   * into from - 1, q clear), multiplying by the phase (pr + i pi), into dst (re, im; im may be null when real).
   */
  private move(from: number, q: number, up: boolean, dRe: Float64Array, dIm: Float64Array | null, pr: number, pi: number): void {
    const sp = this.space;
    const sRe = this.re[from]!;
    const sIm = this.complex ? this.im[from]! : null;
    const to = up ? from + 1 : from - 1;
    const ls = sp.layout(from);
    const ld = sp.layout(to);
    const put = (s: number, d: number) => {
      const xr = sRe[s];
      const xi = sIm ? sIm[s] : 0;
      dRe[d] = pr * xr - pi * xi;
      if (dIm) dIm[d] = pr * xi + pi * xr;
    };
    if (q < sp.nl) {
      // Same k, low part gains or loses q.
      for (let k = ls.kmin; k <= ls.kmax; k++) {
        const m = from - k;
        if (up ? m > sp.nl - 1 : m < 1) continue;
        const F = sp.low.flips(up ? m : m - 1, q);
        const sS = ls.sL[k];
        const sD = ld.sL[k];
        const src = up ? 0 : 1;
        for (let rH = 0; rH < ls.sH[k]; rH++) {
          const bS = ls.off[k] + rH * sS;
          const bD = ld.off[k] + rH * sD;
          for (let t = 0; t < F.length; t += 2) put(bS + F[t + src], bD + F[t + 1 - src]);
        }
      }
    } else {
      const qh = q - sp.nl;
      for (let k = ls.kmin; k <= ls.kmax; k++) {
        if (up ? k > sp.nh - 1 : k < 1) continue;
        const kd = up ? k + 1 : k - 1;
        const F = sp.high.flips(up ? k : k - 1, qh);
        const sL = ls.sL[k]; // the low part is unchanged
        const src = up ? 0 : 1;
        for (let t = 0; t < F.length; t += 2) {
          const bS = ls.off[k] + F[t + src] * sL;
          const bD = ld.off[kd] + F[t + 1 - src] * sL;
          if (pr === 1 && pi === 0) {
            dRe.set(sRe.subarray(bS, bS + sL), bD);
            if (dIm && sIm) dIm.set(sIm.subarray(bS, bS + sL), bD);
          } else for (let r = 0; r < sL; r++) put(bS + r, bD + r);
        }
      }
    }
  }

  /** Kraus operator sigma+ (up) or sigma- (down) on qubit q times f: every sector moves one weight up or down. */
  jump(q: number, up: boolean, f = 1): void {
    const n = this.space.n;
    const re: Sectors = new Array(n + 1).fill(null);
    const im: Sectors = new Array(n + 1).fill(null);
    let held = this.held();
    for (let w = this.lo; w <= this.hi; w++) {
      if (!this.re[w] || (up ? w === n : w === 0)) continue;
      const to = up ? w + 1 : w - 1;
      re[to] = this.alloc(to, held);
      held += re[to]!.length;
      if (this.complex) im[to] = new Float64Array(re[to]!.length);
      this.move(w, q, up, re[to]!, im[to], f, 0);
    }
    this.recycle();
    this.re = re;
    this.im = im;
    this.refresh();
  }

  /**
   * Coherent Pauli X (p = 1) or Y (p = 2) on qubit q: sector w splits into w - 1 and w + 1. Amplitude landing in a
   * sector that fails `keep` is not computed (the caller's pruning).
   */
  flip(q: number, p: 1 | 2, keep: (w: number) => boolean = () => true): void {
    if (p === 2) this.makeComplex();
    const n = this.space.n;
    const re: Sectors = new Array(n + 1).fill(null);
    const im: Sectors = new Array(n + 1).fill(null);
    let held = this.held();
    const target = (w: number): boolean => {
      if (!re[w]) {
        re[w] = this.alloc(w, held);
        held += re[w]!.length;
        if (this.complex) im[w] = new Float64Array(re[w]!.length);
      }
      return true;
    };
    for (let w = this.lo; w <= this.hi; w++) {
      if (!this.re[w]) continue;
      // X|0> = |1>, X|1> = |0>; Y|0> = i|1>, Y|1> = -i|0>.
      if (w < n && keep(w + 1) && target(w + 1)) this.move(w, q, true, re[w + 1]!, im[w + 1], p === 1 ? 1 : 0, p === 1 ? 0 : 1);
      if (w > 0 && keep(w - 1) && target(w - 1)) this.move(w, q, false, re[w - 1]!, im[w - 1], p === 1 ? 1 : 0, p === 1 ? 0 : -1);
    }
    this.recycle();
    this.re = re;
    this.im = im;
    this.refresh();
  }

  /** RBS(i, j) with cos c and sin s on every sector: a_i <- c a_i - s a_j, a_j <- s a_i + c a_j. */
  rbs(i: number, j: number, c: number, s: number): void {
    for (let w = Math.max(1, this.lo); w <= Math.min(this.hi, this.space.n - 1); w++) {
      if (!this.re[w]) continue;
      this.rbsOn(this.re[w]!, w, i, j, c, s);
      if (this.complex) this.rbsOn(this.im[w]!, w, i, j, c, s);
    }
  }

  private rbsOn(a: Float64Array, w: number, i: number, j: number, c: number, s: number): void {
    if (w === 1) {
      // The unary sector: index = qubit.
      const x = a[i];
      const y = a[j];
      a[i] = c * x - s * y;
      a[j] = s * x + c * y;
      return;
    }
    const sp = this.space;
    const l = sp.layout(w);
    const nl = sp.nl;
    if (i < nl && j < nl) {
      for (let k = l.kmin; k <= l.kmax; k++) {
        const m = w - k;
        if (m < 1 || m > nl - 1) continue;
        const P = sp.low.pairs(m, i, j);
        const sL = l.sL[k];
        for (let rH = 0, base = l.off[k]; rH < l.sH[k]; rH++, base += sL) {
          for (let t = 0; t < P.length; t += 2) {
            const x = a[base + P[t]];
            const y = a[base + P[t + 1]];
            a[base + P[t]] = c * x - s * y;
            a[base + P[t + 1]] = s * x + c * y;
          }
        }
      }
    } else if (i >= nl && j >= nl) {
      for (let k = Math.max(l.kmin, 1); k <= Math.min(l.kmax, sp.nh - 1); k++) {
        const P = sp.high.pairs(k, i - nl, j - nl);
        const sL = l.sL[k];
        for (let t = 0; t < P.length; t += 2) {
          const bA = l.off[k] + P[t] * sL;
          const bB = l.off[k] + P[t + 1] * sL;
          for (let r = 0; r < sL; r++) {
            const x = a[bA + r];
            const y = a[bB + r];
            a[bA + r] = c * x - s * y;
            a[bB + r] = s * x + c * y;
          }
        }
      }
    } else if (i < nl) {
      // i low, j high: (H, L + i) in block k pairs with (H + j, L) in block k + 1.
      for (let k = l.kmin; k < l.kmax; k++) {
        const m = w - k;
        if (m < 1 || k > sp.nh - 1) continue;
        const FH = sp.high.flips(k, j - nl);
        const FL = sp.low.flips(m - 1, i);
        const sA = l.sL[k];
        const sB = l.sL[k + 1];
        for (let u = 0; u < FH.length; u += 2) {
          const bA = l.off[k] + FH[u] * sA;
          const bB = l.off[k + 1] + FH[u + 1] * sB;
          for (let t = 0; t < FL.length; t += 2) {
            const pa = bA + FL[t + 1];
            const pb = bB + FL[t];
            const x = a[pa];
            const y = a[pb];
            a[pa] = c * x - s * y;
            a[pb] = s * x + c * y;
          }
        }
      }
    } else {
      // i high, j low: (H + i, L) in block k pairs with (H, L + j) in block k - 1.
      for (let k = Math.max(l.kmin, 1); k <= l.kmax; k++) {
        const m = w - k;
        if (m > nl - 1) continue;
        const FH = sp.high.flips(k - 1, i - nl);
        const FL = sp.low.flips(m, j);
        const sA = l.sL[k];
        const sB = l.sL[k - 1];
        for (let u = 0; u < FH.length; u += 2) {
          const bA = l.off[k] + FH[u + 1] * sA;
          const bB = l.off[k - 1] + FH[u] * sB;
          for (let t = 0; t < FL.length; t += 2) {
            const pa = bA + FL[t];
            const pb = bB + FL[t + 1];
            const x = a[pa];
            const y = a[pb];
            a[pa] = c * x - s * y;
            a[pb] = s * x + c * y;
          }
        }
      }
    }
  }

  /** Draws a configuration by |amplitude|^2 with u in [0, norm2): its weight and index (null for a zero state). */
  sample(u: number): { w: number; r: number } | null {
    let target = u;
    let last: { w: number; r: number } | null = null;
    for (let w = this.lo; w <= this.hi; w++) {
      const re = this.re[w];
      if (!re) continue;
      const mass = this.sectorNorm2(w);
      if (mass <= 0) continue;
      if (target >= mass) {
        target -= mass;
        last = { w, r: lastNonZero(re, this.complex ? this.im[w] : null) };
        continue;
      }
      const im = this.complex ? this.im[w]! : null;
      for (let r = 0; r < re.length; r++) {
        const p = re[r] * re[r] + (im ? im[r] * im[r] : 0);
        if (p === 0) continue;
        if (target < p) return { w, r };
        target -= p;
        last = { w, r };
      }
      return last; // rounding within the sector
    }
    return last; // rounding past the end: the last configuration with weight
  }
}

function lastNonZero(re: Float64Array, im: Float64Array | null): number {
  for (let r = re.length - 1; r >= 0; r--) if (re[r] !== 0 || (im && im[r] !== 0)) return r;
  return 0;
}
