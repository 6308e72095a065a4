import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../random.ts';
import { RandomForestModel, fitForest, forestPredict } from './random-forest.ts';

function blobs(seed: number, rows: number) {
  const rng = createRng(seed);
  const x = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  const cls = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = rng.uniform(-3, 3);
    const b = rng.uniform(-3, 3);
    x.set([a, b, rng.normal()], i * 3);
    y[i] = Math.sin(a) + 0.5 * b + 0.1 * rng.normal();
    cls[i] = a + b > 0.5 ? 1 : 0;
  }
  return { x, y, cls };
}

describe('random forest', () => {
  it.each([1, 2, 3, 4, 5, 6])('a stump finds the split an exhaustive search finds on the same bootstrap sample (seed %i)', async (seed) => {
    const { x, y } = blobs(seed + 100, 40);
    const forest = await fitForest(x, 40, 3, y, { kind: 'numeric' }, { trees: 1, mtry: 3, nodesize: 39 }, { seed });
    // The same bootstrap draw as the forest's tree 0.
    const rng = createRng(deriveSeed(seed, 0));
    const counts = new Array(40).fill(0);
    for (let d = 0; d < 40; d++) counts[rng.int(40)]++;
    let best = { sse: Infinity, feature: -1, threshold: 0 };
    for (let f = 0; f < 3; f++) {
      const values = [
        ...new Set(
          Array.from({ length: 40 }, (_, i) => i)
            .filter((i) => counts[i] > 0)
            .map((i) => x[i * 3 + f]),
        ),
      ].sort((a, b) => a - b);
      for (let k = 0; k + 1 < values.length; k++) {
        const t = (values[k] + values[k + 1]) / 2;
        let sse = 0;
        for (const side of [true, false]) {
          let n = 0,
            s = 0,
            s2 = 0;
          for (let i = 0; i < 40; i++)
            if (counts[i] > 0 && x[i * 3 + f] <= t === side) {
              n += counts[i];
              s += counts[i] * y[i];
              s2 += counts[i] * y[i] * y[i];
            }
          sse += s2 - (s * s) / n;
        }
        if (sse < best.sse - 1e-12) best = { sse, feature: f, threshold: t };
      }
    }
    const tree = forest.trees[0];
    expect(tree.left.length).toBe(3);
    expect(tree.feature[0]).toBe(best.feature);
    expect(tree.value[0]).toBeCloseTo(best.threshold, 12);
  });

  it('regression: learns a smooth function, and the out-of-bag error estimates the test error', async () => {
    const train = blobs(1, 400);
    const test = blobs(2, 400);
    const forest = await fitForest(train.x, 400, 3, train.y, { kind: 'numeric' }, { trees: 100, mtry: 1, nodesize: 5 }, { seed: 5 });
    const pred = forestPredict(forest, test.x, 400);
    let mse = 0,
      variance = 0,
      mean = 0;
    for (let i = 0; i < 400; i++) mean += test.y[i] / 400;
    for (let i = 0; i < 400; i++) {
      mse += (pred[i] - test.y[i]) ** 2 / 400;
      variance += (test.y[i] - mean) ** 2 / 400;
    }
    expect(mse / variance).toBeLessThan(0.1);
    expect(forest.oobError / mse).toBeGreaterThan(0.6);
    expect(forest.oobError / mse).toBeLessThan(1.6);
  });

  it('classification: majority vote separates two classes; OOB error is a misclassification rate', async () => {
    const train = blobs(1, 300);
    const test = blobs(2, 300);
    const forest = await fitForest(train.x, 300, 3, train.cls, { kind: 'categorical', classes: 2 }, { trees: 50, mtry: 2, nodesize: 5 }, { seed: 5 });
    const pred = forestPredict(forest, test.x, 300);
    const errors = pred.reduce((s, v, i) => s + (v === test.cls[i] ? 0 : 1), 0) / 300;
    expect(errors).toBeLessThan(0.1);
    expect(forest.oobError).toBeGreaterThanOrEqual(0);
    expect(forest.oobError).toBeLessThan(0.15);
    expect(new Set(pred)).toEqual(new Set([0, 1]));
  });

  it('is seeded, survives a JSON round trip, and refuses damaged trees', async () => {
    const { x, y } = blobs(4, 100);
    const a = await fitForest(x, 100, 3, y, { kind: 'numeric' }, { trees: 10, mtry: 1, nodesize: 1 }, { seed: 9 });
    const b = await fitForest(x, 100, 3, y, { kind: 'numeric' }, { trees: 10, mtry: 1, nodesize: 1 }, { seed: 9 });
    const c = await fitForest(x, 100, 3, y, { kind: 'numeric' }, { trees: 10, mtry: 1, nodesize: 1 }, { seed: 10 });
    expect(Array.from(forestPredict(a, x, 100))).toEqual(Array.from(forestPredict(b, x, 100)));
    expect(Array.from(forestPredict(a, x, 100))).not.toEqual(Array.from(forestPredict(c, x, 100)));
    const saved = JSON.parse(JSON.stringify(new RandomForestModel(a).toJSON()));
    const loaded = RandomForestModel.fromJSON(saved.state, { kind: 'numeric' });
    expect(Array.from((await loaded.predict(x, 100)).values)).toEqual(Array.from(forestPredict(a, x, 100)));
    saved.state.trees[3].left = saved.state.trees[3].left.slice(0, -4);
    expect(() => RandomForestModel.fromJSON(saved.state, { kind: 'numeric' })).toThrow(/state\.trees\.3\.left/);
  });

  it('stops between trees when aborted', async () => {
    const { x, y } = blobs(4, 100);
    const ctl = new AbortController();
    ctl.abort();
    await expect(fitForest(x, 100, 3, y, { kind: 'numeric' }, { trees: 10, mtry: 1, nodesize: 1 }, { seed: 1, signal: ctl.signal })).rejects.toThrow(
      /cancelled/,
    );
  });
});
