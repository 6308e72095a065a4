// qnn-mice on IonQ's cloud in the imputation kinds and commands, against the fake IonQ service (never the real one):
// an experiment on ionq:simulator through the run engine (real forked workers), killed -9 after its first seed and
// resumed, records its jobs in the ledger with its run, submits none twice, and scores as the same experiment on the
// local ideal backend with the same shots; `qnnlab impute --backend ionq:simulator` works and without a key says what
// to do; a QPU is refused without --yes (the command) or confirmCharges (runs.start), nothing submitted.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { until } from '../../../test-support/until.ts';
import { FAKE_IONQ_KEY, ionqEnvironment, startFakeIonq, type FakeIonq } from '../../../test-support/fake-ionq.ts';
import { pbcText, useTempDir } from '../../../test-support/files.ts';
import { runEngines } from '../../../test-support/run-engines.ts';
import { forkLauncher } from '../../backend/runs/launcher.ts';
import { openBackend, type Backend } from '../../backend/backend.ts';
import { ProviderJobLedger } from '../../backend/services/provider-jobs.ts';
import { updateLabSettings } from '../../backend/services/settings.ts';
import { runQnnlab } from '../../cli/test-io.ts';
import type { ExperimentOutput } from './experiment.ts';
import { readFileSync, writeFileSync } from 'node:fs';

const dir = useTempDir('qnnlab-imputer-cloud-');
const ionqEnv = ionqEnvironment();
let fake: FakeIonq;
let backend: Backend;
const engines = runEngines(() => backend);

/** 40 patients of pbc, four columns: a small table whose qnn-mice fits take a few jobs each. */
function smallCsv(): string {
  const lines = pbcText().trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const keep = ['id', 'bili', 'chol', 'albumin', 'death'].map((c) => header.indexOf(c));
  return lines
    .slice(0, 41)
    .map((l) => keep.map((k) => l.split(',')[k]).join(','))
    .join('\n');
}

beforeAll(async () => {
  fake = await startFakeIonq();
});
afterAll(() => fake.close());
beforeEach(() => {
  process.env.QNNLAB_IONQ_URL = fake.url;
  process.env.QNNLAB_IONQ_API_KEY = FAKE_IONQ_KEY;
  backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false });
});
afterEach(async () => {
  await engines.closeAll();
  backend.close();
  ionqEnv.restore();
});

const engine = engines.engine;

const SHOTS = 200;
const experimentConfig = (datasetId: number, backendName: string) => ({
  datasetId,
  outcome: 'death',
  exclude: ['id'],
  methods: [{ name: 'qnn-mice', options: { cycles: 1, epochsPerLayer: 1, backend: backendName, shots: SHOTS } }],
  mask: { mechanism: 'mcar', rate: 0.2 },
  seeds: [1, 2],
  folds: 2,
});
const checkpoints = (id: number) => (backend.runs.db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE run_id = ?').get(id) as { n: number }).n;
const workerPid = (id: number) => backend.runs.db.prepare('SELECT worker_pid FROM runs WHERE id = ?').pluck().get(id) as number | null;
const posts = () => fake.log.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).length;

/** The scores of an experiment's seeds, without wall times. */
const scores = (r: ExperimentOutput) => r.seeds.map(({ seconds: _, ...s }) => s);

