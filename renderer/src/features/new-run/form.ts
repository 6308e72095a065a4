// The New run page's forms as plain data: each kind's inputs (what v-model gives: numbers, or '' for an empty field),
// the config they make (checked by the kind's own schema from the contract, every problem named by its config path),
// and the way back from a run's config to the form ("Run again with changes"). Pure (unit-tested); no Vue, no API.
import type { z } from 'zod';
import { EXPERIMENT_DEFAULTS, MASK_MECHANISMS, TRAIN_DEFAULTS, type MaskMechanism } from '../../../../core/limits.ts';
import { describeIssue } from '../../../../core/zod-issues.ts';
import { backendNames, resolveBackend } from '../../../../core/hardware/registry.ts';
import {
  IONQ_AGGREGATIONS,
  IONQ_DEBIAS_MIN_SHOTS,
  IONQ_MAX_SHOTS,
  IONQ_MIN_SHOTS,
  IONQ_NOISE_MODELS,
} from '../../../../core/hardware/providers/ionq/backends.ts';
import { NO_KEY_MESSAGE } from '../../../../core/hardware/providers/ionq/client.ts';
import { applyImputerConfig, experimentRunConfig, TOY_SAMPLES, trainConfig } from '../../../../electron/contract/run-configs.ts';
import { defaultOptionValue, methodOptionFields, type MethodOptionField } from './methods.ts';

/** The kinds a user starts from this page (imports start from the Datasets page; device jobs from the CLI). */
export const FORM_KINDS = ['experiment', 'train', 'apply-imputer'] as const;
export type FormKind = (typeof FORM_KINDS)[number];
export const KIND_LABELS: Record<FormKind, string> = { experiment: 'Imputation experiment', train: 'QNN training', 'apply-imputer': 'Apply a saved imputer' };

const SCHEMAS: Record<FormKind, z.ZodType> = { train: trainConfig, experiment: experimentRunConfig, 'apply-imputer': applyImputerConfig };

/** A number input's value: a number, or '' when empty (or not a number). */
export type NumberInput = number | string;

export interface TrainForm {
  task: 'toy' | 'dataset';
  qubits: NumberInput;
  layers: NumberInput;
  targetLayers: NumberInput;
  samples: NumberInput;
  datasetId: number | null;
  target: string;
  epochs: NumberInput;
  batch: NumberInput;
  lr: NumberInput;
  optimiser: string;
  method: string;
  fineTuneEpochs: NumberInput;
  /** '' : the exact simulator (no backend). */
  backend: string;
  shots: NumberInput;
  seed: NumberInput;
  /** ionq:simulator's noise model ('' : IonQ's default, ideal). */
  noiseModel: string;
  /** IonQ's debiasing on a cloud backend ('' : IonQ's default) and how its variants are aggregated ('' : the default). */
  debiasing: '' | 'on' | 'off';
  aggregation: string;
}

export { IONQ_AGGREGATIONS, IONQ_DEBIAS_MIN_SHOTS, IONQ_MAX_SHOTS, IONQ_MIN_SHOTS, IONQ_NOISE_MODELS };

/** Where a backend's circuits run: here (null), IonQ's cloud for free (its simulator) or charged (a QPU, priced by its profile). */
export type CloudCharge = 'free' | 'charged' | null;

export interface BackendChoice {
  id: string;
  label: string;
  device: boolean;
  cloud: CloudCharge;
}

/** What the registry says of a backend name: a cloud backend with a device profile is a QPU, whose jobs are charged. */
export function cloudCharge(backend: string): CloudCharge {
  if (!backend) return null;
  try {
    const target = resolveBackend(backend);
    return target.provider ? (target.profile ? 'charged' : 'free') : null;
  } catch {
    return null; // a user profile the renderer's catalog does not hold: an emulated device
  }
}

/**
 * The backends a training may choose: the simulators and the lab's usable device profiles (the host's list, with user
 * copies), then the registry's cloud backends, each marked free or charged; without a key they say so.
 */
export function backendChoices(devices: readonly { id: string; name: string; problem?: string }[], keySet: boolean): BackendChoice[] {
  const targets = backendNames().map((name) => resolveBackend(name));
  const simulators = targets.filter((t) => !t.profile && !t.provider);
  const cloud = targets.filter((t) => t.provider);
  const noKey = keySet ? '' : '; no API key set';
  return [
    ...simulators.map(({ name }) => ({ id: name, label: name, device: false, cloud: null })),
    ...devices.filter((d) => !d.problem).map((d) => ({ id: d.id, label: `${d.name} (${d.id})`, device: true, cloud: null })),
    ...cloud.map(({ name, profile }) => ({
      id: name,
      label: `${name} (IonQ's cloud, ${profile ? 'charged' : 'free'}${noKey})`,
      device: true,
      cloud: profile ? ('charged' as const) : ('free' as const),
    })),
  ];
}

