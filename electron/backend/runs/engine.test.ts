// The run engine with real worker processes (child_process.fork), a real database and the train kind: results equal
// to the same training run in this process, kill -9 of a worker mid-run then resume to the very same parameters,
// cancel of queued and running runs, recovery of runs whose owner died, and every refusal with its field.
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/until.ts';
import { LabError } from '../../../core/errors.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { runTraining, type TrainInput } from '../../workers/kinds/train.ts';
import { openBackend, type Backend } from '../backend.ts';
import type { RunRecord } from '../services/runs.ts';
import { RunEngine, type RunEngineOptions } from './engine.ts';
import { localExecutor } from './executor.ts';
import { forkLauncher, type WorkerLauncher } from './launcher.ts';
import { createRunHost } from './run-host.ts';

const dir = useTempDir('qnnlab-engine-');
let backend: Backend;
const engines: RunEngine[] = [];

beforeEach(() => {
  backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: true });
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  backend.close();
});

function engine(options: Partial<RunEngineOptions> & { capacity?: number; launcher?: WorkerLauncher } = {}): RunEngine {
  const e = new RunEngine({
    runs: backend.runs,
    host: createRunHost(backend.datasets, backend.devices),
    executor: localExecutor(options.launcher ?? forkLauncher(), options.capacity ?? 1),
    claimUnowned: true,
    warn: () => {},
    ...options,
  });
  engines.push(e);
  return e;
}

/** A toy training that takes a few seconds here: long enough to kill or cancel mid-run. */
const LONG = { qubits: 16, layers: 4, samples: 512, epochs: 100, batch: 16, seed: 7 };
const SHORT = { qubits: 8, layers: 3, samples: 64, epochs: 3, seed: 3 };

