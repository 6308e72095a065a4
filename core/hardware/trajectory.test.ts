// The sector trajectory sampler against the exact noisy distribution (seeded chi-square tests at 4, 8 and 10
// qubits) and its kept fraction at 16 and 32 qubits against analytic values in the Z-only and X-only limits.
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../quantum/circuit.ts';
import { createRng } from '../random.ts';
import { treeLoader } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { exactNoisyDistribution } from './density-matrix.ts';
import { TrajectorySampler } from './trajectory.ts';
import type { NoiseModel } from './noise.ts';

function randomCircuit(n: number, layers: number, seed: number): Circuit {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => rng.normal());
  const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-Math.PI, Math.PI));
  return { qubits: n, gates: [...treeLoader(x, n).gates, ...butterflyGates(n, layers, params)] };
}

/** Upper-tail chi-square probability via the Wilson-Hilferty normal approximation (fine for df >= 3). */
function chiSquarePValue(stat: number, df: number): number {
  const z = (Math.cbrt(stat / df) - (1 - 2 / (9 * df))) / Math.sqrt(2 / (9 * df));
  // 1 - Phi(z)
  return 0.5 * erfc(z / Math.SQRT2);
}
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851413 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : 2 - y;
}

function bitstringIndex(s: string): number {
  let x = 0;
  for (let q = 0; q < s.length; q++) if (s[q] === '1') x |= 1 << q;
  return x;
}

/** Chi-square of observed counts against expected probabilities, pooling outcomes with expected count < 5. */
function chiSquare(counts: Record<string, number>, expected: Float64Array, shots: number): { stat: number; df: number } {
  const observed = new Float64Array(expected.length);
  for (const [k, v] of Object.entries(counts)) observed[bitstringIndex(k)] += v;
  let stat = 0;
  let df = -1;
  let poolO = 0;
  let poolE = 0;
  for (let x = 0; x < expected.length; x++) {
    const e = expected[x] * shots;
    if (e < 5) {
      poolO += observed[x];
      poolE += e;
      continue;
    }
    stat += (observed[x] - e) ** 2 / e;
    df++;
  }
  if (poolE > 0) {
    stat += (poolO - poolE) ** 2 / poolE;
    df++;
  } else {
    expect(poolO).toBe(0);
  }
  return { stat, df };
}

