import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { butterflyParameterCount, modelCircuit, pyramidParameterCount } from '../quantum/butterfly.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { adjointGradientBatch, adjointGradientCircuit } from './adjoint.ts';
import { circuitCountTable, gradientCircuitsPerSample, scopeIndices } from './circuits.ts';
import { exactEvaluator } from './evaluate.ts';
import { modelGradient } from './gradient.ts';
import { exactParallelShiftGradient, parallelShiftGradient, unshiftedFromParallel, exactParallelShiftResults } from './parallel-shift.ts';
import { parameterShiftGradient } from './parameter-shift.ts';
import { runUnaryCircuit, probabilitiesOf } from '../quantum/unary-simulator.ts';

const rng = createRng(11);
const rand = (k: number, s = Math.PI) => Float64Array.from({ length: k }, () => rng.uniform(-s, s));

function lossOf(inputs: Float64Array, n: number, L: number, params: Float64Array, weights: Float64Array): number {
  const p = forwardBatch(inputs, n, L, params);
  let f = 0;
  for (let k = 0; k < p.length; k++) f += weights[k] * p[k];
  return f;
}

describe('gradients on the butterfly', () => {
  for (const [n, L] of [[2, 1], [4, 2], [8, 3], [16, 4], [16, 2], [32, 5]] as const) {
    it(`three methods agree with central finite differences (n = ${n}, L = ${L})`, () => {
      const rows = 3;
      const P = butterflyParameterCount(n, L);
      const params = rand(P);
      const inputs = rand(rows * n, 2);
      const weights = rand(rows * n, 1);
      const h = 1e-5;
      const fd = new Float64Array(P);
      for (let q = 0; q < P; q++) {
        const a = params.slice(); a[q] += h;
        const b = params.slice(); b[q] -= h;
        fd[q] = (lossOf(inputs, n, L, a, weights) - lossOf(inputs, n, L, b, weights)) / (2 * h);
      }
      const adj = adjointGradientBatch(inputs, n, L, params, weights).gradient;
      const ps = parameterShiftGradient(params, scopeIndices(n, L, 'all'), weights, n, exactEvaluator(inputs, n, L));
      expect(ps.circuitsPerSample).toBe(4 * P);
      expect(ps.circuitEvaluations).toBe(4 * P * rows);
      const par = parallelShiftGradient(params, weights, n, L, exactEvaluator(inputs, n, L));
      expect(par.circuitsPerSample).toBe(4);
      const last = scopeIndices(n, L, 'last-layer');
      for (let q = 0; q < P; q++) {
        expect(Math.abs(adj[q] - fd[q])).toBeLessThan(1e-7);
        expect(Math.abs(ps.gradient[q] - adj[q])).toBeLessThan(1e-12);
        if (last.includes(q)) expect(Math.abs(par.gradient[q] - ps.gradient[q])).toBeLessThan(1e-12);
        else expect(par.gradient[q]).toBe(0);
      }
      // The fast exact parallel-shift path gives the same four distributions, and the unshifted one for free.
      const fast = exactParallelShiftResults(inputs, n, L, params);
      fast.forEach((p, s) => p.forEach((v, k) => expect(Math.abs(v - par.results[s][k])).toBeLessThan(1e-13)));
      const closed = exactParallelShiftGradient(forwardBatch(inputs, n, L, params, { amplitudes: true }), weights, n, L);
      closed.forEach((v, q) => expect(Math.abs(v - par.gradient[q])).toBeLessThan(1e-12));
      const p0 = forwardBatch(inputs, n, L, params);
      unshiftedFromParallel(fast, n, L).forEach((v, k) => expect(Math.abs(v - p0[k])).toBeLessThan(1e-13));
    });
  }

  it('modelGradient: methods, scopes and counts', () => {
    const n = 8, L = 3, P = 12;
    const params = rand(P);
    const inputs = rand(n, 1);
    const weights = rand(n, 1);
    const adj = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'adjoint', scope: 'all' });
    const psAll = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'parameter-shift', scope: 'all' });
    const psLast = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'parameter-shift', scope: 'last-layer' });
    const par = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'parallel-shift', scope: 'last-layer' });
    const adjLast = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'adjoint', scope: 'last-layer' });
    expect([adj.circuitEvaluations, psAll.circuitEvaluations, psLast.circuitEvaluations, par.circuitEvaluations]).toEqual([0, 48, 16, 4]);
    for (let q = 0; q < P; q++) {
      expect(Math.abs(psAll.gradient[q] - adj.gradient[q])).toBeLessThan(1e-12);
      expect(Math.abs(psLast.gradient[q] - par.gradient[q])).toBeLessThan(1e-12);
      expect(Math.abs(adjLast.gradient[q] - par.gradient[q])).toBeLessThan(1e-12);
    }
    expect(() => modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'parallel-shift', scope: 'all' })).toThrow(/last layer/);
    expect(() => modelGradient({ qubits: n, layers: L, params, inputs, weights: rand(3), method: 'adjoint', scope: 'all' })).toThrow(/weights must have 8 entries; got 3/);
    expect(() => modelGradient({ qubits: n, layers: L, params: rand(5), inputs, weights, method: 'adjoint', scope: 'all' })).toThrow(/exactly 12 entries.*got 5/);
  });

  it('shot-estimated gradients converge to the exact one at the 1/sqrt(shots) rate', () => {
    const n = 8, L = 3;
    const params = rand(12);
    const inputs = rand(n, 1);
    const weights = rand(n, 1);
    const exact = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'adjoint', scope: 'last-layer' }).gradient;
    const err = (method: 'parallel-shift' | 'parameter-shift', shots: number) => {
      let e = 0;
      for (let seed = 0; seed < 40; seed++) {
        const g = modelGradient({ qubits: n, layers: L, params, inputs, weights, method, scope: 'last-layer', shots, seed }).gradient;
        for (let q = 8; q < 12; q++) e += (g[q] - exact[q]) ** 2;
      }
      return Math.sqrt(e / 40);
    };
    for (const method of ['parallel-shift', 'parameter-shift'] as const) {
      const ratio = err(method, 400) / err(method, 6400);
      expect(ratio).toBeGreaterThan(4 * 0.75);
      expect(ratio).toBeLessThan(4 * 1.3);
    }
  });
});

