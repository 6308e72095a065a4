// `qnnlab run ...` in this process (runCli) with real worker processes and detached runners: a run started here gives
// the parameters of `qnnlab train` (one implementation), list and show print what the API gives, and every refusal
// comes through the one error model with its field and exit code, recording nothing. The crash tests (kill -9 of a
// worker, of the CLI, of the web host; a read-only database, a full disk) are in electron/cli/run-process.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { PBC_CSV, useTempDir } from '../../../test-support/files.ts';
import { openBackend, type Backend } from '../../backend/backend.ts';
import { RunEngine } from '../../backend/runs/engine.ts';
import { createRunHost } from '../../backend/runs/run-host.ts';
import { runQnnlab } from '../test-io.ts';
import type { RunRecord } from '../../backend/services/runs.ts';
import { untilEnded, type RunView } from './run.ts';

const dir = useTempDir('qnnlab-run-cli-');
const db = () => dir.file('lab.db');

const SHORT = ['--qubits', '8', '--layers', '3', '--samples', '64', '--epochs', '3', '--seed', '3'];

/** Detached runners the tests started, ended after each test (a failed test leaves no training behind). */
const runners = new Set<number>();
afterEach(() => {
  for (const pid of runners) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  runners.clear();
});

async function cli(...argv: string[]) {
  const r = await runQnnlab(...argv);
  const runner = /runner pid (\d+)/.exec(r.stderr);
  if (runner) runners.add(Number(runner[1]));
  return r;
}

