import { describe, expect, it } from 'vitest';
import { EXPERIMENT_DEFAULTS, MAX_LAYERS, TRAIN_DEFAULTS } from '../../../../core/limits.ts';
import { experimentRunConfig, trainConfig } from '../../../../electron/contract/run-configs.ts';
import { IONQ_BACKEND_NAMES } from '../../../../core/hardware/providers/ionq/backends.ts';
import { NO_KEY_MESSAGE } from '../../../../core/hardware/providers/ionq/client.ts';
import { backendNames, resolveBackend } from '../../../../core/hardware/registry.ts';
import {
  backendChoices,
  chargedBackend,
  checkForm,
  configOf,
  configPath,
  defaultApplyForm,
  defaultExperimentForm,
  defaultTrainForm,
  formFromConfig,
  formatSeeds,
  parseSeeds,
  problemAt,
  providerProblems,
  runCloud,
  type ExperimentForm,
  type TrainForm,
} from './form.ts';
import { methodOptionFields } from './methods.ts';

const experiment = (over: Partial<ExperimentForm> = {}): ExperimentForm => ({ ...defaultExperimentForm(3), outcome: 'status', exclude: ['id'], ...over });
const choose = (f: ExperimentForm, name: string, options: Record<string, string | boolean> = {}) => ({
  ...f,
  methods: f.methods.map((m) => (m.name === name ? { ...m, selected: true, options } : m)),
});

describe('the training form', () => {
  it('makes the config the train kind accepts, leaving empty fields to the kind (its defaults)', () => {
    const { config, problems } = checkForm('train', defaultTrainForm());
    expect(problems).toEqual({});
    expect(config).toEqual({ qubits: 8, layers: 3, samples: 256, epochs: TRAIN_DEFAULTS.epochsPerLayer, optimiser: 'adam', method: 'parallel-shift', seed: 0 });
    expect(trainConfig.safeParse(config).success).toBe(true);
    // The Settings' default backend is where a new form starts.
    expect(configOf('train', defaultTrainForm('ionq-aria')).config.backend).toBe('ionq-aria');
  });

  it("names each field at fault with the schema's rule and the value typed, all at once", () => {
    const form: TrainForm = { ...defaultTrainForm(), layers: MAX_LAYERS + 1, epochs: 0, lr: 'fast', backend: 'noisy', shots: 2.5 };
    const { problems } = checkForm('train', form);
    expect(problems.layers).toBe(`must be <= ${MAX_LAYERS}; got ${MAX_LAYERS + 1}`);
    expect(problems.epochs).toBe('must be >= 1; got 0');
    expect(problems.lr).toBe('must be a number; got "fast"');
    expect(problems.shots).toMatch(/^must be an integer; got 2.5/);
    expect(Object.keys(problems).sort()).toEqual(['epochs', 'layers', 'lr', 'shots']);
  });

  it("a dataset training needs its target; the toy task's fields are not sent", () => {
    const form: TrainForm = { ...defaultTrainForm(), task: 'dataset', datasetId: 4, qubits: '', layers: '' };
    expect(checkForm('train', form).problems).toEqual({ target: 'a dataset run needs target: the column to predict; got nothing' });
    const ok = checkForm('train', { ...form, target: 'bili' });
    expect(ok.problems).toEqual({});
    expect(ok.config).not.toHaveProperty('samples');
    expect(ok.config).toMatchObject({ datasetId: 4, target: 'bili' });
  });
});

