// `mean`: every missing cell gets its column's mean (the mode for categorical and binary columns). The floor every
// other method must beat; the chained engine with no cycles.
import { z } from 'zod';
import type { ImputerEntry } from '../registry.ts';
import { damagedModel } from '../../models/column-model.ts';

export const meanImputer: ImputerEntry<Record<string, never>> = {
  name: 'mean',
  summary: 'Column mean (mode for categorical columns): the floor every method must beat',
  options: z.strictObject({}),
  create(options) {
    return {
      name: 'mean',
      options,
      recipe: { method: 'mean', numeric: 'mean of observed cells', categorical: 'mode of observed cells (lowest code on ties)' },
      maxCycles: 0,
      stopping: { kind: 'fixed' },
      keep: 'all',
      modelFor() {
        throw new Error('mean imputation fits no models');
      },
      restore(saved) {
        throw damagedModel('mean', 'steps', `must be empty; it holds a ${saved.kind} model`);
      },
    };
  },
};
