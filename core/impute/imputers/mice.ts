// `mice`: Bayesian ridge per numeric column (the posterior mean, as R mice's norm.predict and scikit-learn's
// IterativeImputer with its default BayesianRidge), optionally predictive mean matching (`pmm`, R mice's default);
// L2 logistic / multinomial regression (most probable class) per categorical or binary column. Stops as
// IterativeImputer does (tolerance on the change), at most maxCycles.
import { z } from 'zod';
import { IMPUTER_DEFAULTS, MAX_IMPUTE_CYCLES } from '../../limits.ts';
import { bayesianRidgeSpec } from '../../models/bayesian-ridge.ts';
import { restoreClassicalModel } from '../../models/index.ts';
import { logisticSpec } from '../../models/logistic.ts';
import { pmmSpec } from '../../models/pmm.ts';
import type { ImputerEntry } from '../registry.ts';

const d = IMPUTER_DEFAULTS.mice;
const options = z.strictObject({
  maxCycles: z.number().int().min(1).max(MAX_IMPUTE_CYCLES).default(d.maxCycles),
  tol: z.number().min(0).default(d.tol),
  pmm: z.boolean().default(d.pmm),
  donors: z.number().int().min(1).max(100).default(d.donors),
  C: z.number().positive().default(d.C),
});

export const miceImputer: ImputerEntry<z.output<typeof options>> = {
  name: 'mice',
  summary: 'Chained equations: Bayesian ridge per numeric column (or pmm), logistic regression per categorical column',
  options,
  create(o) {
    const numeric = o.pmm ? pmmSpec(o.donors) : bayesianRidgeSpec();
    const categorical = logisticSpec({ C: o.C });
    return {
      name: 'mice',
      options: o,
      recipe: {
        method: 'mice',
        ...o,
        order: 'increasing missingness',
        stopping: 'sklearn tolerance',
        numeric: numeric.recipe,
        categorical: categorical.recipe,
      },
      maxCycles: o.maxCycles,
      stopping: { kind: 'tolerance', tol: o.tol },
      keep: 'all',
      modelFor: (column) => (column.target.kind === 'numeric' ? numeric : categorical),
      restore: (saved, column) => restoreClassicalModel(saved, column.target),
    };
  },
};
