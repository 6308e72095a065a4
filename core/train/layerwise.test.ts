// The layer-wise trainer's schedule and bookkeeping, checked against independent calculations: one SGD step against
// finite differences of the whole model (angles and the loss's classical parameters together), progress and history
// against their definitions, the mini-batch order per epoch, and what a cancellation leaves behind.
import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors.ts';
import { TRAIN_DEFAULTS } from '../limits.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { mseLoss, type OutputLoss } from './losses.ts';
import { phasesOf, trainLayerwise, type LayerwiseOptions, type TrainProgress } from './layerwise.ts';
import { resolveOptions } from './options.ts';
import { orthogonalMapTask } from './tasks.ts';

const n = 4;
const task = orthogonalMapTask(n, 2, 12, 7);
const base = (): LayerwiseOptions => ({ qubits: n, layers: 2, inputs: task.inputs, loss: mseLoss(task.targets, n), epochsPerLayer: 2, batchSize: 4, seed: 5 });
const allRows = (rows: number) => Int32Array.from({ length: rows }, (_, k) => k);

/** mse on (a p + b): a loss with two classical parameters (a, b), as the hybrid regressor's head has. */
function affineMse(targets: Float64Array, width: number): OutputLoss {
  return {
    name: 'affine-mse',
    fingerprint: 'affine-mse',
    initialExtra: () => Float64Array.of(1.5, -0.1),
    evaluate(p, rows, w, extra) {
      const [a, b] = extra;
      const B = rows.length;
      const grad = new Float64Array(p.length);
      const gradExtra = new Float64Array(2);
      let value = 0;
      for (let r = 0; r < B; r++) {
        for (let k = 0; k < w; k++) {
          const d = a * p[r * w + k] + b - targets[rows[r] * width + k];
          value += (d * d) / B;
          grad[r * w + k] = (2 * a * d) / B;
          gradExtra[0] += (2 * d * p[r * w + k]) / B;
          gradExtra[1] += (2 * d) / B;
        }
      }
      return { value, gradProbabilities: grad, gradExtra };
    },
  };
}

/** A loss that records the dataset rows of every evaluation (and can act on them). */
function recording(inner: OutputLoss, onEvaluate?: (rows: number[]) => void): OutputLoss & { seen: number[][] } {
  const seen: number[][] = [];
  return {
    name: inner.name,
    fingerprint: inner.fingerprint,
    seen,
    evaluate(p, rows, w, extra) {
      seen.push(Array.from(rows));
      onEvaluate?.(Array.from(rows));
      return inner.evaluate(p, rows, w, extra);
    },
  };
}

describe('the schedule', () => {
  it('one phase per grown layer (its n/2 angles), then the fine-tune of all angles when it has epochs', () => {
    const r = resolveOptions({ ...base(), qubits: 8, layers: 3, inputs: orthogonalMapTask(8, 3, 4, 1).inputs, learningRate: 0.2, fineTuneLearningRate: 0.05 });
    const layer = { kind: 'layer', epochs: 2, method: TRAIN_DEFAULTS.method, learningRate: 0.2 };
    expect(phasesOf(r)).toEqual([
      { ...layer, layer: 1, from: 0, to: 4 },
      { ...layer, layer: 2, from: 4, to: 8 },
      { ...layer, layer: 3, from: 8, to: 12 },
    ]);
    expect(phasesOf({ ...r, fineTuneEpochs: 3 }).at(-1)).toEqual({
      kind: 'fine-tune',
      layer: 3,
      from: 0,
      to: 12,
      epochs: 3,
      method: r.fineTuneMethod,
      learningRate: 0.05,
    });
  });

  it('reports its circuits per sample per step from the registry: 4 (n/2) + 1 per layer and 4 (n/2) L + 1 to fine-tune by the per-parameter rule', async () => {
    const quick = { ...base(), epochsPerLayer: 1, batchSize: 12 };
    const ps = await trainLayerwise({ ...quick, method: 'parameter-shift', fineTuneEpochs: 1, fineTuneMethod: 'parameter-shift' });
    expect(ps.circuitsPerSamplePerStep).toEqual({ layer: 4 * (n / 2) + 1, fineTune: 4 * (n / 2) * 2 + 1 });
    // Every sample once per epoch: 2 layer phases and the fine-tune, one epoch each.
    expect(ps.circuits).toBe(12 * (2 * (4 * (n / 2) + 1) + 4 * (n / 2) * 2 + 1));
    const par = await trainLayerwise(quick);
    expect(par.circuitsPerSamplePerStep).toEqual({ layer: 4, fineTune: null });
  });
});

