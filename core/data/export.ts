// Typed dataset -> CSV text. Numbers are written in JavaScript's shortest round-trip form, category codes as their
// labels, missing cells as empty fields; fields are quoted only when needed. Re-importing gives the same values.
import type { Dataset } from './types.ts';

export interface CsvExportOptions {
  delimiter?: string;
  /** Line ending. Default '\n'. */
  newline?: string;
}

export function toCsv(dataset: Dataset, options: CsvExportOptions = {}): string {
  const d = options.delimiter ?? ',';
  const nl = options.newline ?? '\n';
  const quote = (s: string) => (needsQuotes(s, d) ? `"${s.replace(/"/g, '""')}"` : s);
  const cols = dataset.columns;
  // Labels quoted once per category, not once per cell.
  const labels = cols.map((c) => (c.categories ? c.categories.map(quote) : null));
  const lines: string[] = new Array<string>(dataset.rows + 1);
  lines[0] = cols.map((c) => quote(c.name)).join(d);
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

function needsQuotes(s: string, d: string): boolean {
  return s.includes(d) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim();
}
