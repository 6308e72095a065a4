import { describe, expect, it } from 'vitest';
import { applyImputer, fitImputer } from '../imputer.ts';
import { syntheticIcu } from '../synthetic-icu.ts';

describe('mice with predictive mean matching', () => {
  const table = syntheticIcu(300, 3).dataset;

  it('imputes only values observed in the same column, seeded, and apply reproduces the draws', async () => {
    const fit = await fitImputer(table, { method: 'mice', options: { pmm: true }, seed: 2 });
    expect(fit.recipe).toMatchObject({ pmm: true, numeric: { model: 'pmm', donors: 5 } });
    fit.completed.columns.forEach((c, j) => {
      const observed = new Set(table.columns[j].values.filter((v) => v === v));
      c.values.forEach((v, i) => {
        if (table.columns[j].values[i] !== table.columns[j].values[i] && c.role === 'feature') expect(observed.has(v)).toBe(true);
      });
    });
    const again = await fitImputer(table, { method: 'mice', options: { pmm: true }, seed: 2 });
    expect(again.completed.columns.map((c) => Array.from(c.values))).toEqual(fit.completed.columns.map((c) => Array.from(c.values)));
    const applied = await applyImputer(JSON.parse(JSON.stringify(fit.model)), table);
    expect(applied.completed.columns.map((c) => Array.from(c.values))).toEqual(fit.completed.columns.map((c) => Array.from(c.values)));
  });

  it('mice stops by the tolerance rule and records the change per cycle', async () => {
    const fit = await fitImputer(table, { method: 'mice', seed: 1 });
    expect(fit.changes.length).toBe(fit.cycles);
    if (fit.stopReason === 'converged') {
      const maxObserved = Math.max(
        ...table.columns
          .filter((c) => c.role === 'feature')
          .flatMap((c) =>
            Array.from(c.values)
              .filter((v) => v === v)
              .map(Math.abs),
          ),
      );
      expect(fit.changes.at(-1)![0]).toBeLessThan(1e-3 * maxObserved);
      expect(fit.changes.at(-2)![0]).toBeGreaterThanOrEqual(1e-3 * maxObserved);
    } else expect(fit.cycles).toBe(10);
    expect(fit.traces.filter((t) => t.cycle === 1).length).toBeGreaterThan(10);
  });
});
