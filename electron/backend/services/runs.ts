// Runs over the experiment database: a training, an imputation experiment and its per-method and per-seed children,
// with their metrics (a time series per run, name and step; db/metric-store.ts) and log lines. Every change is one
// immediate transaction (writeTransaction), so a crash leaves each run either before or after a change, never
// half-way. The run engine (queue, workers, recovery) builds on this service; it owns nothing but the records. The
// runs pages and `qnnlab run list/show` read through list, detail, metricSeries and logs.
import { LabError, InvalidInputError } from '../../../core/errors.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import { MAX_METRIC_NAME, type MetricPoint } from '../../contract/run-protocol.ts';
import {
  ACTIVE_RUN_STATUSES,
  DEFAULT_SORT_ORDER,
  listRunsRequest,
  metricSeriesRequest,
  runLogsRequest,
  runPatch,
  type DeletedRuns,
  type ListRunsQuery,
  type ListRunsRequest,
  type LogPage,
  type MetricInfo,
  type MetricSeries,
  type RunDetail,
  type RunFailure,
  type RunLogLevel,
  type RunPage,
  type RunPatch,
  type RunSortField,
  type RunStatus,
  type RunSummary,
} from '../../contract/runs.ts';
import { writeTransaction, type Database } from '../db/database.ts';
import { MetricStore } from '../db/metric-store.ts';
import { statementCache, type Statement } from '../db/statements.ts';
import { downsampleSeries } from './metric-downsample.ts';

export { RUN_STATUSES, type RunStatus } from '../../contract/runs.ts';

export interface NewRun {
  kind: string;
  name?: string | null;
  parentId?: number | null;
  datasetId?: number | null;
  datasetName?: string | null;
  /** The run's normalised configuration (JSON-safe). */
  config: unknown;
  seeds?: number[];
  status?: RunStatus;
  tags?: string[];
}

/** A run as stored: its detail without the metric names and child count (detail() adds them). */
export type RunRecord = Omit<RunDetail, 'metrics' | 'childCount'>;

/** One point of a metric's time series (value null: not computable at that step). */
export type { MetricPoint } from '../../contract/run-protocol.ts';

/** A finished child run with its result and metrics, recorded together. */
export interface FinishedChild {
  run: NewRun;
  result: unknown;
  metrics: MetricPoint[];
  durationMs?: number;
}

interface RunRow {
  id: number;
  kind: string;
  name: string | null;
  parent_id: number | null;
  dataset_id: number | null;
  dataset_name: string | null;
  config: string;
  status: RunStatus;
  seeds: string;
  progress: number | null;
  result: string | null;
  error: string | null;
  tags: string;
  notes: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  app_version: string;
  worker_pid: number | null;
  heartbeat_at: number | null;
  failure: string | null;
}

type SummaryRow = Pick<
  RunRow,
  | 'id'
  | 'kind'
  | 'name'
  | 'status'
  | 'progress'
  | 'created_at'
  | 'started_at'
  | 'finished_at'
  | 'duration_ms'
  | 'dataset_id'
  | 'dataset_name'
  | 'tags'
  | 'parent_id'
  | 'error'
  | 'notes'
> & { child_count: number; sort_key: string | number };

const SUMMARY_COLUMNS =
  'id, kind, name, status, progress, created_at, started_at, finished_at, duration_ms, dataset_id, dataset_name, tags, parent_id, error, notes, ' +
  '(SELECT COUNT(*) FROM runs AS c WHERE c.parent_id = runs.id) AS child_count';

/** The columns a summary and a record share. */
function common(r: SummaryRow | RunRow): Omit<RunSummary, 'childCount'> {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    status: r.status,
    progress: r.progress,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    tags: JSON.parse(r.tags) as string[],
    parentId: r.parent_id,
    error: r.error,
    notes: r.notes,
  };
}

const toSummary = (r: SummaryRow): RunSummary => ({ ...common(r), childCount: r.child_count });

