// `qnnlab impute | synth | experiment`: clinical imputation on the command line (core/impute). Thin: read the CSV with
// core/data, resolve the imputer through its registry (method options via --option, checked by the registry's
// schema), run with a progress bar on stderr, and write results only when the work has finished (Ctrl+C writes
// nothing). Output files are written to a temporary name and renamed, so they are never half-written.
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseCsv } from '../../../core/data/csv.ts';
import { toCsv } from '../../../core/data/export.ts';
import type { Dataset } from '../../../core/data/types.ts';
import { applyImputer, fitImputer } from '../../../core/impute/imputer.ts';
import { parseImputationModel, type ImputationModel } from '../../../core/impute/model-file.ts';
import { MAX_MODEL_BYTES, type ApplyImputerConfig } from '../../workers/kinds/apply-imputer.ts';
import { describeImputers, imputerNames, resolveImputerOptions } from '../../../core/impute/registry.ts';
import { resolveBackend } from '../../../core/hardware/registry.ts';
import { ionqConnection } from '../../backend/provider/credentials.ts';
import { confirmCharged, providerFlags } from './provider.ts';
import { connectedEnv, imputerCloud, type ImputerCloud } from '../../workers/kinds/imputer-cloud.ts';
import { runJournal } from '../../workers/kinds/train.ts';
import type { ProviderJournal } from '../../../core/hardware/providers/ionq/backend.ts';
import type { ProviderJobMessage } from '../../contract/run-protocol.ts';
import { ProviderJobLedger } from '../../backend/services/provider-jobs.ts';
import { readLabSettings } from '../../backend/services/settings.ts';
import { syntheticIcu } from '../../../core/impute/synthetic-icu.ts';
import { resolveExperiment, type ExperimentConfig, type ResolvedExperiment, type SeedResult } from '../../../core/impute/experiment.ts';
import { experimentOutput, type ExperimentOutput, type ExperimentRunConfig } from '../../workers/kinds/experiment.ts';
import {
  EXPERIMENT_DEFAULTS,
  IMPUTER_DEFAULTS,
  MASK_MECHANISMS,
  MAX_FOLDS,
  MAX_SEEDS,
  MAX_SYNTH_ROWS,
  SYNTH_DEFAULTS,
  type MaskMechanism,
} from '../../../core/limits.ts';
import { MAX_IMPORT_BYTES } from '../../contract/datasets.ts';
import { listFlag, numberFlag, printJson, stringFlag, UserError, type Command, type CommandIO, type Flags, type FlagSpecs } from '../command.ts';
import { LabError } from '../../../core/errors.ts';
import { jsonFlag, outFlag } from '../flags.ts';
import { createProgressBar } from '../progress.ts';
import { runExperimentParallel } from './experiment-parallel.ts';
import { cliCatalog } from './devices.ts';
import { backendFlag } from './hardware.ts';
import { deviceProfileFlags, dbFlag } from '../flags.ts';
import { call, openCliBackend } from '../backend-client.ts';
import { recordExperiment, type ExperimentRecording } from '../../backend/services/experiments.ts';
import type { ImputerEnv } from '../../../core/impute/registry.ts';
import { MAX_LAYERS, MAX_QUBITS, MAX_SHOTS } from '../../../core/limits.ts';

function readText(file: string, flag: string, max: number): string {
  let size: number;
  try {
    size = statSync(resolve(file)).size;
  } catch {
    throw new UserError(`cannot read ${flag} ${file}: no such file`, { field: flag.replace(/^--/, ''), value: file });
  }
  if (size > max) throw new UserError(`${flag} ${file} is ${(size / 2 ** 20).toFixed(0)} MiB; the limit is ${(max / 2 ** 20).toFixed(0)} MiB`);
  return readFileSync(resolve(file), 'utf8');
}

/** --data FILE.csv as a typed table (--outcome marks the outcome column; --missing adds missing-value tokens). */
function readTable(flags: Flags): Dataset {
  const file = stringFlag(flags, 'data', true)!;
  return parseCsv(readText(file, '--data', MAX_IMPORT_BYTES), { outcome: stringFlag(flags, 'outcome'), missingTokens: listFlag(flags, 'missing') });
}

const listOf = (flags: Flags, name: string): string[] => listFlag(flags, name) ?? [];

