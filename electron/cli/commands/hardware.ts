// `qnnlab compile | estimate` (and `devices`, from ./devices.ts), and the backend route of `qnnlab simulate --backend NAME`: the
// hardware-backend model on the command line. Thin: parse flags, call core/hardware, print JSON.
import type { Circuit } from '../../../core/quantum/circuit.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import type { LoaderKind } from '../../../core/quantum/loaders.ts';
import { BUILTIN_DEVICE_PROFILES, type DeviceProfile } from '../../../core/hardware/device-profile.ts';
import { compileCircuit, toIonqJson } from '../../../core/hardware/compile.ts';
import { checkBudget, estimateTraining, GRADIENT_METHODS } from '../../../core/hardware/estimate.ts';
import { createQuantumBackend } from '../../../core/hardware/registry.ts';
import { distributionObject, exactNoisyDistribution } from '../../../core/hardware/density-matrix.ts';
import { choiceFlag, numberFlag, printJson, stringFlag, UserError, type Command, type CommandIO, type Flags } from '../command.ts';
import { createProgressBar } from '../progress.ts';
import { buildCircuit, modelOptions, parseInput, parseModel } from '../model-flags.ts';
import { backendProfiles, deviceCommands, deviceProfileOptions } from './devices.ts';

export { backendProfiles, deviceProfileOptions } from './devices.ts';

function findProfile(name: string, extra: DeviceProfile[]): DeviceProfile {
  const p = extra.find((x) => x.id === name) ?? BUILTIN_DEVICE_PROFILES.find((x) => x.id === name);
  if (!p) throw new UserError(`unknown device "${name}"; known devices: ${[...extra, ...BUILTIN_DEVICE_PROFILES].map((x) => x.id).join(', ')}`);
  return p;
}

export interface BackendSimulation {
  backend: string;
  probabilities: number[];
  keptFraction: number;
  shots: number | null;
  keptShots: number | null;
  counts?: Record<string, number>;
  /** With --exact on the noisy backend: all 2^n outcomes, bitstrings qubit 0 first. */
  distribution?: Record<string, number>;
}

/**
 * What `qnnlab simulate --backend NAME` runs: one circuit on a registered backend. `exact` with the noisy
 * backend returns the full outcome distribution (n <= 10).
 */
