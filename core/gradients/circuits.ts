// Circuit-evaluation accounting (METHOD.md sections 5 and 6): distinct circuits per sample for one gradient.
import { butterflyParameterCount, pyramidParameterCount, type Architecture } from '../quantum/butterfly.ts';
import { InvalidInputError } from '../errors.ts';

export type GradientMethod = 'parallel-shift' | 'parameter-shift' | 'adjoint';
export type GradientScope = 'last-layer' | 'all';
export const GRADIENT_METHODS: readonly GradientMethod[] = ['parallel-shift', 'parameter-shift', 'adjoint'];
export const GRADIENT_SCOPES: readonly GradientScope[] = ['last-layer', 'all'];

/** Circuits per sample for the gradient of `parametersInScope` parameters: 4 P, 4 or 0. */
export function gradientCircuitsPerSample(method: GradientMethod, parametersInScope: number): number {
  if (method === 'parameter-shift') return 4 * parametersInScope;
  if (method === 'parallel-shift') return 4;
  return 0;
}

/** Indices of the parameters a scope covers for an L-layer butterfly on n qubits. */
export function scopeIndices(n: number, layers: number, scope: GradientScope): number[] {
  const total = butterflyParameterCount(n, layers);
  const from = scope === 'last-layer' ? total - n / 2 : 0;
  return Array.from({ length: total - from }, (_, k) => from + k);
}

export function checkMethodScope(method: GradientMethod, scope: GradientScope): void {
  if (method === 'parallel-shift' && scope !== 'last-layer') {
    throw new InvalidInputError(`the parallel shift applies only to the last layer (scope last-layer); got scope ${scope}. Use parameter-shift or adjoint for all layers`);
  }
}

export interface CircuitCountRow {
  qubits: number;
  layers: number;
  butterflyParallelShift: number;
  butterflyParameterShift: number;
  pyramidParameterShift: number;
}

/**
 * Distinct circuits per sample per optimisation step, full-depth models: the butterfly trained layer-wise with the
 * parallel shift (4), the butterfly with the per-parameter rule on all (n/2) log2 n parameters, and the pyramid
 * with the per-parameter rule on all n(n-1)/2 parameters.
 */
export function circuitCountTable(qubits: number[] = [8, 16, 32, 64, 128, 256, 512, 1024]): CircuitCountRow[] {
  return qubits.map((n) => {
    const layers = Math.log2(n);
    return {
      qubits: n,
      layers,
      butterflyParallelShift: gradientCircuitsPerSample('parallel-shift', n / 2),
      butterflyParameterShift: gradientCircuitsPerSample('parameter-shift', butterflyParameterCount(n, layers)),
      pyramidParameterShift: gradientCircuitsPerSample('parameter-shift', pyramidParameterCount(n)),
    };
  });
}

/** Circuits per sample for a model architecture and method over all its parameters (or the last layer). */
export function circuitsPerSample(architecture: Architecture, n: number, layers: number, method: GradientMethod, scope: GradientScope): number {
  const inScope = architecture === 'pyramid' ? pyramidParameterCount(n) : scope === 'last-layer' ? n / 2 : butterflyParameterCount(n, layers);
  return gradientCircuitsPerSample(method, inScope);
}
