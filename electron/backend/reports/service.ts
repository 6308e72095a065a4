// Reports over the experiment database: builds a run's or a saved comparison's report in any format, records every
// export (reports table, migration v9) and gives the file back to reopen it. An export from the app keeps the file in
// the database; `qnnlab report --out FILE` writes the file through a temporary one renamed in the transaction that
// records it, so a report is either whole and listed or not there at all.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LabError } from '../../../core/errors.ts';
import type { ComparisonDetail } from '../../contract/comparisons.ts';
import {
  exportReportRequest,
  REPORT_MEDIA_TYPES,
  type ExportReportRequest,
  type ReportFile,
  type ReportFormat,
  type ReportSummary,
} from '../../contract/reports.ts';
import { writeTransaction, type Database } from '../db/database.ts';
import { SCHEMA_VERSION } from '../db/migrations.ts';
import type { DatasetService } from '../services/datasets.ts';
import type { RunService } from '../services/runs.ts';
import { Pacer } from '../../../core/pacer.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import { renameField } from '../../workers/kinds/fields.ts';
import { reportChartTheme } from './chart-svg.ts';
import { buildComparisonReport } from './comparison-report.ts';
import { renderHtml, type ReportDocument } from './document.ts';
import { metricPages, metricsCsv, reportJson } from './exports.ts';
import type { PdfPrinter } from './pdf.ts';
import { buildRunReport, type ReportSources } from './run-report.ts';

export type ReportSubject = { runId: number; comparisonId?: undefined } | { comparisonId: number; runId?: undefined };

export interface BuiltReport {
  title: string;
  format: ReportFormat;
  fileName: string;
  bytes: Uint8Array;
}

export interface ReportProgress {
  (fraction: number, label: string): void;
}

export interface ReportServiceOptions {
  db: Database;
  runs: RunService;
  datasets: DatasetService;
  /** Saved comparisons (services/comparisons.ts: their stored statistics); absent: comparison reports are refused. */
  comparisons?: { get(request: { id: number }): ComparisonDetail };
  version: string;
  /** The host's PDF printer (Electron's printToPDF, or Chromium); absent: PDF is refused with what to install. */
  pdf?: PdfPrinter;
  now?: () => Date;
}

interface ReportRow {
  id: number;
  title: string;
  format: ReportFormat;
  run_id: number | null;
  comparison_id: number | null;
  file_name: string | null;
  bytes: number | null;
  path: string | null;
  stored: number;
  created_at: string;
  app_version: string | null;
}

const SUMMARY_COLUMNS = 'id, title, format, run_id, comparison_id, file_name, bytes, path, content IS NOT NULL AS stored, created_at, app_version';

function toSummary(r: ReportRow): ReportSummary {
  return {
    id: r.id,
    title: r.title,
    format: r.format,
    runId: r.run_id,
    comparisonId: r.comparison_id,
    fileName: r.file_name ?? `report-${r.id}.${r.format}`,
    bytes: r.bytes ?? 0,
    path: r.path,
    stored: r.stored === 1,
    createdAt: r.created_at,
    appVersion: r.app_version,
  };
}

const encoder = new TextEncoder();

export class ReportService {
  private readonly now: () => Date;

