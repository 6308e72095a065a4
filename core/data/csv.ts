// CSV text -> typed Dataset. Pure and deterministic: papaparse over a string, no I/O.
// Steps: size and binary checks, delimiter and header detection, parsing, shape checks (ragged rows, duplicate
// names, no data), then per column: missing tokens -> NaN, numbers or category codes, type and role inference.
// Written once as work steps (core/pacer.ts): parseCsv runs them at once, parseCsvAsync yields between them, so a
// worker parsing 200 MB reports progress and stops promptly when cancelled.
import Papa from 'papaparse';
import { LabError } from '../errors.ts';
import { runSteps, runStepsPaced, type Steps } from '../pacer.ts';
import { DataImportError } from './errors.ts';
import { DEFAULT_MAX_IMPORT_BYTES, type ColumnRole, type ColumnType, type DataColumn, type Dataset } from './types.ts';

/** Missing-value tokens recognised by default, besides the empty cell. Matched after trimming, case-sensitively. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['NA', 'NaN', '?'];
export { DEFAULT_MAX_IMPORT_BYTES };
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvImportOptions {
  /** Extra missing-value tokens, besides the empty cell and DEFAULT_MISSING_TOKENS. */
  missingTokens?: readonly string[];
  /** Name of the outcome column; guessed from names like death/mortality/outcome/label (binary only) when absent. */
  outcome?: string;
  /** Force a delimiter instead of detecting it. */
  delimiter?: Delimiter;
  /** Force the presence or absence of a header row instead of detecting it. */
  hasHeader?: boolean;
  /** Refuse larger texts (UTF-8 bytes). Default DEFAULT_MAX_IMPORT_BYTES. */
  maxBytes?: number;
  /**
   * Import even when an extra missing-value token would blank cells of the outcome column or more than a third of a
   * column (BLANKING_SHARE). Without it such an import is refused with CONFLICT, `field: 'missingTokens'`.
   */
  confirmMissingTokens?: boolean;
}

/** An extra missing-value token that blanks more than this share of a column's cells needs confirmation. */
export const BLANKING_SHARE = 1 / 3;

/** Parses CSV text into a typed dataset, or throws DataImportError saying what is wrong and on which line. */
export function parseCsv(input: string, options: CsvImportOptions = {}): Dataset {
  return runSteps(parseCsvSteps(input, options));
}

