// Fit once, apply to new patients. fitImputer completes a table and returns the fitted imputer as JSON (the model);
// applyImputer completes another table with the same columns by replaying the fitted models, without refitting (as
// scikit-learn's IterativeImputer.transform). A table whose columns differ from the model's is refused, naming them.
import type { DataColumn, Dataset } from '../data/types.ts';
import { InvalidInputError } from '../errors.ts';
import type { ModelCost } from '../models/column-model.ts';
import { type ChainedLoss, type ChainedProgress, type FittedStep, type TraceEntry, applyChained, fitChained } from './chained.ts';
import { type ActiveColumn, type ColumnChoice, selectColumns, targetOf } from './columns.ts';
import { MODEL_FORMAT, MODEL_VERSION, type ImputationModel, type SavedColumn, validateImputationModel } from './model-file.ts';
import { createImputer, type ImputerEnv } from './registry.ts';
import { IMPUTER_DEFAULTS } from '../limits.ts';

export interface FitOptions extends ColumnChoice {
  method: string;
  /** The method's options (defaults applied by the registry's schema). */
  options?: Record<string, unknown>;
  seed?: number;
  /** Fit models for complete columns too, so the saved imputer can fill them in new tables (costs more). */
  modelAllColumns?: boolean;
  env?: ImputerEnv;
  signal?: AbortSignal;
  onProgress?: (p: ChainedProgress) => void;
  onLoss?: (p: ChainedLoss) => void;
}

export interface ImputationFit {
  /** The table with every missing cell of the active columns filled (other columns as they were). */
  completed: Dataset;
  model: ImputationModel;
  traces: TraceEntry[];
  warnings: string[];
  cost: ModelCost;
  recipe: Record<string, unknown>;
  cycles: number;
  stopReason: string;
  /** The stopping rule's statistic per cycle. */
  changes: number[][];
}

function withValues(table: Dataset, replaced: Map<number, { values: Float64Array; categories?: string[] | null }>): Dataset {
  return {
    ...table,
    columns: table.columns.map((c, j) => {
      const r = replaced.get(j);
      return r
        ? { ...c, values: r.values, categories: r.categories !== undefined ? (r.categories ? [...r.categories] : null) : c.categories }
        : { ...c, values: Float64Array.from(c.values) };
    }),
    warnings: [...table.warnings],
  };
}

export async function fitImputer(table: Dataset, options: FitOptions): Promise<ImputationFit> {
  const imputer = createImputer(options.method, options.options ?? {}, options.env ?? {});
  const seed = options.seed ?? IMPUTER_DEFAULTS.seed;
  const { active, warnings } = selectColumns(table, options);
  if (active.length === 0)
    throw new InvalidInputError('No column to impute from: every column is an outcome, identifier, excluded or entirely missing.', { field: 'exclude' });
  const data = active.map((c) => table.columns[c.index].values);
  const r = await fitChained(active, data, table.rows, imputer, {
    seed,
    modelAllColumns: options.modelAllColumns,
    signal: options.signal,
    onProgress: options.onProgress,
    onLoss: options.onLoss,
  });
  const completed = withValues(table, new Map(active.map((c, j) => [c.index, { values: r.values[j] }])));
  const model: ImputationModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    method: imputer.name,
    options: imputer.options,
    recipe: imputer.recipe,
    seed,
    columns: active.map((c, j) => ({ name: c.name, type: c.type, categories: c.categories, target: c.target, initial: r.initial[j] })),
    passive: table.columns.filter((c) => !active.some((a) => a.name === c.name)).map((c) => c.name),
    cycles: r.cycles,
    replay: r.replay,
    steps: r.steps.map((s) => ({ cycle: s.cycle, column: s.column, standardise: s.standardise, model: s.model.toJSON() })),
    traces: r.traces.map((t) => ({ ...t, mean: Number.isFinite(t.mean) ? t.mean : null, sd: Number.isFinite(t.sd) ? t.sd : null })),
  };
  return {
    completed,
    model,
    traces: r.traces,
    warnings: [...warnings, ...r.warnings],
    cost: r.cost,
    recipe: imputer.recipe,
    cycles: r.cycles,
    stopReason: r.stopReason,
    changes: r.changes,
  };
}

export interface ApplyOptions {
  /** Options that differ at apply time (e.g. qnn-mice's backend); merged over the saved ones. */
  options?: Record<string, unknown>;
  /** Seed of stochastic predictions (pmm); default the fit's, so that apply reproduces the fit. */
  seed?: number;
  env?: ImputerEnv;
  signal?: AbortSignal;
  onProgress?: (p: { step: number; steps: number; column: string; fraction: number }) => void;
}

export interface ImputationApply {
  completed: Dataset;
  warnings: string[];
  cost: ModelCost;
}

