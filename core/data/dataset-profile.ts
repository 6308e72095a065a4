// Profiling a typed dataset: per-column statistics, category counts, histograms, the missingness matrix (an even,
// deterministic sample of at most `maxMatrixRows` rows) and the most frequent missingness patterns. Pure. Written as
// work steps (core/pacer.ts): profileDataset runs them at once, profileDatasetAsync yields between columns.
import { runSteps, runStepsPaced, type Steps } from '../pacer.ts';
import type { ColumnProfile, ColumnStats, DataColumn, Dataset, DatasetProfile, Histogram, MissingnessMatrix, MissingnessPattern } from './types.ts';

export interface DatasetProfileOptions {
  /** Rows shown in the missingness matrix; larger tables are sampled evenly. Default 400. */
  maxMatrixRows?: number;
  /** Most frequent missingness patterns kept. Default 20. */
  maxPatterns?: number;
  /** Histogram bins for numeric columns (fewer when the column has fewer distinct values). Default 20. */
  bins?: number;
  /** Category counts kept per column, most frequent first. Default 50. */
  maxCategories?: number;
}

export const DATASET_PROFILE_DEFAULTS: Required<DatasetProfileOptions> = { maxMatrixRows: 400, maxPatterns: 20, bins: 20, maxCategories: 50 };

export function profileDataset(dataset: Dataset, options: DatasetProfileOptions = {}): DatasetProfile {
  return runSteps(profileDatasetSteps(dataset, options));
}

/** profileDataset for large tables: yields to the event loop between columns, reports the fraction done, stops on `signal`. */
export function profileDatasetAsync(
  dataset: Dataset,
  options: DatasetProfileOptions = {},
  run: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<DatasetProfile> {
  return runStepsPaced(profileDatasetSteps(dataset, options), run);
}

/** Share of the profile's time spent on the column profiles (sorting each column); the rest finds the patterns. */
const COLUMNS_SHARE = 0.7;

function* profileDatasetSteps(dataset: Dataset, options: DatasetProfileOptions): Steps<DatasetProfile> {
  const opts = { ...DATASET_PROFILE_DEFAULTS, ...options };
  const ncol = dataset.columns.length;
  const columnProfiles: ColumnProfile[] = [];
  for (let j = 0; j < ncol; j++) {
    yield (COLUMNS_SHARE * j) / ncol;
    columnProfiles.push(profileColumn(dataset.columns[j], j, opts));
  }
  const missingCells = columnProfiles.reduce((s, p) => s + p.missing, 0);
  const patterns = yield* allMissingnessPatterns(dataset, (j) => COLUMNS_SHARE + ((1 - COLUMNS_SHARE) * j) / Math.max(1, ncol));
  return {
    rows: dataset.rows,
    columns: dataset.columns.length,
    missingCells,
    columnProfiles,
    missingness: missingnessMatrix(dataset, opts.maxMatrixRows),
    patterns: patterns.slice(0, opts.maxPatterns),
    patternCount: patterns.length,
  };
}

export function profileColumn(column: DataColumn, index: number, options: DatasetProfileOptions = {}): ColumnProfile {
  const opts = { ...DATASET_PROFILE_DEFAULTS, ...options };
  const { values } = column;
  const observed = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) observed[k++] = v;
  }
  const sorted = observed.subarray(0, k).sort();
  let distinct = 0;
  for (let i = 0; i < k; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const base = { index, name: column.name, type: column.type, role: column.role, missing: values.length - k, distinct };
  if (k === 0) return { ...base, stats: null, categories: null, histogram: null };

  const stats = column.type === 'categorical' ? null : sortedStats(sorted);
  let categories: ColumnProfile['categories'] = null;
  if (column.type !== 'numeric') {
    const counts = new Map<number, number>();
    for (let i = 0; i < k; i++) counts.set(sorted[i], (counts.get(sorted[i]) ?? 0) + 1);
    const label = (v: number) => (column.categories ? (column.categories[v] ?? String(v)) : String(v));
    categories = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, opts.maxCategories)
      .map(([v, count]) => ({ value: label(v), count }));
  }
  const histogram = column.type === 'numeric' ? histogramOf(sorted, Math.max(1, Math.min(opts.bins, distinct))) : null;
  return { ...base, stats, categories, histogram };
}

