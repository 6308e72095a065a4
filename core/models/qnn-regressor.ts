// The hybrid QNN regressor of METHOD.md section 8, the per-column model of `qnn-mice`: the (standardised) predictors
// and a constant feature are padded to n = 2^m and loaded with the tree loader; L butterfly layers, trained layer-wise
// with the parallel shift (core/train), map them to outputs p; p scaled by ||x||^2 gives (W x)_k^2, and a classical
// linear head trained jointly maps those n features to the target.
// - Why a constant feature: (W x)_k^2 is a quadratic form of x, even in x, so a head on it alone cannot express
//   y = x_1. With a constant c in the vector, (w_k . x + c_k)^2 holds the linear term 2 c_k (w_k . x) too, and the loader
//   never meets an all-zero row (a patient at every column's mean).
// - Why this layout: butterfly layer 1 pairs qubit i with i + n/2. The predictors fill the first half and the constant
//   is spread over the second half's free slots, so each predictor meets the constant in the first RBS it passes
//   through: a layer trained alone (layer-wise training) can then give every predictor its linear term. By default
//   n = 2 nextPow2(cols), which gives every predictor its own constant partner. Measured on y = 2 x1 - x2 + 0.5 x3 x4
//   + 0.7 x5 + noise (R^2 ceiling 0.98; 400 rows, 5 to 12 predictors, 5 epochs per layer): R^2 0.96-0.98 with this
//   layout, 0.26-0.76 with one constant slot at the smallest n; a fine-tune of all layers reaches the same from either.
//   The constant's total squared norm equals the predictor count, the expected squared norm of a standardised row.
// - Numeric targets are learnt standardised (prediction = output * ySd + yMean); the head starts at the ridge
//   least-squares fit on the identity circuit's features (all angles 0 at the start of layer-wise training).
// - Categorical targets (the classifier readout): k logits from a linear head on the same n features, softmax and
//   cross-entropy. A classical head rather than reading class probabilities straight off k of the n outputs: the
//   outputs of a unary circuit sum to 1 over n >= k states whatever the class count, so a head calibrates them, and one
//   readout serves regression and classification.
// Runs on any backend (the exact simulator by default); every circuit and shot of the fit and of each prediction is
// counted.
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { IMPUTER_DEFAULTS, MAX_QUBITS, TRAIN_DEFAULTS } from '../limits.ts';
import { fingerprint } from '../hash.ts';
import { deriveSeed } from '../random.ts';
import { modelCircuit, butterflyParameterCount } from '../quantum/butterfly.ts';
import { nextPowerOfTwo } from '../quantum/loaders.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { checkQubits } from '../quantum/validate.ts';
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { trainLayerwise } from '../train/layerwise.ts';
import type { LossResult, OutputLoss } from '../train/losses.ts';
import type { OptimiserKind } from '../train/optimisers.ts';
import {
  argmax,
  decodeSavedArray,
  parseSavedState,
  type ColumnModelSpec,
  type FittedColumnModel,
  type ModelContext,
  type ModelCost,
  type ModelTarget,
  type SavedColumnModel,
} from './column-model.ts';
import { encodeFloat64 } from './typed-json.ts';

export interface QnnRegressorOptions {
  /** Qubits n (a power of two); default the smallest that holds the predictors and the constant feature. */
  qubits?: number;
  /** Butterfly layers; default log2 n. */
  layers?: number;
  epochsPerLayer: number;
  batchSize: number;
  learningRate: number;
  optimiser: OptimiserKind;
  /** Ridge penalty of the head's initial least-squares fit. */
  headRidge: number;
  /**
   * Standardised predictors are clipped to [-clip, clip] before loading: the features are quadratic in x, so one
   * extreme value (pbc's bilirubin, triglycerides) would otherwise dominate a row's prediction.
   */
  clip: number;
  /** Shots per circuit; omitted for exact probabilities. */
  shots?: number;
}

/** qnn-mice's defaults (core/limits.ts), tuned on pbc (see the note of issue 9), with Adam. */
export const QNN_REGRESSOR_DEFAULTS: Readonly<QnnRegressorOptions> = Object.freeze({
  epochsPerLayer: IMPUTER_DEFAULTS.qnnMice.epochsPerLayer,
  batchSize: IMPUTER_DEFAULTS.qnnMice.batchSize,
  learningRate: IMPUTER_DEFAULTS.qnnMice.learningRate,
  optimiser: 'adam',
  headRidge: IMPUTER_DEFAULTS.qnnMice.headRidge,
  clip: IMPUTER_DEFAULTS.qnnMice.clip,
});

