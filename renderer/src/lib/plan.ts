// The "Plan a training" form: its values as the hardware.estimate request, and a host error turned into what is
// wrong (which field), and what to do. Pure (unit-tested).
import type { ApiError } from '../../../electron/contract/errors.ts';
import type { EstimateTrainingRequest } from '../../../electron/contract/hardware.ts';

export type PlanField = 'qubits' | 'layers' | 'samples' | 'epochs' | 'shots' | 'method' | 'batchSize' | 'budgetUSD' | 'backend';

/** Input values as v-model gives them: numbers, or '' for an empty field. */
export interface PlanForm {
  qubits: number | string;
  layers: number | string;
  samples: number | string;
  epochs: number | string;
  shots: number | string;
  method: 'parallel-shift' | 'parameter-shift';
  batchSize: number | string;
  budgetUSD: number | string;
}

export const DEFAULT_PLAN: PlanForm = { qubits: 16, layers: 4, samples: 100, epochs: 5, shots: 1000, method: 'parallel-shift', batchSize: '', budgetUSD: '' };

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
      return { ok: false, problem: { field, message: `${FIELD_LABELS[field]} is empty.`, hint: `Enter a whole number of ${FIELD_LABELS[field].toLowerCase()}.` } };
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

/** Which field a host error is about: the zod issue's path, else the field the estimator's message starts with. */
export function problemField(error: ApiError): PlanField | null {
  if (Array.isArray(error.details)) {
    const path = (error.details[0] as { path?: unknown[] } | undefined)?.path;
    const first = Array.isArray(path) ? String(path[0]) : '';
    if ((FIELDS as string[]).includes(first)) return first as PlanField;
  }
  const m = error.message;
  if (/circuit needs \d+ qubits/i.test(m)) return 'qubits';
  if (/^unknown backend/i.test(m)) return 'backend';
  const lead = /^(qubits|layers|samples|epochs|shots|method|batchSize|budget)\b/i.exec(m);
  if (lead) {
    const word = lead[1].toLowerCase();
    return word === 'budget' ? 'budgetUSD' : word === 'batchsize' ? 'batchSize' : (word as PlanField);
  }
  return null;
}

/** What the form shows for a host error: the field, the message (without the transport's prefix), what to do. */
export function describePlanProblem(error: ApiError, context: { qubits: number | string; deviceQubits?: number; deviceName?: string }): PlanProblem {
  const field = problemField(error);
  let message = error.message.replace(/^Invalid request for [\w.]+: /, '');
  if (field && field !== 'backend') message = message.replace(new RegExp(`^${field}: `), `${FIELD_LABELS[field]}: `);
  const n = toNumber(context.qubits);
  const log2 = Number.isInteger(Math.log2(n)) && n >= 2 ? Math.log2(n) : null;
  const device = context.deviceName && context.deviceQubits ? ` ${context.deviceName} has ${context.deviceQubits} qubits.` : '';
  const hints: Record<PlanField, string> = {
    qubits: `The butterfly circuit needs a power of two: 4, 8, 16, 32...${device}`,
    layers: log2 ? `With ${n} qubits, use 1 to ${log2} layers (at most log2 of the qubits).` : 'Use at least 1 layer and at most log2 of the qubits.',
    samples: 'Enter how many training samples each epoch sees (a whole number, at least 1).',
    epochs: 'Enter the epochs each layer is trained for (a whole number, at least 1).',
    shots: 'Enter the shots per circuit (a whole number, at least 1; IonQ debiases jobs of 500 shots or more).',
    method: 'Choose the parallel shift or the per-parameter rule.',
    batchSize: 'Enter a whole number of samples per step, or leave it empty for the default (32).',
    budgetUSD: 'Enter a cap in USD (0 or more), or leave it empty for no budget.',
    backend: 'Choose a device from the list above.',
  };
  return { field, message, hint: field ? hints[field] : 'Check the plan and the device profile.' };
}
