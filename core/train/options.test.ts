// The trainer's options: defaults applied once (from core/limits.ts), and every bad value refused with a message and
// the field at fault, before any circuit runs.
import { describe, expect, it } from 'vitest';
import type { QuantumBackend } from '../hardware/quantum-backend.ts';
import { MAX_BATCH_SIZE, MAX_EPOCHS, TRAIN_DEFAULTS } from '../limits.ts';
import { probabilitiesOf, runUnaryCircuit } from '../quantum/unary-simulator.ts';
import { mseLoss } from './losses.ts';
import { resolveOptions, type LayerwiseOptions } from './options.ts';
import { orthogonalMapTask } from './tasks.ts';

const task = orthogonalMapTask(8, 3, 40, 1);
const base = (): LayerwiseOptions => ({ qubits: 8, layers: 3, inputs: task.inputs, loss: mseLoss(task.targets, 8) });
const invalid = (field: string, message: RegExp, more: Record<string, unknown> = {}) =>
  expect.objectContaining({ code: 'VALIDATION', field, message: expect.stringMatching(message), ...more });

/** An exact backend of `maxQubits` qubits (exact results up to `exactMaxQubits`). */
function exactBackend(maxQubits: number, exactMaxQubits?: number, exact = true): QuantumBackend {
  return {
    name: 'test-backend',
    description: 'exact unary',
    maxQubits,
    exact,
    exactMaxQubits,
    run: async (req) => req.circuits.map((c) => ({ probabilities: probabilitiesOf(runUnaryCircuit(c)), keptFraction: 1, shots: null, keptShots: null })),
  };
}

describe('trainer options: defaults', () => {
  it('applies the documented defaults of core/limits.ts (the batch capped at the number of rows)', () => {
    expect(resolveOptions(base())).toEqual({
      qubits: 8,
      layers: 3,
      rows: 40,
      method: TRAIN_DEFAULTS.method,
      optimiser: TRAIN_DEFAULTS.optimiser,
      learningRate: TRAIN_DEFAULTS.learningRate,
      momentum: TRAIN_DEFAULTS.momentum,
      epochsPerLayer: TRAIN_DEFAULTS.epochsPerLayer,
      batchSize: Math.min(40, TRAIN_DEFAULTS.batchSize),
      fineTuneEpochs: TRAIN_DEFAULTS.fineTuneEpochs,
      fineTuneMethod: TRAIN_DEFAULTS.fineTuneMethodExact,
      fineTuneLearningRate: TRAIN_DEFAULTS.learningRate,
      seed: TRAIN_DEFAULTS.seed,
      shots: null,
      backend: null,
      loss: 'mse',
    });
    expect(resolveOptions({ ...base(), batchSize: 1000 }).batchSize).toBe(40);
  });

  it('fine-tunes exactly (adjoint) on the simulator and by the per-parameter rule where circuits run; its rate follows the rate', () => {
    expect(resolveOptions({ ...base(), shots: 100 }).fineTuneMethod).toBe(TRAIN_DEFAULTS.fineTuneMethodOnHardware);
    expect(resolveOptions({ ...base(), backend: exactBackend(8) }).fineTuneMethod).toBe(TRAIN_DEFAULTS.fineTuneMethodOnHardware);
    const r = resolveOptions({ ...base(), learningRate: 0.2, momentum: 0.9, optimiser: 'sgd', shots: 50, backend: exactBackend(8) });
    expect(r).toMatchObject({ learningRate: 0.2, fineTuneLearningRate: 0.2, momentum: 0.9, optimiser: 'sgd', shots: 50, backend: 'test-backend' });
    expect(resolveOptions({ ...base(), learningRate: 0.2, fineTuneLearningRate: 0.01 }).fineTuneLearningRate).toBe(0.01);
  });
});

