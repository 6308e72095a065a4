import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createQuantumBackend, resolveBackend } from '../hardware/registry.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { hybridLoss, qnnInputs, qnnQubits, qnnRegressorSpec, QnnRegressorModel } from './qnn-regressor.ts';
import type { FitData, ModelContext } from './column-model.ts';

const ctx = (seed = 1): ModelContext => ({ rng: createRng(seed), seed });

/** rows x cols standard normal predictors and y = f(x) + noise. */
function regression(rows: number, cols: number, f: (x: Float64Array, i: number) => number, noise = 0.05, seed = 3): FitData {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: rows * cols }, () => rng.normal());
  const y = Float64Array.from({ length: rows }, (_, i) => f(x, i) + noise * rng.normal());
  return { x, rows, cols, y, target: { kind: 'numeric' } };
}

function r2(pred: Float64Array, y: Float64Array): number {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (pred[i] - y[i]) ** 2;
    st += (y[i] - mean) ** 2;
  }
  return 1 - ss / st;
}

describe('hybrid QNN regressor', () => {
  it('the hybrid loss gradients (dL/dp and dL/dhead) match central finite differences, regression and classification', () => {
    const n = 4;
    const rng = createRng(5);
    const p = Float64Array.from({ length: 3 * n }, () => rng.uniform(0, 1));
    const norms2 = Float64Array.of(2, 3.5, 1.2);
    const rows = Int32Array.of(1, 0, 2);
    for (const outputs of [1, 3]) {
      const y = outputs === 1 ? Float64Array.of(0.3, -1.2, 0.8) : Float64Array.of(2, 0, 1);
      const head = Float64Array.from({ length: outputs * (n + 1) }, () => rng.uniform(-1, 1));
      const loss = hybridLoss(y, norms2, n, outputs, head);
      const ev = loss.evaluate(p, rows, n, head);
      const h = 1e-6;
      for (let k = 0; k < p.length; k++) {
        const a = p.slice();
        a[k] += h;
        const b = p.slice();
        b[k] -= h;
        const fd = (loss.evaluate(a, rows, n, head).value - loss.evaluate(b, rows, n, head).value) / (2 * h);
        expect(Math.abs(ev.gradProbabilities[k] - fd)).toBeLessThan(1e-6);
      }
      for (let k = 0; k < head.length; k++) {
        const a = head.slice();
        a[k] += h;
        const b = head.slice();
        b[k] -= h;
        const fd = (loss.evaluate(p, rows, n, a).value - loss.evaluate(p, rows, n, b).value) / (2 * h);
        expect(Math.abs(ev.gradExtra![k] - fd)).toBeLessThan(1e-6);
      }
    }
  });

  it('loads the predictors in the first half and the constant in the free slots, scaled by the squared norm', () => {
    // 2 predictors on 4 qubits: the constant (total squared norm 2) fills slots 2 and 3, each 1; layer 1 pairs 0-2, 1-3.
    const { inputs, norms2 } = qnnInputs(Float64Array.of(1, -2, 0, 3), 2, 2, 4);
    expect(Array.from(inputs)).toEqual([1, -2, 1, 1, 0, 3, 1, 1]);
    expect(Array.from(norms2)).toEqual([7, 11]);
    // 3 predictors on 4 qubits: one slot holds the whole constant (squared norm 3).
    const three = qnnInputs(Float64Array.of(1, 1, 1), 1, 3, 4);
    expect(three.inputs[3]).toBeCloseTo(Math.sqrt(3), 15);
    expect(three.norms2[0]).toBeCloseTo(6, 14);
    // At theta = 0 (identity) the features ||x||^2 p_k are the squares of the loaded vector.
    const p = forwardBatch(inputs, 4, 2, new Float64Array(4));
    for (let k = 0; k < 4; k++) expect(p[k] * norms2[0]).toBeCloseTo(inputs[k] ** 2, 12);
    // Standardised predictors beyond the clip are clipped (the features are quadratic in them).
    const clipped = qnnInputs(Float64Array.of(100, -50), 1, 2, 4, 2);
    expect(Array.from(clipped.inputs)).toEqual([2, -2, 1, 1]);
    expect(clipped.norms2[0]).toBe(10);
    expect([qnnQubits(1), qnnQubits(3), qnnQubits(5), qnnQubits(16), qnnQubits(17)]).toEqual([4, 8, 16, 32, 64]);
    expect(qnnQubits(16, 32)).toBe(32);
    expect(() => qnnQubits(16, 16)).toThrow(/16 predictors \(plus the constant feature\) need at least 17 qubits; got --qubits 16/);
    expect(() => qnnQubits(3, 12)).toThrow(/power of two/);
  });

  it('learns a linear relation (the constant feature gives the head linear terms) and improves on its starting head', async () => {
    const data = regression(400, 5, (x, i) => 2 * x[i * 5] - x[i * 5 + 1] + 0.5 * x[i * 5 + 2] * x[i * 5 + 3]);
    const fit = await qnnRegressorSpec({ epochsPerLayer: 6 }).fit(data, ctx());
    const pred = await fit.model.predict(data.x, data.rows, ctx());
    expect(r2(pred.values, data.y)).toBeGreaterThan(0.95);
    // Circuits: the trainer's 4 per sample per step, 400 samples x 6 epochs x 4 layers (16 qubits); exact: no shots.
    expect(fit.cost).toEqual({ circuits: 4 * 400 * 6 * 4, shots: 0 });
    const untrained = await qnnRegressorSpec({ epochsPerLayer: 1, learningRate: 1e-9 }).fit(data, ctx());
    const before = await untrained.model.predict(data.x, data.rows, ctx());
    expect(r2(pred.values, data.y)).toBeGreaterThan(r2(before.values, data.y));
  });

  it('classifies separable classes through the softmax head', async () => {
    const rng = createRng(9);
    const rows = 300;
    const x = Float64Array.from({ length: rows * 3 }, () => rng.normal());
    const y = Float64Array.from({ length: rows }, (_, i) => (x[i * 3] > 0.5 ? 2 : x[i * 3] < -0.5 ? 0 : 1));
    const fit = await qnnRegressorSpec({ epochsPerLayer: 8, learningRate: 0.1 }).fit(
      { x, rows, cols: 3, y, target: { kind: 'categorical', classes: 3 } },
      ctx(),
    );
    const pred = await fit.model.predict(x, rows, ctx());
    let right = 0;
    for (let i = 0; i < rows; i++) right += pred.values[i] === y[i] ? 1 : 0;
    expect(right / rows).toBeGreaterThan(0.85);
    expect(pred.values.every((v) => v === 0 || v === 1 || v === 2)).toBe(true);
  });

  it('is saved and loaded without refitting, and predicts on another backend, counting its circuits and shots', async () => {
    const data = regression(120, 3, (x, i) => x[i * 3] - x[i * 3 + 2]);
    const fit = await qnnRegressorSpec({ epochsPerLayer: 2 }).fit(data, ctx());
    const saved = JSON.parse(JSON.stringify(fit.model.toJSON()));
    const loaded = QnnRegressorModel.fromJSON(saved.state, { kind: 'numeric' });
    const a = await fit.model.predict(data.x, data.rows, ctx());
    const b = await loaded.predict(data.x, data.rows, ctx());
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(a.cost).toEqual({ circuits: 120, shots: 0 });
    // The exact backend through the registry gives the same numbers; shots give an estimate and count every shot.
    const ideal = await loaded.on({ backend: createQuantumBackend(resolveBackend('ideal')) }).predict(data.x, data.rows, ctx());
    ideal.values.forEach((v, i) => expect(Math.abs(v - a.values[i])).toBeLessThan(1e-9));
    const shots = await loaded.on({ backend: createQuantumBackend(resolveBackend('ideal-shots')), shots: 2000 }).predict(data.x, data.rows, ctx());
    expect(shots.cost).toEqual({ circuits: 120, shots: 240_000 });
    expect(r2(shots.values, a.values)).toBeGreaterThan(0.9);
    expect(() => QnnRegressorModel.fromJSON({ ...saved.state, head: 'AAAA' }, { kind: 'numeric' })).toThrow(/state\.head does not hold 9 numbers/);
  });

  it('is seeded: the same seed gives the same model', async () => {
    const data = regression(80, 3, (x, i) => x[i * 3]);
    const a = await qnnRegressorSpec({ epochsPerLayer: 2, shots: 100 }).fit(data, ctx(4));
    const b = await qnnRegressorSpec({ epochsPerLayer: 2, shots: 100 }).fit(data, ctx(4));
    expect(a.model.toJSON()).toEqual(b.model.toJSON());
    expect(a.cost.shots).toBe(a.cost.circuits * 100);
  });
});
