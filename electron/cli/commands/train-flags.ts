// The flags of a training and their one mapping to the train run kind's config (electron/workers/kinds/train.ts):
// `qnnlab train` runs that config in its own process, `qnnlab run start train` hands it to the run engine. Each flag
// is checked with a message naming it; the kind's schema then checks the whole config.
import { confirmCharged, providerFlags, providerOptions } from './provider.ts';
import { GRADIENT_METHODS } from '../../../core/gradients/registry.ts';
import { checkProbability } from '../../../core/hardware/noise.ts';
import { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_SHOTS, TRAIN_DEFAULTS } from '../../../core/limits.ts';
import { OPTIMISERS } from '../../../core/train/optimisers.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import { TOY_SAMPLES, trainConfig, type TrainConfig } from '../../workers/kinds/train.ts';
import { choiceFlag, numberFlag, stringFlag, UserError, type Flags, type FlagSpecs } from '../command.ts';
import { modelOptions } from '../model-flags.ts';
import { backendFlag, noiseFlags, noiseOptions } from './hardware.ts';

const MAX_SAMPLES = 1_000_000;

/** The flags of the toy task and the trainer (what `qnnlab train` has always taken). */
export const trainConfigFlags = {
  qubits: modelOptions.qubits,
  layers: { ...modelOptions.layers, required: true },
  'target-layers': { type: 'string', value: 'T', description: 'layers of the random target butterfly to learn (default L)' },
  samples: { type: 'string', value: 'S', description: `training samples (default ${TOY_SAMPLES})` },
  epochs: {
    type: 'string',
    value: 'E',
    description: `epochs per layer, 1 to ${MAX_EPOCHS.toLocaleString('en-US')} (default ${TRAIN_DEFAULTS.epochsPerLayer})`,
  },
  batch: { type: 'string', value: 'B', description: `samples per optimisation step (default ${TRAIN_DEFAULTS.batchSize})` },
  lr: { type: 'string', value: 'RATE', description: `learning rate (default ${TRAIN_DEFAULTS.learningRate})` },
  optimiser: { type: 'string', value: 'O', description: `${OPTIMISERS.join(' or ')} (default ${TRAIN_DEFAULTS.optimiser})` },
  method: {
    type: 'string',
    value: 'M',
    description: `gradient of the layer phases: ${GRADIENT_METHODS.join(', ')} (default ${TRAIN_DEFAULTS.method}; adjoint is simulator-only)`,
  },
  'fine-tune-epochs': { type: 'string', value: 'F', description: 'epochs of a final fine-tune of all layers (default 0: none)' },
  shots: {
    type: 'string',
    value: 'K',
    description: `shots per circuit, 1 to ${MAX_SHOTS.toLocaleString('en-US')} (default exact; required on ideal-shots and devices)`,
  },
  seed: { type: 'string', value: 'S', description: 'seed of the task, the shuffles, the shots and the noise (default 0)' },
  ...backendFlag,
  ...noiseOptions,
  budget: {
    type: 'string',
    value: 'USD',
    description: 'device backends: refuse (exit 2) when the estimated cost exceeds this; a cloud run stops before a job would pass it',
  },
  ...providerFlags,
  'latency-scale': {
    type: 'string',
    value: 'X',
    description: 'device backends: wall ms per emulated device ms of queue and run time (default 1e-4; 0 for none)',
  },
} as const satisfies FlagSpecs;

/** The training flags plus a dataset column to predict (`qnnlab run start train`): the toy task's flags become optional. */
export const trainRunFlags = {
  ...trainConfigFlags,
  qubits: { ...modelOptions.qubits, required: false, description: `${modelOptions.qubits.description} (toy task; a dataset run picks it from its predictors)` },
  layers: { ...trainConfigFlags.layers, required: false, description: 'butterfly layers (toy task: required; dataset: default log2 N)' },
  dataset: { type: 'string', value: 'ID', description: 'train on this dataset of the database (see `qnnlab dataset list`), predicting --target' },
  target: { type: 'string', value: 'COL', description: "with --dataset: the column to predict from the dataset's other feature columns" },
} as const satisfies FlagSpecs;

const optionalChoice = <T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined =>
  flags[name] === undefined ? undefined : choiceFlag(flags, name, choices);

/** The train kind's config from the flags: every flag checked with a message naming it, then the whole config by the kind's schema. */
export function trainConfigFromFlags(flags: Flags): TrainConfig {
  const datasetId = numberFlag(flags, 'dataset', { integer: true, min: 1 });
  const target = stringFlag(flags, 'target');
  const qubits = numberFlag(flags, 'qubits', { integer: true });
  const layers = numberFlag(flags, 'layers', { integer: true });
  if (datasetId === undefined) {
    if (target !== undefined) throw new UserError('--target needs --dataset ID: the dataset whose column to predict', { field: 'dataset' });
    if (qubits === undefined || layers === undefined) {
      throw new UserError('--qubits N and --layers L are required for the toy task; or train on a dataset with --dataset ID --target COL', {
        field: qubits === undefined ? 'qubits' : 'layers',
      });
    }
  } else if (target === undefined) throw new UserError('--dataset needs --target COL: the column to predict', { field: 'target' });
  // The register's size and depth are checked by the kind's prepareTraining, for every way a training starts.

  const backend = stringFlag(flags, 'backend');
  confirmCharged(backend, flags);
  const noise = noiseFlags(flags);
  const noiseGiven = Object.values(noise).some((v) => v !== undefined);
  const budget = numberFlag(flags, 'budget', { min: 0 });
  const latencyScale = numberFlag(flags, 'latency-scale', { min: 0 });
  if (noiseGiven && backend !== 'noisy')
    throw new UserError('--p1, --p2 and --readout set the noise of --backend noisy (a device backend takes its noise from its profile)', { field: 'p1' });
  for (const [name, p] of Object.entries(noise)) if (p !== undefined) checkProbability(p, name);
  if (backend === undefined && (budget !== undefined || latencyScale !== undefined))
    throw new UserError('--budget and --latency-scale apply to a device backend: give --backend NAME', {
      field: budget !== undefined ? 'budget' : 'latency-scale',
    });

  const config: Record<string, unknown> = {
    qubits,
    layers,
    targetLayers: numberFlag(flags, 'target-layers', { integer: true }),
    samples: numberFlag(flags, 'samples', { integer: true, min: 1, max: MAX_SAMPLES }),
    datasetId,
    target,
    epochs: numberFlag(flags, 'epochs', { integer: true, min: 1, max: MAX_EPOCHS }),
    batch: numberFlag(flags, 'batch', { integer: true, min: 1, max: MAX_BATCH_SIZE }),
    lr: numberFlag(flags, 'lr'),
    optimiser: optionalChoice(flags, 'optimiser', OPTIMISERS),
    method: optionalChoice(flags, 'method', GRADIENT_METHODS),
    fineTuneEpochs: numberFlag(flags, 'fine-tune-epochs', { integer: true, min: 0, max: MAX_EPOCHS }),
    shots: numberFlag(flags, 'shots', { integer: true, min: 1, max: MAX_SHOTS }),
    seed: numberFlag(flags, 'seed', { integer: true }),
    backend,
    noise: noiseGiven ? Object.fromEntries(Object.entries(noise).filter(([, v]) => v !== undefined)) : undefined,
    latencyScale,
    budget,
    ...providerOptions(flags, backend),
  };
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  return parseOrThrow(trainConfig, config, 'train config', 'config');
}
