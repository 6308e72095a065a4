// Dataset DTOs: what the renderer, the CLI and the web host exchange about datasets. JSON-safe.
import { z } from 'zod';

// Column and profile shapes are defined once, in core/data (the profiler produces them); the contract re-exports them.
export { COLUMN_ROLES, COLUMN_TYPES } from '../../core/data/types.ts';
export type { ColumnProfile, ColumnRole, ColumnStats, ColumnType, Histogram, MissingnessMatrix, MissingnessPattern } from '../../core/data/types.ts';
import type { ColumnProfile, MissingnessMatrix, MissingnessPattern } from '../../core/data/types.ts';

/** Upper bound on an imported file (bytes of text). Larger files are refused with TOO_LARGE. */
export { DEFAULT_MAX_IMPORT_BYTES as MAX_IMPORT_BYTES } from '../../core/data/types.ts';

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
  /** The most frequent missingness patterns. */
  patterns: MissingnessPattern[];
  /** How many distinct missingness patterns the dataset has in all. */
  patternCount: number;
  /** The dataset's missing-value tokens (besides the empty cell). */
  missingTokens: string[];
  /** Delimiter detected at import. */
  delimiter: string;
}

/** Longest dataset name (and outcome column name) a request may carry; the forms' maxlength. */
export const MAX_NAME_LENGTH = 200;

export const datasetId = z.number().int().positive();

/** The options of an import, whichever way its bytes come (a JSON request, an upload, a local file). */
const importOptions = z.object({
  /** File name as the user chose it; used for the default dataset name and as `source`. */
  fileName: z.string().min(1).max(512),
  /**
   * Import even though an extra missing-value token would blank cells of the outcome column or more than a third of
   * a column; without it such an import is refused with CONFLICT, field 'missingTokens', and nothing is written.
   */
  confirmMissingTokens: z.boolean().optional(),
  /** Dataset name; defaults to the file name without extension. */
  name: z.string().trim().min(1).max(MAX_NAME_LENGTH).optional(),
  /** Extra missing-value tokens, besides the defaults (empty, NA, NaN, ?). */
  missingTokens: z.array(z.string().max(64)).max(100).optional(),
  /** Name of the outcome column (e.g. 'death'); guessed when absent. */
  outcome: z.string().max(MAX_NAME_LENGTH).optional(),
});

export const importDatasetRequest = importOptions.extend({
  /**
   * The whole file as text, decoded by the sender with core/data/decode.ts (the renderer and the CLI share that rule).
   * Text rather than base64 bytes: the request stays about the size of the file for the HTTP body limit, and the
   * host never decodes twice; `encoding` says what the text was decoded from, so the import can warn about it.
   */
  content: z.string(),
  /** The encoding the file was decoded from (a WHATWG label, e.g. 'windows-1252'); unknown labels are VALIDATION. */
  encoding: z.string().max(64).optional(),
  /** True when `encoding` was detected rather than chosen: the dataset then carries a warning naming it. */
  encodingDetected: z.boolean().optional(),
});
export type ImportDatasetRequest = z.infer<typeof importDatasetRequest>;

export const renameDatasetRequest = z.object({ id: datasetId, name: z.string().trim().min(1).max(MAX_NAME_LENGTH) });
export const datasetIdRequest = z.object({ id: datasetId });
export const exportCsvRequest = z.object({
  id: datasetId,
  /** Write text cells exactly as stored; by default cells starting with = + - @ tab or CR are neutralised (OWASP). */
  raw: z.boolean().optional(),
});
export type ExportCsvRequest = z.infer<typeof exportCsvRequest>;

export interface ExportedCsv {
  fileName: string;
  content: string;
}

/** The run kind that imports a file as a dataset in a worker (runs.start). */
export const IMPORT_RUN_KIND = 'import';

/**
 * An upload's id, as the web host's `POST /api/uploads` answers it: the uploading process's pid and 128 random bits,
 * so any host on the database finds the file and the next start can tell an abandoned one. Never a path.
 */
export const UPLOAD_ID_PATTERN = /^[1-9][0-9]{0,9}-[A-Za-z0-9_-]{22}$/;

/** `POST /api/uploads?name=FILE` with the file's bytes as body (application/octet-stream) answers this. */
export interface UploadedFile {
  uploadId: string;
  bytes: number;
}

/** Where an import's bytes are: a file uploaded to the web host, or a local path (the desktop app, the CLI). */
export const importSource = z.union([
  z.object({ uploadId: z.string().regex(UPLOAD_ID_PATTERN, 'must be the uploadId that POST /api/uploads answered') }).strict(),
  z.object({ path: z.string().min(1).max(4096) }).strict(),
]);
export type ImportSource = z.infer<typeof importSource>;

/**
 * The configuration of an import run: the import options, where the bytes are, and their encoding. The worker
 * decodes the bytes (core/data/decode.ts), so the text never crosses the API.
 */
export const importDatasetConfig = importOptions
  .extend({
    source: importSource,
    /** 'detect' (the default: UTF-8, else guessed, with a warning) or a WHATWG encoding label, e.g. 'windows-1252'. */
    encoding: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type ImportDatasetConfig = z.input<typeof importDatasetConfig>;

/** A dataset's default name: its file's name without folder and extension. */
export function defaultDatasetName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(csv|tsv|txt)$/i, '').trim();
  return (stem || base || 'dataset').slice(0, MAX_NAME_LENGTH);
}
