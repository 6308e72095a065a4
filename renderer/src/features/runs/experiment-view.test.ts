import { expect, it } from 'vitest';
import { columnNrmse, finishedSeeds, methodRows, methodTraces, seedValues, tracedMethods, type SeedScores } from './experiment-view.ts';

const col = (column: string, nrmse: number | null) => ({ column, kind: 'numeric' as const, cells: 10, rmse: null, nrmse, wasserstein: null, pfc: null });
const result = (method: string, seed: number, nrmse: number, auc: number | null, bili: number, traces?: SeedScores['traces']): SeedScores => ({
  method,
  seed,
  nrmse,
  auc,
  seconds: seed,
  circuits: method === 'qnn-mice' ? 1000 * seed : 0,
  shots: 0,
  columns: [col('bili', bili), col('sex', null)],
  traces,
});
const results = [
  result('mean', 1, 1.0, 0.7, 1.2),
  result('qnn-mice', 1, 0.8, 0.75, 0.9, [
    { cycle: 1, column: 'bili', mean: 1, sd: 0.1 },
    { cycle: 2, column: 'bili', mean: 1.1, sd: 0.1 },
  ]),
  result('mean', 2, 1.2, null, 1.4),
];

it('summarises each method over its seeds by hand-checked means and sample sds', () => {
  const rows = methodRows(results);
  expect(rows.map((r) => r.method)).toEqual(['mean', 'qnn-mice']);
  // mean: NRMSE 1.0 and 1.2 -> mean 1.1, sd sqrt(((−0.1)² + 0.1²) / 1) = 0.1414...; AUC only seed 1 -> sd null.
  expect(rows[0].nrmse.mean).toBeCloseTo(1.1, 12);
  expect(rows[0].nrmse.sd).toBeCloseTo(Math.SQRT2 / 10, 12);
  expect(rows[0].auc).toEqual({ mean: 0.7, sd: null });
  expect(rows[1]).toMatchObject({ quantum: true, seeds: 1, circuits: 1000, nrmse: { mean: 0.8, sd: null } });
});

it('knows which seeds have every method, and gives the per-seed values, columns and traces', () => {
  expect([...finishedSeeds(results, 2)]).toEqual([1]);
  expect(seedValues(results, 'auc')).toEqual([
    { group: 'mean', seed: 1, value: 0.7 },
    { group: 'qnn-mice', seed: 1, value: 0.75 },
    { group: 'mean', seed: 2, value: null },
  ]);
  const bars = columnNrmse(results);
  // sex has no NRMSE (categorical): no bar group for it.
  expect(bars.columns).toEqual(['bili']);
  expect(bars.groups[0].mean[0]).toBeCloseTo(1.3, 12);
  expect(bars.groups[1]).toMatchObject({ label: 'qnn-mice', quantum: true, mean: [0.9], sd: [null] });
  expect(tracedMethods(results)).toEqual(['qnn-mice']);
  expect(methodTraces(results, 'qnn-mice')).toEqual([{ label: 'seed 1', points: results[1].traces }]);
});
