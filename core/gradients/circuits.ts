// Circuit-evaluation accounting (METHOD.md sections 5 and 6), from the gradient-method registry's own counts.
import { butterflyParameterCount, pyramidParameterCount, type Architecture } from '../quantum/butterfly.ts';
import { gradientMethod, type GradientMethod, type GradientScope } from './registry.ts';

export interface CircuitCountRow {
  qubits: number;
  layers: number;
  butterflyParallelShift: number;
  butterflyParameterShift: number;
  pyramidParameterShift: number;
}

/** Distinct gradient circuits per sample for an architecture and method over all its parameters (or the last layer). */
export function circuitsPerSample(architecture: Architecture, n: number, layers: number, method: GradientMethod, scope: GradientScope): number {
  const inScope = architecture === 'pyramid' ? pyramidParameterCount(n) : scope === 'last-layer' ? n / 2 : butterflyParameterCount(n, layers);
  return gradientMethod(method).circuitsPerSample(inScope).gradient;
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
      butterflyParallelShift: circuitsPerSample('butterfly', n, layers, 'parallel-shift', 'last-layer'),
      butterflyParameterShift: circuitsPerSample('butterfly', n, layers, 'parameter-shift', 'all'),
      pyramidParameterShift: circuitsPerSample('pyramid', n, layers, 'parameter-shift', 'all'),
    };
  });
}
