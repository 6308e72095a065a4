// Shared input checks with messages that name the value and the allowed range (the CLI shows them verbatim).
import { InvalidInputError } from '../errors.ts';
import { MAX_QUBITS, MAX_STATEVECTOR_QUBITS } from '../limits.ts';

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** n must be a power of two in [2, MAX_QUBITS]; returns log2 n. */
export function checkQubits(n: unknown, max = MAX_QUBITS): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > max || !isPowerOfTwo(n)) {
    const allowed = `a power of two between 2 and ${max}`;
    throw new InvalidInputError(`qubits must be ${allowed}; got ${String(n)}`, { field: 'qubits', value: n, allowed });
  }
  return Math.log2(n);
}

export function checkStatevectorQubits(n: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_STATEVECTOR_QUBITS) {
    throw new InvalidInputError(`the 2^n state-vector simulator takes 1 to ${MAX_STATEVECTOR_QUBITS} qubits; got ${String(n)}`, {
      field: 'qubits',
      value: n,
      allowed: `1 to ${MAX_STATEVECTOR_QUBITS}`,
    });
  }
}

/** 1 <= L <= log2 n. Returns L (defaulting to log2 n). */
export function checkLayers(layers: unknown, n: number): number {
  const m = Math.log2(n);
  if (layers === undefined) return m;
  if (typeof layers !== 'number' || !Number.isInteger(layers) || layers < 1 || layers > m) {
    throw new InvalidInputError(`layers must be an integer between 1 and log2(${n}) = ${m}; got ${String(layers)}`, {
      field: 'layers',
      value: layers,
      allowed: `1 to ${m}`,
    });
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
    throw new InvalidInputError(`${name} must be an integer between ${min} and ${max}; got ${String(value)}`, {
      field: name,
      value,
      allowed: `${min} to ${max}`,
    });
  }
  return value;
}
