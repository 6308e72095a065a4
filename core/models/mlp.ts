// A small multilayer perceptron per column (the `deep-mice` model, after Samad et al., Knowledge-Based Systems 2022):
// dense layers with ReLU, a linear output (numeric target, standardised inside the model) or a softmax over the
// classes (categorical target), He-uniform initialisation from the seeded RNG, mini-batch Adam (core/train's
// optimiser), and early stopping on a held-out tenth of the rows: training stops when the held-out loss has not
// improved for `patience` epochs, and the best weights are kept. Hand-written: a few thousand weights trained on a
// few hundred rows, where typed-array loops beat any tensor library's overhead and stay deterministic.
import { z } from 'zod';
import { shuffle } from '../random.ts';
import { createOptimiserState, optimiserStep } from '../train/optimisers.ts';
import {
  argmax,
  type ColumnModelSpec,
  type FittedColumnModel,
  type ModelContext,
  type ModelTarget,
  type SavedColumnModel,
  ZERO_COST,
  decodeSavedArray,
  parseSavedState,
} from './column-model.ts';
import { Pacer } from '../pacer.ts';
import { encodeFloat64 } from './typed-json.ts';

export interface MlpOptions {
  /** Units of each hidden layer. */
  hidden: number[];
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without improvement of the held-out loss before stopping. */
  patience: number;
  /** Share of the rows held out for early stopping (none when fewer than 10 rows). */
  validationFraction: number;
  /** L2 penalty on the weights (not the biases), added to the gradient as weightDecay x w. */
  weightDecay: number;
}

export interface MlpNetwork {
  /** Units per layer, input first. */
  sizes: number[];
  /** Per layer: W (out x in, row-major) then b (out). */
  params: Float64Array;
  /** Numeric targets are learnt standardised: prediction = output * ySd + yMean. */
  yMean: number;
  ySd: number;
  target: ModelTarget;
  /** Epochs run (including the patience epochs after the best one). */
  epochs: number;
  bestEpoch: number;
}

function paramCount(sizes: number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l + 1] * (sizes[l] + 1);
  return n;
}

/** Forward pass of one row into `acts` (one buffer per layer); returns the output layer's buffer. */
function forward(net: Pick<MlpNetwork, 'sizes' | 'params'>, x: Float64Array, offset: number, acts: Float64Array[]): Float64Array {
  const { sizes, params } = net;
  acts[0].set(x.subarray(offset, offset + sizes[0]));
  let p = 0;
  const last = sizes.length - 2;
  for (let l = 0; l <= last; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const a = acts[l];
    const z = acts[l + 1];
    const bias = p + nout * nin;
    for (let o = 0; o < nout; o++) {
      let s = params[bias + o];
      const w = p + o * nin;
      for (let i = 0; i < nin; i++) s += params[w + i] * a[i];
      z[o] = l < last && s < 0 ? 0 : s;
    }
    p = bias + nout;
  }
  return acts[last + 1];
}

/** Loss of one output and turns `out` into dL/d(output) in place: squared error, or softmax cross-entropy. */
function lossAndDelta(out: Float64Array, y: number, categorical: boolean): number {
  if (!categorical) {
    const d = out[0] - y;
    out[0] = d;
    return 0.5 * d * d;
  }
  let max = -Infinity;
  for (let c = 0; c < out.length; c++) if (out[c] > max) max = out[c];
  let sum = 0;
  for (let c = 0; c < out.length; c++) sum += out[c] = Math.exp(out[c] - max);
  const loss = -Math.log(Math.max(out[y] / sum, 1e-300));
  for (let c = 0; c < out.length; c++) out[c] = out[c] / sum - (c === y ? 1 : 0);
  return loss;
}

export async function fitMlp(
  x: Float64Array,
  rows: number,
  cols: number,
  y: Float64Array,
  target: ModelTarget,
  options: MlpOptions,
  ctx: ModelContext,
): Promise<MlpNetwork> {
  const categorical = target.kind === 'categorical';
  const sizes = [cols, ...options.hidden, categorical ? target.classes : 1];
  const rng = ctx.rng;
  const params = new Float64Array(paramCount(sizes));
  const isWeight = new Uint8Array(params.length);
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = Math.sqrt(6 / Math.max(1, sizes[l]));
    const nw = sizes[l + 1] * sizes[l];
    for (let k = 0; k < nw; k++) {
      params[p + k] = rng.uniform(-bound, bound);
      isWeight[p + k] = 1;
    }
    p += nw + sizes[l + 1];
  }
  let yMean = 0;
  let ySd = 1;
  if (!categorical) {
    for (let i = 0; i < rows; i++) yMean += y[i] / rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (y[i] - yMean) ** 2;
    ySd = Math.sqrt(v / rows) || 1;
  }
  const yt = Float64Array.from(y, (v) => (categorical ? v : (v - yMean) / ySd));

  // Held-out rows for early stopping.
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  shuffle(rng, order);
  const nVal = rows >= 10 ? Math.max(1, Math.round(rows * options.validationFraction)) : 0;
  const val = order.subarray(0, nVal);
  const train = Int32Array.from(order.subarray(nVal));

  const net = { sizes, params };
  const acts = sizes.map((s) => new Float64Array(s));
  const deltas = sizes.map((s) => new Float64Array(s));
  const grad = new Float64Array(params.length);
  const state = createOptimiserState('adam', params.length);
  const adam = { kind: 'adam' as const, learningRate: options.learningRate };
  const pacer = new Pacer(ctx.signal);
  let best = params.slice();
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epochs = 0;
  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    await pacer.tick();
    epochs = epoch;
    shuffle(rng, train);
    for (let start = 0; start < train.length; start += options.batchSize) {
      const end = Math.min(train.length, start + options.batchSize);
      batchGradient(net, x, yt, train.subarray(start, end), categorical, grad, acts, deltas);
      if (options.weightDecay > 0) for (let k = 0; k < params.length; k++) if (isWeight[k]) grad[k] += options.weightDecay * params[k];
      optimiserStep(adam, state, params, grad);
    }
    if (nVal === 0) continue;
    let loss = 0;
    for (const i of val) loss += lossAndDelta(forward(net, x, i * cols, acts), yt[i], categorical);
    loss /= nVal;
    ctx.onLoss?.(loss);
    if (loss < bestLoss - 1e-9) {
      bestLoss = loss;
      best = params.slice();
      bestEpoch = epoch;
    } else if (epoch - bestEpoch >= options.patience) break;
    ctx.onProgress?.(epoch / options.maxEpochs);
  }
  return { sizes, params: nVal > 0 ? best : params, yMean, ySd, target, epochs, bestEpoch: nVal > 0 ? bestEpoch : epochs };
}