/** `--option key=value` (repeatable): a method option, the value read as JSON when it parses (numbers, booleans, arrays). */
function optionFlags(flags: Flags, prefixed: boolean): Record<string, Record<string, unknown>> {
  const raw = flags.option;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: Record<string, Record<string, unknown>> = {};
  for (const item of list.map(String)) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UserError(`--option must be ${prefixed ? 'METHOD.NAME=VALUE, e.g. missforest.trees=50' : 'NAME=VALUE, e.g. trees=50'}; got "${item}"`, {
        field: 'option',
        value: item,
      });
    const key = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a plain string, e.g. keepCycles=all
    }
    const dot = prefixed ? key.indexOf('.') : -1;
    if (prefixed && dot <= 0)
      throw new UserError(`--option must name its method: METHOD.NAME=VALUE, e.g. missforest.trees=50; got "${item}"`, { field: 'option', value: item });
    const method = prefixed ? key.slice(0, dot) : '';
    (out[method] ??= {})[prefixed ? key.slice(dot + 1) : key] = value;
  }
  return out;
}

/** Writes `text` to `file` through a temporary file in the same folder, so the file is complete or absent. */
export function writeAtomically(file: string, text: string): void {
  const path = resolve(file);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw e;
  }
}

function warn(io: CommandIO, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr.write(`qnnlab: warning: ${w}\n`);
}

/** qnn-mice's flags on `impute`: shorthand for its options, and the device profiles its backend names resolve in. */
const qnnFlags = {
  qubits: { type: 'string', value: 'N', description: `qnn-mice: qubits, a power of two up to ${MAX_QUBITS} (default 2 nextPow2(predictors))` },
  layers: { type: 'string', value: 'L', description: `qnn-mice: butterfly layers, 1 to log2 N (at most ${MAX_LAYERS}; default log2 N)` },
  backend: { ...backendFlag.backend, description: `qnn-mice: where the circuits run (default ideal, the exact simulator): ${backendFlag.backend.description}` },
  shots: { type: 'string', value: 'K', description: `qnn-mice: shots per circuit, 1 to ${MAX_SHOTS.toLocaleString('en-US')} (default exact)` },
  yes: providerFlags.yes,
  ...deviceProfileFlags,
} as const;

/** --qubits, --layers, --backend, --shots as qnn-mice options (refused for other methods). */
function qnnOptions(flags: Flags, method: string | undefined): Record<string, unknown> {
  const given = (['qubits', 'layers', 'backend', 'shots'] as const).filter((f) => flags[f] !== undefined);
  if (given.length === 0) return {};
  if (method !== 'qnn-mice') {
    throw new UserError(
      `${given.map((f) => `--${f}`).join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to --method qnn-mice only${method ? `; got --method ${method}` : ''}`,
      {
        field: given[0],
      },
    );
  }
  const out: Record<string, unknown> = {};
  const qubits = numberFlag(flags, 'qubits', { integer: true, min: 2, max: MAX_QUBITS });
  const layers = numberFlag(flags, 'layers', { integer: true, min: 1, max: MAX_LAYERS });
  const shots = numberFlag(flags, 'shots', { integer: true, min: 1, max: MAX_SHOTS });
  if (qubits !== undefined) out.qubits = qubits;
  if (layers !== undefined) out.layers = layers;
  if (shots !== undefined) out.shots = shots;
  if (flags.backend !== undefined) out.backend = stringFlag(flags, 'backend');
  return out;
}

/**
 * What the imputers get from the host: the device profiles (user copies shadow the built-ins) for qnn-mice, and when
 * a method's backend is IonQ's cloud, the connection (the key from QNNLAB_IONQ_API_KEY, required) after --yes for a
 * QPU. Returns the cloud backend too, for a recorded experiment's ledger.
 */
async function imputerEnv(flags: Flags, options: readonly Record<string, unknown>[] = []): Promise<{ env: ImputerEnv; cloud: ImputerCloud | null }> {
  const catalog = await cliCatalog(flags);
  const cloud = imputerCloud(options, { backend: (name) => resolveBackend(name, catalog), providerConnection: () => ionqConnection() });
  if (cloud) confirmCharged(cloud.backend.name, flags);
  return { env: connectedEnv({ deviceProfiles: catalog.list() }, cloud), cloud };
}

