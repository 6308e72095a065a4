import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { butterflyParameterCount, modelCircuit, pyramidParameterCount } from '../quantum/butterfly.ts';
import { forwardBatch, probabilitiesOf, runUnaryCircuit } from '../quantum/unary-simulator.ts';
import { adjointGradientBatch, adjointGradientCircuit } from './adjoint.ts';
import { circuitCountTable, circuitsPerSample } from './circuits.ts';
import { modelGradient } from './gradient.ts';
import { sampleBatchInPlace } from './evaluate.ts';
import { exactParallelShiftResults, unshiftedFromParallel } from './parallel-shift.ts';
import { shiftDerivative } from './parameter-shift.ts';
import {
  GRADIENT_METHODS,
  GRADIENT_SCOPES,
  HARDWARE_GRADIENT_METHODS,
  checkMethodScope,
  checkRunsOnHardware,
  gradientMethod,
  scopeIndices,
  shiftGradient,
  type Evaluator,
} from './registry.ts';

const rng = createRng(11);
const rand = (k: number, s = Math.PI) => Float64Array.from({ length: k }, () => rng.uniform(-s, s));

function lossOf(inputs: Float64Array, n: number, L: number, params: Float64Array, weights: Float64Array): number {
  const p = forwardBatch(inputs, n, L, params);
  let f = 0;
  for (let k = 0; k < p.length; k++) f += weights[k] * p[k];
  return f;
}

/** Central finite differences of f = sum w p, for every parameter (an independent reference). */
function finiteDifferences(inputs: Float64Array, n: number, L: number, params: Float64Array, weights: Float64Array): Float64Array {
  const h = 1e-5;
  const fd = new Float64Array(params.length);
  for (let q = 0; q < params.length; q++) {
    const a = params.slice();
    a[q] += h;
    const b = params.slice();
    b[q] -= h;
    fd[q] = (lossOf(inputs, n, L, a, weights) - lossOf(inputs, n, L, b, weights)) / (2 * h);
  }
  return fd;
}

const exactEvaluator =
  (inputs: Float64Array, n: number, L: number): Evaluator =>
  (sets) =>
    sets.map((theta) => forwardBatch(inputs, n, L, theta));

// One conformance suite over every registered gradient method (as the backends have): the exact path against finite
// differences, the circuits recipe against the exact path, the counts against the plan, shots against the exact value.
for (const name of GRADIENT_METHODS) {
  const method = gradientMethod(name);
  describe(`gradient method conformance: ${name}`, () => {
    it('is registered under its name, with a summary and at least one scope', () => {
      expect(method.name).toBe(name);
      expect(method.summary.length).toBeGreaterThan(10);
      expect(method.scopes.length).toBeGreaterThan(0);
      for (const s of method.scopes) expect(GRADIENT_SCOPES).toContain(s);
    });

    for (const [n, L] of [
      [2, 1],
      [4, 2],
      [8, 3],
      [16, 4],
      [32, 5],
    ] as const) {
      for (const scope of method.scopes) {
        it(`exact path equals central finite differences in scope and is zero outside it (n = ${n}, L = ${L}, ${scope})`, () => {
          const rows = 3;
          const params = rand(butterflyParameterCount(n, L));
          const inputs = rand(rows * n, 2);
          const weights = rand(rows * n, 1);
          const setting = { n, layers: L, scope: scopeIndices(n, L, scope) };
          const r = method.exact(inputs, params, setting, () => weights);
          const fd = finiteDifferences(inputs, n, L, params, weights);
          const inScope = new Set(setting.scope);
          for (let q = 0; q < params.length; q++) {
            if (inScope.has(q)) expect(Math.abs(r.gradient[q] - fd[q])).toBeLessThan(1e-7);
            else expect(r.gradient[q]).toBe(0);
          }
          const p = forwardBatch(inputs, n, L, params);
          r.probabilities.forEach((v, k) => expect(Math.abs(v - p[k])).toBeLessThan(1e-13));
        });

        if (method.shift) {
          const recipe = method.shift;
          it(`running the plan's circuits and combining them equals the exact path (n = ${n}, L = ${L}, ${scope})`, () => {
            const rows = 2;
            const params = rand(butterflyParameterCount(n, L));
            const inputs = rand(rows * n, 2);
            const weights = rand(rows * n, 1);
            const setting = { n, layers: L, scope: scopeIndices(n, L, scope) };
            const viaCircuits = shiftGradient(recipe, params, weights, setting, exactEvaluator(inputs, n, L));
            const exact = method.exact(inputs, params, setting, () => weights);
            viaCircuits.gradient.forEach((v, q) => expect(Math.abs(v - exact.gradient[q])).toBeLessThan(1e-12));
            // The plan has as many circuits per sample as the method counts.
            expect(recipe.plan(params, setting)).toHaveLength(method.circuitsPerSample(setting.scope.length).gradient);
            if (recipe.exactResults) {
              const fast = recipe.exactResults(inputs, params, setting);
              fast.forEach((p, s) => p.forEach((v, k) => expect(Math.abs(v - viaCircuits.results[s][k])).toBeLessThan(1e-13)));
            }
            if (recipe.outputs) {
              const p0 = forwardBatch(inputs, n, L, params);
              recipe.outputs(viaCircuits.results, setting).forEach((v, k) => expect(Math.abs(v - p0[k])).toBeLessThan(1e-13));
              expect(method.circuitsPerSample(setting.scope.length).forward).toBe(0);
            } else {
              expect(method.circuitsPerSample(setting.scope.length).forward).toBe(1);
            }
          });
        }
      }
    }

    if (method.shift) {
      it('shot estimates converge to the exact gradient at the 1/sqrt(shots) rate', () => {
        const n = 8;
        const L = 3;
        const params = rand(12);
        const inputs = rand(n, 1);
        const weights = rand(n, 1);
        const exact = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: name, scope: 'last-layer' }).gradient;
        const err = (shots: number) => {
          let e = 0;
          for (let seed = 0; seed < 40; seed++) {
            const g = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: name, scope: 'last-layer', shots, seed }).gradient;
            for (let q = 8; q < 12; q++) e += (g[q] - exact[q]) ** 2;
          }
          return Math.sqrt(e / 40);
        };
        const ratio = err(400) / err(6400);
        expect(ratio).toBeGreaterThan(4 * 0.75);
        expect(ratio).toBeLessThan(4 * 1.3);
      });
    } else {
      it('refuses shots (exact and simulator-only)', () => {
        expect(() =>
          modelGradient({ qubits: 4, layers: 2, params: rand(4), inputs: rand(4), weights: rand(4), method: name, scope: 'all', shots: 100 }),
        ).toThrow(/simulator-only/);
      });
    }
  });
}

