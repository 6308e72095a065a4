// The train kind's metrics: what the run page draws (loss, circuits, kept fraction per step) and the phase starts
// that mark its layer boundaries, checked against the schedule worked out by hand.
import { expect, it } from 'vitest';
import { TRAIN_METRICS } from '../../contract/runs.ts';
import { trainKind, type TrainInput } from './train.ts';
import type { RunContext } from './types.ts';

it('records the loss, circuits and kept fraction per step, and where each layer and the fine-tune begin', async () => {
  // 8 samples in batches of 4: 2 steps per epoch; 2 epochs per layer: 4 steps per layer.
  // Layer 1 is steps 1-4, layer 2 steps 5-8, the fine-tune (1 epoch) steps 9-10.
  const config = { qubits: 4, layers: 2, samples: 8, batch: 4, epochs: 2, fineTuneEpochs: 1, shots: 100, seed: 3 };
  const metrics = new Map<string, [number, number | null][]>();
  const ctx = {
    runId: 1,
    signal: new AbortController().signal,
    resumeFrom: null,
    progress() {},
    metric(name: string, step: number, value: number | null) {
      metrics.set(name, [...(metrics.get(name) ?? []), [step, value]]);
    },
    checkpoint() {},
    log() {},
    payload: () => Promise.reject(new Error('no payload')),
    artifact() {},
  } satisfies RunContext;
  await trainKind.run({ config, backend: null, dataset: null } satisfies TrainInput, ctx);
  expect(metrics.get(TRAIN_METRICS.layerStart)).toEqual([
    [1, 1],
    [5, 2],
  ]);
  expect(metrics.get(TRAIN_METRICS.fineTuneStart)).toEqual([[9, 2]]);
  for (const name of [TRAIN_METRICS.loss, TRAIN_METRICS.circuits, TRAIN_METRICS.keptFraction]) {
    expect(metrics.get(name)!.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }
});
