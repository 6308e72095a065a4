// The adjoint (exact, simulator-only) gradient: run forward, then walk the gates backwards, undoing each
// (RBS is orthogonal: its inverse is its transpose) while carrying lambda = dL/d(state). No extra circuits.
// With p_k = y_k^2, dL/dy_k = 2 (dL/dp_k) y_k; for gate q on (i, j), dL/dtheta_q = lambda . (dG/dtheta) psi_before.
import type { Circuit } from '../quantum/circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { butterflyPairArrays, butterflyParameterCount } from '../quantum/butterfly.ts';
import { forwardBatch, runUnaryCircuit } from '../quantum/unary-simulator.ts';
import { checkLayers, checkQubits, checkVector } from '../quantum/validate.ts';

export interface AdjointResult {
  /** dL/dtheta summed over the batch (zeros before `fromParameter`). */
  gradient: Float64Array;
  /** Probabilities at theta, rows x n (computed on the way). */
  probabilities: Float64Array;
  circuitsPerSample: 0;
  circuitEvaluations: 0;
}

/**
 * Adjoint gradient of sum_rows sum_k weights[row, k] p_k for the model on a batch, over parameters
 * fromParameter..P-1 (0 for all, P - n/2 for the last layer).
 */
export function adjointGradientBatch(
  inputs: Float64Array,
  n: number,
  layers: number,
  params: ArrayLike<number>,
  weights: Float64Array,
  fromParameter = 0,
): AdjointResult {
  checkQubits(n);
  checkLayers(layers, n);
  const P = butterflyParameterCount(n, layers);
  const theta = checkVector(params, P, 'parameters');
  if (weights.length !== inputs.length) throw new InvalidInputError(`weights must have ${inputs.length} entries (rows x n); got ${weights.length}`);
  const y = forwardBatch(inputs, n, layers, theta, { amplitudes: true });
  const probabilities = new Float64Array(y.length);
  const { i: I, j: J } = butterflyPairArrays(n, layers);
  const C = theta.map(Math.cos);
  const S = theta.map(Math.sin);
  const gradient = new Float64Array(P);
  const psi = new Float64Array(n);
  const lam = new Float64Array(n);
  for (let o = 0; o < y.length; o += n) {
    for (let k = 0; k < n; k++) {
      const a = y[o + k];
      psi[k] = a;
      lam[k] = 2 * weights[o + k] * a;
      probabilities[o + k] = a * a;
    }
    for (let q = P - 1; q >= fromParameter; q--) {
      const i = I[q];
      const j = J[q];
      const c = C[q];
      const s = S[q];
      // Undo the gate: psi_before = G^T psi_after.
      const ai = c * psi[i] + s * psi[j];
      const aj = -s * psi[i] + c * psi[j];
      psi[i] = ai;
      psi[j] = aj;
      // dG/dtheta psi_before = (-s ai - c aj, c ai - s aj).
      gradient[q] += lam[i] * (-s * ai - c * aj) + lam[j] * (c * ai - s * aj);
      const li = lam[i];
      const lj = lam[j];
      lam[i] = c * li + s * lj;
      lam[j] = -s * li + c * lj;
    }
  }
  return { gradient, probabilities, circuitsPerSample: 0, circuitEvaluations: 0 };
}

/**
 * Adjoint gradient of sum_k weights[k] p_k for any unary circuit (loader + butterfly or pyramid). Gates carrying
 * `param` q contribute to gradient[q]; `parameterCount` sizes the result.
 */
export function adjointGradientCircuit(circuit: Circuit, weights: ArrayLike<number>, parameterCount: number): Float64Array {
  const n = circuit.qubits;
  if (weights.length !== n) throw new InvalidInputError(`weights must have ${n} entries (one per output); got ${weights.length}`);
  const psi = runUnaryCircuit(circuit);
  const lam = new Float64Array(n);
  for (let k = 0; k < n; k++) lam[k] = 2 * weights[k] * psi[k];
  const gradient = new Float64Array(parameterCount);
  for (let t = circuit.gates.length - 1; t >= 0; t--) {
    const g = circuit.gates[t];
    if (g.type === 'x') break;
    const c = Math.cos(g.theta);
    const s = Math.sin(g.theta);
    const ai = c * psi[g.i] + s * psi[g.j];
    const aj = -s * psi[g.i] + c * psi[g.j];
    psi[g.i] = ai;
    psi[g.j] = aj;
    if (g.param !== undefined) gradient[g.param] += lam[g.i] * (-s * ai - c * aj) + lam[g.j] * (c * ai - s * aj);
    const li = lam[g.i];
    const lj = lam[g.j];
    lam[g.i] = c * li + s * lj;
    lam[g.j] = -s * li + c * lj;
  }
  return gradient;
}
