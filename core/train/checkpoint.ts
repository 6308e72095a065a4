// Checkpoints of the layer-wise trainer: plain JSON that resumes a run to the exact result of an uninterrupted one
// (same parameters to the last bit), taken within epochs too, so a crash loses at most the steps since the last one.
// A checkpoint carries the fingerprint of what it was trained on (options, data, loss) and resumes only with the same.
import { InvalidInputError } from '../errors.ts';
import { fingerprint } from '../hash.ts';
import type { OutputLoss } from './losses.ts';
import type { OptimiserState } from './optimisers.ts';
import type { PhaseKind, ResolvedOptions } from './options.ts';

export interface EpochRecord {
  phase: PhaseKind;
  layer: number;
  epoch: number;
  /** Mean of the epoch's batch losses. */
  loss: number;
  circuits: number;
  keptFraction: number;
}

/** What a run was trained on: a resume is refused when any part differs. */
export interface TrainFingerprint {
  /** The resolved options (schedule, method, optimiser, seed, shots, backend, loss name). */
  options: string;
  /** The training inputs. */
  data: string;
  /** The loss and its targets. */
  loss: string;
}

export interface TrainCheckpoint {
  version: 2;
  fingerprint: TrainFingerprint;
  /** Where training continues: phase index (layers 1..L, then fine-tune), whole epochs done in it, steps done in the next. */
  phaseIndex: number;
  epochsDone: number;
  stepInEpoch: number;
  /** Sums over the steps done in the unfinished epoch (its record needs them). */
  epochLossSum: number;
  epochKeptSum: number;
  params: number[];
  extra: number[];
  /** The optimiser of the phase in progress; null at a phase boundary (the next phase starts afresh). */
  optimiser: OptimiserState | null;
  circuits: number;
  stepsDone: number;
  history: EpochRecord[];
}

export function trainFingerprint(options: ResolvedOptions, inputs: Float64Array, loss: OutputLoss): TrainFingerprint {
  return { options: JSON.stringify(options), data: fingerprint(inputs), loss: loss.fingerprint };
}

/** Refuses a checkpoint made with other options, other data or another loss, saying which. */
export function checkResume(checkpoint: TrainCheckpoint, expected: TrainFingerprint): void {
  if (!checkpoint || checkpoint.version !== 2 || typeof checkpoint.fingerprint !== 'object' || checkpoint.fingerprint === null) {
    throw new InvalidInputError('the checkpoint is not a QNN Lab training checkpoint of this version (version 2); start the training afresh', {
      field: 'resumeFrom',
    });
  }
  const got = checkpoint.fingerprint;
  const differs: string[] = [];
  if (got.options !== expected.options)
    differs.push('different options (qubits, layers, data size, method, optimiser, schedule, seed, shots, backend or loss)');
  if (got.data !== expected.data) differs.push(`different training data (fingerprint ${got.data}, these data ${expected.data})`);
  if (got.loss !== expected.loss) differs.push('a different loss or different targets');
  if (differs.length > 0) {
    throw new InvalidInputError(
      `the checkpoint was made with ${differs.join(' and ')}; it cannot be resumed with these. Resume with the original inputs, or start afresh`,
      {
        field: 'resumeFrom',
      },
    );
  }
}

/** When to take a checkpoint within an epoch: every `everySteps` steps or `everyMs` milliseconds, whichever first. */
export class CheckpointPolicy {
  private steps = 0;
  private last: number;

  constructor(
    private readonly everySteps: number,
    private readonly everyMs: number,
    private readonly now: () => number,
  ) {
    this.last = now();
  }

  /** Called after each step; true when a checkpoint is due. */
  due(): boolean {
    this.steps++;
    return this.steps >= this.everySteps || this.now() - this.last >= this.everyMs;
  }

  /** Called when a checkpoint was taken. */
  taken(): void {
    this.steps = 0;
    this.last = this.now();
  }
}