/** Mean loss over the rows `batch` of x, and its gradient into `grad` (overwritten). */
export function batchGradient(
  net: Pick<MlpNetwork, 'sizes' | 'params'>,
  x: Float64Array,
  y: Float64Array,
  batch: Int32Array,
  categorical: boolean,
  grad: Float64Array,
  acts = net.sizes.map((s) => new Float64Array(s)),
  deltas = net.sizes.map((s) => new Float64Array(s)),
): number {
  grad.fill(0);
  let loss = 0;
  for (const i of batch) {
    const out = forward(net, x, i * net.sizes[0], acts);
    loss += lossAndDelta(out, y[i], categorical);
    backward(net, acts, deltas, out, grad);
  }
  const scale = 1 / batch.length;
  for (let k = 0; k < grad.length; k++) grad[k] *= scale;
  return loss * scale;
}

/** Accumulates the gradient of one row into `grad`; `out` holds dL/d(output). */
function backward(net: Pick<MlpNetwork, 'sizes' | 'params'>, acts: Float64Array[], deltas: Float64Array[], out: Float64Array, grad: Float64Array): void {
  const { sizes, params } = net;
  const layers = sizes.length - 1;
  const offsets: number[] = [];
  let p = 0;
  for (let l = 0; l < layers; l++) {
    offsets.push(p);
    p += sizes[l + 1] * (sizes[l] + 1);
  }
  deltas[layers].set(out);
  for (let l = layers - 1; l >= 0; l--) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const w = offsets[l];
    const bias = w + nout * nin;
    const d = deltas[l + 1];
    const a = acts[l];
    const prev = deltas[l];
    if (l > 0) prev.fill(0);
    for (let o = 0; o < nout; o++) {
      const dv = d[o];
      if (dv === 0) continue;
      grad[bias + o] += dv;
      const row = w + o * nin;
      for (let i = 0; i < nin; i++) {
        grad[row + i] += dv * a[i];
        if (l > 0) prev[i] += dv * params[row + i];
      }
    }
    // ReLU: no gradient where the unit was off.
    if (l > 0) for (let i = 0; i < nin; i++) if (a[i] <= 0) prev[i] = 0;
  }
}

export function mlpPredict(net: MlpNetwork, x: Float64Array, rows: number): Float64Array {
  const acts = net.sizes.map((s) => new Float64Array(s));
  const out = new Float64Array(rows);
  const categorical = net.target.kind === 'categorical';
  for (let i = 0; i < rows; i++) {
    const o = forward(net, x, i * net.sizes[0], acts);
    out[i] = categorical ? argmax(o) : o[0] * net.ySd + net.yMean;
  }
  return out;
}

const stateSchema = z.object({
  sizes: z.array(z.number().int().min(0)).min(2),
  params: z.string(),
  yMean: z.number(),
  ySd: z.number(),
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
});

export class MlpModel implements FittedColumnModel {
  readonly kind = 'mlp';
  constructor(readonly net: MlpNetwork) {}

  get target(): ModelTarget {
    return this.net.target;
  }

  async predict(x: Float64Array, rows: number) {
    return { values: mlpPredict(this.net, x, rows), cost: ZERO_COST };
  }

  toJSON(): SavedColumnModel {
    const { sizes, params, yMean, ySd, epochs, bestEpoch } = this.net;
    return { kind: this.kind, state: { sizes, params: encodeFloat64(params), yMean, ySd, epochs, bestEpoch } };
  }

  static fromJSON(state: unknown, target: ModelTarget): MlpModel {
    const s = parseSavedState(stateSchema, state, 'mlp');
    const params = decodeSavedArray(s.params, paramCount(s.sizes), 'f64', 'mlp', 'params') as Float64Array;
    return new MlpModel({ ...s, params, target });
  }
}

/** An MLP for one column (deep-mice's defaults are IMPUTER_DEFAULTS.deepMice in core/limits.ts). */
export function mlpSpec(options: MlpOptions): ColumnModelSpec {
  const o: MlpOptions = {
    hidden: [...options.hidden],
    maxEpochs: options.maxEpochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    patience: options.patience,
    validationFraction: options.validationFraction,
    weightDecay: options.weightDecay,
  };
  return {
    kind: 'mlp',
    recipe: { model: 'mlp', activation: 'relu', optimiser: 'adam', init: 'he-uniform', ...o },
    standardise: true,
    async fit(data, ctx) {
      return { model: new MlpModel(await fitMlp(data.x, data.rows, data.cols, data.y, data.target, o, ctx)), cost: ZERO_COST };
    },
  };
}
