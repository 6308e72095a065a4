// One conformance suite over every registered imputer (as the backend registry's): seeded, observed cells kept, valid
// categories, the outcome never a predictor, cancellable, progress, fit-then-apply, and a clear refusal of a table
// whose columns differ. Imputers are run with small options where their defaults would make the suite slow.
import { describe, expect, it } from 'vitest';
import type { DataColumn, Dataset } from '../data/types.ts';
import { createRng } from '../random.ts';
import { applyImputer, fitImputer } from './imputer.ts';
import { createImputer, imputerNames, isQuantumImputer, resolveImputerOptions } from './registry.ts';

/** Options that keep the suite fast; an imputer not listed runs with its defaults. */
const FAST: Record<string, Record<string, unknown>> = {
  missforest: { trees: 20, maxCycles: 3 },
  'deep-mice': { cycles: 2, maxEpochs: 40, hidden: [8] },
};

function table(seed: number, rows = 120): Dataset {
  const rng = createRng(seed);
  const id = new Float64Array(rows);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  const c = new Float64Array(rows);
  const d = new Float64Array(rows);
  const leak = new Float64Array(rows);
  const death = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    id[i] = i + 1;
    a[i] = rng.normal();
    b[i] = 2 * a[i] + 0.3 * rng.normal();
    c[i] = a[i] > 0.5 ? 2 : a[i] > -0.5 ? 1 : 0;
    d[i] = b[i] + rng.normal() > 0 ? 1 : 0;
    death[i] = rng.next() < 0.4 ? 1 : 0;
    // Known only through the outcome: an imputer that used the outcome would fill it almost perfectly.
    leak[i] = 10 * death[i] + 0.1 * rng.normal();
  }
  for (let i = 0; i < rows; i++) {
    if (i % 5 === 1) b[i] = NaN;
    if (i % 7 === 2) c[i] = NaN;
    if (i % 6 === 3) d[i] = NaN;
    if (i % 4 === 0) leak[i] = NaN;
  }
  const col = (
    name: string,
    values: Float64Array,
    type: DataColumn['type'],
    role: DataColumn['role'] = 'feature',
    categories: string[] | null = null,
  ): DataColumn => ({ name, type, role, values, categories });
  return {
    rows,
    columns: [
      col('id', id, 'numeric', 'identifier'),
      col('a', a, 'numeric'),
      col('b', b, 'numeric'),
      col('c', c, 'categorical', 'feature', ['low', 'mid', 'high']),
      col('d', d, 'binary'),
      col('leak', leak, 'numeric'),
      col('death', death, 'binary', 'outcome'),
    ],
    delimiter: ',',
    missingTokens: [],
    warnings: [],
  };
}

const values = (t: Dataset) => t.columns.map((c) => Array.from(c.values));

