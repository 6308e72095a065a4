// `qnnlab compile | estimate` (and `devices`, from ./devices.ts), and the backend route of `qnnlab simulate --backend NAME`:
// the hardware-backend model on the command line. Thin: parse flags, resolve the backend once, call core/hardware.
import type { IonqRuntime } from '../../../core/hardware/providers/ionq/backend.ts';
import type { Circuit } from '../../../core/quantum/circuit.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { MAX_EPOCHS, MAX_PLAN_COUNT, MAX_SHOTS, TRAIN_DEFAULTS } from '../../../core/limits.ts';
import { HARDWARE_GRADIENT_METHODS } from '../../../core/gradients/registry.ts';
import { compileCircuit, toIonqJson } from '../../../core/hardware/compile.ts';
import { checkBudget, estimateTraining } from '../../../core/hardware/estimate.ts';
import { createQuantumBackend, type BackendTarget } from '../../../core/hardware/registry.ts';
import { distributionObject, exactNoisyDistribution } from '../../../core/hardware/density-matrix.ts';
import { choiceFlag, numberFlag, printJson, stringFlag, UserError, type Command, type Flags, type FlagSpecs } from '../command.ts';
import { deviceProfileFlags, jsonFlag } from '../flags.ts';
import { buildCircuit, loaderFlag, loaderOf, modelOptions, parseInput, parseModel } from '../model-flags.ts';
import { deviceCommands, resolveBackendFlag } from './devices.ts';

/** --backend NAME, described once for every command that takes it. */
export const backendFlag = {
  backend: {
    type: 'string',
    value: 'NAME',
    description:
      "ideal, ideal-shots, noisy, a device profile id (ionq-aria, ionq-forte, ionq-forte-enterprise, or a user copy: see `qnnlab devices`), or IonQ's cloud: ionq:simulator, ionq:qpu.aria-1, ionq:qpu.forte-1, ionq:qpu.forte-enterprise-1",
  },
} as const satisfies FlagSpecs;

/** The noise of --backend noisy. */
export const noiseOptions = {
  p1: { type: 'string', value: 'P', description: 'noisy backend: depolarizing probability after each X, in [0, 1] (default 0)' },
  p2: { type: 'string', value: 'P', description: 'noisy backend: two-qubit depolarizing probability after each RBS, in [0, 1] (default 0)' },
  readout: { type: 'string', value: 'P', description: 'noisy backend: readout bit-flip probability per qubit, in [0, 1] (default 0)' },
} as const satisfies FlagSpecs;

export interface BackendSimulation {
  backend: string;
  /** True when a device was emulated here (its noise, time and cost model): nothing was submitted or charged. */
  emulated: boolean;
  probabilities: number[];
  keptFraction: number;
  shots: number | null;
  keptShots: number | null;
  counts?: Record<string, number>;
  /** With --exact on the noisy backend: all 2^n outcomes, bitstrings qubit 0 first. */
  distribution?: Record<string, number>;
}

/**
 * What `qnnlab simulate --backend NAME` runs: one circuit on a resolved backend. `exact` with the noisy backend returns
 * the full outcome distribution (n <= 10).
 */
