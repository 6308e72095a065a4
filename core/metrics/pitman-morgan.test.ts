import { describe, expect, it } from 'vitest';
import { pitmanMorgan } from './pitman-morgan.ts';

// Reference values computed here with scipy 1.17 from the definition: r = pearsonr(a + b, a - b), t = r sqrt(n - 2) /
// sqrt(1 - r^2), p = 2 t.sf(|t|, n - 2); the interval's ends found independently by root-finding (brentq) for the
// ratios L at which the test of a against sqrt(L) b has p = 0.05, not from the closed form the code uses.
describe('pitmanMorgan', () => {
  it("gives the variance ratio, the test and the inverted interval on Student's sleep data", () => {
    const a = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const b = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = pitmanMorgan(a, b);
    expect(r.df).toBe(8);
    expect(r.varianceA).toBeCloseTo(3.2005555555555554, 12);
    expect(r.varianceB).toBeCloseTo(4.009, 12);
    expect(r.ratio).toBeCloseTo(0.7983426179983923, 12);
    expect(r.r).toBeCloseTo(-0.18295618466458477, 12);
    expect(r.t).toBeCloseTo(-0.5263626751063523, 10);
    expect(r.p).toBeCloseTo(0.6129128774610849, 10);
    expect(r.ci?.[0]).toBeCloseTo(0.30802210467765945, 7);
    expect(r.ci?.[1]).toBeCloseTo(2.069172718560267, 7);
  });

  it('finds a QNN-like method with lower variance over seeds: ratio far from 1, small p', () => {
    const a = [0.815, 0.842, 0.79, 0.801, 0.836, 0.772, 0.828, 0.809];
    const b = [0.812, 0.819, 0.806, 0.81, 0.821, 0.801, 0.817, 0.808];
    const r = pitmanMorgan(a, b);
    expect(r.ratio).toBeCloseTo(11.92722473604839, 9);
    expect(r.r).toBeCloseTo(0.9886381159193429, 10);
    expect(r.t).toBeCloseTo(16.110533368445957, 7);
    expect(r.p).toBeCloseTo(3.635656901123849e-6, 12);
    expect(r.ci?.[0]).toBeCloseTo(7.409556075286139, 6);
    expect(r.ci?.[1]).toBeCloseTo(19.199353977318346, 6);
    // Swapping the samples inverts the ratio and its interval.
    const s = pitmanMorgan(b, a);
    expect(s.ratio).toBeCloseTo(1 / 11.92722473604839, 12);
    expect(s.ci?.[0]).toBeCloseTo(1 / 19.199353977318346, 8);
    expect(s.p).toBeCloseTo(r.p as number, 14);
  });

  it('has a defined result for degenerate input: null with a reason', () => {
    const two = pitmanMorgan([1, 2], [2, 4]);
    expect(two).toMatchObject({ n: 2, ratio: null, p: null });
    expect(two.reason).toMatch(/at least 3 pairs/);
    const flat = pitmanMorgan([1, 2, 3], [5, 5, 5]);
    expect(flat).toMatchObject({ varianceB: 0, ratio: null, p: null, ci: null });
    expect(flat.reason).toMatch(/sample b does not vary/);
    // b = a + 1: equal variances exactly, but the differences are constant so r is 0/0.
    const shifted = pitmanMorgan([1, 2, 4, 7], [2, 3, 5, 8]);
    expect(shifted).toMatchObject({ ratio: 1, r: null, p: null });
    expect(shifted.reason).toMatch(/differences of the pairs do not vary/);
  });

  it('refuses samples with a missing value, naming the field', () => {
    expect(() => pitmanMorgan([1, 2, 3], [1, Infinity, 3])).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'b.1' }));
  });
});