describe('trainer options: refused with the field at fault', () => {
  it('the model: qubits a power of two, layers within log2 n', () => {
    expect(() => resolveOptions({ ...base(), qubits: 6 })).toThrow(invalid('qubits', /^qubits must be a power of two between 2 and \d+; got 6$/));
    expect(() => resolveOptions({ ...base(), layers: 0 })).toThrow(invalid('layers', /between 1 and log2\(8\) = 3; got 0/));
  });

  it('the inputs: whole rows of finite numbers, no all-zero row', () => {
    const rows = (values: number[]) => ({ ...base(), inputs: Float64Array.from(values) });
    expect(() => resolveOptions({ ...base(), inputs: new Float64Array(0) })).toThrow(
      invalid('inputs', /^inputs must be a Float64Array of whole rows of 8 values; got 0 values$/),
    );
    expect(() => resolveOptions(rows([1, 2, 3]))).toThrow(invalid('inputs', /whole rows of 8 values; got 3 values$/));
    expect(() => resolveOptions({ ...base(), inputs: [1, 0, 0, 0, 0, 0, 0, 0] as unknown as Float64Array })).toThrow(
      invalid('inputs', /must be a Float64Array/),
    );
    expect(() => resolveOptions({ ...base(), inputs: undefined as unknown as Float64Array })).toThrow(invalid('inputs', /got 0 values$/));
    expect(() => resolveOptions(rows([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, NaN, 0, 0, 0, 0, 0]))).toThrow(
      invalid('inputs', /^inputs row 1 holds a non-finite value NaN$/),
    );
    expect(() => resolveOptions(rows([1, 0, 0, 0, 0, 0, 0, Infinity]))).toThrow(invalid('inputs', /^inputs row 0 holds a non-finite value Infinity$/));
    expect(() => resolveOptions(rows([1, 0, 0, 0, 0, 0, 0, 0, ...new Array(8).fill(0)]))).toThrow(
      invalid('inputs', /^inputs row 1 is all zeros; the loader needs a non-zero vector$/),
    );
    // A row with negative entries is fine (only all zeros is refused).
    expect(resolveOptions(rows([0, 0, 0, 0, 0, 0, 0, -1])).rows).toBe(1);
  });

  it('the rates: positive and finite (0 is refused); momentum in [0, 1)', () => {
    expect(() => resolveOptions({ ...base(), learningRate: 0 })).toThrow(
      invalid('learningRate', /^learningRate must be a positive number; got 0$/, { value: 0, allowed: '> 0' }),
    );
    expect(() => resolveOptions({ ...base(), learningRate: NaN })).toThrow(invalid('learningRate', /got NaN$/));
    expect(() => resolveOptions({ ...base(), fineTuneLearningRate: -0.1 })).toThrow(
      invalid('fineTuneLearningRate', /^fineTuneLearningRate must be a positive number; got -0.1$/),
    );
    for (const momentum of [-0.1, 1, 1.5, NaN]) {
      expect(() => resolveOptions({ ...base(), optimiser: 'sgd', momentum })).toThrow(
        invalid('momentum', new RegExp(`^momentum must be in \\[0, 1\\); got ${momentum}$`), { value: momentum }),
      );
    }
    expect(resolveOptions({ ...base(), momentum: 0 }).momentum).toBe(0);
    expect(resolveOptions({ ...base(), momentum: 0.99 }).momentum).toBe(0.99);
    expect(() => resolveOptions({ ...base(), optimiser: 'rmsprop' as 'adam' })).toThrow(
      invalid('optimiser', /^optimiser must be one of sgd, adam; got rmsprop$/, { value: 'rmsprop' }),
    );
  });

  it('the schedule: whole epochs, batch sizes and fine-tune epochs within their limits', () => {
    expect(() => resolveOptions({ ...base(), epochsPerLayer: 0 })).toThrow(invalid('epochsPerLayer', new RegExp(`between 1 and ${MAX_EPOCHS}; got 0`)));
    expect(() => resolveOptions({ ...base(), epochsPerLayer: 1.5 })).toThrow(invalid('epochsPerLayer', /got 1.5$/));
    expect(() => resolveOptions({ ...base(), batchSize: MAX_BATCH_SIZE + 1 })).toThrow(invalid('batchSize', new RegExp(`between 1 and ${MAX_BATCH_SIZE}`)));
    expect(() => resolveOptions({ ...base(), fineTuneEpochs: -1 })).toThrow(invalid('fineTuneEpochs', new RegExp(`between 0 and ${MAX_EPOCHS}; got -1`)));
    expect(() => resolveOptions({ ...base(), shots: 0 })).toThrow(invalid('shots', /got 0$/));
  });

  it('the methods: the parallel shift only for the layers, the adjoint only without shots or a backend', () => {
    expect(() => resolveOptions({ ...base(), method: 'adjoint', shots: 100 })).toThrow(
      invalid('method', /^method adjoint is exact and simulator-only/, { value: 'adjoint' }),
    );
    expect(() => resolveOptions({ ...base(), fineTuneMethod: 'adjoint', shots: 100 })).toThrow(
      invalid('fineTuneMethod', /^fineTuneMethod adjoint is exact and simulator-only/),
    );
    expect(() => resolveOptions({ ...base(), method: 'adjoint', backend: exactBackend(8) })).toThrow(invalid('method', /simulator-only/));
    expect(() => resolveOptions({ ...base(), fineTuneMethod: 'parallel-shift' as 'adjoint' })).toThrow(invalid('scope', /only to the last layer/));
    expect(() => resolveOptions({ ...base(), method: 'finite-difference' as 'adjoint' })).toThrow(invalid('method', /method must be one of/));
    // The adjoint is fine on the exact path, for the layers and the fine-tune.
    expect(resolveOptions({ ...base(), method: 'adjoint', fineTuneMethod: 'adjoint' })).toMatchObject({ method: 'adjoint', fineTuneMethod: 'adjoint' });
  });

  it('the backend: enough qubits, and shots unless it gives exact results at this size', () => {
    expect(() => resolveOptions({ ...base(), backend: exactBackend(4) })).toThrow(
      invalid('qubits', /^backend test-backend has 4 qubits; the model needs 8$/, { value: 8 }),
    );
    expect(resolveOptions({ ...base(), backend: exactBackend(8) }).backend).toBe('test-backend');
    expect(() => resolveOptions({ ...base(), backend: exactBackend(8, undefined, false) })).toThrow(
      invalid('shots', /^backend test-backend returns shots: give a number of shots$/),
    );
    expect(() => resolveOptions({ ...base(), backend: exactBackend(16, 4) })).toThrow(
      invalid('shots', /^backend test-backend gives exact results up to 4 qubits; the model has 8: give a number of shots$/),
    );
    expect(resolveOptions({ ...base(), backend: exactBackend(16, 8) }).shots).toBeNull();
    expect(resolveOptions({ ...base(), backend: exactBackend(16, 4), shots: 10 }).shots).toBe(10);
  });
});
