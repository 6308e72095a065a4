import { describe, expect, it } from 'vitest';
import { syntheticIcu } from './synthetic-icu.ts';
import { maskTable } from './masking.ts';
import type { Dataset } from '../data/types.ts';

const { dataset } = syntheticIcu(4000, 2);

function observed(t: Dataset, name: string): number {
  return t.columns.find((c) => c.name === name)!.values.filter((v) => v === v).length;
}

describe('masking of observed cells', () => {
  it.each(['mcar', 'mar', 'mnar'] as const)('%s: hides only observed cells of feature columns, at close to the asked rate, seeded', (mechanism) => {
    const m = maskTable(dataset, { mechanism, rate: 0.2, seed: 1 });
    expect(Math.abs(m.realisedRate - 0.2)).toBeLessThan(mechanism === 'mcar' ? 0.001 : 0.01);
    for (const c of m.columns) {
      const original = dataset.columns[c.index];
      expect(['id', 'death']).not.toContain(c.name);
      c.rows.forEach((i, k) => {
        expect(Number.isNaN(original.values[i])).toBe(false);
        expect(c.truth[k]).toBe(original.values[i]);
        expect(Number.isNaN(m.masked.columns[c.index].values[i])).toBe(true);
      });
      expect(observed(m.masked, c.name)).toBe(observed(dataset, c.name) - c.rows.length);
    }
    const again = maskTable(dataset, { mechanism, rate: 0.2, seed: 1 });
    expect(again.columns.map((c) => Array.from(c.rows))).toEqual(m.columns.map((c) => Array.from(c.rows)));
    const other = maskTable(dataset, { mechanism, rate: 0.2, seed: 2 });
    expect(other.columns.map((c) => Array.from(c.rows))).not.toEqual(m.columns.map((c) => Array.from(c.rows)));
  });

  it('mcar: exactly round(rate x observed) cells per column, restricted to the chosen columns', () => {
    const m = maskTable(dataset, { mechanism: 'mcar', rate: 0.3, seed: 4, columns: ['sbp', 'lactate'] });
    expect(m.columns.map((c) => c.name)).toEqual(['sbp', 'lactate']);
    for (const c of m.columns) expect(c.rows.length).toBe(Math.round(0.3 * c.observedBefore));
  });

  it('mar: driven by the fully observed columns, which are never masked', () => {
    const m = maskTable(dataset, { mechanism: 'mar', rate: 0.2, seed: 3 });
    expect(m.drivers).toEqual(['age']);
    expect(m.columns.map((c) => c.name)).not.toContain('age');
    // Positive weights: masked cells belong to older patients on average.
    const age = dataset.columns.find((c) => c.name === 'age')!.values;
    const hr = m.columns.find((c) => c.name === 'heart_rate')!;
    const hidden = new Set(hr.rows);
    let inMask = 0,
      nIn = 0,
      out = 0,
      nOut = 0;
    dataset.columns
      .find((c) => c.name === 'heart_rate')!
      .values.forEach((v, i) => {
        if (v !== v) return;
        if (hidden.has(i)) {
          inMask += age[i];
          nIn++;
        } else {
          out += age[i];
          nOut++;
        }
      });
    expect(inMask / nIn).toBeGreaterThan(out / nOut + 3);
  });

  it('mnar: larger values go missing more often (self-masking)', () => {
    const m = maskTable(dataset, { mechanism: 'mnar', rate: 0.2, seed: 3, columns: ['sbp'] });
    const c = m.columns[0];
    const all = dataset.columns[c.index].values.filter((v) => v === v);
    const meanAll = all.reduce((s, v) => s + v, 0) / all.length;
    const meanMasked = c.truth.reduce((s, v) => s + v, 0) / c.truth.length;
    expect(meanMasked).toBeGreaterThan(meanAll + 5);
  });

  it('refuses a rate outside (0, 1), an unknown mechanism, an unknown or unusable column, and MAR without a driver', () => {
    for (const rate of [0, 1, -0.1, 1.5, NaN]) expect(() => maskTable(dataset, { mechanism: 'mcar', rate, seed: 1 })).toThrow(/strictly between 0 and 1/);
    expect(() => maskTable(dataset, { mechanism: 'xyz' as never, rate: 0.2, seed: 1 })).toThrow(/one of mcar, mar, mnar; got xyz/);
    expect(() => maskTable(dataset, { mechanism: 'mcar', rate: 0.2, seed: 1, columns: ['pulse'] })).toThrow(/no column named "pulse"/);
    expect(() => maskTable(dataset, { mechanism: 'mcar', rate: 0.2, seed: 1, columns: ['death'] })).toThrow(/"death" cannot be masked/);
    expect(() => maskTable(dataset, { mechanism: 'mar', rate: 0.2, seed: 1, exclude: ['age'] })).toThrow(/MAR masking needs at least one fully observed/);
  });

  it('keeps at least two observed cells per column', () => {
    const m = maskTable(dataset, { mechanism: 'mnar', rate: 0.99, seed: 1, columns: ['lactate'] });
    expect(observed(m.masked, 'lactate')).toBeGreaterThanOrEqual(2);
  });
});
