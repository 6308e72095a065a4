// The "Plan a training" form: its values as the hardware.estimate request, and a host error turned into what is
// wrong (which field), and what to do. Pure (unit-tested).
import { MAX_QUBITS, TRAIN_DEFAULTS } from '../../../core/limits.ts';
import type { ApiError } from '../../../electron/contract/errors.ts';
import type { EstimateTrainingRequest } from '../../../electron/contract/hardware.ts';
import { errorField, sentence } from './errors.ts';

export type PlanField = 'qubits' | 'layers' | 'samples' | 'epochs' | 'shots' | 'method' | 'batchSize' | 'budgetUSD' | 'backend';

/** Input values as v-model gives them: numbers, or '' for an empty field. */
export interface PlanForm {
  qubits: number | string;
  layers: number | string;
  samples: number | string;
  epochs: number | string;
  shots: number | string;
  method: EstimateTrainingRequest['method'];
  batchSize: number | string;
  budgetUSD: number | string;
}

/**
 * The plan the form starts with: an example register and data size; the epochs and the method are the trainer's
 * defaults and an empty batch size means its default, so the estimate counts what a run would submit.
 */
export const DEFAULT_PLAN: PlanForm = {
  qubits: 16,
  layers: 4,
  samples: 100,
  epochs: TRAIN_DEFAULTS.epochsPerLayer,
  shots: 1000,
  method: TRAIN_DEFAULTS.method,
  batchSize: '',
  budgetUSD: '',
};

export const FIELD_LABELS: Record<PlanField, string> = {
  qubits: 'Qubits',
  layers: 'Layers',
  samples: 'Samples',
  epochs: 'Epochs per layer',
  shots: 'Shots per circuit',
  method: 'Gradient method',
  batchSize: 'Batch size',
  budgetUSD: 'Budget',
  backend: 'Device',
};

export interface PlanProblem {
  field: PlanField | null;
  message: string;
  hint: string;
}

function isEmpty(v: number | string): boolean {
  return v === '' || v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function toNumber(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/** The request for the form, or the first required field left empty (checked here: the host never sees it). */
export function planRequest(form: PlanForm, backend: string): { ok: true; request: EstimateTrainingRequest } | { ok: false; problem: PlanProblem } {
  const required: PlanField[] = ['qubits', 'layers', 'samples', 'epochs', 'shots'];
  for (const field of required) {
    if (isEmpty(form[field as keyof PlanForm])) {
      return {
        ok: false,
        problem: { field, message: `${FIELD_LABELS[field]} is empty.`, hint: `Enter a whole number of ${FIELD_LABELS[field].toLowerCase()}.` },
      };
    }
  }
  const request: EstimateTrainingRequest = {
    qubits: toNumber(form.qubits),
    layers: toNumber(form.layers),
    samples: toNumber(form.samples),
    epochs: toNumber(form.epochs),
    shots: toNumber(form.shots),
    method: form.method,
    backend,
  };
  if (!isEmpty(form.batchSize)) request.batchSize = toNumber(form.batchSize);
  if (!isEmpty(form.budgetUSD)) request.budgetUSD = toNumber(form.budgetUSD);
  return { ok: true, request };
}

const FIELDS = Object.keys(FIELD_LABELS) as PlanField[];

/** Which form field a host error is about: its `field` (the request path at fault), when the form has that field. */
export function problemField(error: ApiError): PlanField | null {
  const field = errorField(error);
  return field !== null && (FIELDS as string[]).includes(field) ? (field as PlanField) : null;
}

/** The schema's own words for the field at fault (the dispatcher lists each failing path with its message). */
function issueMessage(error: ApiError, field: string): string | null {
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  const issue = issues.find(
    (i): i is { path: unknown[]; message: string } => Array.isArray(i?.path) && i.path.join('.') === field && typeof i.message === 'string',
  );
  return issue ? issue.message : null;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** The register sizes the butterfly circuit can have up to `max` qubits: 2, 4, 8, ... */
function powersOfTwoUpTo(max: number): number[] {
  const sizes: number[] = [];
  for (let n = 2; n <= max; n *= 2) sizes.push(n);
  return sizes;
}

/** The device a plan is for, as the hints need it. */
export interface PlanDevice {
  name: string;
  qubits: number;
  /** Shots from which the device debiases a job (the profile's debiasing.minShots), when it says. */
  debiasingMinShots?: number;
}

function qubitsHint(value: number, device: PlanDevice | undefined): string {
  if (!device) return `The butterfly circuit needs a power of two qubits between 2 and ${MAX_QUBITS}: 2, 4, 8, 16, ...`;
  const fits = powersOfTwoUpTo(Math.min(device.qubits, MAX_QUBITS));
  if (isPowerOfTwo(value) && value > device.qubits) {
    return `${device.name} has ${device.qubits} qubits: plan at most ${fits.at(-1)} (the largest power of two that fits), or choose a device with more qubits.`;
  }
  const list = fits.length > 1 ? `${fits.slice(0, -1).join(', ')} or ${fits.at(-1)}` : String(fits[0]);
  return `The butterfly circuit needs a power of two qubits; ${device.name} has ${device.qubits} qubits, so use ${list}.`;
}

/** What the form shows for a host error: the field (from `field` only), the message as a sentence, what to do. */
export function describePlanProblem(error: ApiError, context: { qubits: number | string; device?: PlanDevice }): PlanProblem {
  const field = problemField(error);
  if (!field) return { field, message: sentence(error.message), hint: 'Check the plan and the device profile.' };
  const rule = issueMessage(error, error.field!);
  const message = rule ? `${FIELD_LABELS[field]}: ${rule}` : sentence(error.message);
  const n = toNumber(context.qubits);
  const device = context.device;
  const hints: Record<PlanField, () => string> = {
    qubits: () => qubitsHint(typeof error.value === 'number' ? error.value : n, device),
    layers: () =>
      isPowerOfTwo(n)
        ? `With ${n} qubits, use 1 to ${Math.log2(n)} layers (at most log2 of the qubits).`
        : 'Use at least 1 layer and at most log2 of the qubits.',
    samples: () => 'Enter how many training samples each epoch sees (a whole number, at least 1).',
    epochs: () => 'Enter the epochs each layer is trained for (a whole number, at least 1).',
    shots: () =>
      'Enter the shots per circuit (a whole number, at least 1).' +
      (device?.debiasingMinShots ? ` ${device.name} debiases jobs of ${device.debiasingMinShots} shots or more.` : ''),
    method: () => 'Choose the parallel shift or the per-parameter rule.',
    batchSize: () => `Enter a whole number of samples per step, or leave it empty for the default (${TRAIN_DEFAULTS.batchSize}).`,
    budgetUSD: () => 'Enter a cap in USD (0 or more), or leave it empty for no budget.',
    backend: () => 'Choose a device from the list above.',
  };
  return { field, message, hint: hints[field]() };
}

/** What to change when a plan is over budget: the parallel shift only when it is not already chosen. */
export function overBudgetAdvice(method: PlanForm['method']): string {
  return method === 'parallel-shift'
    ? 'Lower the shots, samples or epochs, or raise the budget.'
    : 'Lower the shots, samples or epochs, use the parallel shift, or raise the budget.';
}
