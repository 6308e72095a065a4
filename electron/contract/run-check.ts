// runs.check: a run's configuration checked as runs.start checks it (the kind's schema, then its prepare on the host:
// the dataset and its columns, the register, the backend and its shots) without queueing anything, with what the run
// would cost on a device and the budget it is held to. The New run page calls it as the user types.
import type { z } from 'zod';
import type { TrainingEstimate } from '../../core/hardware/estimate.ts';
import { startRunRequest } from './run-control.ts';

export const checkRunRequest = startRunRequest.pick({ kind: true, config: true }).strict();
export type CheckRunRequest = z.input<typeof checkRunRequest>;

/** The field a refusal over the budget names (the Settings page's budget; runs.start's `overBudget` lets a run past it). */
export const BUDGET_FIELD = 'budgetUSD';

/** A run's device cost before it is queued, and the lab's budget. */
export interface RunCost {
  /** What the run would submit to a device (null: it runs on a simulator and costs nothing). */
  estimate: TrainingEstimate | null;
  /** The same training with the per-parameter shift rule (null without an estimate). */
  perParameter: TrainingEstimate | null;
  /** The budget set in Settings (null: none). */
  budgetUSD: number | null;
  /** estimate.costUSD <= budgetUSD; null without an estimate or a budget. */
  withinBudget: boolean | null;
}

export interface RunCheck extends RunCost {
  kind: string;
  /** The name the run gets unless one is given. */
  name: string;
  datasetId: number | null;
  datasetName: string | null;
  seeds: number[];
}
