// A QNN training task from a dataset (here beside the imputation engine, whose column encoding it shares; core/train
// stays below models and impute): predict one numeric or binary column from the others with the hybrid QNN regressor's
// circuit layout (core/models/qnn-regressor.ts: predictors in the first half of the register, a constant spread over
// the second half, a linear head trained with the angles). Rows whose target is missing are left out; a missing
// predictor is its column's mean (0 once standardised); categorical predictors become k - 1 indicators, as in the
// imputation engine; predictors are standardised and clipped to [-clip, clip] (heavy tails drove the head to NaN).
import type { Dataset } from '../data/types.ts';
import { InvalidInputError } from '../errors.ts';
import { IMPUTER_DEFAULTS } from '../limits.ts';
import { checkColumnNames, encodedValue, encodedWidth, targetOf } from './columns.ts';
import { hybridLoss, initialRegressionHead, qnnInputs, qnnQubits } from '../models/qnn-regressor.ts';
import type { OutputLoss } from '../train/losses.ts';

export interface DatasetTask {
  qubits: number;
  /** Rows used (target observed). */
  rows: number;
  inputs: Float64Array;
  loss: OutputLoss;
  /** The encoded predictors, in register order (e.g. 'stage=3' for an indicator). */
  predictors: string[];
  /** The target's mean and standard deviation (the loss works on the standardised target). */
  yMean: number;
  ySd: number;
}

export function datasetTask(table: Dataset, target: string, options: { qubits?: number; clip?: number } = {}): DatasetTask {
  checkColumnNames(table, [target], 'target');
  const targetColumn = table.columns.find((c) => c.name === target)!;
  if (targetOf(targetColumn).kind !== 'numeric' && targetColumn.type !== 'binary') {
    throw new InvalidInputError(`target: "${target}" is categorical; train on a numeric or binary column`, { field: 'target', value: target });
  }
  const used: number[] = [];
  for (let i = 0; i < table.rows; i++) if (!Number.isNaN(targetColumn.values[i])) used.push(i);
  if (used.length < 2) {
    throw new InvalidInputError(`target: "${target}" has ${used.length} observed value(s); at least 2 are needed to train`, { field: 'target', value: target });
  }
  const sources = table.columns.filter((c) => c !== targetColumn && (c.role === 'feature' || c.role === 'outcome'));
  const predictors: string[] = [];
  const encoded: Float64Array[] = [];
  for (const c of sources) {
    const width = encodedWidth({ target: targetOf(c) });
    for (let k = 0; k < width; k++) {
      const values = new Float64Array(used.length);
      let sum = 0;
      let observed = 0;
      used.forEach((row, i) => {
        const v = c.values[row];
        values[i] = Number.isNaN(v) ? NaN : encodedValue(v, width, k);
        if (!Number.isNaN(values[i])) {
          sum += values[i];
          observed++;
        }
      });
      if (observed === 0) continue;
      const mean = sum / observed;
      let ss = 0;
      for (const v of values) if (!Number.isNaN(v)) ss += (v - mean) ** 2;
      const sd = Math.sqrt(ss / Math.max(1, observed - 1));
      if (!(sd > 0)) continue; // a constant predictor carries nothing
      for (let i = 0; i < values.length; i++) values[i] = Number.isNaN(values[i]) ? 0 : (values[i] - mean) / sd;
      predictors.push(width === 1 ? c.name : `${c.name}=${c.categories?.[k + 1] ?? k + 1}`);
      encoded.push(values);
    }
  }
  if (predictors.length === 0) {
    throw new InvalidInputError(`the dataset has no usable predictor for "${target}" (feature columns that vary)`, { field: 'target', value: target });
  }
  const rows = used.length;
  const cols = predictors.length;
  const x = new Float64Array(rows * cols);
  encoded.forEach((values, j) => values.forEach((v, i) => (x[i * cols + j] = v)));
  const qubits = qnnQubits(cols, options.qubits);
  const { inputs, norms2 } = qnnInputs(x, rows, cols, qubits, options.clip ?? IMPUTER_DEFAULTS.qnnMice.clip);
  let yMean = 0;
  for (const row of used) yMean += targetColumn.values[row] / rows;
  let ss = 0;
  for (const row of used) ss += (targetColumn.values[row] - yMean) ** 2;
  const ySd = Math.sqrt(ss / Math.max(1, rows - 1)) || 1;
  const y = Float64Array.from(used, (row) => (targetColumn.values[row] - yMean) / ySd);
  const head = initialRegressionHead(inputs, rows, qubits, y, IMPUTER_DEFAULTS.qnnMice.headRidge);
  return { qubits, rows, inputs, loss: hybridLoss(y, norms2, qubits, 1, head), predictors, yMean, ySd };
}