describe('adjoint on any circuit (pyramid)', () => {
  it('matches the parameter-shift rule run gate by gate', () => {
    const spec = { qubits: 8, architecture: 'pyramid' as const };
    const pp = rand(pyramidParameterCount(8));
    const xs = rand(8, 1);
    const ws = rand(8, 1);
    const adj = adjointGradientCircuit(modelCircuit(spec, pp, xs), ws, pp.length);
    const f = (theta: Float64Array) => probabilitiesOf(runUnaryCircuit(modelCircuit(spec, theta, xs))).reduce((s, v, k) => s + v * ws[k], 0);
    for (let q = 0; q < pp.length; q++) {
      const sh = (s: number) => { const t = pp.slice(); t[q] += s; return f(t); };
      const d = sh(Math.PI / 4) - sh(-Math.PI / 4) - ((Math.SQRT2 - 1) / 2) * (sh(Math.PI / 2) - sh(-Math.PI / 2));
      expect(Math.abs(d - adj[q])).toBeLessThan(1e-12);
    }
  });
});

describe('circuit counts', () => {
  it('match the formulas', () => {
    expect(gradientCircuitsPerSample('parameter-shift', 10)).toBe(40);
    expect(gradientCircuitsPerSample('parallel-shift', 10)).toBe(4);
    expect(gradientCircuitsPerSample('adjoint', 10)).toBe(0);
    const table = circuitCountTable();
    expect(table.map((r) => r.qubits)).toEqual([8, 16, 32, 64, 128, 256, 512, 1024]);
    for (const r of table) {
      expect(r.butterflyParallelShift).toBe(4);
      expect(r.butterflyParameterShift).toBe(4 * (r.qubits / 2) * Math.log2(r.qubits));
      expect(r.pyramidParameterShift).toBe(2 * r.qubits * (r.qubits - 1));
    }
  });
});