describe('qnn-mice on ionq:simulator', () => {
  it('an experiment killed -9 after its first seed and resumed: its jobs in the ledger, none submitted twice, the ideal backend scores', async () => {
    // Each job runs 150 ms at this fake: the kill lands while a job of the second seed is in flight, not after the run.
    const slow = await startFakeIonq({ runMs: 150 });
    onTestFinished(() => slow.close());
    process.env.QNNLAB_IONQ_URL = slow.url;
    const ds = backend.datasets.importCsv({ fileName: 'small.csv', content: smallCsv(), outcome: 'death' });
    const e = engine();
    const { id } = await e.submit({ kind: 'experiment', config: experimentConfig(ds.id, 'ionq:simulator') });
    const pid = await until('the worker pid', () => workerPid(id), 30_000);
    await until('the first seed', () => checkpoints(id) > 0, 30_000);
    const ledger = new ProviderJobLedger(backend.runs.db);
    await until('a job of the second seed', () => ledger.list(id).some((j) => j.step === 2), 30_000);
    process.kill(pid, 'SIGKILL');
    expect((await e.wait(id)).status).toBe('interrupted');
    const before = ledger.list(id).length;

    await e.resume(id);
    const done = await e.wait(id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const jobs = ledger.list(id);
    const submitted = slow.submittedNames();
    // Every job once at IonQ, each in the ledger with its run (steps: the seed's place), completed.
    expect(new Set(submitted).size).toBe(submitted.length);
    expect(jobs.map((j) => j.name).sort()).toEqual([...submitted].sort());
    expect(jobs.length).toBeGreaterThan(before);
    expect(jobs.every((j) => j.runId === id && j.status === 'completed' && j.backend === 'ionq:simulator' && j.shots === SHOTS)).toBe(true);
    expect(new Set(jobs.map((j) => j.step))).toEqual(new Set([1, 2]));
    expect(backend.runs.logs(id).lines.map((l) => l.message)).toContain("qnn-mice on ionq:simulator: submitted to IonQ's cloud simulator (not charged)");

    // The same experiment on the local ideal backend with the same shots: IonQ's ideal simulator answers exact
    // probabilities, from which the shots are drawn with the request's seed as the ideal backend draws them.
    const local = await e.wait((await e.submit({ kind: 'experiment', config: experimentConfig(ds.id, 'ideal') })).id);
    expect(local.status).toBe('succeeded');
    expect(scores(done.result as ExperimentOutput)).toEqual(scores(local.result as ExperimentOutput));
    expect(ledger.list(local.id)).toEqual([]);
  }, 120_000);

  it('runs.start refuses an experiment on a QPU without confirmCharges, and one without a key naming apiKey; nothing queued or submitted', async () => {
    const ds = backend.datasets.importCsv({ fileName: 'small.csv', content: smallCsv(), outcome: 'death' });
    const e = engine();
    const before = posts();
    await expect(e.submit({ kind: 'experiment', config: experimentConfig(ds.id, 'ionq:qpu.aria-1') })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'confirmCharges',
      message: expect.stringMatching(/ionq:qpu.aria-1, IonQ's quantum computer, and is charged/),
    });
    delete process.env.QNNLAB_IONQ_API_KEY;
    await expect(e.submit({ kind: 'experiment', config: experimentConfig(ds.id, 'ionq:simulator') })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'config.apiKey',
      message: expect.stringMatching(/No IonQ API key is set: set QNNLAB_IONQ_API_KEY/),
    });
    expect(backend.runs.list().runs).toEqual([]);
    expect(posts()).toBe(before);
  });
});

describe('an apply-imputer run on ionq:simulator', () => {
  it('applies a qnn-mice model fitted on ideal through the cloud simulator, its jobs in the ledger with the run', async () => {
    const file = dir.file('small.csv');
    writeFileSync(file, smallCsv());
    const model = dir.file('model.json');
    const fit = await runQnnlab(
      ...['impute', '--data', file, '--method', 'qnn-mice', '--exclude', 'id', '--outcome', 'death', '--option', 'cycles=1', '--option', 'epochsPerLayer=1'],
      ...['--save-model', model, '--out', dir.file('fit.csv')],
    );
    expect(fit.code, fit.stderr).toBe(0);
    // The host's own engine: an apply stores its completed table through the host's import services.
    backend.close();
    backend = openBackend({
      databasePath: dir.file('lab.db'),
      transport: 'http',
      version: 'test',
      seedSamples: false,
      engine: { launcher: forkLauncher(), claimUnowned: true, warn: () => {} },
    });
    const e = backend.engine!;
    const ds = backend.datasets.importCsv({ fileName: 'small.csv', content: smallCsv(), outcome: 'death' });
    const names0 = fake.submittedNames().length;
    const config = { datasetId: ds.id, model: JSON.parse(readFileSync(model, 'utf8')), options: { backend: 'ionq:simulator', shots: SHOTS } };
    const done = await e.wait((await e.submit({ kind: 'apply-imputer', config })).id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.result).toMatchObject({ missingCellsLeft: 0 });
    const jobs = new ProviderJobLedger(backend.runs.db).list(done.id);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.map((j) => j.name).sort()).toEqual(fake.submittedNames().slice(names0).sort());
    expect(jobs.every((j) => j.runId === done.id && j.status === 'completed' && j.step === 1)).toBe(true);
    await backend.shutdown();
    backend = openBackend({ databasePath: dir.file('other.db'), transport: 'http', version: 'test', seedSamples: false });
  }, 60_000);
});

describe('qnn-mice on a QPU', () => {
  it('confirmed, an experiment is held to the budget per run in Settings: it stops before the job that would pass it, having submitted nothing', async () => {
    const ds = backend.datasets.importCsv({ fileName: 'small.csv', content: smallCsv(), outcome: 'death' });
    updateLabSettings(backend.runs.db, { budgetUSD: 1 });
    const e = engine();
    const before = posts();
    const { id } = await e.submit({ kind: 'experiment', config: experimentConfig(ds.id, 'ionq:qpu.aria-1'), confirmCharges: true });
    const done = await e.wait(id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/past its budget of 1.00 USD; the run stopped before submitting it. Raise the budget and resume the run./);
    expect(posts()).toBe(before);
    expect(new ProviderJobLedger(backend.runs.db).list(id)).toEqual([]);
  }, 60_000);
});

