// The typed in-memory dataset: one Float64Array per column (NaN = missing). Categorical columns, and binary columns
// read from two strings, hold category codes (0, 1, ...) into `categories`. The JSON-safe profile types below are
// also the API contract's (electron/contract/datasets.ts re-exports them).

/** Default upper bound on the imported text, in UTF-8 bytes (the contract's MAX_IMPORT_BYTES). */
export const DEFAULT_MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export const COLUMN_TYPES = ['numeric', 'categorical', 'binary'] as const;
export const COLUMN_ROLES = ['feature', 'identifier', 'outcome', 'ignored'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export interface DataColumn {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  /** One value per row; NaN = missing. Category codes when `categories` is not null. */
  values: Float64Array;
  /** Code -> label for categorical columns and binary columns read from strings; null for numeric values. */
  categories: string[] | null;
}

export interface Dataset {
  rows: number;
  columns: DataColumn[];
  /** Delimiter detected (or given) at import: ',', ';', '\t' or '|'. */
  delimiter: string;
  /** Missing-value tokens used at import besides the empty cell. */
  missingTokens: string[];
  /** Non-fatal findings, e.g. a column that is entirely missing. */
  warnings: string[];
}

export interface Histogram {
  edges: number[];
  counts: number[];
}

export interface ColumnStats {
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single observation. */
  sd: number;
  median: number;
}

export interface ColumnProfile {
  index: number;
  name: string;
  type: ColumnType;
  role: ColumnRole;
  missing: number;
  distinct: number;
  stats: ColumnStats | null;
  categories: { value: string; count: number }[] | null;
  histogram: Histogram | null;
}

export interface MissingnessPattern {
  columns: number[];
  count: number;
}

export interface MissingnessMatrix {
  rows: number[];
  missing: number[][];
  sampled: boolean;
}

export interface DatasetProfile {
  rows: number;
  columns: number;
  missingCells: number;
  columnProfiles: ColumnProfile[];
  missingness: MissingnessMatrix;
  /** The most frequent missingness patterns (at most DATASET_PROFILE_DEFAULTS.maxPatterns). */
  patterns: MissingnessPattern[];
  /** How many distinct patterns the table has in all (patterns holds the most frequent of them). */
  patternCount: number;
}
