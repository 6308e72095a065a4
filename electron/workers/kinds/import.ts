// The import run kind: a CSV file becomes a dataset without the host ever holding its thread for long. The host
// streams the file's bytes (an upload, or a local path where the host reads paths) to the worker as the run's
// payload; the worker decodes them (core/data/decode.ts: the one rule), parses and profiles them with progress and
// cancel, and sends the columns back in slices ahead of a small result; the host checks them, puts them together a
// slice at a time, and writes the dataset in slices, hidden until one last transaction shows it whole
// (RunHost.importDataset). Not resumable: an interrupted import is started again.
import { z } from 'zod';
import { COLUMN_ROLES, COLUMN_TYPES, type DataColumn, type Dataset, type DatasetProfile } from '../../../core/data/types.ts';
import { decodeBytes, DETECT_ENCODING, encodingWarning, normalizeEncoding } from '../../../core/data/decode.ts';
import { inFile } from '../../../core/data/errors.ts';
import { parseCsvAsync } from '../../../core/data/csv.ts';
import { profileDatasetAsync } from '../../../core/data/dataset-profile.ts';
import { LabError } from '../../../core/errors.ts';
import { Pacer } from '../../../core/pacer.ts';
import { defaultDatasetName, IMPORT_RUN_KIND, importDatasetConfig, MAX_NAME_LENGTH, type DatasetSummary } from '../../contract/datasets.ts';
import { describeRejected, MAX_CHUNK_BYTES } from '../../contract/run-protocol.ts';
import { defineRunKind, type Completion, type RunContext, type RunHost } from './types.ts';

/** Rows per artifact slice of a column (4 MiB of cells), and labels per slice of a column's categories. */
export const SLICE_ROWS = 2 ** 19;
export const SLICE_LABELS = 100_000;

/** Where each phase sits in the run's progress (the host's write takes the last part). */
export const PHASES = {
  read: { at: 0, label: 'Reading' },
  decode: { at: 0.08, label: 'Decoding' },
  parse: { at: 0.1, to: 0.6, label: 'Parsing' },
  profile: { at: 0.6, to: 0.75, label: 'Profiling' },
  send: { at: 0.75, to: 0.8, label: 'Handing over' },
  write: { at: 0.8, to: 1, label: 'Writing' },
} as const;

const input = z.object({
  fileName: z.string().min(1).max(512),
  /** The dataset's name (unique once written: a taken one gets a suffix). */
  datasetName: z.string().min(1).max(MAX_NAME_LENGTH),
  /** DETECT_ENCODING or a canonical WHATWG encoding name. */
  encoding: z.string().min(1).max(64),
  missingTokens: z.array(z.string().max(64)).max(100),
  outcome: z.string().max(MAX_NAME_LENGTH).optional(),
  confirmMissingTokens: z.boolean(),
});
type Input = z.infer<typeof input>;

const finite = z.number().refine(Number.isFinite, 'must be finite');
const count = z.number().int().nonnegative();
const columnProfile = z.object({
  index: count,
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  role: z.enum(COLUMN_ROLES),
  missing: count,
  distinct: count,
  stats: z.object({ min: finite, max: finite, mean: finite, sd: finite, median: finite }).nullable(),
  categories: z.array(z.object({ value: z.string(), count })).nullable(),
  histogram: z.object({ edges: z.array(finite), counts: z.array(count) }).nullable(),
});

/** What the worker returns (the cells come ahead of it as artifacts). Checked on the host: a worker is never trusted. */
const result = z.object({
  fileName: z.string().min(1).max(512),
  datasetName: z.string().min(1).max(MAX_NAME_LENGTH),
  rows: count,
  delimiter: z.string().max(4),
  missingTokens: z.array(z.string()),
  warnings: z.array(z.string()),
  columns: z.array(z.object({ name: z.string(), type: z.enum(COLUMN_TYPES), role: z.enum(COLUMN_ROLES), categories: count.nullable() })),
  profile: z.object({
    rows: count,
    columns: count,
    missingCells: count,
    columnProfiles: z.array(columnProfile),
    missingness: z.object({ rows: z.array(count), missing: z.array(z.array(count)), sampled: z.boolean() }),
    patterns: z.array(z.object({ columns: z.array(count), count })),
    patternCount: count,
  }),
});
type ImportResult = z.infer<typeof result>;

const artifact = z.union([
  z.object({ column: count, first: count, values: z.instanceof(Float64Array).refine((v) => v.byteLength <= MAX_CHUNK_BYTES, 'is too large') }),
  z.object({ column: count, first: count, labels: z.array(z.string()).max(SLICE_LABELS) }),
]);

function services(host: RunHost): Required<Pick<RunHost, 'importFile' | 'importDataset'>> {
  if (!host.importFile || !host.importDataset) throw new Error('this host cannot run imports (its RunHost lacks importFile and importDataset)');
  return { importFile: host.importFile.bind(host), importDataset: host.importDataset.bind(host) };
}

