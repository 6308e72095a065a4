import { describe, expect, it } from 'vitest';
import { modelCircuit } from '../quantum/butterfly.ts';
import { compileCircuit } from './compile.ts';
import { BudgetExceededError, checkBudget, estimateTraining, type TrainingPlan } from './estimate.ts';
import {
  BUILTIN_DEVICE_PROFILES,
  parseDeviceProfileJson,
  DeviceProfileValidationError,
  deviceAssumptions,
  deviceNoise,
  validateDeviceProfile,
  type DeviceProfile,
} from './device-profile.ts';
import { resolveBackend } from './registry.ts';

const plan: TrainingPlan = { qubits: 16, layers: 4, samples: 10, epochs: 2, shots: 100, method: 'parallel-shift', backend: resolveBackend('ionq-aria') };
const onDevice = (profile: DeviceProfile) => ({ name: profile.id, profile });

describe('training estimate', () => {
  it('has a gradient-circuit ratio of exactly n/2 between the per-parameter rule and the parallel shift', () => {
    for (const n of [4, 8, 16, 32]) {
      const a = estimateTraining({ ...plan, qubits: n, layers: 2, backend: resolveBackend('ideal') });
      const b = estimateTraining({ ...plan, qubits: n, layers: 2, backend: resolveBackend('ideal'), method: 'parameter-shift' });
      expect(b.gradientCircuits / a.gradientCircuits).toBe(n / 2);
      // Forward circuits: 1 per sample per epoch for the per-parameter rule, none for the parallel shift.
      expect(a.forwardCircuits).toBe(0);
      expect(b.forwardCircuits).toBe(10 * 2 * 2);
    }
  });
  it('counts circuits, shots, time and cost of a device run', () => {
    const e = estimateTraining(plan);
    expect(e.gradientCircuits).toBe(4 * 10 * 2 * 4);
    expect(e.forwardCircuits).toBe(0);
    expect(e.circuits).toBe(e.gradientCircuits + e.forwardCircuits);
    expect(e.shots).toBe(e.circuits * 100);
    expect(e.deviceSeconds).toBeGreaterThan(0);
    // Device time per circuit is K x (1 / shot rate + circuit duration): doubling the shot rate takes exactly
    // circuits x K / (2 rate) off; doubling every gate duration adds exactly the circuits' native durations again.
    const aria = plan.backend.profile!;
    const rate = aria.shotRateHz.value;
    const faster = structuredClone(aria);
    faster.shotRateHz.value = 2 * rate;
    const eFaster = estimateTraining({ ...plan, backend: onDevice(faster) });
    expect(e.deviceSeconds - eFaster.deviceSeconds).toBeCloseTo((e.circuits * 100) / (2 * rate), 6);
    const slower = structuredClone(aria);
    slower.duration.oneQubitSeconds.value *= 2;
    slower.duration.twoQubitSeconds.value *= 2;
    const eSlower = estimateTraining({ ...plan, backend: onDevice(slower) });
    const shotTime = (e.circuits * 100) / rate;
    expect(eSlower.deviceSeconds - shotTime).toBeCloseTo(2 * (e.deviceSeconds - shotTime), 6);
    expect(e.deviceSeconds - shotTime).toBeGreaterThan(0);
    expect(e.queueSeconds).toBe(8 * 3600);
    // Aria: every circuit costs max(1 USD, shots x gate-shot prices).
    expect(e.costUSD).toBeGreaterThanOrEqual(e.circuits * 1);
    const l1 = e.perLayer[0];
    const perCircuit = Math.max(1, 100 * (0.00022 * l1.gateCounts.oneQubit + 0.00098 * l1.gateCounts.twoQubit));
    expect(l1.costUSD).toBeCloseTo((l1.gradientCircuits + l1.forwardCircuits) * perCircuit, 8);
    expect(estimateTraining({ ...plan, backend: resolveBackend('noisy') }).costUSD).toBe(0);
    // The trainer's schedule with its default batch (32 > 10 samples): one step, so one job, per layer-epoch; the
    // parallel shift needs no forward circuit.
    expect(e.forwardCircuitsPerSampleEpoch).toBe(0);
    expect(e.jobsPerLayerEpoch).toBe(1);
    expect(e.jobs).toBe(4 * 2);
    expect(e.perLayer.every((l) => l.phase === 'layer')).toBe(true);
  });
  it("follows the trainer's schedule when given a batch size (checked by hand)", () => {
    // 10 samples in batches of 4: 3 steps per epoch; 4 layers x 2 epochs.
    const par = estimateTraining({ ...plan, batchSize: 4 });
    expect(par.forwardCircuitsPerSampleEpoch).toBe(0);
    expect(par.gradientCircuits).toBe(4 * 10 * 2 * 4);
    expect(par.circuits).toBe(par.gradientCircuits);
    expect(par.jobsPerLayerEpoch).toBe(3);
    expect(par.jobs).toBe(3 * 2 * 4);
    expect(par.queueSeconds).toBe(24 * 3600);
    const ps = estimateTraining({ ...plan, batchSize: 4, method: 'parameter-shift' });
    expect(ps.gradientCircuitsPerSampleStep).toBe(32);
    expect(ps.forwardCircuits).toBe(10 * 2 * 4);
    expect(ps.jobs).toBe(2 * 3 * 2 * 4);
    // A fine-tune adds a phase over all L layers by the per-parameter rule: 4 (n/2) L gradient circuits per sample per step.
    const ft = estimateTraining({ ...plan, batchSize: 4, fineTuneEpochs: 3 });
    const last = ft.perLayer.at(-1)!;
    expect(last).toMatchObject({ phase: 'fine-tune', layer: 4, gradientCircuits: 3 * 10 * 4 * 8 * 4, forwardCircuits: 3 * 10 });
    expect(ft.jobs).toBe(par.jobs + 3 * 3 * 2);
    expect(ft.costUSD).toBeGreaterThan(par.costUSD);
    expect(() => estimateTraining({ ...plan, batchSize: 0 })).toThrow(/batchSize/);
  });
  it('refuses a run over budget, unknown backends and circuits too large', () => {
    const e = estimateTraining(plan);
    expect(() => checkBudget(e, 10)).toThrow(
      /^the estimated cost \d+\.\d\d USD exceeds the budget of 10\.00 USD; nothing was submitted\. Lower --shots or --epochs, use --method parallel-shift, or raise --budget\.$/,
    );
    expect(() => checkBudget(e, e.costUSD + 1)).not.toThrow();
    expect(() => resolveBackend('nope')).toThrow(/unknown backend "nope"; known backends: ideal, ideal-shots, noisy, ionq-aria/);
    expect(() => estimateTraining({ ...plan, qubits: 32, layers: 2 })).toThrow(/needs 32 qubits; IonQ Aria has 25/);
  });
});

