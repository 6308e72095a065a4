import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/types.ts';
import { maskTable } from './masking.ts';
import { scoreMask } from './scoring.ts';

describe('scores on the masked cells', () => {
  it('RMSE, NRMSE, Wasserstein and PFC against hand-computed values', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const c = Float64Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    const table: Dataset = {
      rows: 10,
      columns: [
        { name: 'x', type: 'numeric', role: 'feature', values: x, categories: null },
        { name: 'c', type: 'categorical', role: 'feature', values: c, categories: ['a', 'b', 'c'] },
      ],
      delimiter: ',',
      missingTokens: [],
      warnings: [],
    };
    const mask = maskTable(table, { mechanism: 'mcar', rate: 0.2, seed: 1 });
    const xs = mask.columns.find((m) => m.name === 'x')!;
    const cs = mask.columns.find((m) => m.name === 'c')!;
    expect(xs.rows.length).toBe(2);
    expect(cs.rows.length).toBe(2);
    // The "imputation": x off by +1 and -3 on its two cells; c wrong on one of two.
    const completed = { ...table, columns: table.columns.map((col) => ({ ...col, values: Float64Array.from(col.values) })) };
    completed.columns[0].values[xs.rows[0]] += 1;
    completed.columns[0].values[xs.rows[1]] -= 3;
    completed.columns[1].values[cs.rows[0]] = (c[cs.rows[0]] + 1) % 3;
    const s = scoreMask(table, completed, mask);
    const sd = Math.sqrt(82.5 / 9); // sample sd of 1..10
    expect(s.columns[0].rmse).toBeCloseTo(Math.sqrt((1 + 9) / 2), 12);
    expect(s.columns[0].nrmse).toBeCloseTo(Math.sqrt(5) / sd, 12);
    expect(s.columns[1].pfc).toBe(0.5);
    expect(s.rmse).toBeCloseTo(Math.sqrt(5), 12);
    expect(s.nrmse).toBeCloseTo(Math.sqrt(5) / sd, 12);
    expect(s.pfc).toBe(0.5);
    // Wasserstein between {a+1, b-3} and {a, b}: the sorted pairs' mean absolute difference.
    const t = [x[xs.rows[0]], x[xs.rows[1]]].sort((p, q) => p - q);
    const i = [x[xs.rows[0]] + 1, x[xs.rows[1]] - 3].sort((p, q) => p - q);
    expect(s.columns[0].wasserstein).toBeCloseTo((Math.abs(t[0] - i[0]) + Math.abs(t[1] - i[1])) / 2, 12);
  });
});
