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
    const p2 = forwardBatch(
      task.inputs,
      8,
      2,
      Array.from({ length: 8 }, (_, k) => k * 0.3),
    );
    const p3 = forwardBatch(task.inputs, 8, 3, [...Array.from({ length: 8 }, (_, k) => k * 0.3), 0, 0, 0, 0]);
    expect(Array.from(p3)).toEqual(Array.from(p2));
  });

  it('reduces the loss, reports progress and counts 4 circuits per sample per step with the parallel shift', async () => {
    const seen: number[] = [];
    const res = await trainLayerwise({ ...base(), epochsPerLayer: 15, onProgress: (p) => seen.push(p.fraction) });
    const initial = mseLoss(task.targets, 8).evaluate(
      forwardBatch(task.inputs, 8, 3, new Float64Array(12)),
      Int32Array.from({ length: 64 }, (_, k) => k),
      8,
      new Float64Array(0),
    ).value;
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
    const res = await trainLayerwise({
      ...base(),
      optimiser: 'sgd',
      momentum: 0.5,
      learningRate: 0.1,
      loss: crossEntropyLoss(oneHot(labels, 8), 8),
      fineTuneEpochs: 2,
    });
    expect(res.history.filter((h) => h.phase === 'fine-tune')).toHaveLength(2);
    expect(res.circuitsPerSamplePerStep.fineTune).toBe(1);
    expect(Number.isFinite(res.finalLoss)).toBe(true);
  });

  for (const shots of [undefined, 200]) {
    it(`resumes from a checkpoint to the same result as an uninterrupted run (shots ${shots ?? 'exact'})`, async () => {
      const opts = { ...base(), shots, fineTuneEpochs: 2, fineTuneMethod: 'parameter-shift' as const, checkpointEveryMs: Infinity };
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

  it('checkpoints within an epoch every N steps and resumes mid-epoch to the bit-identical result', async () => {
    // 64 rows in batches of 4: 16 steps per epoch; a checkpoint every 5 steps, and at each epoch's end.
    const opts = { ...base(), batchSize: 4, epochsPerLayer: 2, checkpointEverySteps: 5, checkpointEveryMs: Infinity, shots: 100 };
    const full = await trainLayerwise(opts);
    const checkpoints: TrainCheckpoint[] = [];
    await trainLayerwise({ ...opts, onCheckpoint: (c) => checkpoints.push(JSON.parse(JSON.stringify(c))) });
    // Per epoch: after steps 5, 10 and 15, then the epoch's end; 3 layers x 2 epochs.
    expect(checkpoints).toHaveLength(3 * 2 * 4);
    expect(checkpoints.slice(0, 4).map((c) => [c.epochsDone, c.stepInEpoch])).toEqual([
      [0, 5],
      [0, 10],
      [0, 15],
      [1, 0],
    ]);
    for (const c of [checkpoints[1], checkpoints[9], checkpoints[22]]) {
      expect(c.stepInEpoch).toBeGreaterThan(0);
      const resumed = await trainLayerwise({ ...opts, resumeFrom: c });
      expect(resumed.params).toEqual(full.params);
      expect(resumed.history).toEqual(full.history);
      expect(resumed.circuits).toBe(full.circuits);
    }
  });

  it('also checkpoints every few seconds of training (time-based, injectable clock)', async () => {
    let clock = 0;
    const checkpoints: TrainCheckpoint[] = [];
    // Each step advances the clock by 1 s; a checkpoint is due every 3 s (and at each epoch's end).
    await trainLayerwise({
      ...base(),
      batchSize: 4,
      epochsPerLayer: 1,
      layers: 1,
      checkpointEverySteps: 1000,
      checkpointEveryMs: 3000,
      now: () => clock,
      onProgress: () => (clock += 1000),
      onCheckpoint: (c) => checkpoints.push(c),
    });
    expect(checkpoints.map((c) => c.stepInEpoch)).toEqual([3, 6, 9, 12, 15, 0]);
  });

  it('refuses to resume on different data of the same shape, or a different loss, saying which', async () => {
    const checkpoints: TrainCheckpoint[] = [];
    await trainLayerwise({ ...base(), epochsPerLayer: 1, onCheckpoint: (c) => checkpoints.push(c) });
    const other = orthogonalMapTask(8, 3, 64, 2);
    await expect(trainLayerwise({ ...base(), inputs: other.inputs, resumeFrom: checkpoints[0] })).rejects.toThrow(/different training data/);
    await expect(trainLayerwise({ ...base(), loss: mseLoss(other.targets, 8), resumeFrom: checkpoints[0] })).rejects.toThrow(
      /a different loss or different targets/,
    );
    await expect(trainLayerwise({ ...base(), resumeFrom: { ...checkpoints[0], version: 1 } as unknown as TrainCheckpoint })).rejects.toThrow(
      /not a QNN Lab training checkpoint/,
    );
  });

  it('runs through a backend with the same results as the exact path', async () => {
    let calls = 0;
    const backend: QuantumBackend = {
      name: 'test-exact',
      description: 'exact unary',
      maxQubits: 64,
      exact: true,
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

describe('toy task', () => {
  it('refuses a model or sample count it cannot build, naming the field (the model first)', () => {
    expect(() => orthogonalMapTask(6, 1, 0, 1)).toThrow(expect.objectContaining({ field: 'qubits' }));
    expect(() => orthogonalMapTask(8, 4, 0, 1)).toThrow(expect.objectContaining({ field: 'layers' }));
    const samples = expect.objectContaining({ field: 'samples', message: expect.stringMatching(/^samples must be an integer/) });
    expect(() => orthogonalMapTask(8, 3, 0, 1)).toThrow(samples);
  });
});

describe('losses: gradients against central finite differences', () => {
  const n = 4;
  const rows = Int32Array.of(2, 0, 1);
  const targets = Float64Array.from({ length: 3 * n }, (_, k) => ((k * 7) % 5) / 10 + 0.05);
  const p = Float64Array.from({ length: 3 * n }, (_, k) => ((k * 3) % 7) / 10 + 0.1);
  for (const loss of [mseLoss(targets, n), crossEntropyLoss(targets, n)]) {
    it(`${loss.name}: dL/dp matches (L(p + h e_k) - L(p - h e_k)) / 2h`, () => {
      const g = loss.evaluate(p, rows, n, new Float64Array(0)).gradProbabilities;
      const h = 1e-6;
      for (let k = 0; k < p.length; k++) {
        const a = p.slice();
        a[k] += h;
        const b = p.slice();
        b[k] -= h;
        const fd = (loss.evaluate(a, rows, n, new Float64Array(0)).value - loss.evaluate(b, rows, n, new Float64Array(0)).value) / (2 * h);
        expect(Math.abs(g[k] - fd)).toBeLessThan(1e-6);
      }
    });
  }
});

describe('optimisers', () => {
  it('SGD with momentum follows v = mu v + g, x -= lr v (two steps by hand)', () => {
    const x = Float64Array.of(1, -2);
    const st = createOptimiserState('sgd', 2);
    optimiserStep({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 }, st, x, [0.5, -1]);
    // v1 = g1 = (0.5, -1); x1 = (1 - 0.05, -2 + 0.1)
    expect(Array.from(x)).toEqual([1 - 0.1 * 0.5, -2 + 0.1 * 1]);
    optimiserStep({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 }, st, x, [0.2, 0.4]);
    // v2 = 0.9 v1 + g2 = (0.65, -0.5); x2 = x1 - 0.1 v2
    expect(x[0]).toBeCloseTo(0.95 - 0.1 * 0.65, 15);
    expect(x[1]).toBeCloseTo(-1.9 + 0.1 * 0.5, 15);
  });

  it('Adam follows Kingma and Ba with bias correction (two steps by hand)', () => {
    const x = Float64Array.of(1);
    const st = createOptimiserState('adam', 1);
    optimiserStep({ kind: 'adam', learningRate: 0.1 }, st, x, [2]);
    // m1 = 0.2, v1 = 0.004; m^ = 2, v^ = 4: step 0.1 * 2 / (2 + 1e-8)
    expect(x[0]).toBeCloseTo(1 - 0.1 * (2 / (2 + 1e-8)), 14);
    optimiserStep({ kind: 'adam', learningRate: 0.1 }, st, x, [-1]);
    const m2 = 0.9 * 0.2 + 0.1 * -1;
    const v2 = 0.999 * 0.004 + 0.001 * 1;
    const mHat = m2 / (1 - 0.9 ** 2);
    const vHat = v2 / (1 - 0.999 ** 2);
    expect(x[0]).toBeCloseTo(1 - 0.1 * (2 / (2 + 1e-8)) - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8), 14);
  });

  it('keep their state as plain JSON: a velocity for SGD, two moments for Adam', () => {
    expect(createOptimiserState('sgd', 3)).toEqual({ kind: 'sgd', t: 0, m: [0, 0, 0], v: [] });
    expect(createOptimiserState('adam', 2)).toEqual({ kind: 'adam', t: 0, m: [0, 0], v: [0, 0] });
  });

  it('refuse values, gradient and state of different sizes', () => {
    const mismatch = (message: RegExp) => expect.objectContaining({ code: 'VALIDATION', message: expect.stringMatching(message) });
    const opts = { kind: 'sgd' as const, learningRate: 0.1 };
    expect(() => optimiserStep(opts, createOptimiserState('sgd', 2), Float64Array.of(1, 2), [1, 2, 3])).toThrow(
      mismatch(/^optimiser: 2 values, 3 gradient entries and a state of 2 do not match$/),
    );
    const state = mismatch(/^optimiser: 2 values, 2 gradient entries and a state of 3/);
    expect(() => optimiserStep(opts, createOptimiserState('sgd', 3), Float64Array.of(1, 2), [1, 2])).toThrow(state);
  });

  it('Adam and SGD minimise a quadratic', () => {
    for (const kind of ['adam', 'sgd'] as const) {
      const x = Float64Array.of(3, -2);
      const st = createOptimiserState(kind, 2);
      for (let t = 0; t < 500; t++) optimiserStep({ kind, learningRate: 0.05 }, st, x, [2 * x[0], 2 * x[1]]);
      expect(Math.abs(x[0]) + Math.abs(x[1])).toBeLessThan(1e-2);
    }
  });
});

describe('cancelling a training', () => {
  it('an abort from a timer stops an exact-path training promptly (the trainer yields to the event loop)', async () => {
    const big = orthogonalMapTask(16, 4, 2048, 3);
    const controller = new AbortController();
    const t0 = performance.now();
    setTimeout(() => controller.abort(), 30);
    // Thousands of steps: without yielding, the timer could only fire after the whole training.
    await expect(
      trainLayerwise({
        qubits: 16,
        layers: 4,
        inputs: big.inputs,
        loss: mseLoss(big.targets, 16),
        epochsPerLayer: 200,
        batchSize: 8,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
