// The import run kind: a CSV file becomes a dataset without the host ever holding its thread for long. The host
// streams the file's bytes (an upload, or a local path where the host reads paths) to the worker as the run's
// payload; the worker decodes them (core/data/decode.ts: the one rule), parses and profiles them with progress and
// cancel, and sends the columns back in slices ahead of a small result; the host checks them, puts them together a
// slice at a time, and writes the dataset in slices, hidden until one last transaction shows it whole
// (RunHost.importDataset). Not resumable: an interrupted import is started again.
import { z } from 'zod';
import type { Dataset, DatasetProfile } from '../../../core/data/types.ts';
import { decodeBytes, DETECT_ENCODING, encodingWarning, normalizeEncoding } from '../../../core/data/decode.ts';
import { inFile } from '../../../core/data/errors.ts';
import { parseCsvAsync } from '../../../core/data/csv.ts';
import { profileDatasetAsync } from '../../../core/data/dataset-profile.ts';
import { LabError } from '../../../core/errors.ts';
import { defaultDatasetName, IMPORT_RUN_KIND, importDatasetConfig, MAX_NAME_LENGTH, type DatasetSummary } from '../../contract/datasets.ts';
import { describeRejected } from '../../contract/run-protocol.ts';
import { assembleDataset, datasetProfile, datasetShape, sendDataset } from './dataset-artifacts.ts';
import { defineRunKind, type RunHost } from './types.ts';

export { SLICE_LABELS, SLICE_ROWS } from './dataset-artifacts.ts';

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

/** What the worker returns (the cells come ahead of it as artifacts). Checked on the host: a worker is never trusted. */
const result = datasetShape.extend({
  fileName: z.string().min(1).max(512),
  datasetName: z.string().min(1).max(MAX_NAME_LENGTH),
  profile: datasetProfile,
});
type ImportResult = z.infer<typeof result>;

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
    const payload = await services(host).importFile(config.source);
    let encoding: string;
    try {
      // An unknown encoding is refused now, before the file is read (VALIDATION, field 'encoding'); the upload goes.
      encoding = !config.encoding || config.encoding.toLowerCase() === DETECT_ENCODING ? DETECT_ENCODING : normalizeEncoding(config.encoding);
    } catch (e) {
      await payload.dispose();
      throw e;
    }
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
    const shape = await sendDataset(dataset, ctx);
    return { fileName: job.fileName, datasetName: job.datasetName, ...shape, profile };
  },

  async complete(raw, host, completion): Promise<DatasetSummary> {
    const checked = result.safeParse(raw);
    if (!checked.success) throw damaged('a file', `its result ${describeRejected(checked.error, raw)}`);
    const done = checked.data;
    const dataset = await assembleDataset(done, completion, (why) => damaged(`"${done.fileName}"`, why));
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

/** What a worker sent back does not hold together: a bug (or a worker that cannot be trusted), not the user's file. */
function damaged(what: string, why: string): LabError {
  return new LabError('INTERNAL', `The import of ${what} came back damaged from its worker (${why}). Import the file again.`);
}