export async function simulateOnBackend(
  circuit: Circuit,
  o: { backend: string; shots?: number; seed?: number; p1?: number; p2?: number; readout?: number; exact?: boolean; profiles?: DeviceProfile[]; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<BackendSimulation> {
  const backend = createQuantumBackend(o.backend, { p1: o.p1, p2: o.p2, readout: o.readout, profiles: o.profiles });
  if (o.exact) {
    if (o.backend !== 'noisy') throw new InvalidInputError('--exact applies to --backend noisy (the exact density-matrix simulation, n <= 10)');
    if (o.shots !== undefined) throw new InvalidInputError('--exact takes no --shots');
    const r = exactNoisyDistribution(circuit, { p1: o.p1 ?? 0, p2: o.p2 ?? 0, readout: o.readout ?? 0 }, { signal: o.signal, onProgress: o.onProgress });
    return { backend: o.backend, probabilities: Array.from(r.probabilities), keptFraction: r.keptFraction, shots: null, keptShots: null, distribution: distributionObject(r.outcomes, circuit.qubits) };
  }
  if (o.shots === undefined && !backend.exact) throw new InvalidInputError(`backend ${o.backend} returns shots: give --shots K`);
  const [out] = await backend.run({ circuits: [circuit], shots: o.shots ?? null, seed: o.seed ?? 0, signal: o.signal, onProgress: o.onProgress });
  const result: BackendSimulation = { backend: o.backend, probabilities: Array.from(out.probabilities), keptFraction: out.keptFraction, shots: out.shots, keptShots: out.keptShots };
  if (out.counts) result.counts = out.counts;
  return result;
}

/** Noise flags of the noisy backend, checked in [0, 1] by the registry. */
export function noiseFlags(flags: Flags): { p1?: number; p2?: number; readout?: number } {
  return { p1: numberFlag(flags, 'p1'), p2: numberFlag(flags, 'p2'), readout: numberFlag(flags, 'readout') };
}

const compileCommand: Command = {
  path: ['compile'],
  summary: "Compile a QNN circuit to a device's native gates: counts, two-qubit depth, duration; IonQ JSON export",
  usage: 'compile --qubits N (--layers L | --architecture pyramid) --backend NAME [--format ionq-json|json] [--loader tree|diagonal|semi-diagonal] [--input JSON] [--params JSON | --seed S] [--profile FILE] [--db PATH]',
  options: { ...modelOptions, backend: { type: 'string' }, format: { type: 'string' }, loader: { type: 'string' }, input: { type: 'string' }, ...deviceProfileOptions },
  async run(flags, _p, io) {
    const format = choiceFlag(flags, 'format', ['json', 'ionq-json'] as const, 'json');
    const loaderKind = choiceFlag(flags, 'loader', ['tree', 'diagonal', 'semi-diagonal'] as const, 'tree') as LoaderKind;
    const backend = stringFlag(flags, 'backend', true)!;
    const profile = findProfile(backend, await backendProfiles(flags, backend));
    // The same model flags as `qnnlab circuit`; with neither --seed nor --params the angles come from seed 0.
    if (flags.architecture !== 'pyramid') numberFlag(flags, 'layers', { integer: true, required: true });
    const m = parseModel(flags, { seed: 0 });
    const x = parseInput(flags, m.n, false) ?? new Float64Array(m.n).fill(1);
    const compiled = compileCircuit(buildCircuit(m, x, loaderKind), profile);
    let out: unknown = toIonqJson(compiled);
    if (format === 'json') {
      const { gates, ...summary } = compiled;
      out = { backend: profile.id, layers: m.architecture === 'butterfly' ? m.layers : null, architecture: m.architecture, loader: loaderKind, ...summary, gates };
    }
    printJson(io, out);
  },
};

const estimateCommand: Command = {
  path: ['estimate'],
  summary: 'Estimate a layer-wise training: circuits, shots, device time, queue, cost; refuse it over a budget',
  usage: 'estimate --qubits N --layers L --samples S --epochs E --shots K --backend NAME --method parallel-shift|parameter-shift [--batch B] [--fine-tune-epochs F] [--loader tree|diagonal|semi-diagonal] [--budget USD] [--profile FILE] [--db PATH] [--json]',
  options: {
    qubits: { type: 'string' }, layers: { type: 'string' }, samples: { type: 'string' }, epochs: { type: 'string' }, shots: { type: 'string' },
    batch: { type: 'string' }, 'fine-tune-epochs': { type: 'string' },
    backend: { type: 'string' }, method: { type: 'string' }, loader: { type: 'string' }, budget: { type: 'string' }, ...deviceProfileOptions, json: { type: 'boolean' },
  },
  async run(flags, _p, io) {
    const profiles = [...(await backendProfiles(flags, stringFlag(flags, 'backend'))), ...BUILTIN_DEVICE_PROFILES];
    const method = choiceFlag(flags, 'method', GRADIENT_METHODS, 'parallel-shift');
    const budget = numberFlag(flags, 'budget', { min: 0 });
    const estimate = estimateTraining(
        {
          qubits: numberFlag(flags, 'qubits', { required: true, integer: true })!,
          layers: numberFlag(flags, 'layers', { required: true, integer: true })!,
          samples: numberFlag(flags, 'samples', { required: true, integer: true })!,
          epochs: numberFlag(flags, 'epochs', { required: true, integer: true })!,
          shots: numberFlag(flags, 'shots', { required: true, integer: true })!,
          backend: stringFlag(flags, 'backend', true)!,
          method,
          batchSize: numberFlag(flags, 'batch', { integer: true }),
          fineTuneEpochs: numberFlag(flags, 'fine-tune-epochs', { integer: true }),
          loader: choiceFlag(flags, 'loader', ['tree', 'diagonal', 'semi-diagonal'] as const, 'tree'),
        },
        profiles,
    );
    checkBudget(estimate, budget);
    if (flags.json) printJson(io, { ...estimate, budgetUSD: budget ?? null });
    else {
      io.stdout.write(
        `${estimate.circuits} circuits (${estimate.gradientCircuits} gradient, ${estimate.forwardCircuits} forward), ${estimate.shots} shots\n` +
          `device ${(estimate.deviceSeconds / 3600).toFixed(2)} h, queue ${(estimate.queueSeconds / 3600).toFixed(2)} h, overhead ${(estimate.overheadSeconds / 60).toFixed(1)} min\n` +
          `cost ${estimate.costUSD.toFixed(2)} USD${budget !== undefined ? ` (budget ${budget.toFixed(2)} USD)` : ''}\n`,
      );
    }
  },
};

export const hardwareCommands: Command[] = [...deviceCommands, compileCommand, estimateCommand];

/** Progress bar helper for backend runs from other commands. */
export function backendProgress(io: CommandIO, title: string): (done: number, total: number) => void {
  const bar = createProgressBar(io.stderr, title);
  return (done, total) => bar.update(total > 0 ? done / total : 1);
}
