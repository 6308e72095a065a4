// core/models: the per-column models of the chained-equations imputers, and the one loader of their saved form.
import { BayesianRidgeModel } from './bayesian-ridge.ts';
import { type FittedColumnModel, type ModelTarget, type SavedColumnModel, damagedModel } from './column-model.ts';
import { LogisticModel } from './logistic.ts';
import { MlpModel } from './mlp.ts';
import { PmmModel } from './pmm.ts';
import { RandomForestModel } from './random-forest.ts';

export * from './column-model.ts';

/** The kinds restoreClassicalModel loads. */
export const CLASSICAL_MODEL_KINDS = ['bayesian-ridge', 'pmm', 'logistic', 'random-forest', 'mlp'] as const;

/** Loads a saved classical model (any imputer but qnn-mice, whose models its own entry loads). */
export function restoreClassicalModel(saved: SavedColumnModel, target: ModelTarget): FittedColumnModel {
  switch (saved.kind) {
    case 'bayesian-ridge':
      return BayesianRidgeModel.fromJSON(saved.state);
    case 'pmm':
      return PmmModel.fromJSON(saved.state);
    case 'logistic':
      return LogisticModel.fromJSON(saved.state, target);
    case 'random-forest':
      return RandomForestModel.fromJSON(saved.state, target);
    case 'mlp':
      return MlpModel.fromJSON(saved.state, target);
    default:
      throw damagedModel(String(saved.kind), 'kind', `is not a model kind QNN Lab knows (known: ${CLASSICAL_MODEL_KINDS.join(', ')})`);
  }
}
