// Defaults the trainer and the estimator share, so an estimate counts the same schedule a run follows.

/** Samples per mini-batch (one optimisation step) when a training does not say. */
export const DEFAULT_BATCH_SIZE = 32;
