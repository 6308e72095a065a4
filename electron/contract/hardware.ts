// Hardware DTOs: what a planned layer-wise training would cost on a backend (core/hardware/estimate.ts).
// JSON-safe. The request is checked here (shapes and ranges); the estimator checks what depends on several fields
// (layers <= log2 qubits, the backend name) and its messages reach the caller as VALIDATION errors.
import { z } from 'zod';
import { showValue as show } from '../../core/errors.ts';
import type { TrainingEstimate } from '../../core/hardware/estimate.ts';
import { HARDWARE_GRADIENT_METHODS } from '../../core/gradients/registry.ts';
import { MAX_LAYERS, MAX_PLAN_COUNT, MAX_QUBITS, MAX_SHOTS } from '../../core/limits.ts';

export type { LayerEstimate, TrainingEstimate } from '../../core/hardware/estimate.ts';
export type { HardwareGradientMethod } from '../../core/gradients/registry.ts';
export { SIMULATOR_BACKENDS } from '../../core/hardware/registry.ts';

/** The gradient methods an estimate (a device run) may use: the registry's methods with a circuits recipe. */
export const ESTIMATE_METHODS = HARDWARE_GRADIENT_METHODS;

const number = () => z.number({ error: (issue) => `must be a number; got ${show(issue.input)}` });

/** A whole number in [min, max]; messages name the rule and the value given. */
function wholeNumber(min: number, max: number) {
  return number().superRefine((v, ctx) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number between ${min} and ${max.toLocaleString('en-US')}; got ${show(v)}` });
    }
  });
}

const qubits = number().superRefine((v, ctx) => {
  if (!Number.isInteger(v) || v < 2 || v > MAX_QUBITS || (v & (v - 1)) !== 0) {
    ctx.addIssue({ code: 'custom', message: `must be a power of two between 2 and ${MAX_QUBITS} (2, 4, 8, 16, ...); got ${show(v)}` });
  }
});

const budget = number().superRefine((v, ctx) => {
  if (v < 0) ctx.addIssue({ code: 'custom', message: `must be a non-negative number of USD; got ${show(v)}` });
});

export const estimateTrainingRequest = z.object({
  qubits,
  /** 1 <= layers <= log2(qubits): checked by the estimator. */
  layers: wholeNumber(1, MAX_LAYERS),
  samples: wholeNumber(1, MAX_PLAN_COUNT),
  /** Epochs per layer. */
  epochs: wholeNumber(1, MAX_PLAN_COUNT),
  /** Shots per circuit. */
  shots: wholeNumber(1, MAX_SHOTS),
  method: z.enum(HARDWARE_GRADIENT_METHODS, { error: `must be one of ${ESTIMATE_METHODS.join(', ')}` }),
  /** A device profile id (a user copy shadows the built-in of the same id), or ideal / ideal-shots / noisy. */
  backend: z.string({ error: 'must be a backend name' }).trim().min(1, 'must be a backend name').max(200),
  /** Mini-batch size (default the trainer's, 32): it sets the number of jobs, hence queue and overhead. */
  batchSize: wholeNumber(1, MAX_PLAN_COUNT).optional(),
  /** A cost cap in USD; the answer says whether the estimate is within it. */
  budgetUSD: budget.optional(),
});
export type EstimateTrainingRequest = z.input<typeof estimateTrainingRequest>;

export interface HardwareEstimate extends TrainingEstimate {
  /** The plan's qubits (the per-parameter rule has n/2 parameters per layer). */
  qubits: number;
  /** The budget asked about, or null. */
  budgetUSD: number | null;
  /** costUSD <= budgetUSD; null when no budget was given. */
  withinBudget: boolean | null;
}
