// A 200 MB import as a client sees it, for the import run's process-level test and its benchmark: a CSV generated
// to a file (32 numeric columns, a missing cell now and then, every cell known from its row and column), and a
// client in its own thread (its timers do not depend on the host's event loop) that probes the host while it
// uploads the file and follows the import run.
import { closeSync, openSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Cell (i, j) of the generated file: deterministic, with a missing cell now and then. */
export const importCell = (i: number, j: number): string => ((i * 31 + j * 17) % 101 === 0 ? '' : (((i * 7919 + j * 104_729) % 100_000) / 100).toFixed(2));

/** Writes the CSV (a header c0..c{columns-1}, then `rows` rows); returns its size in bytes. */
export function writeImportCsv(path: string, rows: number, columns: number): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  const put = (text: string) => (bytes += writeSync(fd, text));
  put(Array.from({ length: columns }, (_, j) => `c${j}`).join(',') + '\n');
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<string>(columns);
    for (let j = 0; j < columns; j++) row[j] = importCell(i, j);
    chunk.push(row.join(','));
    if (chunk.length === 20_000) {
      put(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length > 0) put(chunk.join('\n') + '\n');
  closeSync(fd);
  return bytes;
}

export interface ImportClientReport {
  /** Each probe call: which channel, when it was sent (ms since the client started) and how long its answer took. */
  calls: { channel: string; at: number; ms: number }[];
  upload: { uploadId: string; bytes: number };
  uploadMs: number;
  run: { id: number; status: string; error: string | null; failure: unknown; result: unknown };
  runMs: number;
}

/**
 * The client, in its own thread so that its timers and measurements do not depend on the host's event loop: probes
 * app.info every 20 ms (datasets.list every 100 ms), uploads the file, starts the import run, follows it until it
 * ends (with \`cancel\`, cancelling it once it is parsing), and reports.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { createReadStream, statSync } = require('node:fs');
const { Readable } = require('node:stream');
const { basename } = require('node:path');
const { base, headers, file, config, cancel } = workerData;
const t0 = performance.now();
const calls = [];
const call = async (channel, body = {}) => {
  const res = await fetch(base + '/api/rpc/' + channel, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!json.ok) throw new Error(channel + ': ' + json.error.message);
  return json.value;
};
let probing = true;
let tick = 0;
const probe = async () => {
  while (probing) {
    const channel = tick++ % 5 === 0 ? 'datasets.list' : 'app.info';
    const at = performance.now();
    await call(channel);
    calls.push({ channel, at: at - t0, ms: performance.now() - at });
    await new Promise((r) => setTimeout(r, Math.max(0, 20 - (performance.now() - at))));
  }
};
(async () => {
  const probing$ = probe();
  await new Promise((r) => setTimeout(r, 300));
  const u0 = performance.now();
  const name = basename(file);
  const res = await fetch(base + '/api/uploads?name=' + encodeURIComponent(name), {
    method: 'POST', duplex: 'half',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })),
  });
  const uploaded = await res.json();
  if (!uploaded.ok) throw new Error('upload: ' + uploaded.error.message);
  const uploadMs = performance.now() - u0;
  const r0 = performance.now();
  let run = await call('runs.start', { kind: 'import', config: { fileName: name, source: { uploadId: uploaded.value.uploadId }, ...config } });
  let cancelled = false;
  while (!['succeeded', 'failed', 'cancelled', 'interrupted'].includes(run.status)) {
    await new Promise((r) => setTimeout(r, 100));
    run = await call('runs.get', { id: run.id });
    // Parsing is the run's progress from 0.1 to 0.6 (import.ts PHASES).
    if (cancel && !cancelled && run.progress > 0.15 && run.progress < 0.5) {
      cancelled = true;
      await call('runs.cancel', { id: run.id });
    }
  }
  const runMs = performance.now() - r0;
  await new Promise((r) => setTimeout(r, 300));
  probing = false;
  await probing$;
  parentPort.postMessage({ calls, upload: uploaded.value, uploadMs, run, runMs });
})().catch((e) => { probing = false; parentPort.postMessage({ error: String(e && e.stack || e) }); });
`;

export function runImportClient(options: {
  base: string;
  headers: Record<string, string>;
  file: string;
  config?: Record<string, unknown>;
  cancel?: boolean;
}): Promise<ImportClientReport> {
  const worker = new Worker(CLIENT, { eval: true, workerData: { config: {}, cancel: false, ...options } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: ImportClientReport & { error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}
