import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedExperiment, SeedResult } from '../../../core/impute/experiment.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { fakeClock } from '../../../test-support/files.ts';
import type { ApiError, Result } from '../../contract/errors.ts';
import { createHandlers } from '../handlers/index.ts';
import { dispatch } from '../rpc.ts';
import { ComparisonService, flatConfig } from './comparisons.ts';
import { DatasetService } from './datasets.ts';
import { DeviceProfileService } from './devices.ts';
import { recordExperiment } from './experiments.ts';
import { RunService } from './runs.ts';

const lab = useTempDatabase('qnnlab-comparisons-');
let runs: RunService;
let comparisons: ComparisonService;

beforeEach(() => {
  const clock = fakeClock('2026-12-01T10:00:00.000Z');
  runs = new RunService(lab.db, '0.1.0-test', clock.now);
  comparisons = new ComparisonService(lab.db, runs, '0.1.0-test', clock.now);
});

// Per-seed AUCs of two methods with equal level and very different spread; the expected statistics below are scipy's
// (wilcoxon, ttest_rel) and the Pitman-Morgan definition computed with scipy (see core/metrics/pitman-morgan.test.ts).
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const AUC_MICE = [0.815, 0.842, 0.79, 0.801, 0.836, 0.772, 0.828, 0.809];
const AUC_QNN = [0.812, 0.819, 0.806, 0.81, 0.821, 0.801, 0.817, 0.808];
const AUC_MEAN = [0.8, 0.79, 0.81, 0.8, 0.79, 0.8, 0.81, 0.79];

function seedResult(method: string, seed: number, auc: number, nrmse: { chol: number; bili: number }): SeedResult {
  const overall = (nrmse.chol + nrmse.bili) / 2;
  return {
    seed,
    method,
    options: method === 'qnn-mice' ? { qubits: 8 } : {},
    recipe: { method },
    mask: { mechanism: 'mcar', rate: 0.2, realisedRate: 0.2, cells: 100 },
    rmse: overall,
    nrmse: overall,
    pfc: null,
    columns: [
      { column: 'chol', kind: 'numeric', cells: 50, rmse: nrmse.chol, nrmse: nrmse.chol, wasserstein: 0.1, pfc: null },
      { column: 'bili', kind: 'numeric', cells: 50, rmse: nrmse.bili, nrmse: nrmse.bili, wasserstein: 0.2, pfc: null },
    ],
    auc,
    aucFolds: [auc - 0.01, auc + 0.01],
    seconds: 1,
    circuits: method === 'qnn-mice' ? 500 : 0,
    shots: 0,
    cycles: 2,
    stopReason: 'max-cycles',
    warnings: [],
  };
}

const METHOD_AUCS: Record<string, number[]> = { mice: AUC_MICE, 'qnn-mice': AUC_QNN, mean: AUC_MEAN };

/** An experiment recorded as the experiment kind records it: a parent and one child per (method, seed). */
function experiment(options: { methods?: string[]; seeds?: number[]; dataset?: string; rate?: number; finish?: boolean } = {}): number {
  const methods = options.methods ?? ['mice', 'qnn-mice', 'mean'];
  const seeds = options.seeds ?? SEEDS;
  const resolved: ResolvedExperiment = {
    outcome: 'death',
    exclude: ['id'],
    methods: methods.map((name) => ({ name, options: {} })),
    mask: { mechanism: 'mcar', rate: options.rate ?? 0.2 },
    seeds,
    folds: 2,
  };
  const rec = recordExperiment(runs, { experiment: resolved, dataset: { name: options.dataset ?? 'pbc' } });
  seeds.forEach((seed, k) => {
    const index = SEEDS.indexOf(seed);
    rec.recordSeed(
      methods.map((m, j) => seedResult(m, seed, METHOD_AUCS[m][index], { chol: 0.9 + 0.01 * j + 0.001 * index, bili: 1 - 0.02 * j + 0.003 * (index % 3) })),
      (k + 1) / seeds.length,
    );
  });
  if (options.finish !== false) rec.finish({} as never);
  return rec.id;
}