/** Where circuits run: a backend (with its shots), or the exact simulator when absent. */
export interface QnnRuntime {
  backend?: QuantumBackend;
  shots?: number;
}

/**
 * The circuit's inputs, rows x n: predictor j at qubit j (the first half; any overflow continues into the second half),
 * the constant spread over the remaining slots of the second half (total squared norm `cols`, at least 1); with the
 * rows' squared norms.
 */
export function qnnInputs(x: Float64Array, rows: number, cols: number, n: number, clip = Infinity): { inputs: Float64Array; norms2: Float64Array } {
  const slots = n - cols;
  const constant = Math.sqrt(Math.max(1, cols) / slots);
  const inputs = new Float64Array(rows * n);
  const norms2 = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = slots * constant * constant;
    for (let j = 0; j < cols; j++) {
      const v = Math.max(-clip, Math.min(clip, x[i * cols + j]));
      inputs[i * n + j] = v;
      s += v * v;
    }
    for (let k = cols; k < n; k++) inputs[i * n + k] = constant;
    norms2[i] = s;
  }
  return { inputs, norms2 };
}

/** The qubits for `cols` predictors plus the constant feature: a requested count checked, else 2 nextPow2(cols). */
export function qnnQubits(cols: number, requested?: number): number {
  const preferred = 2 * Math.max(1, nextPowerOfTwo(cols));
  if (requested === undefined) {
    if (preferred > MAX_QUBITS)
      throw new InvalidInputError(`${cols} predictors need ${preferred} qubits; at most ${MAX_QUBITS} are possible`, { field: 'qubits', value: preferred });
    return preferred;
  }
  checkQubits(requested);
  if (requested < cols + 1) {
    throw new InvalidInputError(
      `${cols} predictors (plus the constant feature) need at least ${cols + 1} qubits; got --qubits ${requested}. Use ${Math.max(2, nextPowerOfTwo(cols + 1))} qubits or more (${preferred} fits best), or exclude columns`,
      { field: 'qubits', value: requested, allowed: `a power of two of at least ${cols + 1}` },
    );
  }
  return requested;
}

/** Head outputs: one (regression) or k logits per row, from features f = ||x||^2 p. */
function headOutputs(p: Float64Array, rowIndex: number, norm2: number, n: number, head: Float64Array, outputs: number, into: Float64Array): void {
  const w = n + 1;
  for (let c = 0; c < outputs; c++) {
    let s = head[c * w + n];
    for (let k = 0; k < n; k++) s += head[c * w + k] * norm2 * p[rowIndex * n + k];
    into[c] = s;
  }
}

/** The hybrid loss: MSE of the head's output (regression) or softmax cross-entropy of its logits (classification). */
export function hybridLoss(y: Float64Array, norms2: Float64Array, n: number, outputs: number, initialHead: Float64Array): OutputLoss {
  const categorical = outputs > 1;
  const w = n + 1;
  return {
    name: categorical ? 'qnn-head-cross-entropy' : 'qnn-head-mse',
    fingerprint: `qnn-head:${outputs}:${fingerprint(y, norms2, initialHead)}`,
    initialExtra: () => initialHead.slice(),
    evaluate(p, rows, width, head): LossResult {
      const B = rows.length;
      const gradProbabilities = new Float64Array(p.length);
      const gradExtra = new Float64Array(head.length);
      const out = new Float64Array(outputs);
      let value = 0;
      for (let r = 0; r < B; r++) {
        const i = rows[r];
        const s = norms2[i];
        headOutputs(p, r, s, width, head, outputs, out);
        if (!categorical) {
          const d = out[0] - y[i];
          value += d * d;
          out[0] = (2 * d) / B;
        } else {
          let max = -Infinity;
          for (let c = 0; c < outputs; c++) if (out[c] > max) max = out[c];
          let sum = 0;
          for (let c = 0; c < outputs; c++) sum += out[c] = Math.exp(out[c] - max);
          value -= Math.log(Math.max(out[y[i]] / sum, 1e-300));
          for (let c = 0; c < outputs; c++) out[c] = (out[c] / sum - (c === y[i] ? 1 : 0)) / B;
        }
        // out[c] is now dL/d(output c) of this row.
        for (let c = 0; c < outputs; c++) {
          const g = out[c];
          if (g === 0) continue;
          for (let k = 0; k < width; k++) {
            const f = s * p[r * width + k];
            gradExtra[c * w + k] += g * f;
            gradProbabilities[r * width + k] += g * head[c * w + k] * s;
          }
          gradExtra[c * w + width] += g;
        }
      }
      return { value: value / B, gradProbabilities, gradExtra };
    },
  };
}

