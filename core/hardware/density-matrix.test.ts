// The fast exact noisy simulation against a deliberately plain one: explicit complex 2^n x 2^n matrices,
// RBS built from its standard-gate decomposition (METHOD.md section 1), channels as full Kraus sums.
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../quantum/circuit.ts';
import { createRng } from '../random.ts';
import { treeLoader } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { exactNoisyDistribution, distributionObject } from './density-matrix.ts';
import type { NoiseModel } from './noise.ts';

type C = [number, number];
type M = C[][];

const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cadd = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const zeros = (d: number): M => Array.from({ length: d }, () => Array.from({ length: d }, () => [0, 0] as C));
const eye = (d: number): M => zeros(d).map((row, r) => row.map((_, c) => (r === c ? [1, 0] : [0, 0]) as C));
function matmul(a: M, b: M): M {
  const d = a.length;
  const out = zeros(d);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      let s: C = [0, 0];
      for (let k = 0; k < d; k++) s = cadd(s, cmul(a[r][k], b[k][c]));
      out[r][c] = s;
    }
  return out;
}
const dagger = (a: M): M => a[0].map((_, c) => a.map((row) => [row[c][0], -row[c][1]] as C));
/** A single-qubit matrix on qubit q of n (basis index bit q = qubit q). */
function embed1(u: M, q: number, n: number): M {
  const d = 1 << n;
  const out = zeros(d);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      if ((r & ~(1 << q)) !== (c & ~(1 << q))) continue;
      out[r][c] = u[(r >> q) & 1][(c >> q) & 1];
    }
  return out;
}
function czFull(a: number, b: number, n: number): M {
  const d = 1 << n;
  const out = eye(d);
  for (let k = 0; k < d; k++) if ((k >> a) & 1 && (k >> b) & 1) out[k][k] = [-1, 0];
  return out;
}
const H: M = [
  [
    [Math.SQRT1_2, 0],
    [Math.SQRT1_2, 0],
  ],
  [
    [Math.SQRT1_2, 0],
    [-Math.SQRT1_2, 0],
  ],
];
const ry = (t: number): M => [
  [
    [Math.cos(t / 2), 0],
    [-Math.sin(t / 2), 0],
  ],
  [
    [Math.sin(t / 2), 0],
    [Math.cos(t / 2), 0],
  ],
];
const PAULI: M[] = [
  [
    [
      [1, 0],
      [0, 0],
    ],
    [
      [0, 0],
      [1, 0],
    ],
  ],
  [
    [
      [0, 0],
      [1, 0],
    ],
    [
      [1, 0],
      [0, 0],
    ],
  ],
  [
    [
      [0, 0],
      [0, -1],
    ],
    [
      [0, 1],
      [0, 0],
    ],
  ],
  [
    [
      [1, 0],
      [0, 0],
    ],
    [
      [0, 0],
      [-1, 0],
    ],
  ],
];

function plainDistribution(circuit: Circuit, noise: NoiseModel): Float64Array {
  const n = circuit.qubits;
  const d = 1 << n;
  let rho = zeros(d);
  rho[0][0] = [1, 0];
  const conj = (u: M) => {
    rho = matmul(matmul(u, rho), dagger(u));
  };
  const channel = (qs: number[], p: number) => {
    const terms = qs.length === 1 ? 4 : 16;
    let acc = zeros(d);
    for (let k = 0; k < terms; k++) {
      const w = (k === 0 ? 1 - p : 0) + p / terms;
      const P = qs.length === 1 ? embed1(PAULI[k], qs[0], n) : matmul(embed1(PAULI[k >> 2], qs[0], n), embed1(PAULI[k & 3], qs[1], n));
      const t = matmul(matmul(P, rho), dagger(P));
      acc = acc.map((row, r) => row.map((v, c) => cadd(v, [w * t[r][c][0], w * t[r][c][1]])));
    }
    rho = acc;
  };
  for (const g of circuit.gates) {
    if (g.type === 'x') {
      conj(embed1(PAULI[1], g.qubit, n));
      channel([g.qubit], noise.p1);
    } else {
      // (H x H) . CZ . (RY(t) x RY(-t)) . CZ . (H x H), rightmost first.
      const seq = [
        matmul(embed1(H, g.i, n), embed1(H, g.j, n)),
        czFull(g.i, g.j, n),
        matmul(embed1(ry(g.theta), g.i, n), embed1(ry(-g.theta), g.j, n)),
        czFull(g.i, g.j, n),
        matmul(embed1(H, g.i, n), embed1(H, g.j, n)),
      ];
      let u = eye(d);
      for (const s of seq) u = matmul(s, u);
      conj(u);
      channel([g.i, g.j], noise.p2);
    }
  }
  const out = new Float64Array(d);
  for (let y = 0; y < d; y++) {
    for (let x = 0; x < d; x++) {
      let pr = 1;
      for (let q = 0; q < n; q++) pr *= ((x >> q) & 1) === ((y >> q) & 1) ? 1 - noise.readout : noise.readout;
      out[y] += pr * rho[x][x][0];
    }
  }
  return out;
}