/** parseCsv for long texts: yields to the event loop every few milliseconds, reports the fraction done, stops on `signal`. */
export function parseCsvAsync(
  input: string,
  options: CsvImportOptions = {},
  run: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<Dataset> {
  return runStepsPaced(parseCsvSteps(input, options), run);
}

/** How finely the parse is cut into steps: characters per chunk of a text without quotes, rows per step otherwise. */
export interface CsvPacing {
  chunkChars: number;
  rowsPerStep: number;
}
const PACING: CsvPacing = { chunkChars: 1 << 20, rowsPerStep: 4096 };
/** Share of the parse's time spent splitting rows (papaparse); the rest types the columns (measured: about 60%). */
const SPLIT_SHARE = 0.6;

/** parseCsv as work steps yielding the fraction done; `pacing` only changes where it may pause (tests make it fine). */
export function* parseCsvSteps(input: string, options: CsvImportOptions = {}, pacing: CsvPacing = PACING): Steps<Dataset> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  // UTF-16 length is a lower bound on the UTF-8 size: count bytes only when it could matter.
  const size = input.length > maxBytes || input.length * 3 <= maxBytes ? input.length : utf8ByteLength(input);
  if (size > maxBytes) {
    throw new DataImportError(`The file is too large: ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} QNN Lab imports.`, {
      kind: 'too-large',
    });
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (!/\S/.test(text)) throw new DataImportError('The file is empty.');
  checkNotBinary(text);

  const delimiter = options.delimiter ?? detectDelimiter(text);
  const hasQuotes = text.includes('"');
  const config = { delimiter, header: false, skipEmptyLines: false, dynamicTyping: false, fastMode: !hasQuotes } as const;
  const rows = yield* splitRows(text, config, pacing);
  const lineOfRow = (r: number): number => (hasQuotes ? lineAt(text, rowStartOffset(text, config, r)) : r + 1);

  // Blank lines: skipped (in a one-column file only trailing ones, since there an empty line is a missing cell).
  const isBlank = (row: string[]) => row.length === 1 && row[0].trim() === '';
  let first = 0;
  while (first < rows.length && isBlank(rows[first])) first++;
  let end = rows.length;
  while (end > first && isBlank(rows[end - 1])) end--;
  if (first >= end) throw new DataImportError('The file is empty.');

  const firstRow = rows[first].map((s) => s.trim());
  const ncol = firstRow.length;
  const hasHeader = options.hasHeader ?? !firstRow.some((s) => !Number.isNaN(toNumber(s)));
  const warnings: string[] = [];
  let names: string[];
  if (hasHeader) {
    names = firstRow.map((s, j) => {
      if (s !== '') return s;
      const generated = `column_${j + 1}`;
      warnings.push(`Column ${j + 1} has no name in the header; it was named "${generated}".`);
      return generated;
    });
    const seen = new Map<string, number>();
    const dups: string[] = [];
    names.forEach((n, j) => {
      const prev = seen.get(n);
      if (prev === undefined) seen.set(n, j);
      else dups.push(`"${n}" (columns ${prev + 1} and ${j + 1})`);
    });
    if (dups.length > 0) {
      throw new DataImportError(`Duplicate column names on line ${lineOfRow(first)}: ${dups.join(', ')}. Each column needs its own name.`, {
        line: lineOfRow(first),
      });
    }
  } else {
    names = firstRow.map((_, j) => `V${j + 1}`);
  }

  // Data rows: check the shape, collect their indices.
  const dataStart = hasHeader ? first + 1 : first;
  const kept = new Int32Array(Math.max(0, end - dataStart));
  let n = 0;
  for (let r = dataStart; r < end; r++) {
    const row = rows[r];
    if (row.length !== ncol) {
      if (ncol > 1 && isBlank(row)) continue;
      const line = lineOfRow(r);
      const headerLine = lineOfRow(first);
      const kind = row.length < ncol ? 'too few' : 'too many';
      throw new DataImportError(
        `The row on line ${line} has ${row.length} field${row.length === 1 ? '' : 's'} but ${hasHeader ? 'the header' : 'the first row'} (line ${headerLine}) has ${ncol}: ${kind} fields for delimiter ${describeDelimiter(delimiter)}.`,
        { line },
      );
    }
    kept[n++] = r;
  }
  if (n === 0) {
    throw new DataImportError(`The file has a header (line ${lineOfRow(first)}) but no data rows.`, { line: lineOfRow(first) });
  }

  const extra = (options.missingTokens ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (!options.confirmMissingTokens) yield* checkBlankingTokens(rows, kept, n, names, extra, options.outcome);
  const missingTokens = [...new Set([...DEFAULT_MISSING_TOKENS, ...extra])];
  const missingSet = new Set(missingTokens);
  const columns = yield* readColumns(rows, kept, n, names, missingSet, pacing.rowsPerStep);
  // With a delimiter other than ',', a column of decimal commas ("3,14") is numeric (European spreadsheet exports).
  if (delimiter !== ',') {
    columns.forEach((c, j) => {
      if (c.type !== 'categorical' || !c.categories?.some((l) => l.includes(','))) return;
      const decimal = decimalCommaColumn(rows, kept, n, j, missingSet);
      if (!decimal) return;
      columns[j] = numericColumn(c.name, decimal.values, decimal.observed);
      warnings.push(`Column "${c.name}" uses decimal commas; it was read as numbers.`);
    });
  }

  for (const c of columns) {
    if (c.role === 'ignored') warnings.push(`Column "${c.name}" is entirely missing (every cell is empty or a missing token); it is kept but ignored.`);
  }
  assignOutcome(columns, options.outcome);
  return { rows: n, columns, delimiter, missingTokens: missingTokens.slice(), warnings };
}

type PapaConfig = { delimiter: string; header: false; skipEmptyLines: false; dynamicTyping: false; fastMode: boolean };

/**
 * The rows as papaparse splits them, in pieces so that the steps can pause between them: chunks of a text without
 * quotes (fast mode), a few thousand rows at a time otherwise. A quoted text is read row by row, not in chunks,
 * because papaparse re-reads a chunk's unfinished row with the next chunk: a quote never closed would make chunked
 * reading quadratic (measured: 2.2 s for 40 MB, about a minute for 200 MB), where one pass finds it at once.
 * Quote errors are thrown with their line as they come.
 */
function* splitRows(text: string, config: PapaConfig, pacing: CsvPacing): Steps<string[][]> {
  const rows: string[][] = [];
  let paused: Papa.Parser | null = null;
  let done = false;
  // A paused row-by-row parse resumes on the rest of its input: `base` is where that input starts in `text`, and
  // papaparse's cursors and error indices count from there.
  let base = 0;
  let cursor = 0;
  const complete = () => void (done = true);
  if (config.fastMode) {
    Papa.parse<string[]>(text, {
      ...config,
      chunkSize: pacing.chunkChars,
      chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
        for (const row of results.data) rows.push(row);
        cursor = results.meta.cursor;
        paused = parser;
        parser.pause();
      },
      complete,
    });
  } else {
    Papa.parse<string[]>(text, {
      ...config,
      step: (results, parser) => {
        throwQuoteError(text, results.errors, base);
        rows.push(results.data);
        cursor = results.meta.cursor;
        if (rows.length % pacing.rowsPerStep === 0) {
          base += cursor;
          cursor = 0;
          paused = parser;
          parser.pause();
        }
      },
      complete,
    });
  }
  while (!done) {
    yield SPLIT_SHARE * ((base + cursor) / text.length);
    (paused as Papa.Parser | null)!.resume();
  }
  return rows;
}

function throwQuoteError(text: string, errors: readonly Papa.ParseError[], base: number): void {
  for (const err of errors) {
    if (err.type !== 'Quotes') continue;
    const line = err.index !== undefined ? lineAt(text, base + err.index) : undefined;
    const what = err.code === 'MissingQuotes' ? 'A quoted field is never closed' : 'A quoted field is malformed (text after its closing quote)';
    throw new DataImportError(`${what} on line ${line ?? '?'}.`, line !== undefined ? { line } : {});
  }
}

/** Picks the delimiter (',', ';', tab or '|') whose count per line is most consistent over the first lines. */
export function detectDelimiter(text: string): Delimiter {
  const limit = Math.min(text.length, 65536);
  const counts: number[][] = [];
  let current = [0, 0, 0, 0];
  let inQuotes = false;
  for (let i = 0; i < limit && counts.length < 50; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (current.some((x) => x > 0) || counts.length > 0) counts.push(current);
      current = [0, 0, 0, 0];
    } else if (c === 44) current[0]++;
    else if (c === 59) current[1]++;
    else if (c === 9) current[2]++;
    else if (c === 124) current[3]++;
  }
  if (current.some((x) => x > 0)) counts.push(current);
  let best = 0;
  let bestScore = -1;
  for (let d = 0; d < DELIMITERS.length; d++) {
    const head = counts[0]?.[d] ?? 0;
    if (head === 0) continue;
    const rest = counts.slice(1).filter((c) => c.some((x) => x > 0));
    const consistent = rest.length === 0 ? 1 : rest.filter((c) => c[d] === head).length / rest.length;
    const score = consistent * 1000 + Math.min(head, 999);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return DELIMITERS[best];
}

/** Parses a trimmed cell as a finite decimal number (no hex/octal/binary prefixes, no Infinity); NaN otherwise. */
export function toNumber(s: string): number {
  if (s.length === 0) return NaN;
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46)) return NaN;
  if (s.length > 1) {
    const c1 = s.charCodeAt(1) | 32;
    if (c1 === 120 || c1 === 98 || c1 === 111) return NaN;
  }
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

