// Datasets over the experiment database: import (CSV text -> typed, profiled dataset, written in one transaction),
// list, get, rename, delete, export, and the typed cells for later computations (load). Synchronous: better-sqlite3;
// importCsvCancellable yields between its phases so that a cancellation (Ctrl+C) can stop it before anything is written.
// Names are unique: an import whose name is taken gets a suffix (" (2)", " (3)", ...); a rename to a taken name
// is refused with CONFLICT.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, encodingWarning, normalizeEncoding, parseCsv, profileDataset, toCsv } from '../../../core/data/index.ts';
import type { DataColumn, Dataset, DatasetProfile } from '../../../core/data/index.ts';
import { MAX_IMPORT_BYTES } from '../../contract/datasets.ts';
import type { ColumnType, DatasetDetail, DatasetSummary, ExportCsvRequest, ExportedCsv, ImportDatasetRequest } from '../../contract/datasets.ts';
import { LabError, throwIfAborted } from '../../../core/errors.ts';
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
  idx: number;
  name: string;
  type: ColumnType;
  role: DataColumn['role'];
  categories: string | null;
  cells: Buffer;
}

const SUMMARY_COLUMNS = 'id, name, source, created_at, row_count, column_count, missing_cells, warnings';

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
    const rows = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets ORDER BY id`).all() as DatasetRow[];
    return rows.map(toSummary);
  }

  get(id: number): DatasetDetail {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS}, delimiter, missing_tokens, profile FROM datasets WHERE id = ?`).get(id) as
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
    const dataset = this.parseImport(request);
    return this.insertDataset(dataset, this.importMeta(request, options.source));
  }

  /**
   * importCsv in phases (parse, profile, write) with a turn of the event loop before each, so that `signal` (the
   * CLI's Ctrl+C) is seen: once aborted, nothing is written (CANCELLED). Nothing is checked after the write began.
   */
  async importCsvCancellable(request: ImportDatasetRequest, options: { source?: string; signal?: AbortSignal } = {}): Promise<DatasetSummary> {
    const phase = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfAborted(options.signal);
    };
    await phase();
    const dataset = this.parseImport(request);
    await phase();
    const profile = profileDataset(dataset);
    await phase();
    return this.insertDataset(dataset, this.importMeta(request, options.source), profile);
  }

  /** The typed dataset of an import request; every refusal names the file (CSV_INVALID, TOO_LARGE, CONFLICT, VALIDATION). */
  private parseImport(request: ImportDatasetRequest): Dataset {
    try {
      const encoding = request.encoding === undefined ? undefined : normalizeEncoding(request.encoding);
      const dataset = parseCsv(request.content, {
        missingTokens: request.missingTokens,
        outcome: request.outcome,
        maxBytes: this.maxImportBytes,
        confirmMissingTokens: request.confirmMissingTokens,
      });
      const warning = encoding === undefined ? null : encodingWarning({ encoding, detected: request.encodingDetected === true });
      if (warning) dataset.warnings.unshift(warning);
      return dataset;
    } catch (e) {
      if (!(e instanceof LabError)) throw e;
      throw new LabError(e.code, `Cannot import "${request.fileName}": ${e.message}`, {
        ...(e.field !== undefined ? { field: e.field } : {}),
        ...(e.value !== undefined ? { value: e.value } : {}),
        ...(e.allowed !== undefined ? { allowed: e.allowed } : {}),
        details: { fileName: request.fileName, ...e.details },
      });
    }
  }

  private importMeta(request: ImportDatasetRequest, source: string | undefined): InsertDatasetMeta {
    return { name: request.name?.trim() || defaultName(request.fileName), source: source ?? request.fileName };
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
    const row = this.db.prepare('SELECT row_count, delimiter, missing_tokens, warnings FROM datasets WHERE id = ?').get(id) as
      { row_count: number; delimiter: string; missing_tokens: string; warnings: string } | undefined;
    if (!row) throw notFound(id);
    const cols = this.db
      .prepare('SELECT idx, name, type, role, categories, cells FROM dataset_columns WHERE dataset_id = ? ORDER BY idx')
      .all(id) as ColumnRow[];
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
        values: toFloat64(c.cells),
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
    const info = this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    if (info.changes === 0) throw notFound(id);
    return { id };
  }

  /** CSV text; cells a spreadsheet would run as formulas are neutralised unless `raw` (core/data/export.ts). */
  exportCsv(id: number, options: Pick<ExportCsvRequest, 'raw'> = {}): ExportedCsv {
    const { name } = this.summary(id);
    return { fileName: `${safeFileName(name)}.csv`, content: toCsv(this.load(id), { raw: options.raw === true }) };
  }

  summary(id: number): DatasetSummary {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE id = ?`).get(id) as DatasetRow | undefined;
    if (!row) throw notFound(id);
    return toSummary(row);
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

/** Copies a BLOB into an aligned Float64Array (a Buffer's offset need not be a multiple of 8). */
function toFloat64(buf: Buffer): Float64Array {
  const out = new Float64Array(buf.byteLength / 8);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function defaultName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(csv|tsv|txt)$/i, '').trim();
  return (stem || base || 'dataset').slice(0, 200);
}

function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || 'dataset';
}