async function ok(...argv: string[]) {
  const r = await cli(...argv);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

const json = <T = RunView>(text: string) => JSON.parse(text) as T;

function withBackend<T>(work: (backend: Backend) => T | Promise<T>): Promise<T> {
  const backend = openBackend({ databasePath: db(), transport: 'http', version: 'test', seedSamples: false });
  return Promise.resolve(work(backend)).finally(() => backend.close());
}

/** A queued run no process owns (as the app queues them) while no host runs: it stays queued. */
function queueUnowned(config: Record<string, unknown>): Promise<number> {
  return withBackend(async (backend) => {
    const engine = new RunEngine({
      runs: backend.runs,
      host: createRunHost(backend.datasets, backend.devices),
      executor: {
        name: 'none',
        capacity: 0,
        execute: () => {
          throw new Error('runs nothing');
        },
      },
      claimUnowned: true,
      warn: () => {},
    });
    try {
      return (await engine.submit({ kind: 'train', config })).id;
    } finally {
      await engine.close();
    }
  });
}

describe('qnnlab run start train', () => {
  it('runs in a worker and prints the run as `run show --json` does, with the parameters of `qnnlab train` and its loss per step', async () => {
    const started = await ok('run', 'start', 'train', ...SHORT, '--name', 'short one', '--tag', 'a, b', '--db', db(), '--json');
    const run = json(started.stdout);
    expect(run).toMatchObject({ kind: 'train', name: 'short one', status: 'succeeded', progress: 1, tags: ['a', 'b'], seeds: [3], workerPid: null });
    expect(run.config).toEqual({ qubits: 8, layers: 3, samples: 64, epochs: 3, seed: 3 });
    expect(started.stderr).toMatch(new RegExp(`^run ${run.id}: short one \\(Ctrl\\+C cancels it\\)`));
    const here = json<{ parameters: number[]; finalLoss: number }>((await ok('train', ...SHORT, '--json')).stdout);
    expect((run.result as { parameters: number[] }).parameters).toEqual(here.parameters);
    expect(run.result).toMatchObject({ finalLoss: here.finalLoss });
    // 3 layers x 3 epochs x 2 steps of 32 samples.
    expect(run.metrics.find((m) => m.name === 'loss')).toEqual({ name: 'loss', count: 18, firstStep: 1, lastStep: 18 });
    expect(json((await ok('run', 'show', String(run.id), '--db', db(), '--json')).stdout)).toEqual(run);

    const text = (await ok('run', 'show', String(run.id), '--db', db())).stdout;
    expect(text).toMatch(new RegExp(`^run ${run.id}: short one\n  kind +train\n  status +succeeded, progress 100%\n`));
    expect(text).toMatch(/^ {2}config +\{"qubits":8,"layers":3,"samples":64,"epochs":3,"seed":3\}$/m);
    // layer_start: where each of the 3 layers begins (steps 1, 7, 13: 3 epochs x 2 steps per layer).
    expect(text).toMatch(/^ {2}metrics +circuits \(18 points, steps 1-18\), layer_start \(3 points, steps 1-13\), loss \(18 points, steps 1-18\)$/m);
  }, 30_000);

  it('lists runs newest first as {id, kind, name, status, progress, createdAt, finishedAt}, filtered by status and kind', async () => {
    const first = json((await ok('run', 'start', 'train', ...SHORT, '--db', db(), '--json')).stdout).id;
    const queued = await queueUnowned({ qubits: 8, layers: 3, seed: 1 });
    const all = json<Record<string, unknown>[]>((await ok('run', 'list', '--db', db(), '--json')).stdout);
    expect(all.map((r) => r.id)).toEqual([queued, first]);
    expect(Object.keys(all[1]).sort()).toEqual(['createdAt', 'finishedAt', 'id', 'kind', 'name', 'progress', 'status']);
    expect(all[1]).toMatchObject({ kind: 'train', name: 'train toy task, 8 qubits, 3 layers', status: 'succeeded', progress: 1 });
    expect(all[0]).toMatchObject({ status: 'queued', progress: null, finishedAt: null });
    const succeeded = json<{ id: number }[]>((await ok('run', 'list', '--status', 'succeeded', '--kind', 'train', '--db', db(), '--json')).stdout);
    expect(succeeded.map((r) => r.id)).toEqual([first]);
    expect(json<unknown[]>((await ok('run', 'list', '--kind', 'experiment', '--db', db(), '--json')).stdout)).toEqual([]);
    const table = (await ok('run', 'list', '--db', db())).stdout.split('\n');
    expect(table[0]).toMatch(/^ +id +kind +status +done +created +name$/);
    expect(table[1]).toMatch(new RegExp(`^ +${queued} +train +queued +- +\\S+Z +train toy task, 8 qubits, 3 layers$`));
    expect(table[2]).toMatch(new RegExp(`^ +${first} +train +succeeded +100% `));

    const bad = await runQnnlab('run', 'list', '--status', 'done', '--db', db());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`qnnlab: --status takes queued, running, succeeded, failed, cancelled, interrupted (comma-separated); got "done"\n`);
  }, 30_000);

  it('a queued run: delete is refused, cancel ends it at once; `run wait` then exits 130', async () => {
    const id = String(await queueUnowned({ qubits: 8, layers: 3, seed: 1 }));
    const refused = await runQnnlab('run', 'delete', id, '--db', db());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^qnnlab: Run ${id} is queued: it cannot be deleted while the engine holds it\\. Cancel run ${id} first`));
    const cancelled = json((await ok('run', 'cancel', id, '--db', db(), '--json')).stdout);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: 'Cancelled before it started.' });
    const waited = await runQnnlab('run', 'wait', id, '--db', db(), '--json');
    expect(waited.code).toBe(130);
    expect(waited.stderr).toMatch(new RegExp(`qnnlab: run ${id} was cancelled; continue it from its last checkpoint with \`qnnlab run resume ${id} --db `));
    expect(await ok('run', 'delete', id, '--db', db())).toMatchObject({ stdout: `deleted run ${id}\n` });
    const gone = await runQnnlab('run', 'show', id, '--db', db());
    expect(gone).toMatchObject({ code: 2, stderr: `qnnlab: Run ${id} does not exist.\n` });
  });
});

describe('qnnlab run start experiment', () => {
  it('runs the experiment of `qnnlab experiment` on a dataset: the same per-method summary, a child run per method and seed', async () => {
    await ok('dataset', 'import', PBC_CSV, '--name', 'pbc', '--db', db());
    const flags = [
      '--dataset',
      '1',
      '--outcome',
      'death',
      '--exclude',
      'id,time',
      '--methods',
      'mean,mice',
      '--mask',
      'mcar:0.2',
      '--seeds',
      '2',
      '--db',
      db(),
      '--json',
    ];
    const run = json((await ok('run', 'start', 'experiment', ...flags)).stdout);
    expect(run).toMatchObject({ kind: 'experiment', status: 'succeeded', datasetName: 'pbc', seeds: [1, 2], childCount: 4 });
    const direct = json<{ methods: Record<string, { seconds: number }> }>((await ok('experiment', ...flags)).stdout);
    const timeless = (methods: Record<string, { seconds: number }>) => Object.fromEntries(Object.entries(methods).map(([k, m]) => [k, { ...m, seconds: 0 }]));
    const result = run.result as { methods: Record<string, { seconds: number }> };
    expect(timeless(result.methods)).toEqual(timeless(direct.methods));
    expect(json<unknown[]>((await ok('run', 'list', '--parent', String(run.id), '--db', db(), '--json')).stdout)).toHaveLength(4);
    const refused = await cli('run', 'start', 'experiment', ...flags.map((f) => (f === 'death' ? 'status' : f)));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^qnnlab: outcome: no column named "status"; the table's columns are id, time/);
  }, 30_000);
});