// ---------------------------------------------------------------------------------------------------------------

const NEGATIVE = ['no', 'n', 'false', 'f', 'negative', 'neg', 'absent', 'alive', 'survived'];
const POSITIVE = ['yes', 'y', 'true', 't', 'positive', 'pos', 'present', 'dead', 'deceased', 'died'];
const IDENTIFIER_NAME = /^(id|mrn|rownames|row[_.\s]?names?|row[_.\s]?(number|id)|unnamed: ?0)$|[_.\s-]id$|[a-z]ID$/i;
const OUTCOME_NAME = /(^|[_.\s-])(death|died|dead|mortality|outcome|label|target|expired?|expire_flag)([_.\s-]|$)/i;
/** Minimum number of rows before an all-unique column is taken for an identifier. */
const IDENTIFIER_MIN_ROWS = 10;

/** Reads every column: numbers row by row (cache-friendly), then category codes for the columns that are not numeric. */
function* readColumns(rows: string[][], kept: Int32Array, n: number, names: string[], missingSet: Set<string>, rowsPerStep: number): Steps<DataColumn[]> {
  const ncol = names.length;
  const values = names.map(() => new Float64Array(n));
  const numeric = new Uint8Array(ncol).fill(1);
  const observed = new Int32Array(ncol);
  // Only cells whose first character starts some missing token need a set lookup.
  const tokenStarts = new Uint8Array(65536);
  for (const t of missingSet) tokenStarts[t.charCodeAt(0)] = 1;
  let stillNumeric = ncol;
  const share = (1 - SPLIT_SHARE) / 2;
  for (let i = 0; i < n && stillNumeric > 0; i++) {
    if (i % rowsPerStep === 0) yield SPLIT_SHARE + (share * i) / n;
    const row = rows[kept[i]];
    for (let j = 0; j < ncol; j++) {
      if (numeric[j] === 0) continue;
      let s = row[j];
      const len = s.length;
      if (len > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(len - 1) <= 32)) s = s.trim();
      if (s.length === 0 || (tokenStarts[s.charCodeAt(0)] === 1 && missingSet.has(s))) {
        values[j][i] = NaN;
        continue;
      }
      const v = toNumber(s);
      if (v !== v) {
        numeric[j] = 0;
        stillNumeric--;
        continue;
      }
      values[j][i] = v;
      observed[j]++;
    }
  }
  const columns: DataColumn[] = [];
  for (let j = 0; j < ncol; j++) {
    yield SPLIT_SHARE + share * (1 + j / ncol);
    columns.push(numeric[j] === 1 ? numericColumn(names[j], values[j], observed[j]) : categoricalColumn(rows, kept, n, j, names[j], values[j], missingSet));
  }
  return columns;
}

