// Trainable layouts. Butterfly (METHOD.md section 3, normative): layer l (1-based) has stride s = n / 2^l and
// RBS on pairs (i, i + s) for every i with (i mod 2s) < s, ascending i; parameters layer by layer, pair by pair.
// Pyramid: the O(n^2) nearest-neighbour reference, n(n-1)/2 RBS gates.
import type { Circuit, RbsGate, UnaryGate } from './circuit.ts';
import { rbs } from './rbs.ts';
import { treeLoaderGates, type LoaderKind, loader } from './loaders.ts';
import { checkInput, checkLayers, checkQubits, checkVector } from './validate.ts';
import { createRng } from '../random.ts';

export interface Pair {
  i: number;
  j: number;
}

/** Pairs of butterfly layer l (1-based) on n qubits, in normative order. */
export function butterflyLayerPairs(n: number, layer: number): Pair[] {
  const s = n >> layer;
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) if (i % (2 * s) < s) pairs.push({ i, j: i + s });
  return pairs;
}

/** Number of trainable parameters of an L-layer butterfly: (n/2) L. */
export function butterflyParameterCount(n: number, layers: number): number {
  return (n / 2) * layers;
}

/** Flat pair lists (i then j per gate) of the first `layers` layers, in parameter order. */
export function butterflyPairArrays(n: number, layers: number): { i: Int32Array; j: Int32Array } {
  const count = butterflyParameterCount(n, layers);
  const I = new Int32Array(count);
  const J = new Int32Array(count);
  let q = 0;
  for (let l = 1; l <= layers; l++) {
    for (const p of butterflyLayerPairs(n, l)) {
      I[q] = p.i;
      J[q] = p.j;
      q++;
    }
  }
  return { i: I, j: J };
}

/** The butterfly gates alone (no loader). `params` must hold (n/2) L angles. */
export function butterflyGates(n: number, layers: number, params: ArrayLike<number>): RbsGate[] {
  checkQubits(n);
  checkLayers(layers, n);
  const theta = checkVector(params, butterflyParameterCount(n, layers), 'parameters', `(n/2) x layers = ${n / 2} x ${layers}`);
  const gates: RbsGate[] = [];
  let q = 0;
  for (let l = 1; l <= layers; l++) {
    for (const p of butterflyLayerPairs(n, l)) {
      gates.push(rbs(p.i, p.j, theta[q], { param: q, layer: l }));
      q++;
    }
  }
  return gates;
}

/** Pyramid layout: column t = 0..2n-4 holds RBS(i, i+1) for i = t mod 2, t mod 2 + 2, ... within the triangle. */
export function pyramidPairs(n: number): (Pair & { column: number })[] {
  const pairs: (Pair & { column: number })[] = [];
  for (let t = 0; t <= 2 * n - 4; t++) {
    for (let i = t % 2; i <= Math.min(t, 2 * n - 4 - t); i += 2) pairs.push({ i, j: i + 1, column: t });
  }
  return pairs;
}

export function pyramidParameterCount(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Pyramid gates; `layer` holds the column + 1 (gates of one column act on disjoint pairs). */
export function pyramidGates(n: number, params: ArrayLike<number>): RbsGate[] {
  if (!Number.isInteger(n) || n < 2 || n > MAX_QUBITS) checkQubits(n);
  const theta = checkVector(params, pyramidParameterCount(n), 'parameters', `n(n-1)/2 for a ${n}-qubit pyramid`);
  return pyramidPairs(n).map((p, q) => rbs(p.i, p.j, theta[q], { param: q, layer: p.column + 1 }));
}

export type { Architecture } from '../limits.ts';
import { MAX_QUBITS, type Architecture } from '../limits.ts';

export interface ModelSpec {
  qubits: number;
  /** Butterfly layers (1..log2 n); ignored for the pyramid. */
  layers?: number;
  architecture?: Architecture;
  loader?: LoaderKind;
}

/** Loader for x followed by the trainable layout: the full circuit of one sample. */
export function modelCircuit(spec: ModelSpec, params: ArrayLike<number>, x: ArrayLike<number>): Circuit {
  const n = spec.qubits;
  checkQubits(n);
  const load =
    spec.loader && spec.loader !== 'tree' ? loader(spec.loader, x, n).gates : [{ type: 'x', qubit: 0 } as UnaryGate, ...treeLoaderGates(checkInput(x, n))];
  const body = spec.architecture === 'pyramid' ? pyramidGates(n, params) : butterflyGates(n, checkLayers(spec.layers, n), params);
  return { qubits: n, gates: [...load, ...body] };
}

/** `count` angles drawn uniformly in [-pi, pi) from `seed`: the parameters `--seed S` stands for (circuit, simulate, device jobs). */
export function uniformAngles(count: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.uniform(-Math.PI, Math.PI));
}
