// Bayesian ridge and logistic regression against scikit-learn 1.2.1 on the same data (values computed once with
// BayesianRidge() and LogisticRegression(C=1, solver='newton-cg', tol=1e-14), the most precise solver and written here; bench/sklearn_compare.py reproduces them).
import { describe, expect, it } from 'vitest';
import { BayesianRidgeModel, fitBayesianRidge } from './bayesian-ridge.ts';
import { LogisticModel, fitLogistic, logisticProbabilities } from './logistic.ts';

const X = [
  [1, 2, 0.5],
  [2, 1, 1.5],
  [3, 4, -0.5],
  [4, 3, 2.0],
  [5, 6, 1.0],
  [6, 5, 0.0],
  [7, 8, -1.0],
  [8, 7, 3.0],
  [9, 9, 0.5],
  [10, 12, 1.0],
];
const x = Float64Array.from(X.flat());
const y = [3.1, 3.9, 7.2, 8.1, 10.9, 12.2, 14.8, 16.3, 18.1, 21.5];

function close(actual: ArrayLike<number>, expected: number[], digits: number) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('Bayesian ridge (as sklearn BayesianRidge)', () => {
  const fit = fitBayesianRidge(x, 10, 3, y);
  it('matches sklearn coefficients, intercept, alpha, lambda and iteration count', () => {
    close(fit.coef, [1.4759545410415393, 0.5021992881636216, 0.06225534663995104], 9);
    expect(fit.intercept).toBeCloseTo(0.5799098044269293, 9);
    expect(fit.alpha).toBeCloseTo(21.07272515398164, 6);
    expect(fit.lambda).toBeCloseTo(1.2232020509514778, 8);
    expect(fit.iterations).toBe(5);
  });
  it('matches sklearn posterior covariance sigma_', () => {
    close(
      fit.sigma,
      [
        0.00717149874631148, -0.00613380622230601, -0.00316087072752834, -0.00613380622230601, 0.0057063902720767, 0.00283436468513443, -0.00316087072752834,
        0.00283436468513443, 0.00517936126841972,
      ],
      10,
    );
  });
  it('predicts the posterior mean and survives a JSON round trip', async () => {
    const model = new BayesianRidgeModel(fit);
    const again = BayesianRidgeModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())).state);
    const row = Float64Array.from([2, 3, 4]);
    const expected = 0.5799098044269293 + 2 * 1.4759545410415393 + 3 * 0.5021992881636216 + 4 * 0.06225534663995104;
    expect((await again.predict(row, 1)).values[0]).toBeCloseTo(expected, 9);
  });
  it('with no predictors predicts the mean', () => {
    const f = fitBayesianRidge(new Float64Array(0), 4, 0, [1, 2, 3, 6]);
    expect(f.intercept).toBe(3);
  });
  it('refuses a damaged saved state, naming the field', () => {
    expect(() => BayesianRidgeModel.fromJSON({ coef: 'x', intercept: 0, alpha: 1, lambda: 1, iterations: 1 })).toThrow(/state\.coef/);
  });
});

describe('logistic regression (as sklearn LogisticRegression, C = 1)', () => {
  it('binary: matches sklearn coefficients and probabilities', () => {
    const fit = fitLogistic(x, 10, 3, [0, 0, 1, 0, 1, 0, 1, 1, 1, 1]);
    close(fit.theta, [-0.1988634600734743, 1.0487500712095748, -0.10001210967010052, -3.735653392128601], 7);
    const p = logisticProbabilities(fit, x, 10);
    const p1 = [
      0.13158430475207883, 0.03788246045384037, 0.4782044627527534, 0.1701052901293945, 0.8119174369984167, 0.5780847948147583, 0.9665058018307179,
      0.8474388387214314, 0.9794336862954146, 0.998842923251203,
    ];
    p1.forEach((v, i) => expect(p[i * 2 + 1]).toBeCloseTo(v, 9));
  });
  it('multinomial: matches sklearn (symmetric softmax) coefficients, intercepts and probabilities', () => {
    const fit = fitLogistic(x, 10, 3, [0, 1, 2, 0, 1, 2, 2, 1, 0, 2]);
    const expected = [
      [0.03214634421887298, -0.11390346319802337, 0.14771877940437309, 0.5040957196964329],
      [-0.00731287778029641, -0.08915848680825686, 0.775697633048601, -0.21398456338980462],
      [-0.02483346643857615, 0.20306195000627852, -0.923416412452974, -0.2901111563066276],
    ];
    close(fit.theta, expected.flat(), 7);
    const p = logisticProbabilities(fit, x, 3);
    close(
      p,
      [
        0.46612479119189887, 0.31431424479032044, 0.2195609640177808, 0.4355396542670501, 0.5160999129537348, 0.04836043277921509, 0.2730884207952316,
        0.09542381286924051, 0.6314877663355278,
      ],
      9,
    );
  });
  it('predicts only observed classes, by their original codes; one class gives a constant model', async () => {
    const fit = fitLogistic(x, 10, 3, [3, 3, 5, 3, 5, 3, 5, 5, 5, 5]);
    const model = new LogisticModel({ kind: 'categorical', classes: 6 }, fit);
    const { values } = await model.predict(x, 10);
    expect([...new Set(values)].sort()).toEqual([3, 5]);
    const constant = new LogisticModel({ kind: 'categorical', classes: 6 }, fitLogistic(x, 10, 3, new Array(10).fill(4)));
    expect(Array.from((await constant.predict(x, 2)).values)).toEqual([4, 4]);
    const again = LogisticModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())).state, model.target);
    expect(Array.from((await again.predict(x, 10)).values)).toEqual(Array.from(values));
  });
});