/** The new table's column for a saved one, with category codes re-mapped to the model's labels. */
function matchColumn(saved: SavedColumn, column: DataColumn): { values: Float64Array; problem?: string } {
  if (saved.target.kind === 'numeric') {
    if (column.type !== 'numeric') return { values: column.values, problem: `"${saved.name}" is ${column.type} here but numeric in the model` };
    return { values: column.values };
  }
  if (column.type === 'numeric') return { values: column.values, problem: `"${saved.name}" is numeric here but ${saved.type} in the model` };
  if (!saved.categories || !column.categories) {
    const t = targetOf(column);
    if (t.kind === 'categorical' && t.classes > saved.target.classes)
      return { values: column.values, problem: `"${saved.name}" has codes up to ${t.classes - 1}, the model up to ${saved.target.classes - 1}` };
    return { values: column.values };
  }
  const index = new Map(saved.categories.map((l, k) => [l, k]));
  const unknown = column.categories.filter((l) => !index.has(l));
  if (unknown.length > 0) {
    return {
      values: column.values,
      problem: `"${saved.name}" has categories the model never saw: ${unknown.map((l) => `"${l}"`).join(', ')} (the model knows ${saved.categories.map((l) => `"${l}"`).join(', ')})`,
    };
  }
  const remap = column.categories.map((l) => index.get(l)!);
  return { values: Float64Array.from(column.values, (v) => (v === v ? remap[v] : NaN)) };
}

/**
 * The table's columns for each of the model's (category codes re-mapped to the model's labels); VALIDATION (field
 * 'columns') naming the columns when the table lacks one or holds it as another kind. Cheap: a host checks a table
 * with it before queueing an apply.
 */
export function matchModelColumns(model: ImputationModel, table: Dataset) {
  // The table must hold every column the model uses, of the same kind.
  const byName = new Map(table.columns.map((c, j) => [c.name, j]));
  const missingColumns = model.columns.filter((c) => !byName.has(c.name)).map((c) => c.name);
  if (missingColumns.length > 0) {
    const known = new Set([...model.columns.map((c) => c.name), ...model.passive]);
    const extra = table.columns.filter((c) => !known.has(c.name)).map((c) => c.name);
    throw new InvalidInputError(
      `The table's columns differ from the model's: it lacks ${missingColumns.map((n) => `"${n}"`).join(', ')}${extra.length ? ` and has ${extra.map((n) => `"${n}"`).join(', ')}, which the model does not know` : ''}. ` +
        `Apply the model to a table with the columns it was fitted on: ${model.columns.map((c) => c.name).join(', ')}.`,
      { field: 'columns', value: missingColumns, allowed: model.columns.map((c) => c.name).join(', ') },
    );
  }
  const matched = model.columns.map((c) => ({ saved: c, index: byName.get(c.name)!, ...matchColumn(c, table.columns[byName.get(c.name)!]) }));
  const problems = matched.filter((m) => m.problem).map((m) => m.problem!);
  if (problems.length > 0) {
    throw new InvalidInputError(
      `The table's columns differ from the model's: ${problems.join('; ')}. Apply the model to a table like the one it was fitted on.`,
      {
        field: 'columns',
        value: matched.filter((m) => m.problem).map((m) => m.saved.name),
      },
    );
  }
  return matched;
}

export async function applyImputer(savedModel: unknown, table: Dataset, options: ApplyOptions = {}): Promise<ImputationApply> {
  const model = validateImputationModel(savedModel);
  const imputer = createImputer(model.method, { ...model.options, ...(options.options ?? {}) }, options.env ?? {});
  const matched = matchModelColumns(model, table);
  const active: ActiveColumn[] = matched.map((m) => ({
    index: m.index,
    name: m.saved.name,
    type: m.saved.type,
    categories: m.saved.categories,
    target: m.saved.target,
    missing: 0,
  }));
  const steps: FittedStep[] = model.steps.map((s) => ({
    cycle: s.cycle,
    column: s.column,
    standardise: s.standardise,
    model: imputer.restore(
      s.model,
      active.find((c) => c.name === s.column)!,
    ),
  }));
  const warnings: string[] = [];
  const modelled = new Set(model.steps.map((s) => s.column));
  matched.forEach((m) => {
    if (modelled.has(m.saved.name) || !m.values.some((v) => v !== v)) return;
    warnings.push(
      `Column "${m.saved.name}" had no missing cells when the imputer was fitted, so it has no model: its missing cells get the fit's ${m.saved.target.kind === 'numeric' ? 'mean' : 'mode'}.`,
    );
  });
  const known = new Set([...model.columns.map((c) => c.name), ...model.passive]);
  for (const c of table.columns) {
    if (known.has(c.name) || c.role !== 'feature' || !c.values.some((v) => v !== v)) continue;
    warnings.push(`Column "${c.name}" is not in the model: its missing cells are left empty.`);
  }
  const r = await applyChained(
    active,
    matched.map((m) => m.values),
    table.rows,
    model.columns.map((c) => c.initial),
    steps,
    model.replay,
    { seed: options.seed ?? model.seed, signal: options.signal, onProgress: options.onProgress },
  );
  const completed = withValues(
    table,
    new Map(matched.map((m, j) => [m.index, { values: r.values[j], categories: m.saved.categories ?? table.columns[m.index].categories }])),
  );
  return { completed, warnings, cost: r.cost };
}
