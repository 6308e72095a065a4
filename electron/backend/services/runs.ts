// Runs over the experiment database: a training, an imputation experiment and its per-method and per-seed children,
// with their metrics (a time series per run, name and step) and log lines. Every change is one immediate transaction
// (writeTransaction), so a crash leaves each run either before or after a change, never half-way. The run engine
// (queue, workers, recovery) builds on this service; it owns nothing but the records.
import { LabError } from '../../../core/errors.ts';
import { writeTransaction, type Database } from '../db/database.ts';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

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

export interface RunRecord {
  id: number;
  kind: string;
  name: string | null;
  parentId: number | null;
  datasetId: number | null;
  datasetName: string | null;
  config: unknown;
  status: RunStatus;
  seeds: number[];
  progress: number | null;
  result: unknown;
  error: string | null;
  tags: string[];
  notes: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  appVersion: string;
}

export interface MetricPoint {
  name: string;
  step: number;
  /** null for a metric that could not be computed (e.g. PFC without categorical cells). */
  value: number | null;
}

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
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    parentId: r.parent_id,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    config: JSON.parse(r.config),
    status: r.status,
    seeds: JSON.parse(r.seeds) as number[],
    progress: r.progress,
    result: r.result === null ? null : JSON.parse(r.result),
    error: r.error,
    tags: JSON.parse(r.tags) as string[],
    notes: r.notes,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    appVersion: r.app_version,
  };
}

/** JSON text of a value, with non-finite numbers (NaN from an empty score) written as null. */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export class RunService {
  constructor(
    readonly db: Database,
    /** Recorded with every run: the app's version (core is versioned with it). */
    private readonly version: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private insert(run: NewRun, at: string): number {
    const info = this.db
      .prepare(
        `INSERT INTO runs (kind, name, parent_id, dataset_id, dataset_name, config, status, seeds, tags, created_at, app_version, core_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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

  private insertMetrics(runId: number, metrics: readonly MetricPoint[], at: number): void {
    const stmt = this.db.prepare('INSERT INTO run_metrics (run_id, step, name, value, at) VALUES (?, ?, ?, ?, ?)');
    for (const m of metrics) stmt.run(runId, m.step, m.name, m.value !== null && Number.isFinite(m.value) ? m.value : null, at);
  }

  create(run: NewRun): number {
    return writeTransaction(this.db, () => this.insert(run, this.now().toISOString()));
  }

  /** Marks a run running (started now), with the worker's pid when it has one. */
  start(id: number, pid: number | null = null): void {
    const at = this.now();
    writeTransaction(this.db, () => {
      this.require(id);
      this.db
        .prepare("UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?, worker_pid = ?, progress = 0 WHERE id = ?")
        .run(at.toISOString(), at.getTime(), pid, id);
    });
  }

  progress(id: number, fraction: number): void {
    writeTransaction(this.db, () => {
      this.db.prepare('UPDATE runs SET progress = ?, heartbeat_at = ? WHERE id = ?').run(Math.min(1, Math.max(0, fraction)), this.now().getTime(), id);
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
        this.db
          .prepare('UPDATE runs SET result = ?, started_at = created_at, finished_at = ?, duration_ms = ?, progress = 1 WHERE id = ?')
          .run(json(c.result), at.toISOString(), c.durationMs ?? null, id);
        this.insertMetrics(id, c.metrics, at.getTime());
        return id;
      });
      this.db.prepare('UPDATE runs SET progress = ?, heartbeat_at = ? WHERE id = ?').run(Math.min(1, Math.max(0, progress)), at.getTime(), parentId);
      return ids;
    });
  }

  /** Ends a run: succeeded with its result, or failed / cancelled / interrupted with the reason. */
  finish(id: number, outcome: { status: 'succeeded'; result: unknown } | { status: 'failed' | 'cancelled' | 'interrupted'; error: string }): void {
    const at = this.now();
    writeTransaction(this.db, () => {
      const run = this.require(id);
      const started = run.startedAt ? Date.parse(run.startedAt) : Date.parse(run.createdAt);
      const result = outcome.status === 'succeeded' ? json(outcome.result) : null;
      const error = outcome.status === 'succeeded' ? null : outcome.error;
      this.db
        .prepare(
          'UPDATE runs SET status = ?, result = COALESCE(?, result), error = ?, finished_at = ?, duration_ms = ?, progress = CASE WHEN ? THEN 1 ELSE progress END, heartbeat_at = NULL, worker_pid = NULL WHERE id = ?',
        )
        .run(outcome.status, result, error, at.toISOString(), at.getTime() - started, outcome.status === 'succeeded' ? 1 : 0, id);
    });
  }

  log(id: number, level: 'info' | 'warning' | 'error', message: string): void {
    writeTransaction(this.db, () => {
      this.db.prepare('INSERT INTO run_logs (run_id, at, level, message) VALUES (?, ?, ?, ?)').run(id, this.now().getTime(), level, message);
    });
  }

  get(id: number): RunRecord {
    return this.require(id);
  }

  children(id: number): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE parent_id = ? ORDER BY id').all(id) as RunRow[]).map(toRecord);
  }

  metrics(id: number): MetricPoint[] {
    return this.db.prepare('SELECT name, step, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(id) as MetricPoint[];
  }

  logs(id: number): { at: number; level: string; message: string }[] {
    return this.db.prepare('SELECT at, level, message FROM run_logs WHERE run_id = ? ORDER BY id').all(id) as { at: number; level: string; message: string }[];
  }

  /** Top-level runs (no parent), newest first. */
  list(filter: { status?: RunStatus; kind?: string; limit?: number } = {}): RunRecord[] {
    const where = ['parent_id IS NULL'];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.kind) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    args.push(filter.limit ?? 1000);
    return (this.db.prepare(`SELECT * FROM runs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...args) as RunRow[]).map(
      toRecord,
    );
  }

  private require(id: number): RunRecord {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new LabError('NOT_FOUND', `Run ${id} does not exist.`, { field: 'id', value: id });
    return toRecord(row);
  }
}