describe('the experiment form', () => {
  it('makes the config of `qnnlab experiment` with seeds 1..K by default and only the options changed', () => {
    const form = choose(experiment(), 'missforest', { trees: '20', keepCycles: '' });
    const { config, problems } = checkForm('experiment', form);
    expect(problems).toEqual({});
    expect(config).toEqual({
      datasetId: 3,
      outcome: 'status',
      exclude: ['id'],
      methods: ['mean', 'mice', { name: 'missforest', options: { trees: 20 } }],
      mask: { mechanism: EXPERIMENT_DEFAULTS.mask.mechanism, rate: EXPERIMENT_DEFAULTS.mask.rate },
      seeds: Array.from({ length: EXPERIMENT_DEFAULTS.seeds }, (_, k) => k + 1),
      folds: EXPERIMENT_DEFAULTS.folds,
    });
    expect(experimentRunConfig.safeParse(config).success).toBe(true);
  });

  it('names a method option by its place in the config, a bad rate, repeated or unreadable seeds', () => {
    const form = choose(experiment({ rate: 1.5, seeds: '1, 1' }), 'missforest', { trees: 'many' });
    const { problems } = checkForm('experiment', form);
    expect(problems['methods.2.options.trees']).toBe('must be a number; got "many"');
    expect(problems['mask.rate']).toBe('must be < 1; got 1.5');
    expect(problems.seeds).toMatch(/^must not repeat a seed/);
    expect(problemAt(problems, 'mask')).toBe('must be < 1; got 1.5');
    expect(checkForm('experiment', experiment({ seeds: 'a few' })).problems.seeds).toMatch(/range such as 1-5/);
    expect(checkForm('experiment', experiment({ methods: experiment().methods.map((m) => ({ ...m, selected: false })) })).problems.methods).toBe(
      'must have at least 1 entries; got []',
    );
  });

  it('every imputer of the registry is offered with its options and their defaults', () => {
    const methods = methodOptionFields();
    expect(methods.map((m) => m.name)).toEqual(['mean', 'mice', 'missforest', 'deep-mice', 'qnn-mice']);
    const qnn = methods.find((m) => m.name === 'qnn-mice')!.fields;
    expect(qnn.find((f) => f.key === 'qubits')).toMatchObject({ type: 'integer', minimum: 2, maximum: 1024 });
    expect(qnn.find((f) => f.key === 'backend')).toMatchObject({ type: 'string', default: 'ideal' });
    expect(methods.find((m) => m.name === 'missforest')!.fields.find((f) => f.key === 'keepCycles')).toMatchObject({ type: 'enum', enum: ['last', 'all'] });
    expect(methods.find((m) => m.name === 'deep-mice')!.fields.find((f) => f.key === 'hidden')).toMatchObject({ type: 'json', default: [32, 16] });
  });
});

describe('run again with changes', () => {
  it("fills the form from a run's config, which makes the same config again", () => {
    const runs = [
      {
        kind: 'experiment' as const,
        config: {
          datasetId: 2,
          outcome: 'death',
          exclude: ['id', 'time'],
          methods: ['mean', { name: 'qnn-mice', options: { qubits: 8, backend: 'ionq-aria', shots: 500 } }, { name: 'deep-mice', options: { hidden: [8] } }],
          mask: { mechanism: 'mar', rate: 0.3 },
          seeds: [4, 9],
          folds: 3,
        },
      },
      {
        kind: 'train' as const,
        config: { qubits: 16, layers: 4, samples: 64, epochs: 2, backend: 'ionq-aria', shots: 100, seed: 5, optimiser: 'sgd', method: 'parallel-shift' },
      },
      { kind: 'train' as const, config: { datasetId: 1, target: 'bili', epochs: 3, optimiser: 'adam', method: 'adjoint' } },
    ];
    for (const r of runs) {
      const again = configOf(r.kind, formFromConfig(r.kind, r.config) as never).config;
      // The methods come back in the registry's order, each with its options.
      if (r.kind === 'experiment')
        expect({ ...again, methods: new Set(JSON.parse(JSON.stringify(again.methods)).map(JSON.stringify)) }).toEqual({
          ...r.config,
          methods: new Set(r.config.methods.map((m) => JSON.stringify(m))),
        });
      else expect(again).toEqual(r.config);
    }
  });

  it('an apply run comes back with its model and options', () => {
    const form = formFromConfig('apply-imputer', { datasetId: 7, model: { method: 'mean' }, options: { shots: 10 }, seed: 2 });
    expect(configOf('apply-imputer', form as ReturnType<typeof defaultApplyForm>).config).toEqual({
      datasetId: 7,
      model: { method: 'mean' },
      options: { shots: 10 },
      seed: 2,
    });
    expect(configOf('apply-imputer', { ...defaultApplyForm(7), modelText: '{oops', modelFile: 'm.json' }).problems.model).toMatch(/^m.json is not JSON/);
  });
});

describe('helpers', () => {
  it('seeds as ranges or lists, and host fields as config paths', () => {
    expect(parseSeeds('1-3')).toEqual([1, 2, 3]);
    expect(parseSeeds(' 2, 5 9')).toEqual([2, 5, 9]);
    expect(parseSeeds('3-1')).toBeNull();
    expect(parseSeeds('')).toBeNull();
    expect(formatSeeds([1, 2, 3])).toBe('1-3');
    expect(formatSeeds([4, 9])).toBe('4, 9');
    expect(configPath('config.methods.1.options.trees')).toBe('methods.1.options.trees');
    expect(configPath('budgetUSD')).toBe('budgetUSD');
    expect(configPath(undefined)).toBeNull();
  });
});