describe('training estimate: every figure from its formula', () => {
  // n = 4, L = 2, S = 6 samples in batches of B = 4 (2 steps per epoch), E = 3 epochs per layer, F = 2 fine-tune
  // epochs, K = 50 shots, the per-parameter rule, on IonQ Forte (ZZ gates: the compiled RBS carries 1q gates too).
  const forte = resolveBackend('ionq-forte');
  const hand: TrainingPlan = {
    qubits: 4,
    layers: 2,
    samples: 6,
    epochs: 3,
    shots: 50,
    method: 'parameter-shift',
    batchSize: 4,
    fineTuneEpochs: 2,
    backend: forte,
  };

  it('counts circuits, jobs, shots, time and cost of the per-parameter rule with a fine-tune', () => {
    const e = estimateTraining(hand);
    const p = forte.profile!;
    const params = (layers: number) => Array.from({ length: 2 * layers }, (_, k) => 0.4 + 0.1 * k);
    // Each phase's circuit is the loader plus its layers, compiled to the device's gates.
    const counts = [1, 2, 2].map((layers) => compileCircuit(modelCircuit({ qubits: 4, layers }, params(layers), [1, 2, 3, 4]), p).counts);
    expect(counts[0].oneQubit).toBeGreaterThan(1);
    const phases = [
      { phase: 'layer', layer: 1, gradientCircuits: 3 * 6 * 4 * 2, forwardCircuits: 3 * 6 },
      { phase: 'layer', layer: 2, gradientCircuits: 3 * 6 * 4 * 2, forwardCircuits: 3 * 6 },
      { phase: 'fine-tune', layer: 2, gradientCircuits: 2 * 6 * 4 * 2 * 2, forwardCircuits: 2 * 6 },
    ];
    let deviceSeconds = 0;
    let cost = 0;
    phases.forEach((ph, k) => {
      const c = counts[k];
      const circuits = ph.gradientCircuits + ph.forwardCircuits;
      const circuitSeconds = 50 * (1 / p.shotRateHz.value + c.oneQubit * p.duration.oneQubitSeconds.value + c.twoQubit * p.duration.twoQubitSeconds.value);
      const perCircuit = Math.max(p.pricing.minimumPerCircuitUSD.value, 50 * (0.0003 * c.oneQubit + 0.0013 * c.twoQubit));
      expect(e.perLayer[k]).toMatchObject({ ...ph, gateCounts: c });
      expect(e.perLayer[k].circuitSeconds).toBeCloseTo(circuitSeconds, 10);
      expect(e.perLayer[k].costUSD).toBeCloseTo(circuits * perCircuit, 8);
      deviceSeconds += circuits * circuitSeconds;
      cost += circuits * perCircuit;
    });
    const circuits = 2 * (144 + 18) + 192 + 12;
    // Jobs: 2 rounds (forward, then the shifted circuits) per step, 2 steps per epoch, 3 + 3 + 2 epochs.
    const jobs = 2 * 2 * (3 + 3 + 2);
    expect(e).toMatchObject({
      backend: 'ionq-forte',
      device: true,
      pricingModel: 'per-gate-shot',
      circuits,
      gradientCircuits: 2 * 144 + 192,
      forwardCircuits: 2 * 18 + 12,
      shots: circuits * 50,
      gradientCircuitsPerSampleStep: 8,
      forwardCircuitsPerSampleEpoch: 1,
      jobsPerLayerEpoch: 4,
      jobs,
      queueSeconds: jobs * p.queue.meanWaitSeconds.value,
      overheadSeconds: jobs * p.jobOverheadSeconds.value,
      assumptions: deviceAssumptions(p),
    });
    expect(e.assumptions.length).toBeGreaterThan(0);
    expect(e.deviceSeconds).toBeCloseTo(deviceSeconds, 8);
    expect(e.wallSeconds).toBeCloseTo(deviceSeconds + jobs * (p.queue.meanWaitSeconds.value + p.jobOverheadSeconds.value), 8);
    expect(e.costUSD).toBeCloseTo(cost, 8);
  });

  it('per-shot pricing: max(minimum, K x price per shot) per circuit', () => {
    const enterprise = resolveBackend('ionq-forte-enterprise');
    const price = enterprise.profile!.pricing;
    expect(price.model).toBe('per-shot');
    const perShot = price.model === 'per-shot' ? price.perShotUSD.value : NaN;
    for (const shots of [10, 1000]) {
      const e = estimateTraining({ ...hand, backend: enterprise, shots });
      expect(e.pricingModel).toBe('per-shot');
      expect(e.costUSD).toBeCloseTo(e.circuits * Math.max(price.minimumPerCircuitUSD.value, shots * perShot), 8);
    }
  });

  it('a simulator: the same circuits and jobs, no gates, time or cost', () => {
    const e = estimateTraining({ ...hand, backend: resolveBackend('ideal') });
    const zero = { gpi: 0, gpi2: 0, ms: 0, zz: 0, oneQubit: 0, twoQubit: 0, total: 0 };
    expect(e).toMatchObject({ backend: 'ideal', device: false, circuits: 2 * (144 + 18) + 204, jobs: 32, pricingModel: null, assumptions: [] });
    expect([e.deviceSeconds, e.queueSeconds, e.overheadSeconds, e.wallSeconds, e.costUSD]).toEqual([0, 0, 0, 0, 0]);
    for (const l of e.perLayer) expect(l).toMatchObject({ gateCounts: zero, circuitSeconds: 0, costUSD: 0 });
  });

  it('refuses a plan it cannot count, naming the field', () => {
    const invalid = (field: string, message: RegExp) => expect.objectContaining({ code: 'VALIDATION', field, message: expect.stringMatching(message) });
    // The model is checked first: with a bad register and a bad sample count, the register is named.
    expect(() => estimateTraining({ ...hand, qubits: 6, samples: 0 })).toThrow(invalid('qubits', /^qubits must be a power of two/));
    expect(() => estimateTraining({ ...hand, samples: 0 })).toThrow(invalid('samples', /^samples must be an integer between 1 and/));
    expect(() => estimateTraining({ ...hand, epochs: 1.5 })).toThrow(invalid('epochs', /^epochs must be an integer/));
    expect(() => estimateTraining({ ...hand, shots: 0 })).toThrow(invalid('shots', /^shots must be an integer/));
    expect(() => estimateTraining({ ...hand, fineTuneEpochs: -1 })).toThrow(invalid('fineTuneEpochs', /^fineTuneEpochs must be an integer between 0 and/));
    const adjoint = { ...hand, method: 'adjoint' as 'parameter-shift' };
    expect(() => estimateTraining(adjoint)).toThrow(invalid('method', /^method adjoint is exact and simulator-only/));
    expect(estimateTraining({ ...hand, fineTuneEpochs: 0 }).perLayer).toHaveLength(2);
  });

  it('the budget: the cost itself is within it; over it is a BudgetExceededError naming the budget; a budget must be a number >= 0', () => {
    const e = estimateTraining(hand);
    expect(() => checkBudget(e, undefined)).not.toThrow();
    expect(() => checkBudget(e, e.costUSD)).not.toThrow();
    let error: unknown;
    try {
      checkBudget(e, 10);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      name: 'BudgetExceededError',
      code: 'VALIDATION',
      field: 'budgetUSD',
      value: 10,
      allowed: `at least ${e.costUSD.toFixed(2)} USD for this plan`,
      estimateUSD: e.costUSD,
      budgetUSD: 10,
    });
    // A budget of 0 is a budget (nothing may be spent), not an invalid one.
    expect(() => checkBudget(e, 0)).toThrow(BudgetExceededError);
    expect(() => checkBudget(estimateTraining({ ...hand, backend: resolveBackend('ideal') }), 0)).not.toThrow();
    for (const bad of [-1, NaN, Infinity, '5']) {
      expect(() => checkBudget(e, bad as number)).toThrow(new RegExp(`^budget must be a non-negative number of USD; got ${String(bad)}$`));
    }
  });
});

