// Predictive mean matching (R mice's default `pmm`, type-1 matching): a Bayesian ridge is fitted on the observed rows;
// each prediction call draws one coefficient vector from its posterior N(coef, sigma), predicts the missing rows with
// it, and for each takes the observed value of one of the `donors` observed rows whose fitted mean (with the posterior
// mean coefficients) is nearest, chosen at random. Imputations are therefore always values that were observed.
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { z } from 'zod';
import { fitBayesianRidge, linearPredict } from './bayesian-ridge.ts';
import {
  type ColumnModelSpec,
  type FittedColumnModel,
  type ModelContext,
  type SavedColumnModel,
  ZERO_COST,
  decodeSavedArray,
  parseSavedState,
} from './column-model.ts';
import { encodeFloat64 } from './typed-json.ts';

export interface PmmState {
  coef: Float64Array;
  /** Lower Cholesky factor of the posterior covariance (cols x cols, row-major). */
  chol: Float64Array;
  xOffset: Float64Array;
  yOffset: number;
  /** Donors sorted by fitted mean: fitted means and their observed values. */
  donorMeans: Float64Array;
  donorValues: Float64Array;
  donors: number;
}

function choleskyLower(sigma: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(cols * cols);
  if (cols === 0) return out;
  let jitter = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const m = new Matrix(cols, cols);
    for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) m.set(a, b, sigma[a * cols + b] + (a === b ? jitter : 0));
    const chol = new CholeskyDecomposition(m);
    if (chol.isPositiveDefinite()) {
      const l = chol.lowerTriangularMatrix;
      for (let a = 0; a < cols; a++) for (let b = 0; b <= a; b++) out[a * cols + b] = l.get(a, b);
      return out;
    }
    let trace = 0;
    for (let a = 0; a < cols; a++) trace += sigma[a * cols + a];
    jitter = jitter === 0 ? 1e-12 * (trace / cols || 1) : jitter * 100;
  }
  return out; // A degenerate posterior: draws equal the posterior mean.
}

export function fitPmm(x: Float64Array, rows: number, cols: number, y: Float64Array, donors: number): PmmState {
  const fit = fitBayesianRidge(x, rows, cols, y);
  const means = linearPredict(x, rows, fit.coef, fit.intercept);
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => means[a] - means[b] || a - b);
  return {
    coef: fit.coef,
    chol: choleskyLower(fit.sigma, cols),
    xOffset: fit.xOffset,
    yOffset: fit.yOffset,
    donorMeans: Float64Array.from(order, (i) => means[i]),
    donorValues: Float64Array.from(order, (i) => y[i]),
    donors,
  };
}

export function pmmPredict(s: PmmState, x: Float64Array, rows: number, ctx: Pick<ModelContext, 'rng'>): Float64Array {
  const cols = s.coef.length;
  const z = Float64Array.from({ length: cols }, () => ctx.rng.normal());
  const beta = Float64Array.from(s.coef);
  for (let a = 0; a < cols; a++) for (let b = 0; b <= a; b++) beta[a] += s.chol[a * cols + b] * z[b];
  let intercept = s.yOffset;
  for (let a = 0; a < cols; a++) intercept -= s.xOffset[a] * beta[a];
  const pred = linearPredict(x, rows, beta, intercept);
  const n = s.donorMeans.length;
  const k = Math.min(s.donors, n);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    // The k nearest fitted means: binary search, then widen the window on the nearer side.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.donorMeans[mid] < pred[i]) lo = mid + 1;
      else hi = mid;
    }
    let left = lo - 1;
    let right = lo;
    const chosen = ctx.rng.int(k);
    let pick = -1;
    for (let taken = 0; taken <= chosen; taken++) {
      const takeLeft = right >= n || (left >= 0 && pred[i] - s.donorMeans[left] <= s.donorMeans[right] - pred[i]);
      pick = takeLeft ? left-- : right++;
    }
    out[i] = s.donorValues[pick];
  }
  return out;
}

const stateSchema = z.object({
  cols: z.number().int().min(0),
  donorCount: z.number().int().min(1),
  coef: z.string(),
  chol: z.string(),
  xOffset: z.string(),
  yOffset: z.number(),
  donorMeans: z.string(),
  donorValues: z.string(),
  donors: z.number().int().min(1),
});

export class PmmModel implements FittedColumnModel {
  readonly kind = 'pmm';
  readonly target = { kind: 'numeric' } as const;
  constructor(readonly state: PmmState) {}

  async predict(x: Float64Array, rows: number, ctx: ModelContext) {
    return { values: pmmPredict(this.state, x, rows, ctx), cost: ZERO_COST };
  }

  toJSON(): SavedColumnModel {
    const s = this.state;
    return {
      kind: this.kind,
      state: {
        cols: s.coef.length,
        donorCount: s.donorMeans.length,
        coef: encodeFloat64(s.coef),
        chol: encodeFloat64(s.chol),
        xOffset: encodeFloat64(s.xOffset),
        yOffset: s.yOffset,
        donorMeans: encodeFloat64(s.donorMeans),
        donorValues: encodeFloat64(s.donorValues),
        donors: s.donors,
      },
    };
  }

  static fromJSON(state: unknown): PmmModel {
    const s = parseSavedState(stateSchema, state, 'pmm');
    const f64 = (text: string, n: number, field: string) => decodeSavedArray(text, n, 'f64', 'pmm', field) as Float64Array;
    return new PmmModel({
      coef: f64(s.coef, s.cols, 'coef'),
      chol: f64(s.chol, s.cols * s.cols, 'chol'),
      xOffset: f64(s.xOffset, s.cols, 'xOffset'),
      yOffset: s.yOffset,
      donorMeans: f64(s.donorMeans, s.donorCount, 'donorMeans'),
      donorValues: f64(s.donorValues, s.donorCount, 'donorValues'),
      donors: s.donors,
    });
  }
}

export function pmmSpec(donors = 5): ColumnModelSpec {
  return {
    kind: 'pmm',
    recipe: { model: 'pmm', matching: 'type-1', donors, regression: 'bayesian-ridge' },
    standardise: false,
    async fit(data) {
      return { model: new PmmModel(fitPmm(data.x, data.rows, data.cols, data.y, donors)), cost: ZERO_COST };
    },
  };
}
