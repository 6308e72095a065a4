// "Copy as qnnlab command" round trip: the command produced for a run's config, parsed by the real CLI (its command
// table, parseArgs options, negative-value joining and flag-to-config mappings) and checked by the kind's schema,
// gives back the same configuration; and the one-line form survives a real shell word for word.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { experimentRunConfig, trainConfig } from '../../../../electron/contract/run-configs.ts';
import { parseArgsOptions, type Flags } from '../../../../electron/cli/command.ts';
import { commands } from '../../../../electron/cli/commands/index.ts';
import { trainConfigFromFlags } from '../../../../electron/cli/commands/train-flags.ts';
import { experimentRunConfigFromFlags } from '../../../../electron/cli/commands/impute.ts';
import { configFlag } from '../../../../electron/cli/commands/run.ts';
import { joinNegativeValues } from '../../../../electron/cli/main.ts';
import { runCommandArgs, runCommandLine, shellWord } from './command.ts';

/** What `qnnlab ARGV` hands the run engine: the command found as main.ts finds it, its flags parsed, the config mapped. */
function cliConfig(argv: string[]): { kind: string; config: unknown; flags: Flags } {
  const command = commands.filter((c) => c.path.every((w, i) => argv[i] === w)).sort((a, b) => b.path.length - a.path.length)[0];
  expect(command, `no qnnlab command for ${argv.join(' ')}`).toBeDefined();
  const rest = argv.slice(command.path.length);
  const parsed = parseArgs({ args: joinNegativeValues(rest, command), options: parseArgsOptions(command.options), allowPositionals: true, strict: true });
  const flags = parsed.values as Flags;
  const kind = command.path[2] ?? parsed.positionals[0];
  if (flags.config !== undefined) {
    const schema = kind === 'train' ? trainConfig : kind === 'experiment' ? experimentRunConfig : null;
    const raw = configFlag(flags);
    return { kind, config: schema ? schema.parse(raw) : raw, flags };
  }
  const config = kind === 'train' ? trainConfigFromFlags(flags) : experimentRunConfigFromFlags(flags);
  return { kind, config, flags };
}

/** An experiment's config as the kind treats it: a bare method name is that method with no options; no exclusions is []. */
const canonicalExperiment = (c: Record<string, unknown>) => ({
  ...c,
  exclude: (c.exclude as string[] | undefined) ?? [],
  methods: (c.methods as (string | { name: string; options?: object })[]).map((m) =>
    typeof m === 'string' ? { name: m, options: {} } : { options: {}, ...m },
  ),
});

describe('copy as qnnlab command', () => {
  const trains: Record<string, unknown>[] = [
    { qubits: 8, layers: 3, epochs: 2 },
    {
      qubits: 16,
      layers: 4,
      targetLayers: 2,
      samples: 100,
      epochs: 5,
      batch: 8,
      lr: 0.0125,
      optimiser: 'adam',
      method: 'parameter-shift',
      fineTuneEpochs: 1,
      shots: 1000,
      seed: 4294967295,
    },
    { datasetId: 3, target: 'bili', backend: 'noisy', shots: 200, noise: { p1: 0.001, p2: 1e-7, readout: 0 } },
    { qubits: 4, layers: 2, backend: 'ionq-aria', shots: 500, budget: 0, latencyScale: 0 },
  ];
  for (const config of trains) {
    it(`reproduces a training with flags: ${JSON.stringify(config)}`, () => {
      const argv = runCommandArgs('train', trainConfig.parse(config), '/tmp/lab.db');
      expect(argv.slice(0, 3)).toEqual(['run', 'start', 'train']);
      expect(argv).not.toContain('--config');
      const back = cliConfig(argv);
      expect(back.config).toEqual(trainConfig.parse(config));
      expect(back.flags.db).toBe('/tmp/lab.db');
    });
  }

  it('reproduces an experiment with flags, options of every JSON type included', () => {
    const config = experimentRunConfig.parse({
      datasetId: 7,
      outcome: 'death',
      exclude: ['id', 'time'],
      methods: ['mean', { name: 'mice', options: { maxCycles: 3, keep: 'last', estimator: '5' } }, { name: 'deep-mice', options: { hidden: [8, 4] } }],
      mask: { mechanism: 'mar', rate: 0.15 },
      seeds: [1, 2, 3],
      folds: 4,
    });
    const argv = runCommandArgs('experiment', config);
    expect(argv).not.toContain('--config');
    expect(argv).toContain('--option');
    expect(cliConfig(argv).config).toEqual(canonicalExperiment(config));
    const plain = experimentRunConfig.parse({ datasetId: 1, outcome: 'death', methods: ['mean'], mask: { mechanism: 'mcar', rate: 0.2 }, seeds: [1] });
    expect(cliConfig(runCommandArgs('experiment', plain)).config).toEqual(canonicalExperiment(plain));
  });

  it('falls back to --config JSON where the flags cannot say the config, and for other kinds', () => {
    const odd = experimentRunConfig.parse({
      datasetId: 1,
      outcome: 'death',
      methods: ['mean'],
      mask: { mechanism: 'mcar', rate: 0.2, columns: ['bili'] },
      seeds: [3, 9],
    });
    const argv = runCommandArgs('experiment', odd);
    expect(argv).toContain('--config');
    expect(cliConfig(argv).config).toEqual(odd);
    const apply = { datasetId: 2, modelRunId: 5 };
    const back = cliConfig(runCommandArgs('apply-imputer', apply));
    expect(back).toMatchObject({ kind: 'apply-imputer', config: apply });
  });

  it('quotes the one-line command so a POSIX shell gives back every argument', () => {
    const config = experimentRunConfig.parse({
      datasetId: 1,
      outcome: "it's death",
      methods: ['mean'],
      mask: { mechanism: 'mcar', rate: 0.2, columns: ['a b', '$HOME', '"q"', '`x`'] },
      seeds: [2],
    });
    const line = runCommandLine('experiment', config, '/data/my lab.db');
    const words = execFileSync('sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
    expect(words).toEqual(['qnnlab', ...runCommandArgs('experiment', config, '/data/my lab.db')]);
    expect(shellWord('--qubits')).toBe('--qubits');
    expect(shellWord('')).toBe("''");
  });
});
