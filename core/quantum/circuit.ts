// A circuit is plain, JSON-safe data that every simulator, the OpenQASM exporter and the hardware model
// consume. Conventions follow METHOD.md section 1 (normative): qubits 0..n-1, unary basis e_k = qubit k in |1>,
// RBS(theta) on the ordered pair (i, j): a_i <- cos a_i - sin a_j ; a_j <- sin a_i + cos a_j.

/** X on one qubit (the loader's first gate puts the state in e_0). */
export interface XGate {
  type: 'x';
  qubit: number;
}

/**
 * RBS(theta) on the ordered pair (i, j). `theta` is the concrete angle. `param`, when present, is the index of
 * the trainable parameter this gate carries (butterfly/pyramid layers); loader gates have none.
 * `layer` (1-based) is the butterfly/pyramid layer the gate belongs to; loader gates have layer 0.
 */
export interface RbsGate {
  type: 'rbs';
  i: number;
  j: number;
  theta: number;
  param?: number;
  layer?: number;
}

/** Gates of the unary (Hamming-weight preserving, apart from the initial X) circuits of the method. */
export type UnaryGate = XGate | RbsGate;

export interface Circuit {
  qubits: number;
  gates: UnaryGate[];
}

/** Standard (qelib1.inc) gates, for the 2^n state-vector simulator, the OpenQASM exporter/parser and compilation. */
export type StandardGate =
  | { type: 'x' | 'y' | 'z' | 'h' | 's' | 'sdg'; qubit: number }
  | { type: 'rx' | 'ry' | 'rz'; qubit: number; theta: number }
  | { type: 'cx' | 'cz'; control: number; target: number };

export interface StandardCircuit {
  qubits: number;
  gates: StandardGate[];
}