describe('qnnlab impute --method qnn-mice on IonQ', () => {
  const args = (file: string, backendName: string) => [
    'impute',
    '--data',
    file,
    '--method',
    'qnn-mice',
    '--exclude',
    'id',
    '--outcome',
    'death',
    '--option',
    'cycles=1',
    '--option',
    'epochsPerLayer=1',
    '--backend',
    backendName,
    '--shots',
    String(SHOTS),
    '--out',
    dir.file('filled.csv'),
    '--json',
  ];

  it('fills the table through ionq:simulator; without a key says what to do; a QPU without --yes is refused; nothing submitted when refused', async () => {
    const file = dir.file('small.csv');
    writeFileSync(file, smallCsv());
    const before = posts();
    const ok = await runQnnlab(...args(file, 'ionq:simulator'));
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout) as { missingCellsLeft: number; filledCells: number; cost: { shots: number } };
    expect(out.missingCellsLeft).toBe(0);
    expect(out.filledCells).toBeGreaterThan(0);
    expect(posts()).toBeGreaterThan(before);
    // The same fit on the local ideal backend with the same shots fills the same values.
    const local = await runQnnlab(...args(file, 'ideal').map((a) => (a === dir.file('filled.csv') ? dir.file('local.csv') : a)));
    expect(local.code, local.stderr).toBe(0);
    expect(readFileSync(dir.file('filled.csv'), 'utf8')).toBe(readFileSync(dir.file('local.csv'), 'utf8'));

    const submitted = posts();
    const qpu = await runQnnlab(...args(file, 'ionq:qpu.aria-1'));
    expect(qpu.code).toBe(2);
    expect(qpu.stderr).toMatch(/ionq:qpu.aria-1 runs on IonQ's quantum computer and is charged to your IonQ account: add --yes/);
    delete process.env.QNNLAB_IONQ_API_KEY;
    const noKey = await runQnnlab(...args(file, 'ionq:simulator'));
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/No IonQ API key is set: set QNNLAB_IONQ_API_KEY/);
    expect(posts()).toBe(submitted);
  }, 60_000);
});

describe('qnnlab experiment with qnn-mice on IonQ', () => {
  it('records its jobs in the ledger of the run it records (--db); a QPU without --yes is refused, nothing recorded or submitted', async () => {
    const file = dir.file('small.csv');
    writeFileSync(file, smallCsv());
    backend.close();
    const argv = (backendName: string) => [
      'experiment',
      '--data',
      file,
      '--outcome',
      'death',
      '--exclude',
      'id',
      '--methods',
      'qnn-mice',
      '--option',
      'qnn-mice.cycles=1',
      '--option',
      'qnn-mice.epochsPerLayer=1',
      '--option',
      `qnn-mice.backend=${backendName}`,
      '--option',
      `qnn-mice.shots=${SHOTS}`,
      '--seeds',
      '2',
      '--folds',
      '2',
      '--db',
      dir.file('lab.db'),
      '--json',
    ];
    const names0 = fake.submittedNames().length;
    const cli = await runQnnlab(...argv('ionq:simulator'));
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as ExperimentOutput & { runId: number; workers: number };
    expect(printed.workers).toBe(1);
    const local = await runQnnlab(...argv('ideal'));
    expect(local.code, local.stderr).toBe(0);
    expect(scores(printed)).toEqual(scores(JSON.parse(local.stdout) as ExperimentOutput));

    backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false });
    const jobs = new ProviderJobLedger(backend.runs.db).list(printed.runId);
    const submitted = fake.submittedNames().slice(names0);
    expect(jobs.map((j) => j.name).sort()).toEqual([...submitted].sort());
    expect(jobs.every((j) => j.runId === printed.runId && j.status === 'completed')).toBe(true);
    expect(new Set(jobs.map((j) => j.step))).toEqual(new Set([1, 2]));

    const runs = backend.runs.list().runs.length;
    const before = posts();
    const qpu = await runQnnlab(...argv('ionq:qpu.forte-1'));
    expect(qpu.code).toBe(2);
    expect(qpu.stderr).toMatch(/ionq:qpu.forte-1 runs on IonQ's quantum computer and is charged to your IonQ account: add --yes/);
    expect(backend.runs.list().runs.length).toBe(runs);
    expect(posts()).toBe(before);
  }, 60_000);
});
