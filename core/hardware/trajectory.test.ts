// The trajectory sampler against the exact noisy distribution (seeded chi-square tests at 4, 8 and 10 qubits, light
// and heavy noise, with raw counts and with only the kept outcomes), against analytic kept fractions at 16 to 64
// qubits, and its limits: bad input, trajectories too large to hold, and how fast an abort stops a long run.
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../quantum/circuit.ts';
import { createRng } from '../random.ts';
import { treeLoader } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { LabError } from '../errors.ts';
import { MAX_COUNTS_CHARACTERS, MAX_SHOTS, MAX_TRAJECTORY_AMPLITUDES } from '../limits.ts';
import { exactNoisyDistribution } from './density-matrix.ts';
import { TrajectorySampler, type ShotResult } from './trajectory.ts';
import type { NoiseModel } from './noise.ts';

function randomCircuit(n: number, layers: number, seed: number): Circuit {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => rng.normal());
  const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-Math.PI, Math.PI));
  return { qubits: n, gates: [...treeLoader(x, n).gates, ...butterflyGates(n, layers, params)] };
}

/** 10 qubits (not a power of two): a chain loader plus RBS gates between distant qubits. */
function chainCircuit(seed: number): Circuit {
  const n = 10;
  const rng = createRng(seed);
  const gates: Circuit['gates'] = [{ type: 'x', qubit: 0 }];
  for (let k = 0; k + 1 < n; k++) gates.push({ type: 'rbs', i: k, j: k + 1, theta: rng.uniform(-2, 2) });
  for (let k = 0; k < 5; k++) gates.push({ type: 'rbs', i: k, j: k + 5, theta: rng.uniform(-2, 2) });
  return { qubits: n, gates };
}

/** Upper-tail chi-square probability via the Wilson-Hilferty normal approximation (fine for df >= 3). */
function chiSquarePValue(stat: number, df: number): number {
  const z = (Math.cbrt(stat / df) - (1 - 2 / (9 * df))) / Math.sqrt(2 / (9 * df));
  return 0.5 * erfc(z / Math.SQRT2);
}
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851413 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}

/** Chi-square p-value of observed counts against expected probabilities, pooling outcomes with expected count < 5. */
function goodnessOfFit(observed: ArrayLike<number>, expected: ArrayLike<number>, shots: number): number {
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
  } else expect(poolO).toBe(0);
  return chiSquarePValue(stat, Math.max(df, 3));
}

/** Raw counts by bitstring (qubit 0 first) as an array indexed by bit q = qubit q. */
function countsArray(counts: Record<string, number>, n: number): Float64Array {
  const out = new Float64Array(1 << n);
  for (const [s, c] of Object.entries(counts)) {
    let x = 0;
    for (let q = 0; q < n; q++) if (s[q] === '1') x |= 1 << q;
    out[x] += c;
  }
  return out;
}

/** Kept counts per outcome, then the discarded total. */
function keptAndDiscarded(r: ShotResult): number[] {
  return [...r.unaryCounts, r.discardedShots];
}

const heavy: [string, () => Circuit, NoiseModel][] = [
  ['n=8, 3 layers, p2=0.05', () => randomCircuit(8, 3, 31), { p1: 0.001, p2: 0.05, readout: 0.02 }],
  ['n=8, 3 layers, p2=0.1', () => randomCircuit(8, 3, 32), { p1: 0.001, p2: 0.1, readout: 0.02 }],
  ['n=10 chain, p2=0.1', () => chainCircuit(33), { p1: 0.05, p2: 0.1, readout: 0.02 }],
];

