import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { MlpModel, batchGradient, fitMlp, mlpPredict, type MlpOptions } from './mlp.ts';

const ctx = (seed: number) => ({ rng: createRng(seed), seed });

function data(seed: number, rows: number) {
  const rng = createRng(seed);
  const x = new Float64Array(rows * 4);
  const y = new Float64Array(rows);
  const cls = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    x.set(v, i * 4);
    y[i] = 3 + 2 * v[0] - v[1] + 0.5 * Math.abs(v[2]) + 0.1 * rng.normal();
    cls[i] = v[0] > 0.5 ? 2 : v[1] > 0 ? 1 : 0;
  }
  return { x, y, cls };
}

const options: MlpOptions = { hidden: [16, 8], maxEpochs: 300, batchSize: 32, learningRate: 0.003, patience: 10, validationFraction: 0.1, weightDecay: 0 };

describe('MLP', () => {
  it.each([false, true])('back-propagation matches finite differences (categorical: %s)', (categorical) => {
    const rng = createRng(3);
    const sizes = [4, 5, 3, categorical ? 3 : 1];
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l + 1] * (sizes[l] + 1);
    const params = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
    const { x, y, cls } = data(1, 6);
    const target = categorical ? cls : y;
    const batch = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const grad = new Float64Array(n);
    batchGradient({ sizes, params }, x, target, batch, categorical, grad);
    const scratch = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const h = 1e-6;
      const up = params.slice();
      up[k] += h;
      const down = params.slice();
      down[k] -= h;
      const numeric =
        (batchGradient({ sizes, params: up }, x, target, batch, categorical, scratch) -
          batchGradient({ sizes, params: down }, x, target, batch, categorical, scratch)) /
        (2 * h);
      expect(grad[k]).toBeCloseTo(numeric, 6);
    }
  });

  it('regression: fits a noisy function far better than the mean, stopping early', async () => {
    const train = data(1, 300);
    const test = data(2, 300);
    const net = await fitMlp(train.x, 300, 4, train.y, { kind: 'numeric' }, options, ctx(1));
    const pred = mlpPredict(net, test.x, 300);
    const mean = test.y.reduce((s, v) => s + v, 0) / 300;
    let mse = 0,
      variance = 0;
    for (let i = 0; i < 300; i++) {
      mse += (pred[i] - test.y[i]) ** 2;
      variance += (test.y[i] - mean) ** 2;
    }
    expect(mse / variance).toBeLessThan(0.05);
    expect(net.epochs).toBeLessThan(options.maxEpochs);
    expect(net.epochs - net.bestEpoch).toBe(options.patience);
  });

  it('classification: predicts valid classes, mostly right', async () => {
    const train = data(1, 300);
    const test = data(2, 300);
    const net = await fitMlp(train.x, 300, 4, train.cls, { kind: 'categorical', classes: 3 }, options, ctx(1));
    const pred = mlpPredict(net, test.x, 300);
    const accuracy = pred.reduce((s, v, i) => s + (v === test.cls[i] ? 1 : 0), 0) / 300;
    expect(accuracy).toBeGreaterThan(0.85);
    expect(pred.every((v) => v === 0 || v === 1 || v === 2)).toBe(true);
  });

  it('is seeded and survives a JSON round trip', async () => {
    const { x, y } = data(4, 100);
    const small = { ...options, maxEpochs: 20 };
    const a = await fitMlp(x, 100, 4, y, { kind: 'numeric' }, small, ctx(7));
    const b = await fitMlp(x, 100, 4, y, { kind: 'numeric' }, small, ctx(7));
    const c = await fitMlp(x, 100, 4, y, { kind: 'numeric' }, small, ctx(8));
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
    const loaded = MlpModel.fromJSON(JSON.parse(JSON.stringify(new MlpModel(a).toJSON())).state, { kind: 'numeric' });
    expect(Array.from((await loaded.predict(x, 100)).values)).toEqual(Array.from(mlpPredict(a, x, 100)));
    expect(() => MlpModel.fromJSON({ ...(new MlpModel(a).toJSON().state as object), params: 'AAAA' }, { kind: 'numeric' })).toThrow(/state\.params/);
  });

  it('stops when aborted', async () => {
    const { x, y } = data(4, 100);
    const ctl = new AbortController();
    ctl.abort();
    await expect(fitMlp(x, 100, 4, y, { kind: 'numeric' }, options, { ...ctx(1), signal: ctl.signal })).rejects.toThrow(/cancelled/);
  });
});