const DECIMAL_COMMA = /^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$/;

function decimalCommaColumn(
  rows: string[][],
  kept: Int32Array,
  n: number,
  j: number,
  missingSet: Set<string>,
): { values: Float64Array; observed: number } | null {
  const values = new Float64Array(n);
  let observed = 0;
  for (let i = 0; i < n; i++) {
    const s = rows[kept[i]][j].trim();
    if (s.length === 0 || missingSet.has(s)) {
      values[i] = NaN;
      continue;
    }
    if (!DECIMAL_COMMA.test(s)) return null;
    values[i] = Number(s.replace(',', '.'));
    observed++;
  }
  return { values, observed };
}

function numericColumn(name: string, values: Float64Array, observed: number): DataColumn {
  if (observed === 0) return { name, type: 'numeric', role: 'ignored', values, categories: null };
  const zeroOne = isZeroOne(values);
  const type: ColumnType = zeroOne ? 'binary' : 'numeric';
  const role: ColumnRole = IDENTIFIER_NAME.test(name) || (!zeroOne && isCounterColumn(values)) ? 'identifier' : 'feature';
  return { name, type, role, values, categories: null };
}

/** Strings: category codes, first in order of appearance, then renumbered in sorted label order. */
function categoricalColumn(rows: string[][], kept: Int32Array, n: number, j: number, name: string, values: Float64Array, missingSet: Set<string>): DataColumn {
  const codes = new Map<string, number>();
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = rows[kept[i]][j];
    if (s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32)) s = s.trim();
    if (s.length === 0 || missingSet.has(s)) {
      values[i] = NaN;
      continue;
    }
    let code = codes.get(s);
    if (code === undefined) {
      code = labels.length;
      codes.set(s, code);
      labels.push(s);
    }
    values[i] = code;
  }
  let order = labels.map((_, k) => k).sort((a, b) => (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : 0));
  let type: ColumnType = 'categorical';
  if (labels.length === 2) {
    const a = labels[order[0]].toLowerCase();
    const b = labels[order[1]].toLowerCase();
    if (NEGATIVE.includes(a) && POSITIVE.includes(b)) type = 'binary';
    else if (NEGATIVE.includes(b) && POSITIVE.includes(a)) {
      type = 'binary';
      order = [order[1], order[0]];
    }
  }
  const remap = new Float64Array(labels.length);
  order.forEach((old, k) => (remap[old] = k));
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i])) values[i] = remap[values[i]];
  const categories = order.map((k) => labels[k]);
  const allUnique = labels.length === n && n >= IDENTIFIER_MIN_ROWS;
  const role: ColumnRole = IDENTIFIER_NAME.test(name) || allUnique ? 'identifier' : 'feature';
  return { name, type, role, values, categories };
}

