// The budget guard and runs.check through the dispatcher (the API every transport uses), with a real engine: a run
// whose estimated device cost exceeds the budget in Settings is refused by runs.start naming budgetUSD, nothing queued,
// unless the request says overBudget; runs.check gives the estimate hardware.estimate gives for the same plan (and the
// per-parameter rule's), and refuses a bad config naming its field, without queueing anything.
import { afterEach, describe, expect, it } from 'vitest';
import { TRAIN_DEFAULTS } from '../../../core/limits.ts';
import { useTempDir } from '../../../test-support/files.ts';
import type { RunCheck } from '../../contract/run-check.ts';
import type { HardwareEstimate } from '../../contract/hardware.ts';
import { openBackend, type Backend } from '../backend.ts';
import { forkLauncher } from './launcher.ts';

const dir = useTempDir('qnnlab-budget-');
let backend: Backend | undefined;
afterEach(async () => {
  await backend?.shutdown();
  backend = undefined;
});

const open = () =>
  (backend = openBackend({
    databasePath: dir.file('lab.db'),
    transport: 'http',
    version: 'test',
    seedSamples: true,
    engine: { launcher: forkLauncher(), claimUnowned: true, warn: () => {} },
  }));

/** A toy training on an emulated IonQ Aria: a few thousand circuits of 1,000 shots cost far more than 1 USD. */
const DEVICE_RUN = { qubits: 8, layers: 2, samples: 32, epochs: 1, shots: 1000, backend: 'ionq-aria', latencyScale: 0 };

const value = <T>(r: { ok: boolean }) => {
  expect(r).toMatchObject({ ok: true });
  return (r as unknown as { value: T }).value;
};
const total = async (b: Backend) => value<{ total: number }>(await b.dispatch('runs.list', {})).total;

