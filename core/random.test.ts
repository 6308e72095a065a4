import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, multinomial, shuffle } from './random.ts';

describe('seeded random', () => {
  it('is deterministic per seed and resumable from its state', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(43).next()).not.toBe(xs[0]);
    const c = createRng(0, a.getState());
    expect(c.next()).toBe(a.next());
    expect(createRng(0.5).next()).not.toBe(createRng(1.5).next());
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
  });
  it('has the right moments', () => {
    const r = createRng(1);
    const N = 200_000;
    let s = 0,
      s2 = 0,
      ns = 0,
      ns2 = 0,
      ints = 0;
    for (let k = 0; k < N; k++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
      const z = r.normal();
      ns += z;
      ns2 += z * z;
      ints += r.int(10) === 3 ? 1 : 0;
    }
    expect(Math.abs(s / N - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / N - 1 / 3)).toBeLessThan(0.005);
    expect(Math.abs(ns / N)).toBeLessThan(0.01);
    expect(Math.abs(ns2 / N - 1)).toBeLessThan(0.02);
    expect(Math.abs(ints / N - 0.1)).toBeLessThan(0.005);
  });
  it('multinomial counts sum to the shots and match the probabilities', () => {
    const r = createRng(9);
    const p = [0.5, 0, 0.25, 0.125, 0.125, 0];
    const counts = multinomial(r, 100_000, p);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(counts[1]).toBe(0);
    expect(counts[5]).toBe(0);
    p.forEach((pk, k) => expect(Math.abs(counts[k] / 100_000 - pk)).toBeLessThan(0.006));
    // Unnormalised weights are normalised.
    const c2 = multinomial(r, 1000, [2, 2]);
    expect(c2[0] + c2[1]).toBe(1000);
    expect(() => multinomial(r, 10, [0, 0])).toThrow(/sum to zero/);
  });
  it('shuffles into a permutation', () => {
    const xs = Array.from({ length: 50 }, (_, k) => k);
    shuffle(createRng(3), xs);
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, k) => k));
  });
});