describe('one optimisation step', () => {
  it('moves the angles in scope and the loss parameters together by -lr x their finite-difference gradient', async () => {
    const rows = 6;
    const inputs = task.inputs.slice(0, rows * n);
    const loss = affineMse(task.targets, n);
    const lr = 0.1;
    const r = await trainLayerwise({ qubits: n, layers: 1, inputs, loss, epochsPerLayer: 1, batchSize: rows, optimiser: 'sgd', learningRate: lr });
    // The whole training set in one batch at theta = 0 (the new layer), extras at their initial values.
    const f = (theta: number[], extra: number[]) => loss.evaluate(forwardBatch(inputs, n, 1, theta), allRows(rows), n, Float64Array.from(extra)).value;
    const start = [0, 0, 1.5, -0.1];
    const h = 1e-6;
    const fd = start.map((_, k) => {
      const plus = start.slice();
      const minus = start.slice();
      plus[k] += h;
      minus[k] -= h;
      return (f(plus.slice(0, 2), plus.slice(2)) - f(minus.slice(0, 2), minus.slice(2))) / (2 * h);
    });
    const expected = start.map((v, k) => v - lr * fd[k]);
    [...r.params, ...r.extra].forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-8));
    expect(Math.abs(r.finalLoss - f(r.params, r.extra))).toBeLessThan(1e-14);
    expect(r.extra).toHaveLength(2);
  });

  it('an SGD momentum reaches the trainer: the second step adds mu times the first', async () => {
    const o = { ...base(), layers: 1, epochsPerLayer: 1, batchSize: 12, optimiser: 'sgd' as const, learningRate: 0.1 };
    const one = await trainLayerwise(o);
    const two = await trainLayerwise({ ...o, epochsPerLayer: 2 });
    const twoWithMomentum = await trainLayerwise({ ...o, epochsPerLayer: 2, momentum: 0.5 });
    // x2 = x1 - lr (mu v1 + g2) with v1 = g1 = -x1 / lr (x0 = 0), so the momentum run is ahead by mu x1 exactly.
    twoWithMomentum.params.forEach((v, k) => expect(Math.abs(v - (two.params[k] + 0.5 * one.params[k]))).toBeLessThan(1e-14));
    expect(one.params.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });
});

describe('progress and history', () => {
  it('report phase, layer, epoch, step, cumulative circuits and the fraction done; an epoch records the mean of its steps', async () => {
    // 10 rows in batches of 4: steps of 4, 4 and 2 samples; 2 layers x 2 epochs, then a 1-epoch fine-tune (adjoint: 1 circuit per sample).
    const inputs = task.inputs.slice(0, 10 * n);
    const progress: TrainProgress[] = [];
    const r = await trainLayerwise({ ...base(), inputs, fineTuneEpochs: 1, onProgress: (p) => progress.push(p) });
    const expected: Omit<TrainProgress, 'loss' | 'keptFraction'>[] = [];
    let circuits = 0;
    const total = 5 * 3;
    for (const [phase, layer, epochs, perSample] of [
      ['layer', 1, 2, 4],
      ['layer', 2, 2, 4],
      ['fine-tune', 2, 1, 1],
    ] as const) {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        for (const [step, size] of [
          [1, 4],
          [2, 4],
          [3, 2],
        ]) {
          circuits += perSample * size;
          expected.push({ phase, layer, epoch, step, stepsPerEpoch: 3, circuits, stepsDone: expected.length + 1, fraction: (expected.length + 1) / total });
        }
      }
    }
    expect(progress.map(({ loss: _l, keptFraction: _k, ...rest }) => rest)).toEqual(expected);
    expect(progress.every((p) => p.keptFraction === 1)).toBe(true);
    expect(r.history.map((h) => [h.phase, h.layer, h.epoch, h.circuits])).toEqual([
      ['layer', 1, 1, 40],
      ['layer', 1, 2, 80],
      ['layer', 2, 1, 120],
      ['layer', 2, 2, 160],
      ['fine-tune', 2, 1, 170],
    ]);
    r.history.forEach((h, e) => {
      const steps = progress.slice(3 * e, 3 * e + 3);
      expect(h.loss).toBeCloseTo((steps[0].loss + steps[1].loss + steps[2].loss) / 3, 14);
      expect(h.keptFraction).toBe(1);
    });
    expect(r.circuits).toBe(170);
    expect(r.keptFraction).toBe(1);
  });

  it('visits every row once per epoch, in a new seeded order each epoch', async () => {
    const loss = recording(mseLoss(task.targets, n));
    await trainLayerwise({ ...base(), layers: 1, epochsPerLayer: 3, loss });
    const epochs = [0, 1, 2].map((e) => loss.seen.slice(3 * e, 3 * e + 3).flat());
    for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual(Array.from(allRows(12)));
    expect(new Set(epochs.map((o) => o.join(','))).size).toBe(3);
    const again = recording(mseLoss(task.targets, n));
    await trainLayerwise({ ...base(), layers: 1, epochsPerLayer: 3, loss: again });
    expect(again.seen).toEqual(loss.seen);
  });
});

describe('cancellation', () => {
  it('stops before the next step: no circuit or loss evaluation after the abort', async () => {
    const ctl = new AbortController();
    const loss = recording(mseLoss(task.targets, n));
    let steps = 0;
    const run = trainLayerwise({ ...base(), loss, signal: ctl.signal, onProgress: () => ++steps === 2 && ctl.abort() });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(loss.seen).toHaveLength(2);
  });

  it('a step cancelled while it runs is not applied: no progress, no checkpoint for it', async () => {
    const ctl = new AbortController();
    let evaluations = 0;
    const loss = recording(mseLoss(task.targets, n), () => ++evaluations === 3 && ctl.abort());
    const progress: TrainProgress[] = [];
    const checkpoints: unknown[] = [];
    const run = trainLayerwise({
      ...base(),
      loss,
      signal: ctl.signal,
      checkpointEverySteps: 1,
      onProgress: (p) => progress.push(p),
      onCheckpoint: (c) => checkpoints.push(c),
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(progress).toHaveLength(2);
    expect(checkpoints).toHaveLength(2);
  });

  it('an aborted signal stops the run before any work', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const loss = recording(mseLoss(task.targets, n));
    await expect(trainLayerwise({ ...base(), loss, signal: ctl.signal })).rejects.toBeInstanceOf(AbortError);
    expect(loss.seen).toHaveLength(0);
  });
});
