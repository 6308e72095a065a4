// The per-column model of the chained-equations engine (core/impute/chained.ts): fitted on the rows where one column
// is observed (X: the other columns, y: that column) and asked to predict its missing cells. Every model, classical or
// quantum, has this one shape: async (a quantum model runs circuits through a backend whose run() is async), seeded
// through its context, abortable, counting the circuits and shots it spends, describing its exact recipe for the
// record, and saved as JSON so that a fitted imputer can be applied later without refitting.
import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { Rng } from '../random.ts';
import { decodeFloat64, decodeInt32 } from './typed-json.ts';

/** What a model predicts: a number, or one of `classes` category codes 0..classes-1. */
export type ModelTarget = { kind: 'numeric' } | { kind: 'categorical'; classes: number };

/** Training rows: X row-major (rows x cols), y one value per row (numbers, or category codes as integers). */
export interface FitData {
  x: Float64Array;
  rows: number;
  cols: number;
  y: Float64Array;
  target: ModelTarget;
}

export interface ModelCost {
  circuits: number;
  shots: number;
  /** What the same circuits would cost on a chosen device profile, in USD (qnn-mice's estimate; absent otherwise). */
  deviceUSD?: number;
}

export const ZERO_COST: Readonly<ModelCost> = Object.freeze({ circuits: 0, shots: 0 });

export function addCost(total: ModelCost, more: Readonly<ModelCost>): void {
  total.circuits += more.circuits;
  total.shots += more.shots;
  if (more.deviceUSD !== undefined) total.deviceUSD = (total.deviceUSD ?? 0) + more.deviceUSD;
}

export interface ModelContext {
  /** Seeded: every random choice of the fit (or prediction) comes from here. */
  rng: Rng;
  /** The seed `rng` was made from, for models that derive sub-streams (e.g. one per tree). */
  seed: number;
  /** Checked inside long fits (between trees, epochs, circuit batches). */
  signal?: AbortSignal;
  /** Completion of this fit, 0..1. */
  onProgress?: (fraction: number) => void;
  /** The training loss as it goes (models that train by steps: after each optimisation step or epoch), for live charts. */
  onLoss?: (loss: number) => void;
}

/** A fitted model as JSON: `kind` selects the loader, `state` is the model's own (validated by that loader). */
export interface SavedColumnModel {
  kind: string;
  state: unknown;
}

export interface ColumnPrediction {
  /** One value per row: numbers for a numeric target, valid category codes for a categorical one. */
  values: Float64Array;
  cost: ModelCost;
}

export interface FittedColumnModel {
  readonly kind: string;
  readonly target: ModelTarget;
  /** Predicts one value per row of x (rows x the fit's cols). Numeric: a number; categorical: a code in 0..classes-1. */
  predict(x: Float64Array, rows: number, ctx: ModelContext): Promise<ColumnPrediction>;
  toJSON(): SavedColumnModel;
}

export interface ColumnModelFit {
  model: FittedColumnModel;
  /** What the fit spent (zero for classical models). */
  cost: ModelCost;
}

/** An unfitted model: a recipe that can be fitted to a column. */
export interface ColumnModelSpec {
  /** The model kind, e.g. 'bayesian-ridge'. */
  readonly kind: string;
  /** The exact hyper-parameters, JSON-safe, for the record. */
  readonly recipe: Record<string, unknown>;
  /** When true, the engine standardises each predictor column (training mean and sd, saved with the step). */
  readonly standardise: boolean;
  fit(data: FitData, ctx: ModelContext): Promise<ColumnModelFit>;
}

/** Index of the largest value in a[offset .. offset + n) (the first on ties). */
export function argmax(a: ArrayLike<number>, offset = 0, n = a.length - offset): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (a[offset + c] > a[offset + best]) best = c;
  return best;
}

/** The error for a saved model that cannot be loaded: names the field and says what to do. */
export function damagedModel(kind: string, field: string, detail: string): InvalidInputError {
  return new InvalidInputError(`The saved ${kind} model is damaged or not a QNN Lab model: ${field} ${detail}. Fit the imputer again and save a new model.`, {
    field,
  });
}

/** Validates a saved model's state with its zod schema; a damaged or foreign file gets a message naming the field. */
export function parseSavedState<T>(schema: z.ZodType<T>, state: unknown, kind: string): T {
  const parsed = schema.safeParse(state);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw damagedModel(kind, ['state', ...issue.path.map(String)].join('.'), issue.message);
}

/** A typed array stored as base64 (typed-json.ts), checked for its length. */
export function decodeSavedArray(text: string, length: number, type: 'f64' | 'i32', kind: string, field: string): Float64Array | Int32Array {
  const out = type === 'f64' ? decodeFloat64(text, length) : decodeInt32(text, length);
  if (!out) throw damagedModel(kind, `state.${field}`, `does not hold ${length} numbers`);
  return out;
}
