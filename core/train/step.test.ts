// One optimisation step off the exact path: shots drawn without a backend (their noise shrinks as 1/sqrt(shots)),
// and the kept fraction of a step that runs two rounds of circuits (forward, then the shifted ones).
import { describe, expect, it } from 'vitest';
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { gradientMethod, scopeIndices, type HardwareGradientMethod } from '../gradients/registry.ts';
import { probabilitiesOf, runUnaryCircuit } from '../quantum/unary-simulator.ts';
import { mseLoss } from './losses.ts';
import { trainLayerwise, type TrainProgress } from './layerwise.ts';
import { gradientStep, type StepInput } from './step.ts';
import { orthogonalMapTask } from './tasks.ts';

const n = 4;
const L = 2;
const task = orthogonalMapTask(n, L, 4, 9);
const loss = mseLoss(task.targets, n);
const params = Float64Array.of(0.3, -0.7, 0.2, 1.1);

function step(method: HardwareGradientMethod, shots: number | null, seed = 0): StepInput {
  const setting = { n, layers: L, scope: scopeIndices(n, L, 'last-layer') };
  return {
    method: gradientMethod(method),
    setting,
    batch: task.inputs,
    rows: Int32Array.of(0, 1, 2, 3),
    params,
    extra: new Float64Array(0),
    loss,
    seed,
    shots,
    backend: undefined,
  };
}

describe('a step with shots and no backend', () => {
  for (const method of ['parallel-shift', 'parameter-shift'] as const) {
    it(`${method}: seeded shot estimates whose error shrinks as 1/sqrt(shots), every shot kept`, async () => {
      const exact = await gradientStep(step(method, null));
      const rmsError = async (shots: number) => {
        let e = 0;
        for (let seed = 0; seed < 40; seed++) {
          const out = await gradientStep(step(method, shots, seed));
          expect(out.kept).toBe(1);
          for (const q of [2, 3]) e += (out.gradient[q] - exact.gradient[q]) ** 2;
        }
        return Math.sqrt(e / 40);
      };
      const coarse = await rmsError(400);
      expect(coarse).toBeGreaterThan(0);
      const ratio = coarse / (await rmsError(6400));
      expect(ratio).toBeGreaterThan(4 * 0.75);
      expect(ratio).toBeLessThan(4 * 1.3);
      // The same seed draws the same shots.
      expect((await gradientStep(step(method, 400, 3))).gradient).toEqual((await gradientStep(step(method, 400, 3))).gradient);
    });
  }
});

describe('a shift recipe without fast exact distributions', () => {
  it('has its plan run circuit by circuit, to the same shot estimates', async () => {
    const parallel = gradientMethod('parallel-shift');
    const { exactResults: _fast, ...slow } = parallel.shift!;
    const withFast = await gradientStep(step('parallel-shift', 300, 2));
    const withoutFast = await gradientStep({ ...step('parallel-shift', 300, 2), method: { ...parallel, shift: slow } });
    withoutFast.gradient.forEach((v, q) => expect(Math.abs(v - withFast.gradient[q])).toBeLessThan(1e-12));
    expect(Math.abs(withoutFast.value - withFast.value)).toBeLessThan(1e-12);
  });
});

describe('the kept fraction of a step', () => {
  /** An exact backend that reports kept fraction 0.5 for a forward round (one circuit per sample) and 0.9 otherwise. */
  const backend: QuantumBackend = {
    name: 'kept-test',
    description: 'exact, with set kept fractions',
    maxQubits: 8,
    exact: true,
    run: async (req) =>
      req.circuits.map((c) => ({
        probabilities: probabilitiesOf(runUnaryCircuit(c)),
        keptFraction: req.circuits.length === 4 ? 0.5 : 0.9,
        shots: null,
        keptShots: null,
      })),
  };

  it('weights each round by its circuits: (forward + shifted x plan size) / (1 + plan size)', async () => {
    const progress: TrainProgress[] = [];
    const o = { qubits: n, layers: 1, inputs: task.inputs, loss, epochsPerLayer: 1, batchSize: 4, backend, onProgress: (p: TrainProgress) => progress.push(p) };
    // The per-parameter rule on n/2 = 2 angles: a forward round, then a plan of 8 parameter sets.
    const ps = await trainLayerwise({ ...o, method: 'parameter-shift' });
    expect(progress[0].keptFraction).toBeCloseTo((0.5 + 0.9 * 8) / 9, 14);
    expect(ps.keptFraction).toBeCloseTo((0.5 + 0.9 * 8) / 9, 14);
    // The parallel shift runs one round of 4 sets (16 circuits).
    const par = await trainLayerwise({ ...o, method: 'parallel-shift' });
    expect(par.keptFraction).toBeCloseTo(0.9, 14);
  });
});