describe('trajectory sampler: exact in distribution', () => {
  const cases: [string, () => Circuit, NoiseModel, number][] = [
    ['n=4, 2 layers', () => randomCircuit(4, 2, 1), { p1: 0.2, p2: 0.3, readout: 0.05 }, 1],
    ['n=4, 1 layer, certain errors', () => randomCircuit(4, 1, 2), { p1: 1, p2: 1, readout: 0.1 }, 2],
    ['n=8, 3 layers', () => randomCircuit(8, 3, 3), { p1: 0.05, p2: 0.08, readout: 0.02 }, 3],
    ['n=10 chain', () => chainCircuit(4), { p1: 0.05, p2: 0.1, readout: 0.03 }, 4],
    ...heavy.map(([name, c, noise], k): [string, () => Circuit, NoiseModel, number] => [name, c, noise, 10 + k]),
  ];
  for (const [name, make, noise, seed] of cases) {
    it(`raw counts match the density matrix over all 2^n bitstrings (${name}, ${JSON.stringify(noise)})`, async () => {
      const circuit = make();
      const exact = exactNoisyDistribution(circuit, noise);
      const shots = 40_000;
      const r = await new TrajectorySampler(circuit, noise).sample(shots, createRng(1000 + seed), { counts: true });
      expect(goodnessOfFit(countsArray(r.counts!, circuit.qubits), exact.outcomes, shots)).toBeGreaterThan(0.001);
      const se = Math.sqrt((exact.keptFraction * (1 - exact.keptFraction)) / shots);
      expect(Math.abs(r.keptFraction - exact.keptFraction)).toBeLessThan(5 * se + 1e-12);
    });
  }

  for (const [name, make, noise] of [...heavy, ['n=8, 3 layers, light', () => randomCircuit(8, 3, 21), { p1: 0.05, p2: 0.01, readout: 0.03 }] as const]) {
    it(`kept outcomes and discarded total match the density matrix without raw counts (${name})`, async () => {
      const circuit = make();
      const n = circuit.qubits;
      const exact = exactNoisyDistribution(circuit, noise);
      const shots = 40_000;
      const r = await new TrajectorySampler(circuit, noise).sample(shots, createRng(77), { counts: false });
      expect(r.counts).toBeUndefined();
      expect(r.keptShots + r.discardedShots).toBe(shots);
      const expected = [...Array.from({ length: n }, (_, k) => exact.outcomes[1 << k]), 1 - exact.keptFraction];
      expect(goodnessOfFit(keptAndDiscarded(r), expected, shots)).toBeGreaterThan(0.001);
    });
  }

  it('a channel with unequal X and Y weights (flips applied coherently) matches the density matrix, with and without counts', async () => {
    const circuit = randomCircuit(8, 2, 41);
    // Every two-qubit Pauli with its own weight; single-qubit X twice as likely as Y.
    const noise: NoiseModel = { p1: 0.3, p2: 0.15, readout: 0.03, channel1: [1, 2, 1, 1], channel2: Array.from({ length: 16 }, (_, k) => 1 + ((k * 7) % 5)) };
    const exact = exactNoisyDistribution(circuit, noise);
    const shots = 40_000;
    const withCounts = await new TrajectorySampler(circuit, noise).sample(shots, createRng(5), { counts: true });
    expect(goodnessOfFit(countsArray(withCounts.counts!, 8), exact.outcomes, shots)).toBeGreaterThan(0.001);
    const kept = await new TrajectorySampler(circuit, noise).sample(shots, createRng(6));
    const expected = [...Array.from({ length: 8 }, (_, k) => exact.outcomes[1 << k]), 1 - exact.keptFraction];
    expect(goodnessOfFit(keptAndDiscarded(kept), expected, shots)).toBeGreaterThan(0.001);
  });

  it('deferred ups agree with full trajectories where light cones are narrow (16 qubits, 4 layers, p2 = 0.1)', async () => {
    // Raw counts compute every particle; without counts most ups are deferred and promoted only when a later error's
    // light cone reaches them. Both are exact: their kept outcomes and discarded totals must agree (two-sample test).
    const circuit = randomCircuit(16, 4, 51);
    const noise = { p1: 0.001, p2: 0.1, readout: 0.02 };
    const shots = 30_000;
    const full = await new TrajectorySampler(circuit, noise).sample(shots, createRng(8), { counts: true });
    const lazy = await new TrajectorySampler(circuit, noise).sample(shots, createRng(9));
    expect(lazy.deferredUps).toBeGreaterThan(shots / 10);
    expect(full.deferredUps).toBe(0);
    const a = keptAndDiscarded(full);
    const b = keptAndDiscarded(lazy);
    let stat = 0;
    let df = -1;
    for (let k = 0; k < a.length; k++) {
      if (a[k] + b[k] < 10) continue;
      stat += (a[k] - b[k]) ** 2 / (a[k] + b[k]); // equal sample sizes
      df++;
    }
    expect(chiSquarePValue(stat, df)).toBeGreaterThan(0.001);
  });

  it('is deterministic for a seed', async () => {
    const circuit = randomCircuit(8, 2, 9);
    const noise = { p1: 0.05, p2: 0.05, readout: 0.01 };
    for (const counts of [true, false]) {
      const a = await new TrajectorySampler(circuit, noise).sample(2000, createRng(7), { counts });
      const b = await new TrajectorySampler(circuit, noise).sample(2000, createRng(7), { counts });
      expect(a.counts).toEqual(b.counts);
      expect(a.unaryCounts).toEqual(b.unaryCounts);
    }
  });
});

