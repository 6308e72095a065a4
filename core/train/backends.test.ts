// The layer-wise trainer end to end on every kind of registered backend: exact, ideal shots, noisy, a device
// (through the job lifecycle), and cancellation of a device run.
import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors.ts';
import { createQuantumBackend, resolveBackend } from '../hardware/registry.ts';
import type { DeviceJobEvent } from '../hardware/device-jobs.ts';
import { isTerminal } from '../hardware/device-jobs.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { mseLoss } from './losses.ts';
import { trainLayerwise, type LayerwiseOptions, type TrainProgress } from './layerwise.ts';
import { orthogonalMapTask } from './tasks.ts';

const n = 4;
const samples = 16;
const task = orthogonalMapTask(n, 2, samples, 5);
const loss = mseLoss(task.targets, n);
const base = (): LayerwiseOptions => ({ qubits: n, layers: 2, inputs: task.inputs, loss, epochsPerLayer: 6, batchSize: 8, learningRate: 0.1, seed: 2 });
const all = Int32Array.from({ length: samples }, (_, k) => k);
const initialLoss = loss.evaluate(forwardBatch(task.inputs, n, 2, new Float64Array(4)), all, n, new Float64Array(0)).value;
/** Parallel shift: 4 circuits per sample per step, every sample once per epoch, every layer. */
const expectedCircuits = (o: LayerwiseOptions) => 4 * samples * o.epochsPerLayer! * o.layers;

