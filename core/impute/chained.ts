// The one chained-equations engine (MICE; METHOD.md section 8). Fit: fill every missing cell with its column's mean
// (mode for categorical columns), then for each cycle visit the columns with missing cells in order of increasing
// missingness (as R mice and scikit-learn's IterativeImputer), fit that column's model on all other active columns
// (one-hot encoded) over the rows where it was observed, and re-predict its missing cells. Observed cells are never
// changed. Every fit and prediction is seeded from (seed, cycle, column); the signal is checked between columns and
// inside model fits. Apply: the same initial fill and the fitted sequence of models, replayed without refitting
// (as IterativeImputer.transform).
import { AbortError, throwIfAborted } from '../errors.ts';
import { type ColumnModelSpec, type FittedColumnModel, type ModelCost, addCost } from '../models/column-model.ts';
import { meanSd } from '../metrics/summary.ts';
import { Pacer } from '../pacer.ts';
import { createRng, deriveSeed } from '../random.ts';
import { type ActiveColumn, encodedValue, encodedWidth } from './columns.ts';
import { type ColumnValues, StoppingState, type StoppingRule } from './stopping.ts';

export interface ChainedProgress {
  /** 1-based cycle, and the most cycles the method may run. */
  cycle: number;
  maxCycles: number;
  /** The column being fitted, and its 1-based position in this cycle's visiting order. */
  column: string;
  step: number;
  steps: number;
  /** Overall completion 0..1 (against maxCycles: a method that stops early jumps to 1). */
  fraction: number;
}

/** Mean and sd of one column's imputed values after one cycle (R mice's convergence plot). */
export interface TraceEntry {
  cycle: number;
  column: string;
  mean: number;
  sd: number;
}

export interface FittedStep {
  cycle: number;
  column: string;
  /** Standardisation of the predictors (training mean and sd), when the model asked for it. */
  standardise: { mean: number[]; sd: number[] } | null;
  model: FittedColumnModel;
}

export interface ChainedMethod {
  maxCycles: number;
  stopping: StoppingRule;
  /** Which fitted models a saved imputer keeps: all cycles (apply reproduces the fit), or only the last (smaller). */
  keep: 'all' | 'last';
  modelFor(column: ActiveColumn): ColumnModelSpec;
}

export interface ChainedFitOptions {
  seed: number;
  /** Also fit models for columns with no missing cells, so that a saved imputer can fill them in new tables. */
  modelAllColumns?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ChainedProgress) => void;
  /** A column model's training loss as it trains (see ModelContext.onLoss). */
  onLoss?: (p: ChainedLoss) => void;
}

export interface ChainedLoss {
  cycle: number;
  column: string;
  loss: number;
}

export interface ChainedFitResult {
  /** Completed values of each active column (same order). */
  values: Float64Array[];
  initial: number[];
  /** The fitted steps kept (see ChainedMethod.keep), in order. */
  steps: FittedStep[];
  /** Cycles whose imputation is returned; and how often apply replays the kept steps to reproduce it. */
  cycles: number;
  replay: number;
  traces: TraceEntry[];
  /** The stopping rule's statistic per cycle run. */
  changes: number[][];
  stopReason: 'max-cycles' | 'converged' | 'diverged' | 'no-missing';
  cost: ModelCost;
  warnings: string[];
}

/** The active columns as predictors: current values (missing cells filled) and their encoded matrix. */
class Workspace {
  readonly values: Float64Array[];
  readonly missingRows: Int32Array[];
  /** Encoded predictor columns (column-major), and where each active column's block starts. */
  readonly encoded: Float64Array[];
  readonly offsets: number[];