describe('gradient-method registry', () => {
  it('knows the hardware methods and refuses unknown names', () => {
    expect(HARDWARE_GRADIENT_METHODS).toEqual(['parallel-shift', 'parameter-shift']);
    expect(() => gradientMethod('finite-difference')).toThrow(/method must be one of parallel-shift, parameter-shift, adjoint; got "finite-difference"/);
  });

  it('modelGradient: methods, scopes and counts', () => {
    const n = 8,
      L = 3,
      P = 12;
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
    expect(() => modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'parallel-shift', scope: 'all' })).toThrow(/only to the last layer/);
    expect(() => modelGradient({ qubits: n, layers: L, params, inputs, weights: rand(3), method: 'adjoint', scope: 'all' })).toThrow(
      /weights must have 8 entries; got 3/,
    );
    expect(() => modelGradient({ qubits: n, layers: L, params: rand(5), inputs, weights, method: 'adjoint', scope: 'all' })).toThrow(
      /exactly 12 entries.*got 5/,
    );
  });

  it('the per-parameter rule is the exact derivative of sin^2 (a hand calculation)', () => {
    // p(theta) = sin^2(theta) has dp/dtheta = sin(2 theta); the four-term rule must give it exactly.
    for (const t of [0.3, -1.1, 2.5]) {
      const p = (x: number) => Math.sin(x) ** 2;
      expect(shiftDerivative(p(t + Math.PI / 4), p(t - Math.PI / 4), p(t + Math.PI / 2), p(t - Math.PI / 2))).toBeCloseTo(Math.sin(2 * t), 14);
    }
  });

  it('the fast parallel-shift distributions and the unshifted read-off agree with the circuits', () => {
    const n = 16,
      L = 4;
    const params = rand(butterflyParameterCount(n, L));
    const inputs = rand(3 * n, 2);
    const fast = exactParallelShiftResults(inputs, n, L, params);
    const p0 = forwardBatch(inputs, n, L, params);
    unshiftedFromParallel(fast, n, L).forEach((v, k) => expect(Math.abs(v - p0[k])).toBeLessThan(1e-13));
    const adj = adjointGradientBatch(inputs, n, L, params, rand(3 * n, 1));
    expect(adj.gradient).toHaveLength(butterflyParameterCount(n, L));
    adj.probabilities.forEach((v, k) => expect(Math.abs(v - p0[k])).toBeLessThan(1e-13));
  });
});

