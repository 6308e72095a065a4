// A training on IonQ's cloud (the local fake of its API) as real processes: `qnnlab run start train` with a worker
// that submits one multi-circuit job per step, killed -9 while a job is in flight, then `qnnlab run resume`: the fake's
// log shows no job submitted twice, the ledger holds each step's job once, and the trained parameters equal those of an
// uninterrupted training against the same seeded fake.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test-support/until.ts';
import { FAKE_IONQ_KEY, startFakeIonq, type FakeIonq } from '../../test-support/fake-ionq.ts';
import { useTempDir } from '../../test-support/files.ts';
import { resolveBackend } from '../../core/hardware/registry.ts';
import { projectRoot } from '../backend/paths.ts';
import { runTraining, type TrainInput } from '../workers/kinds/train.ts';
import type { TrainConfig } from '../contract/run-configs.ts';

const root = projectRoot();
const bin = join(root, 'bin', 'qnnlab.mjs');
const dir = useTempDir('qnnlab-provider-process-');
/** 2 layers x 3 epochs x 2 steps: 12 jobs of 16 circuits (the parallel shift's 4 per sample, 4 samples a batch). */
const CONFIG: TrainConfig = { qubits: 4, layers: 2, samples: 8, batch: 4, epochs: 3, seed: 5, backend: 'ionq:simulator', noiseModel: 'aria-1', shots: 200 };
const STEPS = 12;

let fake: FakeIonq;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  // Each job waits 150 ms in the fake's queue: a kill lands while one is in flight.
  fake = await startFakeIonq({ queueMs: 150 });
});
afterAll(() => fake.close());
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

function qnnlab(...args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QNNLAB_IONQ_URL: fake.url, QNNLAB_IONQ_API_KEY: FAKE_IONQ_KEY },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, output: () => `stdout: ${stdout}; stderr: ${stderr}` };
}

function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  try {
    const conn = new BetterSqlite3(db, { fileMustExist: true });
    try {
      conn.pragma('busy_timeout = 5000');
      return conn.prepare(sql).all(...params) as T[];
    } finally {
      conn.close();
    }
  } catch {
    return []; // not created or migrated yet
  }
}

describe('a cloud training killed -9 mid-run and resumed', () => {
  it('reattaches to its jobs (none submitted twice) and ends with the parameters of an uninterrupted run', async () => {
    const input: TrainInput = { config: CONFIG, backend: resolveBackend(CONFIG.backend!), dataset: null, connection: { url: fake.url, apiKey: FAKE_IONQ_KEY } };
    const reference = JSON.stringify((await runTraining(input)).parameters);
    const referenceJobs = fake.submittedNames().length;
    expect(referenceJobs).toBe(STEPS);

    const db = dir.file('lab.db');
    const cli = qnnlab('run', 'start', 'train', '--config', JSON.stringify(CONFIG), '--db', db, '--json');
    // Past a checkpoint, with a few jobs done and the newest one in flight: kill the worker.
    const worker = await until(
      'a job in flight after a checkpoint',
      () => {
        const jobs = query<{ status: string }>(db, 'SELECT status FROM provider_jobs ORDER BY id');
        const ready = jobs.length >= 4 && jobs.at(-1)!.status !== 'completed' && query(db, 'SELECT step FROM checkpoints').length > 0;
        return ready && query<{ worker_pid: number | null }>(db, 'SELECT worker_pid FROM runs')[0]?.worker_pid;
      },
      30_000,
      cli.output,
    );
    process.kill(worker!, 'SIGKILL');
    const killed = await cli.done;
    expect(killed.code).toBe(1);
    const before = query<{ name: string; status: string }>(db, 'SELECT name, status FROM provider_jobs ORDER BY id');
    expect(before.length).toBeLessThan(STEPS);

    const resumed = qnnlab('run', 'resume', '1', '--db', db, '--json');
    const r = await resumed.done;
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as { status: string; result: { parameters: number[] } };
    expect(view.status).toBe('succeeded');
    expect(JSON.stringify(view.result.parameters)).toBe(reference);

    // The run's jobs: one per step, each submitted once (the fake's log of POST /jobs), all completed in the ledger.
    const names = fake.submittedNames().slice(referenceJobs);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(STEPS);
    const ledger = query<{ name: string; status: string; step: number; provider_job_id: string }>(
      db,
      'SELECT name, status, step, provider_job_id FROM provider_jobs ORDER BY id',
    );
    expect(ledger.map((j) => j.name)).toEqual(names);
    expect(ledger.every((j) => j.status === 'completed' && j.provider_job_id)).toBe(true);
    expect(ledger.map((j) => j.step)).toEqual(Array.from({ length: STEPS }, (_, k) => k + 1));
  }, 120_000);
});
