// L2-penalised logistic regression, binary and multinomial, as scikit-learn's LogisticRegression (C = 1 by default:
// minimise sum of log-losses + ||W||^2 / (2C), intercepts unpenalised; multinomial uses the symmetric softmax over
// all classes). Solved by Newton's method with a backtracking line search (ml-matrix's Cholesky for the Newton
// system), which converges in a handful of steps on the small, standardised problems of imputation and evaluation.
// Classes absent from the training rows are never predicted; a single observed class gives a constant model.
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { z } from 'zod';
import {
  argmax,
  type ColumnModelSpec,
  type FittedColumnModel,
  type ModelTarget,
  type SavedColumnModel,
  ZERO_COST,
  damagedModel,
  parseSavedState,
} from './column-model.ts';

export interface LogisticOptions {
  /** Inverse penalty strength (sklearn's C). */
  C: number;
  maxIter: number;
  /** Stop when no parameter moves by more than this. */
  tol: number;
}

export const LOGISTIC_DEFAULTS: Readonly<LogisticOptions> = Object.freeze({ C: 1, maxIter: 100, tol: 1e-10 });

export interface LogisticFit {
  /** Original class codes, in the order of the model's outputs. */
  classes: number[];
  cols: number;
  /** Binary: one row (cols weights then the intercept) for classes[1]; multinomial: one such row per class; constant: none. */
  theta: Float64Array;
  iterations: number;
}

/** Tiny penalty on intercepts: makes the multinomial Newton system definite (softmax is invariant to a shared shift). */
const INTERCEPT_JITTER = 1e-10;

/** Fits on row-major x (rows x cols) and class codes y. */
export function fitLogistic(x: Float64Array, rows: number, cols: number, y: ArrayLike<number>, options: Partial<LogisticOptions> = {}): LogisticFit {
  const o = { ...LOGISTIC_DEFAULTS, ...options };
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  const k = classes.length;
  if (k <= 1) return { classes, cols, theta: new Float64Array(0), iterations: 0 };
  const index = new Map(classes.map((c, i) => [c, i]));
  const yi = Int32Array.from(y, (v) => index.get(v)!);
  const outputs = k === 2 ? 1 : k;
  const w = cols + 1;
  const dim = outputs * w;
  const pen = new Float64Array(dim);
  for (let c = 0; c < outputs; c++) for (let a = 0; a < w; a++) pen[c * w + a] = a < cols ? 1 / o.C : INTERCEPT_JITTER;
  let theta = new Float64Array(dim);
  const probs = new Float64Array(rows * k);

  /** Objective at t, filling `probs` (rows x k). */
  const objective = (t: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < rows; i++) {
      const r = i * cols;
      if (outputs === 1) {
        let eta = t[cols];
        for (let a = 0; a < cols; a++) eta += t[a] * x[r + a];
        const p1 = 1 / (1 + Math.exp(-eta));
        probs[i * 2] = 1 - p1;
        probs[i * 2 + 1] = p1;
        f += (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - (yi[i] === 1 ? eta : 0);
      } else {
        let max = -Infinity;
        for (let c = 0; c < k; c++) {
          let eta = t[c * w + cols];
          for (let a = 0; a < cols; a++) eta += t[c * w + a] * x[r + a];
          probs[i * k + c] = eta;
          if (eta > max) max = eta;
        }
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(probs[i * k + c] - max);
        const lse = max + Math.log(sum);
        f += lse - probs[i * k + yi[i]];
        for (let c = 0; c < k; c++) probs[i * k + c] = Math.exp(probs[i * k + c] - lse);
      }
    }
    for (let j = 0; j < dim; j++) f += 0.5 * pen[j] * t[j] * t[j];
    return f;
  };

  let f = objective(theta);
  let iterations = 0;
  const xt = new Float64Array(w);
  for (let iter = 0; iter < o.maxIter; iter++) {
    iterations = iter + 1;
    const grad = new Float64Array(dim);
    const hess = Matrix.zeros(dim, dim);
    for (let i = 0; i < rows; i++) {
      for (let a = 0; a < cols; a++) xt[a] = x[i * cols + a];
      xt[cols] = 1;
      for (let c = 0; c < outputs; c++) {
        const pc = outputs === 1 ? probs[i * 2 + 1] : probs[i * k + c];
        const target = outputs === 1 ? (yi[i] === 1 ? 1 : 0) : yi[i] === c ? 1 : 0;
        for (let a = 0; a < w; a++) grad[c * w + a] += (pc - target) * xt[a];
        for (let d = c; d < outputs; d++) {
          const pd = outputs === 1 ? pc : probs[i * k + d];
          const weight = outputs === 1 ? pc * (1 - pc) : c === d ? pc * (1 - pc) : -pc * pd;
          if (weight === 0) continue;
          for (let a = 0; a < w; a++) {
            const wa = weight * xt[a];
            const row = c * w + a;
            for (let b = d === c ? a : 0; b < w; b++) hess.set(row, d * w + b, hess.get(row, d * w + b) + wa * xt[b]);
          }
        }
      }
    }
    for (let j = 0; j < dim; j++) {
      grad[j] += pen[j] * theta[j];
      hess.set(j, j, hess.get(j, j) + pen[j]);
      for (let l = j + 1; l < dim; l++) hess.set(l, j, hess.get(j, l));
    }
    const step = new CholeskyDecomposition(hess).solve(Matrix.columnVector(Array.from(grad))).getColumn(0);
    // Backtracking: halve the Newton step until the objective does not increase.
    let scale = 1;
    let next = theta;
    let fNext = f;
    for (let halvings = 0; halvings < 30; halvings++) {
      next = Float64Array.from(theta, (v, j) => v - scale * step[j]);
      fNext = objective(next);
      if (fNext <= f + 1e-12 * Math.abs(f)) break;
      scale /= 2;
    }
    let moved = 0;
    for (let j = 0; j < dim; j++) moved = Math.max(moved, Math.abs(next[j] - theta[j]));
    theta = next;
    f = fNext;
    if (moved < o.tol) break;
  }
  // Softmax intercepts are defined up to a shared shift: report them summing to zero (as sklearn's do).
  if (outputs > 1) {
    let mean = 0;
    for (let c = 0; c < k; c++) mean += theta[c * w + cols] / k;
    for (let c = 0; c < k; c++) theta[c * w + cols] -= mean;
  }
  return { classes, cols, theta, iterations };
}