/** --model F.json: a saved imputer (qnnlab impute --save-model), at most MAX_MODEL_BYTES, checked field by field. */
function modelFlag(flags: Flags): ImputationModel {
  return parseImputationModel(readText(stringFlag(flags, 'model', true)!, '--model', MAX_MODEL_BYTES));
}

/** The method options given on the command line: --option NAME=VALUE and qnn-mice's --qubits, --layers, --backend, --shots. */
function applyOptions(flags: Flags, method: string | undefined): Record<string, unknown> {
  return { ...(optionFlags(flags, false)[''] ?? {}), ...qnnOptions(flags, method) };
}

/**
 * The config of an `apply-imputer` run from the flags of `qnnlab impute --model F.json` with --dataset ID instead of
 * --data: the model file read here (the run's config carries it as JSON), the apply-time options, --seed.
 */
export function applyImputerConfigFromFlags(flags: Flags): ApplyImputerConfig {
  const model = modelFlag(flags);
  const seed = numberFlag(flags, 'seed', { integer: true });
  return {
    datasetId: datasetIdFlag(flags, true)!,
    model: model as unknown as Record<string, unknown>,
    options: applyOptions(flags, model.method),
    ...(seed === undefined ? {} : { seed }),
  };
}

const methodHelp = () => describeImputers().map((m) => `  ${m.name.padEnd(11)} ${m.summary}; options ${JSON.stringify(m.defaults)}`);

const imputeCommand: Command = {
  path: ['impute'],
  summary: 'Fill every missing cell of a CSV table with an imputer (or a saved one) and write the completed table',
  usage: `impute --data FILE.csv (--method ${imputerNames().join('|')} | --model F.json) [--option NAME=VALUE]... [--qubits N --layers L --backend NAME --shots K] [--exclude COLS] [--outcome COL] [--seed S] [--save-model F.json] --out OUT.csv [--json]`,
  options: {
    data: { type: 'string', value: 'FILE.csv', description: 'the table to complete (CSV, as `dataset import` reads it)', required: true },
    method: { type: 'string', value: 'NAME', description: `the imputer: ${imputerNames().join(', ')}` },
    option: {
      type: 'string',
      multiple: true,
      value: 'NAME=VALUE',
      description: "one of the method's options (repeatable), e.g. --option trees=50; checked by the method's schema",
    },
    exclude: { type: 'string', value: 'COLS', description: 'comma-separated columns never used (neither imputed nor predictors), e.g. id,time' },
    outcome: { type: 'string', value: 'COL', description: 'the outcome column: never a predictor (default: guessed from names like death)' },
    missing: { type: 'string', value: 'TOKENS', description: 'extra missing-value tokens besides empty, NA, NaN and ?' },
    seed: { type: 'string', value: 'S', description: `seed of every random choice (default ${IMPUTER_DEFAULTS.seed}; with --model, the fit's)` },
    'save-model': { type: 'string', value: 'F.json', description: 'also save the fitted imputer, to apply it later to new patients with --model' },
    model: { type: 'string', value: 'F.json', description: 'apply a saved imputer (no refitting) instead of fitting one' },
    ...qnnFlags,
    ...outFlag,
    ...jsonFlag,
  },
  notes: ['Methods:', ...methodHelp(), 'Outcome, identifier, excluded and entirely missing columns are written back as they were.'],
  async run(flags, _p, io) {
    const out = stringFlag(flags, 'out', true)!;
    const modelFile = stringFlag(flags, 'model');
    const saveModel = stringFlag(flags, 'save-model');
    if (modelFile && saveModel) throw new UserError('give either --model (apply a saved imputer) or --save-model (fit and save one), not both');
    const method = stringFlag(flags, 'method');
    if (!modelFile && !method)
      throw new UserError(`--method is required (one of ${imputerNames().join(', ')}), or --model F.json to apply a saved imputer`, { field: 'method' });
    const seed = numberFlag(flags, 'seed', { integer: true });
    const saved = modelFile ? modelFlag(flags) : undefined;
    const options = applyOptions(flags, method ?? saved?.method);
    const { env } = await imputerEnv(flags, [resolveImputerOptions(method ?? saved!.method, { ...saved?.options, ...options })]);
    const table = readTable(flags);
    const bar = createProgressBar(io.stderr, modelFile ? 'apply' : (method ?? 'impute'));
    let completed: Dataset;
    let summary: Record<string, unknown>;
    if (modelFile && saved) {
      if (flags.exclude !== undefined) throw new UserError('--exclude cannot be used with --model: the saved imputer fixes its columns');
      const model = saved;
      if (method && method !== model.method)
        throw new UserError(`--method ${method} does not match the saved model, which is ${model.method}`, { field: 'method', value: method });
      const r = await applyImputer(model, table, {
        options,
        env,
        seed,
        signal: io.signal,
        onProgress: (p) => bar.update(p.fraction, `step ${p.step}/${p.steps} ${p.column}`),
      });
      bar.done();
      warn(io, r.warnings);
      completed = r.completed;
      summary = { method: model.method, model: modelFile, recipe: model.recipe, cost: r.cost, warnings: r.warnings };
    } else {
      const r = await fitImputer(table, {
        method: method!,
        options,
        exclude: listOf(flags, 'exclude'),
        outcome: stringFlag(flags, 'outcome'),
        seed,
        modelAllColumns: saveModel !== undefined,
        env,
        signal: io.signal,
        onProgress: (p) => bar.update(p.fraction, `cycle ${p.cycle}/${p.maxCycles} ${p.column}`),
      });
      bar.done();
      warn(io, r.warnings);
      completed = r.completed;
      summary = { method: r.model.method, recipe: r.recipe, cycles: r.cycles, stopReason: r.stopReason, cost: r.cost, warnings: r.warnings, traces: r.traces };
      if (saveModel) {
        let text: string;
        try {
          text = JSON.stringify(r.model);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          throw new UserError(
            `the fitted ${r.model.method} imputer is too large to save as one JSON file (a forest per column on ${table.rows} rows). Nothing was written. ` +
              'Save a smaller model (e.g. --option trees=20 --option nodesizeNumeric=5) or use mice or deep-mice to apply to new patients.',
            { field: 'save-model' },
          );
        }
        writeAtomically(saveModel, text);
        summary.savedModel = { file: saveModel, bytes: text.length };
      }
    }
    writeAtomically(out, toCsv(completed, { delimiter: table.delimiter }));
    let filled = 0;
    completed.columns.forEach((c, j) => c.values.forEach((v, i) => (filled += v === v && table.columns[j].values[i] !== table.columns[j].values[i] ? 1 : 0)));
    const left = completed.columns.reduce((s, c) => s + c.values.filter((v) => v !== v).length, 0);
    if (flags.json) printJson(io, { out, rows: completed.rows, columns: completed.columns.length, filledCells: filled, missingCellsLeft: left, ...summary });
    else
      io.stdout.write(
        `wrote ${out}: ${completed.rows} rows, ${filled} cells filled by ${summary.method}${left > 0 ? `, ${left} left empty (see warnings)` : ''}\n`,
      );
  },
};

