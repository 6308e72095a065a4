// `qnnlab report --run ID | --comparison ID --format html|pdf|csv|json --out FILE [--db PATH]`: a finished run's or a
// saved comparison's report, written whole (a temporary file renamed once complete) and recorded in the database, so
// the app's Reports page lists it too.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LabError } from '../../../core/errors.ts';
import { REPORT_FORMATS, type ExportReportRequest } from '../../contract/reports.ts';
import { toApiError } from '../../backend/errors.ts';
import { openCliBackend } from '../backend-client.ts';
import { UserError, choiceFlag, numberFlag, printJson, stringFlag, type Command } from '../command.ts';
import { dbFlag, jsonFlag } from '../flags.ts';
import { createProgressBar } from '../progress.ts';

/** Refuses an --out the command could not write before any work (a PDF takes seconds to print). */
function checkOut(out: string): string {
  const path = resolve(out);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // a new file: its folder decides
  }
  if (isDir) throw new UserError(`--out ${out} is a folder: give the path of the file to write, e.g. ${out}/report.html`, { field: 'out', value: out });
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EROFS' ? 'is on a read-only disk' : 'cannot be written (permission denied)';
    throw new UserError(`--out ${out}: the folder ${dirname(path)} ${why}. Nothing was written. Choose another path.`, {
      code: code === 'ENOENT' ? 'NOT_FOUND' : 'READ_ONLY',
      field: 'out',
      value: out,
    });
  }
  return path;
}

const reportCommand: Command = {
  path: ['report'],
  summary: 'Export a finished run or a saved comparison as a report: self-contained HTML, PDF, or its metrics as CSV or JSON',
  usage: 'report --run ID | --comparison ID --format html|pdf|csv|json --out FILE [--db PATH] [--json]',
  options: {
    run: { type: 'string', value: 'ID', description: 'the run to report (see `qnnlab run list`); it must have ended' },
    comparison: { type: 'string', value: 'ID', description: 'the saved comparison to report (instead of --run)' },
    format: { type: 'string', value: 'FORMAT', description: `${REPORT_FORMATS.join(', ')} (pdf needs Chromium: apt-get install chromium)`, required: true },
    out: { type: 'string', value: 'FILE', description: 'where to write the report (written whole or not at all)', required: true },
    ...dbFlag,
    ...jsonFlag,
  },
  notes: [
    'qnnlab report --run 12 --format html --out run-12.html',
    'qnnlab report --comparison 3 --format pdf --out comparison-3.pdf',
    'Every report is recorded in the database: the app lists it under Reports.',
  ],
  async run(flags, _positionals, io) {
    const runId = numberFlag(flags, 'run', { integer: true, min: 1 });
    const comparisonId = numberFlag(flags, 'comparison', { integer: true, min: 1 });
    if ((runId === undefined) === (comparisonId === undefined)) {
      throw new UserError(`give exactly one of --run ID and --comparison ID (got ${runId === undefined ? 'neither' : 'both'})`, { field: 'run' });
    }
    const format = choiceFlag(flags, 'format', REPORT_FORMATS);
    const out = checkOut(stringFlag(flags, 'out', true)!);
    const request: ExportReportRequest = runId !== undefined ? { runId, format } : { comparisonId: comparisonId!, format };
    const backend = openCliBackend(stringFlag(flags, 'db'));
    const bar = createProgressBar(io.stderr, `report ${format}`);
    try {
      const report = await backend.reports.exportToFile(request, out, io.signal, (fraction, label) => bar.update(fraction, label));
      bar.done();
      if (flags.json) printJson(io, report);
      else io.stdout.write(`wrote ${report.path} (${report.bytes} bytes): ${report.title}; recorded as report ${report.id}\n`);
    } catch (e) {
      const error = toApiError(e, { databasePath: backend.databasePath, action: 'qnnlab report' });
      if (error.code === 'INTERNAL' || e instanceof LabError) throw e;
      throw new LabError(error.code, error.message, { field: 'out', value: out }, { cause: e });
    } finally {
      backend.close();
    }
  },
};

export const reportCommands: Command[] = [reportCommand];