describe('refusals: one error model, the field named, nothing recorded', () => {
  it.each([
    [['run', 'start', 'bake', '--config', '{}'], /^qnnlab: Unknown run kind "bake"; the kinds are train\b/],
    [
      ['run', 'start', 'train', '--layers', '3'],
      /^qnnlab: --qubits N and --layers L are required for the toy task; or train on a dataset with --dataset ID --target COL/,
    ],
    [['run', 'start', 'train', '--qubits', '8', '--layers', '3', '--epochs', '0'], /^qnnlab: --epochs must be at least 1, got 0/],
    [['run', 'start', 'train', '--qubits', '12', '--layers', '3'], /^qnnlab: qubits must be a power of two between 2 and 1024; got 12/],
    [['run', 'start', 'train', '--target', 'bili', '--qubits', '8', '--layers', '3'], /^qnnlab: --target needs --dataset ID/],
    [['run', 'start', 'train', ...SHORT, '--tag', 'x'.repeat(65)], /^qnnlab: run "tags\.0" must have at most 64 characters/],
    [['run', 'start', 'train', '--config', '{"qubits":8,"layers":3,"epochs":0}'], /^qnnlab: train config "epochs" must be >= 1; got 0\./],
    [['run', 'start', 'train', '--config', '{"qubits":8,"layers":3,"colour":"red"}'], /^qnnlab: train config "\(root\)" is not an option \(unknown: colour\)/],
    [
      ['run', 'start', 'train', '--config', '{"qubits":8}', '--qubits', '8'],
      /^qnnlab: give the config with --config or with flags, not both \(--config and --qubits\)/,
    ],
    [['run', 'start', 'train', '--config', '{"qubits":8,'], /^qnnlab: --config must be a JSON object \(or @FILE holding one\)/],
    [
      ['run', 'start', 'train', '--config', '[8, 3]'],
      /^qnnlab: --config must be a JSON object of the kind's settings, e\.g\. '\{"qubits": 8, "layers": 3\}'; got \[8, 3\]/,
    ],
    [['run', 'start', 'train', '--config', '@/no/such/config.json'], /^qnnlab: --config @\/no\/such\/config\.json: cannot read \/no\/such\/config\.json/],
    [['run', 'start', 'train', '--config', JSON.stringify({ datasetId: 99, target: 'bili' })], /^qnnlab: Dataset 99 does not exist \(any more\)/],
    [['run', 'start', 'train', '--config', '{"qubits":8,"layers":3,"backend":"toaster"}'], /^qnnlab: unknown backend "toaster"/],
    [['run', 'start', 'train', ...SHORT, '--detach', '--epochs', '-1'], /^qnnlab: --epochs must be at least 1, got -1/],
    [['run', 'show', 'seven'], /^qnnlab: a run id is a positive whole number \(see `qnnlab run list`\); got "seven"/],
    [['run', 'show', '99'], /^qnnlab: Run 99 does not exist\./],
    [['run', 'resume', '99'], /^qnnlab: Run 99 does not exist\./],
    [['run', 'cancel', '99'], /^qnnlab: Run 99 does not exist\./],
  ])('%j', async (argv, message) => {
    const r = await runQnnlab(...argv, '--db', db());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toBe('');
    expect(await withBackend((b) => b.runs.list().total)).toBe(0);
  });

  it('a config file works as the flags do; resume and cancel of a finished run are refused naming it', async () => {
    const file = dir.file('config.json');
    await import('node:fs').then((fs) => fs.writeFileSync(file, JSON.stringify({ qubits: 8, layers: 3, samples: 64, epochs: 3, seed: 3 })));
    const run = json((await ok('run', 'start', 'train', '--config', `@${file}`, '--db', db(), '--json')).stdout);
    expect(run.status).toBe('succeeded');
    const resume = await runQnnlab('run', 'resume', String(run.id), '--db', db());
    expect(resume).toMatchObject({ code: 2, stdout: '' });
    expect(resume.stderr).toMatch(new RegExp(`^qnnlab: Run ${run.id} has already succeeded; there is nothing to resume`));
    const cancel = await runQnnlab('run', 'cancel', String(run.id), '--db', db());
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toMatch(new RegExp(`^qnnlab: Run ${run.id} has already ended \\(succeeded\\); there is nothing to cancel\\.`));
  }, 30_000);

  it('a detached run: refused deletion while running, cancelled from here, then two resumes at once (one wins) and a deleted dataset', async () => {
    await ok('dataset', 'import', PBC_CSV, '--name', 'pbc', '--db', db());
    const datasetId = await withBackend((b) => b.datasets.list()[0].id);
    const detached = await ok(
      'run',
      'start',
      'train',
      '--dataset',
      String(datasetId),
      '--target',
      'bili',
      '--epochs',
      '300',
      '--db',
      db(),
      '--detach',
      '--json',
    );
    const { id } = json<{ id: number }>(detached.stdout);
    expect(detached.stderr).toMatch(new RegExp(`^run ${id} goes on in the background \\(runner pid \\d+\\); follow it with \`qnnlab run wait ${id} --db `));
    const runningNow = async () => (await withBackend((b) => b.runs.get(id))).status === 'running';
    for (let t = Date.now(); !(await runningNow());) {
      expect(Date.now() - t).toBeLessThan(20_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    const refused = await runQnnlab('run', 'delete', String(id), '--db', db());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`Run ${id} is running: it cannot be deleted while the engine holds it`));
    const cancelled = json((await ok('run', 'cancel', String(id), '--db', db(), '--json')).stdout);
    expect(cancelled).toMatchObject({ id, status: 'cancelled', datasetId, datasetName: 'pbc' });

    // Two processes resume at once: exactly one gets the run.
    const both = await Promise.all([1, 2].map(() => cli('run', 'resume', String(id), '--db', db(), '--detach')));
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(both.find((r) => r.code === 2)!.stderr).toMatch(new RegExp(`^qnnlab: Run ${id} (was resumed by another process first|is already (queued|running))`));
    await ok('run', 'cancel', String(id), '--db', db());

    await withBackend((b) => b.datasets.delete(datasetId));
    const resume = await runQnnlab('run', 'resume', String(id), '--db', db());
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(
      new RegExp(`^qnnlab: Run ${id} cannot resume: its dataset "pbc" was deleted after the run started\\. The run keeps its record and results`),
    );
    const shown = (await ok('run', 'show', String(id), '--db', db())).stdout;
    expect(shown).toMatch(/^ {2}dataset +pbc \(deleted since\)$/m);
    expect(shown).toMatch(/^ {2}status +cancelled/m);
  }, 60_000);
});

