// A report's machine-readable exports: its metrics as CSV (one row per point, long format) and everything as JSON.
// Numbers are written exactly (JavaScript's shortest round-trip form); text a spreadsheet would run as a formula is
// neutralised as the dataset export does (core/data/export.ts).
import { isFormulaLike } from '../../../core/data/export.ts';
import type { MetricRow, ReportDocument } from './document.ts';

const CSV_COLUMNS = ['run_id', 'run_name', 'method', 'seed', 'metric', 'step', 'value'] as const;

function csvText(s: string): string {
  const safe = isFormulaLike(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== safe.trim() || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvNumber = (v: number | null) => (v === null || !Number.isFinite(v) ? '' : String(v));

export function metricsCsv(rows: readonly MetricRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [String(r.runId), csvText(r.runName ?? ''), csvText(r.method), csvNumber(r.seed), csvText(r.metric), String(r.step), csvNumber(r.value)].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export interface ReportMeta {
  generatedAt: string;
  version: string;
  schemaVersion: number;
}

/** The JSON export: the report's data, its metrics, and who wrote it when. Non-finite numbers become null. */
export function reportJson(doc: ReportDocument, meta: ReportMeta): string {
  const body = { report: { title: doc.title, ...meta, notice: doc.notice }, ...doc.data, metrics: doc.metrics };
  return JSON.stringify(body, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
