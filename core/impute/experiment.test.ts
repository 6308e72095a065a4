import { describe, expect, it } from 'vitest';
import { runExperiment, resolveExperiment, summariseExperiment, type SeedResult } from './experiment.ts';
import { syntheticIcu } from './synthetic-icu.ts';
import { parseImputationModel, validateImputationModel } from './model-file.ts';
import { fitImputer } from './imputer.ts';

const table = syntheticIcu(300, 5).dataset;
const config = { outcome: 'death', methods: ['mean', 'mice'], mask: { mechanism: 'mcar' as const, rate: 0.2 }, seeds: [1, 2, 3] };

describe('experiments', () => {
  it('scores every (seed, method), reports each as it finishes, and summarises mean, sd and variance ratios', async () => {
    const seen: string[] = [];
    const report = await runExperiment(table, config, { onResult: (r) => void seen.push(`${r.seed}:${r.method}`) });
    expect(seen).toEqual(['1:mean', '1:mice', '2:mean', '2:mice', '3:mean', '3:mice']);
    for (const r of report.results) {
      expect(r.nrmse).toBeGreaterThan(0);
      expect(r.auc).toBeGreaterThan(0.5);
      expect(r.mask.realisedRate).toBeCloseTo(0.2, 2);
      expect(r.columns.length).toBeGreaterThan(10);
      expect(r).toMatchObject({ circuits: 0, shots: 0 });
    }
    const mice = report.results.filter((r) => r.method === 'mice').map((r) => r.nrmse!);
    const mean = report.results.filter((r) => r.method === 'mean').map((r) => r.nrmse!);
    const s = report.summary.methods.find((m) => m.method === 'mice')!;
    expect(s.nrmse.mean).toBeCloseTo((mice[0] + mice[1] + mice[2]) / 3, 12);
    const m = s.nrmse.mean!;
    expect(s.nrmse.sd).toBeCloseTo(Math.sqrt(mice.reduce((acc, v) => acc + (v - m) ** 2, 0) / 2), 12);
    const variance = (v: number[]) => {
      const mu = v.reduce((a, b) => a + b, 0) / v.length;
      return v.reduce((a, b) => a + (b - mu) ** 2, 0) / (v.length - 1);
    };
    expect(report.summary.varianceRatios.nrmse.mice.mean).toBeCloseTo(variance(mice) / variance(mean), 10);
    expect(s.nrmse.mean).toBeLessThan(report.summary.methods[0].nrmse.mean!);
  });

  it('the same mask for every method of a seed, and a different one per seed', async () => {
    const report = await runExperiment(table, { ...config, seeds: [1, 2] });
    const cells = (seed: number, method: string) => report.results.find((r) => r.seed === seed && r.method === method)!.columns.map((c) => c.cells);
    expect(cells(1, 'mean')).toEqual(cells(1, 'mice'));
    const truth = (seed: number) => report.results.find((r) => r.seed === seed && r.method === 'mean')!.columns.map((c) => c.wasserstein);
    expect(truth(1)).not.toEqual(truth(2));
  });

  it('stops when aborted', async () => {
    const ctl = new AbortController();
    const p = runExperiment(table, config, { signal: ctl.signal, onProgress: (x) => x.methodIndex === 1 && ctl.abort() });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses bad input before any work, naming the value', () => {
    expect(() => resolveExperiment(table, { ...config, outcome: 'sbp' })).toThrow(/"sbp" must be binary/);
    expect(() => resolveExperiment(table, { ...config, mask: { mechanism: 'mcar', rate: 1 } })).toThrow(/strictly between 0 and 1 .*; got 1\./);
    expect(() => resolveExperiment(table, { ...config, folds: 400 })).toThrow(/folds must be an integer between 2 and 100; got 400/);
    expect(() =>
      resolveExperiment({ ...table, rows: 4, columns: table.columns.map((c) => ({ ...c, values: c.values.slice(0, 4) })) }, { ...config, folds: 5 }),
    ).toThrow(/4 rows, fewer than the 5 folds/);
    expect(() => resolveExperiment(table, { ...config, folds: 60 })).toThrow(/only \d+ rows of its rarer value, fewer than the 60 folds/);
    expect(() => resolveExperiment(table, { ...config, methods: ['mice', 'mice'] })).toThrow(/"mice" is listed twice/);
    expect(() => resolveExperiment(table, { ...config, methods: [{ name: 'mice', options: { tol: -1 } }] })).toThrow(/mice option "tol" must be >= 0; got -1/);
    expect(() => resolveExperiment(table, { ...config, seeds: [] })).toThrow(/seeds must be 1 to/);
  });

  it('summarises results given in any order (as workers return them)', () => {
    const r = resolveExperiment(table, config);
    const row = (seed: number, method: string, nrmse: number): SeedResult =>
      ({ seed, method, nrmse, rmse: 1, pfc: null, auc: 0.7, columns: [], seconds: 1, circuits: 0, shots: 0 }) as unknown as SeedResult;
    const s = summariseExperiment(r, [row(2, 'mice', 0.5), row(1, 'mean', 1), row(1, 'mice', 0.7), row(2, 'mean', 1)]);
    expect(s.methods.map((m) => [m.method, m.nrmse.mean])).toEqual([
      ['mean', 1],
      ['mice', expect.closeTo(0.6, 12)],
    ]);
    expect(s.varianceRatios.nrmse.mice.mean).toBeNull(); // mean's variance is zero
  });
});

describe('saved imputer files', () => {
  it('refuse another version, a foreign file and a damaged field, naming it', async () => {
    const { model } = await fitImputer(table, { method: 'mice', seed: 1 });
    expect(() => validateImputationModel({ ...model, version: 2 })).toThrow(/format version 2; this QNN Lab reads version 1/);
    expect(() => parseImputationModel('{"hello": 1}')).toThrow(/is not a QNN Lab imputer model/);
    expect(() => validateImputationModel({ ...model, steps: [{ ...model.steps[0], column: 'pulse' }] })).toThrow(/"steps\.0\.column" names "pulse"/);
    expect(() => validateImputationModel({ ...model, cycles: 'three' })).toThrow(/damaged: "cycles"/);
    expect(validateImputationModel(JSON.parse(JSON.stringify(model))).steps.length).toBe(model.steps.length);
  });
});

describe('experiment independence', () => {
  it("a method's results do not depend on which other methods run, or in which order", async () => {
    const deep = { name: 'deep-mice', options: { cycles: 1, maxEpochs: 5, hidden: [4] } };
    const alone = await runExperiment(table, { ...config, methods: [deep], seeds: [1] });
    const both = await runExperiment(table, { ...config, methods: ['mean', deep], seeds: [1] });
    expect(both.results[1].nrmse).toBe(alone.results[0].nrmse);
    expect(both.results[1].auc).toBe(alone.results[0].auc);
  });
});
