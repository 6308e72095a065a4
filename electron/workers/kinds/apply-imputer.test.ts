// The apply-imputer run kind end to end: a real forked worker through the host's run engine. A model saved by
// `qnnlab impute --save-model` and handed over by the CLI's mapping of `--model F.json` is applied to a dataset of the
// database; the new dataset "<dataset> (imputed by <method>)" holds exactly the cells `qnnlab impute --model` writes.
// The cells come back as artifacts (dataset-artifacts.ts, as an import's); every refusal names its field before anything is queued.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCsv } from '../../../core/data/export.ts';
import { LabError } from '../../../core/errors.ts';
import { PBC_CSV, useTempDir } from '../../../test-support/files.ts';
import { openBackend, type Backend } from '../../backend/backend.ts';
import { forkLauncher } from '../../backend/runs/launcher.ts';
import { parseArgsOptions, type FlagSpecs } from '../../cli/command.ts';
import { applyImputerConfigFromFlags } from '../../cli/commands/impute.ts';
import { runQnnlab } from '../../cli/test-io.ts';

const dir = useTempDir('qnnlab-apply-imputer-');
let backend: Backend;

beforeEach(() => {
  backend = openBackend({
    databasePath: dir.file('lab.db'),
    transport: 'http',
    version: 'test',
    seedSamples: true,
    engine: { launcher: forkLauncher(), claimUnowned: true, warn: () => {} },
  });
});
afterEach(() => backend.shutdown());

async function refusal(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a refusal');
}

/** The flags of an apply run as the CLI parses them (`--dataset ID --model F.json` and the apply-time options). */
const APPLY_FLAGS = {
  dataset: { type: 'string' },
  model: { type: 'string' },
  option: { type: 'string', multiple: true },
  seed: { type: 'string' },
  backend: { type: 'string' },
  shots: { type: 'string' },
} as const satisfies FlagSpecs;
const applyConfig = (...argv: string[]) => applyImputerConfigFromFlags(parseArgs({ args: argv, options: parseArgsOptions(APPLY_FLAGS), strict: true }).values);

async function savedModel(method: string, ...extra: string[]): Promise<string> {
  const file = dir.file(`${method}.json`);
  const r = await runQnnlab(
    'impute',
    '--data',
    PBC_CSV,
    '--method',
    method,
    '--exclude',
    'id,time',
    ...extra,
    '--save-model',
    file,
    '--out',
    dir.file('fit.csv'),
  );
  expect(r.code, r.stderr).toBe(0);
  return file;
}

describe('an apply-imputer run in a worker process', () => {
  it('stores the completed table as a new dataset with the cells qnnlab impute --model writes', async () => {
    const model = await savedModel('mice');
    const pbc = backend.datasets.list()[0];
    const engine = backend.engine!;
    const submitted = await engine.submit({ kind: 'apply-imputer', config: applyConfig('--dataset', String(pbc.id), '--model', model) });
    expect(submitted).toMatchObject({ name: 'apply mice to pbc (sample)', datasetId: pbc.id });
    const run = await engine.wait(submitted.id);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.progress).toBe(1);
    const result = run.result as { datasetId: number; datasetName: string; method: string; filledCells: number; missingCellsLeft: number };
    expect(result).toMatchObject({ datasetName: 'pbc (sample) (imputed by mice)', method: 'mice', missingCellsLeft: 0 });
    expect(result.filledCells).toBe(
      pbc.missingCells -
        backend.datasets
          .load(pbc.id)
          .columns.find((c) => c.name === 'time')!
          .values.filter((v) => v !== v).length,
    );

    const cli = await runQnnlab('impute', '--data', PBC_CSV, '--model', model, '--out', dir.file('applied.csv'), '--json');
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ filledCells: result.filledCells, missingCellsLeft: 0 });
    const stored = backend.datasets.load(result.datasetId);
    expect(toCsv(stored, { delimiter: stored.delimiter })).toBe(readFileSync(dir.file('applied.csv'), 'utf8'));
    const summary = backend.datasets.get(result.datasetId);
    expect(summary).toMatchObject({ name: 'pbc (sample) (imputed by mice)', rows: 418, missingCells: 0 });
    expect(summary.source).toMatch(/imputed by a saved mice imputer/);
  }, 60_000);

  it('refuses a damaged model, a wrong option, a dataset that does not fit, and cannot resume', async () => {
    const model = JSON.parse(readFileSync(await savedModel('mean'), 'utf8'));
    const engine = backend.engine!;
    const pbc = backend.datasets.list()[0];
    const refused = (config: Record<string, unknown>) => refusal(engine.submit({ kind: 'apply-imputer', config: { datasetId: pbc.id, model, ...config } }));
    await expect(refused({ model: { ...model, version: 9 } })).resolves.toMatchObject({
      field: 'config.model.version',
      message: expect.stringMatching(/format version 9/),
    });
    await expect(refused({ model: { ...model, columns: [{ ...model.columns[0], type: 'text' }] } })).resolves.toMatchObject({
      field: 'config.model.columns.0.type',
      message: expect.stringMatching(/The file is damaged/),
    });
    await expect(refused({ options: { speed: 'fast' } })).resolves.toMatchObject({ field: 'config.options', message: expect.stringMatching(/unknown: speed/) });
    await expect(refused({ datasetId: 999 })).resolves.toMatchObject({ code: 'NOT_FOUND', field: 'config.datasetId' });
    const narrow = backend.datasets.importCsv({ fileName: 'narrow.csv', content: 'id,age\n1,50\n2,\n3,61\n' });
    await expect(refused({ datasetId: narrow.id })).resolves.toMatchObject({
      field: 'config.datasetId',
      message: expect.stringMatching(/Dataset \d+ \("narrow"\) does not fit the model\. The table.s columns differ from the model.s: it lacks "trt", "sex"/),
    });
    expect(backend.runs.list().runs).toEqual([]);

    const { id } = await engine.submit({ kind: 'apply-imputer', config: { datasetId: pbc.id, model } });
    await engine.cancel(id);
    expect((await engine.wait(id)).status).toBe('cancelled');
    await expect(refusal(engine.resume(id))).resolves.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/Runs of kind apply-imputer cannot resume; start a new one/),
    });
  }, 60_000);

  it('qnn-mice fitted exactly, applied on a device with shots: circuits and shots counted', async () => {
    const model = await savedModel('qnn-mice', '--option', 'cycles=1', '--option', 'epochsPerLayer=1');
    const pbc = backend.datasets.list()[0];
    const engine = backend.engine!;
    const config = applyConfig('--dataset', String(pbc.id), '--model', model, '--backend', 'ionq-forte-enterprise', '--shots', '100');
    expect(config.options).toEqual({ backend: 'ionq-forte-enterprise', shots: 100 });
    const run = await engine.wait((await engine.submit({ kind: 'apply-imputer', config })).id);
    expect(run.status, run.error ?? '').toBe('succeeded');
    const { cost, missingCellsLeft } = run.result as { cost: { circuits: number; shots: number }; missingCellsLeft: number };
    expect(missingCellsLeft).toBe(0);
    expect(cost.circuits).toBeGreaterThan(0);
    expect(cost.shots).toBe(100 * cost.circuits);
    await expect(refusal(engine.submit({ kind: 'apply-imputer', config: { ...config, options: { backend: 'toaster', shots: 100 } } }))).resolves.toMatchObject({
      field: 'config.options.backend',
      message: expect.stringMatching(/unknown backend "toaster"/),
    });
  }, 60_000);
});
