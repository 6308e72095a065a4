// Each metric against a hand-computed value or scipy / scikit-learn (scipy.stats.wasserstein_distance,
// sklearn.metrics.roc_auc_score), computed once and written here.
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { auc, downstreamAuc, meanSd, nrmse, pfc, rmse, stratifiedKFold, varianceRatio, wasserstein1d } from './index.ts';

describe('metrics', () => {
  it('rmse and nrmse', () => {
    // errors 1, -2, 2: mean square 3
    expect(rmse([2, 0, 5], [1, 2, 3])).toBeCloseTo(Math.sqrt(3), 15);
    expect(nrmse([2, 0, 5], [1, 2, 3], 2)).toBeCloseTo(Math.sqrt(3) / 2, 15);
    expect(rmse([], [])).toBeNaN();
  });
  it('proportion falsely classified', () => {
    expect(pfc([0, 1, 2, 2], [0, 2, 2, 1])).toBe(0.5);
  });
  it('mean and sample sd; variance ratio', () => {
    const s = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(meanSd([3]).sd).toBe(0);
    expect(varianceRatio([1, 3], [1, 2])).toBeCloseTo(4, 14);
  });
  it('1-D Wasserstein distance equals scipy', () => {
    expect(wasserstein1d([0, 1, 3], [5, 6, 8])).toBeCloseTo(5.0, 12);
    expect(wasserstein1d([0.5, 1.5, 1.5, 7], [1, 2, 2, 2, 9, 4])).toBeCloseTo(1.2083333333333335, 12);
    expect(wasserstein1d([3.2, 1.1, -4, 2.2, 2.2], [0.1])).toBeCloseTo(2.4800000000000004, 12);
  });
  it('AUC with ties equals sklearn roc_auc_score', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.2], [0, 0, 1, 1, 0, 1, 1, 0])).toBeCloseTo(0.8125, 14);
    expect(auc([1, 1, 1, 1, 1], [1, 0, 1, 0, 1])).toBe(0.5);
    expect(auc([3, 2, 2, 1, 5, 5, 0.5, 0.5, 1], [1, 1, 0, 0, 1, 0, 1, 0, 0])).toBeCloseTo(0.625, 14);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });
  it('stratified k-fold keeps class shares, balances fold sizes, is seeded', () => {
    const labels = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const folds = stratifiedKFold(labels, 5, 3);
    for (let f = 0; f < 5; f++) {
      const rows = labels.filter((_, i) => folds[i] === f);
      expect(rows.length === 20 || rows.length === 21).toBe(true);
      const pos = rows.filter((v) => v === 1).length;
      expect(pos === 5 || pos === 6).toBe(true);
    }
    expect(Array.from(stratifiedKFold(labels, 5, 3))).toEqual(Array.from(folds));
    expect(Array.from(stratifiedKFold(labels, 5, 4))).not.toEqual(Array.from(folds));
    expect(() => stratifiedKFold([0, 1, 0], 5, 1)).toThrow(/at least 5 rows; the table has 3/);
  });
  it('downstream AUC: near 1 for a separating feature, near 0.5 for noise', () => {
    const rng = createRng(1);
    const rows = 400;
    const y = Float64Array.from({ length: rows }, () => (rng.next() < 0.3 ? 1 : 0));
    const signal = Float64Array.from(y, (v) => v * 3 + rng.normal());
    const noise = Float64Array.from(y, () => rng.normal());
    expect(downstreamAuc(signal, rows, 1, y, { folds: 5, seed: 1 }).auc).toBeGreaterThan(0.95);
    const r = downstreamAuc(noise, rows, 1, y, { folds: 5, seed: 1 });
    expect(Math.abs(r.auc - 0.5)).toBeLessThan(0.08);
    expect(r.folds).toHaveLength(5);
  });
});