  constructor(
    readonly columns: readonly ActiveColumn[],
    data: readonly Float64Array[],
    readonly rows: number,
    initial: readonly number[],
  ) {
    this.values = data.map((v) => Float64Array.from(v));
    this.missingRows = data.map((v) => {
      const out: number[] = [];
      for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) out.push(i);
      return Int32Array.from(out);
    });
    this.values.forEach((v, j) => this.missingRows[j].forEach((i) => (v[i] = initial[j])));
    this.offsets = [];
    this.encoded = [];
    columns.forEach((c) => {
      this.offsets.push(this.encoded.length);
      for (let k = 0; k < encodedWidth(c); k++) this.encoded.push(new Float64Array(rows));
    });
    columns.forEach((_, j) => this.encode(j, null));
  }

  /** Re-encodes column j (all rows, or the given ones). */
  encode(j: number, rowsToUpdate: Int32Array | null): void {
    const c = this.columns[j];
    const v = this.values[j];
    const width = encodedWidth(c);
    const first = this.offsets[j];
    const update = (i: number) => {
      for (let k = 0; k < width; k++) this.encoded[first + k][i] = encodedValue(v[i], width, k);
    };
    if (rowsToUpdate) rowsToUpdate.forEach(update);
    else for (let i = 0; i < this.rows; i++) update(i);
  }

  /** Row-major predictors of column j (every other encoded column) at `rowIndex`, optionally standardised. */
  predictors(j: number, rowIndex: ArrayLike<number>, standardise: { mean: number[]; sd: number[] } | null): { x: Float64Array; cols: number } {
    const skipFrom = this.offsets[j];
    const skipTo = skipFrom + encodedWidth(this.columns[j]);
    const sources = this.encoded.filter((_, k) => k < skipFrom || k >= skipTo);
    const cols = sources.length;
    const n = rowIndex.length;
    const x = new Float64Array(n * cols);
    sources.forEach((src, a) => {
      const m = standardise ? standardise.mean[a] : 0;
      const s = standardise ? standardise.sd[a] : 1;
      for (let r = 0; r < n; r++) x[r * cols + a] = (src[rowIndex[r]] - m) / s;
    });
    return { x, cols };
  }

  observedRows(j: number): Int32Array {
    const missing = new Uint8Array(this.rows);
    this.missingRows[j].forEach((i) => (missing[i] = 1));
    const out = new Int32Array(this.rows - this.missingRows[j].length);
    let k = 0;
    for (let i = 0; i < this.rows; i++) if (!missing[i]) out[k++] = i;
    return out;
  }

  /** Training mean and sd (population; 1 when constant) of the predictors of column j over `rowIndex`. */
  standardisation(j: number, rowIndex: Int32Array): { mean: number[]; sd: number[] } {
    const { x, cols } = this.predictors(j, rowIndex, null);
    const n = rowIndex.length;
    const mean = new Array<number>(cols).fill(0);
    const sd = new Array<number>(cols).fill(0);
    for (let r = 0; r < n; r++) for (let a = 0; a < cols; a++) mean[a] += x[r * cols + a] / n;
    for (let r = 0; r < n; r++) for (let a = 0; a < cols; a++) sd[a] += (x[r * cols + a] - mean[a]) ** 2 / n;
    return { mean, sd: sd.map((v) => (v > 1e-24 ? Math.sqrt(v) : 1)) };
  }

  /** Writes column j's predictions at its missing rows, checking they are valid for the column. */
  write(j: number, predicted: Float64Array, kind: string): void {
    const c = this.columns[j];
    const rows = this.missingRows[j];
    if (predicted.length !== rows.length) throw new Error(`model ${kind} returned ${predicted.length} values for ${rows.length} rows of column "${c.name}"`);
    rows.forEach((i, k) => {
      const v = predicted[k];
      const ok = c.target.kind === 'numeric' ? Number.isFinite(v) : Number.isInteger(v) && v >= 0 && v < c.target.classes;
      if (!ok)
        throw new Error(`model ${kind} imputed ${v} in column "${c.name}", which is not a valid ${c.target.kind === 'numeric' ? 'number' : 'category code'}`);
      this.values[j][i] = v;
    });
    this.encode(j, rows);
  }

  imputedOf(j: number): Float64Array {
    return Float64Array.from(this.missingRows[j], (i) => this.values[j][i]);
  }
}