  constructor(private readonly options: ReportServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private sources(): ReportSources {
    const { runs, datasets, version } = this.options;
    return { runs, datasets, version, schemaVersion: SCHEMA_VERSION, theme: reportChartTheme() };
  }

  /** The report's content, as data (what every format is made from). */
  document(subject: ReportSubject): ReportDocument {
    if (subject.runId !== undefined) return buildRunReport(this.sources(), subject.runId);
    const comparisons = this.options.comparisons;
    if (!comparisons) throw new LabError('UNAVAILABLE', 'This host keeps no comparisons, so it cannot report one.', { field: 'comparisonId' });
    let comparison: ComparisonDetail;
    try {
      comparison = comparisons.get({ id: subject.comparisonId });
    } catch (e) {
      throw renameField(e, (f) => (f === 'id' ? 'comparisonId' : f));
    }
    return buildComparisonReport(this.sources(), comparison);
  }

  /** Builds a report in a format; the host's event loop keeps turning between charts and while a PDF prints. */
  async build(request: ExportReportRequest, signal?: AbortSignal, onProgress: ReportProgress = () => {}): Promise<BuiltReport> {
    const { format, ...subject } = parseOrThrow(exportReportRequest, request, 'Report request');
    if (format === 'pdf' && !this.options.pdf) {
      throw new LabError('UNAVAILABLE', 'This host cannot print PDF. Export the report as HTML and print it from a browser.', {
        field: 'format',
        value: format,
      });
    }
    onProgress(0, 'reading the database');
    const doc = this.document(subject as ReportSubject);
    const meta = { generatedAt: this.now().toISOString(), version: this.options.version, schemaVersion: SCHEMA_VERSION };
    const fileName = `${doc.baseName}.${format}`;
    const built = (bytes: Uint8Array): BuiltReport => ({ title: doc.title, format, fileName, bytes });
    const pages = () => metricPages(this.options.db, doc.metrics, signal);
    if (format === 'csv') return built(await metricsCsv(pages()));
    if (format === 'json') return built(await reportJson(doc, meta, pages()));
    onProgress(0.1, 'drawing the charts');
    await new Pacer(signal).pause(); // the database reads above and the charts below in separate turns of the loop
    const footer = `Written by QNN Lab ${meta.version} on ${meta.generatedAt} from the experiment database (schema ${meta.schemaVersion}).`;
    const html = await renderHtml(doc, footer, signal);
    if (format === 'html') return built(encoder.encode(html));
    onProgress(0.5, 'printing the PDF');
    return built(await this.options.pdf!(html, signal));
  }

  /** Builds and records a report, keeping its file in the database (the app's exports). */
  async export(request: ExportReportRequest, signal?: AbortSignal, onProgress?: ReportProgress): Promise<ReportSummary> {
    const report = await this.build(request, signal, onProgress);
    return this.record(request, report, { content: report.bytes, path: null });
  }

  /**
   * Builds a report and writes it to `out` (`qnnlab report`): a temporary file beside it, renamed in the transaction
   * that records the export. A failure leaves neither the file nor the record.
   */
  async exportToFile(request: ExportReportRequest, out: string, signal?: AbortSignal, onProgress?: ReportProgress): Promise<ReportSummary> {
    const path = resolve(out);
    const report = await this.build(request, signal, onProgress);
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, report.bytes);
      return this.record(request, report, { content: null, path }, () => renameSync(tmp, path));
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  private record(
    request: ExportReportRequest,
    report: BuiltReport,
    where: { content: Uint8Array | null; path: string | null },
    inTransaction?: () => void,
  ): ReportSummary {
    return writeTransaction(this.options.db, () => {
      const info = this.options.db
        .prepare(
          `INSERT INTO reports (title, format, run_id, comparison_id, config, content, created_at, file_name, bytes, path, app_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          report.title,
          report.format,
          request.runId ?? null,
          request.comparisonId ?? null,
          JSON.stringify({ format: report.format }),
          where.content === null ? null : Buffer.from(where.content),
          this.now().toISOString(),
          report.fileName,
          report.bytes.length,
          where.path,
          this.options.version,
        );
      inTransaction?.();
      return this.get(Number(info.lastInsertRowid));
    });
  }

  get(id: number): ReportSummary {
    const row = this.options.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reports WHERE id = ?`).get(id) as ReportRow | undefined;
    if (!row)
      throw new LabError('NOT_FOUND', `There is no report ${id}. It may have been deleted; the Reports page lists the others.`, { field: 'id', value: id });
    return toSummary(row);
  }

  /** The newest reports first. */
  list(limit: number): ReportSummary[] {
    return (this.options.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reports ORDER BY id DESC LIMIT ?`).all(limit) as ReportRow[]).map(toSummary);
  }

  /** A report's file: from the database, or from where `qnnlab report` wrote it. */
  file(id: number): { fileName: string; mediaType: string; bytes: Uint8Array } {
    const summary = this.get(id);
    const row = this.options.db.prepare('SELECT content FROM reports WHERE id = ?').get(id) as { content: Buffer | null };
    let bytes: Uint8Array;
    if (row.content !== null) bytes = row.content;
    else {
      try {
        bytes = readFileSync(summary.path!);
      } catch (e) {
        throw new LabError(
          'NOT_FOUND',
          `Report ${id} was written to ${summary.path}, which can no longer be read (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}): it was moved or deleted. Export the report again.`,
          { field: 'id', value: id },
        );
      }
    }
    return { fileName: summary.fileName, mediaType: REPORT_MEDIA_TYPES[summary.format], bytes };
  }

  /** The file for a transport that carries JSON. */
  fileBase64(id: number): ReportFile {
    const f = this.file(id);
    return { fileName: f.fileName, mediaType: f.mediaType, base64: Buffer.from(f.bytes).toString('base64') };
  }

  /** Forgets a report (a file `qnnlab report` wrote stays where it is). */
  delete(id: number): { id: number } {
    return writeTransaction(this.options.db, () => {
      this.get(id);
      this.options.db.prepare('DELETE FROM reports WHERE id = ?').run(id);
      return { id };
    });
  }
}
