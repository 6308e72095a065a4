// The ledger of cloud provider jobs (migration v10): the host writes each change a worker reports, one immediate
// transaction per change (a job's intent must be on record before its POST goes out), keyed on the job's
// deterministic name; a resumed run gets its jobs back; `qnnlab provider jobs` lists them.
import type { ProviderJobMessage } from '../../contract/run-protocol.ts';
import { writeTransaction, type Database } from '../db/database.ts';

export interface ProviderJobRow extends ProviderJobMessage {
  id: number;
  runId: number | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  run_id: number | null;
  step: number | null;
  name: string;
  backend: string;
  circuits: number;
  shots: number;
  status: ProviderJobMessage['status'];
  provider_job_id: string | null;
  cost_estimate_usd: number | null;
  cost_usd: number | null;
  failure: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(r: Row): ProviderJobRow {
  return {
    id: r.id,
    runId: r.run_id,
    step: r.step,
    name: r.name,
    backend: r.backend,
    circuits: r.circuits,
    shots: r.shots,
    status: r.status,
    providerJobId: r.provider_job_id,
    costEstimateUSD: r.cost_estimate_usd,
    costUSD: r.cost_usd,
    failure: r.failure === null ? null : (JSON.parse(r.failure) as ProviderJobMessage['failure']),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class ProviderJobLedger {
  constructor(
    readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** A job's intent or change, in its own transaction. A known id or step is never replaced by null. */
  record(runId: number | null, job: ProviderJobMessage): void {
    const at = new Date(this.now()).toISOString();
    writeTransaction(this.db, () => {
      this.db
        .prepare(
          `INSERT INTO provider_jobs (run_id, step, name, backend, circuits, shots, status, provider_job_id, cost_estimate_usd, cost_usd, failure, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(name) DO UPDATE SET
             step = COALESCE(excluded.step, step), status = excluded.status, provider_job_id = COALESCE(excluded.provider_job_id, provider_job_id),
             cost_estimate_usd = COALESCE(excluded.cost_estimate_usd, cost_estimate_usd), cost_usd = COALESCE(excluded.cost_usd, cost_usd),
             failure = COALESCE(excluded.failure, failure), updated_at = excluded.updated_at`,
        )
        .run(
          runId,
          job.step ?? null,
          job.name,
          job.backend,
          job.circuits,
          job.shots,
          job.status,
          job.providerJobId,
          job.costEstimateUSD,
          job.costUSD,
          job.failure ? JSON.stringify(job.failure) : null,
          at,
          at,
        );
    });
  }

  /** Every job, or a run's, oldest first. */
  list(runId?: number): ProviderJobRow[] {
    const rows = (
      runId === undefined
        ? this.db.prepare('SELECT * FROM provider_jobs ORDER BY id').all()
        : this.db.prepare('SELECT * FROM provider_jobs WHERE run_id = ? ORDER BY id').all(runId)
    ) as Row[];
    return rows.map(fromRow);
  }

  /** A run's jobs as its worker gets them back on resume. */
  forRun(runId: number): ProviderJobMessage[] {
    return this.list(runId).map(({ id: _id, runId: _run, createdAt: _c, updatedAt: _u, ...job }) => job);
  }
}