const synthCommand: Command = {
  path: ['synth'],
  summary: 'Write a seeded SYNTHETIC MIMIC-III-like ICU table (vitals, labs, age, in-hospital death; no real patients)',
  usage: 'synth --rows R --seed S --out FILE.csv [--json]',
  options: {
    rows: { type: 'string', value: 'R', description: `patients (rows), 1 to ${MAX_SYNTH_ROWS} (default ${SYNTH_DEFAULTS.rows})` },
    seed: { type: 'string', value: 'S', description: `seed (default ${SYNTH_DEFAULTS.seed})` },
    ...outFlag,
    ...jsonFlag,
  },
  async run(flags, _p, io) {
    const out = stringFlag(flags, 'out', true)!;
    const rows = numberFlag(flags, 'rows', { integer: true, min: 1, max: MAX_SYNTH_ROWS }) ?? SYNTH_DEFAULTS.rows;
    const seed = numberFlag(flags, 'seed', { integer: true }) ?? SYNTH_DEFAULTS.seed;
    const { dataset, source } = syntheticIcu(rows, seed);
    writeAtomically(out, toCsv(dataset));
    io.stderr.write(`${source}\n`);
    if (flags.json) printJson(io, { out, rows, seed, columns: dataset.columns.map((c) => c.name), source });
    else io.stdout.write(`wrote ${out}: ${rows} synthetic patients\n`);
  },
};