describe('the budget in Settings', () => {
  it('runs.start refuses a device run over the budget naming budgetUSD, queues nothing, and starts it with overBudget', async () => {
    const b = open();
    value(await b.dispatch('settings.update', { budgetUSD: 1 }));
    const refused = await b.dispatch('runs.start', { kind: 'train', config: DEVICE_RUN });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'budgetUSD', allowed: 'at most 1.00 USD (the budget in Settings)' } });
    const error = (refused as { error: { message: string; value: number } }).error;
    expect(error.value).toBeGreaterThan(1);
    expect(error.message).toContain('exceeds the budget of 1.00 USD set in Settings; nothing was queued');
    expect(await total(b)).toBe(0);

    // A simulator run costs nothing and is never refused; over budget on purpose is the caller's explicit choice.
    const simulated = value<{ id: number }>(await b.dispatch('runs.start', { kind: 'train', config: { qubits: 4, layers: 2, samples: 8, epochs: 1 } }));
    const forced = value<{ id: number }>(await b.dispatch('runs.start', { kind: 'train', config: DEVICE_RUN, overBudget: true }));
    expect(await total(b)).toBe(2);
    await b.dispatch('runs.cancel', { id: forced.id });
    await b.engine!.wait(simulated.id);

    // Raised above the estimate: the same run starts.
    value(await b.dispatch('settings.update', { budgetUSD: error.value + 1 }));
    const started = value<{ id: number }>(await b.dispatch('runs.start', { kind: 'train', config: DEVICE_RUN }));
    await b.dispatch('runs.cancel', { id: started.id });
    expect(await total(b)).toBe(3);
  });

  it('runs.check gives the estimate of hardware.estimate for the same plan, the per-parameter rule and the budget; nothing queued', async () => {
    const b = open();
    value(await b.dispatch('settings.update', { budgetUSD: 5 }));
    const check = value<RunCheck>(await b.dispatch('runs.check', { kind: 'train', config: DEVICE_RUN }));
    const plan = { qubits: 8, layers: 2, samples: 32, epochs: 1, shots: 1000, backend: 'ionq-aria', batchSize: TRAIN_DEFAULTS.batchSize };
    const parallel = value<HardwareEstimate>(await b.dispatch('hardware.estimate', { ...plan, method: 'parallel-shift' }));
    const perParameter = value<HardwareEstimate>(await b.dispatch('hardware.estimate', { ...plan, method: 'parameter-shift' }));
    expect(check.estimate).toMatchObject({
      circuits: parallel.circuits,
      shots: parallel.shots,
      costUSD: parallel.costUSD,
      deviceSeconds: parallel.deviceSeconds,
    });
    expect(check.perParameter).toMatchObject({ circuits: perParameter.circuits, costUSD: perParameter.costUSD });
    expect(check.perParameter!.gradientCircuits).toBeGreaterThan(check.estimate!.gradientCircuits);
    expect(check).toMatchObject({ kind: 'train', budgetUSD: 5, withinBudget: parallel.costUSD <= 5, seeds: [0] });
    expect(check.name).toContain('ionq-aria');

    // On the exact simulator there is nothing to pay.
    const exact = value<RunCheck>(await b.dispatch('runs.check', { kind: 'train', config: { qubits: 4, layers: 1 } }));
    expect(exact).toMatchObject({ estimate: null, perParameter: null, withinBudget: null, budgetUSD: 5 });

    // Refusals name their field: the schema's, the kind's prepare (register, shots a device needs, a column).
    expect(await b.dispatch('runs.check', { kind: 'train', config: { qubits: 8, layers: 4 } })).toMatchObject({ ok: false, error: { field: 'config.layers' } });
    expect(await b.dispatch('runs.check', { kind: 'train', config: { ...DEVICE_RUN, shots: undefined } })).toMatchObject({
      ok: false,
      error: { field: 'config.shots' },
    });
    const pbc = value<{ id: number; name: string }[]>(await b.dispatch('datasets.list', {}))[0];
    const experiment = { datasetId: pbc.id, outcome: 'nope', exclude: ['id'], methods: ['mean'], mask: { mechanism: 'mcar', rate: 0.2 }, seeds: [1] };
    expect(await b.dispatch('runs.check', { kind: 'experiment', config: experiment })).toMatchObject({ ok: false, error: { field: 'config.outcome' } });
    expect(
      await b.dispatch('runs.check', {
        kind: 'experiment',
        config: { ...experiment, outcome: 'death', methods: [{ name: 'missforest', options: { trees: 0 } }] },
      }),
    ).toMatchObject({
      ok: false,
      error: { field: 'config.methods.0.options.trees' },
    });
    expect(await total(b)).toBe(0);
  });
});

describe('settings.get and settings.update', () => {
  it('start at the defaults, keep what is changed, and refuse bad values naming the field', async () => {
    const b = open();
    expect(value(await b.dispatch('settings.get', {}))).toEqual({ defaultBackend: null, budgetUSD: null });
    expect(value(await b.dispatch('settings.update', { defaultBackend: 'ionq-aria' }))).toEqual({ defaultBackend: 'ionq-aria', budgetUSD: null });
    expect(value(await b.dispatch('settings.update', { budgetUSD: 25 }))).toEqual({ defaultBackend: 'ionq-aria', budgetUSD: 25 });
    expect(await b.dispatch('settings.update', { defaultBackend: 'ionq-nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', field: 'defaultBackend', value: 'ionq-nowhere' },
    });
    expect(await b.dispatch('settings.update', { budgetUSD: -3 })).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'budgetUSD' } });
    expect(await b.dispatch('settings.update', { colour: 'red' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // Nothing of a refused update was written; null clears a setting.
    expect(value(await b.dispatch('settings.get', {}))).toEqual({ defaultBackend: 'ionq-aria', budgetUSD: 25 });
    expect(value(await b.dispatch('settings.update', { budgetUSD: null, defaultBackend: null }))).toEqual({ defaultBackend: null, budgetUSD: null });
  });
});
