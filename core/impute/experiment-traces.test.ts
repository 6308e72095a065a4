// An experiment keeps each chained imputer's convergence traces with its (method, seed) result, for the run page's
// convergence chart: the imputed means per cycle and column, as the imputer computed them when fitted alone.
import { expect, it } from 'vitest';
import { maskTable } from './masking.ts';
import { fitImputer } from './imputer.ts';
import { resolveExperiment, runExperimentSeed } from './experiment.ts';
import { syntheticIcu } from './synthetic-icu.ts';

it('a result carries the traces of its fit, one entry per column and cycle', async () => {
  const table = syntheticIcu(200, 2).dataset;
  const r = resolveExperiment(table, {
    outcome: 'death',
    methods: [{ name: 'mice', options: { maxCycles: 3 } }],
    mask: { mechanism: 'mcar', rate: 0.2 },
    seeds: [4],
  });
  const [result] = await runExperimentSeed(table, r, 4);
  const mask = maskTable(table, { ...r.mask, seed: 4, exclude: r.exclude, outcome: r.outcome });
  const fit = await fitImputer(mask.masked, { method: 'mice', options: r.methods[0].options, exclude: r.exclude, outcome: r.outcome, seed: 4 });
  expect(result.traces).toEqual(fit.traces);
  expect(result.traces!.length).toBeGreaterThan(0);
  expect(new Set(result.traces!.map((t) => t.cycle)).size).toBe(result.cycles);
});