function isZeroOne(values: Float64Array): boolean {
  let zeros = 0;
  let ones = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0) zeros++;
    else if (v === 1) ones++;
    else if (!Number.isNaN(v)) return false;
  }
  return zeros > 0 && ones > 0;
}

/** Integers, none missing, strictly increasing in file order (a row counter such as 1..n): an identifier. */
function isCounterColumn(values: Float64Array): boolean {
  if (values.length < IDENTIFIER_MIN_ROWS) return false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) return false;
    if (i > 0 && !(v > values[i - 1])) return false;
  }
  return true;
}

function assignOutcome(columns: DataColumn[], outcome: string | undefined): void {
  if (outcome !== undefined && outcome.trim() !== '') {
    const wanted = outcome.trim();
    const col = columns.find((c) => c.name === wanted) ?? columns.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
    if (!col) {
      throw new DataImportError(`The outcome column "${wanted}" is not in the file; its columns are ${columns.map((c) => `"${c.name}"`).join(', ')}.`);
    }
    col.role = 'outcome';
    // Two string values (e.g. "alive"/"dead") make a binary outcome, whatever the labels.
    if (col.type === 'categorical' && col.categories?.length === 2) col.type = 'binary';
    return;
  }
  const guess = columns.find((c) => c.type === 'binary' && c.role === 'feature' && OUTCOME_NAME.test(c.name));
  if (guess) guess.role = 'outcome';
}

/** The column the outcome option names (exactly, else ignoring case), as assignOutcome finds it; else the guessed ones by name. */
function isOutcomeName(name: string, names: string[], outcome: string | undefined): boolean {
  const wanted = outcome?.trim();
  if (!wanted) return OUTCOME_NAME.test(name);
  const exact = names.includes(wanted);
  return exact ? name === wanted : name.toLowerCase() === wanted.toLowerCase();
}

/**
 * Refuses (CONFLICT, field missingTokens) an extra missing-value token that would blank cells of the outcome column
 * (named, or guessed by its name) or more than BLANKING_SHARE of any column: e.g. "0" turns a 0/1 outcome into a
 * constant. The defaults (NA, NaN, ?) are never questioned. The message names each token, column and count.
 */
