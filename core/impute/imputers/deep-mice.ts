// `deep-mice`: a small MLP per column inside the chained equations (after Samad et al., Knowledge-Based Systems 2022,
// "DNN-based MICE"): ReLU layers, Adam, early stopping on a held-out tenth of the observed rows, a fixed number of
// cycles. The literature's name is not standardised, so the recipe records hidden sizes, epochs and cycles.
import { z } from 'zod';
import { IMPUTER_DEFAULTS, MAX_EPOCHS, MAX_IMPUTE_CYCLES, MAX_MLP_LAYERS, MAX_MLP_UNITS } from '../../limits.ts';
import { restoreClassicalModel } from '../../models/index.ts';
import { mlpSpec } from '../../models/mlp.ts';
import type { ImputerEntry } from '../registry.ts';

const d = IMPUTER_DEFAULTS.deepMice;
const options = z.strictObject({
  cycles: z.number().int().min(1).max(MAX_IMPUTE_CYCLES).default(d.cycles),
  hidden: z
    .array(z.number().int().min(1).max(MAX_MLP_UNITS))
    .min(1)
    .max(MAX_MLP_LAYERS)
    .default([...d.hidden]),
  maxEpochs: z.number().int().min(1).max(MAX_EPOCHS).default(d.maxEpochs),
  batchSize: z.number().int().min(1).default(d.batchSize),
  learningRate: z.number().positive().max(1).default(d.learningRate),
  patience: z.number().int().min(1).default(d.patience),
  validationFraction: z.number().min(0).max(0.5).default(d.validationFraction),
  weightDecay: z.number().min(0).default(d.weightDecay),
});

export const deepMiceImputer: ImputerEntry<z.output<typeof options>> = {
  name: 'deep-mice',
  summary: 'Chained equations with a small MLP per column (Adam, early stopping on a held-out tenth)',
  options,
  create(o) {
    const spec = mlpSpec(o);
    return {
      name: 'deep-mice',
      options: o,
      recipe: { method: 'deep-mice', ...o, order: 'increasing missingness', stopping: 'fixed cycles', model: spec.recipe },
      maxCycles: o.cycles,
      stopping: { kind: 'fixed' },
      keep: 'all',
      modelFor: () => spec,
      restore: (saved, column) => restoreClassicalModel(saved, column.target),
    };
  },
};
