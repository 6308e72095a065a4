// The full 2^n state-vector simulator for standard gates (up to 20 qubits): the independent check of the unary
// simulator, and the base for noise outside the Hamming-weight-1 subspace. Basis index bit k holds qubit k.
import type { Circuit, StandardCircuit, StandardGate } from './circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { rbsToStandard } from './rbs.ts';
import { checkStatevectorQubits } from './validate.ts';

export interface StateVector {
  qubits: number;
  re: Float64Array;
  im: Float64Array;
}

export function zeroState(qubits: number): StateVector {
  checkStatevectorQubits(qubits);
  const re = new Float64Array(2 ** qubits);
  re[0] = 1;
  return { qubits, re, im: new Float64Array(2 ** qubits) };
}

/** Applies a 2x2 complex matrix [[a, b], [c, d]] (entries as [re, im]) to one qubit, in place. */
function apply1(st: StateVector, q: number, m: readonly number[]): void {
  const [ar, ai, br, bi, cr, ci, dr, di] = m;
  const { re, im } = st;
  const bit = 1 << q;
  const N = re.length;
  for (let base = 0; base < N; base++) {
    if (base & bit) continue;
    const k1 = base | bit;
    const xr = re[base],
      xi = im[base],
      yr = re[k1],
      yi = im[k1];
    re[base] = ar * xr - ai * xi + br * yr - bi * yi;
    im[base] = ar * xi + ai * xr + br * yi + bi * yr;
    re[k1] = cr * xr - ci * xi + dr * yr - di * yi;
    im[k1] = cr * xi + ci * xr + dr * yi + di * yr;
  }
}

const R = Math.SQRT1_2;

function matrixOf(g: Extract<StandardGate, { qubit: number }>): number[] {
  switch (g.type) {
    case 'x':
      return [0, 0, 1, 0, 1, 0, 0, 0];
    case 'y':
      return [0, 0, 0, -1, 0, 1, 0, 0];
    case 'z':
      return [1, 0, 0, 0, 0, 0, -1, 0];
    case 'h':
      return [R, 0, R, 0, R, 0, -R, 0];
    case 's':
      return [1, 0, 0, 0, 0, 0, 0, 1];
    case 'sdg':
      return [1, 0, 0, 0, 0, 0, 0, -1];
    case 'rx': {
      const c = Math.cos(g.theta / 2),
        s = Math.sin(g.theta / 2);
      return [c, 0, 0, -s, 0, -s, c, 0];
    }
    case 'ry': {
      const c = Math.cos(g.theta / 2),
        s = Math.sin(g.theta / 2);
      return [c, 0, -s, 0, s, 0, c, 0];
    }
    case 'rz': {
      const c = Math.cos(g.theta / 2),
        s = Math.sin(g.theta / 2);
      return [c, -s, 0, 0, 0, 0, c, s];
    }
  }
}

export function applyStandardGate(st: StateVector, g: StandardGate): void {
  const n = st.qubits;
  const check = (q: number) => {
    if (!Number.isInteger(q) || q < 0 || q >= n) throw new InvalidInputError(`gate ${g.type} acts on qubit ${q}, outside 0..${n - 1}`);
  };
  if (g.type === 'cx' || g.type === 'cz') {
    check(g.control);
    check(g.target);
    if (g.control === g.target) throw new InvalidInputError(`gate ${g.type} needs two different qubits; got ${g.control} twice`);
    const cb = 1 << g.control,
      tb = 1 << g.target;
    const { re, im } = st;
    for (let k = 0; k < re.length; k++) {
      if (!(k & cb)) continue;
      if (g.type === 'cz') {
        if (k & tb) {
          re[k] = -re[k];
          im[k] = -im[k];
        }
      } else if (!(k & tb)) {
        const k1 = k | tb;
        const tr = re[k],
          ti = im[k];
        re[k] = re[k1];
        im[k] = im[k1];
        re[k1] = tr;
        im[k1] = ti;
      }
    }
    return;
  }
  const one = g as Extract<StandardGate, { qubit: number }>;
  check(one.qubit);
  apply1(st, one.qubit, matrixOf(one));
}

export function runStandardCircuit(circuit: StandardCircuit, initial?: StateVector): StateVector {
  const st = initial ?? zeroState(circuit.qubits);
  if (st.qubits !== circuit.qubits) throw new InvalidInputError(`initial state has ${st.qubits} qubits; the circuit ${circuit.qubits}`);
  for (const g of circuit.gates) applyStandardGate(st, g);
  return st;
}

/** A unary (X + RBS) circuit in standard gates, each RBS through its decomposition (rbs.ts). */
export function unaryToStandard(circuit: Circuit): StandardCircuit {
  const gates: StandardGate[] = [];
  for (const g of circuit.gates) {
    if (g.type === 'x') gates.push({ type: 'x', qubit: g.qubit });
    else gates.push(...rbsToStandard(g.i, g.j, g.theta));
  }
  return { qubits: circuit.qubits, gates };
}

/** Outcome probabilities |amp|^2 over all 2^n basis states. */
export function stateProbabilities(st: StateVector): Float64Array {
  const p = new Float64Array(st.re.length);
  for (let k = 0; k < p.length; k++) p[k] = st.re[k] * st.re[k] + st.im[k] * st.im[k];
  return p;
}

/** Amplitudes of the unary basis states e_k (index 2^k), as [re, im] arrays of length n. */
export function unaryAmplitudes(st: StateVector): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(st.qubits);
  const im = new Float64Array(st.qubits);
  for (let k = 0; k < st.qubits; k++) {
    re[k] = st.re[1 << k];
    im[k] = st.im[1 << k];
  }
  return { re, im };
}

/** The bitstring of a basis index, qubit 0 first. */
export function bitstring(index: number, qubits: number): string {
  let s = '';
  for (let q = 0; q < qubits; q++) s += (index >> q) & 1 ? '1' : '0';
  return s;
}