/** The backends a run's config names: a training's backend, or qnn-mice's `backend` option in an experiment's methods or an apply run's options. */
function namedBackends(kind: FormKind, config: Record<string, unknown>): string[] {
  const named =
    kind === 'train'
      ? [config.backend]
      : kind === 'experiment'
        ? ((config.methods ?? []) as unknown[]).map((m) =>
            typeof m === 'object' && m !== null ? (m as { options?: { backend?: unknown } }).options?.backend : undefined,
          )
        : [(config.options as { backend?: unknown } | undefined)?.backend];
  return named.filter((b): b is string => typeof b === 'string');
}

/** The cloud QPU a run's config sends jobs to (charged to the user's IonQ account), or null. */
export function chargedBackend(kind: FormKind, config: Record<string, unknown>): string | null {
  return namedBackends(kind, config).find((b) => cloudCharge(b) === 'charged') ?? null;
}

/** Whether a run's jobs go to IonQ's cloud: charged (a QPU among its backends), free (only its simulator), or not at all. */
export function runCloud(kind: FormKind, config: Record<string, unknown>): CloudCharge {
  const charges = namedBackends(kind, config).map(cloudCharge);
  return charges.includes('charged') ? 'charged' : charges.includes('free') ? 'free' : null;
}

/** The form's problems that depend on the host's provider: a cloud backend without an API key (null status: unknown). */
export function providerProblems(form: TrainForm, provider: { keySet: boolean } | null): Problems {
  return cloudCharge(form.backend) && provider && !provider.keySet ? { backend: NO_KEY_MESSAGE } : {};
}

/** One imputer of an experiment: chosen or not, and its options as typed ('' : the method's default). */
export interface MethodChoice {
  name: string;
  selected: boolean;
  options: Record<string, string | boolean>;
}

export interface ExperimentForm {
  datasetId: number | null;
  outcome: string;
  exclude: string[];
  methods: MethodChoice[];
  mechanism: MaskMechanism;
  rate: NumberInput;
  /** Seeds as typed: a range `1-5` or a list `1, 2, 7`. */
  seeds: string;
  folds: NumberInput;
}

export interface ApplyForm {
  datasetId: number | null;
  /** The saved imputer's JSON text (from a file the user picked) and the file's name. */
  modelText: string;
  modelFile: string;
  seed: NumberInput;
  /** Options that differ at apply time, as JSON (e.g. {"backend": "ionq-aria", "shots": 1000}). */
  optionsText: string;
}

export interface Forms {
  train: TrainForm;
  experiment: ExperimentForm;
  'apply-imputer': ApplyForm;
}

/** Problems by config path ('qubits', 'mask.rate', 'methods.1.options.trees'); the form shows each by its control. */
export type Problems = Record<string, string>;

export function defaultTrainForm(defaultBackend: string | null = null): TrainForm {
  return {
    task: 'toy',
    qubits: 8,
    layers: 3,
    targetLayers: '',
    samples: TOY_SAMPLES,
    datasetId: null,
    target: '',
    epochs: TRAIN_DEFAULTS.epochsPerLayer,
    batch: '',
    lr: '',
    optimiser: TRAIN_DEFAULTS.optimiser,
    method: TRAIN_DEFAULTS.method,
    fineTuneEpochs: '',
    backend: defaultBackend ?? '',
    shots: '',
    seed: TRAIN_DEFAULTS.seed,
    noiseModel: '',
    debiasing: '',
    aggregation: '',
  };
}

export function defaultExperimentForm(datasetId: number | null = null): ExperimentForm {
  return {
    datasetId,
    outcome: '',
    exclude: [],
    methods: methodOptionFields().map((m) => ({ name: m.name, selected: m.name === 'mean' || m.name === 'mice', options: {} })),
    mechanism: EXPERIMENT_DEFAULTS.mask.mechanism,
    rate: EXPERIMENT_DEFAULTS.mask.rate,
    seeds: `1-${EXPERIMENT_DEFAULTS.seeds}`,
    folds: EXPERIMENT_DEFAULTS.folds,
  };
}

export function defaultApplyForm(datasetId: number | null = null): ApplyForm {
  return { datasetId, modelText: '', modelFile: '', seed: '', optionsText: '' };
}

const isEmpty = (v: unknown) => v === '' || v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
/** An optional number: omitted when empty, else the number (a text that is no number is kept, so the schema names it). */
const num = (v: NumberInput): number | string | undefined => (isEmpty(v) ? undefined : typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : v);