export async function simulateOnBackend(
  circuit: Circuit,
  o: {
    target: BackendTarget;
    shots?: number;
    seed?: number;
    p1?: number;
    p2?: number;
    readout?: number;
    exact?: boolean;
    /** Raw counts by bitstring (bounded; default only for small registers). */
    counts?: boolean;
    /** A cloud backend's connection and options (ionq:*). */
    provider?: IonqRuntime;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<BackendSimulation> {
  const backend = createQuantumBackend(o.target, { p1: o.p1, p2: o.p2, readout: o.readout, provider: o.provider });
  const name = o.target.name;
  const emulated = o.target.profile !== null && !o.target.provider;
  if (o.exact) {
    if (name !== 'noisy') throw new InvalidInputError('--exact applies to --backend noisy (the exact density-matrix simulation, n <= 10)', { field: 'exact' });
    if (o.shots !== undefined) throw new InvalidInputError('--exact takes no --shots', { field: 'shots' });
    const r = exactNoisyDistribution(circuit, { p1: o.p1 ?? 0, p2: o.p2 ?? 0, readout: o.readout ?? 0 }, { signal: o.signal, onProgress: o.onProgress });
    return {
      backend: name,
      emulated,
      probabilities: Array.from(r.probabilities),
      keptFraction: r.keptFraction,
      shots: null,
      keptShots: null,
      distribution: distributionObject(r.outcomes, circuit.qubits),
    };
  }
  if (o.shots === undefined && !backend.exact) throw new InvalidInputError(`backend ${name} returns shots: give --shots K`, { field: 'shots' });
  const [out] = await backend.run({
    circuits: [circuit],
    shots: o.shots ?? null,
    seed: o.seed ?? 0,
    counts: o.counts,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const result: BackendSimulation = {
    backend: name,
    emulated,
    probabilities: Array.from(out.probabilities),
    keptFraction: out.keptFraction,
    shots: out.shots,
    keptShots: out.keptShots,
  };
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
  usage:
    'compile --qubits N (--layers L | --architecture pyramid) --backend NAME [--format ionq-json|json] [--loader KIND] [--input JSON] [--params JSON | --seed S] [--profile FILE] [--db PATH]',
  options: {
    ...modelOptions,
    ...backendFlag,
    backend: { ...backendFlag.backend, description: 'the device profile to compile for (see `qnnlab devices`)', required: true },
    format: { type: 'string', value: 'F', description: 'json (summary and gates) or ionq-json (IonQ native-gate circuit) (default json)' },
    ...loaderFlag,
    input: { type: 'string', value: 'JSON', description: 'the input vector to load (default all ones)' },
    ...deviceProfileFlags,
  },
  async run(flags, _p, io) {
    const format = choiceFlag(flags, 'format', ['json', 'ionq-json'] as const, 'json');
    const loaderKind = loaderOf(flags);
    const target = await resolveBackendFlag(flags, stringFlag(flags, 'backend', true)!);
    if (!target.profile)
      throw new UserError(`--backend ${target.name} is a simulator; compile for a device profile (see \`qnnlab devices\`)`, { field: 'backend' });
    // The same model flags as `qnnlab circuit`; with neither --seed nor --params the angles come from seed 0.
    if (flags.architecture !== 'pyramid') numberFlag(flags, 'layers', { integer: true, required: true });
    const m = parseModel(flags, { seed: 0 });
    const x = parseInput(flags, m.n, false) ?? new Float64Array(m.n).fill(1);
    const compiled = compileCircuit(buildCircuit(m, x, loaderKind), target.profile);
    let out: unknown = toIonqJson(compiled);
    if (format === 'json') {
      const { gates, ...summary } = compiled;
      out = {
        backend: target.name,
        layers: m.architecture === 'butterfly' ? m.layers : null,
        architecture: m.architecture,
        loader: loaderKind,
        ...summary,
        gates,
      };
    }
    printJson(io, out);
  },
};

/** The plan flags of `estimate` (and `train --backend DEVICE`), checked here so each message names its flag. */
export const planOptions = {
  samples: { type: 'string', value: 'S', description: `training samples each epoch sees, 1 to ${MAX_PLAN_COUNT.toLocaleString('en-US')}`, required: true },
  epochs: { type: 'string', value: 'E', description: `epochs per layer, 1 to ${MAX_EPOCHS.toLocaleString('en-US')}`, required: true },
  shots: { type: 'string', value: 'K', description: `shots per circuit, 1 to ${MAX_SHOTS.toLocaleString('en-US')}`, required: true },
  batch: { type: 'string', value: 'B', description: `samples per optimisation step (default ${TRAIN_DEFAULTS.batchSize}); it sets the number of jobs` },
  'fine-tune-epochs': { type: 'string', value: 'F', description: 'epochs of a final all-layer fine-tune by the per-parameter rule (default 0)' },
} as const satisfies FlagSpecs;

const estimateCommand: Command = {
  path: ['estimate'],
  summary: 'Estimate a layer-wise training: circuits, shots, device time, queue, cost; refuse it over a budget',
  usage:
    'estimate --qubits N --layers L --samples S --epochs E --shots K --backend NAME [--method M] [--batch B] [--fine-tune-epochs F] [--loader KIND] [--budget USD] [--profile FILE] [--db PATH] [--json]',
  options: {
    qubits: modelOptions.qubits,
    layers: { ...modelOptions.layers, required: true },
    ...planOptions,
    ...backendFlag,
    backend: { ...backendFlag.backend, required: true },
    method: { type: 'string', value: 'M', description: `${HARDWARE_GRADIENT_METHODS.join(' or ')} (default ${TRAIN_DEFAULTS.method})` },
    ...loaderFlag,
    budget: { type: 'string', value: 'USD', description: 'refuse (exit 2) when the estimated cost exceeds this many USD' },
    ...deviceProfileFlags,
    ...jsonFlag,
  },
  notes: ["A device's time and cost come from its profile (every figure's source and date: `qnnlab devices`)."],
  async run(flags, _p, io) {
    const method = choiceFlag(flags, 'method', HARDWARE_GRADIENT_METHODS, TRAIN_DEFAULTS.method);
    const budget = numberFlag(flags, 'budget', { min: 0 });
    const target = await resolveBackendFlag(flags, stringFlag(flags, 'backend', true)!);
    const estimate = estimateTraining({
      qubits: numberFlag(flags, 'qubits', { required: true, integer: true })!,
      layers: numberFlag(flags, 'layers', { required: true, integer: true })!,
      samples: numberFlag(flags, 'samples', { required: true, integer: true, min: 1, max: MAX_PLAN_COUNT })!,
      epochs: numberFlag(flags, 'epochs', { required: true, integer: true, min: 1, max: MAX_EPOCHS })!,
      shots: numberFlag(flags, 'shots', { required: true, integer: true, min: 1, max: MAX_SHOTS })!,
      backend: target,
      method,
      batchSize: numberFlag(flags, 'batch', { integer: true, min: 1 }),
      fineTuneEpochs: numberFlag(flags, 'fine-tune-epochs', { integer: true, min: 0, max: MAX_EPOCHS }),
      loader: loaderOf(flags),
    });
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
