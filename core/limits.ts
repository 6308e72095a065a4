// Every limit and default of the science, defined once. The contract's schemas, the CLI's help and checks, the
// renderer's forms and the benchmarks import these; nothing restates them.

/** Largest register of the unary simulator, the trajectory sampler and every simulator backend (a power of two). */
export const MAX_QUBITS = 1024;
/** Most butterfly layers a model can have: log2 of MAX_QUBITS. */
export const MAX_LAYERS = Math.log2(MAX_QUBITS);
/** Largest register of the 2^n state-vector simulator (2^20 complex amplitudes = 16 MiB). */
export const MAX_STATEVECTOR_QUBITS = 20;
/** Largest register of the exact noisy (density-matrix) simulation: 4^10 real entries. */
export const MAX_DENSITY_QUBITS = 10;
/** Most shots per circuit any backend takes. */
export const MAX_SHOTS = 1_000_000_000;
/** Largest count in a plan (samples, epochs) the estimator and the forms accept. */
export const MAX_PLAN_COUNT = 1_000_000_000;
/** Most epochs per phase the trainer accepts. */
export const MAX_EPOCHS = 100_000;
/** Largest mini-batch the trainer accepts. */
export const MAX_BATCH_SIZE = 1_000_000;

/** The data loaders (METHOD.md section 2): the tree loader is normative; diagonal and semi-diagonal suit linear devices. */
export const LOADER_KINDS = ['tree', 'diagonal', 'semi-diagonal'] as const;
export type LoaderKind = (typeof LOADER_KINDS)[number];

/** Trainable layouts: the butterfly (METHOD.md section 3) and the O(n^2) pyramid for comparison. */
export const ARCHITECTURES = ['butterfly', 'pyramid'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Training defaults (core/train): the estimator follows the same schedule, so an estimate counts what a run submits. */
export const TRAIN_DEFAULTS = {
  /** Samples per mini-batch (one optimisation step). */
  batchSize: 32,
  epochsPerLayer: 10,
  learningRate: 0.05,
  momentum: 0,
  optimiser: 'adam',
  method: 'parallel-shift',
  fineTuneEpochs: 0,
  /** The fine-tune's method: exact on the simulator, the per-parameter rule where circuits run (shots or a backend). */
  fineTuneMethodExact: 'adjoint',
  fineTuneMethodOnHardware: 'parameter-shift',
  seed: 0,
  /** A checkpoint at least every this many optimisation steps... */
  checkpointEverySteps: 50,
  /** ...and at least every this many milliseconds of training. */
  checkpointEveryMs: 5_000,
} as const;

// ---- Imputation (core/impute, core/models, core/metrics; issue 9) ----

/** Most chained-equations cycles any imputer runs. */
export const MAX_IMPUTE_CYCLES = 100;
/** Most trees in a missforest forest. */
export const MAX_FOREST_TREES = 2_000;
/** Largest hidden layer of deep-mice's MLP, and most hidden layers. */
export const MAX_MLP_UNITS = 1_024;
export const MAX_MLP_LAYERS = 8;
/** Defaults of each classical imputer (the registry's option schemas apply them). */
export const IMPUTER_DEFAULTS = {
  seed: 0,
  /** mice: scikit-learn IterativeImputer's max_iter and tol (stop when the imputations change by less than tol x max |observed|). */
  mice: { maxCycles: 10, tol: 1e-3, pmm: false, donors: 5, C: 1 },
  /** missforest: Stekhoven and Buhlmann's defaults (100 trees, mtry = floor(sqrt(p)), at most 10 cycles, nodesize 1 / 5). */
  missforest: { maxCycles: 10, trees: 100, mtry: 0, nodesizeNumeric: 1, nodesizeCategorical: 5, keepCycles: 'last' },
  /** deep-mice: a small MLP per column (Samad et al. 2022), Adam, early stopping on a held-out tenth. */
  deepMice: { cycles: 5, hidden: [32, 16], maxEpochs: 200, batchSize: 32, learningRate: 0.003, patience: 10, validationFraction: 0.1, weightDecay: 0.05 },
  /**
   * qnn-mice: the hybrid QNN regressor per column (core/models/qnn-regressor.ts), trained layer-wise with the parallel
   * shift on the exact simulator unless a backend is named; its cost is also estimated on a device profile.
   */
  qnnMice: {
    cycles: 5,
    epochsPerLayer: 4,
    batchSize: 64,
    learningRate: 0.01,
    clip: 2,
    headRidge: 1e-3,
    backend: 'ideal',
    costDevice: 'ionq-forte-enterprise',
    costShots: 1000,
  },
} as const;

/** Masking mechanisms of the evaluation protocol (METHOD.md section 8). */
export const MASK_MECHANISMS = ['mcar', 'mar', 'mnar'] as const;
export type MaskMechanism = (typeof MASK_MECHANISMS)[number];
/** Experiments: stratified k-fold for the downstream AUC, seeds, masks. */
export const EXPERIMENT_DEFAULTS = { folds: 5, seeds: 5, mask: { mechanism: 'mcar', rate: 0.2 } } as const;
export const MAX_FOLDS = 100;
export const MAX_SEEDS = 1_000;
/** The synthetic ICU generator: default and largest number of rows. */
export const SYNTH_DEFAULTS = { rows: 1_000, seed: 0 } as const;
export const MAX_SYNTH_ROWS = 10_000_000;

/**
 * Noise trajectories (core/hardware/trajectory.ts): the most amplitudes one trajectory may hold at once (2^24 = 16.7
 * million: 128 MiB of doubles; a Hamming-weight sector of C(n, w) amplitudes, e.g. weight 8 of 32 qubits or 4 of 64).
 * A trajectory that needs more stops the run with a TOO_LARGE error instead of running for minutes.
 */
export const MAX_TRAJECTORY_AMPLITUDES = 2 ** 24;
/** Raw counts by bitstring are recorded by default up to this register size (the kept outcomes always are). */
export const DEFAULT_COUNTS_MAX_QUBITS = 12;
/**
 * Most bitstring characters a raw-counts request may hold: min(shots, 2^n) distinct bitstrings of n characters each
 * (2^26: e.g. two million shots at 32 qubits, 65,536 at 1024).
 */
export const MAX_COUNTS_CHARACTERS = 2 ** 26;

/**
 * Paired statistics of a comparison (core/metrics: wilcoxon-signed-rank, paired-t-test, pitman-morgan): the confidence
 * level of every interval, and the most pairs the Wilcoxon test takes its exact p-value for (without ties or zero
 * differences, as scipy.stats.wilcoxon's method 'auto'); beyond it, or with ties or zeros, the normal approximation.
 */
export const CONFIDENCE_LEVEL = 0.95;
export const WILCOXON_EXACT_MAX_PAIRS = 50;
