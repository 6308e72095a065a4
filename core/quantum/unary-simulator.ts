// The unary-subspace simulator: circuits of X + RBS gates keep the state in Hamming weight 1, so n real
// amplitudes per sample describe it exactly. Batches live in Float64Arrays of rows of length n.
//
// Two paths: runUnaryCircuit, a plain loop over any gate list, and forwardBatch, the fast batched model pass (tree
// loader + butterfly). forwardBatch uses that the tree loader prepares exactly x / ||x|| (checked against the gates in
// quantum.test.ts), so it starts from the normalised input, and runs straight-line code generated per (n, L) with the
// n amplitudes in locals for n <= 256 (a plain loop beyond, or where a CSP forbids generated code).
import type { Circuit } from './circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { butterflyPairArrays, butterflyParameterCount } from './butterfly.ts';
import { checkLayers, checkQubits, checkVector } from './validate.ts';

/**
 * Runs a unary circuit and returns its n real amplitudes. Without `initial`, the state starts in |0...0> and the
 * circuit must start with one X (the loader's); with `initial` (a unary state), the circuit must hold no X.
 */
export function runUnaryCircuit(circuit: Circuit, initial?: ArrayLike<number>): Float64Array {
  const n = circuit.qubits;
  const a = new Float64Array(n);
  let vacuum = true;
  if (initial) {
    if (initial.length !== n) throw new InvalidInputError(`initial state must have ${n} amplitudes; got ${initial.length}`);
    a.set(initial);
    vacuum = false;
  }
  for (const g of circuit.gates) {
    if (g.type === 'x') {
      if (!vacuum) throw new InvalidInputError('the unary simulator accepts one X, on |0...0>, before any RBS (a second X leaves Hamming weight 1)');
      a[g.qubit] = 1;
      vacuum = false;
    } else if (!vacuum) {
      const c = Math.cos(g.theta);
      const s = Math.sin(g.theta);
      const ai = a[g.i];
      const aj = a[g.j];
      a[g.i] = c * ai - s * aj;
      a[g.j] = s * ai + c * aj;
    }
    // An RBS on |0...0> does nothing (it preserves |00>).
  }
  return a;
}

export function probabilitiesOf(amplitudes: ArrayLike<number>): Float64Array {
  const p = new Float64Array(amplitudes.length);
  for (let k = 0; k < p.length; k++) p[k] = amplitudes[k] * amplitudes[k];
  return p;
}

export interface ForwardOptions {
  /** Return amplitudes y (signed) instead of probabilities y^2. */
  amplitudes?: boolean;
  /** Output buffer (rows x n), reused when given. */
  out?: Float64Array;
  /** Use the plain loop even where generated code exists (for tests and benchmarks). */
  reference?: boolean;
}

/**
 * The model on a batch: rows of `inputs` (length n each, any non-zero scale) are loaded as x / ||x|| and
 * passed through butterfly layers 1..L with `params` ((n/2) L angles). Returns probabilities (or amplitudes),
 * rows x n. A zero row gives zeros (callers validate inputs; see validate.ts).
 */
export function forwardBatch(inputs: Float64Array, n: number, layers: number, params: ArrayLike<number>, options: ForwardOptions = {}): Float64Array {
  checkQubits(n);
  checkLayers(layers, n);
  if (inputs.length % n !== 0) throw new InvalidInputError(`inputs length ${inputs.length} is not a multiple of n = ${n}`);
  const theta = checkVector(params, butterflyParameterCount(n, layers), 'parameters', `(n/2) x layers = ${n / 2} x ${layers}`);
  const rows = inputs.length / n;
  const out = options.out ?? new Float64Array(inputs.length);
  if (out.length !== inputs.length) throw new InvalidInputError(`output buffer must have ${inputs.length} entries; got ${out.length}`);
  const C = new Float64Array(theta.length);
  const S = new Float64Array(theta.length);
  for (let q = 0; q < theta.length; q++) {
    C[q] = Math.cos(theta[q]);
    S[q] = Math.sin(theta[q]);
  }
  const squared = !options.amplitudes;
  const kernel = options.reference ? undefined : generatedKernel(n, layers, squared);
  // Called in chunks so that the kernel gets a regular (non-OSR) optimised compile early on.
  if (kernel) for (let r = 0; r < rows; r += KERNEL_CHUNK) kernel(inputs, out, r * n, Math.min(rows, r + KERNEL_CHUNK) * n, C, S);
  else referenceKernel(inputs, out, rows, n, layers, C, S, squared);
  return out;
}

