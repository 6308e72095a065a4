import { describe, expect, it } from 'vitest';
import { MAX_QUBITS, TRAIN_DEFAULTS } from '../../../core/limits.ts';
import type { ApiError } from '../../../electron/contract/errors.ts';
import { DEFAULT_PLAN, describePlanProblem, overBudgetAdvice, planRequest, problemField } from './plan.ts';

const aria = { name: 'IonQ Aria', qubits: 25 };

describe('plan form', () => {
  it("starts from the trainer's defaults and builds the request, leaving optional fields out when empty", () => {
    expect(DEFAULT_PLAN).toMatchObject({ epochs: TRAIN_DEFAULTS.epochsPerLayer, method: TRAIN_DEFAULTS.method, batchSize: '' });
    expect(planRequest({ ...DEFAULT_PLAN, epochs: 5 }, 'ionq-aria')).toEqual({
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
});

describe('problemField', () => {
  it("is the error's field when the form has it", () => {
    expect(problemField({ code: 'VALIDATION', message: 'anything', field: 'qubits' })).toBe('qubits');
    expect(problemField({ code: 'VALIDATION', message: 'anything', field: 'budgetUSD' })).toBe('budgetUSD');
    expect(problemField({ code: 'VALIDATION', message: 'anything', field: 'batchSize' })).toBe('batchSize');
    // The field decides, not what the message happens to mention.
    expect(problemField({ code: 'VALIDATION', message: 'qubits must be a power of two', field: 'layers' })).toBe('layers');
  });

  it('is null without a field, or for a field the form does not have, whatever the message says', () => {
    const unmarked: ApiError[] = [
      { code: 'VALIDATION', message: 'Layers must be an integer between 1 and log2(16) = 4; got 5' },
      { code: 'VALIDATION', message: 'the circuit needs 32 qubits; IonQ Aria has 25' },
      { code: 'VALIDATION', message: 'unknown backend "x"; known: ideal' },
      { code: 'VALIDATION', message: 'budget must be a non-negative number of USD; got -3' },
      { code: 'VALIDATION', message: 'Invalid request for hardware.estimate: qubits: must be ...', details: { issues: [{ path: ['qubits'] }] } },
      { code: 'VALIDATION', message: 'fidelity is out of range', field: 'fidelity.twoQubit' },
      { code: 'INTERNAL', message: 'boom' },
    ];
    for (const error of unmarked) expect(problemField(error), error.message).toBeNull();
  });
});

describe('describePlanProblem', () => {
  it("shows a schema failure as the field's label and the rule, and lists the qubit counts that fit the device", () => {
    const p = describePlanProblem(
      {
        code: 'VALIDATION',
        message: 'Invalid request for hardware.estimate: qubits: must be a power of two between 2 and 1024 (2, 4, 8, 16, ...); got 12',
        field: 'qubits',
        value: 12,
        details: { issues: [{ path: ['qubits'], message: 'must be a power of two between 2 and 1024 (2, 4, 8, 16, ...); got 12' }] },
      },
      { qubits: 12, device: aria },
    );
    expect(p.field).toBe('qubits');
    expect(p.message).toBe('Qubits: must be a power of two between 2 and 1024 (2, 4, 8, 16, ...); got 12');
    expect(p.hint).toBe('The butterfly circuit needs a power of two qubits; IonQ Aria has 25 qubits, so use 2, 4, 8 or 16.');
  });

  it("says the device's limit when a power of two is more than the device has", () => {
    const p = describePlanProblem(
      { code: 'VALIDATION', message: 'the circuit needs 64 qubits; IonQ Aria has 25', field: 'qubits', value: 64, allowed: 'at most 25 (IonQ Aria)' },
      { qubits: 64, device: aria },
    );
    expect(p.field).toBe('qubits');
    expect(p.message).toBe('The circuit needs 64 qubits; IonQ Aria has 25');
    expect(p.hint).toBe('IonQ Aria has 25 qubits: plan at most 16 (the largest power of two that fits), or choose a device with more qubits.');
    expect(p.hint).not.toMatch(/32/);
  });

  it('without a device, gives the simulator limit', () => {
    const p = describePlanProblem({ code: 'VALIDATION', message: 'qubits must be a power of two', field: 'qubits', value: 3 }, { qubits: 3 });
    expect(p.hint).toBe(`The butterfly circuit needs a power of two qubits between 2 and ${MAX_QUBITS}: 2, 4, 8, 16, ...`);
  });

  it('gives the layer range for the qubits, and the default batch size', () => {
    const layers = describePlanProblem(
      { code: 'VALIDATION', message: 'layers must be an integer between 1 and log2(16) = 4; got 5', field: 'layers' },
      { qubits: 16 },
    );
    expect(layers.message).toBe('Layers must be an integer between 1 and log2(16) = 4; got 5');
    expect(layers.hint).toBe('With 16 qubits, use 1 to 4 layers (at most log2 of the qubits).');
    const batch = describePlanProblem({ code: 'VALIDATION', message: 'batchSize must be an integer', field: 'batchSize' }, { qubits: 16 });
    expect(batch.hint).toBe(`Enter a whole number of samples per step, or leave it empty for the default (${TRAIN_DEFAULTS.batchSize}).`);
  });

  it("mentions the device's debiasing threshold in the shots hint when the profile has one", () => {
    const shots: ApiError = { code: 'VALIDATION', message: 'shots must be a whole number', field: 'shots' };
    expect(describePlanProblem(shots, { qubits: 16, device: { ...aria, debiasingMinShots: 500 } }).hint).toBe(
      'Enter the shots per circuit (a whole number, at least 1). IonQ Aria debiases jobs of 500 shots or more.',
    );
    expect(describePlanProblem(shots, { qubits: 16, device: aria }).hint).toBe('Enter the shots per circuit (a whole number, at least 1).');
  });

  it('leaves an error without a field unmarked, shown as a sentence', () => {
    const p = describePlanProblem({ code: 'INTERNAL', message: 'internal error in hardware.estimate' }, { qubits: 16 });
    expect(p).toEqual({ field: null, message: 'Internal error in hardware.estimate', hint: 'Check the plan and the device profile.' });
  });
});

describe('overBudgetAdvice', () => {
  it('advises the parallel shift only when the per-parameter rule is chosen', () => {
    expect(overBudgetAdvice('parameter-shift')).toBe('Lower the shots, samples or epochs, use the parallel shift, or raise the budget.');
    expect(overBudgetAdvice('parallel-shift')).toBe('Lower the shots, samples or epochs, or raise the budget.');
  });
});
