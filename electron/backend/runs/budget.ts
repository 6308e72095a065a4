// A run's device cost before it is queued, and the budget guard: every run that would submit circuits to a device is
// estimated with the very plan its worker will run (the kind's `estimate`), and refused when the estimate exceeds the
// budget set in Settings, whoever starts it (the app, the API, `qnnlab run start`) unless the request says overBudget.
import { LabError } from '../../../core/errors.ts';
import { estimateTraining } from '../../../core/hardware/estimate.ts';
import { BUDGET_FIELD, type RunCost } from '../../contract/run-check.ts';
import type { RunKind } from '../../workers/kinds/types.ts';

/** The run's estimate (and the per-parameter rule's, for comparison) against the budget. */
export function runCost(kind: RunKind, input: unknown, budgetUSD: number | null): RunCost {
  const plan = kind.estimate?.(input) ?? null;
  if (!plan) return { estimate: null, perParameter: null, budgetUSD, withinBudget: null };
  const estimate = estimateTraining(plan);
  const perParameter = plan.method === 'parameter-shift' ? estimate : estimateTraining({ ...plan, method: 'parameter-shift' });
  return { estimate, perParameter, budgetUSD, withinBudget: budgetUSD === null ? null : estimate.costUSD <= budgetUSD };
}

/** Refuses a run whose estimate exceeds the budget (VALIDATION, field budgetUSD) with the figures and what to do. */
export function refuseOverBudget(cost: RunCost): void {
  if (cost.withinBudget !== false) return;
  const { estimate, budgetUSD } = cost as { estimate: NonNullable<RunCost['estimate']>; budgetUSD: number };
  const usd = (v: number) => `${v.toFixed(2)} USD`;
  throw new LabError(
    'VALIDATION',
    `The estimated cost of this run on ${estimate.backend}, ${usd(estimate.costUSD)} (${estimate.circuits.toLocaleString('en-US')} circuits, ` +
      `${estimate.shots.toLocaleString('en-US')} shots), exceeds the budget of ${usd(budgetUSD)} set in Settings; nothing was queued. ` +
      'Lower the shots, epochs or samples, use the parallel shift, raise the budget in Settings, or start it over budget on purpose ' +
      '(runs.start with overBudget: true; qnnlab run start --over-budget).',
    {
      field: BUDGET_FIELD,
      value: estimate.costUSD,
      allowed: `at most ${usd(budgetUSD)} (the budget in Settings)`,
      details: { costUSD: estimate.costUSD, budgetUSD, backend: estimate.backend },
    },
  );
}

/**
 * Refuses a run whose jobs go to a cloud QPU (charged to the user's account) unless the request confirms it
 * (VALIDATION, field confirmCharges): the app asks before it starts one, `qnnlab` takes --yes.
 */
export function refuseUnconfirmedCharges(kind: RunKind, input: unknown): void {
  const plan = kind.estimate?.(input) ?? null;
  const target = plan?.backend ?? kind.cloudBackend?.(input) ?? null;
  if (!target?.provider || !target.profile) return;
  // An imputation has no plan before it runs: its jobs are priced as they go, held to the budget per run in Settings.
  const costUSD = plan ? estimateTraining(plan).costUSD : null;
  const cost =
    costUSD === null
      ? "each job priced by IonQ's estimate before it is sent, the run held to the budget per run in Settings when one is set"
      : `estimated ${costUSD.toFixed(2)} USD`;
  throw new LabError(
    'VALIDATION',
    `This run submits its circuits to ${target.name}, IonQ's quantum computer, and is charged to your IonQ account ` +
      `(${cost}); nothing was queued. Confirm the charge to start it (runs.start with confirmCharges: true; qnnlab run start --yes), or use ionq:simulator.`,
    { field: 'confirmCharges', details: { costUSD, backend: target.name } },
  );
}