/** Drops the keys whose value is undefined (an empty field means the kind's default). */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `1-5` -> [1..5]; `1, 2, 7` -> [1, 2, 7]; null when the text is neither. */
export function parseSeeds(text: string): number[] | null {
  const t = text.trim();
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(t);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a || b - a >= 100_000) return null;
    return Array.from({ length: b - a + 1 }, (_, k) => a + k);
  }
  const parts = t.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}

/** Seeds as the form shows them: a range when consecutive. */
export function formatSeeds(seeds: readonly number[]): string {
  const consecutive = seeds.length > 1 && seeds.every((s, k) => k === 0 || s === seeds[k - 1] + 1);
  return consecutive ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(', ');
}

/** One option's typed value as the config takes it (undefined: the default), or a problem. */
function optionValue(field: MethodOptionField, raw: string | boolean | undefined): { value?: unknown; problem?: string } {
  if (raw === undefined || raw === '') return {};
  if (field.type === 'boolean') return raw === defaultOptionValue(field) ? {} : { value: raw };
  const text = String(raw).trim();
  if (field.type === 'integer' || field.type === 'number') {
    const n = Number(text);
    return Number.isFinite(n) && text !== '' ? { value: n } : { problem: `must be a number; got ${JSON.stringify(text)}` };
  }
  if (field.type === 'json') {
    try {
      return { value: JSON.parse(text) };
    } catch {
      return { problem: `must be JSON, e.g. ${JSON.stringify(field.default)}; got ${JSON.stringify(text)}` };
    }
  }
  return { value: text };
}

/** The config a form makes, and what could not be made into one (named by the config path it would sit at). */
export function configOf<K extends FormKind>(kind: K, form: Forms[K]): { config: Record<string, unknown>; problems: Problems } {
  const problems: Problems = {};
  if (kind === 'train') {
    const f = form as TrainForm;
    const cloud = cloudCharge(f.backend);
    const common = {
      epochs: num(f.epochs),
      batch: num(f.batch),
      lr: num(f.lr),
      optimiser: f.optimiser || undefined,
      method: f.method || undefined,
      fineTuneEpochs: num(f.fineTuneEpochs),
      backend: f.backend || undefined,
      shots: num(f.shots),
      seed: num(f.seed),
      // The cloud's settings go only with a backend that takes them (the noise model: the simulator's).
      noiseModel: cloud === 'free' && f.noiseModel ? f.noiseModel : undefined,
      debiasing: cloud && f.debiasing ? f.debiasing === 'on' : undefined,
      aggregation: cloud && f.debiasing !== 'off' && f.aggregation ? f.aggregation : undefined,
    };
    const task =
      f.task === 'toy'
        ? { qubits: num(f.qubits), layers: num(f.layers), targetLayers: num(f.targetLayers), samples: num(f.samples) }
        : { datasetId: f.datasetId ?? undefined, target: f.target || undefined, qubits: num(f.qubits), layers: num(f.layers) };
    return { config: compact({ ...task, ...common }), problems };
  }
  if (kind === 'experiment') {
    const f = form as ExperimentForm;
    const fields = methodOptionFields();
    const methods = f.methods
      .filter((m) => m.selected)
      .map((m, k) => {
        const options: Record<string, unknown> = {};
        for (const field of fields.find((x) => x.name === m.name)?.fields ?? []) {
          const v = optionValue(field, m.options[field.key]);
          if (v.problem) problems[`methods.${k}.options.${field.key}`] = v.problem;
          else if (v.value !== undefined) options[field.key] = v.value;
        }
        return Object.keys(options).length > 0 ? { name: m.name, options } : m.name;
      });
    const seeds = parseSeeds(f.seeds);
    if (!seeds) problems.seeds = `must be a range such as 1-5 or a list such as 1, 2, 7; got ${JSON.stringify(f.seeds)}`;
    const config = compact({
      datasetId: f.datasetId ?? undefined,
      outcome: f.outcome || undefined,
      exclude: f.exclude.length > 0 ? [...f.exclude] : undefined,
      methods,
      mask: { mechanism: f.mechanism, rate: num(f.rate) },
      seeds: seeds ?? [],
      folds: num(f.folds),
    });
    return { config, problems };
  }
  const f = form as ApplyForm;
  let model: unknown = undefined;
  if (!isEmpty(f.modelText)) {
    try {
      model = JSON.parse(f.modelText);
    } catch {
      problems.model = `${f.modelFile || 'the file'} is not JSON: choose a model saved by QNN Lab (qnnlab impute --save-model)`;
    }
  }
  let options: unknown = undefined;
  if (!isEmpty(f.optionsText)) {
    try {
      options = JSON.parse(f.optionsText);
    } catch {
      problems.options = `must be a JSON object such as {"backend": "ionq-aria", "shots": 1000}; got ${JSON.stringify(f.optionsText.slice(0, 40))}`;
    }
  }
  return { config: compact({ datasetId: f.datasetId ?? undefined, model, options, seed: num(f.seed) }), problems };
}