/** Ridge least squares of y on the identity circuit's features x'^2 (plus an intercept): the head's starting point. */
export function initialRegressionHead(inputs: Float64Array, rows: number, n: number, y: Float64Array, ridge: number): Float64Array {
  const w = n + 1;
  // Normal equations on [f, 1] with f_k = ||x'||^2 (x'_k / ||x'||)^2 = x'_k^2.
  const a = new Float64Array(w * w);
  const b = new Float64Array(w);
  const row = new Float64Array(w);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < n; k++) row[k] = inputs[i * n + k] ** 2;
    row[n] = 1;
    for (let u = 0; u < w; u++) {
      b[u] += row[u] * y[i];
      for (let v = u; v < w; v++) a[u * w + v] += row[u] * row[v];
    }
  }
  for (let u = 0; u < w; u++) {
    for (let v = 0; v < u; v++) a[u * w + v] = a[v * w + u];
    if (u < n) a[u * w + u] += ridge * rows;
    else a[u * w + u] += 1e-12 * rows;
  }
  return solveSymmetric(a, b, w);
}

/** Solves A z = b for a symmetric positive definite A (Cholesky); columns with no information get 0. */
function solveSymmetric(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      if (i === j) l[i * m + i] = Math.sqrt(Math.max(s, 1e-300));
      else l[i * m + j] = s / l[j * m + j];
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * z[k];
    z[i] = s / l[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * z[k];
    z[i] = s / l[i * m + i];
  }
  return z;
}

export interface QnnRegressorState {
  qubits: number;
  layers: number;
  cols: number;
  outputs: number;
  clip: number;
  params: Float64Array;
  head: Float64Array;
  yMean: number;
  ySd: number;
}

const stateSchema = z.object({
  qubits: z.number().int().min(2).max(MAX_QUBITS),
  layers: z.number().int().min(1),
  cols: z.number().int().min(0),
  outputs: z.number().int().min(1),
  clip: z.number().positive(),
  params: z.string(),
  head: z.string(),
  yMean: z.number(),
  ySd: z.number().positive(),
});

export class QnnRegressorModel implements FittedColumnModel {
  readonly kind = 'qnn';
  constructor(
    readonly target: ModelTarget,
    readonly state: QnnRegressorState,
    /** Where predictions run; the exact simulator when it has no backend. Chosen at fit or at load time. */
    readonly runtime: QnnRuntime = {},
  ) {}

  /** The same model, predicting on another backend (the paper's pattern: train at 16 qubits, infer on hardware). */
  on(runtime: QnnRuntime): QnnRegressorModel {
    return new QnnRegressorModel(this.target, this.state, runtime);
  }

  /** Outputs p (rows x n) of the circuit on the rows, and what it cost. */
  private async outputs(inputs: Float64Array, rows: number, ctx: ModelContext): Promise<{ p: Float64Array; cost: ModelCost }> {
    const { qubits: n, layers, params } = this.state;
    const { backend, shots } = this.runtime;
    if (!backend) return { p: forwardBatch(inputs, n, layers, params), cost: { circuits: rows, shots: 0 } };
    const circuits = Array.from({ length: rows }, (_, i) => modelCircuit({ qubits: n, layers }, params, inputs.subarray(i * n, i * n + n)));
    const out = await backend.run({ circuits, shots: shots ?? null, seed: deriveSeed(ctx.seed, 0x51ed), signal: ctx.signal, counts: false });
    const p = new Float64Array(rows * n);
    out.forEach((o, i) => p.set(o.probabilities, i * n));
    return { p, cost: { circuits: rows, shots: shots === undefined ? 0 : rows * shots } };
  }

