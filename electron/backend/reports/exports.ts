// A report's machine-readable exports: its metrics as CSV (one row per point, long format) and everything as JSON.
// Numbers are written exactly (JavaScript's shortest round-trip form); text a spreadsheet would run as a formula is
// neutralised as the dataset export does (core/data/export.ts). A training may hold a million points: they are read
// a page at a time (keyset on the series' primary key) with a turn of the host's event loop between pages.
import { isFormulaLike } from '../../../core/data/export.ts';
import { Pacer } from '../../../core/pacer.ts';
import type { Database } from '../db/database.ts';
import type { MetricRow, MetricSource, ReportDocument } from './document.ts';

const CSV_COLUMNS = ['run_id', 'run_name', 'method', 'seed', 'metric', 'step', 'value'] as const;
/** Points read and written per turn of the event loop. */
export const METRIC_PAGE_ROWS = 20_000;

function csvText(s: string): string {
  const safe = isFormulaLike(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== safe.trim() || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvNumber = (v: number | null) => (v === null || !Number.isFinite(v) ? '' : String(v));

/** The metric points of a report, a page at a time (the event loop turns between pages). */
export async function* metricPages(db: Database, source: MetricSource, signal?: AbortSignal): AsyncGenerator<MetricRow[]> {
  if ('rows' in source) {
    yield source.rows;
    return;
  }
  const pacer = new Pacer(signal);
  const page = db.prepare('SELECT name, step, value FROM run_metrics WHERE run_id = ? AND (name, step) > (?, ?) ORDER BY name, step LIMIT ?');
  for (const run of source.runs) {
    let after: [string, number] = ['', -1];
    for (;;) {
      const rows = page.all(run.runId, after[0], after[1], METRIC_PAGE_ROWS) as { name: string; step: number; value: number | null }[];
      if (rows.length > 0) yield rows.map((p) => ({ ...run, metric: p.name, step: p.step, value: p.value }));
      if (rows.length < METRIC_PAGE_ROWS) break;
      after = [rows[rows.length - 1].name, rows[rows.length - 1].step];
      await pacer.pause();
    }
  }
}

/** Text parts as UTF-8, encoded part by part (one big string encoded at the end would hold the event loop). */
class Utf8Parts {
  private readonly parts: Buffer[] = [];
  push(text: string): void {
    this.parts.push(Buffer.from(text, 'utf8'));
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

export async function metricsCsv(pages: AsyncIterable<MetricRow[]>): Promise<Uint8Array> {
  const parts = new Utf8Parts();
  parts.push(CSV_COLUMNS.join(',') + '\n');
  for await (const rows of pages) {
    let text = '';
    for (const r of rows) {
      text += `${r.runId},${csvText(r.runName ?? '')},${csvText(r.method)},${csvNumber(r.seed)},${csvText(r.metric)},${r.step},${csvNumber(r.value)}\n`;
    }
    parts.push(text);
  }
  return parts.bytes();
}

export interface ReportMeta {
  generatedAt: string;
  version: string;
  schemaVersion: number;
}

const finiteOrNull = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

/**
 * The JSON export: who wrote it when, the report's data, and its metric points as compact rows (`metricColumns`
 * names their fields), written a page at a time. Non-finite numbers become null.
 */
export async function reportJson(doc: ReportDocument, meta: ReportMeta, pages: AsyncIterable<MetricRow[]>): Promise<Uint8Array> {
  const head = JSON.stringify({ report: { title: doc.title, ...meta, notice: doc.notice }, ...doc.data, metricColumns: CSV_COLUMNS }, finiteOrNull, 2);
  const parts = new Utf8Parts();
  parts.push(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "metrics": [`);
  let first = true;
  for await (const rows of pages) {
    const text = rows.map((r) => JSON.stringify([r.runId, r.runName, r.method, r.seed, r.metric, r.step, r.value], finiteOrNull)).join(',\n    ');
    if (text) parts.push(`${first ? '\n    ' : ',\n    '}${text}`);
    first &&= !text;
  }
  parts.push(first ? ']\n}\n' : '\n  ]\n}\n');
  return parts.bytes();
}