function expectError(fn: () => unknown, fields: { code: string; field?: string }, message?: RegExp) {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject(fields);
  if (message) expect((error as Error).message).toMatch(message);
}

describe('ComparisonService: one experiment, its methods', () => {
  it('gathers each method with its seeds and values, and marks the QNN method', () => {
    const id = experiment();
    const stats = comparisons.preview({ runs: [id] });
    expect(stats.methods.map((m) => [m.key, m.label, m.method, m.quantum, m.seeds])).toEqual([
      [`${id}/mice`, 'mice', 'mice', false, SEEDS],
      [`${id}/qnn-mice`, 'qnn-mice', 'qnn-mice', true, SEEDS],
      [`${id}/mean`, 'mean', 'mean', false, SEEDS],
    ]);
    expect(stats.methods[1].values.auc).toEqual(AUC_QNN);
    // Each seed's values come from the experiment's child run of that method and seed.
    const children = runs.children(id);
    expect(stats.methods[1].runIds).toEqual([id]);
    expect(stats.methods[1].seedRunIds).toEqual(SEEDS.map((seed) => children.find((c) => c.name === `qnn-mice, seed ${seed}`)!.id));
    expect(stats.metrics.slice(0, 5)).toEqual(['auc', 'nrmse', 'rmse', 'nrmse/bili', 'nrmse/chol']);
    expect(stats.metrics).toContain('nrmse/bili');
    expect(stats.metrics).not.toContain('auc_fold');
    expect(stats.testedMetrics).not.toContain('seconds');
    expect(stats.methods[1].config).toMatchObject({ outcome: 'death', 'mask.mechanism': 'mcar', 'mask.rate': '0.2', method: 'qnn-mice', exclude: 'id' });
    expect(stats.methods[0].mask).toBe('mcar 0.2');
    expect(stats.versions).toEqual({ statistics: 1, app: '0.1.0-test' });
    expect(stats.warnings).toEqual([]);
    // Summary: mean and sample sd of the seeds' AUCs, computed here from the definition.
    const mean = AUC_MICE.reduce((a, b) => a + b, 0) / 8;
    const sd = Math.sqrt(AUC_MICE.reduce((a, b) => a + (b - mean) ** 2, 0) / 7);
    expect(stats.methods[0].summary.auc.mean).toBeCloseTo(mean, 14);
    expect(stats.methods[0].summary.auc.sd).toBeCloseTo(sd, 14);
  });

  it('tests every pair of methods over the same seeds with the values scipy gives', () => {
    const id = experiment();
    const stats = comparisons.preview({ runs: [id] });
    expect(stats.pairs.map((p) => [p.a, p.b])).toEqual([
      [`${id}/mice`, `${id}/qnn-mice`],
      [`${id}/mice`, `${id}/mean`],
      [`${id}/qnn-mice`, `${id}/mean`],
    ]);
    const auc = stats.pairs[0].metrics.find((m) => m.metric === 'auc')!;
    expect(auc.seeds).toEqual(SEEDS);
    // scipy: wilcoxon statistic 17, p 0.9453125; ttest_rel t -0.020595273809257457, p 0.9841432724176268;
    // Pitman-Morgan ratio 11.92722473604839, p 3.635656901123849e-06, 95% CI (7.409556075286139, 19.199353977318346).
    expect(auc.wilcoxon).toMatchObject({ statistic: 17, method: 'exact' });
    expect(auc.wilcoxon.p).toBeCloseTo(0.9453125, 12);
    expect(auc.pairedT.t).toBeCloseTo(-0.020595273809257457, 10);
    expect(auc.pairedT.p).toBeCloseTo(0.9841432724176268, 7);
    expect(auc.pitmanMorgan.ratio).toBeCloseTo(11.92722473604839, 9);
    expect(auc.pitmanMorgan.p).toBeCloseTo(3.635656901123849e-6, 12);
    expect(auc.pitmanMorgan.ci?.[0]).toBeCloseTo(7.409556075286139, 6);
    expect(auc.pitmanMorgan.ci?.[1]).toBeCloseTo(19.199353977318346, 6);
    // Per-column NRMSE is tested too: qnn-mice's chol is mice's + 0.01 on every seed, a constant difference.
    const chol = stats.pairs[0].metrics.find((m) => m.metric === 'nrmse/chol')!;
    expect(chol.pairedT.meanDifference).toBeCloseTo(-0.01, 12);
    expect(chol.pairedT.p).toBeNull();
    expect(chol.pairedT.reason).toMatch(/do not vary/);
  });

  it('refuses an experiment that has not finished, naming the run', () => {
    const id = experiment({ finish: false });
    expectError(() => comparisons.preview({ runs: [id] }), { code: 'CONFLICT', field: 'runs.0' }, /is running: only succeeded runs can be compared/);
  });

  it('refuses one method alone: a comparison needs two', () => {
    const id = experiment({ methods: ['mice'] });
    expectError(() => comparisons.preview({ runs: [id] }), { code: 'VALIDATION', field: 'runs' }, /needs two methods or more; run \d+ gives 1/);
  });
});

