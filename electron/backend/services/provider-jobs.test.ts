// The job ledger: a job's intent, then its id, statuses and cost, are one row keyed on its name (a later change never
// erases a known id, step or cost with null); a run's jobs come back in order for its worker; a deleted run's jobs stay.
import { describe, expect, it } from 'vitest';
import { useTempDatabase } from '../../../test-support/database.ts';
import type { ProviderJobMessage } from '../../contract/run-protocol.ts';
import { ProviderJobLedger } from './provider-jobs.ts';

const tmp = useTempDatabase('qnnlab-ledger-');
const job = (name: string, changes: Partial<ProviderJobMessage> = {}): ProviderJobMessage => ({
  name,
  step: null,
  providerJobId: null,
  status: 'submitting',
  backend: 'ionq:qpu.aria-1',
  circuits: 8,
  shots: 100,
  costEstimateUSD: 8.4,
  costUSD: null,
  failure: null,
  ...changes,
});

function addRun(ledger: ProviderJobLedger): number {
  const now = new Date().toISOString();
  return Number(
    ledger.db.prepare("INSERT INTO runs (kind, config, created_at, app_version, core_version) VALUES ('train', '{}', ?, 'test', 'test')").run(now)
      .lastInsertRowid,
  );
}

describe('ProviderJobLedger', () => {
  it('records a job from its intent to its cost in one row; nothing known is replaced by null', () => {
    const ledger = new ProviderJobLedger(tmp.db, () => Date.parse('2026-12-05T00:00:00Z'));
    const run = addRun(ledger);
    ledger.record(run, job('a', { step: 1 }));
    ledger.record(run, job('a', { providerJobId: 'id-a', status: 'submitted', step: 1 }));
    ledger.record(run, job('b', { step: 2 }));
    // A change that does not repeat the id or the step (e.g. from a worker that lost them) keeps them.
    ledger.record(run, job('a', { status: 'completed', costUSD: 8.1 }));
    const rows = ledger.list(run);
    expect(rows.map((r) => [r.name, r.step, r.providerJobId, r.status, r.costUSD])).toEqual([
      ['a', 1, 'id-a', 'completed', 8.1],
      ['b', 2, null, 'submitting', null],
    ]);
    expect(ledger.forRun(run)).toEqual([job('a', { step: 1, providerJobId: 'id-a', status: 'completed', costUSD: 8.1 }), job('b', { step: 2 })]);
  });

  it("keeps a deleted run's jobs (money spent), without their run", () => {
    const ledger = new ProviderJobLedger(tmp.db);
    const run = addRun(ledger);
    ledger.record(run, job('c', { status: 'failed', failure: { code: 'QuotaExhausted', error: 'no credit' } }));
    tmp.db.prepare('DELETE FROM runs WHERE id = ?').run(run);
    expect(ledger.list()).toEqual([expect.objectContaining({ name: 'c', runId: null, failure: { code: 'QuotaExhausted', error: 'no credit' } })]);
    expect(ledger.forRun(run)).toEqual([]);
  });
});
