// qnnlab against IonQ's cloud (the local fake): simulate --backend ionq:simulator prints the fields every backend
// prints, its probabilities post-selected from what the fake answered; a QPU needs --yes; train trains through it;
// provider check reports key and API (exit 0, 2 without or with a refused key, 1 when the API does not answer);
// provider jobs lists a run's ledger; bad input is refused with the flag named and nothing submitted.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_IONQ_KEY, ionqEnvironment, startFakeIonq, type FakeIonq } from '../../../test-support/fake-ionq.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { runQnnlab } from '../test-io.ts';
import { call, openCliBackend } from '../backend-client.ts';

let fake: FakeIonq;
const dir = useTempDir('qnnlab-provider-cli-');
const ionqEnv = ionqEnvironment();
beforeAll(async () => {
  fake = await startFakeIonq();
});
afterAll(() => fake.close());
function connect(key: string | null = FAKE_IONQ_KEY, url = fake.url) {
  process.env.QNNLAB_IONQ_URL = url;
  if (key === null) delete process.env.QNNLAB_IONQ_API_KEY;
  else process.env.QNNLAB_IONQ_API_KEY = key;
}
afterEach(() => {
  ionqEnv.restore();
});
const posts = () => fake.log.filter((r) => r.method === 'POST' && r.status === 200).length;
const SIM = ['simulate', '--qubits', '4', '--layers', '2', '--seed', '1', '--input', '[1,2,3,4]'];

