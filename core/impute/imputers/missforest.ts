// `missforest` (Stekhoven and Buhlmann 2012): a random forest per column, 100 trees, mtry = floor(sqrt(p)), nodesize
// 1 (numeric) / 5 (categorical), iterated until the imputations stop improving (missForest's rule: stop when the
// normalised change grows for both parts, returning the imputation before), at most 10 cycles.
// A saved missforest keeps only the last cycle's forests by default: every cycle's forests would make the file tens of
// megabytes even for pbc. Apply then replays those forests as many times as the fit ran cycles, which approximates
// (does not reproduce) the fit's own completion; keepCycles 'all' reproduces it exactly at that size cost.
import { z } from 'zod';
import { IMPUTER_DEFAULTS, MAX_FOREST_TREES, MAX_IMPUTE_CYCLES } from '../../limits.ts';
import { restoreClassicalModel } from '../../models/index.ts';
import { randomForestSpec } from '../../models/random-forest.ts';
import type { ImputerEntry } from '../registry.ts';

const d = IMPUTER_DEFAULTS.missforest;
const options = z.strictObject({
  maxCycles: z.number().int().min(1).max(MAX_IMPUTE_CYCLES).default(d.maxCycles),
  trees: z.number().int().min(1).max(MAX_FOREST_TREES).default(d.trees),
  mtry: z.number().int().min(0).default(d.mtry),
  nodesizeNumeric: z.number().int().min(1).default(d.nodesizeNumeric),
  nodesizeCategorical: z.number().int().min(1).default(d.nodesizeCategorical),
  keepCycles: z.enum(['last', 'all']).default(d.keepCycles),
});

export const missForestImputer: ImputerEntry<z.output<typeof options>> = {
  name: 'missforest',
  summary: 'missForest: a random forest per column (100 trees, mtry = floor(sqrt(p))), until the imputations stop improving',
  options,
  create(o) {
    const spec = randomForestSpec(o);
    return {
      name: 'missforest',
      options: o,
      recipe: {
        method: 'missforest',
        ...o,
        order: 'increasing missingness',
        stopping: 'missForest (change grows for numeric and categorical parts)',
        model: spec.recipe,
      },
      maxCycles: o.maxCycles,
      stopping: { kind: 'missforest' },
      keep: o.keepCycles,
      modelFor: () => spec,
      restore: (saved, column) => restoreClassicalModel(saved, column.target),
    };
  },
};
