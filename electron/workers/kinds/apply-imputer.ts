// Run kind `apply-imputer`: a saved imputer (core/impute/model-file.ts, what `qnnlab impute --save-model` writes) applied
// to a dataset of the database without refitting, by core's applyImputer as `qnnlab impute --model` does; options
// that differ at apply time (qnn-mice's backend and shots, e.g. a device) go in `options`. The completed table becomes
// a new dataset, "<dataset> (imputed by <method>)": the worker profiles it and sends its cells as artifacts, the host
// stores it in `complete`, and the run's result names the new dataset.
// Not resumable: applying replays every fitted step in order over the whole table (each step reads the columns the
// earlier ones filled), so a checkpoint would have to hold the whole intermediate table; applying costs a fraction of
// fitting (no training), so a stopped apply simply runs again.
import { z } from 'zod';
import { profileDatasetAsync } from '../../../core/data/dataset-profile.ts';
import { LabError } from '../../../core/errors.ts';
import { applyImputer, matchModelColumns } from '../../../core/impute/imputer.ts';
import { validateImputationModel, type ImputationModel } from '../../../core/impute/model-file.ts';
import { createImputer, resolveImputerOptions, type ImputerEnv } from '../../../core/impute/registry.ts';
import { MAX_NAME_LENGTH } from '../../contract/datasets.ts';
import { describeRejected } from '../../contract/run-protocol.ts';
import { assembleDataset, datasetProfile, datasetShape, sendDataset } from './dataset-artifacts.ts';
import { renameField } from './fields.ts';
import { connectedEnv, cloudEnv, imputerCloud, type ImputerCloud } from './imputer-cloud.ts';
import { defineRunKind, type HostDataset, type RunHost } from './types.ts';
import { applyImputerConfig, type ApplyImputerConfig } from '../../contract/run-configs.ts';

/**
 * Largest saved imputer model read from a file (`qnnlab impute --model`, and the CLI's apply runs): a JavaScript
 * string holds at most about 512 MiB. Through the web host a config is also bounded by the request body limit.
 */
export const MAX_MODEL_BYTES = 512 * 1024 ** 2;

// The config schema lives in the contract (the New run page validates with it); re-exported for the kind's users.
export { applyImputerConfig, type ApplyImputerConfig };

export interface ApplyImputerInput {
  dataset: HostDataset;
  model: ImputationModel;
  options: Record<string, unknown>;
  seed?: number;
  env: ImputerEnv;
  /** qnn-mice on IonQ's cloud: the connection from the host (never stored with the run) and the spend limit. */
  cloud?: ImputerCloud | null;
}

export const applyImputerInput = z.custom<ApplyImputerInput>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ApplyImputerInput).dataset?.dataset === 'object' &&
    typeof (v as ApplyImputerInput).model?.method === 'string' &&
    typeof (v as ApplyImputerInput).options === 'object',
  'a prepared apply (dataset, model, options)',
);

/** The worker's result: the new dataset's shape and profile (its cells came as artifacts) and what the apply did. */
const applyResult = z.object({
  name: z.string().min(1),
  source: z.string().min(1),
  dataset: datasetShape,
  profile: datasetProfile,
  method: z.string(),
  recipe: z.record(z.string(), z.unknown()),
  cost: z.object({ circuits: z.number(), shots: z.number(), deviceUSD: z.number().optional() }),
  warnings: z.array(z.string()),
  filledCells: z.number().int().nonnegative(),
  missingCellsLeft: z.number().int().nonnegative(),
});
export type ApplyImputerOutput = z.infer<typeof applyResult>;

/** What a worker sent back does not hold together: a bug (or a worker that cannot be trusted). */
const damaged = (why: string) => new LabError('INTERNAL', `The imputed dataset came back damaged from its worker (${why}). Run the apply again.`);