const checkpoints = (id: number) => (backend.runs.db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE run_id = ?').get(id) as { n: number }).n;
const parameters = (run: RunRecord) => (run.result as { parameters: number[] }).parameters;

async function refusal(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a refusal');
}

describe('a training run in a worker process', () => {
  it('gives the parameters of the same training run in this process, with its loss per step as metrics', async () => {
    const e = engine();
    const submitted = await e.submit({ kind: 'train', config: SHORT });
    expect(submitted.kind).toBe('train');
    const run = await e.wait(submitted.id);
    expect(run.status).toBe('succeeded');
    expect(run.progress).toBe(1);
    const here = await runTraining({ config: SHORT, backend: null, dataset: null } satisfies TrainInput);
    expect(parameters(run)).toEqual(here.parameters);
    const losses = backend.runs.metrics(run.id).filter((m) => m.name === 'loss');
    // 3 layers x 3 epochs x 2 steps (64 samples in batches of 32), one point per step, numbered 1..18.
    expect(losses.map((m) => m.step)).toEqual(Array.from({ length: 18 }, (_, k) => k + 1));
    expect(run.result).toMatchObject({ history: here.history, finalLoss: here.finalLoss });
  });

  it('is interrupted when its worker is killed (-9), and resumes to exactly the parameters of an uninterrupted run', async () => {
    const e = engine();
    const { id } = await e.submit({ kind: 'train', config: LONG });
    await until('a checkpoint', () => checkpoints(id) > 0 && (backend.runs.get(id).progress ?? 0) > 0.1);
    const pid = await until('the worker pid', () => backend.runs.db.prepare('SELECT worker_pid FROM runs WHERE id = ?').pluck().get(id) as number | null);
    process.kill(pid, 'SIGKILL');
    const interrupted = await e.wait(id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toMatch(/worker was killed by signal SIGKILL before it finished\. Resume the run/);
    expect(backend.runs.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const progressAtKill = interrupted.progress!;
    expect(progressAtKill).toBeGreaterThan(0.1);
    expect(progressAtKill).toBeLessThan(1);

    const resumed = await e.resume(id);
    expect(resumed.status).toMatch(/queued|running/);
    const done = await e.wait(id);
    expect(done.status).toBe('succeeded');
    const reference = await e.wait((await e.submit({ kind: 'train', config: LONG })).id);
    expect(reference.status).toBe('succeeded');
    expect(parameters(done)).toEqual(parameters(reference));
    // The loss series has one point per step, none twice: the steps after the checkpoint were dropped and rerun.
    const series = (run: number) => backend.runs.metrics(run).filter((m) => m.name === 'loss');
    expect(series(id).map((m) => m.step)).toEqual(Array.from({ length: 4 * 100 * 32 }, (_, k) => k + 1));
    expect(series(id)).toEqual(series(reference.id));
  }, 120_000);

  it('cancels a queued run at once and a running one within moments', async () => {
    const e = engine({ capacity: 1 });
    const first = await e.submit({ kind: 'train', config: LONG });
    const second = await e.submit({ kind: 'train', config: SHORT });
    expect(backend.runs.get(second.id).status).toBe('queued');
    const cancelledQueued = await e.cancel(second.id);
    expect(cancelledQueued.status).toBe('cancelled');
    expect(cancelledQueued.error).toBe('Cancelled before it started.');
    await until('the first run to run', () => (backend.runs.get(first.id).progress ?? 0) > 0);
    const asked = Date.now();
    await e.cancel(first.id);
    const cancelled = await e.wait(first.id);
    expect(cancelled.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(2_000);
    await expect(refusal(e.cancel(first.id))).resolves.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already ended \(cancelled\)/) });
  }, 60_000);
});

describe('refusals', () => {
  it('an unknown kind, a config that fails its schema, a dataset or backend that does not exist: each names its field', async () => {
    const e = engine();
    await expect(refusal(e.submit({ kind: 'bake', config: {} }))).resolves.toMatchObject({ code: 'VALIDATION', field: 'kind' });
    await expect(refusal(e.submit({ kind: 'train', config: { ...SHORT, epochs: 0 } }))).resolves.toMatchObject({
      code: 'VALIDATION',
      field: 'config.epochs',
      message: expect.stringMatching(/train config "epochs" must be >= 1; got 0/),
    });
    await expect(refusal(e.submit({ kind: 'train', config: { ...SHORT, colour: 'red' } }))).resolves.toMatchObject({ field: 'config' });
    await expect(refusal(e.submit({ kind: 'train', config: { layers: 2 } }))).resolves.toMatchObject({ field: 'config.qubits' });
    // The toy task's register is checked before anything is queued: a power of two, at most log2 n layers.
    await expect(refusal(e.submit({ kind: 'train', config: { qubits: 6, layers: 2 } }))).resolves.toMatchObject({ field: 'config.qubits' });
    await expect(refusal(e.submit({ kind: 'train', config: { qubits: 8, layers: 4 } }))).resolves.toMatchObject({ field: 'config.layers' });
    await expect(refusal(e.submit({ kind: 'train', config: { qubits: 8, layers: 2, targetLayers: 4 } }))).resolves.toMatchObject({
      field: 'config.targetLayers',
      message: 'targetLayers must be at most log2(8) = 3; got 4',
    });
    await expect(refusal(e.submit({ kind: 'train', config: { datasetId: 999, target: 'bili' } }))).resolves.toMatchObject({
      code: 'NOT_FOUND',
      field: 'config.datasetId',
    });
    // A device measures shots: asked for before the run is queued.
    await expect(refusal(e.submit({ kind: 'train', config: { ...SHORT, backend: 'ionq-aria' } }))).resolves.toMatchObject({
      code: 'VALIDATION',
      field: 'config.shots',
      message: expect.stringMatching(/backend ionq-aria needs shots \(a device backend measures shots\)/),
    });
    await expect(refusal(e.submit({ kind: 'train', config: { ...SHORT, backend: 'quantum-toaster' } }))).resolves.toMatchObject({
      code: 'VALIDATION',
      field: 'config.backend',
    });
    expect(backend.runs.list().runs).toEqual([]);
  });

  it('resuming a succeeded, running or missing run is refused; a run whose dataset was deleted keeps its record and says so', async () => {
    const e = engine();
    const done = await e.wait((await e.submit({ kind: 'train', config: SHORT })).id);
    await expect(refusal(e.resume(done.id))).resolves.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already succeeded/) });
    await expect(refusal(e.resume(12345))).resolves.toMatchObject({ code: 'NOT_FOUND' });

    const pbc = backend.datasets.list()[0];
    const { id } = await e.submit({ kind: 'train', config: { datasetId: pbc.id, target: 'bili', epochs: 1000 } });
    await expect(refusal(e.resume(id))).resolves.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is already (queued|running)/) });
    await until('a checkpoint', () => checkpoints(id) > 0);
    await e.cancel(id);
    expect((await e.wait(id)).status).toBe('cancelled');
    backend.datasets.delete(pbc.id);
    const kept = backend.runs.get(id);
    expect(kept).toMatchObject({ datasetId: null, datasetName: pbc.name, status: 'cancelled' });
    await expect(refusal(e.resume(id))).resolves.toMatchObject({
      code: 'NOT_FOUND',
      field: 'config.datasetId',
      message: expect.stringMatching(/cannot resume: its dataset "pbc \(sample\)" was deleted after the run started\. The run keeps its record/),
    });
    expect(backend.runs.get(id)).toEqual(kept);
  }, 60_000);

  it('two engines resuming the same run: one wins, the other is told', async () => {
    const a = engine();
    const { id } = await a.submit({ kind: 'train', config: LONG });
    await until('a checkpoint', () => checkpoints(id) > 0);
    await a.cancel(id);
    await a.wait(id);
    const other = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false });
    try {
      const b = new RunEngine({
        runs: other.runs,
        host: createRunHost(other.datasets, other.devices),
        executor: localExecutor(forkLauncher(), 1),
        claimUnowned: false,
        warn: () => {},
      });
      engines.push(b);
      const outcomes = await Promise.allSettled([a.resume(id), b.resume(id)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/resumed by another process first|is already (queued|running)/) });
      await a.cancel(id).catch(() => {});
      await b.close();
    } finally {
      other.close();
    }
  }, 60_000);
});

describe('recovery', () => {
  it("marks interrupted, at start, the runs of an owner whose process is gone or whose heartbeat is stale; keeps a live owner's", async () => {
    const insert = (status: string, owner: string, pid: number, heartbeat: number | null) =>
      Number(
        backend.runs.db
          .prepare(
            "INSERT INTO runs (kind, status, owner, owner_pid, heartbeat_at, config, created_at, app_version, core_version) VALUES ('train', ?, ?, ?, ?, '{}', 'x', 't', 't')",
          )
          .run(status, owner, pid, heartbeat).lastInsertRowid,
      );
    const now = Date.now();
    const host = (pid: number) => `${hostname().replace(/:/g, '_')}:${pid}:abc`;
    const deadPid = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
    const dead = insert('running', host(deadPid), deadPid, now);
    const stale = insert('running', `elsewhere:${process.pid}:abc`, process.pid, now - 60_000);
    const alive = insert('running', `elsewhere:${process.pid}:def`, process.pid, now);
    const deadQueued = insert('queued', host(deadPid), deadPid, null);
    engine();
    expect(backend.runs.get(dead)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/pid 4206649\) stopped without finishing it/) });
    expect(backend.runs.get(stale).status).toBe('interrupted');
    expect(backend.runs.get(alive).status).toBe('running');
    expect(backend.runs.get(deadQueued).status).toBe('interrupted');
  });
});