export const importKind = defineRunKind({
  kind: IMPORT_RUN_KIND,
  description: 'Import a CSV file as a dataset (decoded, parsed and profiled in a worker)',
  config: importDatasetConfig,
  input,
  resumable: false,

  async prepare(config, host) {
    // An unknown encoding is refused now, before the file is read (VALIDATION, field 'encoding').
    const encoding = !config.encoding || config.encoding.toLowerCase() === DETECT_ENCODING ? DETECT_ENCODING : normalizeEncoding(config.encoding);
    const payload = await services(host).importFile(config.source);
    const prepared: Input = {
      fileName: config.fileName,
      datasetName: config.name?.trim() || defaultDatasetName(config.fileName),
      encoding,
      missingTokens: config.missingTokens ?? [],
      outcome: config.outcome?.trim() || undefined,
      confirmMissingTokens: config.confirmMissingTokens === true,
    };
    return { input: prepared, payload, name: `Import ${config.fileName}` };
  },

  async run(job, ctx): Promise<ImportResult> {
    const step = (at: number, label: string) => ctx.progress(at, `${label} ${job.fileName}`);
    step(PHASES.read.at, PHASES.read.label);
    const bytes = await ctx.payload();
    step(PHASES.decode.at, PHASES.decode.label);
    let dataset: Dataset;
    let profile: DatasetProfile;
    try {
      const decoded = decodeBytes(bytes, job.encoding);
      const span = (phase: { at: number; to: number; label: string }) => (f: number) => step(phase.at + f * (phase.to - phase.at), phase.label);
      dataset = await parseCsvAsync(
        decoded.text,
        // The host refused files over its limit as they were read: the text's own size is not limited again.
        { missingTokens: job.missingTokens, outcome: job.outcome, confirmMissingTokens: job.confirmMissingTokens, maxBytes: Number.MAX_SAFE_INTEGER },
        { signal: ctx.signal, onProgress: span(PHASES.parse) },
      );
      const warning = encodingWarning(decoded);
      if (warning) dataset.warnings.unshift(warning);
      profile = await profileDatasetAsync(dataset, {}, { signal: ctx.signal, onProgress: span(PHASES.profile) });
    } catch (e) {
      throw inFile(job.fileName, e);
    }
    step(PHASES.send.at, PHASES.send.label);
    await sendColumns(dataset, ctx);
    return {
      fileName: job.fileName,
      datasetName: job.datasetName,
      rows: dataset.rows,
      delimiter: dataset.delimiter,
      missingTokens: dataset.missingTokens,
      warnings: dataset.warnings,
      columns: dataset.columns.map((c) => ({ name: c.name, type: c.type, role: c.role, categories: c.categories?.length ?? null })),
      profile,
    };
  },

  async complete(raw, host, completion): Promise<DatasetSummary> {
    const checked = result.safeParse(raw);
    if (!checked.success) throw damaged('a file', `its result ${describeRejected(checked.error, raw)}`);
    const done = checked.data;
    const dataset = await assemble(done, completion);
    const { write } = PHASES;
    const label = `${write.label} ${done.fileName}`;
    completion.progress(write.at, label);
    return services(host).importDataset(
      dataset,
      done.profile,
      { name: done.datasetName, source: done.fileName },
      { signal: completion.signal, onProgress: (f) => completion.progress(write.at + f * (write.to - write.at), label) },
    );
  },
});

/**
 * Sends every column as slices (copies: a structured clone of a subarray would carry its whole buffer), yielding
 * between them so that a cancel is seen.
 */
async function sendColumns(dataset: Dataset, ctx: RunContext): Promise<void> {
  const pacer = new Pacer(ctx.signal);
  for (const [column, c] of dataset.columns.entries()) {
    for (let first = 0; first < dataset.rows; first += SLICE_ROWS) {
      ctx.artifact({ column, first, values: c.values.slice(first, first + SLICE_ROWS) });
      await pacer.tick();
    }
    for (let first = 0; first < (c.categories?.length ?? 0); first += SLICE_LABELS) {
      ctx.artifact({ column, first, labels: c.categories!.slice(first, first + SLICE_LABELS) });
    }
  }
}

/**
 * The dataset from the worker's result and artifacts, checked slice by slice: every column's cells and labels must
 * arrive in order and cover it exactly (a slice at a time, with a turn of the event loop between: a 200 MB dataset
 * would otherwise hold the host while it is copied).
 */
async function assemble(done: ImportResult, completion: Completion): Promise<Dataset> {
  const broken = (why: string) => damaged(`"${done.fileName}"`, why);
  const columns: DataColumn[] = done.columns.map((c) => ({
    name: c.name,
    type: c.type,
    role: c.role,
    values: new Float64Array(done.rows),
    categories: c.categories === null ? null : [],
  }));
  const filled = columns.map(() => 0);
  const pacer = new Pacer(completion.signal);
  for (const [k, raw] of completion.artifacts.entries()) {
    const checked = artifact.safeParse(raw);
    if (!checked.success) throw broken(`slice ${k + 1}: ${describeRejected(checked.error, raw)}`);
    const slice = checked.data;
    const c = columns[slice.column];
    if (!c) throw broken(`a slice of column ${slice.column + 1} of ${columns.length}`);
    if ('values' in slice) {
      if (slice.first !== filled[slice.column] || slice.first + slice.values.length > done.rows) throw broken(`cells out of order in column "${c.name}"`);
      c.values.set(slice.values, slice.first);
      filled[slice.column] += slice.values.length;
    } else {
      if (!c.categories || slice.first !== c.categories.length) throw broken(`labels out of order in column "${c.name}"`);
      for (const label of slice.labels) c.categories.push(label);
    }
    await pacer.pause();
  }
  columns.forEach((c, j) => {
    if (filled[j] !== done.rows) throw broken(`column "${c.name}" has ${filled[j]} of ${done.rows} cells`);
    if (c.categories !== null && c.categories.length !== done.columns[j].categories) throw broken(`column "${c.name}" lacks labels`);
  });
  return { rows: done.rows, columns, delimiter: done.delimiter, missingTokens: done.missingTokens, warnings: done.warnings };
}

/** What a worker sent back does not hold together: a bug (or a worker that cannot be trusted), not the user's file. */
function damaged(what: string, why: string): LabError {
  return new LabError('INTERNAL', `The import of ${what} came back damaged from its worker (${why}). Import the file again.`);
}
