// Bayesian ridge regression exactly as scikit-learn's BayesianRidge (the default estimator of its IterativeImputer):
// centre X and y, then alternate the posterior mean of the coefficients with MacKay's evidence updates of the noise
// precision alpha and the weight precision lambda (Gamma(1e-6, 1e-6) priors) until the coefficients move by less than
// tol (L1), at most maxIter times. The eigen-decomposition of X'X (ml-matrix) gives what sklearn takes from the SVD
// of X: the same eigenvalues S^2 and vectors V.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { z } from 'zod';
import { type ColumnModelSpec, type FittedColumnModel, type ModelTarget, type SavedColumnModel, ZERO_COST, parseSavedState } from './column-model.ts';

export interface BayesianRidgeOptions {
  maxIter: number;
  tol: number;
  alpha1: number;
  alpha2: number;
  lambda1: number;
  lambda2: number;
}

/** scikit-learn's defaults. */
export const BAYESIAN_RIDGE_DEFAULTS: Readonly<BayesianRidgeOptions> = Object.freeze({
  maxIter: 300,
  tol: 1e-3,
  alpha1: 1e-6,
  alpha2: 1e-6,
  lambda1: 1e-6,
  lambda2: 1e-6,
});

export interface BayesianRidgeFit {
  coef: Float64Array;
  intercept: number;
  /** Noise precision. */
  alpha: number;
  /** Weight precision. */
  lambda: number;
  /** Posterior covariance of coef (cols x cols, row-major), as sklearn's sigma_. */
  sigma: Float64Array;
  xOffset: Float64Array;
  yOffset: number;
  iterations: number;
}

/** Fits on row-major x (rows x cols). */
export function fitBayesianRidge(
  x: Float64Array,
  rows: number,
  cols: number,
  y: ArrayLike<number>,
  options: Partial<BayesianRidgeOptions> = {},
): BayesianRidgeFit {
  const o = { ...BAYESIAN_RIDGE_DEFAULTS, ...options };
  const xOffset = new Float64Array(cols);
  let yOffset = 0;
  for (let i = 0; i < rows; i++) {
    yOffset += y[i];
    for (let j = 0; j < cols; j++) xOffset[j] += x[i * cols + j];
  }
  yOffset /= rows;
  for (let j = 0; j < cols; j++) xOffset[j] /= rows;
  const xc = new Float64Array(rows * cols);
  const yc = new Float64Array(rows);
  let yVar = 0;
  for (let i = 0; i < rows; i++) {
    yc[i] = y[i] - yOffset;
    yVar += yc[i] * yc[i];
    for (let j = 0; j < cols; j++) xc[i * cols + j] = x[i * cols + j] - xOffset[j];
  }
  yVar /= rows;

  // X'X and X'y.
  const gram = Matrix.zeros(cols, cols);
  const xty = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let a = 0; a < cols; a++) {
      const va = xc[r + a];
      xty[a] += va * yc[i];
      for (let b = a; b < cols; b++) gram.set(a, b, gram.get(a, b) + va * xc[r + b]);
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) gram.set(a, b, gram.get(b, a));
  const evd = cols > 0 ? new EigenvalueDecomposition(gram, { assumeSymmetric: true }) : null;
  const ev = Float64Array.from(evd?.realEigenvalues ?? [], (v) => Math.max(v, 0));
  const v = evd?.eigenvectorMatrix ?? Matrix.zeros(0, 0);
  // z = V' X'y, so that coef = V diag(1 / (ev + lambda/alpha)) z.
  const zv = new Float64Array(cols);
  for (let k = 0; k < cols; k++) for (let a = 0; a < cols; a++) zv[k] += v.get(a, k) * xty[a];

  const coefFor = (alpha: number, lambda: number): { coef: Float64Array; rss: number } => {
    const coef = new Float64Array(cols);
    for (let k = 0; k < cols; k++) {
      const s = zv[k] / (ev[k] + lambda / alpha);
      for (let a = 0; a < cols; a++) coef[a] += v.get(a, k) * s;
    }
    let rss = 0;
    for (let i = 0; i < rows; i++) {
      let pred = 0;
      for (let a = 0; a < cols; a++) pred += xc[i * cols + a] * coef[a];
      rss += (yc[i] - pred) ** 2;
    }
    return { coef, rss };
  };

  let alpha = 1 / (yVar + Number.EPSILON);
  let lambda = 1;
  let old: Float64Array | null = null;
  let iterations = 0;
  for (let iter = 0; iter < o.maxIter; iter++) {
    iterations = iter + 1;
    const { coef, rss } = coefFor(alpha, lambda);
    let gamma = 0;
    for (let k = 0; k < cols; k++) gamma += (alpha * ev[k]) / (lambda + alpha * ev[k]);
    let coef2 = 0;
    for (let a = 0; a < cols; a++) coef2 += coef[a] * coef[a];
    lambda = (gamma + 2 * o.lambda1) / (coef2 + 2 * o.lambda2);
    alpha = (rows - gamma + 2 * o.alpha1) / (rss + 2 * o.alpha2);
    if (old) {
      let change = 0;
      for (let a = 0; a < cols; a++) change += Math.abs(old[a] - coef[a]);
      if (change < o.tol) break;
    }
    old = coef;
  }
  const { coef } = coefFor(alpha, lambda);
  const sigma = new Float64Array(cols * cols);
  for (let k = 0; k < cols; k++) {
    const s = 1 / (alpha * (ev[k] + lambda / alpha));
    for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) sigma[a * cols + b] += v.get(a, k) * v.get(b, k) * s;
  }
  let intercept = yOffset;
  for (let a = 0; a < cols; a++) intercept -= xOffset[a] * coef[a];
  return { coef, intercept, alpha, lambda, sigma, xOffset, yOffset, iterations };
}

