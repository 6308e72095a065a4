// A dataset a worker made (an imported file, an imputed table) on its way to the host, which stores it: the worker
// sends every column's cells and category labels as artifacts, in slices, ahead of a small result holding the
// dataset's shape and profile; the host checks the result and every slice (a worker is never trusted) and puts the
// dataset together a slice at a time, with a turn of the event loop between (a 200 MB dataset would otherwise hold the
// host while it is copied). Shared by the import and apply-imputer kinds.
import { z } from 'zod';
import { COLUMN_ROLES, COLUMN_TYPES, type DataColumn, type Dataset } from '../../../core/data/types.ts';
import { describeRejected, MAX_CHUNK_BYTES } from '../../contract/run-protocol.ts';
import type { LabError } from '../../../core/errors.ts';
import { Pacer } from '../../../core/pacer.ts';
import type { Completion, RunContext } from './types.ts';

/** Rows per artifact slice of a column (4 MiB of cells), and labels per slice of a column's categories. */
export const SLICE_ROWS = 2 ** 19;
export const SLICE_LABELS = 100_000;

const finite = z.number().refine(Number.isFinite, 'must be finite');
const count = z.number().int().nonnegative();

/** A dataset without its cells and labels (a categorical column says how many labels it has): what a result carries. */
export const datasetShape = z.object({
  rows: count,
  delimiter: z.string().max(4),
  missingTokens: z.array(z.string()),
  warnings: z.array(z.string()),
  columns: z.array(z.object({ name: z.string(), type: z.enum(COLUMN_TYPES), role: z.enum(COLUMN_ROLES), categories: count.nullable() })),
});
export type DatasetShape = z.infer<typeof datasetShape>;

const columnProfile = z.object({
  index: count,
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  role: z.enum(COLUMN_ROLES),
  missing: count,
  distinct: count,
  stats: z.object({ min: finite, max: finite, mean: finite, sd: finite, median: finite }).nullable(),
  categories: z.array(z.object({ value: z.string(), count })).nullable(),
  histogram: z.object({ edges: z.array(finite), counts: z.array(count) }).nullable(),
});

/** A dataset's profile (core/data/dataset-profile.ts) as a worker sends it. */
export const datasetProfile = z.object({
  rows: count,
  columns: count,
  missingCells: count,
  columnProfiles: z.array(columnProfile),
  missingness: z.object({ rows: z.array(count), missing: z.array(z.array(count)), sampled: z.boolean() }),
  patterns: z.array(z.object({ columns: z.array(count), count })),
  patternCount: count,
});

const artifact = z.union([
  z.object({ column: count, first: count, values: z.instanceof(Float64Array).refine((v) => v.byteLength <= MAX_CHUNK_BYTES, 'is too large') }),
  z.object({ column: count, first: count, labels: z.array(z.string()).max(SLICE_LABELS) }),
]);

/**
 * Sends every column as slices (copies: a structured clone of a subarray would carry its whole buffer), yielding
 * between them so that a cancel is seen; returns the dataset's shape for the result.
 */
export async function sendDataset(dataset: Dataset, ctx: Pick<RunContext, 'artifact' | 'signal'>): Promise<DatasetShape> {
  const pacer = new Pacer(ctx.signal);
  for (const [column, c] of dataset.columns.entries()) {
    for (let first = 0; first < dataset.rows; first += SLICE_ROWS) {
      ctx.artifact({ column, first, values: c.values.slice(first, first + SLICE_ROWS) });
      await pacer.tick();
    }
    for (let first = 0; first < (c.categories?.length ?? 0); first += SLICE_LABELS) {
      ctx.artifact({ column, first, labels: c.categories!.slice(first, first + SLICE_LABELS) });
    }
  }
  return {
    rows: dataset.rows,
    delimiter: dataset.delimiter,
    missingTokens: dataset.missingTokens,
    warnings: dataset.warnings,
    columns: dataset.columns.map((c) => ({ name: c.name, type: c.type, role: c.role, categories: c.categories?.length ?? null })),
  };
}

/**
 * The dataset from its shape and the worker's artifacts, checked slice by slice: every column's cells and labels must
 * arrive in order and cover it exactly; `broken(why)` makes the error when they do not.
 */
export async function assembleDataset(
  shape: DatasetShape,
  completion: Pick<Completion, 'artifacts' | 'signal'>,
  broken: (why: string) => LabError,
): Promise<Dataset> {
  const columns: DataColumn[] = shape.columns.map((c) => ({
    name: c.name,
    type: c.type,
    role: c.role,
    values: new Float64Array(shape.rows),
    categories: c.categories === null ? null : [],
  }));
  const filled = columns.map(() => 0);
  const pacer = new Pacer(completion.signal);
  for (const [k, raw] of completion.artifacts.entries()) {
    const checked = artifact.safeParse(raw);
    if (!checked.success) throw broken(`slice ${k + 1}: ${describeRejected(checked.error, raw)}`);
    const slice = checked.data;
    const c = columns[slice.column];
    if (!c) throw broken(`a slice of column ${slice.column + 1} of ${columns.length}`);
    if ('values' in slice) {
      if (slice.first !== filled[slice.column] || slice.first + slice.values.length > shape.rows) throw broken(`cells out of order in column "${c.name}"`);
      c.values.set(slice.values, slice.first);
      filled[slice.column] += slice.values.length;
    } else {
      if (!c.categories || slice.first !== c.categories.length) throw broken(`labels out of order in column "${c.name}"`);
      for (const label of slice.labels) c.categories.push(label);
    }
    await pacer.pause();
  }
  columns.forEach((c, j) => {
    if (filled[j] !== shape.rows) throw broken(`column "${c.name}" has ${filled[j]} of ${shape.rows} cells`);
    if (c.categories !== null && c.categories.length !== shape.columns[j].categories) throw broken(`column "${c.name}" lacks labels`);
  });
  return { rows: shape.rows, columns, delimiter: shape.delimiter, missingTokens: shape.missingTokens, warnings: shape.warnings };
}
