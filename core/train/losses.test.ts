// Loss values and gradients by hand (the finite-difference test in train.test.ts checks gradient against value, so a
// loss that computed nothing at all would pass it), and the checks of targets and labels.
import { describe, expect, it } from 'vitest';
import { crossEntropyLoss, mseLoss, oneHot } from './losses.ts';

const none = new Float64Array(0);
const invalid = (message: RegExp) => expect.objectContaining({ code: 'VALIDATION', message: expect.stringMatching(message) });

describe('mse loss', () => {
  it('is the batch mean of sum_k (p_k - t_k)^2 with dL/dp = 2 (p - t) / B, looking targets up by row index', () => {
    // Dataset rows 0: (0.25, 0.75), 1: (1, 0); the batch holds rows 1 then 0, both predicted (0.5, 0.5).
    const loss = mseLoss(Float64Array.of(0.25, 0.75, 1, 0), 2);
    const r = loss.evaluate(Float64Array.of(0.5, 0.5, 0.5, 0.5), Int32Array.of(1, 0), 2, none);
    // Row 1: 0.25 + 0.25 = 0.5; row 0: 0.0625 + 0.0625 = 0.125; mean 0.3125.
    expect(r.value).toBeCloseTo(0.3125, 15);
    expect(Array.from(r.gradProbabilities)).toEqual([-0.5, 0.5, 0.25, -0.25]);
    expect(r.gradExtra).toBeUndefined();
    expect(loss.name).toBe('mse');
  });
});

describe('cross-entropy loss', () => {
  it('is the batch mean of -sum_k t_k log(p_k + eps) with dL/dp_k = -t_k / (p_k + eps) / B', () => {
    const targets = oneHot([1, 0], 2); // rows (0, 1) and (1, 0)
    const p = Float64Array.of(0.2, 0.8, 0.6, 0.4);
    const exact = crossEntropyLoss(targets, 2, 0).evaluate(p, Int32Array.of(0, 1), 2, none);
    expect(exact.value).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(Array.from(exact.gradProbabilities)).toEqual([0, -1 / 0.8 / 2, -1 / 0.6 / 2, 0]);
    // eps is added to p (it keeps empty shot bins finite), not taken away.
    const smoothed = crossEntropyLoss(targets, 2, 0.1).evaluate(p, Int32Array.of(0, 1), 2, none);
    expect(smoothed.value).toBeCloseTo(-(Math.log(0.9) + Math.log(0.7)) / 2, 15);
    expect(smoothed.gradProbabilities[1]).toBeCloseTo(-1 / 0.9 / 2, 15);
    expect(crossEntropyLoss(targets, 2).name).toBe('cross-entropy');
  });

  it('takes target distributions, and a class with target 0 costs nothing even where p = 0 and eps = 0', () => {
    const soft = crossEntropyLoss(Float64Array.of(0.5, 0.5), 2, 0).evaluate(Float64Array.of(0.25, 0.75), Int32Array.of(0), 2, none);
    expect(soft.value).toBeCloseTo(-(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), 15);
    // 0 x log(0) would be NaN: the term is skipped, and its gradient entry stays 0.
    const r = crossEntropyLoss(Float64Array.of(0, 1, 0, 0), 4, 0).evaluate(Float64Array.of(0, 0.5, 0.5, 0), Int32Array.of(0), 4, none);
    expect(r.value).toBeCloseTo(Math.log(2), 15);
    expect(Array.from(r.gradProbabilities)).toEqual([0, -2, 0, 0]);
  });

  it('fingerprints its eps and targets, so a checkpoint resumes only with the same loss', () => {
    const t = oneHot([0, 1], 2);
    expect(crossEntropyLoss(t, 2).fingerprint).toBe(crossEntropyLoss(oneHot([0, 1], 2), 2).fingerprint);
    expect(crossEntropyLoss(t, 2, 1e-6).fingerprint).not.toBe(crossEntropyLoss(t, 2).fingerprint);
    expect(crossEntropyLoss(oneHot([1, 1], 2), 2).fingerprint).not.toBe(crossEntropyLoss(t, 2).fingerprint);
    expect(mseLoss(t, 2).fingerprint).not.toBe(crossEntropyLoss(t, 2).fingerprint);
  });
});

describe('targets and labels', () => {
  it('refuses targets that are not whole rows, naming the loss', () => {
    expect(() => mseLoss(new Float64Array(0), 4)).toThrow(invalid(/^mse targets must be whole rows of 4 values; got 0$/));
    expect(() => mseLoss(new Float64Array(6), 4)).toThrow(invalid(/^mse targets must be whole rows of 4 values; got 6$/));
    expect(() => crossEntropyLoss(new Float64Array(3), 2)).toThrow(invalid(/^cross-entropy targets must be whole rows of 2 values; got 3$/));
    expect(() => crossEntropyLoss(new Float64Array(0), 2)).toThrow(invalid(/^cross-entropy targets/));
  });

  it('one-hot rows from class labels; a label outside 0..n-1 or not an integer is refused', () => {
    expect(Array.from(oneHot([2, 0, 1], 3))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(() => oneHot([0, 3], 3)).toThrow(invalid(/^label 1 must be an integer in 0\.\.2; got 3$/));
    expect(() => oneHot([-1], 3)).toThrow(invalid(/^label 0 must be an integer in 0\.\.2; got -1$/));
    expect(() => oneHot([1.5], 3)).toThrow(invalid(/^label 0 must be an integer in 0\.\.2; got 1.5$/));
    expect(() => oneHot([2], 3)).not.toThrow();
  });
});
