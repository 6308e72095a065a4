// First-order optimisers over a flat vector of trainable values. The state is plain JSON (checkpoints carry it).
import { InvalidInputError } from '../errors.ts';

export type OptimiserKind = 'sgd' | 'adam';
export const OPTIMISERS: readonly OptimiserKind[] = ['sgd', 'adam'];

export interface OptimiserOptions {
  kind: OptimiserKind;
  learningRate: number;
  /** SGD momentum (default 0). */
  momentum?: number;
  /** Adam moment decays and epsilon (defaults 0.9, 0.999, 1e-8). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface OptimiserState {
  kind: OptimiserKind;
  /** Steps taken. */
  t: number;
  /** First moment (Adam) or velocity (SGD with momentum). */
  m: number[];
  /** Second moment (Adam only). */
  v: number[];
}

export function createOptimiserState(kind: OptimiserKind, size: number): OptimiserState {
  return { kind, t: 0, m: new Array<number>(size).fill(0), v: kind === 'adam' ? new Array<number>(size).fill(0) : [] };
}

/** One step, in place on `values`, descending `gradient`. */
export function optimiserStep(options: OptimiserOptions, state: OptimiserState, values: Float64Array, gradient: ArrayLike<number>): void {
  if (values.length !== gradient.length || state.m.length !== values.length) {
    throw new InvalidInputError(`optimiser: ${values.length} values, ${gradient.length} gradient entries and a state of ${state.m.length} do not match`);
  }
  const lr = options.learningRate;
  state.t++;
  if (options.kind === 'sgd') {
    const mu = options.momentum ?? 0;
    for (let k = 0; k < values.length; k++) {
      state.m[k] = mu * state.m[k] + gradient[k];
      values[k] -= lr * state.m[k];
    }
    return;
  }
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const c1 = 1 - b1 ** state.t;
  const c2 = 1 - b2 ** state.t;
  for (let k = 0; k < values.length; k++) {
    const g = gradient[k];
    state.m[k] = b1 * state.m[k] + (1 - b1) * g;
    state.v[k] = b2 * state.v[k] + (1 - b2) * g * g;
    values[k] -= (lr * (state.m[k] / c1)) / (Math.sqrt(state.v[k] / c2) + eps);
  }
}
