// Losses on the model's outputs p (rows x n). A loss may own classical parameters (`extra`, e.g. the linear head
// of the hybrid regressor) that the trainer optimises jointly and checkpoints.
import { InvalidInputError } from '../errors.ts';
import { fingerprint } from '../hash.ts';

export interface LossResult {
  /** Mean loss over the batch. */
  value: number;
  /** dL/dp, rows x n (of the mean loss). */
  gradProbabilities: Float64Array;
  /** dL/dextra, when the loss has classical parameters. */
  gradExtra?: Float64Array;
}

export interface OutputLoss {
  readonly name: string;
  /** Identifies the loss and its data (targets, hyper-parameters): a checkpoint resumes only with the same loss. */
  readonly fingerprint: string;
  /**
   * Evaluates the batch: `probabilities` (rows x n) are the model outputs for dataset rows `rows`
   * (indices into the training set, to look up targets).
   */
  evaluate(probabilities: Float64Array, rows: ArrayLike<number>, n: number, extra: Float64Array): LossResult;
  /** Initial classical parameters (none by default). */
  initialExtra?(): Float64Array;
}

function checkTargets(targets: Float64Array, n: number, name: string): void {
  if (targets.length === 0 || targets.length % n !== 0) throw new InvalidInputError(`${name} targets must be whole rows of ${n} values; got ${targets.length}`);
}

/** Mean over rows of sum_k (p_k - t_k)^2; targets rows x n (e.g. target distributions). */
export function mseLoss(targets: Float64Array, n: number): OutputLoss {
  checkTargets(targets, n, 'mse');
  return {
    name: 'mse',
    fingerprint: `mse:${fingerprint(targets)}`,
    evaluate(p, rows, width) {
      const B = rows.length;
      const grad = new Float64Array(p.length);
      let value = 0;
      for (let r = 0; r < B; r++) {
        const t = rows[r] * width;
        for (let k = 0; k < width; k++) {
          const d = p[r * width + k] - targets[t + k];
          value += d * d;
          grad[r * width + k] = (2 * d) / B;
        }
      }
      return { value: value / B, gradProbabilities: grad };
    },
  };
}

/**
 * Mean over rows of -sum_k t_k log(p_k + eps); targets rows x n (one-hot labels or distributions). eps keeps
 * shot estimates with empty bins finite.
 */
export function crossEntropyLoss(targets: Float64Array, n: number, eps = 1e-9): OutputLoss {
  checkTargets(targets, n, 'cross-entropy');
  return {
    name: 'cross-entropy',
    fingerprint: `cross-entropy:${eps}:${fingerprint(targets)}`,
    evaluate(p, rows, width) {
      const B = rows.length;
      const grad = new Float64Array(p.length);
      let value = 0;
      for (let r = 0; r < B; r++) {
        const t = rows[r] * width;
        for (let k = 0; k < width; k++) {
          const tk = targets[t + k];
          if (tk === 0) continue;
          const pk = p[r * width + k] + eps;
          value -= tk * Math.log(pk);
          grad[r * width + k] = -tk / pk / B;
        }
      }
      return { value: value / B, gradProbabilities: grad };
    },
  };
}

/** One-hot rows x n from class labels in 0..n-1. */
export function oneHot(labels: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(labels.length * n);
  for (let r = 0; r < labels.length; r++) {
    const c = labels[r];
    if (!Number.isInteger(c) || c < 0 || c >= n) throw new InvalidInputError(`label ${r} must be an integer in 0..${n - 1}; got ${c}`);
    out[r * n + c] = 1;
  }
  return out;
}
