// The experiment run kind end to end: real forked workers through the run engine on a real database. Killed (-9)
// after its first seed, the run is interrupted with that seed's children kept; resumed, it reruns only the other seeds
// and its summary equals an uninterrupted run's and `qnnlab experiment --json`'s on the same flags (wall times aside).
import { parseArgs } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/until.ts';
import { LabError } from '../../../core/errors.ts';
import { runEngines } from '../../../test-support/run-engines.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { openBackend, type Backend } from '../../backend/backend.ts';
import { parseArgsOptions } from '../../cli/command.ts';
import { experimentRunConfigFromFlags, imputeCommands } from '../../cli/commands/impute.ts';
import { runQnnlab } from '../../cli/test-io.ts';
import { resolveExperiment, runExperimentSeed } from '../../../core/impute/experiment.ts';
import { EXPERIMENT_METRICS } from '../../contract/runs.ts';
import { seedMetrics, type ExperimentOutput } from './experiment.ts';

const dir = useTempDir('qnnlab-experiment-run-');
let backend: Backend;
const engines = runEngines(() => backend);

beforeEach(() => {
  backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: true });
});
afterEach(async () => {
  await engines.closeAll();
  backend.close();
});

const engine = engines.engine;

async function refusal(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a refusal');
}

/** The flags of `qnnlab experiment` as the command parses them. */
function experimentFlags(argv: string[]) {
  const command = imputeCommands.find((c) => c.path[0] === 'experiment')!;
  return parseArgs({ args: argv, options: parseArgsOptions(command.options), strict: true }).values;
}

/** A result without its wall times (seconds per imputation), which differ between any two runs. */
function withoutSeconds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSeconds);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'seconds')
        .map(([k, x]) => [k, withoutSeconds(x)]),
    );
  return v;
}