describe("IonQ's cloud backends on the training form", () => {
  it('lists every cloud backend of the registry after the local ones, the simulator free and each QPU charged', () => {
    const devices = [
      { id: 'ionq-aria', name: 'IonQ Aria' },
      { id: 'broken', name: 'Broken copy', problem: 'qubits: must be a number' },
    ];
    const choices = backendChoices(devices, true);
    const cloud = choices.filter((c) => c.cloud);
    // The registry's names, in its order: nothing hand-listed (a backend added there shows up here).
    expect(cloud.map((c) => c.id)).toEqual(backendNames().filter((n) => resolveBackend(n).provider));
    expect(cloud.map((c) => c.id)).toEqual([...IONQ_BACKEND_NAMES]);
    expect(Object.fromEntries(cloud.map((c) => [c.id, c.cloud]))).toEqual({
      'ionq:simulator': 'free',
      'ionq:qpu.aria-1': 'charged',
      'ionq:qpu.forte-1': 'charged',
      'ionq:qpu.forte-enterprise-1': 'charged',
    });
    expect(choices.slice(0, 4).map((c) => [c.id, c.cloud])).toEqual([
      ['ideal', null],
      ['ideal-shots', null],
      ['noisy', null],
      ['ionq-aria', null],
    ]);
    expect(choices.find((c) => c.id === 'broken')).toBeUndefined();
    expect(cloud.find((c) => c.id === 'ionq:qpu.forte-1')!.label).toBe("ionq:qpu.forte-1 (IonQ's cloud, charged)");
    // Without a key each says so, and choosing one is a problem of the backend field that says what to do.
    expect(backendChoices(devices, false).find((c) => c.id === 'ionq:simulator')!.label).toBe("ionq:simulator (IonQ's cloud, free; no API key set)");
    const form = { ...defaultTrainForm(), backend: 'ionq:simulator', shots: 100 };
    expect(providerProblems(form, { keySet: false })).toEqual({ backend: NO_KEY_MESSAGE });
    expect(providerProblems(form, { keySet: true })).toEqual({});
    expect(providerProblems({ ...form, backend: 'ionq-aria' }, { keySet: false })).toEqual({});
  });

  it('sends the noise model with the simulator only, debiasing and its aggregation with any cloud backend, and fills them back', () => {
    const sim: TrainForm = { ...defaultTrainForm(), backend: 'ionq:simulator', shots: 600, noiseModel: 'forte-1', debiasing: 'on', aggregation: 'voting' };
    const made = checkForm('train', sim);
    expect(made.problems).toEqual({});
    expect(made.config).toMatchObject({ backend: 'ionq:simulator', shots: 600, noiseModel: 'forte-1', debiasing: true, aggregation: 'voting' });
    // On a QPU the noise model (the machine's own) is not sent; off the cloud none of them is.
    const qpu = checkForm('train', { ...sim, backend: 'ionq:qpu.aria-1', debiasing: 'off' }).config;
    expect(qpu).toMatchObject({ backend: 'ionq:qpu.aria-1', debiasing: false });
    expect(qpu).not.toHaveProperty('noiseModel');
    expect(qpu).not.toHaveProperty('aggregation');
    const local = checkForm('train', { ...sim, backend: 'noisy' }).config;
    for (const key of ['noiseModel', 'debiasing', 'aggregation']) expect(local).not.toHaveProperty(key);
    // Empty: IonQ's defaults, nothing sent.
    const plain = checkForm('train', { ...sim, noiseModel: '', debiasing: '', aggregation: '' }).config;
    for (const key of ['noiseModel', 'debiasing', 'aggregation']) expect(plain).not.toHaveProperty(key);
    // "Run again with changes": a cloud run's config fills the same fields, and makes the same config again.
    const again = formFromConfig('train', made.config) as TrainForm;
    expect(again).toMatchObject({ backend: 'ionq:simulator', shots: 600, noiseModel: 'forte-1', debiasing: 'on', aggregation: 'voting' });
    expect(checkForm('train', again).config).toEqual(made.config);
    expect((formFromConfig('train', qpu) as TrainForm).debiasing).toBe('off');
  });

  it("says where a run's jobs go: an experiment's qnn-mice on a QPU is charged, on IonQ's simulator free, here not cloud at all", () => {
    const exp = (backend: string) => ({ methods: ['mean', { name: 'qnn-mice', options: { backend } }] });
    expect(runCloud('experiment', exp('ionq:qpu.forte-1'))).toBe('charged');
    expect(chargedBackend('experiment', exp('ionq:qpu.forte-1'))).toBe('ionq:qpu.forte-1');
    expect(runCloud('experiment', exp('ionq:simulator'))).toBe('free');
    expect(chargedBackend('experiment', exp('ionq:simulator'))).toBeNull();
    expect(runCloud('experiment', exp('ionq-aria'))).toBeNull();
    expect(runCloud('apply-imputer', { options: { backend: 'ionq:qpu.aria-1' } })).toBe('charged');
    expect(runCloud('train', { backend: 'ionq:simulator' })).toBe('free');
    expect(runCloud('train', {})).toBeNull();
  });
});