/** intercept + x . coef for each row of row-major x. */
export function linearPredict(x: Float64Array, rows: number, coef: ArrayLike<number>, intercept: number): Float64Array {
  const cols = coef.length;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = intercept;
    for (let a = 0; a < cols; a++) s += x[i * cols + a] * coef[a];
    out[i] = s;
  }
  return out;
}

const NUMERIC: ModelTarget = { kind: 'numeric' };

const stateSchema = z.object({ coef: z.array(z.number()), intercept: z.number(), alpha: z.number(), lambda: z.number(), iterations: z.number().int() });

/** A fitted Bayesian ridge: predicts the posterior mean (R mice's norm.predict, sklearn's predict). */
export class BayesianRidgeModel implements FittedColumnModel {
  readonly kind = 'bayesian-ridge';
  readonly target = NUMERIC;
  constructor(readonly fit: Pick<BayesianRidgeFit, 'coef' | 'intercept' | 'alpha' | 'lambda' | 'iterations'>) {}

  async predict(x: Float64Array, rows: number) {
    return { values: linearPredict(x, rows, this.fit.coef, this.fit.intercept), cost: ZERO_COST };
  }

  toJSON(): SavedColumnModel {
    const f = this.fit;
    return { kind: this.kind, state: { coef: Array.from(f.coef), intercept: f.intercept, alpha: f.alpha, lambda: f.lambda, iterations: f.iterations } };
  }

  static fromJSON(state: unknown): BayesianRidgeModel {
    const s = parseSavedState(stateSchema, state, 'bayesian-ridge');
    return new BayesianRidgeModel({ ...s, coef: Float64Array.from(s.coef) });
  }
}

export function bayesianRidgeSpec(options: Partial<BayesianRidgeOptions> = {}): ColumnModelSpec {
  const o = { ...BAYESIAN_RIDGE_DEFAULTS, ...options };
  return {
    kind: 'bayesian-ridge',
    recipe: { model: 'bayesian-ridge', ...o },
    standardise: false,
    async fit(data) {
      return { model: new BayesianRidgeModel(fitBayesianRidge(data.x, data.rows, data.cols, data.y, o)), cost: ZERO_COST };
    },
  };
}
