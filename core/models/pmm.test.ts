import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { PmmModel, fitPmm, pmmPredict } from './pmm.ts';

describe('predictive mean matching', () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const x = Float64Array.from(xs);
  const y = Float64Array.from(xs, (v) => 3 * v + 1 + 0.01 * Math.sin(7 * v));

  it('with one donor and an exact linear relation, takes the observed value of the nearest row', () => {
    const state = fitPmm(x, 10, 1, y, 1);
    const out = pmmPredict(state, Float64Array.from([2.2, 7.9, 20]), 3, { rng: createRng(1) });
    expect(Array.from(out)).toEqual([y[1], y[7], y[9]]);
  });

  it('only ever imputes observed values, among the k nearest, and is seeded', () => {
    const state = fitPmm(x, 10, 1, y, 3);
    const query = Float64Array.from({ length: 200 }, (_, i) => 4 + (i % 3) * 0.01);
    const a = pmmPredict(state, query, 200, { rng: createRng(5) });
    const b = pmmPredict(state, query, 200, { rng: createRng(5) });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(new Set(a)).toEqual(new Set([y[2], y[3], y[4]]));
  });

  it('survives a JSON round trip', async () => {
    const model = new PmmModel(fitPmm(x, 10, 1, y, 5));
    const loaded = PmmModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())).state);
    const q = Float64Array.from([3.3, 6.1]);
    expect(Array.from((await loaded.predict(q, 2, { rng: createRng(2), seed: 2 })).values)).toEqual(
      Array.from((await model.predict(q, 2, { rng: createRng(2), seed: 2 })).values),
    );
  });
});
