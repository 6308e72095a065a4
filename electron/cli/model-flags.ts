// The model flags every circuit command shares (circuit, simulate, gradient, compile): --qubits, --layers,
// --architecture, --seed | --params, --input, validated with messages naming the flag and the allowed range.
import type { Circuit } from '../../core/quantum/circuit.ts';
import { butterflyGates, butterflyParameterCount, modelCircuit, pyramidGates, pyramidParameterCount, uniformAngles } from '../../core/quantum/butterfly.ts';
import { ARCHITECTURES, LOADER_KINDS, MAX_QUBITS, type Architecture, type LoaderKind } from '../../core/limits.ts';
import { jsonFlag } from './flags.ts';
import { checkInput, checkLayers, checkQubits, checkVector } from '../../core/quantum/validate.ts';
import { choiceFlag, numberArrayFlag, numberFlag, UserError, type Flags, type FlagSpecs } from './command.ts';

export const modelOptions = {
  qubits: { type: 'string', value: 'N', description: `qubits of the model: a power of two from 2 to ${MAX_QUBITS}`, required: true },
  layers: { type: 'string', value: 'L', description: 'butterfly layers, 1 to log2 N (default log2 N)' },
  architecture: { type: 'string', value: 'A', description: `${ARCHITECTURES.join(' or ')} (default butterfly; the pyramid has n(n-1)/2 gates)` },
  seed: { type: 'string', value: 'S', description: 'draw the parameters uniformly in [-pi, pi) from seed S (and seed the shots)' },
  params: { type: 'string', value: 'JSON', description: 'the parameters as a JSON array, (n/2) x L of them' },
  ...jsonFlag,
} as const satisfies FlagSpecs;

/** --loader, with the loaders of core/limits.ts. */
export const loaderFlag = {
  loader: { type: 'string', value: 'KIND', description: `the data loader: ${LOADER_KINDS.join(', ')} (default tree)` },
} as const satisfies FlagSpecs;

export function loaderOf(flags: Flags): LoaderKind {
  return choiceFlag(flags, 'loader', LOADER_KINDS, 'tree');
}

export interface Model {
  n: number;
  layers: number;
  architecture: Architecture;
  params: number[];
  /** --seed, when given. */
  seed: number | undefined;
}

/** --qubits, --layers, --architecture and --seed | --params, validated. */
export function parseModel(flags: Flags, defaults: { seed?: number } = {}): Model {
  const n = numberFlag(flags, 'qubits', { required: true, integer: true })!;
  try {
    checkQubits(n);
  } catch (e) {
    throw new UserError(`--qubits: ${(e as Error).message}`);
  }
  const architecture = choiceFlag(flags, 'architecture', ARCHITECTURES, 'butterfly');
  let layers: number;
  try {
    layers = checkLayers(numberFlag(flags, 'layers'), n);
  } catch (e) {
    throw new UserError(`--layers: ${(e as Error).message}`);
  }
  if (architecture === 'pyramid' && flags.layers !== undefined) throw new UserError('--layers applies to the butterfly only (a pyramid has n(n-1)/2 gates)');
  const count = architecture === 'pyramid' ? pyramidParameterCount(n) : butterflyParameterCount(n, layers);
  const seed = numberFlag(flags, 'seed', { integer: true }) ?? (flags.params === undefined ? defaults.seed : undefined);
  const given = numberArrayFlag(flags, 'params');
  // --seed alone draws the parameters (and seeds the shots); with --params it seeds only the shots.
  if (seed === undefined && given === undefined) throw new UserError('give --seed S (parameters drawn uniformly in [-pi, pi)) or --params JSON');
  let params: number[];
  if (given) {
    try {
      params = Array.from(
        checkVector(given, count, '--params', architecture === 'pyramid' ? `n(n-1)/2 for a ${n}-qubit pyramid` : `(n/2) x layers = ${n / 2} x ${layers}`),
      );
    } catch (e) {
      throw new UserError((e as Error).message);
    }
  } else params = uniformAngles(count, seed!);
  return { n, layers, architecture, params, seed };
}

/** Seed of shot sampling and noise: --shot-seed, else --seed, else 0. */
export function shotSeedOf(flags: Flags, m: Model): number {
  return numberFlag(flags, 'shot-seed', { integer: true }) ?? m.seed ?? 0;
}

export function parseInput(flags: Flags, n: number, required: boolean): Float64Array | undefined {
  const x = numberArrayFlag(flags, 'input', required);
  if (!x) return undefined;
  try {
    return checkInput(x, n, '--input');
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

export function buildCircuit(m: Model, x: Float64Array | undefined, loader: LoaderKind): Circuit {
  if (x) return modelCircuit({ qubits: m.n, layers: m.layers, architecture: m.architecture, loader }, m.params, x);
  return { qubits: m.n, gates: m.architecture === 'pyramid' ? pyramidGates(m.n, m.params) : butterflyGates(m.n, m.layers, m.params) };
}
