// Datasets over the experiment database: import (CSV text -> typed, profiled dataset, written in one transaction),
// list, get, rename, delete, export, and the typed cells for later computations (load). Synchronous: better-sqlite3;
// importCsvCancellable parses and profiles in paced steps (progress, and a cancellation such as Ctrl+C stops it
// within milliseconds, before anything is written).
// A large import (the import run's) is written in slices instead (writeInSlices): a column's cells in chunks of
// rows, a few MiB per transaction with a turn of the event loop between, so it never holds the host for long; the
// dataset stays hidden (pending_pid: the writing process) until one last transaction shows it whole, and a failure,
// a cancel or a crash leaves nothing visible (a host start removes what a dead process left).
// Names are unique: an import whose name is taken gets a suffix (" (2)", " (3)", ...); a rename to a taken name
// is refused with CONFLICT.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeBytes,
  encodingWarning,
  inFile,
  normalizeEncoding,
  parseCsvSteps,
  profileDataset,
  profileDatasetAsync,
  toCsv,
} from '../../../core/data/index.ts';
import type { DataColumn, Dataset, DatasetProfile } from '../../../core/data/index.ts';
import { defaultDatasetName, MAX_IMPORT_BYTES } from '../../contract/datasets.ts';
import type { ColumnType, DatasetDetail, DatasetSummary, ExportCsvRequest, ExportedCsv, ImportDatasetRequest } from '../../contract/datasets.ts';
import { LabError, throwIfAborted } from '../../../core/errors.ts';
import { Pacer, runSteps, runStepsPaced, type Steps } from '../../../core/pacer.ts';
import { sqliteCode, writeTransaction, type Database } from '../db/database.ts';
import { getSetting, setSetting } from './settings.ts';

/** The profile as cached in datasets.profile. Caches written before patternCount existed lack it: they are recomputed. */
type ProfileCache = Pick<DatasetProfile, 'columnProfiles' | 'missingness' | 'patterns' | 'patternCount'>;

interface DatasetRow {
  id: number;
  name: string;
  source: string;
  created_at: string;
  row_count: number;
  column_count: number;
  missing_cells: number;
  warnings: string;
}

interface ColumnRow {
  id: number;
  idx: number;
  name: string;
  type: ColumnType;
  role: DataColumn['role'];
  categories: string | null;
  cells: Buffer;
}

const SUMMARY_COLUMNS = 'id, name, source, created_at, row_count, column_count, missing_cells, warnings';
/** Only datasets written whole are seen: an import writing in slices is hidden until it is complete. */
const VISIBLE = 'pending_pid IS NULL';

/** Bytes of cells per transaction of a sliced write (measured: about 4 ms per MiB, so ~15 ms of the host's time). */
export const SLICE_BYTES = 4 * 2 ** 20;
/** A pending dataset older than this is abandoned whoever wrote it (a write takes seconds). */
export const PENDING_MAX_AGE_MS = 24 * 3600_000;

export interface SliceOptions {
  /** Checked between slices: once it fires, what was written is removed and CANCELLED thrown. */
  signal?: AbortSignal;
  /** The fraction written, after each slice. */
  onProgress?: (fraction: number) => void;
  /** The process writing (default this one): a host start removes pending datasets of processes that are gone. */
  pid?: number;
  sliceBytes?: number;
}

export interface InsertDatasetMeta {
  name: string;
  /** Original file name, 'bundled sample' or 'synthetic'. */
  source: string;
}

export class DatasetService {
  constructor(
    readonly db: Database,
    private readonly now: () => Date = () => new Date(),
    /** Larger CSV texts are refused (TOO_LARGE); the host may lower the contract's MAX_IMPORT_BYTES. */
    readonly maxImportBytes: number = MAX_IMPORT_BYTES,
  ) {}