function* checkBlankingTokens(rows: string[][], kept: Int32Array, n: number, names: string[], extra: string[], outcome: string | undefined): Steps<void> {
  const tokens = extra.filter((t) => !DEFAULT_MISSING_TOKENS.includes(t));
  if (tokens.length === 0) return;
  const index = new Map(tokens.map((t, k) => [t, k]));
  const counts = names.map(() => new Int32Array(tokens.length));
  for (let i = 0; i < n; i++) {
    if (i % 4096 === 0) yield SPLIT_SHARE;
    const row = rows[kept[i]];
    for (let j = 0; j < names.length; j++) {
      const k = index.get(row[j].trim());
      if (k !== undefined) counts[j][k]++;
    }
  }
  const found: { token: string; column: string; cells: number; outcome: boolean }[] = [];
  names.forEach((column, j) => {
    const outcomeColumn = isOutcomeName(column, names, outcome);
    tokens.forEach((token, k) => {
      const cells = counts[j][k];
      if (cells > 0 && (outcomeColumn || cells > BLANKING_SHARE * n)) found.push({ token, column, cells, outcome: outcomeColumn });
    });
  });
  if (found.length === 0) return;
  const perToken = tokens.flatMap((token) => {
    const parts = found
      .filter((f) => f.token === token)
      .sort((a, b) => Number(b.outcome) - Number(a.outcome) || b.cells - a.cells)
      .map((f) => `${f.cells} of ${n} cells of ${f.outcome ? 'the outcome column' : 'column'} "${f.column}" (${Math.round((100 * f.cells) / n)}%)`);
    if (parts.length === 0) return [];
    const shown = parts.length > 4 ? [...parts.slice(0, 3), `${parts.length - 3} more columns`] : parts;
    const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
    return [`"${token}" would blank ${list}`];
  });
  throw new LabError(
    'CONFLICT',
    `The missing-value token ${perToken.join('; the token ')}. Nothing was imported. Check the tokens; if those cells really are missing, import anyway.`,
    { field: 'missingTokens', value: tokens, details: { blanked: found, rows: n } },
  );
}

function checkNotBinary(text: string): void {
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    throw new DataImportError(`The file contains NUL bytes (first on line ${lineAt(text, nul)}): it looks like a binary file, not CSV text.`, {
      line: lineAt(text, nul),
    });
  }
  const limit = Math.min(text.length, 65536);
  let control = 0;
  let undecodable = 0;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) control++;
    else if (c === 0xfffd) undecodable++;
  }
  const bad = control + undecodable;
  if (bad > 8 && bad / limit > 0.05) {
    const pct = `${Math.round((100 * bad) / limit)}% of the first ${limit} characters`;
    throw new DataImportError(
      control >= undecodable
        ? `The file is mostly non-printable characters (${pct}): it looks like a binary file, not CSV text.`
        : `The file is not UTF-8 text (${pct} could not be decoded): it may be a binary file, or text in another encoding; save it as UTF-8 CSV.`,
    );
  }
}

/** 1-based line of a character offset (lines end with \n, or \r in files without any \n). */
function lineAt(text: string, offset: number): number {
  const nl = text.includes('\n') ? '\n' : '\r';
  let line = 1;
  for (let i = text.indexOf(nl); i >= 0 && i < offset; i = text.indexOf(nl, i + 1)) line++;
  return line;
}

/** Start offset of parsed row `target` (0-based, counting every parsed row), re-parsing up to it. Error path only. */
function rowStartOffset(text: string, config: Papa.ParseConfig<string[]>, target: number): number {
  let r = 0;
  let prevEnd = 0;
  let start = 0;
  Papa.parse<string[]>(text, {
    ...config,
    step: (res, parser) => {
      if (r === target) {
        start = prevEnd;
        parser.abort();
        return;
      }
      prevEnd = res.meta.cursor;
      r++;
    },
  });
  // The cursor sits on the row's terminating newline in some papaparse paths; step over it.
  while (start < text.length && (text[start] === '\n' || text[start] === '\r') && start > 0 && text[start - 1] !== '\n') start++;
  return start;
}

function describeDelimiter(d: string): string {
  return d === '\t' ? 'tab' : `"${d}"`;
}

function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function formatBytes(b: number): string {
  if (b >= 1024 * 1024) return `${(b / (1024 * 1024)).toFixed(1)} MB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${b} bytes`;
}
