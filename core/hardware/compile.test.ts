import { describe, expect, it } from 'vitest';
import type { Circuit } from '../quantum/circuit.ts';
import { createRng } from '../random.ts';
import { treeLoader, diagonalLoader } from '../quantum/loaders.ts';
import { butterflyGates, pyramidGates, pyramidParameterCount } from '../quantum/butterfly.ts';
import { compileCircuit, simulateNative, toIonqJson } from './compile.ts';
import { builtinDeviceProfile, validateDeviceProfile, type DeviceProfile } from './device-profile.ts';

const aria = builtinDeviceProfile('ionq-aria')!;
const forte = builtinDeviceProfile('ionq-forte')!;

/** The orthogonal matrix of a unary circuit without X gates: column k = circuit applied to e_k. */
function unaryMatrix(circuit: Circuit): number[][] {
  const n = circuit.qubits;
  return Array.from({ length: n }, (_, k) => {
    const a = new Float64Array(n);
    a[k] = 1;
    for (const g of circuit.gates) {
      if (g.type !== 'rbs') continue;
      const c = Math.cos(g.theta),
        s = Math.sin(g.theta);
      const x = a[g.i],
        y = a[g.j];
      a[g.i] = c * x - s * y;
      a[g.j] = s * x + c * y;
    }
    return Array.from(a);
  });
}

function checkUnaryEquivalence(circuit: Circuit, profile: DeviceProfile): void {
  const n = circuit.qubits;
  const compiled = compileCircuit(circuit, profile);
  const W = unaryMatrix(circuit);
  let phase: [number, number] | null = null;
  for (let k = 0; k < n; k++) {
    const re = new Float64Array(1 << n);
    const im = new Float64Array(1 << n);
    re[1 << k] = 1;
    const out = simulateNative(n, compiled.gates, { re, im });
    // Stays in the unary subspace and equals W e_k up to one global phase shared by all columns.
    let unaryMass = 0;
    for (let q = 0; q < n; q++) unaryMass += out.re[1 << q] ** 2 + out.im[1 << q] ** 2;
    expect(unaryMass).toBeCloseTo(1, 10);
    for (let q = 0; q < n; q++) {
      const w = W[k][q];
      if (Math.abs(w) > 1e-6 && !phase) phase = [out.re[1 << q] / w, out.im[1 << q] / w];
    }
    for (let q = 0; q < n; q++) {
      const w = W[k][q];
      expect(out.re[1 << q]).toBeCloseTo(phase![0] * w, 10);
      expect(out.im[1 << q]).toBeCloseTo(phase![1] * w, 10);
    }
  }
  expect(Math.hypot(phase![0], phase![1])).toBeCloseTo(1, 10);
}

describe('compilation to IonQ native gates', () => {
  for (const profile of [aria, forte]) {
    it(`equals the original unitary on the unary subspace (${profile.id}, ${profile.nativeGates.twoQubit})`, () => {
      const rng = createRng(3);
      for (const n of [2, 4, 8]) {
        const layers = Math.log2(n);
        const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-7, 7));
        const load = treeLoader(
          Array.from({ length: n }, () => rng.normal()),
          n,
        );
        const circuit: Circuit = { qubits: n, gates: [...load.gates.filter((g) => g.type === 'rbs'), ...butterflyGates(n, layers, params)] };
        checkUnaryEquivalence(circuit, profile);
      }
      // Edge angles: 0, +-pi/2, pi, small.
      const edge: Circuit = {
        qubits: 3,
        gates: [0, Math.PI / 2, -Math.PI / 2, Math.PI, 1e-9, Math.PI / 4, -3].map((theta, k) => ({ type: 'rbs' as const, i: k % 3, j: (k + 1) % 3, theta })),
      };
      checkUnaryEquivalence(edge, profile);
    });
  }

  it('prepares the loader state from |0...0> (X compiles to GPI(0))', () => {
    const x = [0.3, -0.5, 0.1, 0.8];
    const circuit = treeLoader(x, 4);
    const compiled = compileCircuit(circuit, forte);
    const out = simulateNative(4, compiled.gates);
    const norm = Math.hypot(...x);
    const amps = [0, 1, 2, 3].map((k) => [out.re[1 << k], out.im[1 << k]]);
    const ph = amps.find(([r, i]) => Math.hypot(r, i) > 0.1)!;
    const k0 = amps.indexOf(ph);
    const g = [ph[0] / (x[k0] / norm), ph[1] / (x[k0] / norm)];
    for (let k = 0; k < 4; k++) {
      expect(amps[k][0]).toBeCloseTo((g[0] * x[k]) / norm, 10);
      expect(amps[k][1]).toBeCloseTo((g[1] * x[k]) / norm, 10);
    }
  });

  it('counts gates, depth and duration; exports IonQ JSON within the documented ranges', () => {
    const n = 8;
    const circuit: Circuit = { qubits: n, gates: [...treeLoader([1, 2, 3, 4, 5, 6, 7, 8]).gates, ...butterflyGates(n, 3, new Array(12).fill(0.3))] };
    const c = compileCircuit(circuit, aria);
    expect(c.counts.ms).toBe(2 * 19);
    expect(c.counts.twoQubit).toBe(c.counts.ms);
    expect(c.counts.gpi).toBeGreaterThanOrEqual(1);
    expect(c.twoQubitDepth).toBeGreaterThanOrEqual(2 * (3 + 3));
    expect(c.durationSeconds).toBeCloseTo(c.counts.oneQubit * 135e-6 + c.counts.twoQubit * 600e-6, 12);
    const json = toIonqJson(c);
    expect(json.gateset).toBe('native');
    expect(json.qubits).toBe(8);
    for (const g of json.circuit) {
      if (g.gate === 'ms') {
        expect(g.angle).toBeGreaterThan(0);
        expect(g.angle).toBeLessThanOrEqual(0.25 + 1e-12);
        for (const p of g.phases) expect(p >= 0 && p < 1).toBe(true);
      } else if (g.gate === 'gpi' || g.gate === 'gpi2') expect(g.phase >= 0 && g.phase < 1).toBe(true);
    }
    const z = compileCircuit(circuit, forte);
    expect(z.counts.zz).toBe(2 * 19);
    expect(z.counts.ms).toBe(0);
  });

  it('refuses circuits too large or needing connectivity the device lacks', () => {
    expect(() => compileCircuit({ qubits: 32, gates: [] }, aria)).toThrow(/needs 32 qubits; IonQ Aria has 25/);
    const linear = validateDeviceProfile({
      ...structuredClone(aria),
      id: 'linear-8',
      name: 'Linear 8',
      qubits: { value: 8, source: 'test', date: '2026-11-24' },
      connectivity: { kind: 'linear', source: 'test', date: '2026-11-24' },
    });
    // Diagonal loader + pyramid: nearest neighbours only: fine.
    const pyr: Circuit = {
      qubits: 8,
      gates: [...diagonalLoader([1, 2, 3, 4, 5, 6, 7, 8]).gates, ...pyramidGates(8, new Array(pyramidParameterCount(8)).fill(0.2))],
    };
    expect(() => compileCircuit(pyr, linear)).not.toThrow();
    // Tree loader and butterfly need all-to-all.
    expect(() => compileCircuit(treeLoader([1, 2, 3, 4, 5, 6, 7, 8]), linear)).toThrow(/cannot couple qubits 0 and 4 .*all-to-all/);
  });
});
