import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, describePlanProblem, planRequest, problemField } from './plan.ts';

describe('plan form', () => {
  it('builds the request, leaving optional fields out when empty', () => {
    expect(planRequest(DEFAULT_PLAN, 'ionq-aria')).toEqual({
      ok: true,
      request: { qubits: 16, layers: 4, samples: 100, epochs: 5, shots: 1000, method: 'parallel-shift', backend: 'ionq-aria' },
    });
    const r = planRequest({ ...DEFAULT_PLAN, batchSize: 10, budgetUSD: '50' }, 'ionq-forte');
    expect(r.ok && r.request).toMatchObject({ batchSize: 10, budgetUSD: 50 });
  });

  it('names an empty required field', () => {
    const r = planRequest({ ...DEFAULT_PLAN, shots: '' }, 'ionq-aria');
    expect(r).toMatchObject({ ok: false, problem: { field: 'shots', message: 'Shots per circuit is empty.' } });
  });

  it('finds the field of a host error', () => {
    expect(problemField({ code: 'VALIDATION', message: 'Invalid request for hardware.estimate: qubits: must be ...', details: [{ path: ['qubits'] }] })).toBe('qubits');
    expect(problemField({ code: 'VALIDATION', message: 'Layers must be an integer between 1 and log2(16) = 4; got 5' })).toBe('layers');
    expect(problemField({ code: 'VALIDATION', message: 'The circuit needs 32 qubits; IonQ Aria has 25' })).toBe('qubits');
    expect(problemField({ code: 'VALIDATION', message: 'Unknown backend "x"; known: ideal' })).toBe('backend');
    expect(problemField({ code: 'INTERNAL', message: 'boom' })).toBeNull();
  });

  it('says what is wrong and what to do', () => {
    const p = describePlanProblem(
      { code: 'VALIDATION', message: 'Invalid request for hardware.estimate: qubits: must be a power of two between 2 and 1024 (2, 4, 8, 16, ...); got 12', details: [{ path: ['qubits'] }] },
      { qubits: 12, deviceQubits: 25, deviceName: 'IonQ Aria' },
    );
    expect(p.field).toBe('qubits');
    expect(p.message).toBe('Qubits: must be a power of two between 2 and 1024 (2, 4, 8, 16, ...); got 12');
    expect(p.hint).toMatch(/power of two.*IonQ Aria has 25 qubits/);
    expect(describePlanProblem({ code: 'VALIDATION', message: 'Layers must be an integer between 1 and log2(16) = 4; got 5' }, { qubits: 16 }).hint).toBe(
      'With 16 qubits, use 1 to 4 layers (at most log2 of the qubits).',
    );
  });
});