/** Class probabilities (rows x classes.length, in the fit's class order) for row-major x. */
export function logisticProbabilities(fit: LogisticFit, x: Float64Array, rows: number): Float64Array {
  const { classes, cols, theta } = fit;
  const k = classes.length;
  const out = new Float64Array(rows * k);
  if (k === 1) return out.fill(1);
  const w = cols + 1;
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    if (k === 2) {
      let eta = theta[cols];
      for (let a = 0; a < cols; a++) eta += theta[a] * x[r + a];
      const p1 = 1 / (1 + Math.exp(-eta));
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let eta = theta[c * w + cols];
      for (let a = 0; a < cols; a++) eta += theta[c * w + a] * x[r + a];
      out[i * k + c] = eta;
      if (eta > max) max = eta;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(out[i * k + c] - max);
    for (let c = 0; c < k; c++) out[i * k + c] /= sum;
  }
  return out;
}

const stateSchema = z.object({
  classes: z.array(z.number().int().min(0)).min(1),
  cols: z.number().int().min(0),
  theta: z.array(z.number()),
  iterations: z.number().int(),
});

/** Predicts the most probable class (the mode of the predictive distribution). */
export class LogisticModel implements FittedColumnModel {
  readonly kind = 'logistic';
  constructor(
    readonly target: ModelTarget,
    readonly fit: LogisticFit,
  ) {}

  async predict(x: Float64Array, rows: number) {
    const k = this.fit.classes.length;
    const p = logisticProbabilities(this.fit, x, rows);
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = this.fit.classes[argmax(p, i * k, k)];
    return { values, cost: ZERO_COST };
  }

  toJSON(): SavedColumnModel {
    const f = this.fit;
    return { kind: this.kind, state: { classes: f.classes, cols: f.cols, theta: Array.from(f.theta), iterations: f.iterations } };
  }

  static fromJSON(state: unknown, target: ModelTarget): LogisticModel {
    const s = parseSavedState(stateSchema, state, 'logistic');
    const k = s.classes.length;
    const expected = k <= 1 ? 0 : (k === 2 ? 1 : k) * (s.cols + 1);
    if (s.theta.length !== expected) throw damagedModel('logistic', 'state.theta', `must hold ${expected} numbers; it holds ${s.theta.length}`);
    return new LogisticModel(target, { ...s, theta: Float64Array.from(s.theta) });
  }
}

export function logisticSpec(options: Partial<LogisticOptions> = {}): ColumnModelSpec {
  const o = { ...LOGISTIC_DEFAULTS, ...options };
  return {
    kind: 'logistic',
    recipe: { model: 'logistic', penalty: 'l2', ...o },
    standardise: true,
    async fit(data) {
      return { model: new LogisticModel(data.target, fitLogistic(data.x, data.rows, data.cols, data.y, o)), cost: ZERO_COST };
    },
  };
}