describe('qnnlab simulate --backend ionq:*', () => {
  it('prints the fields of every backend; the probabilities are the post-selected counts the fake answered', async () => {
    connect();
    const ideal = JSON.parse((await runQnnlab(...SIM, '--json')).stdout) as { probabilities: number[] };
    const r = await runQnnlab(...SIM, '--backend', 'ionq:simulator', '--noise-model', 'aria-1', '--shots', '4000', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ionq:simulator: submitted to IonQ's cloud simulator \(not charged\)/);
    const out = JSON.parse(r.stdout) as {
      backend: string;
      emulated: boolean;
      probabilities: number[];
      keptFraction: number;
      shots: number;
      keptShots: number;
      counts: Record<string, number>;
    };
    expect(out).toMatchObject({ backend: 'ionq:simulator', emulated: false, shots: 4000 });
    // The counts of weight-one bitstrings over the kept shots, by hand.
    const kept = Object.entries(out.counts).filter(([b]) => [...b].filter((c) => c === '1').length === 1);
    const keptShots = kept.reduce((s, [, c]) => s + c, 0);
    expect(out.keptShots).toBe(keptShots);
    expect(out.keptFraction).toBe(keptShots / 4000);
    for (const [b, c] of kept) expect(out.probabilities[b.indexOf('1')]).toBeCloseTo(c / keptShots, 12);
    // Aria's noise model (the fake's 2% depolarising) keeps most shots and stays near the ideal distribution.
    expect(out.keptFraction).toBeGreaterThan(0.95);
    for (let k = 0; k < 4; k++) expect(Math.abs(out.probabilities[k] - ideal.probabilities[k])).toBeLessThan(0.05);
    expect(fake.log.findLast((q) => q.method === 'POST')!.body.noise).toEqual({ model: 'aria-1', seed: 1 });
  });

  it('refuses a QPU without --yes, a missing or wrong key, an unknown noise model, debiasing below 500 shots: nothing submitted', async () => {
    connect();
    const before = posts();
    const qpu = await runQnnlab(...SIM, '--backend', 'ionq:qpu.forte-1', '--shots', '100');
    expect(qpu.code).toBe(2);
    expect(qpu.stderr).toMatch(/ionq:qpu.forte-1 runs on IonQ's quantum computer and is charged to your IonQ account: add --yes to confirm/);
    connect(null);
    const none = await runQnnlab(...SIM, '--backend', 'ionq:simulator', '--shots', '10');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No IonQ API key is set: set QNNLAB_IONQ_API_KEY/);
    connect('wrong');
    expect((await runQnnlab(...SIM, '--backend', 'ionq:simulator', '--shots', '10')).stderr).toMatch(/IonQ refused the API key \(401/);
    connect();
    const noise = await runQnnlab(...SIM, '--backend', 'ionq:simulator', '--noise-model', 'harmony', '--shots', '10');
    expect(noise.code).toBe(2);
    expect(noise.stderr).toMatch(/unknown IonQ noise model "harmony"; ionq:simulator's noise models: ideal, aria-1, forte-1, forte-enterprise-1/);
    const debias = await runQnnlab(...SIM, '--backend', 'ionq:qpu.aria-1', '--yes', '--debiasing', '--shots', '100');
    expect(debias.stderr).toMatch(/debiasing needs at least 500 shots per circuit .* got 100/);
    expect((await runQnnlab(...SIM, '--backend', 'ideal', '--noise-model', 'aria-1')).stderr).toMatch(/--noise-model applies to IonQ's cloud backends/);
    expect(posts()).toBe(before);
    // With --yes the QPU job runs (one job).
    expect((await runQnnlab(...SIM, '--backend', 'ionq:qpu.forte-1', '--yes', '--shots', '100', '--json')).code).toBe(0);
    expect(posts()).toBe(before + 1);
  });
});

describe('qnnlab train --backend ionq:simulator', () => {
  it('trains through the cloud backend, one job per step', async () => {
    connect();
    const before = posts();
    const r = await runQnnlab(
      'train',
      '--qubits',
      '4',
      '--layers',
      '1',
      '--samples',
      '4',
      '--batch',
      '4',
      '--epochs',
      '2',
      '--backend',
      'ionq:simulator',
      '--shots',
      '500',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { backend: string; emulated: boolean; history: unknown[] };
    expect(out).toMatchObject({ backend: 'ionq:simulator', emulated: false });
    expect(posts()).toBe(before + 2);
  });
});

describe('qnnlab provider check / jobs', () => {
  it('check: 0 when the API answers and takes the key; 2 without a key or with a refused one; 1 when nothing answers', async () => {
    connect();
    const ok = await runQnnlab('provider', 'check', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ url: fake.url, keySet: true, keySource: 'environment', api: 'ok', key: 'accepted' });
    expect(ok.stdout).not.toContain(FAKE_IONQ_KEY);
    connect(null);
    expect((await runQnnlab('provider', 'check')).code).toBe(2);
    connect('wrong');
    const refused = await runQnnlab('provider', 'check', '--json');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).key).toMatch(/refused the API key \(401/);
    connect(FAKE_IONQ_KEY, 'http://127.0.0.1:9/v0.4');
    const down = await runQnnlab('provider', 'check', '--json', '--timeout', '500');
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout).api).toMatch(/IonQ did not answer GET \/backends/);
  });

  it("jobs: a run's ledger (every job, its status, id and cost), as JSON and as a table", async () => {
    connect();
    const db = dir.file('lab.db');
    const started = await runQnnlab(
      'run',
      'start',
      'train',
      '--qubits',
      '4',
      '--layers',
      '1',
      '--samples',
      '4',
      '--batch',
      '2',
      '--epochs',
      '1',
      '--backend',
      'ionq:qpu.aria-1',
      '--yes',
      '--shots',
      '100',
      '--db',
      db,
      '--json',
    );
    expect(started.code, started.stderr).toBe(0);
    const jobs = JSON.parse((await runQnnlab('provider', 'jobs', '--run', '1', '--db', db, '--json')).stdout) as {
      runId: number;
      step: number;
      status: string;
      backend: string;
      circuits: number;
      shots: number;
      providerJobId: string;
      costEstimateUSD: number;
      costUSD: number;
    }[];
    // 4 samples in batches of 2: 2 steps, each one job of 2 x 4 parallel-shift circuits. The fake prices the gates it
    // was sent at Aria's published rates; QNN Lab estimated from the Aria profile: the same figure.
    expect(jobs).toHaveLength(2);
    for (const [k, j] of jobs.entries()) {
      expect(j).toMatchObject({ runId: 1, step: k + 1, status: 'completed', backend: 'ionq:qpu.aria-1', circuits: 8, shots: 100 });
      expect(fake.jobs.get(j.providerJobId)).toBeDefined();
      expect(j.costUSD).toBeGreaterThan(8); // more than the minimum of 1 USD per circuit
      expect(j.costEstimateUSD).toBeCloseTo(j.costUSD, 9);
    }
    const table = await runQnnlab('provider', 'jobs', '--db', db);
    expect(table.stdout.trim().split('\n')).toHaveLength(2);
    expect(table.stdout).toMatch(/run 1 {2}step 1 {2}ionq:qpu.aria-1 {2}8 circuits x 100 shots {2}completed/);
  });
});

describe('a cloud run that fails or reaches its budget', () => {
  const TRAIN = ['run', 'start', 'train', '--qubits', '4', '--layers', '1', '--samples', '4', '--batch', '2', '--epochs', '1', '--shots', '100'];

  it("a job IonQ fails ends the run with IonQ's code and error; the ledger says failed", async () => {
    connect();
    const db = dir.file('failed.db');
    fake.failNextJob({ code: 'QuotaExhausted', error: 'the project has no credit left' });
    const r = await runQnnlab(...TRAIN, '--backend', 'ionq:simulator', '--db', db, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/IonQ job \S+ failed \(QuotaExhausted\): the project has no credit left/);
    const jobs = JSON.parse((await runQnnlab('provider', 'jobs', '--db', db, '--json')).stdout) as {
      status: string;
      failure: unknown;
      providerJobId: string;
    }[];
    expect(jobs).toEqual([expect.objectContaining({ status: 'failed', failure: { code: 'QuotaExhausted', error: 'the project has no credit left' } })]);
    expect(fake.jobs.get(jobs[0].providerJobId)!.final?.status).toBe('failed');
  });

  it('stops before the job that would pass the Settings budget (a run started over budget), resumable; nothing more submitted', async () => {
    connect();
    const db = dir.file('budget.db');
    const backend = openCliBackend(db);
    await call(backend, 'settings.update', { budgetUSD: 12 });
    backend.close();
    const args = [...TRAIN, '--backend', 'ionq:qpu.aria-1', '--yes', '--db', db, '--json'];
    // Two jobs of about 8.4 USD: refused before anything is queued...
    const refused = await runQnnlab(...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/budget/);
    // ...and, started over budget anyway, stopped before the second job.
    const before = posts();
    const r = await runQnnlab(...args, '--over-budget');
    expect(r.code).toBe(1);
    const said =
      /the run's spend would reach (\d+\.\d\d) USD with the next job \((\d+\.\d\d) USD\), past its budget of 12\.00 USD; the run stopped before submitting it/.exec(
        r.stderr,
      );
    expect(said, r.stderr).not.toBeNull();
    expect(posts()).toBe(before + 1);
    const jobs = JSON.parse((await runQnnlab('provider', 'jobs', '--db', db, '--json')).stdout) as { status: string; costUSD: number }[];
    expect(jobs).toEqual([expect.objectContaining({ status: 'completed' })]);
    // The spend it names: the first job's actual cost plus the next one's estimate.
    expect(Number(said![1])).toBeCloseTo(jobs[0].costUSD + Number(said![2]), 1);
    const run = JSON.parse((await runQnnlab('run', 'show', '1', '--db', db, '--json')).stdout) as { status: string; failure: { field: string } };
    expect(run).toMatchObject({ status: 'failed', failure: { field: 'budgetUSD' } });
  });
});