  list(): DatasetSummary[] {
    const rows = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE ${VISIBLE} ORDER BY id`).all() as DatasetRow[];
    return rows.map(toSummary);
  }

  get(id: number): DatasetDetail {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS}, delimiter, missing_tokens, profile FROM datasets WHERE id = ? AND ${VISIBLE}`).get(id) as
      (DatasetRow & { delimiter: string; missing_tokens: string; profile: string | null }) | undefined;
    if (!row) throw notFound(id);
    const cached = row.profile === null ? null : (JSON.parse(row.profile) as Partial<ProfileCache>);
    const profile = cached?.patternCount !== undefined ? (cached as ProfileCache) : this.recomputeProfile(id);
    return {
      ...toSummary(row),
      columnProfiles: profile.columnProfiles,
      missingness: profile.missingness,
      patterns: profile.patterns,
      patternCount: profile.patternCount,
      missingTokens: JSON.parse(row.missing_tokens) as string[],
      delimiter: row.delimiter,
    };
  }

  /** Parses, types and profiles the CSV text, then stores it in one transaction (nothing is written on failure). */
  importCsv(request: ImportDatasetRequest, options: { source?: string } = {}): DatasetSummary {
    const dataset = runSteps(this.parseImport(request));
    return this.insertDataset(dataset, this.importMeta(request, options.source));
  }

  /**
   * importCsv with progress (the fraction of each phase) and `signal` (the CLI's Ctrl+C) seen every few
   * milliseconds while it parses and profiles: once aborted, nothing is written (CANCELLED). The write is one
   * transaction, not checked.
   */
  async importCsvCancellable(
    request: ImportDatasetRequest,
    options: { source?: string; signal?: AbortSignal; onProgress?: (phase: 'parsing' | 'profiling', fraction: number) => void } = {},
  ): Promise<DatasetSummary> {
    const { signal, onProgress } = options;
    const dataset = await runStepsPaced(this.parseImport(request), { signal, onProgress: (f) => onProgress?.('parsing', f) });
    const profile = await profileDatasetAsync(dataset, {}, { signal, onProgress: (f) => onProgress?.('profiling', f) });
    throwIfAborted(signal);
    return this.insertDataset(dataset, this.importMeta(request, options.source), profile);
  }

  /** The typed dataset of an import request, as work steps; every refusal names the file (CSV_INVALID, TOO_LARGE, CONFLICT, VALIDATION). */
  private *parseImport(request: ImportDatasetRequest): Steps<Dataset> {
    try {
      const encoding = request.encoding === undefined ? undefined : normalizeEncoding(request.encoding);
      const dataset = yield* parseCsvSteps(request.content, {
        missingTokens: request.missingTokens,
        outcome: request.outcome,
        maxBytes: this.maxImportBytes,
        confirmMissingTokens: request.confirmMissingTokens,
      });
      const warning = encoding === undefined ? null : encodingWarning({ encoding, detected: request.encodingDetected === true });
      if (warning) dataset.warnings.unshift(warning);
      return dataset;
    } catch (e) {
      throw inFile(request.fileName, e);
    }
  }

  private importMeta(request: ImportDatasetRequest, source: string | undefined): InsertDatasetMeta {
    return { name: request.name?.trim() || defaultDatasetName(request.fileName), source: source ?? request.fileName };
  }

  /** Stores a typed dataset (imported or generated) with its profile, in one transaction. */
  insertDataset(dataset: Dataset, meta: InsertDatasetMeta, profile: DatasetProfile = profileDataset(dataset)): DatasetSummary {
    const insertDataset = this.db.prepare(
      `INSERT INTO datasets (name, source, created_at, row_count, column_count, missing_cells, delimiter, missing_tokens, warnings, profile)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertColumn = this.db.prepare('INSERT INTO dataset_columns (dataset_id, idx, name, type, role, categories, cells) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const createdAt = this.now().toISOString();
    const id = writeTransaction(this.db, () => {
      const name = this.uniqueName(meta.name);
      const info = insertDataset.run(
        name,
        meta.source,
        createdAt,
        dataset.rows,
        dataset.columns.length,
        profile.missingCells,
        dataset.delimiter,
        JSON.stringify(dataset.missingTokens),
        JSON.stringify(dataset.warnings),
        JSON.stringify(cacheOf(profile)),
      );
      const datasetId = Number(info.lastInsertRowid);
      dataset.columns.forEach((c, j) => {
        if (c.values.length !== dataset.rows) throw new Error(`column "${c.name}" has ${c.values.length} values for ${dataset.rows} rows`);
        const cells = Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength);
        insertColumn.run(datasetId, j, c.name, c.type, c.role, c.categories ? JSON.stringify(c.categories) : null, cells);
      });
      return datasetId;
    });
    return this.summary(id);
  }

  /** The typed dataset (cells as Float64Arrays) for computations. */
  load(id: number): Dataset {
    const row = this.db.prepare(`SELECT row_count, delimiter, missing_tokens, warnings FROM datasets WHERE id = ? AND ${VISIBLE}`).get(id) as
      { row_count: number; delimiter: string; missing_tokens: string; warnings: string } | undefined;
    if (!row) throw notFound(id);
    const cols = this.db
      .prepare('SELECT id, idx, name, type, role, categories, cells FROM dataset_columns WHERE dataset_id = ? ORDER BY idx')
      .all(id) as ColumnRow[];
    const chunks = this.db
      .prepare(
        'SELECT k.column_id, k.first_row, k.cells FROM dataset_cell_chunks k JOIN dataset_columns c ON c.id = k.column_id WHERE c.dataset_id = ? ORDER BY k.column_id, k.first_row',
      )
      .all(id) as { column_id: number; first_row: number; cells: Buffer }[];
    const chunksOf = new Map<number, typeof chunks>();
    for (const k of chunks) {
      const list = chunksOf.get(k.column_id);
      if (list) list.push(k);
      else chunksOf.set(k.column_id, [k]);
    }
    return {
      rows: row.row_count,
      delimiter: row.delimiter,
      missingTokens: JSON.parse(row.missing_tokens) as string[],
      warnings: JSON.parse(row.warnings) as string[],
      columns: cols.map((c) => ({
        name: c.name,
        type: c.type,
        role: c.role,
        categories: c.categories === null ? null : (JSON.parse(c.categories) as string[]),
        values: cellsOf(id, row.row_count, c, chunksOf.get(c.id) ?? []),
      })),
    };
  }

  rename(id: number, name: string): DatasetSummary {
    const wanted = name.trim();
    writeTransaction(this.db, () => {
      this.summary(id);
      const other = this.db.prepare('SELECT id FROM datasets WHERE name = ? AND id <> ?').get(wanted, id) as { id: number } | undefined;
      if (other) throw new LabError('CONFLICT', `A dataset named "${wanted}" already exists (dataset ${other.id}).`, { field: 'name', value: wanted });
      this.db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(wanted, id);
    });
    return this.summary(id);
  }

  delete(id: number): { id: number } {
    const info = this.db.prepare(`DELETE FROM datasets WHERE id = ? AND ${VISIBLE}`).run(id);
    if (info.changes === 0) throw notFound(id);
    return { id };
  }

  /** CSV text; cells a spreadsheet would run as formulas are neutralised unless `raw` (core/data/export.ts). */
  exportCsv(id: number, options: Pick<ExportCsvRequest, 'raw'> = {}): ExportedCsv {
    const { name } = this.summary(id);
    return { fileName: `${safeFileName(name)}.csv`, content: toCsv(this.load(id), { raw: options.raw === true }) };
  }

  summary(id: number): DatasetSummary {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE id = ? AND ${VISIBLE}`).get(id) as DatasetRow | undefined;
    if (!row) throw notFound(id);
    return toSummary(row);
  }

  /**
   * Stores a typed dataset with its profile without holding the host's thread: the dataset row and each column's
   * record first (hidden: pending), then the cells in chunks of rows, SLICE_BYTES per transaction with a turn of the
   * event loop between, then one transaction that names it (unique) and shows it. On a failure or once `signal`
   * fires, what was written is removed (in slices too) and the error thrown: nothing of it is ever seen.
   */
  async writeInSlices(dataset: Dataset, meta: InsertDatasetMeta, profile: DatasetProfile, options: SliceOptions = {}): Promise<DatasetSummary> {
    throwIfAborted(options.signal);
    const pacer = new Pacer(options.signal);
    const sliceBytes = options.sliceBytes ?? SLICE_BYTES;
    const rowsPerChunk = Math.max(1, Math.floor(sliceBytes / 8));
    const totalBytes = dataset.rows * 8 * dataset.columns.length;
    let written = 0;
    let id: number | null = null;
    try {
      id = writeTransaction(this.db, () => {
        const info = this.db
          .prepare(
            `INSERT INTO datasets (name, source, created_at, row_count, column_count, missing_cells, delimiter, missing_tokens, warnings, profile, pending_pid)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            // A placeholder no user's name can clash with: the last transaction gives the real (unique) name.
            `\u0000pending import ${randomBytes(12).toString('hex')}`,
            meta.source,
            this.now().toISOString(),
            dataset.rows,
            dataset.columns.length,
            profile.missingCells,
            dataset.delimiter,
            JSON.stringify(dataset.missingTokens),
            JSON.stringify(dataset.warnings),
            JSON.stringify(cacheOf(profile)),
            options.pid ?? process.pid,
          );
        return Number(info.lastInsertRowid);
      });
      const insertColumn = this.db.prepare(`INSERT INTO dataset_columns (dataset_id, idx, name, type, role, categories, cells) VALUES (?, ?, ?, ?, ?, ?, x'')`);
      const insertChunk = this.db.prepare('INSERT INTO dataset_cell_chunks (column_id, first_row, cells) VALUES (?, ?, ?)');
      // The slices: each column's record, then its cells in chunks; a transaction takes slices up to sliceBytes.
      let pending: (() => number)[] = [];
      let pendingBytes = 0;
      const commit = async () => {
        const batch = pending;
        pending = [];
        pendingBytes = 0;
        written += writeTransaction(this.db, () => batch.reduce((sum, write) => sum + write(), 0));
        options.onProgress?.(totalBytes === 0 ? 1 : written / totalBytes);
        await pacer.pause();
      };
      for (const [j, c] of dataset.columns.entries()) {
        if (c.values.length !== dataset.rows) throw new Error(`column "${c.name}" has ${c.values.length} values for ${dataset.rows} rows`);
        let columnId = 0;
        pending.push(() => {
          columnId = Number(insertColumn.run(id, j, c.name, c.type, c.role, c.categories ? JSON.stringify(c.categories) : null).lastInsertRowid);
          return 0;
        });
        for (let first = 0; first < dataset.rows; first += rowsPerChunk) {
          const cells = c.values.subarray(first, Math.min(dataset.rows, first + rowsPerChunk));
          if (pendingBytes + cells.byteLength > sliceBytes && pendingBytes > 0) await commit();
          pending.push(() => {
            insertChunk.run(columnId, first, Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength));
            return cells.byteLength;
          });
          pendingBytes += cells.byteLength;
        }
      }
      await commit();
      const shownId = id;
      writeTransaction(this.db, () => {
        this.db.prepare('UPDATE datasets SET name = ?, pending_pid = NULL WHERE id = ?').run(this.uniqueName(meta.name), shownId);
      });
      return this.summary(shownId);
    } catch (e) {
      if (id !== null) await this.removeInSlices(id);
      throw e;
    }
  }

  /**
   * Removes pending datasets left by a process that is gone (a crash mid-write), or older than a day whoever wrote
   * them; returns their ids. A host calls it at start.
   */
  removeAbandonedImports(isAlive: (pid: number) => boolean, nowMs = this.now().getTime()): number[] {
    const rows = this.db.prepare('SELECT id, pending_pid, created_at FROM datasets WHERE pending_pid IS NOT NULL').all() as {
      id: number;
      pending_pid: number;
      created_at: string;
    }[];
    const abandoned = rows.filter((r) => !isAlive(r.pending_pid) || nowMs - Date.parse(r.created_at) > PENDING_MAX_AGE_MS).map((r) => r.id);
    for (const id of abandoned) writeTransaction(this.db, () => this.db.prepare('DELETE FROM datasets WHERE id = ? AND pending_pid IS NOT NULL').run(id));
    return abandoned;
  }

  /** Deletes a pending dataset a column at a time (each column's chunks in one short transaction), then its row. */
  private async removeInSlices(id: number): Promise<void> {
    try {
      const columns = this.db.prepare('SELECT id FROM dataset_columns WHERE dataset_id = ?').pluck().all(id) as number[];
      const deleteChunks = this.db.prepare('DELETE FROM dataset_cell_chunks WHERE column_id = ?');
      for (const columnId of columns) {
        writeTransaction(this.db, () => deleteChunks.run(columnId));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      writeTransaction(this.db, () => this.db.prepare('DELETE FROM datasets WHERE id = ? AND pending_pid IS NOT NULL').run(id));
    } catch {
      // It stays hidden; the next host start removes it once this process is gone.
    }
  }

  /** Profiles the stored cells again and caches the result (skipped where it cannot be written: it is only a cache). */
  private recomputeProfile(id: number): ProfileCache {
    const profile = cacheOf(profileDataset(this.load(id)));
    try {
      this.db.prepare('UPDATE datasets SET profile = ? WHERE id = ?').run(JSON.stringify(profile), id);
    } catch (e) {
      if (!sqliteCode(e).startsWith('SQLITE_READONLY') && !sqliteCode(e).startsWith('SQLITE_BUSY')) throw e;
    }
    return profile;
  }

  private uniqueName(base: string): string {
    const taken = this.db.prepare('SELECT 1 FROM datasets WHERE name = ?');
    if (!taken.get(base)) return base;
    for (let k = 2; ; k++) {
      const candidate = `${base} (${k})`;
      if (!taken.get(candidate)) return candidate;
    }
  }
}

const SAMPLES_SETTING = 'samples.imported';
const BUNDLED_SAMPLES = [{ key: 'pbc', file: 'pbc.csv', name: 'pbc (sample)', outcome: 'death' }] as const;

/**
 * Imports the bundled samples the first time the database is opened. Each sample is remembered in the settings once
 * imported, so a user who deletes it does not get it back. Returns the names imported now.
 */
export function ensureBundledSamples(service: DatasetService, samplesDir: string): string[] {
  const done = new Set(getSetting<string[]>(service.db, SAMPLES_SETTING) ?? []);
  const imported: string[] = [];
  for (const sample of BUNDLED_SAMPLES) {
    if (done.has(sample.key)) continue;
    const path = join(samplesDir, sample.file);
    if (!existsSync(path)) continue;
    try {
      const { text: content } = decodeBytes(readFileSync(path));
      // The dataset and the setting that remembers it are written together.
      const summary = writeTransaction(service.db, () => {
        const s = service.importCsv({ fileName: sample.file, content, name: sample.name, outcome: sample.outcome }, { source: 'bundled sample' });
        setSetting(service.db, SAMPLES_SETTING, [...done, sample.key].sort());
        return s;
      });
      done.add(sample.key);
      imported.push(summary.name);
    } catch (e) {
      // A broken sample must not stop the app from starting; it is retried on the next start.
      if (!(e instanceof LabError)) throw e;
      console.warn(`[datasets] bundled sample ${sample.file} was not imported: ${e.message}`);
    }
  }
  return imported;
}

function toSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    rows: row.row_count,
    columns: row.column_count,
    missingCells: row.missing_cells,
    source: row.source,
    createdAt: row.created_at,
    warnings: JSON.parse(row.warnings) as string[],
  };
}

function cacheOf(p: DatasetProfile): ProfileCache {
  return { columnProfiles: p.columnProfiles, missingness: p.missingness, patterns: p.patterns, patternCount: p.patternCount };
}

function notFound(id: number): LabError {
  return new LabError('NOT_FOUND', `Dataset ${id} does not exist.`);
}

/**
 * A column's cells as one aligned Float64Array (a Buffer's offset need not be a multiple of 8): its `cells` BLOB
 * followed by its chunks, each at its first row. DATABASE when they do not cover the dataset's rows exactly.
 */
function cellsOf(datasetId: number, rows: number, column: ColumnRow, chunks: readonly { first_row: number; cells: Buffer }[]): Float64Array {
  const out = new Float64Array(rows);
  const bytes = new Uint8Array(out.buffer);
  let covered = column.cells.byteLength;
  let ok = covered <= bytes.byteLength;
  if (ok) bytes.set(column.cells);
  for (const k of chunks) {
    ok &&= k.first_row * 8 === covered && covered + k.cells.byteLength <= bytes.byteLength;
    if (!ok) break;
    bytes.set(k.cells, covered);
    covered += k.cells.byteLength;
  }
  if (!ok || covered !== bytes.byteLength) {
    throw new LabError(
      'DATABASE',
      `Dataset ${datasetId} is damaged: the cells of its column "${column.name}" do not cover its ${rows} rows. Import the file again.`,
    );
  }
  return out;
}

function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || 'dataset';
}
