// `qnnlab dataset import|list|show|export`: datasets in the experiment database.
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { COMMON_ENCODINGS, DETECT_ENCODING, decodeBytes, normalizeEncoding } from '../../../core/data/index.ts';
import { LabError, throwIfAborted } from '../../../core/errors.ts';
import { channels } from '../../contract/channels.ts';
import { MAX_IMPORT_BYTES, type DatasetDetail, type DatasetSummary } from '../../contract/datasets.ts';
import { toApiError } from '../../backend/errors.ts';
import { readImportFile } from '../../backend/import-files.ts';
import { schemaError } from '../../backend/rpc.ts';
import type { Backend } from '../../backend/backend.ts';
import { UserError, listFlag, printJson, stringFlag, type Command, type CommandIO, type Flags } from '../command.ts';
import { call, openCliBackend } from '../backend-client.ts';
import { dbFlag, jsonFlag } from '../flags.ts';
import { createProgressBar } from '../progress.ts';

async function withBackend<T>(flags: Flags, work: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = openCliBackend(stringFlag(flags, 'db'));
  try {
    return await work(backend);
  } finally {
    backend.close();
  }
}

function parseId(raw: string | undefined, usage: string): number {
  const id = Number(raw);
  if (raw === undefined) throw new UserError(`a dataset id is required\nUsage: qnnlab ${usage}`);
  if (!Number.isInteger(id) || id < 1) throw new UserError(`dataset id must be a positive integer, got "${raw}" (see \`qnnlab dataset list\`)`);
  return id;
}

/**
 * Runs a backend service call directly (the CLI passes its AbortSignal, which the API channels do not carry) with the
 * same error mapping as the dispatcher: SQLite and file-system failures get their code and a message naming the file.
 */
async function service<T>(backend: Backend, action: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const error = toApiError(e, { databasePath: backend.databasePath, action });
    if (error.code === 'INTERNAL' || e instanceof LabError) throw e;
    throw new LabError(error.code, error.message, {}, { cause: e });
  }
}

// C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides: in a name they could move the
// cursor, recolour or clear the terminal, or reorder what is shown. (Matching control characters is the point.)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the database as the terminal should show it: control characters as visible escapes (JSON output keeps the data). */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function summaryLine(d: DatasetSummary): string {
  const pct = d.rows * d.columns > 0 ? ((100 * d.missingCells) / (d.rows * d.columns)).toFixed(1) : '0.0';
  return `${String(d.id).padStart(4)}  ${printable(d.name).padEnd(28)} ${String(d.rows).padStart(8)} rows ${String(d.columns).padStart(4)} cols ${String(d.missingCells).padStart(8)} missing (${pct}%)`;
}

function warn(io: CommandIO, warnings: string[]): void {
  for (const w of warnings) io.stderr.write(`qnnlab: warning: ${printable(w)}\n`);
}

const importCommand: Command = {
  path: ['dataset', 'import'],
  summary: 'Import a CSV file as a dataset',
  usage: 'dataset import FILE [--name NAME] [--outcome COLUMN] [--missing TOKENS] [--encoding NAME] [--force] [--db PATH] [--json]',
  options: {
    ...dbFlag,
    name: { type: 'string', value: 'NAME', description: 'the dataset name (default: the file name without extension; a taken name gets " (2)")' },
    outcome: { type: 'string', value: 'COLUMN', description: 'the outcome column (default: guessed from names such as death or outcome)' },
    missing: { type: 'string', value: 'TOKENS', description: 'extra missing-value tokens, comma-separated, besides empty, NA, NaN and ?' },
    encoding: {
      type: 'string',
      value: 'NAME',
      description: `the file's encoding, e.g. ${COMMON_ENCODINGS.slice(0, 4).join(', ')} (default: detect: UTF-8, else guessed with a warning)`,
    },
    force: { type: 'boolean', description: 'import even if a missing-value token would blank the outcome or over a third of a column' },
    ...jsonFlag,
  },
  positionals: 1,
  async run(flags, [file], io) {
    if (!file) throw new UserError(`a CSV file is required\nUsage: qnnlab ${this.usage}`);
    const encodingFlag = stringFlag(flags, 'encoding') ?? DETECT_ENCODING;
    if (encodingFlag.trim().toLowerCase() !== DETECT_ENCODING) normalizeEncoding(encodingFlag); // an unknown name fails before the read
    const fileName = basename(file);
    const bar = createProgressBar(io.stderr, `reading ${fileName}`);
    const bytes = await readImportFile(file, {
      limit: MAX_IMPORT_BYTES,
      signal: io.signal,
      onProgress: (read, size) => bar.update(size > 0 ? read / size : 0),
    });
    bar.done();
    let decoded;
    try {
      decoded = decodeBytes(bytes, encodingFlag);
    } catch (e) {
      if (!(e instanceof LabError) || e.field === 'encoding') throw e;
      throw new LabError(e.code, `Cannot import "${fileName}": ${e.message}`, { field: 'file', value: file });
    }
    throwIfAborted(io.signal);
    const request = {
      fileName,
      content: decoded.text,
      encoding: decoded.encoding,
      encodingDetected: decoded.detected,
      name: stringFlag(flags, 'name'),
      outcome: stringFlag(flags, 'outcome'),
      missingTokens: listFlag(flags, 'missing'),
      confirmMissingTokens: flags.force === true,
    };
    const parsed = channels['datasets.import'].request.safeParse(request);
    if (!parsed.success) {
      const { code, message, field, value } = schemaError('datasets.import', parsed.error.issues, request);
      throw new LabError(code, message, { field, value });
    }
    const importing = createProgressBar(io.stderr, `importing ${fileName}`);
    // Parsing takes about two thirds of the time, profiling the rest.
    const onProgress = (phase: 'parsing' | 'profiling', f: number) => importing.update(phase === 'parsing' ? 0.7 * f : 0.7 + 0.3 * f, phase);
    const summary = await withBackend(flags, (b) =>
      service(b, 'datasets.import', () => b.datasets.importCsvCancellable(parsed.data, { signal: io.signal, onProgress })).catch((e: unknown) => {
        if (e instanceof LabError && e.code === 'CONFLICT' && e.field === 'missingTokens') {
          throw new LabError(e.code, `${e.message.replace(/ import anyway\.$/, '')} add --force to import anyway.`, {
            field: e.field,
            value: e.value,
            details: e.details,
          });
        }
        throw e;
      }),
    );
    importing.done();
    warn(io, summary.warnings);
    if (flags.json) printJson(io, summary);
    else
      io.stdout.write(
        `imported dataset ${summary.id}: ${printable(summary.name)}, ${summary.rows} rows, ${summary.columns} columns, ${summary.missingCells} missing cells\n`,
      );
  },
};

