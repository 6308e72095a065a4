// Imputation experiments (METHOD.md section 8): one dataset x methods x one mask configuration x seeds. Per seed the
// same mask is applied for every method; each method imputes the masked table and is scored on the masked cells
// (RMSE, NRMSE overall and per column, PFC, Wasserstein) and downstream (stratified k-fold AUC of an L2 logistic
// regression predicting the outcome from the imputed features), with its wall time and quantum cost. Across seeds:
// mean, sd and the ratio of variances between methods. Pure: the run engine persists each (seed, method) result as
// `onResult` reports it, and the CLI spreads seeds over processes with runExperimentSeed + summariseExperiment.
import type { Dataset } from '../data/types.ts';
import { InvalidInputError, throwIfAborted } from '../errors.ts';
import { EXPERIMENT_DEFAULTS, MAX_FOLDS, MAX_SEEDS, type MaskMechanism } from '../limits.ts';
import { downstreamAuc } from '../metrics/downstream-auc.ts';
import { meanSd } from '../metrics/summary.ts';
import { varianceRatio } from '../metrics/variance-ratio.ts';
import type { ChainedLoss, ChainedProgress, TraceEntry } from './chained.ts';
import { checkColumnNames, encodedValue, encodedWidth, selectColumns } from './columns.ts';
import { fitImputer } from './imputer.ts';
import { checkMaskMechanism, checkMaskRate, maskTable } from './masking.ts';
import { resolveImputerOptions, type ImputerEnv } from './registry.ts';
import { type ColumnScore, scoreMask } from './scoring.ts';

export interface ExperimentConfig {
  /** The binary outcome column (no missing values). */
  outcome: string;
  /** Columns that are neither imputed, predictors nor downstream features (e.g. pbc's `time`). */
  exclude?: string[];
  methods: (string | { name: string; options?: Record<string, unknown> })[];
  mask: { mechanism: MaskMechanism; rate: number; columns?: string[] };
  seeds: number[];
  /** Folds of the downstream AUC (default 5). */
  folds?: number;
}

export interface ResolvedExperiment {
  outcome: string;
  exclude: string[];
  methods: { name: string; options: Record<string, unknown> }[];
  mask: { mechanism: MaskMechanism; rate: number; columns?: string[] };
  seeds: number[];
  folds: number;
}

export interface SeedResult {
  seed: number;
  method: string;
  options: Record<string, unknown>;
  recipe: Record<string, unknown>;
  mask: { mechanism: MaskMechanism; rate: number; realisedRate: number; cells: number };
  rmse: number | null;
  nrmse: number | null;
  pfc: number | null;
  columns: ColumnScore[];
  auc: number | null;
  aucFolds: number[];
  seconds: number;
  circuits: number;
  shots: number;
  cycles: number;
  stopReason: string;
  warnings: string[];
  /** The chained imputer's convergence traces (mean and sd of each column's imputed values per cycle); absent on results recorded before. */
  traces?: TraceEntry[];
}

export interface Stat {
  mean: number | null;
  sd: number | null;
}

export interface MethodSummary {
  method: string;
  recipe: Record<string, unknown>;
  seeds: number;
  nrmse: Stat;
  rmse: Stat;
  pfc: Stat;
  auc: Stat;
  /** Per-seed means: wall seconds, circuits and shots of one imputation. */
  seconds: number;
  circuits: number;
  shots: number;
  columns: Record<string, { nrmse: Stat; pfc: Stat; wasserstein: Stat }>;
}

export interface ExperimentSummary {
  methods: MethodSummary[];
  /** varianceRatios[metric][a][b] = var(a) / var(b) over seeds. */
  varianceRatios: Record<'nrmse' | 'rmse' | 'auc', Record<string, Record<string, number | null>>>;
}

export interface ExperimentProgress {
  seed: number;
  seedIndex: number;
  method: string;
  methodIndex: number;
  /** Completion of the whole experiment (or of this call's seeds), 0..1. */
  fraction: number;
  imputation?: ChainedProgress;
}

export interface ExperimentHooks {
  signal?: AbortSignal;
  onProgress?: (p: ExperimentProgress) => void;
  /** A method's training loss as its column models train (the QNN regressor per step, the MLP per epoch). */
  onLoss?: (p: ChainedLoss & { seed: number; method: string }) => void;
  /** Called as each (seed, method) result is ready, e.g. to persist it. */
  onResult?: (r: SeedResult) => void | Promise<void>;
  env?: ImputerEnv;
  /** Milliseconds clock for wall times (default performance.now). */
  now?: () => number;
}