/** Normalises every row in place to unit norm (x / ||x||: the tree loader's exact output). */
export function normaliseRows(batch: Float64Array, n: number): Float64Array {
  for (let o = 0; o < batch.length; o += n) {
    let s = 0;
    for (let k = 0; k < n; k++) s += batch[o + k] * batch[o + k];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < n; k++) batch[o + k] *= inv;
  }
  return batch;
}

function referenceKernel(
  inp: Float64Array,
  out: Float64Array,
  rows: number,
  n: number,
  layers: number,
  C: Float64Array,
  S: Float64Array,
  squared: boolean,
): void {
  const { i: I, j: J } = butterflyPairArrays(n, layers);
  const gates = I.length;
  const a = new Float64Array(n);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      a[k] = inp[o + k];
      s += a[k] * a[k];
    }
    for (let q = 0; q < gates; q++) {
      const ai = a[I[q]];
      const aj = a[J[q]];
      a[I[q]] = C[q] * ai - S[q] * aj;
      a[J[q]] = S[q] * ai + C[q] * aj;
    }
    // The circuit is orthogonal, so normalising after it is the same as loading x / ||x||.
    if (squared) {
      const inv = s > 0 ? 1 / s : 0;
      for (let k = 0; k < n; k++) out[o + k] = a[k] * a[k] * inv;
    } else {
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let k = 0; k < n; k++) out[o + k] = a[k] * inv;
    }
  }
}

type Kernel = (inp: Float64Array, out: Float64Array, start: number, end: number, C: Float64Array, S: Float64Array) => void;

const KERNEL_CHUNK = 256;

/** Largest n for which straight-line code is generated (beyond it the code gets too long to pay off). */
const MAX_GENERATED_QUBITS = 256;
const kernels = new Map<string, Kernel | null>();

/**
 * Straight-line code for one (n, L): the amplitudes live in locals a0..a{n-1}, every RBS is two lines with its
 * cos/sin hoisted into locals. Falls back to the reference loop when code generation is unavailable (a CSP
 * without 'unsafe-eval').
 */
function generatedKernel(n: number, layers: number, squared: boolean): Kernel | undefined {
  if (n > MAX_GENERATED_QUBITS) return undefined;
  const key = `${n}:${layers}:${squared ? 'p' : 'a'}`;
  if (kernels.has(key)) return kernels.get(key) ?? undefined;
  const { i: I, j: J } = butterflyPairArrays(n, layers);
  const G = I.length;
  const lines: string[] = [];
  for (let q = 0; q < G; q++) lines.push(`const c${q} = C[${q}], s${q} = S[${q}];`);
  lines.push(`for (let o = start; o < end; o += ${n}) {`);
  for (let k = 0; k < n; k++) lines.push(`let a${k} = inp[o + ${k}];`);
  lines.push(`const nn = ${Array.from({ length: n }, (_, k) => `a${k} * a${k}`).join(' + ')};`);
  lines.push('let t = 0;');
  lines.push(squared ? 'const inv = nn > 0 ? 1 / nn : 0;' : 'const inv = nn > 0 ? 1 / Math.sqrt(nn) : 0;');
  // Depth-first gate order: after layer l, the blocks of size n / 2^l evolve independently, so finishing (and
  // storing) one block before the next keeps fewer amplitudes live, which eases register pressure.
  const emit = (layer: number, lo: number, size: number): void => {
    if (layer > layers) {
      for (let k = lo; k < lo + size; k++) lines.push(squared ? `out[o + ${k}] = a${k} * a${k} * inv;` : `out[o + ${k}] = a${k} * inv;`);
      return;
    }
    const base = (n / 2) * (layer - 1);
    for (let q = base; q < base + n / 2; q++) {
      const i = I[q];
      const j = J[q];
      if (i < lo || i >= lo + size) continue;
      lines.push(`t = a${i}; a${i} = c${q} * t - s${q} * a${j}; a${j} = s${q} * t + c${q} * a${j};`);
    }
    emit(layer + 1, lo, size / 2);
    emit(layer + 1, lo + size / 2, size / 2);
  };
  emit(1, 0, n);
  lines.push('}');
  let kernel: Kernel | null;
  try {
    kernel = new Function('inp', 'out', 'start', 'end', 'C', 'S', lines.join('\n')) as Kernel;
  } catch {
    kernel = null;
  }
  kernels.set(key, kernel);
  return kernel ?? undefined;
}