describe('ComparisonService: several runs', () => {
  it('labels methods of the same name by run and warns when datasets or masks differ', () => {
    const a = experiment({ methods: ['mice', 'qnn-mice'] });
    const b = experiment({ methods: ['mice', 'mean'], dataset: 'icu', rate: 0.3, seeds: [1, 2, 3] });
    const stats = comparisons.preview({ runs: [a, b] });
    expect(stats.methods.map((m) => m.label)).toEqual([`mice (#${a})`, 'qnn-mice', `mice (#${b})`, 'mean']);
    expect(stats.warnings.join('\n')).toMatch(/different datasets \(pbc, icu\)/);
    expect(stats.warnings.join('\n')).toMatch(/different cells \(masks mcar 0.2, mcar 0.3\)/);
    expect(stats.warnings.join('\n')).toMatch(/Not every method has the same seeds/);
    // Pairs across the runs use the 3 seeds both have.
    const cross = stats.pairs.find((p) => p.a === `${a}/mice` && p.b === `${b}/mice`)!;
    expect(cross.seeds).toEqual([1, 2, 3]);
    expect(cross.metrics.find((m) => m.metric === 'auc')?.wilcoxon.pairs).toBe(3);
  });

  it('refuses runs that share no seed, and says which seeds each has', () => {
    const a = experiment({ methods: ['mice'], seeds: [1, 2] });
    const b = experiment({ methods: ['mean'], seeds: [3, 4] });
    expectError(() => comparisons.preview({ runs: [a, b] }), { code: 'VALIDATION', field: 'runs' }, /share no seed.*mice has seeds 1, 2; mean has seeds 3, 4/);
  });

  it('compares training runs as QNN methods by their last recorded values', () => {
    const ids = [0, 1].map((k) => {
      const id = runs.create({ kind: 'train', name: `toy ${k}`, config: { qubits: 8, layers: 2 + k }, seeds: [7] });
      runs.start(id);
      runs.appendMetrics(id, [
        { name: 'loss', step: 0, value: 1 },
        { name: 'loss', step: 1, value: 0.5 - 0.1 * k },
        { name: 'layer_start', step: 1, value: 2 },
      ]);
      runs.finish(id, { status: 'succeeded', result: null });
      return id;
    });
    const stats = comparisons.preview({ runs: ids });
    expect(stats.methods.map((m) => [m.label, m.quantum, m.seeds, m.values.loss])).toEqual([
      ['toy 0', true, [7], [0.5]],
      ['toy 1', true, [7], [0.4]],
    ]);
    expect(stats.methods[1].config).toEqual({ qubits: '8', layers: '3' });
    // A phase marker is not a score.
    expect(stats.metrics).toEqual(['loss']);
    // One seed pairs: the tests say why they have no p-value.
    const loss = stats.pairs[0].metrics.find((m) => m.metric === 'loss')!;
    expect(loss.pairedT).toMatchObject({ n: 1, p: null });
    expect(loss.pairedT.meanDifference).toBeCloseTo(0.1, 12);
    expect(loss.wilcoxon.reason).toMatch(/at least 2 pairs/);
  });

  it('joins runs that differ only in their seed into one method measured over those seeds', () => {
    const train = (layers: number, seed: number, loss: number) => {
      const id = runs.create({ kind: 'train', name: `L${layers}`, config: { qubits: 8, layers, seed }, seeds: [seed] });
      runs.start(id);
      runs.appendMetrics(id, [{ name: 'loss', step: 3, value: loss }]);
      runs.finish(id, { status: 'succeeded', result: null });
      return id;
    };
    const a = [train(2, 1, 0.5), train(2, 2, 0.7), train(2, 3, 0.6)];
    const b = [train(4, 3, 0.2), train(4, 1, 0.3), train(4, 2, 0.1)];
    const repeat = train(2, 1, 0.55);
    const stats = comparisons.preview({ runs: [...a, ...b, repeat] });
    expect(stats.methods.map((m) => [m.key, m.label, m.runIds, m.seeds, m.seedRunIds, m.values.loss])).toEqual([
      [a.join('+'), 'L2 (3 runs)', a, [1, 2, 3], a, [0.5, 0.7, 0.6]],
      [b.join('+'), 'L4 (3 runs)', b, [1, 2, 3], [b[1], b[2], b[0]], [0.3, 0.1, 0.2]],
      // The same configuration and seed again is a repeat, not another seed: its own method.
      [String(repeat), 'L2', [repeat], [1], [repeat], [0.55]],
    ]);
    expect(stats.methods[0].config).toEqual({ qubits: '8', layers: '2' });
    // Differences by seed: 0.2, 0.6, 0.4 -> mean 0.4, sd 0.2; t = 0.4 / (0.2 / sqrt 3).
    const loss = stats.pairs[0].metrics.find((m) => m.metric === 'loss')!;
    expect(loss.seeds).toEqual([1, 2, 3]);
    expect(loss.pairedT.meanDifference).toBeCloseTo(0.4, 12);
    expect(loss.pairedT.t).toBeCloseTo(0.4 / (0.2 / Math.sqrt(3)), 10);
  });

  it('refuses an unknown run and a run listed twice, naming the field', () => {
    const a = experiment({ methods: ['mice', 'mean'] });
    expectError(() => comparisons.preview({ runs: [a, 999] }), { code: 'NOT_FOUND', field: 'runs.1' }, /Run 999 does not exist/);
    expectError(() => comparisons.preview({ runs: [a, a] }), { code: 'VALIDATION', field: 'runs' });
    expectError(() => comparisons.preview({ runs: [] }), { code: 'VALIDATION', field: 'runs' });
  });
});

