import { describe, expect, it } from 'vitest';
import { checkBudget, estimateTraining, type TrainingPlan } from './estimate.ts';
import { BUILTIN_PROFILES, parseProfileJson, profileAssumptions, profileNoise, validateProfile } from './profile.ts';

const plan: TrainingPlan = { qubits: 16, layers: 4, samples: 10, epochs: 2, shots: 100, method: 'parallel-shift', backend: 'ionq-aria' };

describe('training estimate', () => {
  it('has a gradient-circuit ratio of exactly n/2 between the per-parameter rule and the parallel shift', () => {
    for (const n of [4, 8, 16, 32]) {
      const a = estimateTraining({ ...plan, qubits: n, layers: 2, backend: 'ideal' });
      const b = estimateTraining({ ...plan, qubits: n, layers: 2, backend: 'ideal', method: 'parameter-shift' });
      expect(b.gradientCircuits / a.gradientCircuits).toBe(n / 2);
      expect(b.forwardCircuits).toBe(a.forwardCircuits);
    }
  });
  it('counts circuits, shots, time and cost of a device run', () => {
    const e = estimateTraining(plan);
    expect(e.gradientCircuits).toBe(4 * 10 * 2 * 4);
    expect(e.forwardCircuits).toBe(10 * 2 * 4);
    expect(e.circuits).toBe(e.gradientCircuits + e.forwardCircuits);
    expect(e.shots).toBe(e.circuits * 100);
    expect(e.deviceSeconds).toBeGreaterThan(0);
    expect(e.queueSeconds).toBe(8 * 3600);
    // Aria: every circuit costs max(1 USD, shots x gate-shot prices).
    expect(e.costUSD).toBeGreaterThanOrEqual(e.circuits * 1);
    const l1 = e.perLayer[0];
    const perCircuit = Math.max(1, 100 * (0.00022 * l1.gateCounts.oneQubit + 0.00098 * l1.gateCounts.twoQubit));
    expect(l1.costUSD).toBeCloseTo((l1.gradientCircuits + l1.forwardCircuits) * perCircuit, 8);
    expect(estimateTraining({ ...plan, backend: 'noisy' }).costUSD).toBe(0);
  });
  it('refuses a run over budget, unknown backends and circuits too large', () => {
    const e = estimateTraining(plan);
    expect(() => checkBudget(e, 10)).toThrow(/exceeds the budget of 10.00 USD/);
    expect(() => checkBudget(e, e.costUSD + 1)).not.toThrow();
    expect(() => estimateTraining({ ...plan, backend: 'nope' })).toThrow(/unknown backend "nope"; known: ideal, ideal-shots, noisy, ionq-aria/);
    expect(() => estimateTraining({ ...plan, qubits: 32, layers: 2 })).toThrow(/needs 32 qubits; IonQ Aria has 25/);
  });
});

describe('device profiles', () => {
  it('bundles three validated profiles with sources and dates', () => {
    expect(BUILTIN_PROFILES.map((p) => p.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']);
    const aria = BUILTIN_PROFILES[0];
    expect(aria.fidelity.twoQubit).toMatchObject({ value: 0.996, date: '2026-11-24' });
    expect(profileAssumptions(aria)).toContain('shotRateHz');
    expect(profileAssumptions(aria)).not.toContain('fidelity.twoQubit');
    const noise = profileNoise(aria);
    expect(noise.p2).toBeCloseTo(1 - 0.996 ** 2, 12);
    expect(noise.readout).toBeCloseTo(1 - 0.9961, 12);
  });
  it('names the wrong field of a profile that does not validate', () => {
    const bad = structuredClone(BUILTIN_PROFILES[0]) as Record<string, any>;
    bad.fidelity.twoQubit.value = 1.3;
    expect(() => validateProfile(bad)).toThrow(/device profile field "fidelity.twoQubit.value"/);
    const bad2 = structuredClone(BUILTIN_PROFILES[0]) as Record<string, any>;
    delete bad2.pricing.minimumPerCircuitUSD;
    expect(() => validateProfile(bad2)).toThrow(/"pricing.minimumPerCircuitUSD"/);
    expect(() => parseProfileJson('{not json')).toThrow(/not valid JSON/);
  });
});