function toRecord(r: RunRow): RunRecord {
  return {
    ...common(r),
    config: JSON.parse(r.config),
    seeds: JSON.parse(r.seeds) as number[],
    result: r.result === null ? null : JSON.parse(r.result),
    appVersion: r.app_version,
    workerPid: r.worker_pid,
    heartbeatAt: r.heartbeat_at === null ? null : new Date(r.heartbeat_at).toISOString(),
    failure: r.failure === null ? null : (JSON.parse(r.failure) as RunFailure),
  };
}

/**
 * The SQL of each sort: an expression without NULLs (a NULL sorts as the smallest value), so that a keyset cursor
 * can continue after any row with one row-value comparison, `(key, id) < (?, ?)`.
 */
const SORT_KEYS: Record<RunSortField, string> = {
  createdAt: 'created_at',
  name: "IFNULL(name, '') COLLATE NOCASE",
  status: 'status',
  kind: 'kind',
  durationMs: 'IFNULL(duration_ms, -1)',
  finishedAt: "IFNULL(finished_at, '')",
};

/**
 * Paging by keyset cursor rather than offset: the engine adds runs and changes their status while an operator pages
 * through the list, and an offset then shifts under the reader (a new run on top repeats the last row of the page
 * before); a cursor continues after the last row seen, and costs the same on page 200 as on page 1. The cursor is
 * the sort, the order and the last row's sort key and id, as base64url JSON: opaque to clients.
 */
