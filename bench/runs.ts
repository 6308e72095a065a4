// Runs benchmarks (issue 10): a database with 10,000 runs (a mix of kinds, statuses and tags; experiments with
// children) and 3,000,000 metric points (5 ingestion runs and one long run of 5 x 100,000 steps, 100 runs x 5 metrics
// x 2,000 steps, one series of 1,000,000 steps), then through the API (backend.dispatch: zod validation, handler, service) the first
// page of a sorted, filtered run list and a long run's metric series downsampled to 2,000 points per series, and
// metric ingestion as workers' batches arrive. Targets: < 50 ms, < 50 ms, >= 200,000 points/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricPoint } from '../electron/contract/run-protocol.ts';
import type { MetricSeries, RunPage } from '../electron/contract/runs.ts';
import { openBackend, type Backend } from '../electron/backend/backend.ts';
import { writeTransaction } from '../electron/backend/db/database.ts';
import { figures, rates } from './summary.ts';

const RUNS = 10_000;
const KINDS = ['train', 'train', 'train', 'experiment', 'import', 'apply-imputer', 'device-job'];
const STATUSES = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled', 'interrupted'];
const TAGS = ['baseline', 'qnn', 'pbc', 'icu', 'ionq', 'sweep', 'paper', 'debug'];
const METRICS = ['loss', 'accuracy', 'grad_norm', 'learning_rate', 'kept_fraction'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 10,000 runs in one transaction: top-level runs over a year, every experiment with 8 children (method x seed). */
export function seedRuns(backend: Backend): void {
  const rand = mulberry32(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const insert = backend.runs.db.prepare(
    `INSERT INTO runs (kind, name, parent_id, dataset_id, dataset_name, config, status, seeds, progress, tags, created_at, started_at, finished_at, duration_ms, app_version, core_version)
     VALUES (?, ?, ?, NULL, ?, '{}', ?, '[]', ?, ?, ?, ?, ?, ?, 'bench', 'bench')`,
  );
  const start = Date.parse('2026-01-01T00:00:00Z');
  writeTransaction(backend.runs.db, () => {
    let made = 0;
    for (let i = 0; made < RUNS; i++) {
      const kind = pick(KINDS);
      // The newest few are still active.
      const status = i > RUNS - 40 ? pick(['queued', 'running']) : pick(STATUSES);
      const created = start + i * 3_000_000 + Math.floor(rand() * 1000);
      const duration = status === 'queued' ? null : Math.floor(rand() * 3_600_000);
      const finished = status === 'queued' || status === 'running' ? null : new Date(created + duration!).toISOString();
      const tags = JSON.stringify([...new Set([pick(TAGS), pick(TAGS)])].slice(0, 1 + Math.floor(rand() * 2)));
      const dataset = pick(['pbc', 'icu-synthetic', 'toy']);
      const name = kind === 'experiment' ? `${dataset}: mean, mice, qnn-mice (mcar 0.2, 4 seeds) #${i}` : `${kind} ${dataset} ${16 * (1 + (i % 4))}q #${i}`;
      const iso = new Date(created).toISOString();
      const progress = status === 'succeeded' ? 1 : status === 'queued' ? null : rand();
      const id = Number(
        insert.run(kind, name, null, dataset, status, progress, tags, iso, status === 'queued' ? null : iso, finished, duration).lastInsertRowid,
      );
      made++;
      if (kind !== 'experiment') continue;
      for (let c = 0; c < 8 && made < RUNS; c++, made++) {
        insert.run('imputation', `${['mean', 'mice'][c % 2]}, seed ${c >> 1}`, id, dataset, 'succeeded', 1, '[]', iso, iso, finished, duration);
      }
    }
  });
}

/** A run's points: METRICS x steps, each batch of `batch` points as a worker sends it (step by step, every metric). */
function* batches(steps: number, batch: number, from = 0): Generator<MetricPoint[]> {
  let points: MetricPoint[] = [];
  for (let step = from; step < from + steps; step++) {
    for (const [k, name] of METRICS.entries()) {
      // kept_fraction is not computed (null) over one stretch: the series has a gap.
      const value = name === 'kept_fraction' && step % 50_000 > 20_000 && step % 50_000 < 20_500 ? null : Math.sin(step / (100 + k)) + k + step * 1e-6;
      points.push({ name, step, value });
    }
    if (points.length >= batch) {
      yield points;
      points = [];
    }
  }
  if (points.length > 0) yield points;
}

/** A run with one series of 1,000,000 steps (a decaying loss), written in the engine's batches; its id. */
export function seedMillionSteps(backend: Backend): number {
  const million = newRun(backend, 'one million steps');
  for (let from = 0; from < 1_000_000; from += 20_000) {
    backend.runs.appendMetrics(
      million,
      Array.from({ length: 20_000 }, (_, i) => ({ name: 'loss', step: from + i, value: Math.exp(-(from + i) / 3e5) + 0.01 * Math.sin(from + i) })),
    );
  }
  return million;
}

function newRun(backend: Backend, name: string): number {
  return backend.runs.create({ kind: 'train', name, config: {}, status: 'succeeded', tags: ['bench'] });
}

async function timeAsync(fn: () => Promise<void>, repeats: number, warmups = 2): Promise<number[]> {
  for (let k = 0; k < warmups; k++) await fn();
  const out: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function ok<T>(backend: Backend, channel: string, request: unknown): Promise<T> {
  const r = await backend.dispatch(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-bench-runs-'));
  const backend = openBackend({ databasePath: join(dir, 'runs.db'), transport: 'http', version: 'bench', seedSamples: false });
  try {
    let t0 = performance.now();
    seedRuns(backend);
    const seedRunsMs = performance.now() - t0;

    // Ingestion: 5 runs of 100,000 points each, in the engine's batches of 20,000 points (FLUSH_POINTS), each batch
    // one appendMetrics (one transaction).
    const ingest: number[] = [];
    for (let r = 0; r < 5; r++) {
      const id = newRun(backend, `ingest ${r}`);
      const all = [...batches(20_000, 20_000)];
      t0 = performance.now();
      for (const b of all) backend.runs.appendMetrics(id, b);
      ingest.push(performance.now() - t0);
    }

    // 100 runs x 5 metrics x 2,000 steps, one run of 5 x 100,000 steps, one series of 1,000,000 steps.
    t0 = performance.now();
    for (let r = 0; r < 100; r++) {
      const id = newRun(backend, `metrics ${r}`);
      for (const b of batches(2_000, 10_000)) backend.runs.appendMetrics(id, b);
    }
    const long = newRun(backend, 'long training');
    for (const b of batches(100_000, 20_000)) backend.runs.appendMetrics(long, b);
    const million = seedMillionSteps(backend);
    const seedMetricsMs = performance.now() - t0;
    const points = (backend.runs.db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get() as { n: number }).n;

    // The runs page's first view: top-level runs, finished ones of two kinds, newest first.
    const listRequest = { status: ['succeeded', 'failed'], kind: ['train', 'experiment'], sort: 'createdAt', limit: 50 };
    let page: RunPage | undefined;
    const listTimes = await timeAsync(async () => {
      page = await ok<RunPage>(backend, 'runs.list', listRequest);
    }, 15);
    // Other filters and sorts of the same page, for the record.
    const tagSearch = await timeAsync(() => ok(backend, 'runs.list', { tag: 'qnn', search: 'pbc', sort: 'name' }).then(() => undefined), 9);
    const byDuration = await timeAsync(() => ok(backend, 'runs.list', { sort: 'durationMs', status: 'succeeded' }).then(() => undefined), 9);
    const deep = await (async () => {
      let cursor: string | null | undefined;
      for (let k = 0; k < 20; k++) cursor = (await ok<RunPage>(backend, 'runs.list', { ...listRequest, ...(cursor ? { cursor } : {}) })).nextCursor;
      return timeAsync(() => ok(backend, 'runs.list', { ...listRequest, cursor }).then(() => undefined), 9);
    })();

    let series: MetricSeries[] = [];
    const seriesTimes = await timeAsync(async () => {
      series = await ok<MetricSeries[]>(backend, 'runs.metrics', { id: long, maxPoints: 2_000 });
    }, 15);
    const millionTimes = await timeAsync(() => ok(backend, 'runs.metrics', { id: million, maxPoints: 2_000 }).then(() => undefined), 15);
    const zoomTimes = await timeAsync(
      () => ok(backend, 'runs.metrics', { id: million, maxPoints: 2_000, fromStep: 250_000, toStep: 750_000 }).then(() => undefined),
      15,
    );

    return {
      runs_seed_10k_ms: Math.round(seedRunsMs),
      runs_seed_metric_points: points,
      runs_seed_metrics_ms: Math.round(seedMetricsMs),
      runs_list_total: page?.total,
      ...figures('runs_list_first_page_ms', listTimes, 2),
      ...figures('runs_list_tag_search_by_name_ms', tagSearch, 2),
      ...figures('runs_list_by_duration_ms', byDuration, 2),
      ...figures('runs_list_page_21_ms', deep, 2),
      run_metrics_series_points: series.map((s) => s.points.length).reduce((a, b) => a + b, 0),
      run_metrics_series_total: series.map((s) => s.total).reduce((a, b) => a + b, 0),
      ...figures('run_metrics_series_ms', seriesTimes, 2),
      ...figures('run_metrics_series_1m_ms', millionTimes, 2),
      ...figures('run_metrics_series_1m_zoom_ms', zoomTimes, 2),
      ...rates('metric_ingest_points_per_s', 100_000, ingest),
    };
  } finally {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