describe('saved comparisons', () => {
  it('stores the statistics once and reads them back as stored, also after a run is deleted', () => {
    const id = experiment();
    const preview = comparisons.preview({ runs: [id] });
    const saved = comparisons.save({ name: '  QNN vs classical  ', runs: [id] });
    expect(saved).toMatchObject({ name: 'QNN vs classical', runIds: [id], missingRunIds: [], methodCount: 3, createdAt: '2026-12-01T10:00:00.000Z' });
    expect(saved.statistics).toEqual(JSON.parse(JSON.stringify(preview)));
    // A changed metric does not change a saved comparison: it is never recomputed.
    const child = runs.children(id).find((c) => c.name === 'mice, seed 1')!;
    lab.db.prepare("UPDATE run_metrics SET value = 0.5 WHERE run_id = ? AND name = 'auc'").run(child.id);
    expect(comparisons.preview({ runs: [id] }).methods[0].values.auc[0]).toBe(0.5);
    expect(comparisons.get({ id: saved.id }).statistics.methods[0].values.auc[0]).toBe(AUC_MICE[0]);
    // The run deleted: the comparison still opens with its numbers and says which run is gone.
    runs.delete(id);
    const reopened = comparisons.get({ id: saved.id });
    expect(reopened.missingRunIds).toEqual([id]);
    expect(reopened.statistics).toEqual(saved.statistics);
    expect(comparisons.list()).toEqual([expect.objectContaining({ id: saved.id, missingRunIds: [id], methodCount: 3 })]);
  });

  it('writes nothing when the statistics cannot be computed', () => {
    const id = experiment({ finish: false });
    expect(() => comparisons.save({ name: 'x', runs: [id] })).toThrow();
    expect(comparisons.list()).toEqual([]);
    expect(lab.db.prepare('SELECT COUNT(*) FROM comparison_runs').pluck().get()).toBe(0);
  });

  it('renames and deletes, and says when a comparison does not exist', () => {
    const id = experiment({ methods: ['mice', 'mean'] });
    const saved = comparisons.save({ name: 'first', runs: [id] });
    expect(comparisons.rename({ id: saved.id, name: 'second' }).name).toBe('second');
    expectError(() => comparisons.rename({ id: saved.id, name: '   ' }), { code: 'VALIDATION', field: 'name' });
    expect(comparisons.delete({ id: saved.id })).toEqual({ id: saved.id });
    expectError(() => comparisons.get({ id: saved.id }), { code: 'NOT_FOUND', field: 'id' }, /Comparison \d+ does not exist/);
    expectError(() => comparisons.delete({ id: saved.id }), { code: 'NOT_FOUND', field: 'id' });
    expectError(() => comparisons.rename({ id: 12345, name: 'x' }), { code: 'NOT_FOUND', field: 'id' });
    // The runs are untouched.
    expect(runs.get(id).status).toBe('succeeded');
  });
});

