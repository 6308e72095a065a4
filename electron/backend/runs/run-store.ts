// The run engine's writes to the runs tables, each one immediate transaction: claiming a queued run (compare-and-set,
// so two processes never run the same run), batches of progress, metrics and log lines, checkpoints (with what they
// finished, e.g. an experiment's seeds as child runs), heartbeats, cancel requests between processes, requeueing for
// resume, and marking runs interrupted whose owner died. Checkpoint payloads are stored with V8's serializer: exact
// doubles (-0 and NaN included) and typed arrays, so a resume continues from the very same numbers.
import { deserialize, serialize } from 'node:v8';
import type { MetricPoint, RunCheckpoint } from '../../contract/run-protocol.ts';
import { writeTransaction, type Database } from '../db/database.ts';
import { MetricStore } from '../db/metric-store.ts';

/** Checkpoints kept per run (older ones are dropped as new ones arrive). */
export const CHECKPOINTS_KEPT = 3;

export interface RunOwner {
  /** Random per process: `hostname:pid:random`. */
  id: string;
  pid: number;
  hostname: string;
}

/**
 * What a run reported since the last flush. Checkpoints wait for the flush too: a training with short epochs sends
 * hundreds a second, and one write per flush (the newest, with every one's effects) costs a fraction of one each.
 */
export interface PendingWrites {
  progress: { fraction: number; label?: string } | null;
  metrics: MetricPoint[];
  logs: { level: 'info' | 'warning' | 'error'; message: string; at: number }[];
  checkpoints: RunCheckpoint[];
}

export function emptyWrites(): PendingWrites {
  return { progress: null, metrics: [], logs: [], checkpoints: [] };
}

export function hasWrites(w: PendingWrites): boolean {
  return w.progress !== null || w.metrics.length > 0 || w.logs.length > 0 || w.checkpoints.length > 0;
}

/** Owner ids name their machine so that a pid is only ever checked on the machine it belongs to. */
export function ownerHostname(owner: string): string {
  return owner.slice(0, owner.indexOf(':'));
}

export class RunStore {
  /** Metric points go through the store that keeps the tiles charts read. */
  private readonly metrics: MetricStore;

  constructor(
    readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.metrics = new MetricStore(db);
  }