/** min, max, mean, sample sd and median of ascending values (at least one). */
export function sortedStats(sorted: Float64Array): ColumnStats {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { min: sorted[0], max: sorted[n - 1], mean, sd, median };
}

/** Equal-width bins from min to max; the last bin includes max. A constant column gets one bin [v - 0.5, v + 0.5]. */
export function histogramOf(sorted: Float64Array, bins: number): Histogram {
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  if (min === max) return { edges: [min - 0.5, max + 0.5], counts: [sorted.length] };
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b === bins ? max : min + b * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < sorted.length; i++) {
    let b = Math.floor((sorted[i] - min) / width);
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  return { edges, counts };
}

/** Rows 0..n-1 when n <= maxRows, else floor(i * n / maxRows) for i < maxRows: even and deterministic. */
export function sampleRows(n: number, maxRows: number): number[] {
  if (n <= maxRows) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: maxRows }, (_, i) => Math.floor((i * n) / maxRows));
}

export function missingnessMatrix(dataset: Dataset, maxRows = DATASET_PROFILE_DEFAULTS.maxMatrixRows): MissingnessMatrix {
  const rows = sampleRows(dataset.rows, maxRows);
  const missing = rows.map((r) => {
    const cols: number[] = [];
    dataset.columns.forEach((c, j) => {
      if (Number.isNaN(c.values[r])) cols.push(j);
    });
    return cols;
  });
  return { rows, missing, sampled: rows.length < dataset.rows };
}

/** The most frequent sets of missing columns (the empty set = complete rows), most frequent first. */
export function missingnessPatterns(dataset: Dataset, max = DATASET_PROFILE_DEFAULTS.maxPatterns): MissingnessPattern[] {
  return runSteps(allMissingnessPatterns(dataset, () => 0)).slice(0, max);
}

/** Every distinct set of missing columns with its row count, most frequent first; yields `at(j)` before column j. */
function* allMissingnessPatterns(dataset: Dataset, at: (column: number) => number): Steps<MissingnessPattern[]> {
  const n = dataset.rows;
  const ncol = dataset.columns.length;
  let entries: { columns: number[]; count: number }[];
  if (ncol <= 52) {
    // A row's pattern as an exact integer: the sum of 2^j over its missing columns.
    const keys = new Float64Array(n);
    for (let j = 0; j < ncol; j++) {
      yield at(j);
      const v = dataset.columns[j].values;
      const bit = 2 ** j;
      for (let i = 0; i < n; i++) if (v[i] !== v[i]) keys[i] += bit;
    }
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(keys[i], (counts.get(keys[i]) ?? 0) + 1);
    entries = [...counts.entries()].map(([key, count]) => {
      const columns: number[] = [];
      for (let j = 0; j < ncol; j++) if (Math.floor(key / 2 ** j) % 2 === 1) columns.push(j);
      return { columns, count };
    });
  } else {
    const keys: string[] = new Array<string>(n).fill('');
    for (let j = 0; j < ncol; j++) {
      yield at(j);
      const v = dataset.columns[j].values;
      const tag = `${j},`;
      for (let i = 0; i < n; i++) if (v[i] !== v[i]) keys[i] += tag;
    }
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) counts.set(keys[i], (counts.get(keys[i]) ?? 0) + 1);
    entries = [...counts.entries()].map(([key, count]) => ({ columns: key === '' ? [] : key.slice(0, -1).split(',').map(Number), count }));
  }
  return entries.sort((a, b) => b.count - a.count || a.columns.length - b.columns.length || compareLists(a.columns, b.columns));
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