/** --mask mcar:0.2 */
function maskFlag(flags: Flags): { mechanism: MaskMechanism; rate: number } {
  const raw = stringFlag(flags, 'mask') ?? `${EXPERIMENT_DEFAULTS.mask.mechanism}:${EXPERIMENT_DEFAULTS.mask.rate}`;
  const [mechanism, rateText] = raw.split(':');
  if (!MASK_MECHANISMS.includes(mechanism as MaskMechanism) || rateText === undefined) {
    throw new UserError(`--mask must be MECHANISM:RATE with MECHANISM one of ${MASK_MECHANISMS.join(', ')}, e.g. mcar:0.2; got "${raw}"`, {
      field: 'mask',
      value: raw,
    });
  }
  const rate = Number(rateText);
  if (rateText.trim() === '' || !(rate > 0 && rate < 1))
    throw new UserError(`--mask rate must be a number strictly between 0 and 1, e.g. mcar:0.2; got "${rateText}"`, { field: 'mask', value: raw });
  return { mechanism: mechanism as MaskMechanism, rate };
}

function fmt(v: number | null, digits = 4): string {
  return v === null ? '-' : v.toFixed(digits);
}

interface ExperimentSource {
  table: Dataset;
  name: string;
  file?: string;
  datasetId?: number;
  /** Record the experiment as runs (a database was named, or the data came from one). */
  record: boolean;
}

/** --dataset ID: a dataset of the experiment database. */
function datasetIdFlag(flags: Flags, required = false): number | undefined {
  const raw = stringFlag(flags, 'dataset', required);
  if (raw === undefined) return undefined;
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1)
    throw new UserError(`--dataset must be a dataset id (a positive integer, see \`qnnlab dataset list\`); got "${raw}"`, { field: 'dataset', value: raw });
  return id;
}

/** --data FILE.csv, or --dataset ID from the experiment database (--db, default the app's). */
async function experimentTable(flags: Flags): Promise<ExperimentSource> {
  const file = stringFlag(flags, 'data');
  const rawId = stringFlag(flags, 'dataset');
  if (file !== undefined && rawId !== undefined) throw new UserError('give --data FILE.csv or --dataset ID, not both', { field: 'dataset' });
  if (file === undefined && rawId === undefined) throw new UserError('--data FILE.csv or --dataset ID is required', { field: 'data' });
  if (file !== undefined) return { table: readTable(flags), name: basename(file), file, record: flags.db !== undefined };
  if (flags.missing !== undefined)
    throw new UserError('--missing applies to --data FILE.csv; a dataset keeps the missing tokens it was imported with', { field: 'missing' });
  const id = datasetIdFlag(flags)!;
  const backend = openCliBackend(stringFlag(flags, 'db'));
  try {
    const summary = await call(backend, 'datasets.get', { id });
    return { table: backend.datasets.load(id), name: summary.name, datasetId: id, record: true };
  } finally {
    backend.close();
  }
}

/** Records an experiment in the database as it runs: each seed once all its methods are done, in one transaction. */
function openRecorder(flags: Flags, experiment: ResolvedExperiment, source: ExperimentSource) {
  const backend = openCliBackend(stringFlag(flags, 'db'));
  let recording: ExperimentRecording;
  try {
    recording = recordExperiment(backend.runs, {
      experiment,
      dataset: { id: source.datasetId ?? null, name: source.name, source: source.file },
      pid: process.pid,
    });
  } catch (e) {
    backend.close();
    throw e;
  }
  const pending = new Map<number, SeedResult[]>();
  let seedsDone = 0;
  return {
    runId: recording.id,
    onResult(r: SeedResult) {
      const list = [...(pending.get(r.seed) ?? []), r];
      if (list.length < experiment.methods.length) return void pending.set(r.seed, list);
      pending.delete(r.seed);
      seedsDone++;
      recording.recordSeed(list, seedsDone / experiment.seeds.length);
    },
    /** The run's job ledger for its cloud jobs (each with the seed's place as its step), its spend held to the Settings budget per run. */
    journal(step: () => number): ProviderJournal {
      const ledger = new ProviderJobLedger(backend.runs.db);
      const ctx = { runId: recording.id, job: (job: ProviderJobMessage) => ledger.record(recording.id, job) };
      return runJournal(ctx, readLabSettings(backend.runs.db).budgetUSD ?? undefined, step);
    },
    finish: (output: ExperimentOutput) => recording.finish(output),
    fail: (status: 'failed' | 'cancelled', message: string) => recording.fail(status, message),
    close: () => backend.close(),
  };
}

