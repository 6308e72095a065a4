// The run engine of a host (Electron's main process, the web host, the CLI, a detached runner): a queue in the
// database, an executor that runs each run in a worker process, and persistence of everything the workers report as
// it arrives. The host owns the database; workers compute.
// - submit: checks the config with the kind's schema (VALIDATION naming the field), prepares the input on the host
//   (which also checks what the config names: a dataset, a backend), records the run as queued, and starts it when a
//   slot is free. Queued runs start by priority, then in the order they were queued.
// - Progress, metric batches and log lines are written together every FLUSH_MS in one transaction; checkpoints are
//   written as they come, with what they finished; a crash loses at most the steps since the last checkpoint.
// - cancel: a queued run is cancelled at once; a running one is asked to stop and killed after a grace period; a run
//   owned by another process gets a cancel request that its owner sees within a heartbeat.
// - A worker that dies leaves its run `interrupted` with the exit code or signal; an owner that dies leaves runs whose
//   pid is gone or whose heartbeat is stale, which any engine on the database marks `interrupted` (at start and on
//   every heartbeat). resume continues from the last checkpoint; only one process wins a resume.
import { availableParallelism, hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { InvalidInputError, LabError } from '../../../core/errors.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import type { RunCheckpoint, WorkerToHost } from '../../contract/run-protocol.ts';
import { runKind as defaultRunKind } from '../../workers/kinds/index.ts';
import type { RunFailure } from '../../contract/runs.ts';
import type { ChildRecord, Prepared, RunHost, RunKind, RunPayload } from '../../workers/kinds/types.ts';
import type { RunRecord, RunService, RunStatus } from '../services/runs.ts';
import type { Execution, RunExecutor } from './executor.ts';
import { writeTransaction } from '../db/database.ts';
import { ProviderJobLedger } from '../services/provider-jobs.ts';
import { emptyWrites, hasWrites, RunStore, type PendingWrites, type RunOwner } from './run-store.ts';
import { refuseOverBudget, refuseUnconfirmedCharges, runCost } from './budget.ts';
import { readLabSettings } from '../services/settings.ts';
import type { RunCheck } from '../../contract/run-check.ts';
import { IMPORT_RUN_KIND } from '../../contract/datasets.ts';

export const FLUSH_MS = 200;
/** Metric points buffered per run before a flush is forced. */
export const FLUSH_POINTS = 20_000;
export const HEARTBEAT_MS = 1_000;
/** A running run whose owner has not written a heartbeat for this long is taken for dead. */
export const STALE_MS = 30_000;
/** How long a cancelled worker may take to stop before it is killed. */
export const CANCEL_GRACE_MS = 5_000;
/** Runs at once by default; at most one per core (a worker keeps one core busy). */
export const DEFAULT_CONCURRENCY = 1;

export function checkConcurrency(n: number | undefined, cores = availableParallelism()): number {
  if (n === undefined) return DEFAULT_CONCURRENCY;
  if (!Number.isInteger(n) || n < 1 || n > cores) {
    throw new InvalidInputError(`concurrency must be a whole number of runs from 1 to ${cores} (this machine's cores); got ${n}`, {
      field: 'concurrency',
      value: n,
      allowed: `1 to ${cores}`,
    });
  }
  return n;
}

export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export interface EngineNotifier {
  /** Runs whose record changed (status, name, children...); an empty list: something changed, refetch. */
  changed(ids: number[]): void;
  /** A running run's progress (rate-limited by FLUSH_MS). */
  progress(update: { id: number; fraction: number; label: string | null }): void;
}

export interface RunEngineOptions {
  runs: RunService;
  host: RunHost;
  executor: RunExecutor;
  notify?: EngineNotifier;
  /** Take queued runs that no process owns (the app's hosts); the CLI takes only its own. */
  claimUnowned: boolean;
  /** This process as the owner of its runs (default: a new random id for this process). */
  owner?: RunOwner;
  kinds?: (name: string) => RunKind;
  now?: () => number;
  isAlive?: (pid: number) => boolean;
  heartbeatMs?: number;
  staleMs?: number;
  /** Host-level diagnostics (a rejected message, a failed write), besides the run's own log. */
  warn?: (message: string) => void;
}

export interface SubmitRequest {
  kind: string;
  config: unknown;
  name?: string;
  tags?: string[];
  priority?: number;
  /** Start it even when its estimated device cost exceeds the budget in Settings. */
  overBudget?: boolean;
  /** The user confirmed that its cloud QPU jobs are charged (refused without). */
  confirmCharges?: boolean;
}

interface Active {
  id: number;
  kind: RunKind;
  execution: Execution | null;
  writes: PendingWrites;
  final: boolean;
  cancelling: boolean;
  killTimer: ReturnType<typeof setTimeout> | null;
  /** The worker's last message is being stored (a result's completion may take a while). */
  settling: Promise<void> | null;
  /** The last progress reported (children recorded by a checkpoint carry it to the parent). */
  fraction: number;
  /** What the worker sent ahead of its result, for the kind's `complete`. */
  artifacts: unknown[];
  /** The prepared payload, disposed when the run ends. */
  payload: RunPayload | null;
  /** Fires when the run is cancelled while its result is being stored (`complete`). */
  completion: AbortController;
}

/** An owner id for a process (default this one); a detached runner's is made from its pid and a key its parent chose. */
export function newOwner(pid = process.pid, key = randomBytes(6).toString('hex')): RunOwner {
  const host = hostname().replace(/:/g, '_');
  return { id: `${host}:${pid}:${key}`, pid, hostname: host };
}

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunEngine {
  readonly owner: RunOwner;
  private readonly store: RunStore;
  /** Cloud provider jobs, written as workers report them (the ledger a resumed run reattaches from). */
  private readonly ledger: ProviderJobLedger;
  private readonly kinds: (name: string) => RunKind;
  private readonly active = new Map<number, Active>();
  /** Inputs prepared at submit or resume, used when the run starts (a run queued elsewhere is prepared then). */
  private readonly prepared = new Map<number, Prepared<unknown>>();
  private readonly now: () => number;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private pumping = false;
  private closed = false;
  private dataVersion: number;

  constructor(private readonly options: RunEngineOptions) {
    this.owner = options.owner ?? newOwner();
    this.now = options.now ?? Date.now;
    this.store = new RunStore(options.runs.db, this.now);
    this.ledger = new ProviderJobLedger(options.runs.db, this.now);
    this.kinds = options.kinds ?? defaultRunKind;
    this.dataVersion = this.readDataVersion();
    this.recover();
    this.heartbeatTimer = setInterval(() => this.tick(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeatTimer.unref?.();
    void this.pump();
  }

  /** Validates, prepares and queues a run; it starts as soon as a slot is free. */
  async submit(request: SubmitRequest): Promise<RunRecord> {
    this.checkOpen();
    const kind = this.kinds(request.kind);
    const config = parseOrThrow(kind.config, request.config, `${kind.kind} config`, 'config');
    const prepared = await prepareConfig(kind, config, this.options.host);
    try {
      if (!request.confirmCharges) refuseUnconfirmedCharges(kind, prepared.input);
      if (!request.overBudget) refuseOverBudget(this.cost(kind, prepared));
    } catch (e) {
      this.dispose(prepared.payload);
      throw e;
    }
    // Created with its owner and priority in one transaction: no other host may claim a CLI's run in between.
    const id = writeTransaction(this.options.runs.db, () => {
      const created = this.options.runs.create({
        kind: kind.kind,
        name: request.name ?? prepared.name,
        datasetId: prepared.datasetId ?? null,
        datasetName: prepared.datasetName ?? null,
        config,
        seeds: prepared.seeds ?? [],
        tags: request.tags ?? [],
        status: 'queued',
      });
      this.store.queue(created, this.options.claimUnowned ? null : this.owner.id, request.priority ?? 0);
      return created;
    });
    this.prepared.set(id, prepared);
    this.notify([id]);
    void this.pump();
    return this.options.runs.get(id);
  }

  /**
   * Checks a run as submit does (schema, prepare, the budget's figures) without queueing it. An import is checked by
   * its schema only: preparing it takes its upload, which only the run may do.
   */
  async check(request: Pick<SubmitRequest, 'kind' | 'config'>): Promise<RunCheck> {
    const kind = this.kinds(request.kind);
    const config = parseOrThrow(kind.config, request.config, `${kind.kind} config`, 'config');
    const budget = readLabSettings(this.options.runs.db).budgetUSD;
    if (kind.kind === IMPORT_RUN_KIND) {
      return { kind: kind.kind, name: kind.kind, datasetId: null, datasetName: null, seeds: [], ...runCost(kind, null, budget) };
    }
    const prepared = await prepareConfig(kind, config, this.options.host);
    this.dispose(prepared.payload);
    return {
      kind: kind.kind,
      name: prepared.name,
      datasetId: prepared.datasetId ?? null,
      datasetName: prepared.datasetName ?? null,
      seeds: prepared.seeds ?? [],
      ...runCost(kind, prepared.input, budget),
    };
  }

  /** A prepared run's device cost against the budget in Settings. */
  private cost(kind: RunKind, prepared: Prepared<unknown>) {
    return runCost(kind, prepared.input, readLabSettings(this.options.runs.db).budgetUSD);
  }

  /** Cancels a queued or running run (here or in another process); CONFLICT for a finished one. */
  async cancel(id: number): Promise<RunRecord> {
    const run = this.options.runs.get(id);
    if (run.status === 'queued') {
      if (this.store.cancelQueued(id)) {
        this.dispose(this.prepared.get(id)?.payload);
        this.prepared.delete(id);
        this.notify([id]);
        return this.options.runs.get(id);
      }
      return this.cancel(id); // it started meanwhile
    }
    if (run.status !== 'running') {
      throw new LabError('CONFLICT', `Run ${id} has already ended (${run.status}); there is nothing to cancel.`, { field: 'id', value: id });
    }
    const mine = this.active.get(id);
    if (mine) this.stop(mine);
    else this.store.requestCancel(id);
    return this.options.runs.get(id);
  }

  /** Queues an interrupted, failed or cancelled run again, to continue from its last checkpoint. */
  async resume(id: number): Promise<RunRecord> {
    this.checkOpen();
    const run = this.options.runs.get(id);
    if (run.status === 'succeeded') {
      throw new LabError('CONFLICT', `Run ${id} has already succeeded; there is nothing to resume. Start a new run to train again.`, {
        field: 'id',
        value: id,
      });
    }
    if (run.status === 'queued' || run.status === 'running') {
      throw new LabError('CONFLICT', `Run ${id} is already ${run.status}.`, { field: 'id', value: id });
    }
    if (run.parentId !== null) {
      throw new LabError('CONFLICT', `Run ${id} is part of run ${run.parentId}; resume run ${run.parentId} instead.`, { field: 'id', value: id });
    }
    const kind = this.kinds(run.kind);
    if (!kind.resumable) {
      throw new LabError('CONFLICT', `Runs of kind ${kind.kind} cannot resume; start a new one.`, { field: 'id', value: id });
    }
    const config = parseOrThrow(kind.config, run.config, `${kind.kind} config`, 'config');
    let prepared: Prepared<unknown>;
    try {
      prepared = await prepareConfig(kind, config, this.options.host);
    } catch (e) {
      if (e instanceof LabError && e.code === 'NOT_FOUND' && run.datasetId === null && run.datasetName !== null) {
        throw new LabError(
          'NOT_FOUND',
          `Run ${id} cannot resume: its dataset "${run.datasetName}" was deleted after the run started. The run keeps its record and results; start a new run on another dataset.`,
          { field: 'config.datasetId' },
        );
      }
      throw e;
    }
    if (!this.store.requeue(id, this.options.claimUnowned ? null : this.owner.id)) {
      const now = this.options.runs.get(id);
      this.dispose(prepared.payload);
      throw new LabError('CONFLICT', `Run ${id} was resumed by another process first (it is ${now.status}).`, { field: 'id', value: id });
    }
    this.prepared.set(id, prepared);
    this.notify([id]);
    void this.pump();
    return this.options.runs.get(id);
  }

  /** Resolves with the run once it has ended (in this process or any other on the database). */
  async wait(id: number, options: { signal?: AbortSignal; pollMs?: number } = {}): Promise<RunRecord> {
    for (;;) {
      const run = this.options.runs.get(id);
      if (TERMINAL_STATUSES.includes(run.status) && !this.active.has(id)) return run;
      // Ours, marked running, yet not running here: the database refused to record its end (a full disk); it stays
      // as last written (the next start marks it interrupted), and waiting longer would wait forever.
      if (run.status === 'running' && !this.active.has(id) && this.store.ownerOf(id) === this.owner.id) return run;
      if (options.signal?.aborted) return run;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  }

  /** The runs this engine is running now. */
  running(): number[] {
    return [...this.active.keys()];
  }

  /**
   * Stops the engine: running workers are killed and their runs marked interrupted (resumable), buffered writes
   * flushed. Queued runs stay queued for the next host.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const a of this.active.values()) {
      a.final = true;
      a.execution?.kill();
    }
    await Promise.all([...this.active.values()].map((a) => a.settling));
    this.flush();
    for (const a of this.active.values()) {
      this.finishRun(a, { status: 'interrupted', error: 'The host closed while the run was going. Resume it to continue from its last checkpoint.' });
    }
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  // --- the queue -----------------------------------------------------------------------------------------------------

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (!this.closed && this.active.size < this.options.executor.capacity) {
        const id = this.store.nextQueued(this.owner.id, this.options.claimUnowned);
        if (id === null || !this.store.claim(id, this.owner)) break;
        await this.launch(id);
      }
    } catch (e) {
      this.warn(`The run queue stopped: ${(e as Error).message}`);
    } finally {
      this.pumping = false;
    }
  }

  private async launch(id: number): Promise<void> {
    const run = this.options.runs.get(id);
    let kind: RunKind;
    const active: Active = {
      id,
      kind: null!,
      execution: null,
      writes: emptyWrites(),
      final: false,
      cancelling: false,
      killTimer: null,
      settling: null,
      fraction: run.progress ?? 0,
      artifacts: [],
      payload: null,
      completion: new AbortController(),
    };
    this.active.set(id, active);
    this.notify([id]);
    let prepared: Prepared<unknown> | undefined;
    let checkpoint: RunCheckpoint | null;
    try {
      kind = this.kinds(run.kind);
      active.kind = kind;
      prepared = this.prepared.get(id);
      this.prepared.delete(id);
      prepared ??= await kind.prepare(parseOrThrow(kind.config, run.config, `${kind.kind} config`, 'config'), this.options.host);
      active.payload = prepared.payload ?? null;
      checkpoint = kind.resumable ? this.store.latestCheckpoint(id) : null;
      if (checkpoint && (kind.resumeMetrics ?? 'after-checkpoint') === 'after-checkpoint') this.store.dropMetricsAfter(id, checkpoint.step);
    } catch (e) {
      this.finishRun(active, { status: 'failed', error: messageOf(e), failure: failureOf(e) });
      return;
    }
    if (active.cancelling) return this.finishRun(active, { status: 'cancelled', error: 'Cancelled before it started.' });
    active.execution = this.options.executor.execute(
      { runId: id, kind: kind.kind, input: prepared.input, checkpoint, payload: active.payload, jobs: this.ledger.forRun(id) },
      {
        message: (m) => this.onMessage(active, m),
        rejected: (reason) => this.rejected(active, reason),
        exit: (exit) => {
          void (async () => {
            await active.settling;
            if (active.final) return;
            active.final = true;
            this.flushRun(active);
            if (exit.stderr.trim()) this.log(active, 'error', `The worker's last output:\n${exit.stderr.trim()}`);
            const how = exit.signal ? `was killed by signal ${exit.signal}` : `exited with code ${exit.code}`;
            if (active.cancelling) this.finishRun(active, { status: 'cancelled', error: 'Cancelled: the worker was stopped.' });
            else if (!exit.started) this.finishRun(active, { status: 'failed', error: `The run's worker could not start (it ${how}). See the run's log.` });
            else
              this.finishRun(active, {
                status: 'interrupted',
                error: `The run's worker ${how} before it finished. Resume the run to continue from its last checkpoint.`,
              });
          })();
        },
      },
    );
  }

  // --- what workers report -----------------------------------------------------------------------------------------

  private onMessage(a: Active, m: WorkerToHost): void {
    if (a.final) return this.rejected(a, `a ${m.type} message after the run's final message`);
    switch (m.type) {
      case 'ready':
        this.write(() => this.store.setWorkerPid(a.id, m.pid), a);
        return;
      case 'progress':
        return this.progress(a, m.fraction, m.label);
      case 'metrics':
        for (const p of m.points) a.writes.metrics.push(p);
        if (a.writes.metrics.length >= FLUSH_POINTS) return this.flush();
        return this.scheduleFlush();
      case 'log':
        return this.log(a, m.level, m.message);
      case 'artifact':
        a.artifacts.push(m.artifact);
        return;
      case 'checkpoint':
        a.writes.checkpoints.push(m.checkpoint);
        return this.scheduleFlush();
      case 'job':
        // At once, not with the next flush: a job's intent is on record before the worker submits it.
        return this.write(() => this.ledger.record(a.id, m.job), a);
      case 'result':
      case 'error':
        a.final = true;
        a.settling = this.settle(a, m);
        return;
    }
  }

  private async settle(a: Active, m: Extract<WorkerToHost, { type: 'result' | 'error' }>): Promise<void> {
    this.flushRun(a);
    if (a.killTimer) clearTimeout(a.killTimer);
    try {
      if (m.type === 'error') {
        if (m.error.stack) this.log(a, 'error', m.error.stack);
        this.flushRun(a);
        const status = m.error.code === 'CANCELLED' ? 'cancelled' : 'failed';
        const { code, field, value, allowed, details } = m.error;
        this.finishRun(a, { status, error: status === 'cancelled' ? 'Cancelled.' : m.error.message, failure: { code, field, value, allowed, details } });
      } else {
        let stored: unknown;
        const artifacts = a.artifacts;
        a.artifacts = [];
        try {
          const completion = { artifacts, signal: a.completion.signal, progress: (fraction: number, label?: string) => this.progress(a, fraction, label) };
          stored = a.kind.complete ? await a.kind.complete(m.result, this.options.host, completion) : m.result;
        } catch (e) {
          if (e instanceof LabError && e.code === 'CANCELLED') return this.finishRun(a, { status: 'cancelled', error: 'Cancelled.' });
          return this.finishRun(a, { status: 'failed', error: messageOf(e), failure: failureOf(e) });
        }
        this.finishRun(a, { status: 'succeeded', result: stored });
      }
    } finally {
      a.execution?.kill();
    }
  }

  private progress(a: Active, fraction: number, label: string | undefined): void {
    a.writes.progress = { fraction, label };
    a.fraction = fraction;
    this.options.notify?.progress({ id: a.id, fraction, label: label ?? null });
    this.scheduleFlush();
  }

  /** Disposes a run's payload (e.g. deletes its upload); a failure is only worth a warning. */
  private dispose(payload: RunPayload | null | undefined): void {
    payload?.dispose().catch((e: unknown) => this.warn(`A run's payload could not be disposed of: ${messageOf(e)}`));
  }

  private recordChildren(a: Active, children: readonly ChildRecord[]): void {
    const parent = this.options.runs.get(a.id);
    this.options.runs.recordChildren(
      a.id,
      children.map((c) => ({
        run: { kind: c.kind, name: c.name, config: c.config, seeds: c.seeds, datasetId: parent.datasetId, datasetName: parent.datasetName },
        result: c.result,
        metrics: c.metrics,
        durationMs: c.durationMs,
      })),
      a.fraction,
    );
  }

  private rejected(a: Active, reason: string): void {
    const message = `Rejected a malformed message from the worker of run ${a.id}: ${reason}`;
    this.warn(message);
    this.log(a, 'warning', message);
  }

  private log(a: Active, level: 'info' | 'warning' | 'error', message: string): void {
    a.writes.logs.push({ level, message, at: this.now() });
    this.scheduleFlush();
  }

  private stop(a: Active): void {
    // A run whose result is being stored stops that (its `complete` sees the signal and leaves nothing behind).
    if (a.final && a.settling) a.completion.abort();
    if (a.cancelling || a.final) return;
    a.cancelling = true;
    a.execution?.cancel();
    a.killTimer = setTimeout(() => a.execution?.kill(), CANCEL_GRACE_MS);
    a.killTimer.unref?.();
  }

  private finishRun(
    a: Active,
    outcome: { status: 'succeeded'; result: unknown } | { status: Exclude<RunStatus, 'succeeded' | 'queued' | 'running'>; error: string; failure?: RunFailure },
  ): void {
    if (a.killTimer) clearTimeout(a.killTimer);
    this.dispose(a.payload);
    a.payload = null;
    this.flushRun(a);
    try {
      this.options.runs.finish(a.id, outcome);
    } catch (e) {
      // The database refused (a full disk, a read-only file): the run stays as it was written last, and the next
      // start marks it interrupted. Nothing is half-written: every write is one transaction.
      this.warn(`Run ${a.id} could not be recorded as ${outcome.status}: ${messageOf(e)}`);
    }
    this.active.delete(a.id);
    this.notify([a.id]);
    if (!this.closed) void this.pump();
  }

  // --- writes ----------------------------------------------------------------------------------------------------------

  /** One write for one run; when the database refuses it, the run is stopped and fails with the reason. */
  private write(fn: () => void, a: Active): void {
    try {
      fn();
    } catch (e) {
      this.failWrite(a, e);
    }
  }

  private failWrite(a: Active, e: unknown): void {
    if (a.final) return;
    a.final = true;
    a.execution?.kill();
    a.writes = emptyWrites();
    this.finishRun(a, { status: 'failed', error: `The run was stopped because its results could not be saved: ${messageOf(e)}` });
  }

  private flushRun(a: Active): void {
    if (!hasWrites(a.writes)) return;
    const writes = a.writes;
    a.writes = emptyWrites();
    try {
      this.store.flush(new Map([[a.id, writes]]), this.checkpointEffects);
    } catch (e) {
      this.failWrite(a, e);
    }
  }

  /** What a checkpoint finished, recorded in the flush's transaction (e.g. an experiment's seeds as child runs). */
  private readonly checkpointEffects = (id: number, checkpoint: RunCheckpoint) => {
    const a = this.active.get(id);
    a?.kind.onCheckpoint?.(checkpoint, { recordChildren: (children) => this.recordChildren(a, children) });
  };

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Every run's pending writes in one transaction (each run's alone when that fails, so one bad run stops alone). */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const dirty = [...this.active.values()].filter((a) => hasWrites(a.writes));
    if (dirty.length === 0) return;
    const batches = new Map(dirty.map((a) => [a.id, a.writes] as const));
    try {
      this.store.flush(batches, this.checkpointEffects);
      for (const a of dirty) a.writes = emptyWrites();
    } catch {
      for (const a of dirty) this.flushRun(a);
    }
  }

  // --- heartbeat, recovery, changes from other processes ---------------------------------------------------------------

  private tick(): void {
    if (this.closed) return;
    const ids = this.running();
    try {
      this.store.heartbeat(ids);
      for (const id of this.store.cancelRequests(ids)) {
        const a = this.active.get(id);
        if (a) this.stop(a);
      }
      this.recover();
      const version = this.readDataVersion();
      if (version !== this.dataVersion) {
        this.dataVersion = version;
        this.notify([]);
      }
    } catch (e) {
      this.warn(`The run engine's heartbeat failed: ${messageOf(e)}`);
    }
    void this.pump();
  }

  private recover(): void {
    const ids = this.store.recoverStale({
      staleMs: this.options.staleMs ?? STALE_MS,
      hostname: this.owner.hostname,
      isAlive: this.options.isAlive ?? pidIsAlive,
      except: this.owner.id,
    });
    if (ids.length > 0) this.notify(ids);
  }

  /** SQLite's data_version: changes when another connection commits (a CLI run on the same database). */
  private readDataVersion(): number {
    return this.options.runs.db.pragma('data_version', { simple: true }) as number;
  }

  private notify(ids: number[]): void {
    this.options.notify?.changed(ids);
  }

  private warn(message: string): void {
    (this.options.warn ?? ((m: string) => process.stderr.write(`qnnlab: ${m}\n`)))(message);
  }

  private checkOpen(): void {
    if (this.closed) throw new LabError('CONFLICT', 'The run engine is closed: the host is shutting down.');
  }
}

/** The kind's prepare step; a refusal's field is named within the config (e.g. 'config.datasetId'), as schema errors are. */
async function prepareConfig(kind: RunKind, config: unknown, host: RunHost) {
  try {
    return await kind.prepare(config, host);
  } catch (e) {
    if (e instanceof LabError && e.field !== undefined && !e.field.startsWith('config.')) {
      throw new LabError(e.code, e.message, { field: `config.${e.field}`, value: e.value, allowed: e.allowed, details: e.details });
    }
    throw e;
  }
}

/** A thrown error's code and fields for the run's record (anything but a LabError is a bug: INTERNAL). */
function failureOf(e: unknown): RunFailure {
  if (!(e instanceof LabError)) return { code: 'INTERNAL' };
  const { code, field, value, allowed, details } = e;
  return { code, field, value, allowed, details };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