/** Mean of each numeric column, mode (lowest code on ties) of each categorical one, over observed cells. */
export function initialFill(columns: readonly ActiveColumn[], data: readonly Float64Array[]): number[] {
  return columns.map((c, j) => {
    const v = data[j];
    if (c.target.kind === 'numeric') {
      let s = 0;
      let n = 0;
      for (const x of v) {
        if (x !== x) continue;
        s += x;
        n++;
      }
      return n > 0 ? s / n : 0;
    }
    const counts = new Float64Array(c.target.classes);
    for (const x of v) if (x === x) counts[x]++;
    let best = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;
    return best;
  });
}

export const fitSeed = (seed: number, cycle: number, column: number) => deriveSeed(seed, cycle, column, 0);
export const predictSeed = (seed: number, cycle: number, column: number) => deriveSeed(seed, cycle, column, 1);

/** Runs the chained equations on the active columns' values (NaN = missing). */
export async function fitChained(
  columns: readonly ActiveColumn[],
  data: readonly Float64Array[],
  rows: number,
  method: ChainedMethod,
  options: ChainedFitOptions,
): Promise<ChainedFitResult> {
  throwIfAborted(options.signal);
  const initial = initialFill(columns, data);
  const ws = new Workspace(columns, data, rows, initial);
  const warnings: string[] = [];
  const cost: ModelCost = { circuits: 0, shots: 0 };
  // Visiting order: increasing missingness, ties in table order; columns with fewer than 2 observed cells keep the fill.
  const order = columns
    .map((c, j) => ({ j, missing: ws.missingRows[j].length }))
    .filter(({ j, missing }) => {
      if (rows - missing >= 2) return missing > 0 || options.modelAllColumns === true;
      warnings.push(
        `Column "${columns[j].name}" has only ${rows - missing} observed cell: its missing cells keep the column's ${columns[j].target.kind === 'numeric' ? 'mean' : 'mode'}.`,
      );
      return false;
    })
    .sort((a, b) => a.missing - b.missing || a.j - b.j)
    .map(({ j }) => j);
  const imputed = order.filter((j) => ws.missingRows[j].length > 0);
  const result = (
    cycles: number,
    steps: FittedStep[],
    stopReason: ChainedFitResult['stopReason'],
    traces: TraceEntry[],
    changes: number[][],
  ): ChainedFitResult => ({
    values: ws.values,
    initial,
    steps,
    cycles,
    replay: method.keep === 'last' ? cycles : 1,
    traces,
    changes,
    stopReason,
    cost,
    warnings,
  });
  if (order.length === 0 || method.maxCycles === 0) return result(0, [], imputed.length === 0 ? 'no-missing' : 'max-cycles', [], []);

  const stopping = new StoppingState(
    method.stopping,
    imputed.map((j) => columnValues(ws, j)),
  );
  let steps: FittedStep[] = [];
  let lastCycle: FittedStep[] = [];
  const traces: TraceEntry[] = [];
  const changes: number[][] = [];
  // Between columns, a pause every few milliseconds: a worker sees its host's cancel, even when no model yields.
  const pacer = new Pacer(options.signal);
  for (let cycle = 1; cycle <= method.maxCycles; cycle++) {
    const before = imputed.map((j) => ws.imputedOf(j));
    const cycleSteps: FittedStep[] = [];
    for (let s = 0; s < order.length; s++) {
      await pacer.tick();
      const j = order[s];
      const column = columns[j];
      const report = (inner: number) =>
        options.onProgress?.({
          cycle,
          maxCycles: method.maxCycles,
          column: column.name,
          step: s + 1,
          steps: order.length,
          fraction: (cycle - 1 + (s + inner) / order.length) / method.maxCycles,
        });
      report(0);
      const spec = method.modelFor(column);
      const observed = ws.observedRows(j);
      const standardise = spec.standardise ? ws.standardisation(j, observed) : null;
      const train = ws.predictors(j, observed, standardise);
      const y = Float64Array.from(observed, (i) => ws.values[j][i]);
      const seed = fitSeed(options.seed, cycle, column.index);
      const fit = await spec.fit(
        { x: train.x, rows: observed.length, cols: train.cols, y, target: column.target },
        {
          rng: createRng(seed),
          seed,
          signal: options.signal,
          onProgress: (f) => report(Math.min(1, Math.max(0, f))),
          onLoss: options.onLoss && ((loss) => options.onLoss!({ cycle, column: column.name, loss })),
        },
      );
      if (options.signal?.aborted) throw new AbortError();
      addCost(cost, fit.cost);
      const step: FittedStep = { cycle, column: column.name, standardise, model: fit.model };
      cycleSteps.push(step);
      await predictStep(ws, j, step, options.seed, cost, options.signal);
    }
    for (const j of imputed) {
      const { mean, sd } = meanSd(ws.imputedOf(j));
      traces.push({ cycle, column: columns[j].name, mean, sd });
    }
    // A complete table fitted for later use (modelAllColumns): one cycle of models, nothing to iterate.
    if (imputed.length === 0) return result(1, cycleSteps, 'no-missing', traces, changes);
    const judged = stopping.judge(
      imputed.map((j) => columnValues(ws, j)),
      before,
      rows,
    );
    changes.push(judged.change);
    if (judged.decision === 'stop-previous') {
      // missForest returns the imputation before the cycle whose change grew.
      imputed.forEach((j, k) => ws.missingRows[j].forEach((i, r) => (ws.values[j][i] = before[k][r])));
      traces.splice(traces.length - imputed.length, imputed.length);
      return result(cycle - 1, method.keep === 'last' ? lastCycle : steps, 'diverged', traces, changes);
    }
    steps = steps.concat(cycleSteps);
    lastCycle = cycleSteps;
    if (judged.decision === 'stop') return result(cycle, method.keep === 'last' ? lastCycle : steps, 'converged', traces, changes);
  }
  return result(method.maxCycles, method.keep === 'last' ? lastCycle : steps, 'max-cycles', traces, changes);
}

