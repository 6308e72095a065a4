// The sector layer against a plain 2^n complex state vector (index bit q = qubit q): every operation of the trajectory
// sampler, on odd and even registers (so both halves of the block layout and the cross-half gates are exercised).
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { SectorSpace, SectorState } from './sectors.ts';

/** A dense reference: re/im arrays over 2^n basis states. */
class Dense {
  re: Float64Array;
  im: Float64Array;
  constructor(readonly n: number) {
    this.re = new Float64Array(1 << n);
    this.im = new Float64Array(1 << n);
  }
  rbs(i: number, j: number, c: number, s: number) {
    for (let x = 0; x < 1 << this.n; x++) {
      if ((x >> i) & 1 && !((x >> j) & 1)) {
        const y = x ^ (1 << i) ^ (1 << j);
        for (const a of [this.re, this.im]) {
          const u = a[x];
          const v = a[y];
          a[x] = c * u - s * v;
          a[y] = s * u + c * v;
        }
      }
    }
  }
  /** Applies a 2x2 single-qubit matrix given as [m00, m01, m10, m11] complex pairs [re, im]. */
  single(q: number, m: [number, number][]) {
    const re = new Float64Array(this.re.length);
    const im = new Float64Array(this.im.length);
    for (let x = 0; x < 1 << this.n; x++) {
      const b = (x >> q) & 1;
      for (let b2 = 0; b2 < 2; b2++) {
        const [mr, mi] = m[b2 * 2 + b]; // <b2| M |b>
        const y = b2 === b ? x : x ^ (1 << q);
        re[y] += mr * this.re[x] - mi * this.im[x];
        im[y] += mr * this.im[x] + mi * this.re[x];
      }
    }
    this.re = re;
    this.im = im;
  }
}

const X: [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 0],
  [0, 0],
];
const Y: [number, number][] = [
  [0, 0],
  [0, -1],
  [0, 1],
  [0, 0],
];
const Z: [number, number][] = [
  [1, 0],
  [0, 0],
  [0, 0],
  [-1, 0],
];
const UP: [number, number][] = [
  [0, 0],
  [0, 0],
  [1, 0],
  [0, 0],
]; // sigma+ = |1><0|
const DOWN: [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 0],
  [0, 0],
];

function expectSame(s: SectorState, d: Dense) {
  const n = d.n;
  const pos = new Int32Array(n);
  for (let x = 0; x < 1 << n; x++) {
    let w = 0;
    for (let q = 0; q < n; q++) if ((x >> q) & 1) pos[w++] = q;
    const re = s.re[w];
    const r = s.space.rank(pos, w);
    const gotRe = re ? re[r] : 0;
    const gotIm = re && s.complex ? s.im[w]![r] : 0;
    expect(gotRe).toBeCloseTo(d.re[x], 12);
    expect(gotIm).toBeCloseTo(d.im[x], 12);
  }
}

describe('sector state', () => {
  for (const n of [5, 6, 7]) {
    it(`ranks and unranks every configuration (n=${n})`, () => {
      const space = SectorSpace.of(n);
      const pos = new Int32Array(n);
      for (let w = 0; w <= n; w++) {
        const seen = new Set<number>();
        for (let r = 0; r < space.size(w); r++) {
          space.unrank(w, r, pos);
          for (let t = 1; t < w; t++) expect(pos[t]).toBeGreaterThan(pos[t - 1]);
          expect(space.rank(pos, w)).toBe(r);
          let mask = 0;
          for (let t = 0; t < w; t++) mask |= 1 << pos[t];
          seen.add(mask);
        }
        expect(seen.size).toBe(space.size(w));
      }
    });

    it(`matches a dense state vector through RBS, X, Y, Z and jumps (n=${n})`, () => {
      const rng = createRng(n);
      const space = SectorSpace.of(n);
      const s = new SectorState(space);
      const d = new Dense(n);
      s.setBasis([1]);
      d.re[1 << 1] = 1;
      const ops = 60;
      for (let t = 0; t < ops; t++) {
        const kind = t % 6;
        const q = rng.int(n);
        if (kind <= 2) {
          // RBS on every ordered pair class: low-low, high-high, low-high, high-low.
          let j = rng.int(n);
          if (j === q) j = (q + 1) % n;
          const th = rng.uniform(-3, 3);
          s.rbs(q, j, Math.cos(th), Math.sin(th));
          d.rbs(q, j, Math.cos(th), Math.sin(th));
        } else if (kind === 3) {
          const p = rng.next() < 0.5 ? 1 : 2;
          s.flip(q, p);
          d.single(q, p === 1 ? X : Y);
        } else if (kind === 4) {
          s.z(q);
          d.single(q, Z);
        } else {
          const up = rng.next() < 0.5;
          const branch = up ? s.norm2() - s.massWith(q) : s.massWith(q);
          if (branch < 1e-9) continue;
          s.jump(q, up);
          d.single(q, up ? UP : DOWN);
          const norm = Math.sqrt(s.norm2());
          s.scale(1 / norm);
          for (const a of [d.re, d.im]) for (let x = 0; x < a.length; x++) a[x] /= norm;
        }
        expectSame(s, d);
      }
      // Occupations against the dense probabilities.
      const occ = new Float64Array(n);
      s.occupations(occ);
      for (let q = 0; q < n; q++) {
        let m = 0;
        let total = 0;
        for (let x = 0; x < 1 << n; x++) {
          const p = d.re[x] ** 2 + d.im[x] ** 2;
          total += p;
          if ((x >> q) & 1) m += p;
        }
        expect(occ[q]).toBeCloseTo(m / total, 12);
      }
    });
  }

  it('samples configurations by |amplitude|^2', () => {
    const space = SectorSpace.of(6);
    const s = new SectorState(space);
    s.setBasis([0]);
    s.rbs(0, 3, Math.cos(0.7), Math.sin(0.7));
    s.flip(3, 1);
    const total = s.norm2();
    // Every sampled index has weight, and u just below the mass of a configuration picks it.
    const picks = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      const got = s.sample((k / 200) * total)!;
      picks.set(`${got.w}:${got.r}`, (picks.get(`${got.w}:${got.r}`) ?? 0) + 1);
    }
    for (const key of picks.keys()) {
      const [w, r] = key.split(':').map(Number);
      expect(s.re[w]![r] ** 2).toBeGreaterThan(0);
    }
    // c e_0 + s e_3, then X on qubit 3: c |{0, 3}> + s |vacuum>, drawn in proportion cos^2 : sin^2.
    expect(picks.size).toBe(2);
    expect(picks.get('0:0')! / 200).toBeCloseTo(Math.sin(0.7) ** 2, 1);
  });
});
