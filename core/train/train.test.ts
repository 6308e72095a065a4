import { describe, expect, it } from 'vitest';
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { AbortError } from '../errors.ts';
import { forwardBatch, probabilitiesOf, runUnaryCircuit } from '../quantum/unary-simulator.ts';
import { crossEntropyLoss, mseLoss, oneHot } from './losses.ts';
import { trainLayerwise, type LayerwiseOptions, type TrainCheckpoint } from './layerwise.ts';
import { orthogonalMapTask } from './tasks.ts';
import { createOptimiserState, optimiserStep } from './optimisers.ts';

const task = orthogonalMapTask(8, 3, 64, 1);
const base = (): LayerwiseOptions => ({ qubits: 8, layers: 3, inputs: task.inputs, loss: mseLoss(task.targets, 8), epochsPerLayer: 4, batchSize: 16, seed: 3 });

describe('layer-wise trainer', () => {
  it('a new layer at theta = 0 leaves the output unchanged', () => {
    const p2 = forwardBatch(task.inputs, 8, 2, Array.from({ length: 8 }, (_, k) => k * 0.3));
    const p3 = forwardBatch(task.inputs, 8, 3, [...Array.from({ length: 8 }, (_, k) => k * 0.3), 0, 0, 0, 0]);
    expect(Array.from(p3)).toEqual(Array.from(p2));
  });

  it('reduces the loss, reports progress and counts 4 circuits per sample per step with the parallel shift', async () => {
    const seen: number[] = [];
    const res = await trainLayerwise({ ...base(), epochsPerLayer: 15, onProgress: (p) => seen.push(p.fraction) });
    const initial = mseLoss(task.targets, 8).evaluate(forwardBatch(task.inputs, 8, 3, new Float64Array(12)), Int32Array.from({ length: 64 }, (_, k) => k), 8, new Float64Array(0)).value;
    expect(res.finalLoss).toBeLessThan(initial * 0.5);
    expect(res.circuitsPerSamplePerStep.layer).toBe(4);
    expect(res.circuits).toBe(3 * 15 * 64 * 4);
    expect(res.history).toHaveLength(45);
    expect(seen.at(-1)).toBe(1);
    expect(seen).toHaveLength(45 * 4);
  });

  it('parallel shift, parameter shift and adjoint give the same trajectory on the exact path', async () => {
    const a = await trainLayerwise({ ...base(), method: 'parallel-shift' });
    const b = await trainLayerwise({ ...base(), method: 'parameter-shift' });
    const c = await trainLayerwise({ ...base(), method: 'adjoint' });
    for (let q = 0; q < 12; q++) {
      expect(Math.abs(a.params[q] - b.params[q])).toBeLessThan(1e-9);
      expect(Math.abs(a.params[q] - c.params[q])).toBeLessThan(1e-9);
    }
    expect(b.circuits).toBe(3 * 4 * 64 * (4 * 4 + 1));
  });

  it('fine-tune is a separate phase; SGD and cross-entropy work', async () => {
    const labels = Array.from({ length: 64 }, (_, r) => r % 8);
    const res = await trainLayerwise({ ...base(), optimiser: 'sgd', momentum: 0.5, learningRate: 0.1, loss: crossEntropyLoss(oneHot(labels, 8), 8), fineTuneEpochs: 2 });
    expect(res.history.filter((h) => h.phase === 'fine-tune')).toHaveLength(2);
    expect(res.circuitsPerSamplePerStep.fineTune).toBe(1);
    expect(Number.isFinite(res.finalLoss)).toBe(true);
  });

  for (const shots of [undefined, 200]) {
    it(`resumes from a checkpoint to the same result as an uninterrupted run (shots ${shots ?? 'exact'})`, async () => {
      const opts = { ...base(), shots, fineTuneEpochs: 2, fineTuneMethod: 'parameter-shift' as const };
      const full = await trainLayerwise(opts);
      const checkpoints: TrainCheckpoint[] = [];
      const controller = new AbortController();
      let steps = 0;
      await expect(
        trainLayerwise({
          ...opts,
          signal: controller.signal,
          onCheckpoint: (c) => checkpoints.push(JSON.parse(JSON.stringify(c))),
          onProgress: () => {
            if (++steps === 4 * 6 + 2) controller.abort();
          },
        }),
      ).rejects.toBeInstanceOf(AbortError);
      expect(checkpoints).toHaveLength(6);
      const resumed = await trainLayerwise({ ...opts, resumeFrom: checkpoints.at(-1) });
      expect(resumed.params).toEqual(full.params);
      expect(resumed.history).toEqual(full.history);
      expect(resumed.circuits).toBe(full.circuits);
      // Resuming from every checkpoint gives the same end.
      const fromFirst = await trainLayerwise({ ...opts, resumeFrom: checkpoints[0] });
      expect(fromFirst.params).toEqual(full.params);
      await expect(trainLayerwise({ ...opts, seed: 4, resumeFrom: checkpoints[0] })).rejects.toThrow(/different options/);
    });
  }

  it('runs through a backend with the same results as the exact path', async () => {
    let calls = 0;
    const backend: QuantumBackend = {
      name: 'test-exact', description: 'exact unary', maxQubits: 64, exact: true,
      async run(req) {
        calls++;
        return req.circuits.map((c) => ({ probabilities: probabilitiesOf(runUnaryCircuit(c)), keptFraction: 1, shots: null, keptShots: null }));
      },
    };
    const exact = await trainLayerwise({ ...base(), epochsPerLayer: 2 });
    const viaBackend = await trainLayerwise({ ...base(), epochsPerLayer: 2, backend });
    expect(calls).toBe(3 * 2 * 4);
    for (let q = 0; q < 12; q++) expect(Math.abs(exact.params[q] - viaBackend.params[q])).toBeLessThan(1e-9);
    await expect(trainLayerwise({ ...base(), backend, method: 'adjoint' })).rejects.toThrow(/simulator-only/);
  });

  it('refuses bad options with clear messages', async () => {
    await expect(trainLayerwise({ ...base(), layers: 4 })).rejects.toThrow(/between 1 and log2\(8\) = 3; got 4/);
    await expect(trainLayerwise({ ...base(), inputs: new Float64Array(16) })).rejects.toThrow(/row 0 is all zeros/);
    await expect(trainLayerwise({ ...base(), learningRate: -1 })).rejects.toThrow(/learningRate must be a positive number; got -1/);
  });
});

describe('optimisers', () => {
  it('Adam and SGD minimise a quadratic', () => {
    for (const kind of ['adam', 'sgd'] as const) {
      const x = Float64Array.of(3, -2);
      const st = createOptimiserState(kind, 2);
      for (let t = 0; t < 500; t++) optimiserStep({ kind, learningRate: 0.05 }, st, x, [2 * x[0], 2 * x[1]]);
      expect(Math.abs(x[0]) + Math.abs(x[1])).toBeLessThan(1e-2);
    }
  });
});
