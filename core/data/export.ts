// Typed dataset -> CSV text. Numbers are written in JavaScript's shortest round-trip form, category codes as their
// labels, missing cells as empty fields; fields are quoted only when needed. Re-importing gives the same values.
// Text cells (labels and column names) that a spreadsheet would run as a formula are neutralised unless `raw`.
import { toNumber } from './csv.ts';
import type { Dataset } from './types.ts';

export interface CsvExportOptions {
  delimiter?: string;
  /** Line ending. Default '\n'. */
  newline?: string;
  /** Write text cells exactly as stored, even those a spreadsheet would run as a formula. Default false. */
  raw?: boolean;
}

export function toCsv(dataset: Dataset, options: CsvExportOptions = {}): string {
  const d = options.delimiter ?? ',';
  const nl = options.newline ?? '\n';
  const quote = (s: string) => (needsQuotes(s, d) ? `"${s.replace(/"/g, '""')}"` : s);
  const text = options.raw ? quote : (s: string) => (isFormulaLike(s) ? `"'${s.replace(/"/g, '""')}"` : quote(s));
  const cols = dataset.columns;
  // Labels quoted once per category, not once per cell.
  const labels = cols.map((c) => (c.categories ? c.categories.map(text) : null));
  const lines: string[] = new Array<string>(dataset.rows + 1);
  lines[0] = cols.map((c) => text(c.name)).join(d);
  const cells = new Array<string>(cols.length);
  for (let i = 0; i < dataset.rows; i++) {
    for (let j = 0; j < cols.length; j++) {
      const v = cols[j].values[i];
      const l = labels[j];
      cells[j] = v !== v ? '' : l ? (l[v] ?? '') : String(v);
    }
    lines[i + 1] = cells.join(d);
  }
  return lines.join(nl) + nl;
}

/**
 * OWASP's CSV-injection rule: a text cell starting with = + - @, a tab or a carriage return is run as a formula by
 * spreadsheets; it is written with a leading single quote, quoted. A cell that reads as a plain number ("-3") is
 * no formula and stays as it is, so numbers round-trip.
 */
export function isFormulaLike(s: string): boolean {
  if (s.length === 0) return false;
  const c = s[0];
  if (c !== '=' && c !== '+' && c !== '-' && c !== '@' && c !== '\t' && c !== '\r') return false;
  return Number.isNaN(toNumber(s));
}

function needsQuotes(s: string, d: string): boolean {
  return s.includes(d) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim();
}
