// Which columns of a table an imputer uses, and how: the feature columns (not the outcome, identifiers, ignored or
// user-excluded columns) are the predictors; those with missing cells are also imputed. A column that is entirely
// missing is skipped with a warning. Categorical predictors are one-hot encoded (k - 1 indicators, the first
// category the reference); numeric, binary and two-category columns enter as one column of values or codes.
import type { DataColumn, Dataset } from '../data/types.ts';
import { InvalidInputError } from '../errors.ts';
import type { ModelTarget } from '../models/column-model.ts';

export interface ActiveColumn {
  /** Index in the table. */
  index: number;
  name: string;
  type: DataColumn['type'];
  /** Category labels (null for numeric columns and binary columns of 0/1 numbers). */
  categories: string[] | null;
  target: ModelTarget;
  missing: number;
}

export interface ColumnSelection {
  /** Columns that predict (and, when they have missing cells, are imputed), in table order. */
  active: ActiveColumn[];
  warnings: string[];
}

export interface ColumnChoice {
  /** Columns never used (as predictor or target), by name. */
  exclude?: readonly string[];
  /** The outcome column, by name (never a predictor); besides any column whose role is 'outcome'. */
  outcome?: string;
}

export function targetOf(column: Pick<DataColumn, 'type' | 'categories' | 'values'>): ModelTarget {
  if (column.type === 'numeric') return { kind: 'numeric' };
  if (column.categories) return { kind: 'categorical', classes: Math.max(2, column.categories.length) };
  let max = 1;
  for (const v of column.values) if (v > max) max = v;
  return { kind: 'categorical', classes: max + 1 };
}

/** Checks that every named column exists; the message names the unknown ones and lists the table's columns. */
export function checkColumnNames(table: Dataset, names: readonly string[], field: string): void {
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const list = table.columns.map((c) => c.name).join(', ');
    throw new InvalidInputError(`${field}: no column named ${unknown.map((n) => `"${n}"`).join(', ')}; the table's columns are ${list}.`, {
      field,
      value: unknown,
      allowed: list,
    });
  }
}

export function selectColumns(table: Dataset, choice: ColumnChoice = {}): ColumnSelection {
  const exclude = new Set(choice.exclude ?? []);
  checkColumnNames(table, [...exclude], 'exclude');
  if (choice.outcome !== undefined) checkColumnNames(table, [choice.outcome], 'outcome');
  const warnings: string[] = [];
  const active: ActiveColumn[] = [];
  table.columns.forEach((c, index) => {
    let missing = 0;
    for (const v of c.values) if (v !== v) missing++;
    const passive = c.role === 'outcome' || c.name === choice.outcome || c.role === 'identifier' || exclude.has(c.name);
    if (!passive && c.role !== 'ignored' && missing === table.rows) {
      warnings.push(`Column "${c.name}" is entirely missing: it is skipped (neither imputed nor used as a predictor).`);
      return;
    }
    if (passive || c.role === 'ignored') {
      if (missing > 0 && c.role !== 'ignored')
        warnings.push(
          `Column "${c.name}" (${exclude.has(c.name) ? 'excluded' : c.name === choice.outcome ? 'outcome' : c.role}) has ${missing} missing cells; they are left empty.`,
        );
      return;
    }
    active.push({ index, name: c.name, type: c.type, categories: c.categories ? [...c.categories] : null, target: targetOf(c), missing });
  });
  return { active, warnings };
}

/** The encoded predictor columns each active column contributes: 1, or k - 1 indicators for k >= 3 categories. */
export function encodedWidth(column: Pick<ActiveColumn, 'target'>): number {
  return column.target.kind === 'categorical' && column.target.classes > 2 ? column.target.classes - 1 : 1;
}

/** Encoded predictor k (0..width-1) of a value: the value itself, or the indicator of category k + 1. */
export function encodedValue(v: number, width: number, k: number): number {
  return width === 1 ? v : v === k + 1 ? 1 : 0;
}
