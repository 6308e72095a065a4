// Data loaders: circuits that turn e_0-style vacuum into the unary state x / ||x|| (||x|| is kept classically).
// The tree loader follows METHOD.md section 2 (normative). The diagonal and semi-diagonal loaders trade depth
// for nearest-neighbour connectivity.
import { InvalidInputError } from '../errors.ts';
import type { Circuit, RbsGate, UnaryGate } from './circuit.ts';
import { rbs } from './rbs.ts';
import { checkInput, checkQubits } from './validate.ts';

function norm(x: ArrayLike<number>, lo: number, hi: number): number {
  let s = 0;
  for (let k = lo; k < hi; k++) s += x[k] * x[k];
  return Math.sqrt(s);
}

/**
 * Tree loader angles, in gate order (level by level, parents before children; within a level ascending lo),
 * with the pair each angle acts on. Assumes x has power-of-two length; x need not be normalised.
 */
export function treeLoaderGates(x: ArrayLike<number>): RbsGate[] {
  const n = x.length;
  const gates: RbsGate[] = [];
  for (let size = n; size >= 2; size >>= 1) {
    for (let lo = 0; lo < n; lo += size) {
      const mid = lo + size / 2;
      const hi = lo + size;
      const theta = size === 2 ? Math.atan2(x[mid], x[lo]) : Math.atan2(norm(x, mid, hi), norm(x, lo, mid));
      gates.push(rbs(lo, mid, theta, { layer: 0 }));
    }
  }
  return gates;
}

/** The parallel (tree) loader for x (zero-padded to the next power of two >= 2 if n is not given). */
export function treeLoader(x: ArrayLike<number>, n = nextPowerOfTwo(x.length)): Circuit {
  checkQubits(n);
  const v = checkInput(x, n);
  return { qubits: n, gates: [{ type: 'x', qubit: 0 }, ...treeLoaderGates(v)] };
}

/**
 * Appends a chain that spreads the (non-negative, or signed when the chain has one element) amplitude sitting
 * on order[0] over the qubits order[0..m-1] so that qubit order[t] ends with values[t]. Gate t is
 * RBS(order[t], order[t+1]) with theta = atan2(rest norm, values[t]), the last one atan2(values[m-1], values[m-2])
 * so that signs enter there.
 */
function chain(order: number[], values: number[], out: UnaryGate[]): void {
  const m = order.length;
  const tail = new Float64Array(m + 1); // tail[t] = ||values[t:]||
  for (let t = m - 1; t >= 0; t--) tail[t] = Math.hypot(tail[t + 1], values[t]);
  for (let t = 0; t + 1 < m; t++) {
    const rest = t + 2 === m ? values[m - 1] : tail[t + 1];
    out.push(rbs(order[t], order[t + 1], Math.atan2(rest, values[t]), { layer: 0 }));
  }
}

/** Diagonal loader: X on qubit 0, then RBS(k, k+1) for k = 0..n-2. Depth n-1, nearest-neighbour. */
export function diagonalLoader(x: ArrayLike<number>, n = nextPowerOfTwo(x.length)): Circuit {
  checkQubits(n);
  const v = Array.from(checkInput(x, n));
  const gates: UnaryGate[] = [{ type: 'x', qubit: 0 }];
  chain(
    v.map((_, k) => k),
    v,
    gates,
  );
  return { qubits: n, gates };
}

/**
 * Semi-diagonal loader: X on qubit h-1 (h = n/2), one RBS(h-1, h) splitting the mass between the halves, then two
 * nearest-neighbour chains running outwards in parallel (h-1 down to 0, and h up to n-1). Depth about n/2.
 */
export function semiDiagonalLoader(x: ArrayLike<number>, n = nextPowerOfTwo(x.length)): Circuit {
  checkQubits(n);
  const v = Array.from(checkInput(x, n));
  const h = n / 2;
  const lowerOrder = Array.from({ length: h }, (_, t) => h - 1 - t);
  const upperOrder = Array.from({ length: h }, (_, t) => h + t);
  const lowerValues = lowerOrder.map((k) => v[k]);
  const upperValues = upperOrder.map((k) => v[k]);
  // A one-element half carries its signed value; a longer one its norm (its chain places the signs).
  const lowerMass = h === 1 ? lowerValues[0] : norm(lowerValues, 0, h);
  const upperMass = h === 1 ? upperValues[0] : norm(upperValues, 0, h);
  const gates: UnaryGate[] = [{ type: 'x', qubit: h - 1 }, rbs(h - 1, h, Math.atan2(upperMass, lowerMass), { layer: 0 })];
  // Interleave the two chains so that consecutive gates act on disjoint pairs (they run in parallel).
  const lower: UnaryGate[] = [];
  const upper: UnaryGate[] = [];
  chain(lowerOrder, lowerValues, lower);
  chain(upperOrder, upperValues, upper);
  for (let t = 0; t < Math.max(lower.length, upper.length); t++) {
    if (t < lower.length) gates.push(lower[t]);
    if (t < upper.length) gates.push(upper[t]);
  }
  return { qubits: n, gates };
}

export type { LoaderKind } from '../limits.ts';
import { LOADER_KINDS, type LoaderKind } from '../limits.ts';

export function loader(kind: LoaderKind, x: ArrayLike<number>, n?: number): Circuit {
  if (kind === 'tree') return treeLoader(x, n);
  if (kind === 'diagonal') return diagonalLoader(x, n);
  if (kind === 'semi-diagonal') return semiDiagonalLoader(x, n);
  throw new InvalidInputError(`loader must be one of ${LOADER_KINDS.join(', ')}; got ${JSON.stringify(kind)}`, {
    field: 'loader',
    value: kind,
    allowed: LOADER_KINDS.join(', '),
  });
}

export function nextPowerOfTwo(k: number): number {
  let n = 2;
  while (n < k) n *= 2;
  return n;
}