/** Checks everything before any work: each bad input is a LabError naming the value and what is allowed. */
export function resolveExperiment(table: Dataset, config: ExperimentConfig): ResolvedExperiment {
  const exclude = [...(config.exclude ?? [])];
  checkColumnNames(table, exclude, 'exclude');
  const outcomeName = config.outcome;
  if (typeof outcomeName !== 'string' || outcomeName === '')
    throw new InvalidInputError('An outcome column is required (the binary outcome the downstream AUC predicts, e.g. death).', { field: 'outcome' });
  checkColumnNames(table, [outcomeName], 'outcome');
  const outcome = table.columns.find((c) => c.name === outcomeName)!;
  const values = new Set<number>();
  let missing = 0;
  for (const v of outcome.values)
    if (v !== v) missing++;
    else values.add(v);
  if (!(outcome.type === 'binary' || (outcome.categories?.length === 2 && [...values].every((v) => v === 0 || v === 1))) || values.size > 2) {
    throw new InvalidInputError(
      `The outcome column "${outcomeName}" must be binary (two values, e.g. 0/1 or alive/dead); it is ${outcome.type} with ${values.size} distinct values.`,
      {
        field: 'outcome',
        value: outcomeName,
        allowed: 'a binary column',
      },
    );
  }
  if (missing > 0) {
    throw new InvalidInputError(
      `The outcome column "${outcomeName}" has ${missing} missing values; the downstream AUC needs every outcome. Remove those rows or choose another outcome.`,
      {
        field: 'outcome',
        value: outcomeName,
        details: { missing },
      },
    );
  }
  const folds = config.folds ?? EXPERIMENT_DEFAULTS.folds;
  if (!Number.isInteger(folds) || folds < 2 || folds > MAX_FOLDS) {
    throw new InvalidInputError(`folds must be an integer between 2 and ${MAX_FOLDS}; got ${String(folds)}.`, {
      field: 'folds',
      value: folds,
      allowed: `2 to ${MAX_FOLDS}`,
    });
  }
  if (table.rows < folds) {
    throw new InvalidInputError(`The table has ${table.rows} rows, fewer than the ${folds} folds of the cross-validation. Use at most ${table.rows} folds.`, {
      field: 'folds',
      value: folds,
      allowed: `2 to ${table.rows}`,
    });
  }
  const rarer = Math.min(...[0, 1].map((k) => outcome.values.filter((v) => v === k).length));
  if (rarer < folds) {
    throw new InvalidInputError(
      `The outcome "${outcomeName}" has only ${rarer} rows of its rarer value, fewer than the ${folds} folds: every fold needs both outcomes. Use fewer folds.`,
      {
        field: 'folds',
        value: folds,
        allowed: `2 to ${Math.max(2, rarer)}`,
      },
    );
  }
  checkMaskMechanism(config.mask?.mechanism);
  checkMaskRate(config.mask?.rate);
  if (!Array.isArray(config.methods) || config.methods.length === 0) throw new InvalidInputError('Give at least one imputation method.', { field: 'methods' });
  const methods = config.methods.map((m) => {
    const name = typeof m === 'string' ? m : m.name;
    return { name, options: resolveImputerOptions(name, typeof m === 'string' ? {} : (m.options ?? {})) };
  });
  const dup = methods.find((m, k) => methods.findIndex((o) => o.name === m.name) !== k);
  if (dup) throw new InvalidInputError(`The method "${dup.name}" is listed twice.`, { field: 'methods', value: dup.name });
  const seeds = config.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.length > MAX_SEEDS || !seeds.every((s) => Number.isInteger(s))) {
    throw new InvalidInputError(`seeds must be 1 to ${MAX_SEEDS} integers; got ${Array.isArray(seeds) ? seeds.length : String(seeds)}.`, {
      field: 'seeds',
      value: seeds,
      allowed: `1 to ${MAX_SEEDS} integers`,
    });
  }
  const resolved: ResolvedExperiment = { outcome: outcomeName, exclude, methods, mask: { ...config.mask }, seeds: [...seeds], folds };
  // Fails now (naming the column) if the mask's columns are wrong or MAR has no driver.
  maskTable(table, { ...resolved.mask, seed: seeds[0], exclude, outcome: outcomeName });
  return resolved;
}

/** Row-major downstream features: the imputers' active columns (k - 1 indicators for k >= 3 categories). */
function featureMatrix(table: Dataset, r: ResolvedExperiment): { x: Float64Array; cols: number } {
  const { active } = selectColumns(table, { exclude: r.exclude, outcome: r.outcome });
  const cols = active.reduce((s, c) => s + encodedWidth(c), 0);
  const x = new Float64Array(table.rows * cols);
  let a = 0;
  for (const c of active) {
    const v = table.columns[c.index].values;
    const width = encodedWidth(c);
    for (let i = 0; i < table.rows; i++) for (let k = 0; k < width; k++) x[i * cols + a + k] = encodedValue(v[i], width, k);
    a += width;
  }
  return { x, cols };
}