function columnValues(ws: Workspace, j: number): ColumnValues {
  return { values: ws.values[j], categorical: ws.columns[j].target.kind === 'categorical', missingRows: ws.missingRows[j] };
}

async function predictStep(ws: Workspace, j: number, step: FittedStep, seed: number, cost: ModelCost, signal: AbortSignal | undefined): Promise<void> {
  const missing = ws.missingRows[j];
  if (missing.length === 0) return;
  const { x } = ws.predictors(j, missing, step.standardise);
  const s = predictSeed(seed, step.cycle, ws.columns[j].index);
  const prediction = await step.model.predict(x, missing.length, { rng: createRng(s), seed: s, signal });
  addCost(cost, prediction.cost);
  ws.write(j, prediction.values, step.model.kind);
}

export interface ChainedApplyOptions {
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: { step: number; steps: number; column: string; fraction: number }) => void;
}

/** Replays fitted steps (`replay` times) on new values of the same active columns: no refitting. */
export async function applyChained(
  columns: readonly ActiveColumn[],
  data: readonly Float64Array[],
  rows: number,
  initial: readonly number[],
  steps: readonly FittedStep[],
  replay: number,
  options: ChainedApplyOptions,
): Promise<{ values: Float64Array[]; cost: ModelCost }> {
  const ws = new Workspace(columns, data, rows, initial);
  const cost: ModelCost = { circuits: 0, shots: 0 };
  const index = new Map(columns.map((c, j) => [c.name, j]));
  const total = steps.length * replay;
  const pacer = new Pacer(options.signal);
  for (let r = 0; r < replay; r++) {
    for (let s = 0; s < steps.length; s++) {
      await pacer.tick();
      const step = steps[s];
      options.onProgress?.({ step: r * steps.length + s + 1, steps: total, column: step.column, fraction: (r * steps.length + s) / total });
      await predictStep(ws, index.get(step.column)!, step, options.seed, cost, options.signal);
    }
  }
  return { values: ws.values, cost };
}
