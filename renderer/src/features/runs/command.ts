// "Copy as qnnlab command": the command line that starts a run with the same configuration. Trainings and
// experiments get the flags a person would type (`qnnlab run start train --qubits 8 ...`); a configuration the flags
// cannot say (an experiment's own seed list or masked columns, another kind) gets `--config JSON`, which every kind
// takes. The CLI maps the flags back (electron/cli/commands/train-flags.ts, impute.ts): command.test.ts parses what
// this produces with the CLI's own parser and mapping and checks it gives the same configuration.
import type { ExperimentRunConfig, TrainConfig } from '../../../../electron/contract/run-configs.ts';

type Argv = string[];

const num = (v: number): string => String(v);

/** The flags of a training (the inverse of trainConfigFromFlags), or null when the config holds something they cannot say. */
function trainFlags(c: TrainConfig): Argv | null {
  const known = new Set([
    'qubits',
    'layers',
    'targetLayers',
    'samples',
    'datasetId',
    'target',
    'epochs',
    'batch',
    'lr',
    'optimiser',
    'method',
    'fineTuneEpochs',
    'shots',
    'seed',
    'backend',
    'noise',
    'latencyScale',
    'budget',
  ]);
  if (Object.keys(c).some((k) => !known.has(k))) return null;
  const flags: [string, string | number | undefined][] = [
    ['dataset', c.datasetId],
    ['target', c.target],
    ['qubits', c.qubits],
    ['layers', c.layers],
    ['target-layers', c.targetLayers],
    ['samples', c.samples],
    ['epochs', c.epochs],
    ['batch', c.batch],
    ['lr', c.lr],
    ['optimiser', c.optimiser],
    ['method', c.method],
    ['fine-tune-epochs', c.fineTuneEpochs],
    ['shots', c.shots],
    ['seed', c.seed],
    ['backend', c.backend],
    ['p1', c.noise?.p1],
    ['p2', c.noise?.p2],
    ['readout', c.noise?.readout],
    ['latency-scale', c.latencyScale],
    ['budget', c.budget],
  ];
  // `noise: {}` (no rate given) has no flag of its own.
  if (c.noise && Object.keys(c.noise).length === 0) return null;
  return flags.flatMap(([name, v]) => (v === undefined ? [] : [`--${name}`, typeof v === 'number' ? num(v) : v]));
}

/** The flags of an experiment (the inverse of experimentRunConfigFromFlags), or null when they cannot say this config. */
function experimentFlags(c: ExperimentRunConfig): Argv | null {
  const methods = c.methods.map((m) => (typeof m === 'string' ? { name: m, options: {} } : { name: m.name, options: m.options ?? {} }));
  const names = methods.map((m) => m.name);
  const listable = (items: readonly string[]) => items.every((s) => s.length > 0 && !s.includes(',') && s.trim() === s);
  // --seeds K means seeds 1..K; a method's options are keyed by its name; lists are comma-separated.
  const seedsAreOneToK = c.seeds.every((s, k) => s === k + 1);
  if (!seedsAreOneToK || c.mask.columns !== undefined || new Set(names).size !== names.length || !listable(names) || !listable(c.exclude ?? [])) return null;
  const argv: Argv = ['--dataset', num(c.datasetId), '--outcome', c.outcome];
  if (c.exclude?.length) argv.push('--exclude', c.exclude.join(','));
  argv.push('--methods', names.join(','));
  for (const m of methods) {
    // A value is read back as JSON: strings are written quoted so "5" stays a string.
    for (const [key, value] of Object.entries(m.options)) argv.push('--option', `${m.name}.${key}=${JSON.stringify(value)}`);
  }
  argv.push('--mask', `${c.mask.mechanism}:${num(c.mask.rate)}`, '--seeds', num(c.seeds.length));
  if (c.folds !== undefined) argv.push('--folds', num(c.folds));
  return argv;
}

/** The arguments (after `qnnlab`) that start a run of `kind` with `config` in the database at `db` (when known). */
export function runCommandArgs(kind: string, config: unknown, db?: string | null): Argv {
  const flags = kind === 'train' ? trainFlags(config as TrainConfig) : kind === 'experiment' ? experimentFlags(config as ExperimentRunConfig) : null;
  const argv = ['run', 'start', kind, ...(flags ?? ['--config', JSON.stringify(config)])];
  if (db) argv.push('--db', db);
  return argv;
}

/** One argument as a POSIX shell word: bare when it is plainly safe, else in single quotes. */
export function shellWord(arg: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The whole command as one line to paste into a shell. */
export function runCommandLine(kind: string, config: unknown, db?: string | null): string {
  return ['qnnlab', ...runCommandArgs(kind, config, db)].map(shellWord).join(' ');
}