/** Every method on one seed's mask. `position` places this seed's progress within a larger run. */
export async function runExperimentSeed(
  table: Dataset,
  r: ResolvedExperiment,
  seed: number,
  hooks: ExperimentHooks = {},
  position: { index: number; of: number } = { index: 0, of: 1 },
): Promise<SeedResult[]> {
  const now = hooks.now ?? (() => performance.now());
  const mask = maskTable(table, { ...r.mask, seed, exclude: r.exclude, outcome: r.outcome });
  const outcome = table.columns.find((c) => c.name === r.outcome)!.values;
  const cells = mask.columns.reduce((s, m) => s + m.rows.length, 0);
  const results: SeedResult[] = [];
  for (const [methodIndex, method] of r.methods.entries()) {
    throwIfAborted(hooks.signal);
    const report = (inner: number, imputation?: ChainedProgress) =>
      hooks.onProgress?.({
        seed,
        seedIndex: position.index,
        method: method.name,
        methodIndex,
        fraction: (position.index + (methodIndex + inner) / r.methods.length) / position.of,
        imputation,
      });
    report(0);
    const t0 = now();
    const fit = await fitImputer(mask.masked, {
      method: method.name,
      options: method.options,
      exclude: r.exclude,
      outcome: r.outcome,
      // The seed itself (not derived from the method's place in the list): a method's results do not depend on the others.
      seed,
      env: hooks.env,
      signal: hooks.signal,
      onProgress: (p) => report(p.fraction, p),
      onLoss: hooks.onLoss && ((p) => hooks.onLoss!({ ...p, seed, method: method.name })),
    });
    const seconds = (now() - t0) / 1000;
    const score = scoreMask(table, fit.completed, mask);
    const features = featureMatrix(fit.completed, r);
    const down = downstreamAuc(features.x, table.rows, features.cols, outcome, { folds: r.folds, seed });
    const result: SeedResult = {
      seed,
      method: method.name,
      options: method.options,
      recipe: fit.recipe,
      mask: { mechanism: mask.mechanism, rate: mask.rate, realisedRate: mask.realisedRate, cells },
      rmse: score.rmse,
      nrmse: score.nrmse,
      pfc: score.pfc,
      columns: score.columns,
      auc: Number.isFinite(down.auc) ? down.auc : null,
      aucFolds: down.folds,
      seconds,
      circuits: fit.cost.circuits,
      shots: fit.cost.shots,
      cycles: fit.cycles,
      stopReason: fit.stopReason,
      warnings: fit.warnings,
      traces: fit.traces,
    };
    results.push(result);
    await hooks.onResult?.(result);
  }
  return results;
}

const stat = (values: (number | null)[]): Stat => {
  const s = meanSd(values.map((v) => v ?? NaN));
  return { mean: s.n > 0 ? s.mean : null, sd: s.n > 0 ? s.sd : null };
};

export function summariseExperiment(r: ResolvedExperiment, results: readonly SeedResult[]): ExperimentSummary {
  const by = new Map(r.methods.map((m) => [m.name, results.filter((x) => x.method === m.name)]));
  const methods: MethodSummary[] = r.methods.map((m) => {
    const rows = by.get(m.name)!;
    const columns: MethodSummary['columns'] = {};
    for (const name of new Set(rows.flatMap((x) => x.columns.map((c) => c.column)))) {
      const cs = rows.map((x) => x.columns.find((c) => c.column === name));
      columns[name] = {
        nrmse: stat(cs.map((c) => c?.nrmse ?? null)),
        pfc: stat(cs.map((c) => c?.pfc ?? null)),
        wasserstein: stat(cs.map((c) => c?.wasserstein ?? null)),
      };
    }
    const avg = (f: (x: SeedResult) => number) => (rows.length > 0 ? rows.reduce((s, x) => s + f(x), 0) / rows.length : 0);
    return {
      method: m.name,
      recipe: rows[0]?.recipe ?? { method: m.name, ...m.options },
      seeds: rows.length,
      nrmse: stat(rows.map((x) => x.nrmse)),
      rmse: stat(rows.map((x) => x.rmse)),
      pfc: stat(rows.map((x) => x.pfc)),
      auc: stat(rows.map((x) => x.auc)),
      seconds: avg((x) => x.seconds),
      circuits: avg((x) => x.circuits),
      shots: avg((x) => x.shots),
      columns,
    };
  });
  const ratios = (metric: 'nrmse' | 'rmse' | 'auc') => {
    const out: Record<string, Record<string, number | null>> = {};
    for (const a of r.methods) {
      out[a.name] = {};
      for (const b of r.methods) {
        const v = varianceRatio(
          by.get(a.name)!.map((x) => x[metric] ?? NaN),
          by.get(b.name)!.map((x) => x[metric] ?? NaN),
        );
        out[a.name][b.name] = Number.isFinite(v) ? v : null;
      }
    }
    return out;
  };
  return { methods, varianceRatios: { nrmse: ratios('nrmse'), rmse: ratios('rmse'), auc: ratios('auc') } };
}

export interface ExperimentReport {
  config: ResolvedExperiment;
  results: SeedResult[];
  summary: ExperimentSummary;
}

/** The whole experiment in this thread, seed after seed. */
export async function runExperiment(table: Dataset, config: ExperimentConfig, hooks: ExperimentHooks = {}): Promise<ExperimentReport> {
  const r = resolveExperiment(table, config);
  const results: SeedResult[] = [];
  for (const [index, seed] of r.seeds.entries()) results.push(...(await runExperimentSeed(table, r, seed, hooks, { index, of: r.seeds.length })));
  return { config: r, results, summary: summariseExperiment(r, results) };
}