/**
 * The experiment the flags of `qnnlab experiment` describe (--outcome, --exclude, --methods with their --option,
 * --mask, --seeds K as seeds 1..K, --folds): the one mapping from flags to an experiment's configuration, for the
 * command itself and for an experiment run (experimentRunConfigFromFlags).
 */
export function experimentConfigFromFlags(flags: Flags): ExperimentConfig {
  const options = optionFlags(flags, true);
  const methods = listOf(flags, 'methods');
  for (const name of Object.keys(options)) {
    if (!methods.includes(name))
      throw new UserError(`--option ${name}.…: ${name} is not among --methods ${methods.join(',')}`, { field: 'option', value: name });
  }
  const seedCount = numberFlag(flags, 'seeds', { integer: true, min: 1, max: MAX_SEEDS }) ?? EXPERIMENT_DEFAULTS.seeds;
  const folds = numberFlag(flags, 'folds', { integer: true, min: 2, max: MAX_FOLDS });
  return {
    outcome: stringFlag(flags, 'outcome', true)!,
    exclude: listOf(flags, 'exclude'),
    methods: methods.map((name) => ({ name, options: options[name] ?? {} })),
    mask: maskFlag(flags),
    seeds: Array.from({ length: seedCount }, (_, k) => k + 1),
    ...(folds === undefined ? {} : { folds }),
  };
}

/** The config of an `experiment` run (the run kind's schema) from the flags of `qnnlab experiment --dataset ID ...`. */
export function experimentRunConfigFromFlags(flags: Flags): ExperimentRunConfig {
  if (flags.data !== undefined)
    throw new UserError('an experiment run works on a dataset of the database: import the file first (qnnlab dataset import), then give --dataset ID', {
      field: 'data',
    });
  return { datasetId: datasetIdFlag(flags, true)!, ...experimentConfigFromFlags(flags) };
}

/** The flags of `qnnlab experiment`; `qnnlab run start experiment` takes those of a dataset experiment. */
export const experimentFlags = {
  data: { type: 'string', value: 'FILE.csv', description: 'the table (CSV); or --dataset' },
  dataset: { type: 'string', value: 'ID', description: 'a dataset of the experiment database (see `qnnlab dataset list`); the experiment is recorded there' },
  outcome: {
    type: 'string',
    value: 'COL',
    description: 'the binary outcome the downstream AUC predicts (no missing values); never a predictor',
    required: true,
  },
  exclude: { type: 'string', value: 'COLS', description: 'comma-separated columns that are neither imputed, predictors nor features (pbc: time)' },
  missing: { type: 'string', value: 'TOKENS', description: 'extra missing-value tokens besides empty, NA, NaN and ?' },
  methods: { type: 'string', value: 'LIST', description: `comma-separated imputers: ${imputerNames().join(', ')}`, required: true },
  option: { type: 'string', multiple: true, value: 'METHOD.NAME=VALUE', description: 'a method option (repeatable), e.g. missforest.trees=50' },
  mask: {
    type: 'string',
    value: 'MECH:RATE',
    description: `masking of observed cells: ${MASK_MECHANISMS.join('|')} and a rate in (0, 1) (default ${EXPERIMENT_DEFAULTS.mask.mechanism}:${EXPERIMENT_DEFAULTS.mask.rate})`,
  },
  seeds: { type: 'string', value: 'K', description: `seeds 1..K, each with its own mask (default ${EXPERIMENT_DEFAULTS.seeds}, at most ${MAX_SEEDS})` },
  folds: { type: 'string', value: 'F', description: `folds of the downstream AUC (default ${EXPERIMENT_DEFAULTS.folds}, 2 to ${MAX_FOLDS})` },
  workers: { type: 'string', value: 'N', description: 'processes to spread the seeds over (default: one per core, at most one per seed)' },
  ...dbFlag,
  db: { ...dbFlag.db, description: `${dbFlag.db.description}; with --db (or --dataset) the experiment is recorded as runs: one per method and seed` },
  profile: deviceProfileFlags.profile,
  yes: providerFlags.yes,
  ...jsonFlag,
} as const satisfies FlagSpecs;

