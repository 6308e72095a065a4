// Downstream survival prediction (METHOD.md section 8): L2 logistic regression (C = 1) on the imputed features
// predicting the binary outcome, features standardised on each training fold, stratified k-fold; the mean AUC over
// the folds. Which columns are features is the caller's choice (identifiers and excluded columns are not).
import { fitLogistic, logisticProbabilities } from '../models/logistic.ts';
import { auc } from './auc.ts';
import { stratifiedKFold } from './stratified-kfold.ts';

export interface DownstreamAucResult {
  /** Mean of the folds' AUCs (folds with one class only are left out). */
  auc: number;
  folds: number[];
}

/** x: row-major features (rows x cols), complete; y: 0/1 outcome. */
export function downstreamAuc(
  x: Float64Array,
  rows: number,
  cols: number,
  y: ArrayLike<number>,
  options: { folds: number; seed: number; C?: number },
): DownstreamAucResult {
  const fold = stratifiedKFold(y, options.folds, options.seed);
  const aucs: number[] = [];
  for (let f = 0; f < options.folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < rows; i++) (fold[i] === f ? test : train).push(i);
    const mean = new Float64Array(cols);
    const sd = new Float64Array(cols);
    for (const i of train) for (let a = 0; a < cols; a++) mean[a] += x[i * cols + a] / train.length;
    for (const i of train) for (let a = 0; a < cols; a++) sd[a] += (x[i * cols + a] - mean[a]) ** 2 / train.length;
    for (let a = 0; a < cols; a++) sd[a] = sd[a] > 1e-24 ? Math.sqrt(sd[a]) : 1;
    const pick = (idx: number[]) => {
      const out = new Float64Array(idx.length * cols);
      idx.forEach((i, r) => {
        for (let a = 0; a < cols; a++) out[r * cols + a] = (x[i * cols + a] - mean[a]) / sd[a];
      });
      return out;
    };
    const fit = fitLogistic(
      pick(train),
      train.length,
      cols,
      train.map((i) => y[i]),
      { C: options.C ?? 1 },
    );
    if (fit.classes.length < 2) continue;
    const p = logisticProbabilities(fit, pick(test), test.length);
    const positive = fit.classes.indexOf(1);
    const a = auc(
      Float64Array.from(test, (_, r) => p[r * fit.classes.length + positive]),
      test.map((i) => y[i]),
    );
    if (!Number.isNaN(a)) aucs.push(a);
  }
  return { auc: aucs.length > 0 ? aucs.reduce((s, v) => s + v, 0) / aucs.length : NaN, folds: aucs };
}