/** Every problem the kind's schema finds in a config, by config path (the first per path), worded as the host words it. */
export function schemaProblems(kind: FormKind, config: unknown): Problems {
  const parsed = SCHEMAS[kind].safeParse(config);
  if (parsed.success) return {};
  const problems: Problems = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.') || '(config)';
    problems[path] ??= describeIssue(issue, config);
  }
  return problems;
}

/** The form's config and every problem known without asking the host: the form's own, then the schema's. */
export function checkForm<K extends FormKind>(kind: K, form: Forms[K]): { config: Record<string, unknown>; problems: Problems } {
  const made = configOf(kind, form);
  return { config: made.config, problems: { ...schemaProblems(kind, made.config), ...made.problems } };
}

/** A host refusal's field as a config path: runs.check and runs.start name it `config.<path>`. */
export function configPath(field: string | undefined): string | null {
  if (!field) return null;
  return field.startsWith('config.') ? field.slice('config.'.length) : field;
}

/** The problem of a control: its own path, or one under it (e.g. 'mask' shows 'mask.rate' unless that has its own). */
export function problemAt(problems: Problems, path: string): string | null {
  if (problems[path]) return problems[path];
  const under = Object.keys(problems).find((p) => p.startsWith(`${path}.`));
  return under ? problems[under] : null;
}

const asNumber = (v: unknown): NumberInput => (typeof v === 'number' ? v : '');
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The form a run's config fills ("Run again with changes"); what the form cannot show falls back to its default. */
export function formFromConfig(kind: FormKind, config: Record<string, unknown>): Forms[FormKind] {
  if (kind === 'train') {
    const f = defaultTrainForm();
    const dataset = typeof config.datasetId === 'number';
    return {
      ...f,
      task: dataset ? 'dataset' : 'toy',
      qubits: asNumber(config.qubits),
      layers: asNumber(config.layers),
      targetLayers: asNumber(config.targetLayers),
      samples: dataset ? f.samples : asNumber(config.samples) === '' ? f.samples : asNumber(config.samples),
      datasetId: dataset ? (config.datasetId as number) : null,
      target: asString(config.target),
      epochs: asNumber(config.epochs),
      batch: asNumber(config.batch),
      lr: asNumber(config.lr),
      optimiser: asString(config.optimiser) || f.optimiser,
      method: asString(config.method) || f.method,
      fineTuneEpochs: asNumber(config.fineTuneEpochs),
      backend: asString(config.backend),
      shots: asNumber(config.shots),
      seed: asNumber(config.seed),
      noiseModel: asString(config.noiseModel),
      debiasing: typeof config.debiasing === 'boolean' ? (config.debiasing ? 'on' : 'off') : '',
      aggregation: asString(config.aggregation),
    } satisfies TrainForm;
  }
  if (kind === 'experiment') {
    const f = defaultExperimentForm(typeof config.datasetId === 'number' ? config.datasetId : null);
    const given = Array.isArray(config.methods) ? (config.methods as (string | { name: string; options?: Record<string, unknown> })[]) : [];
    const byName = new Map(given.map((m) => (typeof m === 'string' ? [m, {}] : [m.name, m.options ?? {}])));
    const mask = (config.mask ?? {}) as { mechanism?: MaskMechanism; rate?: number };
    return {
      ...f,
      outcome: asString(config.outcome),
      exclude: Array.isArray(config.exclude) ? config.exclude.filter((c): c is string => typeof c === 'string') : [],
      methods: f.methods.map((m) => ({
        name: m.name,
        selected: byName.has(m.name),
        options: Object.fromEntries(
          Object.entries(byName.get(m.name) ?? {}).map(([k, v]) => [k, typeof v === 'boolean' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
        ),
      })),
      mechanism: MASK_MECHANISMS.includes(mask.mechanism as MaskMechanism) ? (mask.mechanism as MaskMechanism) : f.mechanism,
      rate: typeof mask.rate === 'number' ? mask.rate : f.rate,
      seeds: Array.isArray(config.seeds) && config.seeds.length > 0 ? formatSeeds(config.seeds as number[]) : f.seeds,
      folds: typeof config.folds === 'number' ? config.folds : f.folds,
    } satisfies ExperimentForm;
  }
  return {
    ...defaultApplyForm(typeof config.datasetId === 'number' ? config.datasetId : null),
    modelText: config.model ? JSON.stringify(config.model) : '',
    modelFile: config.model ? 'the model of the earlier run' : '',
    seed: asNumber(config.seed),
    optionsText: config.options ? JSON.stringify(config.options) : '',
  } satisfies ApplyForm;
}

export function isFormKind(kind: unknown): kind is FormKind {
  return typeof kind === 'string' && (FORM_KINDS as readonly string[]).includes(kind);
}
