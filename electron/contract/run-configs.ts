// The configuration schemas of the run kinds (what a user gives runs.start, `qnnlab run start KIND` and the New run
// page): defined once here, in the contract, so that the renderer's forms validate as the host does; each kind
// (electron/workers/kinds/*.ts) takes its schema from here and the host checks every config with it.
import { IONQ_AGGREGATIONS, IONQ_NOISE_MODELS } from '../../core/hardware/providers/ionq/backends.ts';
import { z } from 'zod';
import { GRADIENT_METHODS } from '../../core/gradients/registry.ts';
import { ARCHITECTURES, MASK_MECHANISMS, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_FOLDS, MAX_LAYERS, MAX_QUBITS, MAX_SEEDS, MAX_SHOTS } from '../../core/limits.ts';
import { OPTIMISERS } from '../../core/train/optimisers.ts';
import { MAX_NAME_LENGTH } from './datasets.ts';

// ---- train ----

/** The toy task's default number of training samples. */
export const TOY_SAMPLES = 256;
const MAX_SAMPLES = 1_000_000;

const probability = z.number().min(0).max(1);

export const trainConfig = z
  .object({
    /** Toy task: the register size (a power of two); a dataset run picks it from its predictors unless given. */
    qubits: z.number().int().min(2).max(MAX_QUBITS).optional(),
    /** Layers to grow (toy task: required; dataset: default log2 qubits). */
    layers: z.number().int().min(1).max(MAX_LAYERS).optional(),
    /** Toy task: layers of the random target butterfly (default `layers`). */
    targetLayers: z.number().int().min(1).max(MAX_LAYERS).optional(),
    /** Toy task: training samples. */
    samples: z.number().int().min(1).max(MAX_SAMPLES).optional(),
    /** Train on this dataset, predicting `target` from its other feature columns. */
    datasetId: z.number().int().positive().optional(),
    target: z.string().min(1).max(MAX_NAME_LENGTH).optional(),
    epochs: z.number().int().min(1).max(MAX_EPOCHS).optional(),
    batch: z.number().int().min(1).max(MAX_BATCH_SIZE).optional(),
    lr: z.number().positive().max(1e3).optional(),
    optimiser: z.enum(OPTIMISERS).optional(),
    method: z.enum(GRADIENT_METHODS).optional(),
    fineTuneEpochs: z.number().int().min(0).max(MAX_EPOCHS).optional(),
    shots: z.number().int().min(1).max(MAX_SHOTS).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    /** A simulator backend or a device profile id; absent: the fast exact unary path (plus seeded shots). */
    backend: z.string().min(1).max(100).optional(),
    /** Noise of the 'noisy' backend (a device takes its noise from its profile). */
    noise: z.object({ p1: probability.optional(), p2: probability.optional(), readout: probability.optional() }).strict().optional(),
    /** Device backends: wall milliseconds per emulated device millisecond of queue and run time. */
    latencyScale: z.number().min(0).max(1).optional(),
    /** Device backends: refuse to run when the estimated cost exceeds this many USD; a cloud run stops when its spend would. */
    budget: z.number().min(0).optional(),
    /** ionq:simulator's noise model (ideal, aria-1, forte-1, forte-enterprise-1). */
    noiseModel: z.enum(IONQ_NOISE_MODELS).optional(),
    /** IonQ's debiasing (500 shots at least) and how its variants are aggregated. */
    debiasing: z.boolean().optional(),
    aggregation: z.enum(IONQ_AGGREGATIONS).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.datasetId === undefined) {
      if (c.target !== undefined) issue('datasetId', 'target needs datasetId: the dataset whose column to predict');
      if (c.qubits === undefined) issue('qubits', 'the toy task needs qubits (a power of two), or give datasetId and target');
      if (c.layers === undefined) issue('layers', 'the toy task needs layers');
    } else {
      if (c.target === undefined) issue('target', 'a dataset run needs target: the column to predict');
      if (c.samples !== undefined || c.targetLayers !== undefined) issue('samples', 'samples and targetLayers belong to the toy task, not a dataset run');
    }
    if (c.noise !== undefined && c.backend !== 'noisy') issue('noise', "noise sets the 'noisy' backend's rates (a device takes its noise from its profile)");
    if (c.backend === undefined && (c.budget !== undefined || c.latencyScale !== undefined))
      issue(c.budget !== undefined ? 'budget' : 'latencyScale', 'budget and latencyScale apply to a device backend: give backend');
  });
