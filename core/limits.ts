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
