// Shared input checks with messages that name the value and the allowed range (the CLI shows them verbatim).
import { InvalidInputError } from '../errors.ts';

/** Largest register the unary simulator accepts. */
export const MAX_UNARY_QUBITS = 1024;
/** Largest register the 2^n state-vector simulator accepts (2^20 complex amplitudes = 16 MiB). */
export const MAX_STATEVECTOR_QUBITS = 20;

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** n must be a power of two in [2, 1024]; returns log2 n. */
export function checkQubits(n: unknown, max = MAX_UNARY_QUBITS): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > max || !isPowerOfTwo(n)) {
    throw new InvalidInputError(`qubits must be a power of two between 2 and ${max}; got ${String(n)}`);
  }
  return Math.log2(n);
}

export function checkStatevectorQubits(n: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_STATEVECTOR_QUBITS) {
    throw new InvalidInputError(`the 2^n state-vector simulator takes 1 to ${MAX_STATEVECTOR_QUBITS} qubits; got ${String(n)}`);
  }
}

/** 1 <= L <= log2 n. Returns L (defaulting to log2 n). */
export function checkLayers(layers: unknown, n: number): number {
  const m = Math.log2(n);
  if (layers === undefined) return m;
  if (typeof layers !== 'number' || !Number.isInteger(layers) || layers < 1 || layers > m) {
    throw new InvalidInputError(`layers must be an integer between 1 and log2(${n}) = ${m}; got ${String(layers)}`);
  }
  return layers;
}

/** A finite, non-zero input vector of length <= n, zero-padded to n. */
export function checkInput(x: ArrayLike<number>, n: number, name = 'input'): Float64Array {
  if (x.length === 0 || x.length > n) {
    throw new InvalidInputError(`${name} must have between 1 and ${n} entries (it is zero-padded to ${n}); got ${x.length}`);
  }
  const out = new Float64Array(n);
  let norm2 = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidInputError(`${name}[${k}] must be a finite number; got ${String(v)}`);
    out[k] = v;
    norm2 += v * v;
  }
  if (!(norm2 > 0)) throw new InvalidInputError(`${name} must be a non-zero vector (it is normalised to x / ||x||); got all zeros`);
  if (!Number.isFinite(norm2)) throw new InvalidInputError(`${name} is too large: ||x||^2 overflows`);
  return out;
}

/** An array of exactly `expected` finite numbers. */
export function checkVector(values: ArrayLike<number>, expected: number, name: string, hint = ''): Float64Array {
  if (values.length !== expected) {
    throw new InvalidInputError(`${name} must have exactly ${expected} entries${hint ? ` (${hint})` : ''}; got ${values.length}`);
  }
  const out = new Float64Array(expected);
  for (let k = 0; k < expected; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidInputError(`${name}[${k}] must be a finite number; got ${String(v)}`);
    out[k] = v;
  }
  return out;
}

export function checkPositiveInteger(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${name} must be an integer between ${min} and ${max}; got ${String(value)}`);
  }
  return value;
}
