import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { InvalidInputError } from '../errors.ts';
import type { Circuit, UnaryGate } from './circuit.ts';
import { rbs, rbsToStandard } from './rbs.ts';
import { diagonalLoader, loader, semiDiagonalLoader, treeLoader, treeLoaderGates } from './loaders.ts';
import { butterflyGates, butterflyLayerPairs, butterflyParameterCount, modelCircuit, pyramidGates, pyramidPairs, pyramidParameterCount } from './butterfly.ts';
import { forwardBatch, probabilitiesOf, runUnaryCircuit } from './unary-simulator.ts';
import { runStandardCircuit, unaryAmplitudes, unaryToStandard, zeroState, stateProbabilities } from './statevector.ts';
import { circuitToQasm, parseQasm } from './qasm.ts';
import { checkInput, checkLayers, checkQubits } from './validate.ts';
import { postSelectCounts, sampleStateVector, sampleUnary } from './shots.ts';

const rng = createRng(7);
const randVec = (n: number) => Array.from({ length: n }, () => rng.normal());
const randParams = (k: number) => Array.from({ length: k }, () => rng.uniform(-Math.PI, Math.PI));

describe('RBS', () => {
  it('its decomposition realises the normative action on |10> and |01>, for (i, j) in either order', () => {
    for (const [i, j] of [
      [0, 1],
      [1, 0],
      [2, 0],
      [1, 3],
    ] as const) {
      const t = 0.7;
      for (const start of [i, j]) {
        const st = zeroState(4);
        st.re[0] = 0;
        st.re[1 << start] = 1;
        runStandardCircuit({ qubits: 4, gates: rbsToStandard(i, j, t) }, st);
        const a = new Float64Array(4);
        a[start] = 1;
        const expected = runUnaryCircuit({ qubits: 4, gates: [rbs(i, j, t)] }, a);
        const got = unaryAmplitudes(st);
        for (let k = 0; k < 4; k++) {
          expect(got.re[k]).toBeCloseTo(expected[k], 14);
          expect(got.im[k]).toBeCloseTo(0, 14);
        }
      }
      // Normative: |10> -> cos|10> + sin|01>
      const a = new Float64Array(4);
      a[i] = 1;
      const out = runUnaryCircuit({ qubits: 4, gates: [rbs(i, j, t)] }, a);
      expect(out[i]).toBeCloseTo(Math.cos(t), 15);
      expect(out[j]).toBeCloseTo(Math.sin(t), 15);
    }
  });
  it('leaves |00> and |11> unchanged', () => {
    for (const basis of [0, 3]) {
      const st = zeroState(2);
      st.re[0] = 0;
      st.re[basis] = 1;
      runStandardCircuit({ qubits: 2, gates: rbsToStandard(0, 1, 1.1) }, st);
      const p = stateProbabilities(st);
      expect(p[basis]).toBeCloseTo(1, 14);
      expect(Math.abs(st.re[basis])).toBeCloseTo(1, 14);
      expect(st.re[basis]).toBeCloseTo(1, 14);
    }
  });
});