  async predict(x: Float64Array, rows: number, ctx: ModelContext) {
    const { qubits: n, cols, outputs, head, yMean, ySd, clip } = this.state;
    const { inputs, norms2 } = qnnInputs(x, rows, cols, n, clip);
    const { p, cost } = await this.outputs(inputs, rows, ctx);
    const values = new Float64Array(rows);
    const out = new Float64Array(outputs);
    for (let i = 0; i < rows; i++) {
      headOutputs(p, i, norms2[i], n, head, outputs, out);
      values[i] = outputs > 1 ? argmax(out) : out[0] * ySd + yMean;
    }
    return { values, cost };
  }

  toJSON(): SavedColumnModel {
    const s = this.state;
    return { kind: this.kind, state: { ...s, params: encodeFloat64(s.params), head: encodeFloat64(s.head) } };
  }

  static fromJSON(saved: unknown, target: ModelTarget, runtime: QnnRuntime = {}): QnnRegressorModel {
    const s = parseSavedState(stateSchema, saved, 'qnn');
    const params = decodeSavedArray(s.params, butterflyParameterCount(s.qubits, s.layers), 'f64', 'qnn', 'params') as Float64Array;
    const head = decodeSavedArray(s.head, s.outputs * (s.qubits + 1), 'f64', 'qnn', 'head') as Float64Array;
    return new QnnRegressorModel(target, { ...s, params, head }, runtime);
  }
}

/** A qnn model spec: fitted by the layer-wise trainer on `runtime` (the exact simulator by default). */
export function qnnRegressorSpec(options: Partial<QnnRegressorOptions> = {}, runtime: QnnRuntime = {}): ColumnModelSpec {
  const o: QnnRegressorOptions = { ...QNN_REGRESSOR_DEFAULTS, ...options };
  const shots = runtime.shots ?? o.shots;
  return {
    kind: 'qnn',
    recipe: {
      model: 'hybrid-qnn',
      architecture: 'butterfly',
      loader: 'tree',
      method: TRAIN_DEFAULTS.method,
      constantFeature: 'spread over the free slots of the second half, squared norm = predictors',
      qubits: o.qubits ?? 'auto',
      layers: o.layers ?? 'log2(qubits)',
      epochsPerLayer: o.epochsPerLayer,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      optimiser: o.optimiser,
      headRidge: o.headRidge,
      clip: o.clip,
      backend: runtime.backend?.name ?? 'exact simulator',
      shots: shots ?? null,
    },
    standardise: true,
    async fit(data, ctx) {
      const n = qnnQubits(data.cols, o.qubits);
      const layers = o.layers ?? Math.log2(n);
      const { inputs, norms2 } = qnnInputs(data.x, data.rows, data.cols, n, o.clip);
      const categorical = data.target.kind === 'categorical';
      const outputs = categorical ? (data.target as { classes: number }).classes : 1;
      let yMean = 0;
      let ySd = 1;
      let y = data.y;
      let head: Float64Array = new Float64Array(outputs * (n + 1));
      if (!categorical) {
        for (let i = 0; i < data.rows; i++) yMean += data.y[i] / data.rows;
        let v = 0;
        for (let i = 0; i < data.rows; i++) v += (data.y[i] - yMean) ** 2;
        ySd = Math.sqrt(v / Math.max(1, data.rows - 1)) || 1;
        y = data.y.map((t) => (t - yMean) / ySd);
        head = initialRegressionHead(inputs, data.rows, n, y, o.headRidge);
      }
      const result = await trainLayerwise({
        qubits: n,
        layers,
        inputs,
        loss: hybridLoss(y, norms2, n, outputs, head),
        method: 'parallel-shift',
        optimiser: o.optimiser,
        learningRate: o.learningRate,
        epochsPerLayer: o.epochsPerLayer,
        batchSize: o.batchSize,
        seed: ctx.seed,
        shots,
        backend: runtime.backend,
        signal: ctx.signal,
        onProgress:
          ctx.onProgress || ctx.onLoss
            ? (p) => {
                ctx.onProgress?.(p.fraction);
                ctx.onLoss?.(p.loss);
              }
            : undefined,
      });
      const state: QnnRegressorState = {
        qubits: n,
        layers,
        cols: data.cols,
        outputs,
        clip: o.clip,
        params: Float64Array.from(result.params),
        head: Float64Array.from(result.extra),
        yMean,
        ySd,
      };
      return {
        model: new QnnRegressorModel(data.target, state, { backend: runtime.backend, shots }),
        cost: { circuits: result.circuits, shots: shots === undefined ? 0 : result.circuits * shots },
      };
    },
  };
}
