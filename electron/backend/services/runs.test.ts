import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedExperiment, SeedResult } from '../../../core/impute/experiment.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { fakeClock, type FakeClock } from '../../../test-support/files.ts';
import { recordExperiment, seedMetrics } from './experiments.ts';
import { RunService } from './runs.ts';

const lab = useTempDatabase('qnnlab-runs-');
let clock: FakeClock;
let runs: RunService;
let db: typeof lab.db;

beforeEach(() => {
  db = lab.db;
  clock = fakeClock('2026-12-01T10:00:00.000Z');
  runs = new RunService(db, '0.1.0-test', clock.now);
});

const experiment: ResolvedExperiment = {
  outcome: 'death',
  exclude: ['id', 'time'],
  methods: [
    { name: 'mean', options: {} },
    { name: 'qnn-mice', options: { cycles: 2 } },
  ],
  mask: { mechanism: 'mcar', rate: 0.2 },
  seeds: [1, 2],
  folds: 3,
};

function result(method: string, seed: number, nrmse: number): SeedResult {
  return {
    seed,
    method,
    options: {},
    recipe: { method },
    mask: { mechanism: 'mcar', rate: 0.2, realisedRate: 0.199, cells: 100 },
    rmse: 2 * nrmse,
    nrmse,
    pfc: null,
    columns: [
      { column: 'chol', kind: 'numeric', cells: 60, rmse: 1, nrmse, wasserstein: 0.5, pfc: null },
      { column: 'sex', kind: 'categorical', cells: 40, rmse: null, nrmse: null, wasserstein: null, pfc: 0.25 },
    ],
    auc: 0.8,
    aucFolds: [0.79, 0.8, 0.81],
    seconds: 1.5,
    circuits: method === 'qnn-mice' ? 1000 : 0,
    shots: 0,
    cycles: 2,
    stopReason: 'max-cycles',
    warnings: [],
  };
}

describe('RunService', () => {
  it('creates, starts and finishes a run with its times and result', () => {
    const id = runs.create({ kind: 'train', name: 'toy', config: { qubits: 8 }, seeds: [3] });
    expect(runs.get(id)).toMatchObject({
      id,
      kind: 'train',
      status: 'queued',
      config: { qubits: 8 },
      seeds: [3],
      appVersion: '0.1.0-test',
      parentId: null,
      tags: [],
    });
    runs.start(id, 1234);
    expect(db.prepare('SELECT worker_pid, heartbeat_at FROM runs WHERE id = ?').get(id)).toEqual({ worker_pid: 1234, heartbeat_at: clock.ms });
    clock.advance(2500);
    runs.progress(id, 0.5);
    runs.finish(id, { status: 'succeeded', result: { loss: 0.1, nan: NaN } });
    expect(runs.get(id)).toMatchObject({
      status: 'succeeded',
      progress: 1,
      durationMs: 2500,
      result: { loss: 0.1, nan: null },
      finishedAt: '2026-12-01T10:00:02.500Z',
    });
    expect(db.prepare('SELECT worker_pid, heartbeat_at FROM runs WHERE id = ?').get(id)).toEqual({ worker_pid: null, heartbeat_at: null });
    runs.log(id, 'warning', 'hello');
    expect(runs.logs(id)).toEqual([{ at: clock.ms, level: 'warning', message: 'hello' }]);
    expect(() => runs.get(999)).toThrow(/Run 999 does not exist/);
  });

  it('records an experiment: a parent run and one child per (method, seed) with metrics, one transaction per seed', () => {
    const rec = recordExperiment(runs, { experiment, dataset: { id: null, name: 'pbc', source: 'pbc.csv' } });
    const parent = runs.get(rec.id);
    expect(parent).toMatchObject({ kind: 'experiment', status: 'running', name: 'pbc: mean, qnn-mice (mcar 0.2, 2 seeds)', seeds: [1, 2], datasetName: 'pbc' });
    rec.recordSeed([result('mean', 1, 1.0), result('qnn-mice', 1, 0.9)], 0.5);
    expect(runs.get(rec.id).progress).toBe(0.5);
    const children = runs.children(rec.id);
    expect(children.map((c) => [c.kind, c.name, c.status, c.seeds])).toEqual([
      ['imputation', 'mean, seed 1', 'succeeded', [1]],
      ['imputation', 'qnn-mice, seed 1', 'succeeded', [1]],
    ]);
    const m = runs.metrics(children[1].id);
    const value = (name: string, step = 0) => m.find((p) => p.name === name && p.step === step)?.value;
    expect([value('nrmse'), value('rmse'), value('auc'), value('circuits'), value('nrmse/chol'), value('pfc/sex'), value('auc_fold', 2)]).toEqual([
      0.9, 1.8, 0.8, 1000, 0.9, 0.25, 0.81,
    ]);
    expect(value('pfc')).toBeNull();
    expect(m.some((p) => p.name === 'pfc/chol')).toBe(false);
    expect(seedMetrics(result('mean', 2, 1)).length).toBe(m.length);
    // A seed that fails half-way (its second child breaks a NOT NULL constraint) leaves nothing of itself: the first
    // child's insert and the progress update roll back with it; the earlier seed stays.
    const good = { run: { kind: 'imputation', config: {} }, result: {}, metrics: [{ name: 'nrmse', step: 0, value: 1 }] };
    const broken = { run: { kind: null as unknown as string, config: {} }, result: {}, metrics: [] };
    expect(() => runs.recordChildren(rec.id, [good, broken], 1)).toThrow(/NOT NULL/);
    expect(runs.children(rec.id)).toHaveLength(2);
    expect(runs.get(rec.id).progress).toBe(0.5);
    rec.recordSeed([result('mean', 2, 1.1), result('qnn-mice', 2, 0.95)], 1);
    rec.finish({ methods: [], varianceRatios: { nrmse: {}, rmse: {}, auc: {} } });
    expect(runs.get(rec.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(runs.list()).toHaveLength(1);
    // Deleting the experiment takes its children, their metrics and logs with it.
    db.prepare('DELETE FROM runs WHERE id = ?').run(rec.id);
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get()).toEqual({ n: 0 });
  });

  it('records a failed or cancelled experiment with the reason, keeping its finished seeds', () => {
    const rec = recordExperiment(runs, { experiment, dataset: { name: 'pbc' } });
    rec.recordSeed([result('mean', 1, 1), result('qnn-mice', 1, 0.9)], 0.5);
    rec.fail('cancelled', 'cancelled by the user (Ctrl+C)');
    expect(runs.get(rec.id)).toMatchObject({ status: 'cancelled', error: 'cancelled by the user (Ctrl+C)', progress: 0.5 });
    expect(runs.children(rec.id)).toHaveLength(2);
  });
});