describe('the parallel shift on models of different sizes in one process', () => {
  it('never mixes up their last-layer pairs (the pairs are cached per model)', () => {
    // (64, 2) and (128, 1) have the same number of last-layer pairs; the exact paths must still match the adjoint.
    for (const [n, L] of [
      [64, 2],
      [128, 1],
      [64, 2],
      [4, 1],
    ] as const) {
      const params = rand(butterflyParameterCount(n, L));
      const inputs = rand(n, 1);
      const weights = rand(n, 1);
      const setting = { n, layers: L, scope: scopeIndices(n, L, 'last-layer') };
      const par = gradientMethod('parallel-shift').exact(inputs, params, setting, () => weights).gradient;
      const adj = gradientMethod('adjoint').exact(inputs, params, setting, () => weights).gradient;
      par.forEach((v, q) => expect(Math.abs(v - adj[q])).toBeLessThan(1e-12));
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
      const sh = (s: number) => {
        const t = pp.slice();
        t[q] += s;
        return f(t);
      };
      const d = sh(Math.PI / 4) - sh(-Math.PI / 4) - ((Math.SQRT2 - 1) / 2) * (sh(Math.PI / 2) - sh(-Math.PI / 2));
      expect(Math.abs(d - adj[q])).toBeLessThan(1e-12);
    }
  });
});

describe('circuit counts', () => {
  it('match the formulas', () => {
    expect(circuitsPerSample('butterfly', 16, 4, 'parameter-shift', 'last-layer')).toBe(4 * 8);
    expect(circuitsPerSample('butterfly', 16, 4, 'parameter-shift', 'all')).toBe(4 * 32);
    expect(circuitsPerSample('butterfly', 16, 4, 'parallel-shift', 'last-layer')).toBe(4);
    expect(circuitsPerSample('butterfly', 16, 4, 'adjoint', 'all')).toBe(0);
    const table = circuitCountTable();
    expect(table.map((r) => r.qubits)).toEqual([8, 16, 32, 64, 128, 256, 512, 1024]);
    for (const r of table) {
      expect(r.butterflyParallelShift).toBe(4);
      expect(r.butterflyParameterShift).toBe(4 * (r.qubits / 2) * Math.log2(r.qubits));
      expect(r.pyramidParameterShift).toBe(2 * r.qubits * (r.qubits - 1));
    }
  });
});

describe('the registry and the gradient command refuse bad input with the field at fault', () => {
  const n = 8,
    L = 3;
  const ok = { qubits: n, layers: L, params: rand(12), inputs: rand(2 * n, 1), weights: rand(2 * n, 1), method: 'adjoint', scope: 'all' } as const;
  const invalid = (field: string | undefined, message: RegExp | string, more: Record<string, unknown> = {}) =>
    expect.objectContaining({ code: 'VALIDATION', field, message: typeof message === 'string' ? message : expect.stringMatching(message), ...more });

  it('an unknown method, listing the known ones', () => {
    const allowed = 'parallel-shift, parameter-shift, adjoint';
    expect(() => gradientMethod('finite-difference')).toThrow(invalid('method', /got "finite-difference"$/, { value: 'finite-difference', allowed }));
  });

  it('a scope the method cannot take, naming the methods that can', () => {
    const message =
      'the parallel-shift method applies only to the last layer (scope last-layer); got scope all. Use parameter-shift or adjoint for all layers (scope all)';
    expect(() => checkMethodScope(gradientMethod('parallel-shift'), 'all')).toThrow(invalid('scope', message, { value: 'all', allowed: 'last-layer' }));
    expect(() => checkMethodScope(gradientMethod('adjoint'), 'last-layer')).not.toThrow();
  });

  it('a simulator-only method where circuits run, under the caller field name', () => {
    const message = /^method adjoint is exact and simulator-only: it cannot run with shots or a backend; use parallel-shift or parameter-shift$/;
    const allowed = 'parallel-shift, parameter-shift';
    expect(() => checkRunsOnHardware(gradientMethod('adjoint'))).toThrow(invalid('method', message, { value: 'adjoint', allowed }));
    expect(() => checkRunsOnHardware(gradientMethod('adjoint'), 'fineTuneMethod')).toThrow(invalid('fineTuneMethod', /^fineTuneMethod adjoint is exact/));
    expect(checkRunsOnHardware(gradientMethod('parameter-shift'))).toBe(gradientMethod('parameter-shift').shift);
  });

  it('qubits, parameters, inputs and weights of the wrong size', () => {
    expect(() => modelGradient({ ...ok, qubits: 6, params: [] })).toThrow(invalid('qubits', /^qubits must be a power of two/));
    const parameters = /^parameters must have exactly 12 entries \(\(n\/2\) x layers = 4 x 3\); got 5$/;
    expect(() => modelGradient({ ...ok, params: rand(5) })).toThrow(invalid(undefined, parameters));
    expect(() => modelGradient({ ...ok, inputs: new Float64Array(0) })).toThrow(invalid(undefined, /^inputs must hold whole rows of 8 values; got 0 values$/));
    expect(() => modelGradient({ ...ok, inputs: rand(12) })).toThrow(invalid(undefined, /^inputs must hold whole rows of 8 values; got 12 values$/));
    expect(() => modelGradient({ ...ok, weights: rand(3) })).toThrow(invalid('weights', /^weights must have 16 \(rows x n\) entries; got 3$/));
    expect(() => modelGradient({ ...ok, inputs: rand(n), weights: rand(3) })).toThrow(invalid('weights', /^weights must have 8 entries; got 3$/));
  });

  it('the kernels called directly: qubits first, then parameters and weights', () => {
    expect(() => adjointGradientBatch(rand(6), 6, 1, [], rand(6))).toThrow(invalid('qubits', /^qubits must be a power of two/));
    const layers = /^layers must be an integer between 1 and log2\(8\) = 3; got 4$/;
    expect(() => adjointGradientBatch(rand(8), 8, 4, rand(12), rand(8))).toThrow(invalid('layers', layers));
    expect(() => adjointGradientBatch(rand(8), 8, 3, rand(11), rand(8))).toThrow(invalid(undefined, /^parameters must have exactly 12 entries; got 11$/));
    expect(() => adjointGradientBatch(rand(16), 8, 3, rand(12), rand(8))).toThrow(invalid(undefined, /^weights must have 16 entries \(rows x n\); got 8$/));
    const circuit = modelCircuit({ qubits: 4, architecture: 'pyramid' }, rand(pyramidParameterCount(4)), rand(4, 1));
    const weights = /^weights must have 4 entries \(one per output\); got 3$/;
    expect(() => adjointGradientCircuit(circuit, rand(3), pyramidParameterCount(4))).toThrow(invalid(undefined, weights));
    expect(() => exactParallelShiftResults(rand(8), 8, 3, rand(13))).toThrow(invalid(undefined, /^parameters must have exactly 12 entries; got 13$/));
  });
});