const listCommand: Command = {
  path: ['dataset', 'list'],
  summary: 'List the datasets',
  usage: 'dataset list [--db PATH] [--json]',
  options: { ...dbFlag, ...jsonFlag },
  async run(flags, _p, io) {
    const list = await withBackend(flags, (b) => call(b, 'datasets.list', {}));
    if (flags.json) return printJson(io, list);
    if (list.length === 0) return void io.stdout.write('no datasets yet: import one with `qnnlab dataset import FILE`\n');
    io.stdout.write(list.map(summaryLine).join('\n') + '\n');
  },
};

function describe(d: DatasetDetail): string {
  const lines = [`dataset ${d.id}: ${printable(d.name)} (source: ${printable(d.source)}, delimiter ${JSON.stringify(d.delimiter)})`, summaryLine(d), ''];
  lines.push(`${'column'.padEnd(16)} ${'type'.padEnd(11)} ${'role'.padEnd(10)} ${'missing'.padStart(7)}  statistics`);
  for (const c of d.columnProfiles) {
    const stats = c.stats ? `min ${fmt(c.stats.min)}  mean ${fmt(c.stats.mean)}  max ${fmt(c.stats.max)}  sd ${fmt(c.stats.sd)}` : '';
    const cats =
      c.categories && c.type === 'categorical'
        ? c.categories
            .slice(0, 4)
            .map((x) => `${printable(x.value)}:${x.count}`)
            .join(' ')
        : '';
    lines.push(`${printable(c.name).padEnd(16)} ${c.type.padEnd(11)} ${c.role.padEnd(10)} ${String(c.missing).padStart(7)}  ${stats}${cats}`);
  }
  lines.push('', `${d.patternCount} missingness pattern${d.patternCount === 1 ? '' : 's'}`);
  for (const w of d.warnings) lines.push(`warning: ${printable(w)}`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(5)));
}

const showCommand: Command = {
  path: ['dataset', 'show'],
  summary: 'Show a dataset profile',
  usage: 'dataset show ID [--db PATH] [--json]',
  options: { ...dbFlag, ...jsonFlag },
  positionals: 1,
  async run(flags, [rawId], io) {
    const id = parseId(rawId, this.usage);
    const detail = await withBackend(flags, (b) => call(b, 'datasets.get', { id }));
    if (flags.json) printJson(io, detail);
    else io.stdout.write(describe(detail) + '\n');
  },
};

/** Writes through a temporary file beside the target and renames it: a failure (full disk) leaves no half-written file. */
async function writeWhole(out: string, content: string): Promise<void> {
  const path = resolve(out);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    const error = toApiError(e);
    if (error.code === 'INTERNAL') throw e;
    throw new LabError(error.code, `cannot write ${out}: ${error.message}`, { field: 'out', value: out }, { cause: e });
  }
}

const exportCommand: Command = {
  path: ['dataset', 'export'],
  summary: 'Export a dataset to CSV',
  usage: 'dataset export ID --out FILE [--raw] [--db PATH]',
  options: {
    ...dbFlag,
    out: { type: 'string', value: 'FILE', description: 'the CSV file to write', required: true },
    raw: {
      type: 'boolean',
      description: "write text cells as stored (by default cells starting with = + - @ are prefixed with ' so spreadsheets do not run them)",
    },
  },
  positionals: 1,
  async run(flags, [rawId], io) {
    const id = parseId(rawId, this.usage);
    const out = stringFlag(flags, 'out', true)!;
    const csv = await withBackend(flags, (b) => call(b, 'datasets.exportCsv', { id, raw: flags.raw === true }));
    await writeWhole(out, csv.content);
    io.stderr.write(`wrote ${out}${flags.raw ? ' (raw: text cells as stored, formulas not neutralised)' : ''}\n`);
  },
};

export const datasetCommands: Command[] = [importCommand, listCommand, showCommand, exportCommand];