describe('trajectory sampler: analytic limits at 16 to 64 qubits', () => {
  it('without noise samples the ideal unary distribution and keeps every shot', async () => {
    const circuit = randomCircuit(32, 5, 3);
    const exactP = exactUnary(circuit);
    const r = await new TrajectorySampler(circuit, { p1: 0, p2: 0, readout: 0 }).sample(20_000, createRng(1));
    expect(r.keptFraction).toBe(1);
    expect(goodnessOfFit(r.unaryCounts, exactP, 20_000)).toBeGreaterThan(0.001);
  });

  const zOnly2 = Array.from({ length: 16 }, (_, k) => (k > 0 && (k >> 2) % 3 === 0 && (k & 3) % 3 === 0 ? 1 : 0)); // IZ, ZI, ZZ
  for (const n of [16, 32]) {
    it(`Z-only limit at ${n} qubits: gate errors never leave weight 1, kept fraction = readout no-error probability`, async () => {
      const circuit = randomCircuit(n, Math.log2(n), n);
      const r = 0.02;
      const noise: NoiseModel = { p1: 0.5, p2: 0.5, readout: r, channel1: [0, 0, 0, 1], channel2: zOnly2 };
      const shots = 50_000;
      const res = await new TrajectorySampler(circuit, noise).sample(shots, createRng(n));
      expect(res.errorShots).toBeGreaterThan(shots * 0.9);
      expect(res.maxWeight).toBe(1);
      // Kept: no flip at all, or the occupied bit and exactly one other flip.
      const analytic = (1 - r) ** n + (n - 1) * r * r * (1 - r) ** (n - 2);
      const se = Math.sqrt((analytic * (1 - analytic)) / shots);
      expect(Math.abs(res.keptFraction - analytic)).toBeLessThan(5 * se);
    });

    it(`X-only limit at ${n} qubits: single X errors always leave weight 1, kept fraction = no-error probability (+ O(p^2))`, async () => {
      const circuit = randomCircuit(n, Math.log2(n), n + 1);
      // Two-qubit errors XI or IX only (one X factor each); single-qubit errors X only; no readout error.
      const xOnly2 = Array.from({ length: 16 }, (_, k) => (k === 4 || k === 1 ? 1 : 0));
      const p2 = 0.004;
      const p1 = 0.05;
      const noise: NoiseModel = { p1, p2, readout: 0, channel1: [0, 1, 0, 0], channel2: xOnly2 };
      const rbsCount = circuit.gates.filter((g) => g.type === 'rbs').length;
      const noError = (1 - p1) * (1 - p2) ** rbsCount;
      const shots = 50_000;
      const res = await new TrajectorySampler(circuit, noise).sample(shots, createRng(n + 5));
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

  for (const n of [32, 64]) {
    it(`a fully depolarized pair at ${n} qubits: kept outcomes and discarded total equal the analytic values`, async () => {
      // X on qubit a, RBS(a, b), then the two-qubit channel with p2 = 1: qubits a and b end maximally mixed, every
      // other qubit in |0>. Outcome k is kept when the readout flips turn the measured bits into e_k: with S the
      // measured ones (one of the 4 subsets of {a, b}, each 1/4), probability r^d (1 - r)^(n - d), d = |S xor {k}|.
      const [a, b] = [3, n - 2];
      const circuit: Circuit = {
        qubits: n,
        gates: [
          { type: 'x', qubit: a },
          { type: 'rbs', i: a, j: b, theta: 0.4 },
        ],
      };
      const r = 0.03;
      const expected = new Float64Array(n + 1);
      for (let k = 0; k < n; k++) {
        for (const S of [[], [a], [b], [a, b]]) {
          const d = S.includes(k) ? S.length - 1 : S.length + 1;
          expected[k] += 0.25 * r ** d * (1 - r) ** (n - d);
        }
        expected[n] += expected[k];
      }
      expected[n] = 1 - expected[n];
      const shots = 50_000;
      const res = await new TrajectorySampler(circuit, { p1: 0, p2: 1, readout: r }).sample(shots, createRng(n));
      expect(goodnessOfFit(keptAndDiscarded(res), expected, shots)).toBeGreaterThan(0.001);
    });
  }
});

describe('trajectory sampler: limits, errors and cancellation', () => {
  const circuit = randomCircuit(8, 2, 1);

  it('refuses a shot count outside 1..MAX_SHOTS, naming the value and the limit', async () => {
    const sampler = new TrajectorySampler(circuit, { p1: 0, p2: 0.01, readout: 0 });
    for (const shots of [0, 1.5, MAX_SHOTS + 1]) {
      const err = await sampler.sample(shots, createRng(1)).catch((e) => e);
      expect(err).toBeInstanceOf(LabError);
      expect(err).toMatchObject({ code: 'VALIDATION', field: 'shots', value: shots });
      expect(err.message).toContain(MAX_SHOTS.toLocaleString('en-US'));
    }
  });

  it('refuses raw counts too large to hold, naming the request and the limit', async () => {
    const big = randomCircuit(64, 1, 1);
    const shots = Math.floor(MAX_COUNTS_CHARACTERS / 64) + 1;
    const err = await new TrajectorySampler(big, { p1: 0, p2: 0.01, readout: 0 }).sample(shots, createRng(1), { counts: true }).catch((e) => e);
    expect(err).toMatchObject({ code: 'TOO_LARGE', field: 'counts', value: shots });
    expect(err.message).toContain(`at most ${(shots - 1).toLocaleString('en-US')} shots`);
    // One shot fewer is accepted (and without counts any number is).
    await expect(new TrajectorySampler(big, { p1: 0, p2: 0, readout: 0 }).sample(1000, createRng(1), { counts: true })).resolves.toBeDefined();
  });

  it('stops a trajectory that would hold more than MAX_TRAJECTORY_AMPLITUDES with TOO_LARGE instead of running on', async () => {
    // Raw counts at 1024 qubits: every particle is computed, and weight 3 already has C(1024, 3) = 178 million states.
    const big = randomCircuit(1024, 1, 2);
    const started = performance.now();
    const err = await new TrajectorySampler(big, { p1: 0, p2: 0.2, readout: 0 }).sample(100, createRng(3), { counts: true }).catch((e) => e);
    expect(err).toBeInstanceOf(LabError);
    expect(err.code).toBe('TOO_LARGE');
    expect(err.allowed).toContain(MAX_TRAJECTORY_AMPLITUDES.toLocaleString('en-US'));
    expect(err.message).toMatch(/1024 qubits reached Hamming weight \d+, which needs [\d,]+ amplitudes/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('an abort from a timer stops a long 32-qubit run at heavy noise promptly (yielding to the event loop)', async () => {
    const sampler = new TrajectorySampler(randomCircuit(32, 5, 1), { p1: 0.001, p2: 0.05, readout: 0.02 });
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 300);
    let progress = 0;
    const err = await sampler.sample(10_000_000, createRng(1), { signal: controller.signal, onProgress: (done) => (progress = done) }).catch((e) => e);
    const latency = performance.now() - abortedAt;
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(progress).toBeGreaterThan(0);
    // Within a few ms when the machine is idle; the bound leaves room for a loaded 2-core machine.
    expect(latency).toBeLessThan(1000);
    console.log(`abort latency at 32 qubits, p2 = 0.05: ${latency.toFixed(1)} ms after ${progress} shots`);
  });
});

function exactUnary(circuit: Circuit): Float64Array {
  const a = new Float64Array(circuit.qubits);
  for (const g of circuit.gates) {
    if (g.type === 'x') a[g.qubit] = 1;
    else {
      const c = Math.cos(g.theta),
        s = Math.sin(g.theta);
      const x = a[g.i],
        y = a[g.j];
      a[g.i] = c * x - s * y;
      a[g.j] = s * x + c * y;
    }
  }
  return a.map((v) => v * v);
}