describe('gradients on a batch: counts, seeds and kept fractions', () => {
  const n = 8,
    L = 3;
  const params = rand(12);
  const inputs = rand(3 * n, 2);
  const weights = rand(3 * n, 1);

  it('counts circuits per sample times rows, and sums the gradients of the rows', () => {
    const batch = modelGradient({ qubits: n, layers: L, params, inputs, weights, method: 'parameter-shift', scope: 'last-layer' });
    expect([batch.circuitsPerSample, batch.circuitEvaluations]).toEqual([16, 48]);
    const row = (r: number) => ({ inputs: inputs.slice(r * n, r * n + n), weights: weights.slice(r * n, r * n + n) });
    const perRow = [0, 1, 2].map((r) => modelGradient({ qubits: n, layers: L, params, ...row(r), method: 'parameter-shift', scope: 'last-layer' }).gradient);
    batch.gradient.forEach((v, q) => expect(Math.abs(v - (perRow[0][q] + perRow[1][q] + perRow[2][q]))).toBeLessThan(1e-13));
  });

  it('shots: seed 0 by default, other seeds draw other shots; ideal shots are all kept; the inputs are not modified', () => {
    for (const method of HARDWARE_GRADIENT_METHODS) {
      for (const layers of [1, L]) {
        const P = butterflyParameterCount(n, layers);
        const o = { qubits: n, layers, params: params.slice(0, P), inputs: inputs.slice(), weights, method, scope: 'last-layer', shots: 200 } as const;
        const before = o.inputs.slice();
        const unseeded = modelGradient(o);
        expect(unseeded.keptFraction).toBe(1);
        expect(unseeded.gradient).toEqual(modelGradient({ ...o, seed: 0 }).gradient);
        expect(unseeded.gradient).not.toEqual(modelGradient({ ...o, seed: 1 }).gradient);
        expect(o.inputs).toEqual(before);
      }
    }
  });

  it('sampleBatchInPlace replaces each row by a shot estimate (multiples of 1 / shots, summing to 1) and returns the kept fraction', () => {
    const p = forwardBatch(inputs, n, L, params);
    const exact = p.slice();
    expect(sampleBatchInPlace(p, n, { shots: 1000, rng: createRng(4) })).toBe(1);
    for (let o = 0; o < p.length; o += n) {
      const row = Array.from(p.subarray(o, o + n));
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      row.forEach((v, k) => {
        expect(Math.abs(v * 1000 - Math.round(v * 1000))).toBeLessThan(1e-9);
        expect(Math.abs(v - exact[o + k])).toBeLessThan(0.1);
      });
    }
    expect(p).not.toEqual(exact);
    expect(sampleBatchInPlace(new Float64Array(0), n, { shots: 10, rng: createRng(1) })).toBe(0);
  });
});
