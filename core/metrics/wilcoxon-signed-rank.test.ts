import { describe, expect, it } from 'vitest';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank.ts';

describe('wilcoxonSignedRank', () => {
  it('gives the exact p-value of a published example without ties', () => {
    // Hollander & Wolfe (1973, p. 29), the Hamilton depression scale before and after a tranquilliser; R's
    // wilcox.test example gives V = 40 and one-sided p = 0.01953, so two-sided 0.0390625 (= 20/512); scipy agrees.
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = wilcoxonSignedRank(x, y);
    expect(r).toMatchObject({ method: 'exact', n: 9, wPlus: 40, wMinus: 5, statistic: 5, z: null });
    expect(r.p).toBeCloseTo(0.0390625, 12);
    // Rank-biserial from its definition: (40 - 5) / 45.
    expect(r.rankBiserial).toBeCloseTo(35 / 45, 12);
  });

  it('gives the exact p-value of scipy.stats.wilcoxon documentation example (15 pairs)', () => {
    // Darwin's differences in height of cross- and self-fertilised plants (scipy docs): statistic 24, p 0.041259765625.
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const r = wilcoxonSignedRank(d, new Array(d.length).fill(0));
    expect(r.statistic).toBe(24);
    expect(r.p).toBe(0.041259765625);
    expect(r.rankBiserial).toBeCloseTo((96 - 24) / 120, 12);
  });

  it('uses the normal approximation with tie and continuity correction when differences tie or are zero', () => {
    // scipy 1.17: wilcoxon(x, y, zero_method='wilcox', correction=True, method='approx') -> statistic 3,
    // p 0.022540113211523872, zstatistic -2.281140855713124 (3 zero differences dropped, ties among 2s and 3s).
    const x = [10, 12, 9, 14, 11, 13, 10, 15, 12, 11, 16, 9];
    const y = [8, 12, 10, 11, 11, 10, 8, 12, 12, 9, 13, 10];
    const r = wilcoxonSignedRank(x, y);
    expect(r).toMatchObject({ method: 'normal', pairs: 12, n: 9, statistic: 3, wMinus: 3, wPlus: 42 });
    expect(r.z).toBeCloseTo(-2.281140855713124, 9);
    expect(r.p).toBeCloseTo(0.022540113211523872, 9);
  });

  it('is symmetric: swapping the samples keeps p and flips the effect size', () => {
    const a = [0.815, 0.842, 0.79, 0.801, 0.836, 0.772, 0.828, 0.809];
    const b = [0.812, 0.819, 0.806, 0.81, 0.821, 0.801, 0.817, 0.808];
    const ab = wilcoxonSignedRank(a, b);
    const ba = wilcoxonSignedRank(b, a);
    // scipy: statistic 17, p 0.9453125.
    expect(ab.statistic).toBe(17);
    expect(ab.p).toBeCloseTo(0.9453125, 12);
    expect(ba.p).toBe(ab.p);
    expect(ba.rankBiserial).toBeCloseTo(-(ab.rankBiserial as number), 12);
  });

  it('has a defined result for degenerate input: p null with a reason', () => {
    const zeros = wilcoxonSignedRank([0.8, 0.7, 0.9], [0.8, 0.7, 0.9]);
    expect(zeros).toMatchObject({ pairs: 3, n: 0, p: null, rankBiserial: null });
    expect(zeros.reason).toMatch(/every one of the 3 differences is zero/);
    const one = wilcoxonSignedRank([0.8], [0.7]);
    expect(one.p).toBeNull();
    expect(one.reason).toMatch(/at least 2 pairs/);
  });

  it('refuses samples of different lengths or with missing values, naming the field', () => {
    expect(() => wilcoxonSignedRank([1, 2, 3], [1, 2])).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'b' }));
    expect(() => wilcoxonSignedRank([1, NaN, 3], [1, 2, 3])).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'a.1' }));
  });
});