function randomCircuit(n: number, layers: number, seed: number): Circuit {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => rng.normal());
  const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-Math.PI, Math.PI));
  const load = treeLoader(x, n);
  return { qubits: n, gates: [...load.gates, ...butterflyGates(n, layers, params)] };
}

describe('exact noisy distribution', () => {
  const cases: [number, number, NoiseModel][] = [
    [2, 1, { p1: 0.1, p2: 0.2, readout: 0.05 }],
    [4, 2, { p1: 0.05, p2: 0.1, readout: 0.03 }],
    [4, 1, { p1: 1, p2: 1, readout: 0.5 }],
    [4, 2, { p1: 0, p2: 0, readout: 0 }],
  ];
  for (const [n, layers, noise] of cases) {
    it(`matches the plain Kraus calculation (n=${n}, L=${layers}, ${JSON.stringify(noise)})`, () => {
      const circuit = randomCircuit(n, layers, 11 * n + layers);
      const fast = exactNoisyDistribution(circuit, noise);
      const plain = plainDistribution(circuit, noise);
      for (let k = 0; k < plain.length; k++) expect(fast.outcomes[k]).toBeCloseTo(plain[k], 12);
      let kept = 0;
      for (let k = 0; k < n; k++) kept += plain[1 << k];
      expect(fast.keptFraction).toBeCloseTo(kept, 12);
      for (let k = 0; k < n; k++) expect(fast.probabilities[k]).toBeCloseTo(plain[1 << k] / kept, 12);
    });
  }

  it('handles a diagonal X gate elsewhere and a general Pauli channel', () => {
    const circuit: Circuit = {
      qubits: 3,
      gates: [
        { type: 'x', qubit: 1 },
        { type: 'rbs', i: 1, j: 2, theta: 0.7 },
        { type: 'x', qubit: 0 },
        { type: 'rbs', i: 0, j: 2, theta: -1.1 },
      ],
    };
    const zOnly = exactNoisyDistribution(circuit, {
      p1: 1,
      p2: 1,
      readout: 0,
      channel1: [0, 0, 0, 1],
      channel2: Array.from({ length: 16 }, (_, k) => ((k >> 2) % 3 === 0 && (k & 3) % 3 === 0 && k > 0 ? 1 : 0)),
    });
    const ideal = exactNoisyDistribution(circuit, { p1: 0, p2: 0, readout: 0 });
    // Z errors do not change measurement probabilities in the computational basis here? They do change interference
    // in general, but every weight is conserved: the kept (weight-1) mass is the same.
    expect(zOnly.keptFraction).toBeCloseTo(ideal.keptFraction, 12);
    let total = 0;
    for (const p of zOnly.outcomes) total += p;
    expect(total).toBeCloseTo(1, 12);
  });

  it('writes distributions keyed by bitstrings, qubit 0 first', () => {
    const d = distributionObject(Float64Array.from([0.1, 0.2, 0.3, 0.4]), 2);
    expect(d).toEqual({ '00': 0.1, '10': 0.2, '01': 0.3, '11': 0.4 });
  });

  it('refuses more than 10 qubits and bad probabilities', () => {
    expect(() => exactNoisyDistribution({ qubits: 16, gates: [] }, { p1: 0, p2: 0, readout: 0 })).toThrow(/1 to 10/);
    expect(() => exactNoisyDistribution({ qubits: 2, gates: [] }, { p1: 1.5, p2: 0, readout: 0 })).toThrow(/p1 must be a probability in \[0, 1\]; got 1.5/);
    expect(() => exactNoisyDistribution({ qubits: 2, gates: [] }, { p1: 0, p2: -0.1, readout: 0 })).toThrow(/p2/);
  });

  it('runs 8 qubits with 3 layers in well under a second', () => {
    const circuit = randomCircuit(8, 3, 5);
    const t0 = performance.now();
    const r = exactNoisyDistribution(circuit, { p1: 0.001, p2: 0.01, readout: 0.005 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.keptFraction).toBeGreaterThan(0.8);
  });
});