describe('trajectory sampler', () => {
  const cases: [number, number, NoiseModel, number][] = [
    [4, 2, { p1: 0.2, p2: 0.3, readout: 0.05 }, 1],
    [4, 1, { p1: 1, p2: 1, readout: 0.1 }, 2],
    [8, 3, { p1: 0.05, p2: 0.08, readout: 0.02 }, 3],
    [10, 0, { p1: 0.05, p2: 0.1, readout: 0.03 }, 4],
  ];
  for (const [n, layers, noise, seed] of cases) {
    it(`is exact in distribution against the density matrix (n=${n}, L=${layers}, ${JSON.stringify(noise)})`, () => {
      let circuit: Circuit;
      if (n === 10) {
        // 10 qubits: a diagonal-style chain loader plus all-pairs RBS gates (not a power of two).
        const rng = createRng(seed);
        const gates: Circuit['gates'] = [{ type: 'x', qubit: 0 }];
        for (let k = 0; k + 1 < n; k++) gates.push({ type: 'rbs', i: k, j: k + 1, theta: rng.uniform(-2, 2) });
        for (let k = 0; k < 5; k++) gates.push({ type: 'rbs', i: k, j: k + 5, theta: rng.uniform(-2, 2) });
        circuit = { qubits: n, gates };
      } else circuit = randomCircuit(n, layers, seed);
      const exact = exactNoisyDistribution(circuit, noise);
      const shots = 40_000;
      const result = new TrajectorySampler(circuit, noise).sample(shots, createRng(1000 + seed));
      const { stat, df } = chiSquare(result.counts!, exact.outcomes, shots);
      const p = chiSquarePValue(stat, df);
      expect(p).toBeGreaterThan(0.001);
      // Kept fraction within 5 standard errors.
      const se = Math.sqrt((exact.keptFraction * (1 - exact.keptFraction)) / shots);
      expect(Math.abs(result.keptFraction - exact.keptFraction)).toBeLessThan(5 * se + 1e-12);
    });
  }

  it('without raw counts (pruned trajectories) keeps the exact post-selected distribution (n=8)', () => {
    const circuit = randomCircuit(8, 3, 21);
    const noise = { p1: 0.05, p2: 0.1, readout: 0.03 };
    const exact = exactNoisyDistribution(circuit, noise);
    const shots = 40_000;
    const r = new TrajectorySampler(circuit, noise).sample(shots, createRng(77), { counts: false });
    expect(r.counts).toBeUndefined();
    // Outcomes: the 8 unary ones and 'rejected'.
    const expected = new Float64Array(9);
    const observed: Record<string, number> = {};
    for (let k = 0; k < 8; k++) {
      expected[k] = exact.outcomes[1 << k];
      observed['u' + k] = r.unaryCounts[k];
    }
    expected[8] = 1 - exact.keptFraction;
    let stat = 0;
    for (let k = 0; k < 9; k++) {
      const o = k < 8 ? r.unaryCounts[k] : shots - r.keptShots;
      const e = expected[k] * shots;
      stat += (o - e) ** 2 / e;
    }
    expect(chiSquarePValue(stat, 8)).toBeGreaterThan(0.001);
  });

  it('is deterministic for a seed', () => {
    const circuit = randomCircuit(8, 2, 9);
    const noise = { p1: 0.05, p2: 0.05, readout: 0.01 };
    const a = new TrajectorySampler(circuit, noise).sample(2000, createRng(7));
    const b = new TrajectorySampler(circuit, noise).sample(2000, createRng(7));
    expect(a.counts).toEqual(b.counts);
  });

  it('without noise samples the ideal unary distribution and keeps every shot', () => {
    const circuit = randomCircuit(32, 5, 3);
    const exactP = exactUnary(circuit);
    const r = new TrajectorySampler(circuit, { p1: 0, p2: 0, readout: 0 }).sample(20_000, createRng(1));
    expect(r.keptFraction).toBe(1);
    for (let k = 0; k < 32; k++) expect(Math.abs(r.probabilities[k] - exactP[k])).toBeLessThan(5 * Math.sqrt(exactP[k] / 20_000) + 1e-3);
  });

  const zOnly2 = Array.from({ length: 16 }, (_, k) => (k > 0 && (k >> 2) % 3 === 0 && (k & 3) % 3 === 0 ? 1 : 0)); // IZ, ZI, ZZ
  for (const n of [16, 32]) {
    it(`Z-only limit at ${n} qubits: gate errors never leave weight 1, kept fraction = readout no-error probability`, () => {
      const circuit = randomCircuit(n, Math.log2(n), n);
      const r = 0.02;
      const noise: NoiseModel = { p1: 0.5, p2: 0.5, readout: r, channel1: [0, 0, 0, 1], channel2: zOnly2 };
      const shots = 50_000;
      const res = new TrajectorySampler(circuit, noise).sample(shots, createRng(n), { counts: false });
      expect(res.errorShots).toBeGreaterThan(shots * 0.9);
      expect(res.maxWeight).toBe(1);
      // Kept: no flip at all, or the occupied bit and exactly one other flip.
      const analytic = (1 - r) ** n + (n - 1) * r * r * (1 - r) ** (n - 2);
      const se = Math.sqrt((analytic * (1 - analytic)) / shots);
      expect(Math.abs(res.keptFraction - analytic)).toBeLessThan(5 * se);
    });

    it(`X-only limit at ${n} qubits: single X errors always leave weight 1, kept fraction = no-error probability (+ O(p^2))`, () => {
      const circuit = randomCircuit(n, Math.log2(n), n + 1);
      // Two-qubit errors XI or IX only (one X factor each); single-qubit errors X only; no readout error.
      const xOnly2 = Array.from({ length: 16 }, (_, k) => (k === 4 || k === 1 ? 1 : 0));
      const p2 = 0.004;
      const p1 = 0.05;
      const noise: NoiseModel = { p1, p2, readout: 0, channel1: [0, 1, 0, 0], channel2: xOnly2 };
      const rbsCount = circuit.gates.filter((g) => g.type === 'rbs').length;
      const noError = (1 - p1) * (1 - p2) ** rbsCount;
      const shots = 50_000;
      const res = new TrajectorySampler(circuit, noise).sample(shots, createRng(n + 5), { counts: false });
      // Returning to weight 1 needs an even number (>= 2) of X factors.
      const lambda = p1 + p2 * rbsCount;
      const twoOrMore = 1 - Math.exp(-lambda) * (1 + lambda);
      const se = Math.sqrt((noError * (1 - noError)) / shots);
      expect(res.keptFraction).toBeGreaterThan(noError - 5 * se);
      expect(res.keptFraction).toBeLessThan(noError + twoOrMore + 5 * se);
      // The error-free shots, exactly: their share is the analytic no-error probability.
      expect(Math.abs((res.shots - res.errorShots) / shots - noError)).toBeLessThan(5 * se);
    });
  }
});

function exactUnary(circuit: Circuit): Float64Array {
  const a = new Float64Array(circuit.qubits);
  for (const g of circuit.gates) {
    if (g.type === 'x') a[g.qubit] = 1;
    else {
      const c = Math.cos(g.theta), s = Math.sin(g.theta);
      const x = a[g.i], y = a[g.j];
      a[g.i] = c * x - s * y;
      a[g.j] = s * x + c * y;
    }
  }
  return a.map((v) => v * v);
}