export function prepareApply(config: ApplyImputerConfig, host: RunHost) {
  const dataset = host.dataset(config.datasetId);
  let model: ImputationModel;
  try {
    model = validateImputationModel(config.model);
  } catch (e) {
    throw renameField(e, (f) => (f === undefined ? 'model' : `model.${f}`));
  }
  const options = config.options ?? {};
  const env: ImputerEnv = { deviceProfiles: host.deviceProfiles() };
  const rename = (e: unknown) =>
    // The registry names options as options.<name>; qnn-mice's backend as backend.
    renameField(e, (f) => (f === 'method' ? 'model.method' : f === undefined ? 'options' : f.startsWith('options') ? f : `options.${f}`));
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveImputerOptions(model.method, { ...model.options, ...options });
  } catch (e) {
    throw rename(e);
  }
  // A backend on IonQ's cloud: the key is checked and the connection handed over now, as for a training.
  const cloud = imputerCloud([resolved], host);
  try {
    createImputer(model.method, { ...model.options, ...options }, connectedEnv(env, cloud)); // the options and qnn-mice's backend, checked now
  } catch (e) {
    throw rename(e);
  }
  try {
    matchModelColumns(model, dataset.dataset);
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    throw new LabError(e.code, `Dataset ${dataset.id} ("${dataset.name}") does not fit the model. ${e.message}`, {
      field: 'datasetId',
      value: e.value,
      allowed: e.allowed,
    });
  }
  return {
    input: { dataset, model, options, seed: config.seed, env, cloud } satisfies ApplyImputerInput,
    name: `apply ${model.method} to ${dataset.name}`,
    datasetId: dataset.id,
    datasetName: dataset.name,
    seeds: [config.seed ?? model.seed],
  };
}

/** Where each phase sits in the run's progress: applying and profiling in the worker, storing on the host. */
const PHASES = { apply: [0, 0.6], profile: [0.6, 0.75], send: [0.75, 0.8], store: [0.8, 1] } as const;
const within = ([from, to]: readonly [number, number], f: number) => from + f * (to - from);

export const applyImputerKind = defineRunKind({
  kind: 'apply-imputer',
  description: 'Apply a saved imputer to a dataset without refitting (on any backend for qnn-mice); the completed table becomes a new dataset',
  config: applyImputerConfig,
  input: applyImputerInput,
  resumable: false,
  prepare: prepareApply,
  cloudBackend: (input: ApplyImputerInput) => input.cloud?.backend ?? null,
  async run(input: ApplyImputerInput, ctx): Promise<ApplyImputerOutput> {
    const { dataset, model } = input;
    const before = dataset.dataset;
    const r = await applyImputer(model, before, {
      options: input.options,
      seed: input.seed,
      env: cloudEnv(input.env, input.cloud, ctx, () => 0),
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(within(PHASES.apply, p.fraction), `applying: step ${p.step}/${p.steps} ${p.column}`),
    });
    for (const w of r.warnings) ctx.log('warning', w);
    const profile = await profileDatasetAsync(
      r.completed,
      {},
      { signal: ctx.signal, onProgress: (f) => ctx.progress(within(PHASES.profile, f), 'profiling the completed table') },
    );
    let filledCells = 0;
    let missingCellsLeft = 0;
    r.completed.columns.forEach((c, j) =>
      c.values.forEach((v, i) => {
        if (v !== v) missingCellsLeft++;
        else if (before.columns[j].values[i] !== before.columns[j].values[i]) filledCells++;
      }),
    );
    ctx.progress(PHASES.send[0], `handing over the completed table (${filledCells} cells filled)`);
    const shape = await sendDataset(r.completed, ctx);
    return {
      name: `${dataset.name} (imputed by ${model.method})`,
      source: `dataset ${dataset.id} ("${dataset.name}") imputed by a saved ${model.method} imputer`,
      dataset: shape,
      profile,
      method: model.method,
      recipe: model.recipe,
      cost: r.cost,
      warnings: r.warnings,
      filledCells,
      missingCellsLeft,
    };
  },
  async complete(raw, host, completion) {
    if (!host.importDataset) throw new Error('this host cannot store datasets (its RunHost lacks importDataset)');
    const checked = applyResult.safeParse(raw);
    if (!checked.success) throw damaged(`its result ${describeRejected(checked.error, raw)}`);
    const result = checked.data;
    const table = await assembleDataset(result.dataset, completion, damaged);
    const stored = await host.importDataset(
      table,
      result.profile,
      { name: result.name.slice(0, MAX_NAME_LENGTH), source: result.source },
      { signal: completion.signal, onProgress: (f) => completion.progress(within(PHASES.store, f), 'storing the completed table') },
    );
    const { dataset: _, profile: __, name: ___, source: ____, ...summary } = result;
    return { datasetId: stored.id, datasetName: stored.name, ...summary };
  },
});