describe('loaders', () => {
  for (const [name, load] of [
    ['tree', treeLoader],
    ['diagonal', diagonalLoader],
    ['semi-diagonal', semiDiagonalLoader],
  ] as const) {
    it(`${name} loader reproduces x / ||x|| with signs, n = 2..64, with zeros`, () => {
      for (const n of [2, 4, 8, 16, 64]) {
        for (let trial = 0; trial < 5; trial++) {
          const x = randVec(n);
          if (trial === 1) x.fill(0, 0, n / 2);
          if (trial === 2) x.fill(0, n / 2);
          if (trial === 3) for (let k = 0; k < n; k += 2) x[k] = 0;
          if (trial === 4) {
            x.fill(0);
            x[n - 1] = -2;
          }
          const norm = Math.hypot(...x);
          const a = runUnaryCircuit(load(x, n));
          for (let k = 0; k < n; k++) expect(a[k]).toBeCloseTo(x[k] / norm, 13);
        }
      }
    });
  }
  it('tree loader: n-1 RBS, parents before children, depth log2 n', () => {
    const c = treeLoader(randVec(16));
    expect(c.gates.filter((g) => g.type === 'rbs')).toHaveLength(15);
    expect(c.gates[0]).toEqual({ type: 'x', qubit: 0 });
    expect(treeLoaderGates(randVec(8)).map((g) => [g.i, g.j])).toEqual([
      [0, 4],
      [0, 2],
      [4, 6],
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
  });
  it('tree loader zero-pads to the next power of two', () => {
    const c = treeLoader([3, -4, 0]);
    expect(c.qubits).toBe(4);
    expect(Array.from(runUnaryCircuit(c))).toEqual([expect.closeTo(0.6, 14), expect.closeTo(-0.8, 14), 0, 0]);
  });
  it('loader() picks the loader by kind and refuses an unknown kind (never a silent tree loader)', () => {
    const x = [1, 2, 3, 4];
    expect(loader('diagonal', x).gates).toEqual(diagonalLoader(x).gates);
    expect(loader('semi-diagonal', x).gates).toEqual(semiDiagonalLoader(x).gates);
    expect(loader('tree', x).gates).toEqual(treeLoader(x).gates);
    expect(() => loader('stairs' as never, x)).toThrow(/loader must be one of tree, diagonal, semi-diagonal; got "stairs"/);
  });
});

describe('layouts', () => {
  it('butterfly pairs follow METHOD.md section 3', () => {
    expect(butterflyLayerPairs(8, 1)).toEqual([
      { i: 0, j: 4 },
      { i: 1, j: 5 },
      { i: 2, j: 6 },
      { i: 3, j: 7 },
    ]);
    expect(butterflyLayerPairs(8, 2)).toEqual([
      { i: 0, j: 2 },
      { i: 1, j: 3 },
      { i: 4, j: 6 },
      { i: 5, j: 7 },
    ]);
    expect(butterflyLayerPairs(8, 3)).toEqual([
      { i: 0, j: 1 },
      { i: 2, j: 3 },
      { i: 4, j: 5 },
      { i: 6, j: 7 },
    ]);
    const g = butterflyGates(8, 3, randParams(12));
    expect(g.map((x) => x.param)).toEqual([...Array(12).keys()]);
    expect(butterflyParameterCount(1024, 10)).toBe(5120);
  });
  it('pyramid has n(n-1)/2 nearest-neighbour gates, columns on disjoint pairs', () => {
    for (const n of [2, 4, 8, 16]) {
      const pairs = pyramidPairs(n);
      expect(pairs).toHaveLength(pyramidParameterCount(n));
      expect(pairs.every((p) => p.j === p.i + 1 && p.j < n)).toBe(true);
      const byCol = new Map<number, number[]>();
      for (const p of pairs) byCol.set(p.column, [...(byCol.get(p.column) ?? []), p.i, p.j]);
      for (const qs of byCol.values()) expect(new Set(qs).size).toBe(qs.length);
      expect(byCol.size).toBe(2 * n - 3);
    }
  });
});

function randomUnaryCircuit(n: number, gates: number): Circuit {
  const list: UnaryGate[] = [{ type: 'x', qubit: rng.int(n) }];
  for (let t = 0; t < gates; t++) {
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j++;
    list.push(rbs(i, j, rng.uniform(-Math.PI, Math.PI)));
  }
  return { qubits: n, gates: list };
}

describe('unary simulator vs 2^n state vector', () => {
  it('agree to 1e-12 on random circuits up to 12 qubits (amplitudes real, nothing outside weight 1)', () => {
    for (let n = 2; n <= 12; n++) {
      const c = randomUnaryCircuit(n, 3 * n);
      const unary = runUnaryCircuit(c);
      const st = runStandardCircuit(unaryToStandard(c));
      const amp = unaryAmplitudes(st);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(amp.re[k] - unary[k])).toBeLessThan(1e-12);
        expect(Math.abs(amp.im[k])).toBeLessThan(1e-12);
      }
      const p = stateProbabilities(st);
      const kept = Array.from({ length: n }, (_, k) => p[1 << k]).reduce((s, v) => s + v, 0);
      expect(Math.abs(kept - 1)).toBeLessThan(1e-12);
    }
  });
  it('agree on loader + butterfly and loader + pyramid models (n = 4, 8)', () => {
    for (const n of [4, 8]) {
      const m = Math.log2(n);
      for (const [arch, k] of [
        ['butterfly', butterflyParameterCount(n, m)],
        ['pyramid', pyramidParameterCount(n)],
      ] as const) {
        const c = modelCircuit({ qubits: n, layers: m, architecture: arch }, randParams(k), randVec(n));
        const unary = runUnaryCircuit(c);
        const amp = unaryAmplitudes(runStandardCircuit(unaryToStandard(c)));
        for (let q = 0; q < n; q++) expect(Math.abs(amp.re[q] - unary[q])).toBeLessThan(1e-12);
      }
    }
  });
});