describe('device profiles', () => {
  it('bundles three validated profiles with sources and dates', () => {
    expect(BUILTIN_DEVICE_PROFILES.map((p) => p.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']);
    const aria = BUILTIN_DEVICE_PROFILES[0];
    expect(aria.fidelity.twoQubit).toMatchObject({ value: 0.996, date: '2026-11-24' });
    expect(deviceAssumptions(aria)).toContain('shotRateHz');
    expect(deviceAssumptions(aria)).not.toContain('fidelity.twoQubit');
    const noise = deviceNoise(aria);
    expect(noise.p2).toBeCloseTo(1 - 0.996 ** 2, 12);
    expect(noise.readout).toBeCloseTo(1 - 0.9961, 12);
  });
  it('names the wrong field of a profile that does not validate', () => {
    const bad = structuredClone(BUILTIN_DEVICE_PROFILES[0]) as Record<string, any>;
    bad.fidelity.twoQubit.value = 1.3;
    expect(() => validateDeviceProfile(bad)).toThrow(/^device profile field "fidelity.twoQubit" must be <= 1; got 1.3$/);
    try {
      validateDeviceProfile(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(DeviceProfileValidationError);
      expect((e as DeviceProfileValidationError).field).toBe('fidelity.twoQubit');
      expect((e as DeviceProfileValidationError).path).toBe('fidelity.twoQubit.value');
    }
    const bad2 = structuredClone(BUILTIN_DEVICE_PROFILES[0]) as Record<string, any>;
    delete bad2.pricing.minimumPerCircuitUSD;
    expect(() => validateDeviceProfile(bad2)).toThrow(/^device profile field "pricing.minimumPerCircuitUSD" is missing \(expected an object\)$/);
    const cases: [(p: Record<string, any>) => void, RegExp][] = [
      [(p) => (p.duration.twoQubitSeconds.value = -1), /^device profile field "duration.twoQubitSeconds" must be >= 0; got -1$/],
      [(p) => (p.shotRateHz.value = 0), /^device profile field "shotRateHz" must be > 0; got 0$/],
      [(p) => (p.qubits.value = 2.5), /^device profile field "qubits" must be an integer; got 2.5$/],
      [(p) => (p.fidelity.spam.value = 'high'), /^device profile field "fidelity.spam" must be a number; got "high"$/],
      [(p) => (p.nativeGates.twoQubit = 'cx'), /^device profile field "nativeGates.twoQubit" must be one of "ms", "zz"; got "cx"$/],
      [(p) => (p.qubits.date = 'May 2025'), /^device profile field "qubits.date" must be a date YYYY-MM-DD; got "May 2025"$/],
      [(p) => (p.connectivity.kind = 'ring'), /^device profile field "connectivity.kind" must be one of "all-to-all", "linear", "edges"; got "ring"$/],
      [
        (p) => (p.connectivity = { kind: 'edges', edges: [[0, 99]], source: 's', date: '2026-01-01' }),
        /^device profile field "connectivity.edges" must join two different qubits below 25; got edge \[0, 99\]$/,
      ],
      [
        (p) => {
          p.fidelity.oneQubit.value = 2;
          p.fidelity.spam.value = -1;
        },
        /^device profile field "fidelity.oneQubit" must be <= 1; got 2 \(and 1 more: fidelity.spam\)$/,
      ],
    ];
    for (const [edit, message] of cases) {
      const p = structuredClone(BUILTIN_DEVICE_PROFILES[0]) as Record<string, any>;
      edit(p);
      expect(() => validateDeviceProfile(p)).toThrow(message);
    }
    expect(() => parseDeviceProfileJson('{not json')).toThrow(/not valid JSON/);
  });
});
