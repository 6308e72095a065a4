// Dataset DTOs: what the renderer, the CLI and the web host exchange about datasets. JSON-safe.
import { z } from 'zod';

export const COLUMN_TYPES = ['numeric', 'categorical', 'binary'] as const;
export const COLUMN_ROLES = ['feature', 'identifier', 'outcome', 'ignored'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** Upper bound on an imported file (bytes of text). Larger files are refused with TOO_LARGE. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export interface Histogram {
  /** Bin edges, length bins + 1 (numeric columns). */
  edges: number[];
  counts: number[];
}

export interface ColumnProfile {
  index: number;
  name: string;
  type: ColumnType;
  role: ColumnRole;
  missing: number;
  /** Distinct non-missing values. */
  distinct: number;
  /** Numeric statistics over observed cells (numeric and binary columns); null when all cells are missing. */
  stats: { min: number; max: number; mean: number; sd: number; median: number } | null;
  /** Value counts for categorical and binary columns (most frequent first, at most 50). */
  categories: { value: string; count: number }[] | null;
  histogram: Histogram | null;
}

export interface MissingnessPattern {
  /** Indices of the columns missing in this pattern (empty: complete rows). */
  columns: number[];
  count: number;
}

export interface MissingnessMatrix {
  /** Row numbers (0-based data rows) of the sampled rows, ascending; all rows when the table is small. */
  rows: number[];
  /** For each sampled row, the indices of its missing columns. */
  missing: number[][];
  /** True when rows were sampled (table larger than the sample size). */
  sampled: boolean;
}

export interface DatasetSummary {
  id: number;
  name: string;
  rows: number;
  columns: number;
  missingCells: number;
  /** Original file name, or 'bundled sample' / 'synthetic'. */
  source: string;
  createdAt: string; // ISO 8601
  /** Warnings from import, e.g. an all-missing column. */
  warnings: string[];
}

export interface DatasetDetail extends DatasetSummary {
  columnProfiles: ColumnProfile[];
  missingness: MissingnessMatrix;
  patterns: MissingnessPattern[];
  /** The dataset's missing-value tokens (besides the empty cell). */
  missingTokens: string[];
  /** Delimiter detected at import. */
  delimiter: string;
}

export const datasetId = z.number().int().positive();

export const importDatasetRequest = z.object({
  /** File name as the user chose it; used for the default dataset name and as `source`. */
  fileName: z.string().min(1).max(512),
  /** The whole file as text. */
  content: z.string(),
  /** Dataset name; defaults to the file name without extension. */
  name: z.string().trim().min(1).max(200).optional(),
  /** Extra missing-value tokens, besides the defaults (empty, NA, NaN, ?). */
  missingTokens: z.array(z.string().max(64)).max(100).optional(),
  /** Name of the outcome column (e.g. 'death'); guessed when absent. */
  outcome: z.string().max(200).optional(),
});
export type ImportDatasetRequest = z.infer<typeof importDatasetRequest>;

export const renameDatasetRequest = z.object({ id: datasetId, name: z.string().trim().min(1).max(200) });
export const datasetIdRequest = z.object({ id: datasetId });

export interface ExportedCsv {
  fileName: string;
  content: string;
}