describe('following a run to its end', () => {
  const runs = (statuses: string[]) => ({ db: { name: '/data/lab.db' }, get: () => ({ id: 5, status: statuses.shift() ?? 'running' }) as RunRecord }) as never;

  it("resolves once the run has ended and this process's engine has let it go", async () => {
    const held = [[5], [5], []];
    const run = await untilEnded({ running: () => held.shift() ?? [] }, runs(['running', 'succeeded', 'succeeded']), 5);
    expect(run.status).toBe('succeeded');
  });

  it("a run this process's engine let go without its end recorded (the database refused) is an error naming the database", async () => {
    const held = [[5], []];
    await expect(untilEnded({ running: () => held.shift() ?? [] }, runs(['running', 'running']), 5)).rejects.toMatchObject({
      code: 'DATABASE',
      message: expect.stringMatching(
        /^Run 5 stopped, but the database \/data\/lab\.db did not take its results: its end could not be written\. Once the database/,
      ),
    });
  });

  it("a run that never started because the queue stopped (the engine's warning, nothing held) is an error saying why, not a wait forever", async () => {
    const problems = ['The run queue stopped: attempt to write a readonly database', 'a later warning'];
    await expect(untilEnded({ running: () => [] }, runs(['queued']), 5, { problems })).rejects.toMatchObject({
      code: 'DATABASE',
      message: expect.stringMatching(/did not take its results: The run queue stopped: attempt to write a readonly database\. Once/),
    });
  });

  it('returns the run as it is when the signal aborts (Ctrl+C while waiting for another process)', async () => {
    expect(await untilEnded({ running: () => [] }, runs(['running']), 5, { signal: AbortSignal.abort() })).toMatchObject({ status: 'running' });
  });
});

describe('help', () => {
  it('lists the run commands, not the internal runner', async () => {
    const help = (await ok('help')).stdout;
    expect(help).toMatch(/qnnlab run start train +Start a training run/);
    expect(help).toMatch(/qnnlab run wait +Wait for a run to end/);
    expect(help).not.toMatch(/_runner/);
    expect((await ok('run')).stdout).not.toMatch(/_runner/);
    expect((await ok('run', 'start', 'train', '--help')).stdout).toMatch(/^ {2}--dataset ID +train on this dataset/m);
  });
});
