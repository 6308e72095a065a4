import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedExperiment, SeedResult } from '../../../core/impute/experiment.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { fakeClock, type FakeClock } from '../../../test-support/files.ts';
import { LabError } from '../../../core/errors.ts';
import {
  DEFAULT_SORT_ORDER,
  MAX_RUN_NAME_LENGTH,
  MAX_RUN_NOTES_LENGTH,
  MAX_RUN_TAGS,
  MAX_TAG_LENGTH,
  RUN_SORT_FIELDS,
  type ListRunsRequest,
  type RunPatch,
} from '../../contract/runs.ts';
import type { Database } from '../db/database.ts';
import { recordExperiment, seedMetrics } from './experiments.ts';
import { RUN_STATUSES, RunService, type RunStatus } from './runs.ts';

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
    expect(runs.logs(id)).toEqual({ lines: [{ id: 1, at: '2026-12-01T10:00:02.500Z', level: 'warning', message: 'hello' }], hasMore: false });
    expect(() => runs.get(999)).toThrow(/Run 999 does not exist/);
  });

  it('keeps why a run failed with its code and field, besides the message; a success has none', () => {
    const failed = runs.create({ kind: 'import', config: {} });
    const failure = { code: 'CONFLICT' as const, field: 'missingTokens', value: ['0'], details: { rows: 418 } };
    runs.finish(failed, { status: 'failed', error: 'The missing-value token "0" would blank ...', failure });
    expect(runs.detail(failed)).toMatchObject({ status: 'failed', error: 'The missing-value token "0" would blank ...', failure });
    const ok = runs.create({ kind: 'import', config: {} });
    runs.finish(ok, { status: 'succeeded', result: 1 });
    expect(runs.detail(ok).failure).toBeNull();
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
    rec.finish({} as Parameters<typeof rec.finish>[0]);
    expect(runs.get(rec.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(runs.list()).toMatchObject({ total: 1, runs: [{ id: rec.id, childCount: 4 }] });
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

/** A run as the list tests create it, and what the test itself knows of it (the model the SQL is checked against). */
interface Made {
  id: number;
  kind: string;
  name: string | null;
  status: RunStatus;
  tags: string[];
  datasetId: number | null;
  createdAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  parentId: number | null;
}

const KINDS = ['train', 'experiment', 'import'];
const NAMES = ['alpha', 'Beta', 'gamma', 'DELTA', null, 'pbc 50%_done', 'beta', 'Alpha two'];
const TAGS = ['qnn', 'baseline', 'paper'];

/**
 * 40 top-level runs and 3 children under each of the first 4: kinds, statuses, tags, names (NULL, cases, LIKE's own
 * characters), two datasets, creation times 90 s apart with ties (every fifth run shares the time of the one before),
 * and durations and finish times for finished runs only.
 */
function makeRuns(runs: RunService, db: Database, clock: FakeClock): Made[] {
  const datasets = [1, 2].map((k) =>
    Number(
      db.prepare('INSERT INTO datasets (name, source, created_at, row_count, column_count, missing_cells) VALUES (?, ?, ?, 1, 1, 0)').run(`d${k}`, 'x', 'x')
        .lastInsertRowid,
    ),
  );
  const made: Made[] = [];
  const make = (i: number, parentId: number | null) => {
    if (i % 5 !== 4) clock.advance(90_000);
    const status = RUN_STATUSES[i % RUN_STATUSES.length];
    const finished = status !== 'queued' && status !== 'running';
    const run: Omit<Made, 'id'> = {
      kind: parentId ? 'imputation' : KINDS[i % 3],
      name: NAMES[i % NAMES.length],
      status,
      tags: TAGS.filter((_, t) => (i >> t) & 1),
      datasetId: i % 4 === 0 ? null : datasets[i % 2],
      createdAt: clock.now().toISOString(),
      finishedAt: finished ? new Date(clock.ms + 1000 * (i % 7)).toISOString() : null,
      durationMs: finished ? (i * 7919) % 5000 : null,
      parentId,
    };
    const id = runs.create({ kind: run.kind, name: run.name, parentId, datasetId: run.datasetId, config: {}, status, tags: run.tags });
    db.prepare('UPDATE runs SET finished_at = ?, duration_ms = ? WHERE id = ?').run(run.finishedAt, run.durationMs, id);
    made.push({ id, ...run });
    return id;
  };
  for (let i = 0; i < 40; i++) {
    const id = make(i, null);
    if (i < 4) for (let c = 0; c < 3; c++) make(100 + 3 * i + c, id);
  }
  return made;
}

/** The model's answer: filtered as the query says, sorted with NULLs smallest (names without case), ties by id. */
function expected(made: Made[], q: ListRunsRequest = {}): number[] {
  const sort = q.sort ?? 'createdAt';
  const order = q.order ?? DEFAULT_SORT_ORDER[sort];
  const list = <T>(v: T | T[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const keyOf = (r: Made): string | number =>
    sort === 'name' ? (r.name ?? '').toLowerCase() : sort === 'durationMs' ? (r.durationMs ?? -1) : sort === 'finishedAt' ? (r.finishedAt ?? '') : r[sort];
  return made
    .filter((r) => (q.includeChildren && q.parentId === undefined) || r.parentId === (q.parentId ?? null))
    .filter((r) => !q.status || list(q.status)!.includes(r.status))
    .filter((r) => !q.kind || list(q.kind)!.includes(r.kind))
    .filter((r) => !q.tag || r.tags.includes(q.tag))
    .filter((r) => !q.search || (r.name ?? '').toLowerCase().includes(q.search.toLowerCase()))
    .filter((r) => q.datasetId === undefined || r.datasetId === q.datasetId)
    .filter((r) => !q.createdAfter || r.createdAt >= new Date(q.createdAfter).toISOString())
    .filter((r) => !q.createdBefore || r.createdAt < new Date(q.createdBefore).toISOString())
    .sort((a, b) => {
      const [ka, kb] = [keyOf(a), keyOf(b)];
      const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
      return order === 'asc' ? c : -c;
    })
    .map((r) => r.id);
}

function refusal(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('RunService.list', () => {
  let made: Made[];
  beforeEach(() => {
    made = makeRuns(runs, db, clock);
  });

  it('lists top-level runs newest first, 50 at a time, with the total and each run as the list shows it', () => {
    const page = runs.list();
    expect(page.total).toBe(40);
    expect(page.runs).toHaveLength(40);
    expect(page.runs.map((r) => r.id)).toEqual(expected(made));
    expect(page.nextCursor).toBeNull();
    const first = made.find((r) => r.id === page.runs[39].id)!;
    expect(page.runs[39]).toEqual({
      id: first.id,
      kind: 'train',
      name: 'alpha',
      status: 'queued',
      progress: null,
      createdAt: '2026-12-01T10:01:30.000Z',
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      datasetId: null,
      datasetName: null,
      tags: [],
      parentId: null,
      error: null,
      childCount: 3,
      notes: null,
    });
    // Its children (runs 100..102 of makeRuns), newest first.
    expect(runs.list({ parentId: first.id }).runs.map((r) => r.name)).toEqual(['beta', 'pbc 50%_done', null]);
  });

  it('filters by status, kind, tag, text, dataset, parent and creation time, alone and together', () => {
    const cases: [ListRunsRequest, number][] = [
      // Hand counts over the 40 top-level runs: run i has status i mod 6, kind i mod 3, tag t when bit t of i is set,
      // name i mod 8, dataset 1 when i mod 4 = 2; runs 11 to 39 were created from 10:30 (the children and the ties of
      // makeRuns counted), run 23 at 10:45.
      [{ status: 'failed' }, 7],
      [{ status: ['queued', 'running'] }, 14],
      [{ kind: 'experiment' }, 13],
      [{ kind: ['experiment', 'import'] }, 26],
      [{ tag: 'paper' }, 20],
      [{ tag: 'nope' }, 0],
      [{ search: 'alpha' }, 10],
      [{ search: '%_' }, 5],
      [{ search: 'ALPHA T' }, 5],
      [{ datasetId: 1 }, 10],
      [{ parentId: 2 }, 0],
      // Children too: the 40 runs and the 12 children (runs 100..111, kind imputation; tag paper on 100-103 and 108-111).
      [{ includeChildren: true }, 52],
      [{ includeChildren: true, kind: 'imputation' }, 12],
      [{ includeChildren: true, tag: 'paper', sort: 'name' }, 28],
      [{ createdAfter: '2026-12-01T10:30:00Z' }, 29],
      [{ createdAfter: '2026-12-01T12:00:00+02:00', createdBefore: '2026-12-01T10:30:00.000Z' }, 11],
      [{ status: ['succeeded', 'failed'], kind: 'train', tag: 'qnn', createdBefore: '2026-12-01T10:45:00Z' }, 4],
    ];
    for (const [query, count] of cases) {
      const page = runs.list({ ...query, limit: 500 });
      expect(
        page.runs.map((r) => r.id),
        JSON.stringify(query),
      ).toEqual(expected(made, query));
      expect(page.total, JSON.stringify(query)).toBe(count);
    }
  });

  it('sorts by every field both ways, NULLs as the smallest, names without case, ties by id', () => {
    for (const sort of RUN_SORT_FIELDS) {
      for (const order of ['asc', 'desc', undefined] as const) {
        const query = { sort, order };
        expect(
          runs.list({ ...query, limit: 500 }).runs.map((r) => r.id),
          JSON.stringify(query),
        ).toEqual(expected(made, query));
      }
    }
  });

  it('pages with a cursor: every run once, in order, while new runs arrive and others change', () => {
    for (const sort of RUN_SORT_FIELDS) {
      for (const order of ['asc', 'desc'] as const) {
        const query: ListRunsRequest = { sort, order, status: ['succeeded', 'failed', 'cancelled', 'interrupted'] };
        const want = expected(made, query);
        const seen: number[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = runs.list({ ...query, limit: 7, cursor });
          expect(page.total).toBe(want.length);
          seen.push(...page.runs.map((r) => r.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(seen, `${sort} ${order}`).toEqual(want);
      }
    }
    // Newest first: a run created while the operator pages goes on top, and the next page goes on where it was.
    const first = runs.list({ limit: 10 });
    clock.advance(1);
    runs.create({ kind: 'train', config: {} });
    const second = runs.list({ limit: 10, cursor: first.nextCursor! });
    expect([...first.runs, ...second.runs].map((r) => r.id)).toEqual(expected(made).slice(0, 20));
    expect(second.total).toBe(41);
  });

  it('refuses a cursor it did not give, or one of another sort, and a bad query, naming the field', () => {
    const next = runs.list({ limit: 5 }).nextCursor!;
    for (const [query, field, message] of [
      [{ cursor: 'not-a-cursor' }, 'cursor', /not one that runs.list gave/],
      [{ cursor: Buffer.from('[1,2,3]').toString('base64url') }, 'cursor', /not one that runs.list gave/],
      [{ cursor: next, sort: 'name' }, 'cursor', /continues a list sorted by createdAt desc, not by name asc/],
      [{ cursor: next, order: 'asc' }, 'cursor', /not by createdAt asc/],
      [{ limit: 501 }, 'limit', /"limit" must be <= 500; got 501/],
      [{ status: 'done' }, 'status', /"status"/],
      [{ sort: 'size' }, 'sort', /"sort" must be one of/],
      [{ createdAfter: 'yesterday' }, 'createdAfter', /"createdAfter"/],
    ] as const) {
      const e = refusal(() => runs.list(query as ListRunsRequest));
      expect([e.code, e.field], JSON.stringify(query)).toEqual(['VALIDATION', field]);
      expect(e.message).toMatch(message);
    }
  });

  it('reads each sort in the order of its index (no sorting, a seek after a cursor)', () => {
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    const service = new RunService(Object.assign(Object.create(db), { prepare: (sql: string) => (statements.push(sql), prepare(sql)) }), 'test');
    for (const sort of RUN_SORT_FIELDS) {
      for (const order of ['asc', 'desc'] as const) {
        statements.length = 0;
        const page = service.list({ sort, order, status: 'succeeded', limit: 2 });
        service.list({ sort, order, status: 'succeeded', limit: 2, cursor: page.nextCursor! });
        const pages = statements.filter((sql) => sql.startsWith('SELECT id, kind'));
        expect(pages).toHaveLength(2);
        for (const sql of pages) {
          const params = { status: '["succeeded"]', limit: 3, ...(sql.includes('@afterKey') ? { afterKey: 'x', afterId: 1 } : {}) };
          const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((p) => p.detail).join('; ');
          const index = { createdAt: 'created', name: 'name', status: 'status', kind: 'kind', durationMs: 'duration', finishedAt: 'finished' }[sort];
          // After a cursor, the index is entered at the cursor (a second constraint), not read from its start.
          expect(plan, `${sort} ${order}`).toMatch(
            new RegExp(`SEARCH runs USING INDEX runs_list_${index} \\(parent_id=\\?${sql.includes('@afterKey') ? ' AND ' : ''}`),
          );
          expect(plan).not.toMatch(/TEMP B-TREE/);
        }
      }
    }
  });
});

describe('RunService records', () => {
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const tables = ['runs', 'run_metrics', 'run_metric_tiles', 'run_logs', 'checkpoints'];
  const counts = () => tables.map(count);

  /** An experiment with two children, each with metrics, logs and a checkpoint; and an unrelated run. */
  function family(status: RunStatus = 'succeeded') {
    const parent = runs.create({ kind: 'experiment', config: {}, status });
    const kids = [0, 1].map(() => runs.create({ kind: 'imputation', parentId: parent, config: {}, status: 'succeeded' }));
    const other = runs.create({ kind: 'train', config: {}, status: 'succeeded' });
    for (const id of [parent, ...kids, other]) {
      runs.appendMetrics(id, [
        { name: 'loss', step: 0, value: 1 },
        { name: 'loss', step: 1, value: 0.5 },
      ]);
      runs.log(id, 'info', 'started');
      db.prepare("INSERT INTO checkpoints (run_id, step, payload, created_at) VALUES (?, 1, x'00', 'x')").run(id);
    }
    return { parent, kids, other };
  }

  it('shows a run in detail: child count, metrics with counts and ends, worker pid and heartbeat', () => {
    const { parent } = family('queued');
    runs.start(parent, 4321);
    expect(runs.detail(parent)).toMatchObject({
      id: parent,
      status: 'running',
      childCount: 2,
      metrics: [{ name: 'loss', count: 2, firstStep: 0, lastStep: 1 }],
      workerPid: 4321,
      heartbeatAt: '2026-12-01T10:00:00.000Z',
      config: {},
      result: null,
      seeds: [],
      notes: null,
      appVersion: '0.1.0-test',
    });
    expect(refusal(() => runs.detail(999))).toMatchObject({ code: 'NOT_FOUND', field: 'id', value: 999, message: 'Run 999 does not exist.' });
  });

  it('deletes a run with its children, metrics, tiles, logs and checkpoints in one transaction, and nothing else', () => {
    const { parent, kids, other } = family();
    expect(counts()).toEqual([4, 8, 4 * 10, 4, 4]);
    expect(runs.delete(parent)).toEqual({ ids: [parent, ...kids] });
    expect(counts()).toEqual([1, 2, 10, 1, 1]);
    expect(runs.get(other).id).toBe(other);
    expect(runs.metricNames(other)).toEqual([{ name: 'loss', count: 2, firstStep: 0, lastStep: 1 }]);
    expect(refusal(() => runs.delete(parent))).toMatchObject({ code: 'NOT_FOUND', field: 'id', value: parent });
    // A failure half-way (here the last checkpoint's delete) leaves everything as it was.
    db.exec("CREATE TEMP TRIGGER no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    expect(() => runs.delete(other)).toThrow(/disk trouble/);
    expect(counts()).toEqual([1, 2, 10, 1, 1]);
  });

  it('refuses to delete a queued or running run, or one with such a child: CONFLICT naming it, nothing deleted', () => {
    const { parent, kids } = family();
    const queued = runs.create({ kind: 'train', config: {} });
    const before = counts();
    expect(refusal(() => runs.delete(queued))).toMatchObject({
      code: 'CONFLICT',
      field: 'id',
      value: queued,
      message: `Run ${queued} is queued: it cannot be deleted while the engine holds it. Cancel run ${queued} first, then delete run ${queued}.`,
    });
    runs.start(kids[1]);
    expect(refusal(() => runs.delete(parent))).toMatchObject({
      code: 'CONFLICT',
      message: `Run ${parent} has a child run (${kids[1]}) that is running: it cannot be deleted while the engine holds it. Cancel run ${kids[1]} first, then delete run ${parent}.`,
      details: { runId: kids[1], status: 'running' },
    });
    expect(counts()).toEqual(before);
    runs.finish(kids[1], { status: 'cancelled', error: 'cancelled' });
    expect(runs.delete(parent).ids).toHaveLength(3);
  });

  it('renames, annotates and tags a run within the limits, refusing what is over them with the field and changing nothing', () => {
    const id = runs.create({ kind: 'train', name: 'old', config: {}, tags: ['a'] });
    expect(runs.update(id, { name: '  toy run  ', notes: 'first try', tags: [' qnn ', 'paper', 'qnn'] })).toMatchObject({
      name: 'toy run',
      notes: 'first try',
      tags: ['qnn', 'paper'],
    });
    expect(runs.update(id, { notes: null, name: null })).toMatchObject({ name: null, notes: null, tags: ['qnn', 'paper'] });
    expect(runs.update(id, { notes: '   ' }).notes).toBeNull();
    expect(runs.update(id, { tags: [] }).tags).toEqual([]);
    runs.update(id, { name: 'kept', notes: 'kept', tags: ['kept'] });
    for (const [patch, field, message] of [
      [{ name: 'x'.repeat(MAX_RUN_NAME_LENGTH + 1) }, 'name', /Run update "name" must have at most 200 characters/],
      [{ name: '   ' }, 'name', /"name" must have at least 1 characters/],
      [{ notes: 'x'.repeat(MAX_RUN_NOTES_LENGTH + 1) }, 'notes', /at most 20000 characters/],
      [{ tags: Array.from({ length: MAX_RUN_TAGS + 1 }, (_, i) => `t${i}`) }, 'tags', /at most 32 entries/],
      [{ tags: ['ok', 'x'.repeat(MAX_TAG_LENGTH + 1)] }, 'tags.1', /"tags.1" must have at most 64 characters/],
      [{ tags: ['ok', ' '] }, 'tags.1', /"tags.1"/],
      [{ tags: 'qnn' }, 'tags', /"tags" must be an array/],
    ] as const) {
      const e = refusal(() => runs.update(id, patch as RunPatch));
      expect([e.code, e.field], JSON.stringify(patch).slice(0, 80)).toEqual(['VALIDATION', field]);
      expect(e.message).toMatch(message);
    }
    expect(runs.detail(id)).toMatchObject({ name: 'kept', notes: 'kept', tags: ['kept'] });
    // The list shows the notes too (edited in place there).
    expect(runs.list().runs.find((r) => r.id === id)).toMatchObject({ name: 'kept', notes: 'kept', tags: ['kept'] });
    expect(refusal(() => runs.update(999, { name: 'x' }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('pages through a run log after a line id', () => {
    const id = runs.create({ kind: 'train', config: {} });
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      runs.log(id, i === 3 ? 'error' : 'info', `line ${i}`);
    }
    const first = runs.logs(id, { limit: 2 });
    expect(first).toEqual({
      lines: [
        { id: 1, at: '2026-12-01T10:00:01.000Z', level: 'info', message: 'line 0' },
        { id: 2, at: '2026-12-01T10:00:02.000Z', level: 'info', message: 'line 1' },
      ],
      hasMore: true,
    });
    const rest = runs.logs(id, { afterId: 2, limit: 3 });
    expect(rest.lines.map((l) => [l.message, l.level])).toEqual([
      ['line 2', 'info'],
      ['line 3', 'error'],
      ['line 4', 'info'],
    ]);
    expect(rest.hasMore).toBe(false);
    expect(runs.logs(id, { afterId: 5 })).toEqual({ lines: [], hasMore: false });
    expect(refusal(() => runs.logs(id, { limit: 0 }))).toMatchObject({ code: 'VALIDATION', field: 'limit' });
    expect(refusal(() => runs.logs(77))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('RunService metrics', () => {
  it('stores a batch in one transaction: a batch that fails half-way leaves no point and no tile of it', () => {
    const id = runs.create({ kind: 'train', config: {} });
    runs.appendMetrics(id, [{ name: 'loss', step: 0, value: 1 }]);
    const tiles = db.prepare('SELECT * FROM run_metric_tiles ORDER BY level, name, bucket').all();
    db.exec("CREATE TEMP TRIGGER full_disk BEFORE INSERT ON run_metrics WHEN NEW.step = 150 BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const batch = Array.from({ length: 200 }, (_, step) => ({ name: step % 2 ? 'acc' : 'loss', step, value: step }));
    expect(() => runs.appendMetrics(id, batch)).toThrow(/disk full/);
    expect(runs.metrics(id)).toEqual([{ name: 'loss', step: 0, value: 1 }]);
    expect(db.prepare('SELECT * FROM run_metric_tiles ORDER BY level, name, bucket').all()).toEqual(tiles);
  });

  it('refuses a point without a usable step or name (naming it) and a missing run, storing nothing', () => {
    const id = runs.create({ kind: 'train', config: {} });
    for (const [point, field] of [
      [{ name: 'loss', step: -1, value: 1 }, 'points.1.step'],
      [{ name: 'loss', step: 1.5, value: 1 }, 'points.1.step'],
      [{ name: '', step: 1, value: 1 }, 'points.1.name'],
      [{ name: 'x'.repeat(201), step: 1, value: 1 }, 'points.1.name'],
    ] as const) {
      const e = refusal(() => runs.appendMetrics(id, [{ name: 'ok', step: 0, value: 0 }, point]));
      expect([e.code, e.field]).toEqual(['VALIDATION', field]);
    }
    expect(refusal(() => runs.appendMetrics(999, [{ name: 'ok', step: 0, value: 0 }]))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get()).toEqual({ n: 0 });
  });

  it('answers a short series as it is and a long one downsampled: at most maxPoints, first and last kept, gaps kept', () => {
    const id = runs.create({ kind: 'train', config: {} });
    // 30,000 steps of loss (NaN from 10,000 to 10,099: a gap), 40 of auc, 1 of lr.
    const loss = (step: number) => (step >= 10_000 && step < 10_100 ? NaN : 1 / (1 + step) + 0.001 * Math.sin(step));
    for (let from = 0; from < 30_000; from += 5_000) {
      runs.appendMetrics(
        id,
        Array.from({ length: 5_000 }, (_, i) => ({ name: 'loss', step: from + i, value: loss(from + i) })),
      );
    }
    runs.appendMetrics(id, [...Array.from({ length: 40 }, (_, i) => ({ name: 'auc', step: i * 10, value: i / 40 })), { name: 'lr', step: 7, value: null }]);
    expect(runs.metricNames(id)).toEqual([
      { name: 'auc', count: 40, firstStep: 0, lastStep: 390 },
      { name: 'loss', count: 30_000, firstStep: 0, lastStep: 29_999 },
      { name: 'lr', count: 1, firstStep: 7, lastStep: 7 },
    ]);
    const [auc, long, lr] = runs.metricSeries(id);
    expect(auc).toEqual({ name: 'auc', points: Array.from({ length: 40 }, (_, i) => [i * 10, i / 40]), total: 40, downsampled: false });
    expect(lr).toEqual({ name: 'lr', points: [[7, null]], total: 1, downsampled: false });
    expect(long.total).toBe(30_000);
    expect(long.downsampled).toBe(true);
    expect(long.points.length).toBeLessThanOrEqual(2_000);
    expect(long.points.length).toBeGreaterThan(1_900);
    expect(long.points[0]).toEqual([0, loss(0)]);
    expect(long.points.at(-1)).toEqual([29_999, loss(29_999)]);
    expect(long.points.every(([step, value]) => (value === null ? Number.isNaN(loss(step)) : value === loss(step)))).toBe(true);
    // The gap: one null where it starts, and the values on either side of it.
    expect(long.points.filter((p) => p[1] === null)).toEqual([[10_000, null]]);
    const at = long.points.findIndex((p) => p[1] === null);
    expect([long.points[at - 1][0], long.points[at + 1][0]]).toEqual([9_999, 10_100]);

    // A window of steps, some names, fewer points.
    const [zoom] = runs.metricSeries(id, ['loss'], { fromStep: 20_000, toStep: 20_999, maxPoints: 100 });
    expect(zoom.total).toBe(1_000);
    expect(zoom.points).toHaveLength(100);
    expect([zoom.points[0][0], zoom.points[99][0]]).toEqual([20_000, 20_999]);
    expect(runs.metricSeries(id, ['loss'], { fromStep: 20_000, toStep: 20_009 })[0]).toEqual({
      name: 'loss',
      points: Array.from({ length: 10 }, (_, i) => [20_000 + i, loss(20_000 + i)]),
      total: 10,
      downsampled: false,
    });
    // A metric not recorded (yet) is an empty series.
    expect(runs.metricSeries(id, ['val_loss'])).toEqual([{ name: 'val_loss', points: [], total: 0, downsampled: false }]);
    for (const [options, field] of [
      [{ maxPoints: 5 }, 'maxPoints'],
      [{ maxPoints: 20_001 }, 'maxPoints'],
      [{ fromStep: 10, toStep: 5 }, 'toStep'],
      [{ fromStep: -1 }, 'fromStep'],
    ] as const) {
      expect(refusal(() => runs.metricSeries(id, undefined, options))).toMatchObject({ code: 'VALIDATION', field });
    }
    expect(refusal(() => runs.metricSeries(999))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});