export type TrainConfig = z.output<typeof trainConfig>;

// ---- experiment ----

const columnName = z.string().min(1).max(MAX_NAME_LENGTH);

/** The options of `qnnlab experiment` (experimentConfigFromFlags maps its flags here) on a dataset of the database. */
export const experimentRunConfig = z
  .object({
    datasetId: z.number().int().positive(),
    outcome: columnName,
    exclude: z.array(columnName).optional(),
    methods: z
      .array(z.union([z.string().min(1), z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict()]))
      .min(1),
    mask: z.object({ mechanism: z.enum(MASK_MECHANISMS), rate: z.number().gt(0).lt(1), columns: z.array(columnName).optional() }).strict(),
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1),
      )
      .min(1)
      .max(MAX_SEEDS)
      .refine((s) => new Set(s).size === s.length, 'must not repeat a seed (a repeated seed repeats its results)'),
    folds: z.number().int().min(2).max(MAX_FOLDS).optional(),
  })
  .strict();
export type ExperimentRunConfig = z.output<typeof experimentRunConfig>;

// ---- apply-imputer ----

export const applyImputerConfig = z
  .object({
    datasetId: z.number().int().positive(),
    /** The saved imputer as parsed JSON (checked field by field when the run is prepared). */
    model: z.record(z.string(), z.unknown()),
    /** The method's options that differ at apply time, merged over the saved ones (e.g. qnn-mice's backend, shots). */
    options: z.record(z.string(), z.unknown()).optional(),
    /** Seed of stochastic predictions (pmm, shots); default the fit's, so that apply reproduces the fit. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
  })
  .strict();
export type ApplyImputerConfig = z.output<typeof applyImputerConfig>;

// ---- device-job ----

/** Who runs the job: `emulator` runs it on this machine; a cloud provider will be added beside it. */
export const DEVICE_JOB_PROVIDERS = ['emulator'] as const;

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const deviceJobConfig = z
  .object({
    provider: z.enum(DEVICE_JOB_PROVIDERS).default('emulator'),
    /** A device profile id (a user copy shadows the built-in). */
    backend: z.string().min(1).max(100),
    qubits: z.number().int().min(2).max(MAX_QUBITS),
    /** Butterfly layers (default log2 qubits); not for the pyramid. */
    layers: z.number().int().min(1).max(MAX_LAYERS).optional(),
    architecture: z.enum(ARCHITECTURES).optional(),
    /** Draws the parameters uniformly in [-pi, pi) (as `--seed S`), unless `params` gives them; also the default shot seed. */
    seed: seed.optional(),
    params: z
      .array(z.number())
      .max(MAX_QUBITS * MAX_QUBITS)
      .optional(),
    /** The input vector, zero-padded to `qubits`. */
    input: z.array(z.number()).min(1).max(MAX_QUBITS),
    shots: z.number().int().min(1).max(MAX_SHOTS),
    /** Seed of the shots and the noise (default `seed`, else 0). */
    shotSeed: seed.optional(),
    /** Raw counts by bitstring (default only for small registers). */
    counts: z.boolean().optional(),
    /** Wall milliseconds per emulated device millisecond of queue and run time (default 1e-4; 0 for none). */
    latencyScale: z.number().min(0).max(1).optional(),
    /** Refuse the job when its cost exceeds this many USD. */
    budget: z.number().min(0).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.seed === undefined && c.params === undefined)
      ctx.addIssue({ code: 'custom', path: ['seed'], message: 'give seed (parameters drawn uniformly in [-pi, pi)) or params' });
    if (c.architecture === 'pyramid' && c.layers !== undefined)
      ctx.addIssue({ code: 'custom', path: ['layers'], message: 'layers applies to the butterfly only (a pyramid has n(n-1)/2 gates)' });
  });
export type DeviceJobConfig = z.output<typeof deviceJobConfig>;