describe('comparisons.* channels', () => {
  let call: (channel: string, request: unknown) => Promise<Result<unknown>>;
  beforeEach(() => {
    const handlers = createHandlers({
      db: lab.db,
      databasePath: lab.path,
      transport: 'http',
      version: '0.1.0-test',
      datasets: new DatasetService(lab.db),
      devices: new DeviceProfileService(lab.db),
      runs,
    });
    call = (channel, request) => dispatch(handlers, channel, request);
  });
  const fail = async (channel: string, request: unknown) => {
    const r = await call(channel, request);
    if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return r.error as ApiError;
  };

  it('refuse bad input with the field at fault', async () => {
    expect(await fail('comparisons.preview', { runs: [] })).toMatchObject({ code: 'VALIDATION', field: 'runs' });
    expect(await fail('comparisons.preview', { runs: ['1'] })).toMatchObject({ code: 'VALIDATION', field: 'runs.0' });
    expect(await fail('comparisons.preview', { runs: [404] })).toMatchObject({ code: 'NOT_FOUND', field: 'runs.0' });
    expect(await fail('comparisons.save', { runs: [1] })).toMatchObject({ code: 'VALIDATION', field: 'name' });
    expect(await fail('comparisons.get', { id: 0 })).toMatchObject({ code: 'VALIDATION', field: 'id' });
    expect(await fail('comparisons.get', { id: 9 })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('save, list, get and delete through the API, the statistics JSON-safe', async () => {
    const id = experiment();
    const saved = await call('comparisons.save', { name: 'pbc', runs: [id] });
    if (!saved.ok) throw new Error(saved.error.message);
    const value = saved.value as { id: number };
    expect(JSON.parse(JSON.stringify(saved.value))).toEqual(saved.value);
    expect(await call('comparisons.list', {})).toMatchObject({ ok: true, value: [{ id: value.id, name: 'pbc' }] });
    expect(await call('comparisons.delete', { id: value.id })).toEqual({ ok: true, value: { id: value.id } });
  });
});

describe('flatConfig', () => {
  it('flattens nested options into dotted keys and joins plain lists', () => {
    expect(flatConfig({ mask: { mechanism: 'mcar', rate: 0.2 }, exclude: ['id', 'time'], methods: [{ name: 'mice' }], n: null })).toEqual({
      'mask.mechanism': 'mcar',
      'mask.rate': '0.2',
      exclude: 'id, time',
      'methods.0.name': 'mice',
    });
  });
});