describe('trainer on every backend', () => {
  it('ideal (exact, through the registry) equals the fast exact path', async () => {
    const task8 = orthogonalMapTask(8, 3, 32, 1);
    const o: LayerwiseOptions = { qubits: 8, layers: 3, inputs: task8.inputs, loss: mseLoss(task8.targets, 8), epochsPerLayer: 2, batchSize: 16, seed: 3 };
    const fast = await trainLayerwise(o);
    const viaIdeal = await trainLayerwise({ ...o, backend: createQuantumBackend(resolveBackend('ideal')) });
    for (let q = 0; q < 12; q++) expect(Math.abs(fast.params[q] - viaIdeal.params[q])).toBeLessThan(1e-9);
    expect(Math.abs(fast.finalLoss - viaIdeal.finalLoss)).toBeLessThan(1e-9);
    expect(viaIdeal.circuits).toBe(fast.circuits);
    expect(viaIdeal.keptFraction).toBe(1);
    expect(viaIdeal.options.backend).toBe('ideal');
  });

  it('ideal-shots: learns, counts 4 circuits per sample per step, keeps every shot', async () => {
    const o = { ...base(), backend: createQuantumBackend(resolveBackend('ideal-shots')), shots: 2000 };
    const progress: TrainProgress[] = [];
    const r = await trainLayerwise({ ...o, onProgress: (p) => progress.push(p) });
    expect(r.finalLoss).toBeLessThan(initialLoss * 0.7);
    expect(r.circuits).toBe(expectedCircuits(o));
    expect(r.circuitsPerSamplePerStep.layer).toBe(4);
    expect(r.keptFraction).toBe(1);
    expect(progress.every((p) => p.keptFraction === 1)).toBe(true);
    await expect(trainLayerwise({ ...base(), backend: createQuantumBackend(resolveBackend('ideal-shots')) })).rejects.toThrow(
      /ideal-shots returns shots: give a number of shots/,
    );
  });

  it('noisy with shots: completes, learns on average, kept fraction below 1 in every progress report', async () => {
    const o = { ...base(), backend: createQuantumBackend(resolveBackend('noisy'), { p1: 0.005, p2: 0.02, readout: 0.01 }), shots: 1000 };
    const progress: TrainProgress[] = [];
    const r = await trainLayerwise({ ...o, onProgress: (p) => progress.push(p) });
    expect(r.circuits).toBe(expectedCircuits(o));
    expect(progress).toHaveLength(2 * 6 * 2);
    for (const p of progress) {
      expect(p.keptFraction).toBeGreaterThan(0.8);
      expect(p.keptFraction).toBeLessThan(1);
    }
    expect(r.keptFraction).toBeGreaterThan(0.8);
    expect(r.keptFraction).toBeLessThan(1);
    // Mean loss of the last epoch of the last layer below the first epoch's.
    expect(r.history.at(-1)!.loss).toBeLessThan(r.history[0].loss);
    expect(r.finalLoss).toBeLessThan(initialLoss);
  });

  it('noisy without shots (exact density matrix, n <= 10): kept fraction is the exact weight-1 mass', async () => {
    const backend = createQuantumBackend(resolveBackend('noisy'), { p2: 0.02, readout: 0.01 });
    const r = await trainLayerwise({ ...base(), epochsPerLayer: 2, backend });
    expect(r.keptFraction).toBeGreaterThan(0.8);
    expect(r.keptFraction).toBeLessThan(1);
    const big = orthogonalMapTask(16, 1, 2, 1);
    await expect(trainLayerwise({ qubits: 16, layers: 1, inputs: big.inputs, loss: mseLoss(big.targets, 16), backend })).rejects.toThrow(
      /exact results up to 10 qubits; the model has 16: give a number of shots/,
    );
  });

  it('device (ionq-aria, no emulated latency): one job per step through the lifecycle, kept fraction reported', async () => {
    const events: DeviceJobEvent[] = [];
    const backend = createQuantumBackend(resolveBackend('ionq-aria'), { latencyScale: 0, onDeviceJobStatus: (e) => events.push(e) });
    const o = { ...base(), epochsPerLayer: 3, backend, shots: 500 };
    const progress: TrainProgress[] = [];
    const r = await trainLayerwise({ ...o, onProgress: (p) => progress.push(p) });
    const steps = 2 * 3 * 2;
    expect(progress).toHaveLength(steps);
    expect(r.circuits).toBe(expectedCircuits(o));
    const jobs = new Set(events.map((e) => e.jobId));
    expect(jobs.size).toBe(steps);
    for (const id of jobs) expect(events.filter((e) => e.jobId === id).map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
    for (const p of progress) {
      expect(p.keptFraction).toBeGreaterThan(0.8);
      expect(p.keptFraction).toBeLessThan(1);
    }
    expect(r.options.backend).toBe('ionq-aria');
    await expect(trainLayerwise({ ...base(), backend })).rejects.toThrow(/ionq-aria returns shots/);
  });

  it('device: cancelling mid-run stops the run with AbortError and leaves no job running', async () => {
    const events: DeviceJobEvent[] = [];
    const ctl = new AbortController();
    let running = 0;
    const backend = createQuantumBackend(resolveBackend('ionq-aria'), {
      latencyScale: 0,
      onDeviceJobStatus: (e) => {
        events.push(e);
        // Cancel from a timer (as a UI or SIGINT would) once the third job is running.
        if (e.status === 'running' && ++running === 3) setTimeout(() => ctl.abort(), 0);
      },
    });
    const steps: TrainProgress[] = [];
    const task8 = orthogonalMapTask(8, 3, 32, 1);
    const run = trainLayerwise({
      qubits: 8,
      layers: 3,
      inputs: task8.inputs,
      loss: mseLoss(task8.targets, 8),
      epochsPerLayer: 3,
      batchSize: 16,
      seed: 1,
      backend,
      shots: 2000,
      signal: ctl.signal,
      onProgress: (p) => steps.push(p),
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.length).toBeLessThan(3 * 3 * 2);
    const countAtAbort = events.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(events.length).toBe(countAtAbort); // nothing submitted after the cancellation
    const byJob = new Map<string, DeviceJobEvent[]>();
    for (const e of events) byJob.set(e.jobId, [...(byJob.get(e.jobId) ?? []), e]);
    for (const list of byJob.values()) expect(isTerminal(list.at(-1)!.status)).toBe(true);
    expect([...byJob.values()].at(-1)!.at(-1)!.status).toBe('cancelled');
  });

  it('device: a cancellation while a job is queued (fake sleep) cancels that job', async () => {
    const events: DeviceJobEvent[] = [];
    const ctl = new AbortController();
    // A fake wait that never ends by itself: only the abort settles it.
    const backend = createQuantumBackend(resolveBackend('ionq-aria'), {
      latencyScale: 1,
      sleep: (_ms, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new AbortError()), { once: true })),
      onDeviceJobStatus: (e) => {
        events.push(e);
        if (e.status === 'queued') queueMicrotask(() => ctl.abort());
      },
    });
    await expect(trainLayerwise({ ...base(), backend, shots: 100, signal: ctl.signal })).rejects.toBeInstanceOf(AbortError);
    expect(events.map((e) => e.status)).toEqual(['queued', 'cancelled']);
  });
});
