// `qnnlab dataset import|list|show|export`: datasets in the experiment database.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { MAX_IMPORT_BYTES, type DatasetDetail, type DatasetSummary } from '../../contract/datasets.ts';
import { UserError, printJson, stringFlag, type Command, type Flags } from '../command.ts';
import { call, openCliBackend } from '../backend-client.ts';

const dbOption = { db: { type: 'string' } } as const;

async function withBackend<T>(flags: Flags, work: (backend: ReturnType<typeof openCliBackend>) => Promise<T>): Promise<T> {
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

function readImportFile(file: string): string {
  const path = resolve(file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UserError(`cannot read ${file}: no such file`);
  }
  if (size > MAX_IMPORT_BYTES) {
    throw new UserError(`${file} is ${(size / 2 ** 20).toFixed(0)} MiB; the import limit is ${MAX_IMPORT_BYTES / 2 ** 20} MiB`);
  }
  return readFileSync(path, 'utf8');
}

function summaryLine(d: DatasetSummary): string {
  const pct = d.rows * d.columns > 0 ? ((100 * d.missingCells) / (d.rows * d.columns)).toFixed(1) : '0.0';
  return `${String(d.id).padStart(4)}  ${d.name.padEnd(28)} ${String(d.rows).padStart(8)} rows ${String(d.columns).padStart(4)} cols ${String(d.missingCells).padStart(8)} missing (${pct}%)`;
}

const importCommand: Command = {
  path: ['dataset', 'import'],
  summary: 'Import a CSV file as a dataset',
  usage: 'dataset import FILE [--name N] [--outcome COLUMN] [--missing TOKEN,TOKEN] [--db PATH] [--json]',
  options: { ...dbOption, name: { type: 'string' }, outcome: { type: 'string' }, missing: { type: 'string' }, json: { type: 'boolean' } },
  positionals: 1,
  async run(flags, [file], io) {
    if (!file) throw new UserError(`a CSV file is required\nUsage: qnnlab ${this.usage}`);
    const content = readImportFile(file);
    const missing = stringFlag(flags, 'missing');
    const summary = await withBackend(flags, (b) =>
      call(b, 'datasets.import', {
        fileName: basename(file),
        content,
        name: stringFlag(flags, 'name'),
        outcome: stringFlag(flags, 'outcome'),
        missingTokens: missing === undefined ? undefined : missing.split(',').map((t) => t.trim()).filter((t) => t !== ''),
      }),
    );
    for (const w of summary.warnings) io.stderr.write(`qnnlab: warning: ${w}\n`);
    if (flags.json) printJson(io, summary);
    else io.stdout.write(`imported dataset ${summary.id}: ${summary.name}, ${summary.rows} rows, ${summary.columns} columns, ${summary.missingCells} missing cells\n`);
  },
};

const listCommand: Command = {
  path: ['dataset', 'list'],
  summary: 'List the datasets',
  usage: 'dataset list [--db PATH] [--json]',
  options: { ...dbOption, json: { type: 'boolean' } },
  async run(flags, _p, io) {
    const list = await withBackend(flags, (b) => call(b, 'datasets.list', {}));
    if (flags.json) return printJson(io, list);
    if (list.length === 0) return void io.stdout.write('no datasets yet: import one with `qnnlab dataset import FILE`\n');
    io.stdout.write(list.map(summaryLine).join('\n') + '\n');
  },
};

function describe(d: DatasetDetail): string {
  const lines = [`dataset ${d.id}: ${d.name} (source: ${d.source}, delimiter ${JSON.stringify(d.delimiter)})`, summaryLine(d), ''];
  lines.push(`${'column'.padEnd(16)} ${'type'.padEnd(11)} ${'role'.padEnd(10)} ${'missing'.padStart(7)}  statistics`);
  for (const c of d.columnProfiles) {
    const stats = c.stats ? `min ${fmt(c.stats.min)}  mean ${fmt(c.stats.mean)}  max ${fmt(c.stats.max)}  sd ${fmt(c.stats.sd)}` : '';
    const cats = c.categories && c.type === 'categorical' ? c.categories.slice(0, 4).map((x) => `${x.value}:${x.count}`).join(' ') : '';
    lines.push(`${c.name.padEnd(16)} ${c.type.padEnd(11)} ${c.role.padEnd(10)} ${String(c.missing).padStart(7)}  ${stats}${cats}`);
  }
  for (const w of d.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(5)));
}

const showCommand: Command = {
  path: ['dataset', 'show'],
  summary: 'Show a dataset profile',
  usage: 'dataset show ID [--db PATH] [--json]',
  options: { ...dbOption, json: { type: 'boolean' } },
  positionals: 1,
  async run(flags, [rawId], io) {
    const id = parseId(rawId, this.usage);
    const detail = await withBackend(flags, (b) => call(b, 'datasets.get', { id }));
    if (flags.json) printJson(io, detail);
    else io.stdout.write(describe(detail) + '\n');
  },
};

const exportCommand: Command = {
  path: ['dataset', 'export'],
  summary: 'Export a dataset to CSV',
  usage: 'dataset export ID --out FILE [--db PATH]',
  options: { ...dbOption, out: { type: 'string' } },
  positionals: 1,
  async run(flags, [rawId], io) {
    const id = parseId(rawId, this.usage);
    const out = stringFlag(flags, 'out', true)!;
    const csv = await withBackend(flags, (b) => call(b, 'datasets.exportCsv', { id }));
    try {
      writeFileSync(resolve(out), csv.content);
    } catch (e) {
      throw new UserError(`cannot write ${out}: ${(e as Error).message}`);
    }
    io.stderr.write(`wrote ${out}\n`);
  },
};

export const datasetCommands: Command[] = [importCommand, listCommand, showCommand, exportCommand];