function encodeCursor(sort: RunSortField, order: 'asc' | 'desc', key: string | number, id: number): string {
  return Buffer.from(JSON.stringify([sort, order, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: RunSortField, order: 'asc' | 'desc'): { key: string | number; id: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === 4 &&
    (typeof parsed[2] === 'string' || typeof parsed[2] === 'number') &&
    Number.isSafeInteger(parsed[3]) &&
    parsed[3] > 0;
  if (!ok) {
    throw new InvalidInputError('The cursor is not one that runs.list gave. Ask for the first page again (without cursor).', {
      field: 'cursor',
      value: cursor,
    });
  }
  const [cursorSort, cursorOrder, key, id] = parsed as [unknown, unknown, string | number, number];
  if (cursorSort !== sort || cursorOrder !== order) {
    throw new InvalidInputError(
      `The cursor continues a list sorted by ${String(cursorSort)} ${String(cursorOrder)}, not by ${sort} ${order}. Ask for the first page again (without cursor), or keep the sort.`,
      { field: 'cursor', value: cursor },
    );
  }
  return { key, id };
}

const whereClause = (terms: readonly string[]) => (terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '');

/** `text` as a LIKE pattern that matches it anywhere, with its own % _ and \ taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** JSON text of a value, with non-finite numbers (NaN from an empty score) written as null. */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export class RunService {
  /** The run's metric series (points and the tiles charts read). */
  readonly metricStore: MetricStore;
  private readonly sql: (text: string) => Statement;

  constructor(
    readonly db: Database,
    /** Recorded with every run: the app's version (core is versioned with it). */
    private readonly version: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.metricStore = new MetricStore(db);
    this.sql = statementCache(db);
  }

  private insert(run: NewRun, at: string): number {
    const info = this.sql(
      `INSERT INTO runs (kind, name, parent_id, dataset_id, dataset_name, config, status, seeds, tags, created_at, app_version, core_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.kind,
      run.name ?? null,
      run.parentId ?? null,
      run.datasetId ?? null,
      run.datasetName ?? null,
      json(run.config),
      run.status ?? 'queued',
      json(run.seeds ?? []),
      json(run.tags ?? []),
      at,
      this.version,
      this.version,
    );
    return Number(info.lastInsertRowid);
  }

  create(run: NewRun): number {
    return writeTransaction(this.db, () => this.insert(run, this.now().toISOString()));
  }

  /** Marks a run running (started now), with the worker's pid when it has one. */
  start(id: number, pid: number | null = null): void {
    const at = this.now();
    writeTransaction(this.db, () => {
      this.require(id);
      this.sql("UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?, worker_pid = ?, progress = 0 WHERE id = ?").run(
        at.toISOString(),
        at.getTime(),
        pid,
        id,
      );
    });
  }

  progress(id: number, fraction: number): void {
    writeTransaction(this.db, () => {
      this.sql('UPDATE runs SET progress = ?, heartbeat_at = ? WHERE id = ?').run(Math.min(1, Math.max(0, fraction)), this.now().getTime(), id);
    });
  }

  /**
   * Records finished children of `parentId` (e.g. one seed's result per method) with their metrics, and the parent's
   * progress, in one transaction: a crash keeps every finished seed and none half-written.
   */
  recordChildren(parentId: number, children: readonly FinishedChild[], progress: number): number[] {
    const at = this.now();
    return writeTransaction(this.db, () => {
      this.require(parentId);
      const ids = children.map((c) => {
        const id = this.insert({ ...c.run, parentId, status: 'succeeded' }, at.toISOString());
        this.sql('UPDATE runs SET result = ?, started_at = created_at, finished_at = ?, duration_ms = ?, progress = 1 WHERE id = ?').run(
          json(c.result),
          at.toISOString(),
          c.durationMs ?? null,
          id,
        );
        this.metricStore.write(id, c.metrics, at.getTime());
        return id;
      });
      this.sql('UPDATE runs SET progress = ?, heartbeat_at = ? WHERE id = ?').run(Math.min(1, Math.max(0, progress)), at.getTime(), parentId);
      return ids;
    });
  }

  /** Ends a run: succeeded with its result, or failed / cancelled / interrupted with the reason (and its code and field). */
  finish(
    id: number,
    outcome: { status: 'succeeded'; result: unknown } | { status: 'failed' | 'cancelled' | 'interrupted'; error: string; failure?: RunFailure },
  ): void {
    const at = this.now();
    writeTransaction(this.db, () => {
      const run = this.require(id);
      const started = run.startedAt ? Date.parse(run.startedAt) : Date.parse(run.createdAt);
      const result = outcome.status === 'succeeded' ? json(outcome.result) : null;
      const error = outcome.status === 'succeeded' ? null : outcome.error;
      const failure = outcome.status === 'succeeded' || !outcome.failure ? null : json(outcome.failure);
      this.sql(
        'UPDATE runs SET status = ?, result = COALESCE(?, result), error = ?, failure = ?, finished_at = ?, duration_ms = ?, progress = CASE WHEN ? THEN 1 ELSE progress END, heartbeat_at = NULL, worker_pid = NULL WHERE id = ?',
      ).run(outcome.status, result, error, failure, at.toISOString(), at.getTime() - started, outcome.status === 'succeeded' ? 1 : 0, id);
    });
  }

  log(id: number, level: RunLogLevel, message: string): void {
    writeTransaction(this.db, () => {
      this.sql('INSERT INTO run_logs (run_id, at, level, message) VALUES (?, ?, ?, ?)').run(id, this.now().getTime(), level, message);
    });
  }

  /**
   * Stores a batch of metric points from a worker in one transaction (inside the caller's, when it has one), with
   * the tiles charts read. A step sent again replaces its value; a non-finite value is stored as a gap (null).
   */
  appendMetrics(runId: number, points: readonly MetricPoint[]): void {
    points.forEach((p, i) => {
      if (!Number.isSafeInteger(p.step) || p.step < 0) {
        throw new InvalidInputError(`Metric point ${i} of run ${runId} has step ${String(p.step)}: a step is a whole number from 0.`, {
          field: `points.${i}.step`,
          value: p.step,
          allowed: 'a whole number >= 0',
        });
      }
      if (typeof p.name !== 'string' || p.name.length === 0 || p.name.length > MAX_METRIC_NAME) {
        throw new InvalidInputError(`Metric point ${i} of run ${runId} has no usable name: a metric name has 1 to ${MAX_METRIC_NAME} characters.`, {
          field: `points.${i}.name`,
          value: p.name,
          allowed: `1 to ${MAX_METRIC_NAME} characters`,
        });
      }
    });
    writeTransaction(this.db, () => {
      this.requireExists(runId);
      this.metricStore.write(runId, points, this.now().getTime());
    });
  }

  /** The run's metrics with their point counts and first and last step, by name. */
  metricNames(runId: number): MetricInfo[] {
    this.requireExists(runId);
    return this.metricStore.names(runId);
  }

  /**
   * Series of the run's metrics (all of them without `names`), each at most maxPoints points: every point when the
   * step range holds no more, else an LTTB downsampling in which nulls stay gaps (services/metric-downsample.ts).
   */
  metricSeries(runId: number, names?: readonly string[], options: { maxPoints?: number; fromStep?: number; toStep?: number } = {}): MetricSeries[] {
    const request = parseOrThrow(metricSeriesRequest, { id: runId, names, ...options }, 'Metric series request');
    // One read transaction: tiles and points from the same snapshot, even while a worker's batches commit.
    return this.db.transaction(() => {
      this.requireExists(runId);
      return (request.names ?? this.metricStore.names(runId).map((m) => m.name)).map((name) => {
        const range = { from: request.fromStep, to: request.toStep };
        const selection = this.metricStore.select(runId, name, range, request.maxPoints);
        const downsampled = selection.preselected || selection.points.length > request.maxPoints;
        return { name, points: downsampled ? downsampleSeries(selection.points, request.maxPoints) : selection.points, total: selection.total, downsampled };
      });
    })();
  }

  get(id: number): RunRecord {
    return this.require(id);
  }

  /** A run with its child count and metric names: what the run page and `qnnlab run show` show. */
  detail(id: number): RunDetail {
    return this.db.transaction(() => {
      const run = this.require(id);
      const { n } = this.sql('SELECT COUNT(*) AS n FROM runs WHERE parent_id = ?').get(id) as { n: number };
      return { ...run, childCount: n, metrics: this.metricStore.names(id) };
    })();
  }

  children(id: number): RunRecord[] {
    return (this.sql('SELECT * FROM runs WHERE parent_id = ? ORDER BY id').all(id) as RunRow[]).map(toRecord);
  }

  /** Every metric point of a run, by name then step. */
  metrics(id: number): MetricPoint[] {
    return this.sql('SELECT name, step, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(id) as MetricPoint[];
  }

  /** A run's log lines in order, a page at a time: the lines after `afterId`. */
  logs(id: number, options: { afterId?: number; limit?: number } = {}): LogPage {
    const request = parseOrThrow(runLogsRequest, { id, ...options }, 'Log request');
    return this.db.transaction(() => {
      this.requireExists(id);
      const rows = this.sql('SELECT id, at, level, message FROM run_logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?').all(
        id,
        request.afterId ?? 0,
        request.limit + 1,
      ) as { id: number; at: number; level: RunLogLevel; message: string }[];
      const lines = rows.slice(0, request.limit).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
      return { lines, hasMore: rows.length > request.limit };
    })();
  }

  /**
   * A page of runs: filtered (every filter narrows), sorted with the id as tiebreak, with the count of all matches
   * and a cursor for the next page. Top-level runs unless parentId asks for a run's children (or includeChildren for all).
   */
  list(request: ListRunsRequest = {}): RunPage {
    const q: ListRunsQuery = parseOrThrow(listRunsRequest, request, 'Run list request');
    const order = q.order ?? DEFAULT_SORT_ORDER[q.sort];
    const where: string[] = [];
    if (q.parentId !== undefined) where.push('parent_id = @parentId');
    else if (!q.includeChildren) where.push('parent_id IS NULL');
    // Lists travel as one JSON parameter (json_each), so each combination of filters is one cached statement.
    if (q.status) where.push('status IN (SELECT value FROM json_each(@status))');
    if (q.kind) where.push('kind IN (SELECT value FROM json_each(@kind))');
    if (q.tag) where.push('EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = @tag)');
    if (q.search) where.push("name LIKE @search ESCAPE '\\'");
    if (q.datasetId !== undefined) where.push('dataset_id = @datasetId');
    if (q.createdAfter) where.push('created_at >= @createdAfter');
    if (q.createdBefore) where.push('created_at < @createdBefore');
    const params: Record<string, unknown> = {
      parentId: q.parentId,
      status: q.status && JSON.stringify(q.status),
      kind: q.kind && JSON.stringify(q.kind),
      tag: q.tag,
      search: q.search && containsPattern(q.search),
      datasetId: q.datasetId,
      createdAfter: q.createdAfter,
      createdBefore: q.createdBefore,
    };
    for (const key of Object.keys(params)) if (params[key] === undefined) delete params[key];
    const key = SORT_KEYS[q.sort];
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const page = [...where];
    const pageParams: Record<string, unknown> = { ...params, limit: q.limit + 1 };
    if (q.cursor) {
      const after = decodeCursor(q.cursor, q.sort, order);
      // The first term lets SQLite seek in the sort's index (it does not for a row value over an expression).
      const [from, beyond] = order === 'asc' ? ['>=', '>'] : ['<=', '<'];
      page.push(`${key} ${from} @afterKey AND (${key}, id) ${beyond} (@afterKey, @afterId)`);
      Object.assign(pageParams, { afterKey: after.key, afterId: after.id });
    }
    return this.db.transaction(() => {
      const rows = this.sql(
        `SELECT ${SUMMARY_COLUMNS}, ${key} AS sort_key FROM runs ${whereClause(page)} ORDER BY ${key} ${direction}, id ${direction} LIMIT @limit`,
      ).all(pageParams) as SummaryRow[];
      const { total } = this.sql(`SELECT COUNT(*) AS total FROM runs ${whereClause(where)}`).get(params) as { total: number };
      const more = rows.length > q.limit;
      const runs = rows.slice(0, q.limit);
      const last = runs[runs.length - 1];
      return { runs: runs.map(toSummary), total, nextCursor: more ? encodeCursor(q.sort, order, last.sort_key, last.id) : null };
    })();
  }

  /** Renames a run, sets its notes or replaces its tags (limits: the contract's runPatch), in one transaction. */
  update(id: number, patch: RunPatch): RunDetail {
    const p = parseOrThrow(runPatch, patch, 'Run update');
    writeTransaction(this.db, () => {
      this.requireExists(id);
      if (p.name !== undefined) this.sql('UPDATE runs SET name = ? WHERE id = ?').run(p.name, id);
      if (p.notes !== undefined) this.sql('UPDATE runs SET notes = ? WHERE id = ?').run(p.notes === null || p.notes.trim() === '' ? null : p.notes, id);
      if (p.tags !== undefined) this.sql('UPDATE runs SET tags = ? WHERE id = ?').run(json([...new Set(p.tags)]), id);
    });
    return this.detail(id);
  }

  /**
   * Deletes a run with everything under it (child runs, metrics, logs, checkpoints) in one transaction. A run that is
   * queued or running, or has such a child, belongs to the engine: CONFLICT, cancel it first.
   */
  delete(id: number): DeletedRuns {
    return writeTransaction(this.db, () => {
      const tree = this.sql(
        `WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT runs.id FROM runs JOIN tree ON runs.parent_id = tree.id)
         SELECT runs.id, runs.status FROM runs JOIN tree USING (id) ORDER BY runs.id`,
      ).all(id) as { id: number; status: RunStatus }[];
      if (tree.length === 0) throw notFound(id);
      const active = tree.find((r) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(r.status));
      if (active) {
        const which = active.id === id ? `Run ${id} is ${active.status}` : `Run ${id} has a child run (${active.id}) that is ${active.status}`;
        throw new LabError('CONFLICT', `${which}: it cannot be deleted while the engine holds it. Cancel run ${active.id} first, then delete run ${id}.`, {
          field: 'id',
          value: id,
          details: { runId: active.id, status: active.status },
        });
      }
      this.sql('DELETE FROM runs WHERE id = ?').run(id);
      return { ids: tree.map((r) => r.id) };
    });
  }

  private require(id: number): RunRecord {
    const row = this.sql('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw notFound(id);
    return toRecord(row);
  }

  private requireExists(id: number): void {
    if (!this.sql('SELECT 1 FROM runs WHERE id = ?').get(id)) throw notFound(id);
  }
}

const notFound = (id: number) => new LabError('NOT_FOUND', `Run ${id} does not exist.`, { field: 'id', value: id });