describe('forwardBatch', () => {
  it('generated, reference and gate-by-gate simulations agree, n = 2..128, all L', () => {
    for (const n of [2, 4, 8, 16, 32, 128]) {
      const m = Math.log2(n);
      for (let L = 1; L <= m; L++) {
        const params = randParams(butterflyParameterCount(n, L));
        const rows = 5;
        const inputs = new Float64Array(rows * n).map(() => rng.normal() * 3);
        const fast = forwardBatch(inputs, n, L, params);
        const ref = forwardBatch(inputs, n, L, params, { reference: true });
        const amps = forwardBatch(inputs, n, L, params, { amplitudes: true });
        for (let r = 0; r < rows; r++) {
          const x = inputs.subarray(r * n, (r + 1) * n);
          const a = runUnaryCircuit(modelCircuit({ qubits: n, layers: L }, params, x));
          const p = probabilitiesOf(a);
          for (let k = 0; k < n; k++) {
            expect(Math.abs(fast[r * n + k] - p[k])).toBeLessThan(1e-13);
            expect(Math.abs(ref[r * n + k] - p[k])).toBeLessThan(1e-13);
            expect(Math.abs(amps[r * n + k] - a[k])).toBeLessThan(1e-13);
          }
        }
      }
    }
  });
});

describe('1,024 qubits', () => {
  it('forwardBatch matches the gate-by-gate simulation of loader + 10 layers', () => {
    const n = 1024,
      L = 10;
    const params = randParams(butterflyParameterCount(n, L));
    const x = Float64Array.from(randVec(n));
    const a = runUnaryCircuit(modelCircuit({ qubits: n, layers: L }, params, x));
    const fast = forwardBatch(x, n, L, params, { amplitudes: true });
    let err = 0;
    for (let k = 0; k < n; k++) err = Math.max(err, Math.abs(a[k] - fast[k]));
    expect(err).toBeLessThan(1e-12);
    expect(a.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
  });
});

describe('OpenQASM export', () => {
  it('parsed back and run on the 2^n simulator gives the same amplitudes', () => {
    for (const n of [2, 4, 8]) {
      const c = modelCircuit({ qubits: n, layers: Math.log2(n) }, randParams(butterflyParameterCount(n, Math.log2(n))), randVec(n));
      const text = circuitToQasm(c);
      expect(text.startsWith('OPENQASM 2.0;\ninclude "qelib1.inc";')).toBe(true);
      expect(text).not.toMatch(/^(?!\/\/)\s*rbs/m);
      const parsed = parseQasm(text);
      expect(parsed.qubits).toBe(n);
      const direct = unaryAmplitudes(runStandardCircuit(unaryToStandard(c)));
      const back = unaryAmplitudes(runStandardCircuit(parsed));
      const unary = runUnaryCircuit(c);
      for (let k = 0; k < n; k++) {
        expect(back.re[k]).toBe(direct.re[k]);
        expect(Math.abs(back.re[k] - unary[k])).toBeLessThan(1e-12);
      }
    }
    const p = pyramidGates(4, randParams(6));
    const c: Circuit = { qubits: 4, gates: [...treeLoader([1, 2, 3, 4]).gates, ...p] };
    const back = unaryAmplitudes(runStandardCircuit(parseQasm(circuitToQasm(c))));
    const unary = runUnaryCircuit(c);
    for (let k = 0; k < 4; k++) expect(Math.abs(back.re[k] - unary[k])).toBeLessThan(1e-12);
  });
  it('parses angle expressions with pi', () => {
    const c = parseQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg r[2];\nry(-pi/2) r[0];\nrz(2*(pi+1)) r[1];\ncx r[0],r[1];\n');
    expect(c.gates[0]).toEqual({ type: 'ry', qubit: 0, theta: -Math.PI / 2 });
    expect(c.gates[1]).toEqual({ type: 'rz', qubit: 1, theta: 2 * (Math.PI + 1) });
    expect(() => parseQasm('qreg q[2]; u3(1,2,3) q[0];')).toThrow(/unsupported gate/);
  });
});

describe('shots', () => {
  it('estimates converge at the 1/sqrt(shots) rate (seeded)', () => {
    const p = probabilitiesOf(runUnaryCircuit(modelCircuit({ qubits: 8, layers: 3 }, randParams(12), randVec(8))));
    const r = createRng(123);
    const rmse = (shots: number) => {
      let err = 0;
      const trials = 200;
      for (let t = 0; t < trials; t++) {
        const est = sampleUnary(r, p, shots).probabilities;
        for (let k = 0; k < 8; k++) err += (est[k] - p[k]) ** 2;
      }
      return Math.sqrt(err / trials);
    };
    // Expected total RMSE: sqrt(sum p(1-p) / shots).
    const expected = (shots: number) => Math.sqrt(p.reduce((s, v) => s + v * (1 - v), 0) / shots);
    for (const shots of [100, 1600, 25600]) {
      const ratio = rmse(shots) / expected(shots);
      expect(ratio).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.15);
    }
  });
  it('post-selects Hamming weight 1 and reports the kept fraction', () => {
    const est = postSelectCounts({ '1000': 30, '0100': 10, '1100': 40, '0000': 20 }, 4);
    expect(est.keptShots).toBe(40);
    expect(est.keptFraction).toBeCloseTo(0.4, 15);
    expect(Array.from(est.probabilities)).toEqual([0.75, 0.25, 0, 0]);
    const leaky = sampleUnary(createRng(1), [0.3, 0.2], 10000, true);
    expect(leaky.keptFraction).toBeGreaterThan(0.45);
    expect(leaky.keptFraction).toBeLessThan(0.55);
  });
  it('state-vector sampling is seeded and counts bitstrings qubit 0 first', () => {
    const st = runStandardCircuit(unaryToStandard(treeLoader([1, 0, 0, 1])));
    const a = sampleStateVector(createRng(5), st, 1000);
    expect(sampleStateVector(createRng(5), st, 1000)).toEqual(a);
    expect(Object.keys(a).sort()).toEqual(['0001', '1000']);
  });
});

describe('bad input', () => {
  it('refuses with messages naming the value and the range', () => {
    expect(() => checkQubits(12)).toThrow(/power of two between 2 and 1024; got 12/);
    expect(() => checkQubits(1)).toThrow(InvalidInputError);
    expect(() => checkQubits(2048)).toThrow(/got 2048/);
    expect(() => checkLayers(5, 16)).toThrow(/between 1 and log2\(16\) = 4; got 5/);
    expect(() => checkInput([0, 0], 4)).toThrow(/non-zero/);
    expect(() => checkInput([1, NaN], 4)).toThrow(/input\[1\] must be a finite number; got NaN/);
    expect(() => checkInput([1, 2, 3, 4, 5], 4)).toThrow(/between 1 and 4 entries.*got 5/);
    expect(() => butterflyGates(8, 2, [1, 2])).toThrow(/exactly 8 entries.*got 2/);
    expect(() => zeroState(21)).toThrow(/1 to 20 qubits; got 21/);
    expect(() => forwardBatch(new Float64Array(8), 8, 4, [])).toThrow(/log2\(8\) = 3; got 4/);
  });
});