  /** The next queued top-level run this owner may take: highest priority, then oldest. */
  nextQueued(owner: string, claimUnowned: boolean): number | null {
    const row = this.db
      .prepare(`SELECT id FROM runs WHERE status = 'queued' AND parent_id IS NULL AND (owner = ? OR (? AND owner IS NULL)) ORDER BY priority DESC, id LIMIT 1`)
      .get(owner, claimUnowned ? 1 : 0) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** Sets a new queued run's owner (null: any host may take it) and priority; inside the transaction that creates it. */
  queue(id: number, owner: string | null, priority: number): void {
    this.db.prepare('UPDATE runs SET owner = ?, priority = ? WHERE id = ?').run(owner, priority, id);
  }

  /** queued -> running for this owner; false when another process took it first (or it is no longer queued). */
  claim(id: number, owner: RunOwner): boolean {
    const at = this.now();
    return writeTransaction(this.db, () => {
      const info = this.db
        .prepare(
          `UPDATE runs SET status = 'running', owner = ?, owner_pid = ?, started_at = COALESCE(started_at, ?), heartbeat_at = ?, progress = COALESCE(progress, 0),
             error = NULL, finished_at = NULL, cancel_requested = 0, worker_pid = NULL
           WHERE id = ? AND status = 'queued' AND (owner IS NULL OR owner = ?)`,
        )
        .run(owner.id, owner.pid, new Date(at).toISOString(), at, id, owner.id);
      return info.changes === 1;
    });
  }

  ownerOf(id: number): string | null {
    return (this.db.prepare('SELECT owner FROM runs WHERE id = ?').pluck().get(id) as string | null | undefined) ?? null;
  }

  setWorkerPid(id: number, pid: number): void {
    writeTransaction(this.db, () => this.db.prepare('UPDATE runs SET worker_pid = ? WHERE id = ?').run(pid, id));
  }

  /** Writes what several runs reported since the last flush, in one transaction. */
  flush(batches: ReadonlyMap<number, PendingWrites>, onCheckpoint?: (id: number, checkpoint: RunCheckpoint) => void): void {
    const at = this.now();
    const progress = this.db.prepare('UPDATE runs SET progress = ?, heartbeat_at = ? WHERE id = ?');
    const log = this.db.prepare('INSERT INTO run_logs (run_id, at, level, message) VALUES (?, ?, ?, ?)');
    writeTransaction(this.db, () => {
      for (const [id, w] of batches) {
        if (w.progress) progress.run(w.progress.fraction, at, id);
        this.metrics.write(id, w.metrics, at);
        for (const l of w.logs) log.run(id, l.at, l.level, l.message);
        // Every checkpoint's effects (an experiment's finished seeds) are recorded; only the newest is kept to resume from.
        for (const c of w.checkpoints) onCheckpoint?.(id, c);
        const newest = w.checkpoints.at(-1);
        if (newest) this.saveCheckpoint(id, newest, at);
      }
    });
  }

  /** Stores a checkpoint, dropping all but the newest few (inside flush's transaction). */
  private saveCheckpoint(id: number, checkpoint: RunCheckpoint, at: number): void {
    this.db
      .prepare(
        'INSERT INTO checkpoints (run_id, step, payload, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, step) DO UPDATE SET payload = excluded.payload, created_at = excluded.created_at',
      )
      .run(id, checkpoint.step, serialize(checkpoint.payload), new Date(at).toISOString());
    this.db
      .prepare('DELETE FROM checkpoints WHERE run_id = ? AND id NOT IN (SELECT id FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT ?)')
      .run(id, id, CHECKPOINTS_KEPT);
  }

  latestCheckpoint(id: number): RunCheckpoint | null {
    const row = this.db.prepare('SELECT step, payload FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT 1').get(id) as
      { step: number; payload: Buffer } | undefined;
    return row ? { step: row.step, payload: deserialize(row.payload) } : null;
  }

  /** A resumed run recomputes the steps after its checkpoint: their metric points go, so none is recorded twice. */
  dropMetricsAfter(id: number, step: number): void {
    writeTransaction(this.db, () => this.metrics.deleteAfter(id, step));
  }

  /** The owner is alive and its runs are not stale. */
  heartbeat(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const stmt = this.db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?');
    const at = this.now();
    writeTransaction(this.db, () => ids.forEach((id) => stmt.run(at, id)));
  }

  /** Another process asks the owner of a running run to cancel it. */
  requestCancel(id: number): boolean {
    return writeTransaction(this.db, () => this.db.prepare("UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status = 'running'").run(id).changes === 1);
  }

  /** Of these runs, the ones another process asked to cancel. */
  cancelRequests(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    const rows = this.db.prepare(`SELECT id FROM runs WHERE cancel_requested = 1 AND id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { id: number }[];
    return rows.map((r) => r.id);
  }

  /** queued -> cancelled, for a run that never started; false when it was no longer queued. */
  cancelQueued(id: number): boolean {
    const at = new Date(this.now()).toISOString();
    return writeTransaction(
      this.db,
      () =>
        this.db
          .prepare(
            "UPDATE runs SET status = 'cancelled', error = 'Cancelled before it started.', finished_at = ?, owner = NULL WHERE id = ? AND status = 'queued'",
          )
          .run(at, id).changes === 1,
    );
  }

  /** interrupted / failed / cancelled -> queued for this owner (or any host when null); false when another process resumed it first. */
  requeue(id: number, owner: string | null): boolean {
    return writeTransaction(
      this.db,
      () =>
        this.db
          .prepare(
            `UPDATE runs SET status = 'queued', owner = ?, owner_pid = NULL, worker_pid = NULL, cancel_requested = 0, error = NULL, finished_at = NULL
             WHERE id = ? AND status IN ('interrupted', 'failed', 'cancelled')`,
          )
          .run(owner, id).changes === 1,
    );
  }

  /**
   * Marks interrupted the runs whose owner is gone: a running (or claimed-but-queued) run whose owner's pid is dead on
   * this machine, or whose heartbeat is older than `staleMs`. Returns their ids.
   */
  recoverStale(options: { staleMs: number; hostname: string; isAlive: (pid: number) => boolean; except?: string }): number[] {
    const at = this.now();
    const candidates = this.db
      .prepare(
        `SELECT id, status, owner, owner_pid, heartbeat_at FROM runs WHERE owner IS NOT NULL AND (status = 'running' OR status = 'queued') AND owner IS NOT ?`,
      )
      .all(options.except ?? null) as { id: number; status: string; owner: string; owner_pid: number | null; heartbeat_at: number | null }[];
    const dead = candidates.filter((r) => {
      const local = ownerHostname(r.owner) === options.hostname;
      const pid = r.owner_pid ?? Number(r.owner.split(':')[1]);
      if (local && Number.isInteger(pid) && pid > 0 && !options.isAlive(pid)) return true;
      return r.status === 'running' && r.heartbeat_at !== null && at - r.heartbeat_at > options.staleMs;
    });
    if (dead.length === 0) return [];
    const iso = new Date(at).toISOString();
    const stmt = this.db.prepare(
      `UPDATE runs SET status = 'interrupted', error = ?, finished_at = ?, worker_pid = NULL, heartbeat_at = NULL WHERE id = ? AND status IN ('running', 'queued') AND owner = ?`,
    );
    return writeTransaction(this.db, () =>
      dead
        .filter((r) => {
          const pid = r.owner_pid ?? r.owner.split(':')[1];
          const why = `The process that ran it (pid ${pid}) stopped without finishing it (killed, crashed or closed). Resume it to continue from its last checkpoint.`;
          return stmt.run(why, iso, r.id, r.owner).changes === 1;
        })
        .map((r) => r.id),
    );
  }
}