const checkpoints = (id: number) => (backend.runs.db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE run_id = ?').get(id) as { n: number }).n;
const workerPid = (id: number) => backend.runs.db.prepare('SELECT worker_pid FROM runs WHERE id = ?').pluck().get(id) as number | null;

describe('an experiment run in worker processes', () => {
  it('killed after its first seed keeps it, resumes the rest, and sums up as an uninterrupted run and qnnlab experiment --json', async () => {
    const pbc = backend.datasets.list()[0];
    const argv = ['--dataset', String(pbc.id), '--outcome', 'death', '--exclude', 'id,time', '--methods', 'mean,mice,qnn-mice'];
    argv.push('--option', 'qnn-mice.cycles=1', '--option', 'qnn-mice.epochsPerLayer=1', '--seeds', '3', '--folds', '3');
    const config = experimentRunConfigFromFlags(experimentFlags(argv));
    expect(config).toMatchObject({
      datasetId: pbc.id,
      seeds: [1, 2, 3],
      methods: [{ name: 'mean' }, { name: 'mice' }, { name: 'qnn-mice', options: { cycles: 1 } }],
    });

    const e = engine();
    const { id, name } = await e.submit({ kind: 'experiment', config });
    expect(name).toBe('pbc (sample): mean, mice, qnn-mice (mcar 0.2, 3 seeds)');
    // The pid first (the run may be near its end by the time its first seed is recorded on a busy machine).
    const pid = await until('the worker pid', () => workerPid(id));
    await until('the first seed', () => checkpoints(id) > 0);
    expect(backend.runs.get(id).status, 'still running after its first seed').toBe('running');
    process.kill(pid, 'SIGKILL');
    const interrupted = await e.wait(id);
    expect(interrupted.status).toBe('interrupted');
    const kept = backend.runs.children(id);
    // Whole seeds only (the kill may come after a second seed), each recorded with the progress it reached.
    expect(kept.length % 3).toBe(0);
    expect(kept.length).toBeLessThan(9);
    expect(kept.slice(0, 3).map((c) => c.name)).toEqual(['mean, seed 1', 'mice, seed 1', 'qnn-mice, seed 1']);
    expect(interrupted.progress).toBeGreaterThanOrEqual(kept.length / 9);

    await e.resume(id);
    const done = await e.wait(id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toBe(1);
    const children = backend.runs.children(id);
    // The seeds finished before the kill are the same records; the others were run once each.
    expect(children.slice(0, kept.length).map((c) => c.id)).toEqual(kept.map((c) => c.id));
    expect(children.map((c) => c.name)).toEqual([1, 2, 3].flatMap((s) => ['mean', 'mice', 'qnn-mice'].map((m) => `${m}, seed ${s}`)));
    expect(children.every((c) => c.kind === 'imputation' && c.status === 'succeeded' && c.datasetId === pbc.id)).toBe(true);
    const qnn = children[2];
    expect(qnn.config).toEqual({
      method: 'qnn-mice',
      options: expect.objectContaining({ cycles: 1 }),
      seed: 1,
      mask: { mechanism: 'mcar', rate: 0.2 },
      folds: 3,
    });
    const metrics = backend.runs.metrics(qnn.id);
    expect(metrics.map((m) => [m.name, m.step]).sort()).toEqual(
      seedMetrics(qnn.result as never)
        .map((m) => [m.name, m.step])
        .sort(),
    );
    expect(metrics.find((m) => m.name === 'circuits')!.value).toBeGreaterThan(0);

    // The live loss series on the experiment run: one per (trained method, seed), equal to what core's own loss hook
    // reports for that seed (the kill and the resume rewrite an interrupted seed's steps with the same values).
    const live = backend.runs.metrics(id);
    const lossNames = [...new Set(live.filter((m) => m.name.startsWith('loss/')).map((m) => m.name))].sort();
    expect(lossNames).toEqual([1, 2, 3].map((s) => EXPERIMENT_METRICS.loss('qnn-mice', s)));
    const expected: number[] = [];
    const table = backend.datasets.load(pbc.id);
    await runExperimentSeed(table, resolveExperiment(table, config), 2, {
      onLoss: (p) => {
        if (p.method === 'qnn-mice') expected.push(p.loss);
      },
    });
    const series = live.filter((m) => m.name === EXPERIMENT_METRICS.loss('qnn-mice', 2));
    expect(series.map((m) => m.step)).toEqual(expected.map((_, k) => k + 1));
    expect(series.map((m) => m.value)).toEqual(expected);
    expect(live.filter((m) => m.name === EXPERIMENT_METRICS.modelStart('qnn-mice', 2)).length).toBeGreaterThan(1);

    const result = done.result as ExperimentOutput;
    const seedOf = (seed: number, method: string) => result.seeds.find((s) => s.seed === seed && s.method === method)!;
    expect(seedOf(1, 'qnn-mice').nrmse).toBe((qnn.result as { nrmse: number }).nrmse);

    const reference = await e.wait((await e.submit({ kind: 'experiment', config })).id);
    expect(reference.status).toBe('succeeded');
    expect(withoutSeconds(result)).toEqual(withoutSeconds(reference.result));

    const cli = await runQnnlab('experiment', ...argv, '--db', dir.file('lab.db'), '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as ExperimentOutput & { runId: number };
    const { config: c, methods, varianceRatios, seeds } = printed;
    expect(withoutSeconds({ config: c, methods, varianceRatios, seeds })).toEqual(withoutSeconds(result));
    // `qnnlab experiment --db` records the same summary and the same children (its threads may finish seeds out of order).
    const recorded = backend.runs.get(printed.runId);
    expect(withoutSeconds(recorded.result)).toEqual(withoutSeconds(result));
    const shape = (runs: typeof children) => runs.map((x) => [x.name, x.kind, x.config, withoutSeconds(x.result)]).sort();
    expect(shape(backend.runs.children(printed.runId))).toEqual(shape(children));
  }, 90_000);

  it('refuses a config naming the field, and a resume once its dataset was deleted, saying so', async () => {
    const e = engine();
    const pbc = backend.datasets.list()[0];
    const base = { datasetId: pbc.id, outcome: 'death', exclude: ['id', 'time'], methods: ['mean'], mask: { mechanism: 'mcar', rate: 0.2 }, seeds: [1, 2] };
    const refused = async (config: unknown) => refusal(e.submit({ kind: 'experiment', config }));
    await expect(refused({ ...base, mask: { mechanism: 'mcar', rate: 1.5 } })).resolves.toMatchObject({ code: 'VALIDATION', field: 'config.mask.rate' });
    await expect(refused({ ...base, seeds: [1, 1] })).resolves.toMatchObject({
      field: 'config.seeds',
      message: expect.stringMatching(/must not repeat a seed/),
    });
    await expect(refused({ ...base, outcome: 'chol' })).resolves.toMatchObject({ field: 'config.outcome', message: expect.stringMatching(/must be binary/) });
    await expect(refused({ ...base, methods: ['mean', 'magic'] })).resolves.toMatchObject({
      field: 'config.methods.1',
      message: expect.stringMatching(/Unknown imputation method "magic"/),
    });
    await expect(refused({ ...base, methods: ['mean', { name: 'missforest', options: { trees: 0 } }] })).resolves.toMatchObject({
      field: 'config.methods.1.options.trees',
    });
    await expect(refused({ ...base, datasetId: 999 })).resolves.toMatchObject({ code: 'NOT_FOUND', field: 'config.datasetId' });
    expect(backend.runs.list().runs).toEqual([]);

    // Cancelled before its worker has started (a worker takes a while to load): nothing ran, a resume would run it all.
    const { id } = await e.submit({ kind: 'experiment', config: base });
    await e.cancel(id);
    expect((await e.wait(id)).status).toBe('cancelled');
    backend.datasets.delete(pbc.id);
    await expect(refusal(e.resume(id))).resolves.toMatchObject({
      code: 'NOT_FOUND',
      field: 'config.datasetId',
      message: expect.stringMatching(
        /Run \d+ cannot resume: its dataset "pbc \(sample\)" was deleted after the run started\. The run keeps its record and results/,
      ),
    });
    expect(backend.runs.get(id)).toMatchObject({ status: 'cancelled', datasetId: null, datasetName: 'pbc (sample)' });
  }, 60_000);
});