for (const name of imputerNames()) {
  const options = FAST[name] ?? {};
  const fit = (t: Dataset, extra: Partial<Parameters<typeof fitImputer>[1]> = {}) => fitImputer(t, { method: name, options, seed: 3, ...extra });
  const chained = createImputer(name, options).maxCycles > 0;

  describe(`imputer conformance: ${name}`, () => {
    it('is seeded: the same seed gives the same completion', async () => {
      const t = table(1);
      expect(values((await fit(t)).completed)).toEqual(values((await fit(t)).completed));
    });

    it('fills every missing feature cell, keeps observed cells, imputes numbers and valid category codes', async () => {
      const t = table(2);
      const before = values(t);
      const { completed } = await fit(t);
      expect(values(t)).toEqual(before); // the input is not modified
      completed.columns.forEach((col, j) => {
        col.values.forEach((v, i) => {
          const old = t.columns[j].values[i];
          if (old === old) expect(v).toBe(old);
          else if (col.role === 'feature') {
            if (col.type === 'numeric') expect(Number.isFinite(v)).toBe(true);
            else expect(Number.isInteger(v) && v >= 0 && v < (col.categories?.length ?? 2)).toBe(true);
          }
        });
      });
      expect(completed.columns.map((c) => c.categories)).toEqual(t.columns.map((c) => c.categories));
    });

    it('never uses the outcome as a predictor', async () => {
      const t = table(4, 200);
      const leakErr = (completed: Dataset) => {
        let se = 0,
          n = 0;
        t.columns[5].values.forEach((v, i) => {
          if (v === v) return;
          se += (completed.columns[5].values[i] - 10 * completed.columns[6].values[i]) ** 2;
          n++;
        });
        return Math.sqrt(se / n);
      };
      const asOutcome = leakErr((await fit(t)).completed);
      // Imputing without knowing the outcome, the error is about the outcome's spread (sd 10 x 0.49).
      expect(asOutcome).toBeGreaterThan(3.5);
      if (!chained) return;
      // The same table with the outcome as a feature: the leak would be imputed almost perfectly.
      const leaky = { ...t, columns: t.columns.map((c) => (c.name === 'death' ? { ...c, role: 'feature' as const } : c)) };
      expect(leakErr((await fit(leaky)).completed)).toBeLessThan(asOutcome / 2);
    });

    it('stops when aborted, before and during the fit', async () => {
      const t = table(5);
      const ctl = new AbortController();
      ctl.abort();
      await expect(fit(t, { signal: ctl.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
      if (!chained) return;
      const mid = new AbortController();
      await expect(fit(t, { signal: mid.signal, onProgress: (p) => p.step === 2 && mid.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    });

    it.runIf(chained)("stops when a timer aborts it (as a worker's cancel message arrives): the fit yields between columns", async () => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 1);
      await expect(fit(table(10, 3_000), { signal: ctl.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    });

    it.runIf(chained)('reports progress by cycle and column', async () => {
      const seen: { cycle: number; column: string; fraction: number }[] = [];
      await fit(table(6), { onProgress: (p) => seen.push(p) });
      expect(seen[0]).toMatchObject({ cycle: 1, fraction: 0 });
      expect(new Set(seen.map((p) => p.column))).toEqual(new Set(['b', 'c', 'd', 'leak']));
      for (let k = 1; k < seen.length; k++) expect(seen[k].fraction).toBeGreaterThanOrEqual(seen[k - 1].fraction - 1e-12);
      expect(seen.every((p) => p.fraction >= 0 && p.fraction <= 1)).toBe(true);
    });

    it('fit-then-apply: the saved model completes the same table as the fit did (without refitting)', async () => {
      const t = table(7);
      const fitted = await fit(t);
      const saved = JSON.parse(JSON.stringify(fitted.model));
      const applied = await applyImputer(saved, t);
      if (createImputer(name, options).keep === 'all') {
        expect(values(applied.completed)).toEqual(values(fitted.completed));
      } else {
        // Only the last cycle's models are kept (documented): apply replays them, close to but not the fit's completion.
        const keepAll = await fit(t, { options: { ...options, keepCycles: 'all' } });
        expect(values((await applyImputer(JSON.parse(JSON.stringify(keepAll.model)), t)).completed)).toEqual(values(keepAll.completed));
      }
    });

    it('apply refuses a table whose columns differ, naming them', async () => {
      const t = table(8);
      const { model } = await fit(t);
      const renamed = { ...t, columns: t.columns.map((c) => (c.name === 'b' ? { ...c, name: 'b2' } : c)) };
      await expect(applyImputer(model, renamed)).rejects.toThrow(/lacks "b" and has "b2"/);
      const recoded = { ...t, columns: t.columns.map((c) => (c.name === 'c' ? { ...c, categories: ['low', 'mid', 'top'] } : c)) };
      await expect(applyImputer(model, recoded)).rejects.toThrow(/"c" has categories the model never saw: "top"/);
    });

    it('skips an entirely missing column with a warning', async () => {
      const t = table(9);
      t.columns.push({ name: 'empty', type: 'numeric', role: 'feature', values: new Float64Array(t.rows).fill(NaN), categories: null });
      const r = await fit(t);
      expect(r.warnings.join(' ')).toMatch(/"empty" is entirely missing: it is skipped/);
      expect(r.completed.columns.at(-1)!.values.every((v) => Number.isNaN(v))).toBe(true);
    });

    it('has documented defaults that validate, and refuses a wrong option by name', () => {
      expect(() => resolveImputerOptions(name, {})).not.toThrow();
      expect(() => resolveImputerOptions(name, { noSuchOption: 1 })).toThrow(/noSuchOption/);
    });
  });
}

describe('quantum or classical', () => {
  it('the registry marks the QNN imputer, and only it, as quantum (comparisons, pages and reports ask it)', () => {
    expect(imputerNames().filter(isQuantumImputer)).toEqual(['qnn-mice']);
    expect(isQuantumImputer('qnn-anything')).toBe(false);
  });
});