const experimentCommand: Command = {
  path: ['experiment'],
  summary: 'Compare imputers: mask observed cells, impute, score NRMSE/RMSE/PFC on them and the downstream AUC, over seeds',
  usage:
    'experiment (--data FILE.csv | --dataset ID) --outcome COL [--exclude COLS] --methods LIST [--option METHOD.NAME=VALUE]... [--mask mcar:0.2|mar:0.2|mnar:0.2] [--seeds K] [--folds F] [--workers N] [--db PATH] [--json]',
  options: experimentFlags,
  notes: [
    'Example (pbc): qnnlab experiment --data pbc.csv --outcome death --exclude id,time --methods mean,mice,missforest,deep-mice --mask mcar:0.2 --seeds 5 --json',
  ],
  async run(flags, _p, io) {
    const source = await experimentTable(flags);
    const table = source.table;
    const config = experimentConfigFromFlags(flags);
    const resolved = resolveExperiment(table, config);
    const { env, cloud } = await imputerEnv(
      flags,
      resolved.methods.map((m) => m.options),
    );
    const threads = numberFlag(flags, 'workers', { integer: true, min: 1, max: 64 }) ?? availableParallelism();
    // Recorded as runs (one transaction per finished seed) when a database is named; the checks come first, so a
    // refused configuration records nothing.
    const recorder = source.record ? openRecorder(flags, resolved, source) : undefined;
    let seedIndex = 0;
    const journal = cloud && recorder ? recorder.journal(() => seedIndex) : undefined;
    // Cloud jobs go to the recorded run's ledger from this thread (the journal does not cross to worker threads).
    const workers = journal ? 1 : threads;
    const bar = createProgressBar(io.stderr, 'experiment');
    const t0 = performance.now();
    let report;
    let output: ExperimentOutput;
    try {
      report = await runExperimentParallel(table, config, {
        workers,
        env: journal ? { ...env, provider: { connection: cloud!.connection, journal } } : env,
        signal: io.signal,
        onResult: recorder?.onResult,
        onProgress: (p) => {
          seedIndex = resolved.seeds.indexOf(p.seed);
          bar.update(p.fraction, `seed ${p.seed} ${p.method}${p.imputation ? ` cycle ${p.imputation.cycle} ${p.imputation.column}` : ''}`);
        },
      });
      output = experimentOutput(report);
      recorder?.finish(output);
    } catch (e) {
      recorder?.fail(
        io.signal.aborted || (e instanceof LabError && e.code === 'CANCELLED') ? 'cancelled' : 'failed',
        e instanceof Error ? e.message : String(e),
      );
      throw e;
    } finally {
      bar.done();
      recorder?.close();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (flags.json) {
      printJson(io, {
        data: stringFlag(flags, 'data') ?? null,
        dataset: source.datasetId ?? null,
        runId: recorder?.runId ?? null,
        ...output,
        totalSeconds: seconds,
        workers: report.workers,
      });
      return;
    }
    const lines = [`${'method'.padEnd(11)} ${'NRMSE'.padStart(15)} ${'RMSE'.padStart(19)} ${'PFC'.padStart(15)} ${'AUC'.padStart(15)} ${'s/seed'.padStart(7)}`];
    for (const m of report.summary.methods) {
      lines.push(
        `${m.method.padEnd(11)} ${`${fmt(m.nrmse.mean)} ± ${fmt(m.nrmse.sd)}`.padStart(15)} ${`${fmt(m.rmse.mean, 2)} ± ${fmt(m.rmse.sd, 2)}`.padStart(19)} ${`${fmt(m.pfc.mean)} ± ${fmt(m.pfc.sd)}`.padStart(15)} ${`${fmt(m.auc.mean)} ± ${fmt(m.auc.sd)}`.padStart(15)} ${m.seconds.toFixed(2).padStart(7)}`,
      );
    }
    lines.push(
      `${report.config.seeds.length} seeds, ${report.config.mask.mechanism} ${report.config.mask.rate}, ${report.config.folds}-fold AUC, ${seconds.toFixed(1)} s on ${report.workers} worker(s)`,
    );
    io.stdout.write(lines.join('\n') + '\n');
  },
};

export const imputeCommands: Command[] = [imputeCommand, experimentCommand, synthCommand];
